//! The claims against the books (`reeval run`): each claim of the department as a whole, for
//! the engagement's year, whose quantity reeval computes — 支出决算 and its parts (基本支出,
//! 项目支出, 人员经费, 公用经费, "三公经费" and each of its parts, from the 预算会计 lines), the
//! budget figures and the execution rate (from the scoring inputs) — set beside the computed
//! figure; the others listed as not verified, with the reason.

use super::{Claim, Vocabulary};
use crate::load::ledger::chart::{Charts, DEFAULT_SYSTEM};
use crate::score::reconcile::LedgerMap;
use anyhow::Result;
use polars::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// A figure reeval computes: (quantity, basis) → value, with where it comes from.
#[derive(Debug, Clone, Default)]
pub struct BookFigures {
    pub figures: BTreeMap<(String, String), (Decimal, String)>,
}

impl BookFigures {
    pub fn insert(&mut self, quantity: &str, basis: &str, value: Decimal, source: &str) {
        self.figures
            .insert((quantity.into(), basis.into()), (value, source.into()));
    }
    fn get(&self, quantity: &str, basis: &str) -> Option<&(Decimal, String)> {
        self.figures.get(&(quantity.to_string(), basis.to_string()))
    }
}

/// 支出决算, 基本支出, 项目支出 and every quantity with `econ` codes, from the books'
/// 预算会计 expenditure lines (正常 lines, debits, as score/reconcile.rs sums them).
pub fn from_ledger(lines: &DataFrame, v: &Vocabulary, map: &LedgerMap) -> Result<BookFigures> {
    let charts = Charts::builtin()?;
    let s = |n: &str| -> Result<&StringChunked> {
        Ok(lines.column(n).map_err(|e| anyhow::anyhow!("{e}"))?.str()?)
    };
    let (code, econ, project, status, system) = (
        s("account_code")?,
        s("econ_code")?,
        s("project")?,
        s("status")?,
        s("accounting_system")?,
    );
    let debit = lines
        .column("debit_fen")
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .i64()?;
    let (mut total, mut basic, mut proj) = (0i128, 0i128, 0i128);
    let mut by_q: BTreeMap<&str, i128> = BTreeMap::new();
    for i in 0..lines.height() {
        if status.get(i) != Some(crate::load::ledger::model::STATUS_NORMAL) {
            continue;
        }
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
        let is_project = project.get(i).is_some_and(|p| !p.is_empty());
        total += d;
        if is_project {
            proj += d;
        } else {
            basic += d;
        }
        let e = map.department_code(econ.get(i).unwrap_or(""));
        for q in &v.quantity {
            if (q.basic_only && is_project) || e.is_empty() {
                continue;
            }
            if q.econ.iter().any(|p| e.starts_with(p.as_str())) {
                *by_q.entry(q.name.as_str()).or_default() += d;
            }
        }
    }
    let y = crate::model::money::yuan_of_fen;
    let mut b = BookFigures::default();
    let src = "账面（预算会计支出科目借方）";
    b.insert("支出决算", "实际", y(total), src);
    b.insert("基本支出", "实际", y(basic), src);
    b.insert("项目支出", "实际", y(proj), src);
    for q in v.quantity.iter().filter(|q| !q.econ.is_empty()) {
        let codes = q.econ.join("、");
        b.insert(
            &q.name,
            "实际",
            y(by_q.get(q.name.as_str()).copied().unwrap_or(0)),
            &format!("账面（经济分类 {codes}）"),
        );
    }
    Ok(b)
}

/// Budget figures and the execution rate from the scoring inputs (the 决算 the department
/// reported, `budget.*`), the rate computed from the books' expenditure.
pub fn add_inputs(b: &mut BookFigures, inputs: &crate::score::inputs::ScoringInputs) {
    for (key, q) in [
        ("budget.initial", "年初预算"),
        ("budget.adjusted", "调整后预算"),
        ("budget.three_public_budget", "三公经费"),
        ("budget.public_funds_budget", "公用经费"),
        ("budget.project_budget", "项目支出"),
    ] {
        if let Some(val) = inputs.num(key) {
            b.insert(q, "预算", val, &format!("决算数据（{q}，评分输入 {key}）"));
        }
    }
    let spent = b.get("支出决算", "实际").map(|x| x.0);
    if let (Some(s), Some(adj)) = (spent, inputs.num("budget.adjusted")) {
        if let Some(p) = crate::model::money::percent(s, adj) {
            b.insert(
                "预算执行率",
                "",
                p,
                "账面支出 ÷ 调整后预算（决算数据，评分输入 budget.adjusted）",
            );
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// Index of the claim in `claims`.
    pub claim: usize,
    pub quantity: String,
    pub basis: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub claimed: Decimal,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub computed: Option<Decimal>,
    pub unit: String,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub difference: Option<Decimal>,
    /// 一致, 不符 or 未核对.
    pub verdict: String,
    /// Where the computed figure comes from, or why the claim is not verified.
    pub source: String,
    pub line: usize,
}

/// Half a unit of the last place the claim is written with, in its own unit (1309.96万元:
/// 50 元; 100%: 0.5).
fn tolerance(c: &Claim, v: &Vocabulary) -> Decimal {
    let digits: String = c
        .stated
        .chars()
        .take_while(|ch| ch.is_ascii_digit() || *ch == '.' || *ch == ',')
        .collect();
    let rest = &c.stated[digits.len()..];
    let scale = digits
        .split('.')
        .nth(1)
        .map(|d| d.len() as u32)
        .unwrap_or(0);
    let half = Decimal::new(5, scale + 1);
    if c.unit == "%" {
        return half;
    }
    let factor = v
        .unit
        .iter()
        .find(|u| u.word == rest)
        .map(|u| u.factor)
        .unwrap_or(Decimal::ONE);
    half * factor
}

pub fn compare(claims: &[Claim], year: i32, b: &BookFigures, v: &Vocabulary) -> Vec<Verified> {
    claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let basis = c.basis.clone().unwrap_or_default();
            let mut out = Verified {
                claim: i,
                quantity: c.quantity.clone(),
                basis: c.basis.clone(),
                claimed: c.value,
                computed: None,
                unit: c.unit.clone(),
                difference: None,
                verdict: "未核对".into(),
                source: String::new(),
                line: c.line,
            };
            if c.year.is_some_and(|y| y != year) {
                out.source = format!("所述为 {} 年，非本次再评价年度", c.year.unwrap_or(0));
            } else if let Some(of) = &c.of {
                out.source = format!("所述为“{of}”的数字，reeval 只核对部门整体");
            } else if basis == "变动" {
                out.source = "增减额：reeval 不计算上年数".into();
            } else if let Some((val, src)) = b.get(&c.quantity, &basis) {
                let diff = c.value - *val;
                out.computed = Some(*val);
                out.difference = Some(diff);
                out.source = src.clone();
                let tol = tolerance(c, v);
                out.verdict = if diff.abs() <= tol {
                    "一致"
                } else {
                    "不符"
                }
                .into();
            } else {
                out.source = "reeval 未计算此数（账面与评分输入都不提供）".into();
            }
            out
        })
        .collect()
}
