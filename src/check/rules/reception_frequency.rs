//! reception-frequency — 公务接待超次数/超标准.
//!
//! A reception (接待活动) allows one working meal for the visiting group (《党政机关国内公务接待
//! 管理规定》第十条; local 实施细则 may say the same, e.g. 寻甸 第十九条). Reception lines (经济分类
//! 30217, or 接待/招待 in the 摘要) that state a date and meals are grouped by visiting group
//! (named in the 摘要, else the voucher) and day: more meals than allowed on one day is a 疑点.
//! Where the number of people is stated, a per-head cost above the local standard is one too.
//! With the 公务接待台账 the same test runs on the 台账's rows (visiting unit, date, meal,
//! guests), which also covers receptions whose 摘要 says only “支付接待费”.
//!
//! One reception — a named visiting group on one day (the day the 摘要 states, else the
//! voucher's date) — reimbursed in several vouchers is a 疑点 of its own (拆分报销); its meals
//! count once per 餐次 however many vouchers name them.
//!
//! Look-alikes that do not fire: one working meal per group and day, in one voucher (linked
//! 财务/预算 vouchers are one); the 公务卡 repayment voucher (no expense line); two groups received on
//! the same day (different visiting units); the same group on two consecutive days with one
//! meal each (a multi-day visit); meals of staff on business travel (差旅, not 30217); a
//! reception whose 摘要 gives no date or meal (without the 台账 it cannot be tested — the
//! scope limit says so).

