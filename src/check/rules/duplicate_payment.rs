//! duplicate-payment — 疑似重复付款.
//!
//! Two payments (cash legs credited on the 财务 side) to the same payee for the same amount
//! within `window_days`. Payee names are compared after removing spaces, brackets and company
//! endings (有限公司 …), so 「昆明新华印刷有限公司」 and 「昆明新华印刷公司」 meet. The later
//! voucher is flagged; the explanation names the earlier one.
//!
//! Look-alikes that do not fire: the same monthly rent or fee a month apart (outside the
//! window); different amounts to the same payee; the same amount to different payees; a
//! payment and its reversal (negative amount).

use crate::check::finding::Draft;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "duplicate-payment",
    title: "疑似重复付款（同一收款人、同一金额、短期内两次）",
    analytical: true,
    category: "日记账测试",
    looks_at: "同一收款人（往来单位，名称去除空格、括号和“有限公司”等后比较）在设定天数（默认 25 天）内收到两笔金额相同的付款。",
    why: "重复付款是常见的资金损失和舞弊形式；同一发票报销两次、同一合同款支付两次都会表现为此特征。",
    example: "3月5日和3月18日各向“昆明新华印刷有限公司”支付 8,600.00 元印刷费。",
    look_alikes: "每月固定的租金、物业费（间隔超过设定天数）；同一收款人不同金额；不同收款人相同金额；付款及其红字冲销。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    window_days: i64,
    name_noise: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let clean = |s: &str| {
        let mut t = s.to_string();
        for w in &p.name_noise {
            t = t.replace(w.as_str(), "");
        }
        t
    };
    // (entity, payee, amount) → [(date, voucher index)]
    let mut seen: BTreeMap<(String, String, Fen), Vec<(chrono::NaiveDate, usize)>> =
        BTreeMap::new();
    let mut out = RuleOutcome::default();
    for (k, v) in book.vouchers.iter().enumerate() {
        let (paid, any) = book.cash_out(v, c);
        if !any || paid.0 <= 0 {
            continue;
        }
        let Some(payee) = v.rows.iter().find_map(|&i| book.counterparty(i)) else {
            continue;
        };
        let Some(date) = book.voucher_date(v) else {
            continue;
        };
        let key = (v.entity.clone(), clean(payee), paid);
        let earlier = seen.entry(key).or_default();
        if let Some(&(d0, k0)) = earlier
            .iter()
            .rev()
            .find(|(d0, _)| (date - *d0).num_days().abs() <= p.window_days)
        {
            let first = &book.vouchers[k0];
            let mut d = Draft::for_voucher(book, v);
            d.amount = Some(paid);
            d.explanation = format!(
                "凭证“{}”于 {date} 向“{payee}”付款 {} 元；{} 天前（{d0}）凭证 {}“{}”已向同一收款人支付相同金额。",
                d.summary,
                paid.grouped(),
                (date - d0).num_days(),
                first.label(),
                first.rows.first().map(|&i| book.summary(i)).unwrap_or("")
            );
            d.rows = first
                .rows
                .iter()
                .chain(v.rows.iter())
                .copied()
                .filter(|&i| !book.is_budget(i))
                .collect();
            out.drafts.push(d);
        }
        earlier.push((date, k));
    }
    Ok(out)
}
