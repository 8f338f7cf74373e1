//! round-amount — 整数金额费用.
//!
//! Expense lines of at least `min_amount` that are exact multiples of `multiple` (10,000.00 /
//! 1,000.00 …). Real purchases rarely come to round sums; estimates, advances booked as
//! expense, split or fictitious payments often do. A journal-entry test.
//!
//! Look-alikes that do not fire: round amounts below the threshold; round amounts outside
//! expense accounts (财政拨款收入, transfers between own accounts); 分 that break the multiple.

use crate::check::config::fen;
use crate::check::finding::Draft;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "round-amount",
    title: "大额整数金额列支费用",
    analytical: true,
    category: "日记账测试",
    looks_at: "金额不低于阈值（默认 10,000 元）且为整千元（可配置）的费用分录。",
    why: "真实交易的结算金额很少恰为整数，整数金额常见于估计入账、预付款直接列支、拆分或虚列支出，是日记账测试的常用特征。",
    example: "“支付咨询费”50,000.00 元。",
    look_alikes: "阈值以下的整数金额；收入、往来、资金调拨等非费用科目的整数金额；带零头的金额。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    min_amount: String,
    multiple: String,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let (min, multiple) = (
        fen("min_amount", &p.min_amount)?,
        fen("multiple", &p.multiple)?,
    );
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    if multiple.0 <= 0 {
        anyhow::bail!("round-amount 的 multiple 应大于 0");
    }
    for v in &book.vouchers {
        let rows: Vec<usize> = book
            .expense_rows(v, c)
            .into_iter()
            .filter(|&i| {
                let a = book.debit(i);
                a >= min && a.0 % multiple.0 == 0
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let amount: Fen = rows.iter().map(|&i| book.debit(i)).sum();
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(amount);
        d.explanation = format!(
            "凭证“{}”列支整数金额 {} 元（{} 的整数倍，不低于 {} 元）。",
            d.summary,
            amount.grouped(),
            multiple.grouped(),
            min.grouped()
        );
        d.rows = rows;
        out.drafts.push(d);
    }
    Ok(out)
}
