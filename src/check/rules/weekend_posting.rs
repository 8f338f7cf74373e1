//! weekend-posting — 非工作日记账.
//!
//! Vouchers dated on a weekend or statutory holiday, using the working-day calendar kept as
//! data (`data/calendar/cn.toml`, with the 调休 working weekends; an engagement's calendar file
//! adds years and local days, `[rules] calendar` / `--calendar`). A journal-entry test: it
//! points the sample at unusual entries, it is not a breach by itself.
//!
//! Look-alikes that do not fire: a 调休 Saturday (a working day); vouchers of a year the
//! calendar does not cover (a scope limit names the year instead of guessing).

use crate::check::config::fen;
use crate::check::finding::{partly_checked, Draft};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use chrono::Datelike;
use serde::Deserialize;
use std::collections::BTreeSet;

pub const DOC: Doc = Doc {
    id: "weekend-posting",
    title: "非工作日（周末、法定节假日）记账",
    analytical: true,
    category: "日记账测试",
    looks_at: "凭证日期为周末或法定节假日（按内置节假日与调休日历，调休上班的周末算工作日）的凭证。",
    why: "非工作日形成的分录较少经过正常审批流程，是审计准则要求关注的异常分录特征之一（中国注册会计师审计准则第1141号、ISA 240）。",
    example: "2023年1月24日（春节假期）记账的付款凭证。",
    look_alikes: "调休上班的周末；日历未覆盖年度的凭证（列入范围限制）。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    min_amount: String,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let min = fen("min_amount", &p.min_amount)?;
    let cal = &cx.config.calendar;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    let mut missing_years = BTreeSet::new();
    for v in &book.vouchers {
        let Some(date) = book.voucher_date(v) else {
            continue;
        };
        match cal.is_workday(date) {
            None => {
                missing_years.insert(date.year());
            }
            Some(true) => {}
            Some(false) => {
                let amount: Fen = v
                    .rows
                    .iter()
                    .filter(|&&i| !book.is_budget(i))
                    .map(|&i| book.debit(i))
                    .sum();
                if amount < min {
                    continue;
                }
                let mut d = Draft::for_voucher(book, v);
                d.amount = Some(amount);
                d.explanation = format!(
                    "凭证日期 {date}（{}）为非工作日，借方合计 {} 元。",
                    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
                        [date.weekday().num_days_from_monday() as usize],
                    amount.grouped()
                );
                d.rows = v.rows.clone();
                out.drafts.push(d);
            }
        }
    }
    if !missing_years.is_empty() {
        let ys: Vec<String> = missing_years.iter().map(|y| y.to_string()).collect();
        out.limits.push(partly_checked(format!(
            "节假日日历缺少 {} 年（内置 data/calendar/cn.toml；可用 [rules] calendar 或 --calendar 补充该年的节假日与调休日），这些年份的凭证未检查",
            ys.join("、")
        )));
    }
    Ok(out)
}
