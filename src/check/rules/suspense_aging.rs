//! suspense-aging — 往来款项长期挂账.
//!
//! Per entity, account and counterparty of 其他应付款 (2307) and 其他应收款 (1218): the part of
//! the opening balance that this year's movements did not clear (debits clear the oldest
//! balance first) was outstanding at the year's start and is still outstanding at its end —
//! more than one year old. Telling "more than three years" apart needs earlier years' ledgers
//! or an aged balance list, which a single year's export does not give: a scope limit says so.
//!
//! Look-alikes that do not fire: balances created this year; opening balances cleared during
//! the year; 公务卡 and 代扣代缴 sub-accounts (cleared monthly by design).

use crate::check::config::fen;
use crate::check::finding::{not_checked, partly_checked, Draft};
use crate::check::text::{has_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::findings::Evidence;
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "suspense-aging",
    title: "其他应付款、其他应收款长期挂账（一年以上）",
    analytical: true,
    category: "日记账测试",
    looks_at: "按核算单位、科目、往来单位，期初余额中本年未被冲销的部分（先进先出），即年初已存在、年末仍未结清的其他应付款/其他应收款。",
    why: "长期挂账的暂收暂付款可能是应转收入、应上缴或已无法收回/支付的款项，行政单位财务规则要求加强暂存款管理、不得将应纳入收入的款项列入暂存款项。",
    example: "其他应付款-其他“县红十字会”年初贷方余额 3,533.84 元，全年未结算。",
    look_alikes: "本年形成的余额；年内已冲销的期初余额；公务卡、代扣代缴等按月结清的明细。",
    inputs: &[("opening", true)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    payable_accounts: Vec<String>,
    receivable_accounts: Vec<String>,
    min_amount: String,
    except_words: WordList,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let min = fen("min_amount", &p.min_amount)?;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    if cx.opening.height() == 0 {
        out.limits.push(not_checked(
            "缺少期初余额（序时账期初行或科目余额表），无法判断挂账时间",
        ));
        return Ok(out);
    }
    out.limits.push(partly_checked(
        "只有本年序时账：只能识别一年以上挂账；三年以上账龄需要以前年度序时账或带账龄的往来明细",
    ));
    let e = cx.opening.column("entity")?.str()?;
    let code = cx.opening.column("account_code")?.str()?;
    let name = cx.opening.column("account_name")?.str()?;
    let cp = cx.opening.column("counterparty")?.str()?;
    let bal = cx.opening.column("balance_fen")?.i64()?;
    let (sfile, ssheet) = (
        cx.opening.column("source_file")?.str()?,
        cx.opening.column("source_sheet")?.str()?,
    );
    let srow = cx.opening.column("source_row")?.u32()?;
    // (entity, code, counterparty) → (name, carried amount in the account's normal direction,
    // the opening rows as evidence)
    type Carried = (String, Fen, Vec<Evidence>);
    let mut carried: BTreeMap<(String, String, String), Carried> = BTreeMap::new();
    for k in 0..cx.opening.height() {
        let (Some(en), Some(c)) = (e.get(k), code.get(k)) else {
            continue;
        };
        let sign = if p.payable_accounts.iter().any(|a| c.starts_with(a.as_str())) {
            -1
        } else if p
            .receivable_accounts
            .iter()
            .any(|a| c.starts_with(a.as_str()))
        {
            1
        } else {
            continue;
        };
        let nm = name.get(k).unwrap_or("");
        if has_any(nm, &p.except_words) {
            continue;
        }
        let b = Fen(bal.get(k).unwrap_or(0) * sign);
        if b.0 <= 0 {
            continue;
        }
        let entry = carried
            .entry((
                en.to_string(),
                c.to_string(),
                cp.get(k).unwrap_or("").to_string(),
            ))
            .or_insert((nm.to_string(), Fen::ZERO, Vec::new()));
        entry.1 += b;
        entry.2.push(Evidence {
            account: Some(format!("{c} {nm}")),
            summary: format!(
                "期初余额{}",
                cp.get(k).map(|x| format!("（{x}）")).unwrap_or_default()
            ),
            debit: (sign > 0).then(|| b.to_yuan()),
            credit: (sign < 0).then(|| b.to_yuan()),
            counterparty: cp.get(k).map(str::to_string),
            source: crate::load::ledger::model::source_label(
                sfile.get(k).unwrap_or(""),
                ssheet.get(k).unwrap_or(""),
                srow.get(k).unwrap_or(0),
            ),
            ..Default::default()
        });
    }
    // This year's reductions per key (debits of payables, credits of receivables).
    let mut reduced: BTreeMap<(String, String, String), Fen> = BTreeMap::new();
    let mut by_code: BTreeMap<(String, String), Fen> = BTreeMap::new();
    // One pass over the lines: a payable is reduced by debits, a receivable by credits.
    for i in 0..book.len() {
        if book.is_budget(i) {
            continue;
        }
        let c = book.code(i);
        let payable = p.payable_accounts.iter().any(|a| c.starts_with(a.as_str()));
        if !payable
            && !p
                .receivable_accounts
                .iter()
                .any(|a| c.starts_with(a.as_str()))
        {
            continue;
        }
        let r = if payable {
            book.debit(i)
        } else {
            book.credit(i)
        };
        let en = book.entity.get(i).unwrap_or("").to_string();
        let cpn = book.counterparty(i).unwrap_or("").to_string();
        *by_code.entry((en.clone(), c.to_string())).or_default() += r;
        *reduced.entry((en, c.to_string(), cpn)).or_default() += r;
    }
    for (key, (nm, amount, opening_rows)) in &carried {
        let r = if key.2.is_empty() {
            by_code
                .get(&(key.0.clone(), key.1.clone()))
                .copied()
                .unwrap_or_default()
        } else {
            reduced.get(key).copied().unwrap_or_default()
        };
        let left = Fen((amount.0 - r.0).min(amount.0));
        if left < min || left.0 <= 0 {
            continue;
        }
        let who = if key.2.is_empty() {
            "（无往来单位）".to_string()
        } else {
            format!("“{}”", key.2)
        };
        let d = Draft {
            entity: Some(key.0.clone()),
            part: Some(format!("{}-{}", key.1, key.2)),
            date: Some(cx.as_of),
            amount: Some(left),
            summary: format!("{} {} {}", key.1, nm, key.2),
            explanation: format!(
                "{} {nm} {who} 年初余额 {} 元，本年冲销 {} 元，至年末仍有 {} 元为上年以前形成、挂账一年以上。",
                key.1,
                amount.grouped(),
                Fen(r.0.min(amount.0)).grouped(),
                left.grouped()
            ),
            register_rows: opening_rows.clone(),
            ..Default::default()
        };
        out.drafts.push(d);
    }
    Ok(out)
}
