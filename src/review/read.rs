//! Reading the auditor's columns back from a workbook (calamine): per judged sheet (E1, D2,
//! D3, 人工问题) the rows holding at least one entry, each with its key, the cells as text the
//! way review.toml stores them, and every value that breaks the layout (a word outside the
//! drop-down list, a date or number that is none) as a problem naming the sheet and cell.
//!
//! Columns are found by their headers (the layout's), so a column the auditor moved is still
//! read; rows by their key, so sorting and filtering do no harm.

use super::file::Kind;
use crate::load::ledger::cell;
use crate::workbook::layout::{SheetLayout, WorkbookLayout};
use anyhow::{Context, Result};
use calamine::{open_workbook_auto, Data, Reader};
use std::collections::BTreeMap;
use std::path::Path;

/// One row of entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: Kind,
    pub sheet: String,
    /// The spreadsheet row number (1-based).
    pub row: u32,
    pub plan: String,
    /// The key column's value (empty on a new 人工问题 row).
    pub key: String,
    /// E1: the finding's rule, entity and voucher or asset, as the row shows them.
    pub rule: String,
    pub entity: String,
    pub place: String,
    /// Auditor column id → value (non-empty only), normalised as review.toml stores it.
    pub fields: BTreeMap<String, String>,
    /// Auditor column id → its cell (`M12`).
    pub cells: BTreeMap<String, String>,
}

/// What a workbook holds: rows with entries, and the values that break the layout.
#[derive(Debug, Default)]
pub struct Read {
    pub rows: Vec<Row>,
    pub problems: Vec<String>,
    /// (sheet, row) of every cell with a problem.
    pub bad: Vec<(String, u32)>,
}

/// `M12`.
pub fn cell_name(row: usize, col: usize) -> String {
    format!(
        "{}{}",
        rust_xlsxwriter::utility::column_number_to_name(col as u16),
        row + 1
    )
}

/// A cell as review.toml stores it for its column: a listed word, a date `YYYY-MM-DD`, an
/// amount in 元 with two decimals, or the trimmed text. `Err` names what is wrong.
fn normalise(c: &crate::workbook::layout::Column, d: &Data) -> Result<String, String> {
    if !c.choices.is_empty() {
        let t = cell::text(d).to_string();
        if c.choices.contains(&t) {
            return Ok(t);
        }
        return Err(format!(
            "值“{}”不在可选值（{}）之中",
            crate::errors::excerpt(&t),
            c.choices.join("、")
        ));
    }
    match c.kind.as_deref() {
        Some("date") => match cell::date(d) {
            Ok(Some(day)) => Ok(day.format("%Y-%m-%d").to_string()),
            Ok(None) => Ok(String::new()),
            Err(e) => Err(format!("应为日期（如 2024-03-01）：{e}")),
        },
        Some("number") => match cell::amount(d) {
            Ok(a) => Ok(a.fen.to_yuan().to_string()),
            Err(e) => Err(format!("应为数字：{e}")),
        },
        _ => Ok(cell::text(d).to_string()),
    }
}

/// The rows with entries of every judged sheet the layout has and the workbook holds.
pub fn read(path: &Path, layout: &WorkbookLayout) -> Result<Read> {
    let mut wb = open_workbook_auto(path)
        .with_context(|| format!("无法打开底稿 {}（是否已损坏？）", path.display()))?;
    let names = wb.sheet_names().to_vec();
    let mut out = Read::default();
    for kind in Kind::ALL {
        let Some(sl) = layout.sheet(kind.sheet_id()) else {
            continue;
        };
        let name = sl.sheet_name();
        if !names.contains(&name) {
            continue;
        }
        let range = wb
            .worksheet_range(&name)
            .with_context(|| format!("无法读取底稿 {} 的工作表“{name}”", path.display()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let (r0, c0) = (r0 as usize, c0 as usize);
        let rows: Vec<&[Data]> = range.rows().collect();
        read_sheet(kind, sl, &name, &rows, r0, c0, &mut out);
    }
    Ok(out)
}

fn read_sheet(
    kind: Kind,
    sl: &SheetLayout,
    name: &str,
    rows: &[&[Data]],
    r0: usize,
    c0: usize,
    out: &mut Read,
) {
    let header_of = |id: &str| sl.columns.iter().find(|c| c.id == id).map(|c| &c.header);
    let auditor: Vec<&crate::workbook::layout::Column> =
        sl.columns.iter().filter(|c| c.auditor).collect();
    // The header row: the one (within the top 30) naming the most of the sheet's columns
    // (a header block label such as 复核人 may name one of them too).
    let names_column =
        |d: &Data| matches!(d, Data::String(s) if sl.columns.iter().any(|c| c.header == s.trim()));
    let is_auditor_header =
        |d: &Data| matches!(d, Data::String(s) if auditor.iter().any(|c| c.header == s.trim()));
    let Some((h, _)) = rows
        .iter()
        .take(30)
        .enumerate()
        .filter(|(_, r)| r.iter().any(is_auditor_header))
        .map(|(i, r)| (i, r.iter().filter(|d| names_column(d)).count()))
        .fold(None::<(usize, usize)>, |best, (i, n)| match best {
            Some((_, bn)) if bn >= n => best,
            _ => Some((i, n)),
        })
    else {
        return;
    };
    let pos = |header: Option<&String>| {
        header.and_then(|hd| {
            rows[h]
                .iter()
                .position(|d| matches!(d, Data::String(s) if s.trim() == hd))
        })
    };
    let key_col = pos(sl.key_column().map(|c| &c.header));
    let plan_col = pos(header_of("plan"));
    let rule_col = pos(header_of("rule"));
    let entity_col = pos(header_of("entity"));
    let voucher_col = pos(header_of("voucher"));
    let cols: Vec<(&crate::workbook::layout::Column, usize)> = auditor
        .iter()
        .filter_map(|c| pos(Some(&c.header)).map(|i| (*c, i)))
        .collect();
    let text_at = |r: &[Data], c: Option<usize>| {
        c.and_then(|c| r.get(c))
            .map(|d| cell::text(d).to_string())
            .unwrap_or_default()
    };
    for (k, r) in rows.iter().enumerate().skip(h + 1) {
        let abs_row = r0 + k;
        let mut fields = BTreeMap::new();
        let mut cells = BTreeMap::new();
        for (c, i) in &cols {
            let Some(d) = r.get(*i) else { continue };
            if cell::is_blank(d) {
                continue;
            }
            let at = cell_name(abs_row, c0 + i);
            match normalise(c, d) {
                Ok(v) if v.is_empty() => {}
                Ok(v) => {
                    fields.insert(c.id.clone(), v);
                    cells.insert(c.id.clone(), at);
                }
                Err(e) => {
                    out.problems
                        .push(format!("工作表“{name}”单元格 {at}（{}）：{e}", c.header));
                    out.bad.push((name.to_string(), abs_row as u32 + 1));
                }
            }
        }
        if fields.is_empty() {
            continue;
        }
        out.rows.push(Row {
            kind,
            sheet: name.to_string(),
            row: abs_row as u32 + 1,
            plan: text_at(r, plan_col),
            key: text_at(r, key_col),
            rule: if kind == Kind::Finding {
                text_at(r, rule_col)
            } else {
                String::new()
            },
            entity: if kind == Kind::Finding {
                text_at(r, entity_col)
            } else {
                String::new()
            },
            place: if kind == Kind::Finding {
                text_at(r, voucher_col)
            } else {
                String::new()
            },
            fields,
            cells,
        });
    }
}
