//! asset-ledger-mismatch — 资产卡片与账面不符.
//!
//! Per accounting entity, the register's totals (原值, 累计折旧) must equal the closing
//! balances of 1601 固定资产 and 1602 固定资产累计折旧: opening balance plus the year's
//! movements in the ledger. A difference is a 疑点 (purchases not carded, disposals not
//! written off, depreciation booked differently). Without opening balances for 1601/1602
//! the closing balance cannot be formed: a scope limit, not a guess.
//!
//! Look-alikes that do not fire: an entity whose register and ledger agree to the 分; a
//! register of an entity that has no ledger in this engagement (a scope limit says so).

use crate::check::assets_view;
use crate::check::config::fen;
use crate::check::finding::{not_checked, Draft};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::findings::Evidence;
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "asset-ledger-mismatch",
    title: "资产卡片与账面余额不符",
    analytical: false,
    category: "固定资产管理不规范",
    looks_at: "按核算单位比较资产卡片的原值、累计折旧合计与序时账固定资产（1601）、固定资产累计折旧（1602）的期末余额（期初余额＋本年发生额）。",
    why: "会计法和行政事业性国有资产管理条例要求定期对账，做到账卡相符、账实相符；不符说明存在未入卡片的购置、未核销的处置或折旧差异。",
    example: "资产卡片原值合计 16,794,706.80元，而固定资产科目期末余额为 16,810,706.80元，相差 16,000.00元。",
    look_alikes: "卡片合计与账面余额一致；本项目中没有序时账的核算单位（列入范围限制）。",
    inputs: &[("assets", true), ("opening", true)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    fixed_asset_account: String,
    depreciation_account: String,
    tolerance: String,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let tol = fen("tolerance", &p.tolerance)?;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    let assets = assets_view::rows(cx.assets)?;
    if assets.is_empty() {
        out.limits
            .push(not_checked("缺少固定资产明细表（资产卡片）"));
        return Ok(out);
    }
    // Register totals per entity.
    let mut reg: BTreeMap<String, (Fen, Fen, usize)> = BTreeMap::new();
    for a in &assets {
        let e = reg.entry(a.entity.clone()).or_default();
        e.0 += a.original;
        e.1 += a.accumulated;
        e.2 += 1;
    }
    // Opening balances (debit positive) per entity and account.
    let mut opening: BTreeMap<(String, &str), Fen> = BTreeMap::new();
    if cx.opening.height() > 0 {
        let e = cx.opening.column("entity")?.str()?;
        let code = cx.opening.column("account_code")?.str()?;
        let bal = cx.opening.column("balance_fen")?.i64()?;
        for k in 0..cx.opening.height() {
            let (Some(en), Some(c)) = (e.get(k), code.get(k)) else {
                continue;
            };
            for acct in [
                p.fixed_asset_account.as_str(),
                p.depreciation_account.as_str(),
            ] {
                if c.starts_with(acct) {
                    *opening.entry((en.to_string(), acct)).or_default() +=
                        Fen(bal.get(k).unwrap_or(0));
                }
            }
        }
    }
    let mut moved: BTreeMap<(String, &str), (Fen, Vec<usize>)> = BTreeMap::new();
    for i in 0..book.len() {
        for acct in [
            p.fixed_asset_account.as_str(),
            p.depreciation_account.as_str(),
        ] {
            if book.code(i).starts_with(acct) && !book.is_budget(i) {
                let e = moved
                    .entry((book.entity.get(i).unwrap_or("").to_string(), acct))
                    .or_default();
                e.0 += book.debit(i);
                e.0 -= book.credit(i);
            }
        }
    }
    for (entity, (orig, acc, n)) in &reg {
        if !book.entities.contains(entity) {
            let mut l = not_checked(format!(
                "资产卡片的核算单位“{entity}”在序时账中没有分录，无法与账面核对"
            ));
            l.entity = Some(entity.clone());
            out.limits.push(l);
            continue;
        }
        let has_open = opening.keys().any(|(e, _)| e == entity);
        if !has_open {
            let mut l = not_checked(
                "缺少固定资产、累计折旧科目的期初余额（期初余额行或科目余额表），无法计算期末余额",
            );
            l.entity = Some(entity.clone());
            out.limits.push(l);
            continue;
        }
        for (acct, label, register, sign) in [
            (p.fixed_asset_account.as_str(), "原值", *orig, 1i64),
            (p.depreciation_account.as_str(), "累计折旧", *acc, -1i64),
        ] {
            let key = (entity.clone(), acct);
            let open = opening.get(&key).copied().unwrap_or_default();
            let mv = moved.get(&key).map(|m| m.0).unwrap_or_default();
            // 1602 carries a credit balance: compare its magnitude.
            let ledger = Fen((open.0 + mv.0) * sign);
            let diff = register - ledger;
            if diff.abs() <= tol {
                continue;
            }
            let d = Draft {
                entity: Some(entity.clone()),
                part: Some(acct.to_string()),
                date: Some(cx.as_of),
                amount: Some(diff.abs()),
                summary: format!("资产卡片{label}合计与 {acct} 科目余额核对"),
                explanation: format!(
                    "截至 {}，资产卡片 {n} 项{label}合计 {} 元，{acct} 科目期末余额 {} 元（期初 {} 元，本年净发生 {} 元），相差 {} 元。",
                    cx.as_of,
                    register.grouped(),
                    ledger.grouped(),
                    Fen(open.0 * sign).grouped(),
                    Fen(mv.0 * sign).grouped(),
                    diff.grouped()
                ),
                register_rows: vec![Evidence {
                    summary: format!("资产卡片 {entity} {label}合计 {}", register.grouped()),
                    source: "资产卡片合计".into(),
                    ..Default::default()
                }],
                ..Default::default()
            };
            out.drafts.push(d);
        }
    }
    Ok(out)
}
