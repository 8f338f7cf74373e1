//! The auditor's entries in a workbook: what the auditor's columns (layout `auditor = true`)
//! hold, per sheet. A run that would replace a workbook holding entries that review.toml
//! does not hold yet stops first (`reeval review` takes them in).

use super::layout::WorkbookLayout;
use anyhow::Result;
use std::path::Path;

/// Entries found on one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetEntries {
    pub sheet: String,
    pub cells: usize,
    /// Rows with at least one entry.
    pub rows: usize,
    /// Rows whose values differ from the entry review.toml holds for them (review.toml or the
    /// workbook changed since the last `reeval review`): `第 12 行（疑点 X）：核实结论：…`.
    pub disagree: Vec<String>,
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
    type Found = (usize, std::collections::BTreeSet<u32>, Vec<String>);
    let mut by: std::collections::BTreeMap<String, Found> = Default::default();
    for r in &read.rows {
        if crate::review::merge::taken_in(review, r, layout) {
            continue;
        }
        let e = by.entry(r.sheet.clone()).or_default();
        e.0 += r.fields.len();
        e.1.insert(r.row);
        let d = crate::review::merge::disagreement(review, r, layout);
        if !d.is_empty() {
            e.2.push(format!("第 {} 行（{}）：{}", r.row, r.key, d.join("；")));
        }
    }
    for (sheet, row) in &read.bad {
        let e = by.entry(sheet.clone()).or_default();
        e.0 += 1;
        e.1.insert(*row);
    }
    // In the layout's sheet order.
    let mut out = Vec::new();
    for sl in &layout.sheets {
        if let Some((cells, rows, disagree)) = by.remove(&sl.sheet_name()) {
            out.push(SheetEntries {
                sheet: sl.sheet_name(),
                cells,
                rows: rows.len(),
                disagree,
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

/// When some entries disagree with the entry review.toml holds for them: the sentence naming
/// each (sheet, row, key, column, both values) and both ways out; `None` otherwise (entries
/// merely not taken in yet are said by the caller). `what` is what did not happen (未运行 …).
pub fn disagreement(path: &Path, entries: &[SheetEntries], what: &str) -> Option<String> {
    let list: Vec<String> = entries
        .iter()
        .flat_map(|s| s.disagree.iter().map(move |d| format!("“{}” {d}", s.sheet)))
        .collect();
    if list.is_empty() {
        return None;
    }
    Some(format!(
        "底稿 {} 与 review.toml 不一致（其中一方在上次 reeval review 之后被改过）{} 处：\n  {}\n不知以哪一方为准，因此{what}（什么也没有改动）。\
         以底稿为准：运行 reeval review 导入（已复核签字的加 --override-signed）；以 review.toml 为准：加 --discard-entries 重新运行（原底稿会改名保留在结果目录中）",
        path.display(),
        list.len(),
        list.join("\n  ")
    ))
}
