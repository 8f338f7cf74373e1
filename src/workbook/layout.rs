//! The workbook's layout: sheets, index numbers, titles, columns and the auditor's choices,
//! from `data/workbook/layout.toml` (or an engagement's copy). Code knows which column ids
//! each sheet can fill; the layout says which of them appear, in which order, under which
//! header, and which of them are the auditor's.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::Path;

pub const BUILTIN: &str = include_str!("../../data/workbook/layout.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkbookLayout {
    pub version: u32,
    pub header: HeaderWords,
    pub sheets: Vec<SheetLayout>,
}

/// The words of the header block.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderWords {
    pub unit: String,
    pub period: String,
    pub index: String,
    pub preparer: String,
    pub reviewer: String,
    pub date: String,
    pub firm: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetLayout {
    /// What the sheet holds (cover, scope, load, reconcile, score, plans, vouchers, assets,
    /// findings, lines, analytics, risk).
    pub id: String,
    /// 索引号 (A1, E1 …); empty for the cover.
    pub index: String,
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub columns: Vec<Column>,
    /// E3: the finding categories that are analytical procedures.
    #[serde(default)]
    pub analytical_categories: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub id: String,
    pub header: String,
    #[serde(default = "width")]
    pub width: f64,
    /// The round-trip key column.
    #[serde(default)]
    pub key: bool,
    /// A column the auditor fills.
    #[serde(default)]
    pub auditor: bool,
    /// Fixed choices: a drop-down list.
    #[serde(default)]
    pub choices: Vec<String>,
    /// `date` or `number`: a validation of that kind.
    #[serde(default)]
    pub kind: Option<String>,
}

fn width() -> f64 {
    12.0
}

/// The column ids the tool fills, per sheet id.
pub const KNOWN: &[(&str, &[&str])] = &[
    ("cover", &[]),
    ("scope", &["rule", "extent", "entity", "reason"]),
    (
        "load",
        &[
            "file",
            "kind",
            "entity",
            "sha256",
            "rows_read",
            "rows_loaded",
            "rows_opening",
            "rows_skipped",
            "rows_rejected",
            "totals_checked",
            "totals_mismatched",
            "unbalanced",
            "debit",
            "credit",
        ],
    ),
    (
        "reconcile",
        &["key", "name", "input", "ledger", "difference"],
    ),
    (
        "score",
        &[
            "id", "level", "name", "kind", "max", "value", "score", "self", "reason",
        ],
    ),
    (
        "plans",
        &[
            "plan",
            "unit",
            "part",
            "population_count",
            "population_value",
            "selected_count",
            "selected_value",
            "parameters",
            "seed",
        ],
    ),
    (
        "vouchers",
        &[
            "plan",
            "item",
            "row_kind",
            "voucher",
            "voucher_text",
            "line_no",
            "date",
            "summary",
            "account",
            "debit",
            "credit",
            "settlement",
            "counterparty",
            "part",
            "reason",
            "source",
        ],
    ),
    (
        "assets",
        &[
            "plan",
            "item",
            "name",
            "category",
            "acquired",
            "original",
            "net",
            "department",
            "user",
            "status",
            "location",
            "part",
            "reason",
        ],
    ),
    (
        "findings",
        &[
            "id",
            "rule",
            "category",
            "kind",
            "entity",
            "voucher",
            "date",
            "amount",
            "summary",
            "explanation",
            "verify",
            "citations",
            "evidence_sheet",
        ],
    ),
    (
        "lines",
        &[
            "voucher",
            "voucher_text",
            "line_no",
            "date",
            "basis",
            "summary",
            "account",
            "debit",
            "credit",
            "econ",
            "settlement",
            "counterparty",
            "source",
            "named_by",
            "project",
        ],
    ),
    (
        "analytics",
        &["id", "rule", "entity", "voucher", "amount", "explanation"],
    ),
    // The auditor's own findings (every column but the key is the auditor's), the 审计取证单
    // of the confirmed findings and the 事实确认书 (free-form sheets, no table columns).
    ("manual", &["id"]),
    ("evidence", &[]),
    ("confirmation", &[]),
    ("risk", &["rank", "entity", "voucher", "score", "reasons"]),
];

/// Characters a sheet name may not hold.
const BAD_SHEET_CHARS: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

impl WorkbookLayout {
    pub fn builtin() -> Result<WorkbookLayout> {
        WorkbookLayout::parse(BUILTIN, "data/workbook/layout.toml")
    }

