//! voucher-gap — 凭证断号与日期倒序.
//!
//! Per entity, period and voucher word, the numbers should run without gaps and the dates
//! should not go backwards as the numbers rise. Gaps may be deleted vouchers; a voucher dated
//! before the one numbered below it may be back-dated. Numbers are read from every loaded
//! line, whatever its status: a 作废 voucher keeps its number and is not a gap.
//!
//! Look-alikes that do not fire: voided vouchers (present with status 作废); numbering that
//! restarts each month; vouchers of one day in any order; 财务/预算 pairs joined by 关联凭证号
//! (their numbers are still present).

use crate::check::finding::Draft;
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;
use polars::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

pub const DOC: Doc = Doc {
    id: "voucher-gap",
    title: "凭证断号、凭证日期倒序",
    analytical: true,
    category: "日记账测试",
    looks_at: "按核算单位、会计期间、凭证字检查凭证号是否连续（作废凭证计入已用号），以及凭证号递增而日期倒退的凭证。",
    why: "断号可能意味着凭证被删除；号大日早可能是事后补记或倒签。二者都是日记账测试关注的异常。",
    example: "2023年3月记字凭证从 记-40 跳到 记-43；记-52 的日期早于 记-51。",
    look_alikes: "保留为“作废”状态的凭证号；每月重新编号；同一日内的凭证顺序；由关联凭证号连接的财务/预算凭证。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    backdate_days: i64,
}

/// A voucher number: (entity, year, period, kind, number).
type Key<'a> = (&'a str, i32, u32, &'a str, u32);

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let df = cx.lines;
    let mut out = RuleOutcome::default();
    if df.height() == 0 {
        return Ok(out);
    }
    let entity = df.column("entity")?.str()?;
    let kind = df.column("voucher_kind")?.str()?;
    let year = df.column("year")?.i32()?;
    let period = df.column("period")?.u32()?;
    let number = df.column("voucher_number")?.u32()?;
    let date = df.column("date")?.cast(&DataType::Int32)?;
    let date = date.i32()?;
    // (entity, year, period, kind) → number → earliest date.
    // (Keys borrowed from the frame; a row with the key of the row before it — a voucher's
    // lines follow each other — adds to the same number without a lookup.)
    let mut seqs: BTreeMap<(&str, i32, u32, &str), BTreeMap<u32, i32>> = BTreeMap::new();
    let mut last: Option<(Key, i32)> = None;
    let rows = entity
        .iter()
        .zip(year.iter())
        .zip(period.iter())
        .zip(kind.iter())
        .zip(number.iter())
        .zip(date.iter());
    for (((((e, y), pd), k), n), d) in rows {
        let (Some(e), Some(y), Some(pd), Some(k), Some(n)) = (e, y, pd, k, n) else {
            continue;
        };
        let d = d.unwrap_or(i32::MAX);
        let key = (e, y, pd, k, n);
        match &mut last {
            Some((lk, ld)) if *lk == key => *ld = (*ld).min(d),
            _ => {
                if let Some(((e, y, pd, k, n), ld)) = last.take() {
                    let slot = seqs
                        .entry((e, y, pd, k))
                        .or_default()
                        .entry(n)
                        .or_insert(ld);
                    *slot = (*slot).min(ld);
                }
                last = Some((key, d));
            }
        }
    }
    if let Some(((e, y, pd, k, n), ld)) = last {
        let slot = seqs
            .entry((e, y, pd, k))
            .or_default()
            .entry(n)
            .or_insert(ld);
        *slot = (*slot).min(ld);
    }
    let book = cx.book;
    // The first voucher of each key, indexed when the first gap needs it.
    let index: std::cell::OnceCell<HashMap<Key, usize>> = std::cell::OnceCell::new();
    let find = |e: &str, y: i32, pd: u32, k: &str, n: u32| {
        let index = index.get_or_init(|| {
            let mut m = HashMap::new();
            for (x, v) in book.vouchers.iter().enumerate().rev() {
                m.insert(
                    (
                        v.entity.as_str(),
                        v.year,
                        v.period,
                        v.kind.as_str(),
                        v.number,
                    ),
                    x,
                );
            }
            m
        });
        index.get(&(e, y, pd, k, n)).map(|&x| &book.vouchers[x])
    };
    let day = crate::load::ledger::model::date_from_days;
    for ((e, y, pd, k), nums) in &seqs {
        let mut prev: Option<(u32, i32)> = None;
        for (&n, &d) in nums {
            if let Some((pn, pdate)) = prev {
                if n > pn + 1 {
                    let missing = if n == pn + 2 {
                        format!("{k}-{}", pn + 1)
                    } else {
                        format!("{k}-{} 至 {k}-{}", pn + 1, n - 1)
                    };
                    let mut dr = match find(e, *y, *pd, k, n) {
                        Some(v) => Draft::for_voucher(book, v),
                        None => Draft {
                            entity: Some(e.to_string()),
                            voucher: Some(format!("{y}-{pd:02} {k}-{n}")),
                            ..Default::default()
                        },
                    };
                    dr.part = Some(format!("断号-{}", pn + 1));
                    dr.explanation = format!(
                        "{y}年{pd}月“{k}”字凭证从 {k}-{pn} 跳到 {k}-{n}，缺少 {missing}（共 {} 个号）。",
                        n - pn - 1
                    );
                    out.drafts.push(dr);
                }
                if (pdate as i64) - (d as i64) > p.backdate_days {
                    if let Some(v) = find(e, *y, *pd, k, n) {
                        let mut dr = Draft::for_voucher(book, v);
                        dr.part = Some("日期倒序".into());
                        dr.explanation = format!(
                            "凭证 {k}-{n} 的日期 {} 早于编号在前的 {k}-{pn}（{}），号大日早（是否为补记或倒签，待核实）。",
                            day(d).map(|x| x.to_string()).unwrap_or_default(),
                            day(pdate).map(|x| x.to_string()).unwrap_or_default()
                        );
                        dr.rows = v.rows.clone();
                        out.drafts.push(dr);
                    }
                }
            }
            let keep = prev.map(|(_, pdate)| pdate.max(d)).unwrap_or(d);
            prev = Some((n, keep));
        }
    }
    Ok(out)
}
