//! cutoff — 跨期记账.
//!
//! Entries dated outside their accounting period (the date's year is not the fiscal year, or
//! its month is not the period for periods 1–12), and year-end entries whose 摘要 names the next
//! year (预付/提前列支 of next year's costs, income deferred). A journal-entry test.
//!
//! Look-alikes that do not fire: adjustment periods 13–16 (dated at year end by design); a
//! 摘要 naming the *previous* year (settling last year's bills in January is normal); next-
//! year words in vouchers well before year end (budget notices, plans).

use crate::check::finding::Draft;
use crate::check::text::{find_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "cutoff",
    title: "跨期记账（凭证日期不在所属期间，年末列支下年度业务）",
    analytical: true,
    category: "日记账测试",
    looks_at: "凭证日期的年度不是会计年度、或月份不是会计期间（1–12 期）的凭证；年末（默认最后 15 天）摘要写明下一年度业务的凭证。",
    why: "跨期记账会提前或推迟确认费用、收入，歪曲年度预算执行和决算数，是日记账测试关注的期末异常。",
    example: "2023年12月28日“支付2024年度物业费”列支当年费用。",
    look_alikes: "第 13–16 调整期；摘要写上一年度的业务（年初结算上年账单）；年中提到下一年度的文件、计划。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    year_end_days: i64,
    next_year_words: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    // The words with `{next}` filled in, one list (and automaton) per book year.
    let mut by_year: std::collections::BTreeMap<i32, WordList> = Default::default();
    for v in &book.vouchers {
        let Some(date) = book.voucher_date(v) else {
            continue;
        };
        let mut why: Vec<String> = Vec::new();
        if (1..=12).contains(&v.period) && (date.year() != v.year || date.month() != v.period) {
            why.push(format!(
                "凭证日期 {date} 不在所属会计期间 {}年{}月",
                v.year, v.period
            ));
        }
        if let Some(year_end) = NaiveDate::from_ymd_opt(v.year, 12, 31) {
            if (year_end - date).num_days() < p.year_end_days && date.year() == v.year {
                let words = by_year.entry(v.year).or_insert_with(|| {
                    p.next_year_words
                        .iter()
                        .map(|w| w.replace("{next}", &(v.year + 1).to_string()))
                        .collect()
                });
                if let Some(w) = v
                    .rows
                    .iter()
                    .find_map(|&i| find_any(book.summary(i), words))
                {
                    why.push(format!(
                        "年末 {date} 记账，摘要写明“{w}”（是否为下一年度业务？）"
                    ));
                }
            }
        }
        if why.is_empty() {
            continue;
        }
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(
            v.rows
                .iter()
                .filter(|&&i| !book.is_budget(i))
                .map(|&i| book.debit(i))
                .sum(),
        );
        d.explanation = format!("凭证“{}”：{}。", d.summary, why.join("；"));
        d.rows = v.rows.clone();
        out.drafts.push(d);
    }
    Ok(out)
}
