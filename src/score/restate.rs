//! Restated inputs: a 决算 figure the books contradict, replaced for scoring by the figure the
//! books and the findings support — today "三公经费" with the spending booked under other
//! economic classifications (the findings of `LedgerMap::three_public_restated_by`).
//!
//! Like deductions, a restatement rests on 确认 findings for the score's `total`; pending ones
//! (待核实 / 待定) enter only `total_if_confirmed`; 排除 ones never.

use super::inputs::ScoringInputs;
use super::reconcile::{LedgerMap, Reconciliation};
use crate::model::findings::{Finding, Status};
use crate::model::money::grouped_yuan;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One input replaced for scoring.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Restated {
    pub key: String,
    pub name: String,
    /// The figure as the inputs give it.
    pub input: Option<Decimal>,
    /// The books' figure.
    pub ledger: Decimal,
    /// Amounts of 确认 findings added back …
    pub confirmed: Decimal,
    /// … and of pending ones.
    pub pending: Decimal,
}

impl Restated {
    /// The figure scored: the books plus the 确认 amounts (plus the pending ones when scoring
    /// "if confirmed"); the input figure when there is nothing to add back.
    pub fn value(&self, if_confirmed: bool) -> Option<Decimal> {
        let add = self.confirmed
            + if if_confirmed {
                self.pending
            } else {
                Decimal::ZERO
            };
        (!add.is_zero()).then_some(self.ledger + add)
    }

    /// The sentence the indicator's reason carries.
    pub fn why(&self, if_confirmed: bool) -> Option<String> {
        let v = self.value(if_confirmed)?;
        let add = v - self.ledger;
        Some(format!(
            "{}按重述数 {} 元计算：评分输入 {}，账面 {} 元，加回列入其他经济分类的{}疑点金额 {} 元",
            self.name,
            grouped_yuan(v),
            self.input
                .map(|i| format!("{} 元", grouped_yuan(i)))
                .unwrap_or_else(|| "未填".into()),
            grouped_yuan(self.ledger),
            if if_confirmed {
                "（含待核实）"
            } else {
                "已确认"
            },
            grouped_yuan(add)
        ))
    }
}

/// Record the "三公经费" restatement in the inputs when the findings put 三公 spending elsewhere.
pub fn three_public(
    rec: &Reconciliation,
    findings: Option<&[Finding]>,
    map: &LedgerMap,
    inputs: &mut ScoringInputs,
) {
    let key = "budget.three_public_actual";
    let Some(row) = rec.rows.iter().find(|r| r.key == key) else {
        return;
    };
    let (mut confirmed, mut pending) = (Decimal::ZERO, Decimal::ZERO);
    for f in findings.unwrap_or(&[]) {
        if !map.three_public_restated_by.contains(&f.rule) {
            continue;
        }
        let a = f.amount.unwrap_or_default();
        match f.status {
            Status::Confirmed => confirmed += a,
            s if s.is_pending() => pending += a,
            _ => {}
        }
    }
    if confirmed.is_zero() && pending.is_zero() {
        return;
    }
    inputs.restated.insert(
        key.to_string(),
        Restated {
            key: key.to_string(),
            name: "“三公经费”实际支出".into(),
            input: row.input,
            ledger: row.ledger,
            confirmed,
            pending,
        },
    );
}