use crate::check::config::fen;
use crate::check::finding::{partly_checked, Draft};
use crate::check::text::{day_mentions, has_any, headcount, meals_by_day, visitor, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::findings::Evidence;
use crate::model::money::Fen;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "reception-frequency",
    title: "公务接待超次数、超标准",
    analytical: false,
    category: "公务接待制度执行不规范",
    looks_at: "公务接待费（30217 或摘要含接待/招待）分录摘要中写明的日期和餐次，按来访单位和日期归集：同一批次同日超过规定次数（默认 1 次工作餐，每个餐次只计一次）；同一批次同一天的接待分多张凭证报销（拆分报销）；摘要写明人数时，人均超过本地标准。给出公务接待台账时，按台账的来访单位、日期、餐次、人数检查。",
    why: "公务接待管理规定及各地实施细则规定确因工作需要可安排工作餐一次，并控制陪餐人数和标准；同日多餐或超标准属于超规定接待。",
    example: "局机关 2023年10月记-19“支付公务接待费”1,668.00元，其中同日接待双柏县劳动保障监察大队 794.00元（6月13日午餐406.00元、晚餐388.00元）。",
    look_alikes: "每批次每日一次工作餐；同日接待两个不同单位；同一批次连续两天各一餐；出差人员伙食（差旅费）；摘要未写日期和餐次的接待（无台账时无法检查，范围限制中说明）。",
    inputs: &[("receptions", false)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    econ: Vec<String>,
    words: WordList,
    meal_words: BTreeMap<String, String>,
    meals_per_day: usize,
    per_head_limit: String,
}

#[derive(Default)]
struct Day {
    meals: Vec<String>,
    rows: Vec<usize>,
    amount: Fen,
    voucher: Option<usize>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let limit = fen("per_head_limit", &p.per_head_limit)?;
    let mut out = RuleOutcome::default();

    // (entity, group, month, day) → meals, lines, amount.
    let mut days: BTreeMap<(String, String, u32, u32), Day> = BTreeMap::new();
    // One reception: (entity, year, named group, month, day) → voucher → (lines, amount). The
    // day is the one the 摘要 states, else the voucher's date.
    type Parts = BTreeMap<usize, (Vec<usize>, Fen)>;
    let mut receptions: BTreeMap<(String, i32, String, u32, u32), Parts> = BTreeMap::new();
    for (vi, v) in book.vouchers.iter().enumerate() {
        for i in book.expense_rows(v, c) {
            let s = book.summary(i);
            let is_reception = book.econ(i).is_some_and(|e| p.econ.iter().any(|x| x == e))
                || (book.econ(i).is_none() && has_any(s, &p.words));
            if !is_reception {
                continue;
            }
            let meals = meals_by_day(s, &p.meal_words);
            let named = visitor(s, &c.org_suffixes);
            if let Some(g) = &named {
                let mut on: Vec<(u32, u32)> =
                    day_mentions(s).iter().map(|d| (d.month, d.day)).collect();
                if on.is_empty() {
                    if let Some(d) = book.date(i).or_else(|| book.voucher_date(v)) {
                        on.push((d.month(), d.day()));
                    }
                }
                on.sort();
                on.dedup();
                for (m, d) in on {
                    let e = receptions
                        .entry((v.entity.clone(), v.year, g.clone(), m, d))
                        .or_default()
                        .entry(vi)
                        .or_default();
                    if !e.0.contains(&i) {
                        e.0.push(i);
                        e.1 += book.debit(i);
                    }
                }
            }
            let group = named.unwrap_or_else(|| v.label());
            for (m, d, meal) in &meals {
                let e = days
                    .entry((v.entity.clone(), group.clone(), *m, *d))
                    .or_default();
                if !e.meals.contains(meal) {
                    e.meals.push(meal.clone());
                }
                if !e.rows.contains(&i) {
                    e.rows.push(i);
                    e.amount += book.debit(i);
                }
                e.voucher.get_or_insert(vi);
            }
            // Per head, where the 摘要 states the number of people.
            if let Some(n) = headcount(s).filter(|&n| n > 0) {
                let amt = book.debit(i);
                let per = Fen(amt.0 / n as i64);
                if per > limit {
                    let mut dr = Draft::for_voucher(book, v);
                    dr.part = Some(format!("人均-{}", book.line_no.get(i).unwrap_or(0)));
                    dr.amount = Some(amt);
                    dr.summary = s.to_string();
                    dr.explanation = format!(
                        "接待分录“{s}”{} 元，摘要写明 {n} 人，人均 {} 元，超过本地标准 {} 元/人。",
                        amt.grouped(),
                        per.grouped(),
                        limit.grouped()
                    );
                    dr.rows = vec![i];
                    out.drafts.push(dr);
                }
            }
        }
    }
    for ((entity, group, m, d), day) in &days {
        if day.meals.len() <= p.meals_per_day {
            continue;
        }
        let Some(vi) = day.voucher else { continue };
        let v = &book.vouchers[vi];
        let mut dr = Draft::for_voucher(book, v);
        dr.entity = Some(entity.clone());
        dr.part = Some(format!("{m}-{d}"));
        dr.amount = Some(day.amount);
        dr.explanation = format!(
            "接待“{group}”于 {m}月{d}日安排{}共 {} 餐，合计 {} 元，超过每批次每日 {} 次工作餐的规定。",
            day.meals.join("、"),
            day.meals.len(),
            day.amount.grouped(),
            p.meals_per_day
        );
        dr.rows = day.rows.clone();
        out.drafts.push(dr);
    }

    // One reception reimbursed in several vouchers: 拆分报销.
    for ((entity, year, group, m, d), parts) in &receptions {
        if parts.len() < 2 {
            continue;
        }
        // Flagged on the voucher that completed the split: the latest, by date.
        let last = parts
            .keys()
            .copied()
            .max_by_key(|&k| (book.voucher_date(&book.vouchers[k]), k))
            .unwrap_or(0);
        let v = &book.vouchers[last];
        let total: Fen = parts.values().map(|x| x.1).sum();
        let mut dr = Draft::for_voucher(book, v);
        dr.entity = Some(entity.clone());
        dr.part = Some(format!("拆分-{group}-{m}-{d}"));
        dr.amount = Some(total);
        dr.facts = vec![
            format!(
                "{year}年{m}月{d}日接待“{group}”的费用分 {} 张凭证报销，合计 {} 元",
                parts.len(),
                total.grouped()
            ),
            parts
                .iter()
                .take(10)
                .map(|(&k, (rows, amt))| {
                    let pv = &book.vouchers[k];
                    format!(
                        "{}“{}”{} 元",
                        pv.label(),
                        rows.first().map(|&i| book.summary(i)).unwrap_or(""),
                        amt.grouped()
                    )
                })
                .collect::<Vec<_>>()
                .join("、")
                + &if parts.len() > 10 {
                    format!("等 {} 张", parts.len())
                } else {
                    String::new()
                },
        ];
        dr.unseen = vec![
            "是否为同一次接待拆分报销？各凭证是否对应同一公函和接待清单、有无同一餐次重复报销？"
                .into(),
        ];
        dr.rows = parts.values().flat_map(|x| x.0.iter().copied()).collect();
        out.drafts.push(dr);
    }

    match cx.supporting.get("receptions") {
        None => out.limits.push(partly_checked(
            "缺少公务接待台账：用餐次数仅据摘要中写明的日期和餐次判断，摘要未写明的接待未检查",
        )),
        Some(t) => {
            // (visitor, date) → rows of the 台账.
            let mut groups: BTreeMap<(String, NaiveDate), Vec<usize>> = BTreeMap::new();
            for (k, r) in t.records.iter().enumerate() {
                if let (Some(vis), Some(date)) = (r.text("visitor"), r.date("date")) {
                    groups.entry((vis.to_string(), date)).or_default().push(k);
                }
            }
            for ((vis, date), ks) in groups {
                let mut meals: Vec<String> = Vec::new();
                for &k in &ks {
                    let m = t.records[k].text("meal").unwrap_or("").to_string();
                    let m = p
                        .meal_words
                        .iter()
                        .find(|(w, _)| m.contains(w.as_str()))
                        .map(|(_, v)| v.clone())
                        .unwrap_or(if m.is_empty() {
                            format!("第{}餐", k + 1)
                        } else {
                            m
                        });
                    if !meals.contains(&m) {
                        meals.push(m);
                    }
                }
                let amount: Fen = ks
                    .iter()
                    .filter_map(|&k| t.records[k].money("amount"))
                    .sum();
                let reference = ks.iter().find_map(|&k| t.records[k].text("voucher"));
                let v = reference.and_then(|r| {
                    book.vouchers.iter().find(|v| {
                        super::card_settlement::voucher_matches(r, &v.base_label(), v.number)
                            && (r.contains(' ') || v.period >= date.month())
                    })
                });
                let evidence: Vec<Evidence> = ks
                    .iter()
                    .map(|&k| {
                        let r = &t.records[k];
                        Evidence {
                            date: r.date("date").map(|d| d.to_string()),
                            summary: format!(
                                "接待台账：{} {} {}{}",
                                vis,
                                r.text("meal").unwrap_or(""),
                                r.int("guests")
                                    .map(|g| format!("来访 {g} 人"))
                                    .unwrap_or_default(),
                                r.int("hosts")
                                    .map(|g| format!("，陪餐 {g} 人"))
                                    .unwrap_or_default()
                            ),
                            debit: r.money("amount").map(Fen::to_yuan),
                            source: r.source.clone(),
                            ..Default::default()
                        }
                    })
                    .collect();
                if meals.len() > p.meals_per_day {
                    let mut dr = match v {
                        Some(v) => Draft::for_voucher(book, v),
                        None => Draft {
                            entity: book.entities.first().cloned(),
                            ..Default::default()
                        },
                    };
                    dr.part = Some(format!("{}-{}", date.month(), date.day()));
                    if out
                        .drafts
                        .iter()
                        .any(|x| x.voucher == dr.voucher && x.part == dr.part)
                    {
                        continue; // already found from the 摘要
                    }
                    dr.date = dr.date.or(Some(date));
                    dr.amount = Some(amount);
                    if dr.summary.is_empty() {
                        dr.summary = format!("接待{vis}");
                    }
                    dr.explanation = format!(
                        "公务接待台账显示 {date} 接待“{vis}”安排{}共 {} 餐，合计 {} 元，超过每批次每日 {} 次工作餐的规定{}。",
                        meals.join("、"),
                        meals.len(),
                        amount.grouped(),
                        p.meals_per_day,
                        if v.is_none() { "（台账未注明可匹配的报销凭证号）" } else { "" }
                    );
                    dr.register_rows = evidence;
                    out.drafts.push(dr);
                }
            }
        }
    }
    Ok(out)
}
