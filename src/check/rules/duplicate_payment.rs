//! duplicate-payment — 疑似重复付款.
//!
//! Two payments (cash legs credited on the 财务 side) to the same payee for the same amount
//! within `window_days`. Payee names are compared after removing spaces, brackets and company
//! endings (有限公司 …), so 「昆明新华印刷有限公司」 and 「昆明新华印刷公司」 meet. The later
//! voucher is flagged; the explanation names the earlier one.
//!
//! These are 分析性程序 results (pointers), not 疑点: a same amount is no proof of a second
//! payment. Where both 摘要 state the same invoice number (`发票号12345678`, the words are data)
//! and the payee is the same, every element of a duplicate payment is on the books: that
//! result is a 疑点 (`breach`) and cites what a payment without an economic event breaches —
//! at any distance in time.
//!
//! Look-alikes that do not fire: the same monthly rent or fee a month apart (outside the
//! window); different amounts to the same payee; the same amount to different payees; a
//! payment and its reversal (negative amount); the same invoice number to another payee.

use crate::check::finding::Draft;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use polars::prelude::PlHashMap;
use serde::Deserialize;

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
    /// Words after which a 摘要 states an invoice number (发票号, 票号 …).
    invoice_words: Vec<String>,
    /// An invoice number has at least this many digits.
    invoice_min_digits: usize,
}

/// Invoice numbers a 摘要 states: a run of digits after one of `words` (a colon or space between).
fn invoice_numbers(text: &str, words: &[String], min_digits: usize) -> Vec<String> {
    let mut out = Vec::new();
    for w in words.iter().filter(|w| !w.is_empty()) {
        for (at, m) in text.match_indices(w.as_str()) {
            let rest = text[at + m.len()..]
                .trim_start_matches([':', '：', ' ', '　', '码', '#', 'N', 'o', '.']);
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.len() >= min_digits && !out.contains(&digits) {
                out.push(digits);
            }
        }
    }
    out
}

/// The payments to one payee of one amount: (date, voucher index).
type Payments = Vec<(chrono::NaiveDate, usize)>;

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let clean = |s: &str| {
        let mut t = s.to_string();
        for w in &p.name_noise {
            if t.contains(w.as_str()) {
                t = t.replace(w.as_str(), "");
            }
        }
        t
    };
    // Payees numbered by their cleaned name: each distinct counterparty text cleaned once
    // (not a String per voucher); two texts that clean alike share a number.
    let mut payee_of: PlHashMap<&str, u32> = PlHashMap::default();
    let mut cleaned: PlHashMap<String, u32> = PlHashMap::default();
    // (entity, payee, amount) → [(date, voucher index)] (only looked up, never iterated)
    let mut seen: PlHashMap<(&str, u32, Fen), Payments> = PlHashMap::default();
    // (entity, payee, invoice number) → first voucher paying it
    let mut invoices: PlHashMap<(&str, u32, String), usize> = PlHashMap::default();
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
        let payee_key = match payee_of.get(payee) {
            Some(&n) => n,
            None => {
                let next = cleaned.len() as u32;
                let n = *cleaned.entry(clean(payee)).or_insert(next);
                payee_of.insert(payee, n);
                n
            }
        };
        // The same invoice paid twice to the same payee: every element of the breach.
        let mut same_invoice: Option<(usize, String)> = None;
        for i in &v.rows {
            for no in invoice_numbers(book.summary(*i), &p.invoice_words, p.invoice_min_digits) {
                let key = (v.entity.as_str(), payee_key, no.clone());
                match invoices.get(&key) {
                    Some(&k0) if k0 != k => {
                        same_invoice.get_or_insert((k0, no));
                    }
                    Some(_) => {}
                    None => {
                        invoices.insert(key, k);
                    }
                }
            }
        }
        let key = (v.entity.as_str(), payee_key, paid);
        let earlier = seen.entry(key).or_default();
        let near = earlier
            .iter()
            .rev()
            .find(|(d0, _)| (date - *d0).num_days().abs() <= p.window_days)
            .copied();
        let hit = match (&same_invoice, near) {
            (Some((k0, _)), _) => Some(*k0),
            (None, Some((_, k0))) => Some(k0),
            _ => None,
        };
        if let Some(k0) = hit {
            let first = &book.vouchers[k0];
            let d0 = book.voucher_date(first).unwrap_or(date);
            let mut d = Draft::for_voucher(book, v);
            d.amount = Some(paid);
            d.facts = vec![
                format!(
                    "凭证“{}”于 {date} 向“{payee}”付款 {} 元",
                    d.summary,
                    paid.grouped()
                ),
                format!(
                    "{} 天前（{d0}）凭证 {}“{}”已向同一收款人付款{}",
                    (date - d0).num_days(),
                    first.label(),
                    first.rows.first().map(|&i| book.summary(i)).unwrap_or(""),
                    if near.is_some_and(|x| x.1 == k0) {
                        "，金额相同"
                    } else {
                        ""
                    }
                ),
            ];
            match &same_invoice {
                Some((_, no)) => {
                    d.breach = true;
                    d.facts.push(format!("两张凭证的摘要写明同一发票号 {no}"));
                    d.unseen = vec!["同一发票是否已追回或另有合同分期约定？".into()];
                }
                None => {
                    d.unseen = vec!["两笔是否为同一业务？金额相同本身不能证明重复付款".into()];
                }
            }
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
