//! Reconciling the 决算 inputs to the books: expenditure (basic/project), "三公经费", 公用经费
//! and the number of projects, recomputed from the load frames' 预算会计 lines.

use super::inputs::ScoringInputs;
use crate::load::ledger::chart::{Charts, DEFAULT_SYSTEM};
use crate::model::findings::{Finding, Status};
use anyhow::{Context, Result};
use polars::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerMap {
    pub expenditure_element: String,
    pub three_public: Vec<String>,
    /// Rules whose findings are 三公 spending booked elsewhere: added back when restating.
    pub three_public_restated_by: Vec<String>,
    pub public_funds_prefixes: Vec<String>,
    #[serde(default)]
    pub government_to_department: std::collections::BTreeMap<String, String>,
}

impl LedgerMap {
    /// The 部门预算支出经济分类 code of a line's classification (translating 50xxx codes).
    pub fn department_code<'a>(&'a self, code: &'a str) -> &'a str {
        self.government_to_department
            .get(code)
            .map(|s| s.as_str())
            .unwrap_or(code)
    }

    pub fn builtin() -> Result<LedgerMap> {
        toml::from_str(include_str!("../../data/scoring/ledger_map.toml"))
            .context("内置 ledger_map.toml 有误")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub key: String,
    pub name: String,
    pub input: Option<Decimal>,
    pub ledger: Decimal,
    pub difference: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reconciliation {
    pub rows: Vec<Row>,
    /// "三公经费" with the amounts of the findings of `LedgerMap::three_public_restated_by`
    /// (`three-public-misclass`) added back.
    pub three_public_restated: Option<Decimal>,
    pub three_public_control_rate_restated: Option<String>,
    pub assumptions: Vec<String>,
}

pub fn reconcile(
    lines: &DataFrame,
    inputs: &ScoringInputs,
    findings: Option<&[Finding]>,
    map: &LedgerMap,
    charts: &Charts,
) -> Result<Reconciliation> {
    // Polars does the whole-frame part: the 正常 lines, summed per (制度, 科目, 经济分类,
    // 项目). What is left is a few hundred groups, classified in a loop because the
    // classification goes through the chart (a 科目's first level by the chart's code length),
    // which is no expression.
    let grouped = lines
        .clone()
        .lazy()
        .filter(col("status").eq(lit(crate::load::ledger::model::STATUS_NORMAL)))
        .group_by([
            col("accounting_system"),
            col("account_code"),
            col("econ_code"),
            col("project"),
        ])
        .agg([col("debit_fen").sum()])
        .collect()
        .map_err(|e| anyhow::anyhow!("汇总账面支出失败：{e}"))?;
    let s = |n: &str| -> Result<&StringChunked> {
        Ok(grouped
            .column(n)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .str()?)
    };
    let (code, econ, project, system) = (
        s("account_code")?,
        s("econ_code")?,
        s("project")?,
        s("accounting_system")?,
    );
    let debit = grouped
        .column("debit_fen")
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .i64()?;
    // i128: the sums are exact whatever the groups add up to (a load is bounded by
    // MAX_TOTAL_FEN, which fits an i64, but the bound is not this module's to assume).
    let (mut total, mut basic, mut proj, mut three, mut public) =
        (0i128, 0i128, 0i128, 0i128, 0i128);
    let mut projects: BTreeSet<String> = BTreeSet::new();
    for i in 0..grouped.height() {
        let chart = charts
            .find(system.get(i).unwrap_or(DEFAULT_SYSTEM))
            .or_else(|| charts.find(DEFAULT_SYSTEM));
        let is_exp = chart
            .and_then(|c| c.first_level(code.get(i).unwrap_or("")))
            .is_some_and(|(_, a)| a.element == map.expenditure_element);
        if !is_exp {
            continue;
        }
        let d = debit.get(i).unwrap_or(0) as i128;
        total += d;
        let e = map.department_code(econ.get(i).unwrap_or(""));
        match project.get(i).filter(|p| !p.is_empty()) {
            Some(p) => {
                proj += d;
                projects.insert(p.to_string());
            }
            None => {
                basic += d;
                if map
                    .public_funds_prefixes
                    .iter()
                    .any(|p| e.starts_with(p.as_str()))
                {
                    public += d;
                }
            }
        }
        if map.three_public.iter().any(|c| c == e) {
            three += d;
        }
    }
    let y = |f: i128| crate::model::money::yuan_of_fen(f);
    let row = |key: &str, name: &str, ledger: Decimal| {
        let input = inputs.num(key);
        Row {
            key: key.into(),
            name: name.into(),
            input,
            ledger,
            difference: input.map(|i| i - ledger),
        }
    };
    let misclass: Decimal = findings
        .unwrap_or(&[])
        .iter()
        .filter(|f| map.three_public_restated_by.contains(&f.rule) && f.status != Status::Excluded)
        .filter_map(|f| f.amount)
        .sum();
    let restated = (!misclass.is_zero()).then(|| y(three) + misclass);
    let rate = restated
        .zip(inputs.num("budget.three_public_budget"))
        .and_then(|(r, b)| crate::model::money::percent(r, b))
        .map(|p| format!("{p:.2}"));
    Ok(Reconciliation {
        rows: vec![
            row("budget.expenditure", "支出决算数", y(total)),
            row("budget.expenditure_basic", "基本支出", y(basic)),
            row("budget.expenditure_project", "项目支出", y(proj)),
            row("budget.three_public_actual", "“三公经费”实际支出", y(three)),
            row("budget.public_funds_actual", "公用经费实际支出", y(public)),
            Row {
                key: "projects".into(),
                name: "项目个数（账面项目辅助核算）".into(),
                input: inputs.num("targets.goal_coverage.target"),
                ledger: Decimal::from(projects.len() as u64),
                difference: inputs
                    .num("targets.goal_coverage.target")
                    .map(|t| t - Decimal::from(projects.len() as u64)),
            },
        ],
        three_public_restated: restated,
        three_public_control_rate_restated: rate,
        assumptions: vec![
            format!(
                "预算支出 = 会计科目表中“{}”类科目的借方发生额（不含年末结转的贷方）",
                map.expenditure_element
            ),
            "带项目辅助核算的分录计入项目支出，其余计入基本支出".into(),
            format!(
                "“三公经费”按经济分类 {} 汇总；公用经费为基本支出中经济分类以 {} 开头者",
                map.three_public.join("、"),
                map.public_funds_prefixes.join("、")
            ),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn government_codes_translate_to_department_codes() {
        let m = LedgerMap::builtin().unwrap();
        assert_eq!(m.department_code("50206"), "30217");
        assert_eq!(m.department_code("30217"), "30217");
        assert_eq!(m.department_code("50201"), "50201"); // not one-to-one: left alone
        assert!(m
            .three_public
            .iter()
            .any(|c| c == m.department_code("50208")));
    }

    #[test]
    fn the_restating_rules_are_rules_of_the_library() {
        let m = LedgerMap::builtin().unwrap();
        assert_eq!(m.three_public_restated_by, ["three-public-misclass"]);
        for id in &m.three_public_restated_by {
            assert!(crate::check::doc(id).is_some(), "{id}");
        }
    }
}
