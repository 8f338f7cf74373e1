//! The department's 决算 figures, targets, survey counts, manual scores and self-evaluation.
//! Amounts are decimal strings in 元 (TOML floats are refused: they are not exact).

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

#[derive(Debug, Clone, Default)]
pub struct ScoringInputs {
    /// Flattened numbers: `budget.expenditure`, `staff.actual`, `targets.<id>.actual` …
    pub values: BTreeMap<String, Decimal>,
    /// Flattened texts: `department.name`, `manual.<id>.rationale`, `targets.<id>.direction` …
    pub texts: BTreeMap<String, String>,
    pub warnings: Vec<String>,
    /// Figures the books contradict, replaced for scoring (`score::restate`), by key.
    pub restated: BTreeMap<String, super::restate::Restated>,
}

/// Top-level tables the inputs file may hold.
const KNOWN: &[&str] = &[
    "department",
    "budget",
    "staff",
    "targets",
    "survey",
    "manual",
    "self_evaluation",
    "not_applicable",
];

impl ScoringInputs {
    pub fn load(path: &Path) -> Result<ScoringInputs> {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xls"))
        {
            return Self::from_workbook(path);
        }
        let text = crate::model::provenance::read_input_text(path)
            .with_context(|| format!("无法读取评价输入文件 {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("评价输入文件 {} 有误", path.display()))
    }

    /// The same keys from a workbook: the first sheet, column A the key as in the TOML
    /// (`budget.expenditure`, `targets.urban_jobs.actual`, `manual.monitoring.rationale`),
    /// column B the value; an optional header row (键/key) and blank rows are skipped.
    pub fn from_workbook(path: &Path) -> Result<ScoringInputs> {
        use crate::load::ledger::cell;
        let sheets = crate::load::formats::workbook::read_sheets(path)?;
        let sheet = sheets
            .first()
            .with_context(|| format!("{} 没有工作表", path.display()))?;
        let mut root = toml::Table::new();
        for (i, row) in sheet.range.rows().enumerate() {
            let key = row
                .first()
                .map(|c| cell::text(c).to_string())
                .unwrap_or_default();
            if key.is_empty() || matches!(key.as_str(), "键" | "key" | "项目") {
                continue;
            }
            let at = || format!("{} 第 {} 行", path.display(), sheet.row_number(i));
            if !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                || !key.contains('.')
            {
                bail!("{}：键“{key}”应形如 budget.expenditure", at());
            }
            let value = match row.get(1) {
                None | Some(calamine::Data::Empty) => continue,
                // exact: the shortest decimal text of the number cell, kept as a string
                Some(calamine::Data::Float(f)) => toml::Value::String(format!("{f}")),
                Some(calamine::Data::Int(n)) => toml::Value::Integer(*n),
                Some(c) => toml::Value::String(cell::text(c).to_string()),
            };
            let parts: Vec<&str> = key.split('.').collect();
            let mut table = &mut root;
            for p in &parts[..parts.len() - 1] {
                let entry = table
                    .entry(p.to_string())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                table = entry
                    .as_table_mut()
                    .with_context(|| format!("{}：键“{key}”与上文冲突", at()))?;
            }
            table.insert(parts[parts.len() - 1].to_string(), value);
        }
        Self::from_table(&root).with_context(|| format!("评价输入工作簿 {} 有误", path.display()))
    }

    pub fn parse(text: &str) -> Result<ScoringInputs> {
        let v: toml::Table = toml::from_str(text)?;
        Self::from_table(&v)
    }

    fn from_table(v: &toml::Table) -> Result<ScoringInputs> {
        let mut out = ScoringInputs::default();
        for (k, val) in v {
            if !KNOWN.contains(&k.as_str()) {
                out.warnings.push(format!("未知的输入表 [{k}]，已忽略"));
                continue;
            }
            flatten(k, val, &mut out)?;
        }
        Ok(out)
    }

    pub fn num(&self, key: &str) -> Option<Decimal> {
        self.values.get(key).copied()
    }
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(|s| s.as_str())
    }
}

fn flatten(prefix: &str, v: &toml::Value, out: &mut ScoringInputs) -> Result<()> {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(&format!("{prefix}.{k}"), v, out)?;
            }
        }
        toml::Value::Integer(i) => {
            out.values.insert(prefix.to_string(), Decimal::from(*i));
        }
        toml::Value::Float(f) => {
            bail!("{prefix} = {f}：金额和比率请写成字符串（如 \"18854402.47\"），浮点数不精确")
        }
        toml::Value::String(s) => {
            let t = s.trim().trim_end_matches('%');
            match Decimal::from_str(&t.replace(',', "")) {
                Ok(d) if !t.is_empty() => {
                    out.values.insert(prefix.to_string(), d);
                }
                _ => {
                    out.texts.insert(prefix.to_string(), s.clone());
                }
            }
        }
        toml::Value::Boolean(b) => {
            out.texts.insert(prefix.to_string(), b.to_string());
        }
        _ => bail!("{prefix}：不支持的值类型"),
    }
    Ok(())
}
