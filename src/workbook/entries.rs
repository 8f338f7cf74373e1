//! The auditor's entries in a workbook: what the auditor's columns (layout `auditor = true`)
//! hold, per sheet. A run that would replace a workbook holding entries that review.toml
//! does not hold yet stops first (`reeval review` takes them in).

use super::layout::WorkbookLayout;
use anyhow::{Context, Result};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// Entries found on one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetEntries {
    pub sheet: String,
    pub cells: usize,
    /// Rows with at least one entry.
    pub rows: usize,
}

/// The auditor's entries in the workbook at `path`, sheet by sheet (sheets without entries
/// left out). The columns are found by their headers, so a column the auditor moved is still
/// read; a sheet that was renamed or deleted is not.
pub fn read(path: &Path, layout: &WorkbookLayout) -> Result<Vec<SheetEntries>> {
    let mut wb = open_workbook_auto(path)
        .with_context(|| format!("无法打开底稿 {}（是否已损坏？）", path.display()))?;
    let names = wb.sheet_names().to_vec();
    let mut out = Vec::new();
    for sl in &layout.sheets {
        let auditor: Vec<&str> = sl
            .columns
            .iter()
            .filter(|c| c.auditor)
            .map(|c| c.header.as_str())
            .collect();
        let name = sl.sheet_name();
        if auditor.is_empty() || !names.contains(&name) {
            continue;
        }
        let range = wb
            .worksheet_range(&name)
            .with_context(|| format!("无法读取底稿 {} 的工作表“{name}”", path.display()))?;
        let rows: Vec<&[Data]> = range.rows().collect();
        // The header row: the first (within the top 30) that names an auditor column.
        let Some(h) = rows.iter().take(30).position(|r| {
            r.iter()
                .any(|c| matches!(c, Data::String(s) if auditor.contains(&s.trim())))
        }) else {
            continue;
        };
        let cols: Vec<usize> = rows[h]
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Data::String(s) if auditor.contains(&s.trim())))
            .map(|(i, _)| i)
            .collect();
        let (mut cells, mut rows_with) = (0, 0);
        for r in &rows[h + 1..] {
            let n = cols
                .iter()
                .filter(|&&c| match r.get(c) {
                    None | Some(Data::Empty) => false,
                    Some(Data::String(s)) => !s.trim().is_empty(),
                    Some(_) => true,
                })
                .count();
            cells += n;
            if n > 0 {
                rows_with += 1;
            }
        }
        if cells > 0 {
            out.push(SheetEntries {
                sheet: name,
                cells,
                rows: rows_with,
            });
        }
    }
    Ok(out)
}

/// The auditor's entries in the workbook at `path` that the engagement's review.toml does
/// not hold yet, sheet by sheet: rows of the judged sheets (E1, D2, D3, 人工问题) whose
/// values differ from review.toml's (or that it lacks), and cells whose value breaks the
/// layout. Entries `reeval review` took in (and the judgements a run carried into the
/// workbook) do not count. `cells` counts the rows' entries, `rows` the rows.
pub fn unimported(
    path: &Path,
    layout: &WorkbookLayout,
    review: Option<&crate::review::file::ReviewFile>,
) -> Result<Vec<SheetEntries>> {
    let read = crate::review::read::read(path, layout)?;
    let empty = crate::review::file::ReviewFile::default();
    let review = review.unwrap_or(&empty);
    let mut by: std::collections::BTreeMap<String, (usize, std::collections::BTreeSet<u32>)> =
        Default::default();
    for r in &read.rows {
        if crate::review::merge::taken_in(review, r, layout) {
            continue;
        }
        let e = by.entry(r.sheet.clone()).or_default();
        e.0 += r.fields.len();
        e.1.insert(r.row);
    }
    for (sheet, row) in &read.bad {
        let e = by.entry(sheet.clone()).or_default();
        e.0 += 1;
        e.1.insert(*row);
    }
    // In the layout's sheet order.
    let mut out = Vec::new();
    for sl in &layout.sheets {
        if let Some((cells, rows)) = by.remove(&sl.sheet_name()) {
            out.push(SheetEntries {
                sheet: sl.sheet_name(),
                cells,
                rows: rows.len(),
            });
        }
    }
    Ok(out)
}

/// `E1 疑点核实表 12 处（9 行）、D2 抽凭检查表 3 处（3 行）`.
pub fn describe(entries: &[SheetEntries]) -> String {
    entries
        .iter()
        .map(|e| format!("“{}” {} 处（{} 行）", e.sheet, e.cells, e.rows))
        .collect::<Vec<_>>()
        .join("、")
}