    /// The built-in layout, or the engagement's file when it names one.
    pub fn load(path: Option<&Path>) -> Result<WorkbookLayout> {
        match path {
            None => WorkbookLayout::builtin(),
            Some(p) => {
                let text = crate::model::provenance::read_input_text(p)
                    .with_context(|| format!("无法读取底稿版式文件 {}", p.display()))?;
                WorkbookLayout::parse(&text, &p.display().to_string())
            }
        }
    }

    pub fn parse(text: &str, origin: &str) -> Result<WorkbookLayout> {
        let l: WorkbookLayout =
            toml::from_str(text).with_context(|| format!("底稿版式文件 {origin} 格式有误"))?;
        l.validate()
            .with_context(|| format!("底稿版式文件 {origin}"))?;
        Ok(l)
    }

    fn validate(&self) -> Result<()> {
        let mut names = std::collections::BTreeSet::new();
        let mut ids = std::collections::BTreeSet::new();
        for s in &self.sheets {
            let Some((_, known)) = KNOWN.iter().find(|(id, _)| *id == s.id) else {
                bail!(
                    "工作表 id “{}” 未知，应为 {} 之一",
                    s.id,
                    KNOWN.iter().map(|(i, _)| *i).collect::<Vec<_>>().join("、")
                );
            };
            if !ids.insert(s.id.as_str()) {
                bail!("工作表 id “{}” 出现了不止一次", s.id);
            }
            let name = s.sheet_name();
            if name.chars().count() > 31 || name.contains(BAD_SHEET_CHARS) || name.is_empty() {
                bail!("工作表名“{name}”不可用：最多 31 个字符，且不能含 [ ] : * ? / \\");
            }
            if !names.insert(name.clone()) {
                bail!("工作表名“{name}”出现了不止一次");
            }
            let mut cols = std::collections::BTreeSet::new();
            for c in &s.columns {
                if !cols.insert(c.id.as_str()) {
                    bail!("工作表“{name}”的列 id “{}” 出现了不止一次", c.id);
                }
                if !c.auditor && !known.contains(&c.id.as_str()) {
                    bail!(
                        "工作表“{name}”的列 id “{}” 未知，应为 {} 之一（或标为 auditor = true 的审计人员填写列）",
                        c.id,
                        known.join("、")
                    );
                }
                if c.auditor && c.key {
                    bail!("工作表“{name}”的列“{}”不能既是键列又是填写列", c.header);
                }
                if let Some(k) = &c.kind {
                    if k != "date" && k != "number" {
                        bail!(
                            "工作表“{name}”的列“{}”的 kind = “{k}”，应为 date 或 number",
                            c.header
                        );
                    }
                }
                if !(1.0..=255.0).contains(&c.width) {
                    bail!(
                        "工作表“{name}”的列“{}”的宽度 {} 不在 1–255 之间",
                        c.header,
                        c.width
                    );
                }
            }
            if s.columns.iter().filter(|c| c.key).count() > 1 {
                bail!("工作表“{name}”只能有一个键列（key = true）");
            }
        }
        Ok(())
    }

    pub fn sheet(&self, id: &str) -> Option<&SheetLayout> {
        self.sheets.iter().find(|s| s.id == id)
    }
}

impl SheetLayout {
    /// The tab's name: `E1 疑点核实表`, or the bare name for a sheet without an index.
    pub fn sheet_name(&self) -> String {
        if self.index.is_empty() {
            self.name.clone()
        } else {
            format!("{} {}", self.index, self.name)
        }
    }

    /// The column position of a column id.
    pub fn col(&self, id: &str) -> Option<u16> {
        self.columns
            .iter()
            .position(|c| c.id == id)
            .map(|i| i as u16)
    }

    /// The header text of the key column.
    pub fn key_column(&self) -> Option<&Column> {
        self.columns.iter().find(|c| c.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_layout_is_valid_and_names_every_sheet() {
        let l = WorkbookLayout::builtin().unwrap();
        for (id, _) in KNOWN {
            assert!(l.sheet(id).is_some(), "{id}");
        }
    }

    #[test]
    fn an_unknown_column_or_a_bad_sheet_name_is_refused() {
        let bad = BUILTIN.replace("id = \"explanation\"", "id = \"explanaton\"");
        let err = format!("{:#}", WorkbookLayout::parse(&bad, "x.toml").unwrap_err());
        assert!(
            err.contains("explanaton") && err.contains("explanation"),
            "{err}"
        );
        let bad = BUILTIN.replace("name = \"疑点核实表\"", "name = \"疑点/核实\"");
        let err = format!("{:#}", WorkbookLayout::parse(&bad, "x.toml").unwrap_err());
        assert!(err.contains("不可用"), "{err}");
    }
}
