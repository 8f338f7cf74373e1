//! 财务会计 vs 预算会计 per 经济分类: the same spending seen on both bases. A code far higher on
//! one basis than the other (30217 公务接待费 booked as an expense but paid under another
//! budget classification, or the reverse) is where a restatement or a finding starts.

use super::reconcile::LedgerMap;
use crate::load::ledger::chart::{Charts, DEFAULT_SYSTEM};
use crate::model::money::Fen;
use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The chart element whose debits are 财务会计 expenses (5001 业务活动费用 …).
const EXPENSE_ELEMENT: &str = "费用";

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BasisRow {
    /// 部门预算支出经济分类 code (government codes translated where one-to-one).
    pub econ: String,
    /// Debits to expense accounts (财务会计).
    pub financial: Fen,
    /// Debits to budget expenditure accounts (预算会计).
    pub budget: Fen,
    /// financial − budget.
    pub difference: Fen,
    /// One of the "三公经费" codes of the ledger map.
    pub three_public: bool,
}

/// Every 经济分类 with a difference between the bases, 三公 codes first, then by code.
/// `charts` classify each line's account (the charts the load used, [`crate::load::Loaded`]).
pub fn compare(lines: &DataFrame, map: &LedgerMap, charts: &Charts) -> Result<Vec<BasisRow>> {
    let s = |n: &str| -> Result<&StringChunked> {
        Ok(lines.column(n).map_err(|e| anyhow::anyhow!("{e}"))?.str()?)
    };
    let (code, econ, status, system) = (
        s("account_code")?,
        s("econ_code")?,
        s("status")?,
        s("accounting_system")?,
    );
    let debit = lines
        .column("debit_fen")
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .i64()?;
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for i in 0..lines.height() {
        if status.get(i) != Some(crate::load::ledger::model::STATUS_NORMAL) {
            continue;
        }
        let Some(e) = econ.get(i).filter(|e| !e.is_empty()) else {
            continue;
        };
        let chart = charts
            .find(system.get(i).unwrap_or(DEFAULT_SYSTEM))
            .or_else(|| charts.find(DEFAULT_SYSTEM));
        let Some(element) = chart
            .and_then(|c| c.first_level(code.get(i).unwrap_or("")))
            .map(|(_, a)| a.element.clone())
        else {
            continue;
        };
        let d = debit.get(i).unwrap_or(0);
        let slot = by.entry(map.department_code(e).to_string()).or_default();
        if element == EXPENSE_ELEMENT {
            slot.0 += d;
        } else if element == map.expenditure_element {
            slot.1 += d;
        }
    }
    let mut rows: Vec<BasisRow> = by
        .into_iter()
        .filter(|(_, (f, b))| f != b)
        .map(|(econ, (f, b))| BasisRow {
            three_public: map.three_public.contains(&econ),
            econ,
            financial: Fen(f),
            budget: Fen(b),
            difference: Fen(f - b),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.three_public
            .cmp(&a.three_public)
            .then(a.econ.cmp(&b.econ))
    });
    Ok(rows)
}
