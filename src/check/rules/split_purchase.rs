//! split-purchase — 化整为零规避政府采购.
//!
//! Within a fiscal year, payments to the same supplier for the same 经济分类 (the nearest the
//! ledger comes to 同一品目), each below the 政府采购 threshold while together above it
//! (《政府采购法实施条例》第二十八条). The threshold is data: each province sets its own.
//!
//! Look-alikes that do not fire: a single payment above the threshold (a procured purchase);
//! several payments whose total stays below it; the same supplier for different 经济分类;
//! payments to people (not suppliers).

use crate::check::config::fen;
use crate::check::finding::Draft;
use crate::check::text::is_person;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "split-purchase",
    title: "同一供应商同类支出拆分支付，疑似化整为零规避政府采购",
    analytical: false,
    category: "日记账测试",
    looks_at: "同一会计年度内，向同一供应商支付的同一经济分类支出，单笔均低于政府采购限额（数据可配置）而累计超过限额的。",
    why: "《政府采购法》第二十八条、实施条例第二十八条禁止以化整为零方式规避公开招标和政府采购。",
    example: "一年内向同一公司 12 次各支付 2.8 万元“办公设备维修费”，合计 33.6 万元，超过县级分散采购限额 30 万元。",
    look_alikes: "单笔超过限额（应已履行采购程序）；累计未超过限额；同一供应商不同经济分类；付给个人的款项。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    threshold: String,
    min_payments: usize,
    econ_prefixes: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let limit = fen("threshold", &p.threshold)?;
    let c = &cx.config.common;
    let book = cx.book;
    // (entity, year, supplier, econ) → [(voucher index, amount, rows)]
    type Pays = Vec<(usize, Fen, Vec<usize>)>;
    let mut groups: BTreeMap<(String, i32, String, String), Pays> = BTreeMap::new();
    for (k, v) in book.vouchers.iter().enumerate() {
        let Some(supplier) = v.rows.iter().find_map(|&i| book.counterparty(i)) else {
            continue;
        };
        if is_person(supplier, &c.org_suffixes, &c.person_words) {
            continue;
        }
        let mut per_econ: BTreeMap<String, (Fen, Vec<usize>)> = BTreeMap::new();
        for i in book.expense_rows(v, c) {
            let Some(e) = book.econ(i) else { continue };
            if !p.econ_prefixes.iter().any(|x| e.starts_with(x.as_str())) {
                continue;
            }
            let slot = per_econ.entry(e.to_string()).or_default();
            slot.0 += book.debit(i);
            slot.1.push(i);
        }
        for (e, (amt, rows)) in per_econ {
            groups
                .entry((v.entity.clone(), v.year, supplier.to_string(), e))
                .or_default()
                .push((k, amt, rows));
        }
    }
    let mut out = RuleOutcome::default();
    for ((entity, year, supplier, econ), pays) in groups {
        if pays.len() < p.min_payments || pays.iter().any(|x| x.1 >= limit) {
            continue;
        }
        let total: Fen = pays.iter().map(|x| x.1).sum();
        if total <= limit {
            continue;
        }
        let last = &book.vouchers[pays.last().map(|x| x.0).unwrap_or(0)];
        let labels: Vec<String> = pays.iter().map(|x| book.vouchers[x.0].label()).collect();
        let mut d = Draft::for_voucher(book, last);
        d.entity = Some(entity);
        d.part = Some(format!("{supplier}-{econ}"));
        d.amount = Some(total);
        d.explanation = format!(
            "{year}年向“{supplier}”支付经济分类 {econ} 的款项 {} 笔，单笔均低于限额 {} 元，合计 {} 元，超过限额（凭证：{}）。",
            pays.len(),
            limit.grouped(),
            total.grouped(),
            labels.join("、")
        );
        d.rows = pays.iter().flat_map(|x| x.2.iter().copied()).collect();
        out.drafts.push(d);
    }
    Ok(out)
}
