//! The one sheet loop every table loader shares: ledgers (序时账), registers (固定资产明细表),
//! balances (科目余额表) and supporting records (辅助资料).
//!
//! For each sheet of a workbook [`read`] collects the rows, lets the loader find its table
//! ([`SheetKind::locate`]: header, profile, title lines), then walks the rows below the
//! header: a row the reader marked unreadable is rejected as a whole (`整行`), a blank row is
//! skipped, and every other row goes to [`SheetKind::row`], whose [`RowOutcome`] is counted
//! in the sheet's [`SheetReport`] (a rejection also recorded with its sheet, row, column and
//! reason). The loaders differ only in how they find a header and what a row becomes.
//! The ledger loader's .xlsx stream locates on a sheet's first rows and feeds the rest through
//! the same row handling ([`take_row`], [`sheet_end`]).

use crate::load::formats::workbook::{self, Sheet};
use crate::load::ledger::cell;
use crate::load::ledger::header::{self, Header};
use crate::load::ledger::profile::Profile;
use crate::load::ledger::read::choose_profile;
use crate::load::report::{FileReport, SheetReport};
use anyhow::Result;
use calamine::Data;
use std::collections::BTreeMap;
use std::path::Path;

/// One data row: its 1-based number as the spreadsheet shows it, and its cells.
#[derive(Clone, Copy)]
pub(crate) struct Row<'r> {
    pub number: u32,
    pub cells: &'r [Data],
}

/// What a non-blank data row turned out to be.
pub(crate) enum RowOutcome {
    /// A record was loaded from it.
    Loaded,
    /// A ledger's opening-balance (期初) row, loaded as an opening balance.
    Opening,
    /// A total (合计/小计) row: skipped, after any check against the loaded rows.
    Total,
    /// The header again (a printed page's repeat): skipped.
    Header,
    /// Not loaded: the column (as the report names it) and why.
    Rejected { column: String, reason: String },
}

impl RowOutcome {
    pub(crate) fn rejected(column: impl Into<String>, reason: impl Into<String>) -> Self {
        RowOutcome::Rejected {
            column: column.into(),
            reason: reason.into(),
        }
    }
}

/// Where a loader's counts and rejections go: a ledger/register/balance file's
/// [`FileReport`], or a supporting record's table report.
pub(crate) trait Tally {
    /// Record a rejected row (and count it in the file's total).
    fn reject(&mut self, sheet: &str, row: u32, column: &str, reason: String);
    /// A sheet without a table (its rows already noted by `locate`).
    fn sheet_skipped(&mut self, sr: SheetReport);
    /// A sheet read to its end: add its counts to the file's.
    fn sheet_read(&mut self, sr: SheetReport);
}

impl Tally for FileReport {
    fn reject(&mut self, sheet: &str, row: u32, column: &str, reason: String) {
        FileReport::reject(self, sheet, row, column, reason);
    }

    fn sheet_skipped(&mut self, sr: SheetReport) {
        self.sheets.push(sr);
    }

    fn sheet_read(&mut self, sr: SheetReport) {
        self.rows_read += sr.rows_read;
        self.rows_loaded += sr.rows_loaded;
        self.rows_opening += sr.rows_opening;
        self.rows_skipped += sr.rows_skipped_blank + sr.rows_skipped_total + sr.rows_skipped_header;
        self.sheets.push(sr);
    }
}

/// One sheet as [`SheetKind::locate`] sees it: the sheet, its rows, its report, and the file's.
pub(crate) struct At<'s, 'r, R> {
    pub sheet: &'s Sheet,
    pub rows: &'r [&'s [Data]],
    pub sr: &'r mut SheetReport,
    pub report: &'r mut R,
}

/// A table found on a sheet: the index of its first data row, and the table.
pub(crate) type Found<T> = Option<(usize, T)>;

/// One kind of table: how its header is found on a sheet, and what each row becomes.
pub(crate) trait SheetKind<'s> {
    type Report: Tally;
    /// What `locate` found on one sheet (header, profile, titles, running sums), handed to
    /// every row of that sheet.
    type Table;

    /// Find the table on a sheet: the index of its first data row and the table, or `None`
    /// for a sheet without one (noted in `sr`/`report` by the loader).
    fn locate(&mut self, at: At<'s, '_, Self::Report>) -> Found<Self::Table>;

    /// Classify (and load) one non-blank data row.
    fn row(
        &mut self,
        table: &mut Self::Table,
        row: Row<'s>,
        report: &mut Self::Report,
    ) -> RowOutcome;

    /// After a sheet's last row.
    fn sheet_done(&mut self, _table: Self::Table, _report: &mut Self::Report) {}
}

/// Read every sheet with `kind`; true when at least one sheet held its table.
pub(crate) fn read<'s, K: SheetKind<'s>>(
    sheets: &'s [Sheet],
    kind: &mut K,
    report: &mut K::Report,
) -> bool {
    let mut any = false;
    for sheet in sheets {
        any |= read_sheet(sheet, kind, report);
    }
    any
}

/// Read one sheet with `kind`; true when it held its table.
pub(crate) fn read_sheet<'s, K: SheetKind<'s>>(
    sheet: &'s Sheet,
    kind: &mut K,
    report: &mut K::Report,
) -> bool {
    let rows: Vec<&'s [Data]> = sheet.range.rows().collect();
    let mut sr = SheetReport {
        sheet: sheet.name.clone(),
        rows_read: rows.len(),
        ..Default::default()
    };
    let at = At {
        sheet,
        rows: &rows,
        sr: &mut sr,
        report: &mut *report,
    };
    let Some((first, mut table)) = kind.locate(at) else {
        report.sheet_skipped(sr);
        return false;
    };
    take_rows(
        sheet,
        &rows[first.min(rows.len())..],
        first,
        kind,
        &mut table,
        &mut sr,
        report,
    );
    sheet_end(kind, table, first, sr, report);
    true
}

/// A located sheet's data rows `rows`, the first of them the sheet's row index `first`, each
/// through [`take_row`].
pub(crate) fn take_rows<'s, K: SheetKind<'s>>(
    sheet: &'s Sheet,
    rows: &[&'s [Data]],
    first: usize,
    kind: &mut K,
    table: &mut K::Table,
    sr: &mut SheetReport,
    report: &mut K::Report,
) {
    for (k, &cells) in rows.iter().enumerate() {
        let index = first + k;
        let number = sheet.row_number(index);
        let bad = sheet.bad_rows.get(&index);
        take_row(sr, report, &sheet.name, number, bad, cells, |report| {
            kind.row(table, Row { number, cells }, report)
        });
    }
}

/// One row below a sheet's header, from [`read_sheet`] or a loader's stream of rows: rejected
/// whole when the reader marked it unreadable (`bad`), skipped when blank, else handed to
/// `row` (the kind's [`SheetKind::row`]) and its outcome counted in `sr` (a rejection also
/// recorded in the report with its sheet, row, column and reason).
pub(crate) fn take_row<R: Tally>(
    sr: &mut SheetReport,
    report: &mut R,
    sheet: &str,
    number: u32,
    bad: Option<&String>,
    cells: &[Data],
    row: impl FnOnce(&mut R) -> RowOutcome,
) {
    if let Some(reason) = bad {
        sr.rows_rejected += 1;
        report.reject(sheet, number, "整行", reason.clone());
        return;
    }
    if cells.iter().all(cell::is_blank) {
        sr.rows_skipped_blank += 1;
        return;
    }
    match row(report) {
        RowOutcome::Loaded => sr.rows_loaded += 1,
        RowOutcome::Opening => sr.rows_opening += 1,
        RowOutcome::Total => sr.rows_skipped_total += 1,
        RowOutcome::Header => sr.rows_skipped_header += 1,
        RowOutcome::Rejected { column, reason } => {
            sr.rows_rejected += 1;
            report.reject(sheet, number, &column, reason);
        }
    }
}

/// After a located sheet's last row (`first`: the index of its first data row): the kind's
/// [`SheetKind::sheet_done`], the header rows counted as skipped, the counts added to the file's.
pub(crate) fn sheet_end<'s, K: SheetKind<'s>>(
    kind: &mut K,
    table: K::Table,
    first: usize,
    mut sr: SheetReport,
    report: &mut K::Report,
) {
    kind.sheet_done(table, report);
    sr.rows_skipped_header += first;
    report.sheet_read(sr);
}

/// Open a workbook (any format, by its bytes) for a file report: its sheets, with the text
/// encoding noted in the report, and the file name's stem (the entity of last resort).
pub(crate) fn open(path: &Path, report: &mut FileReport) -> Result<(Vec<Sheet>, String)> {
    let (sheets, encoding) = workbook::read_any(path)?;
    report.encoding = encoding.map(str::to_string);
    Ok((sheets, file_stem(path)))
}

/// The file name's stem: the entity of last resort.
pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// How a ledger, register or balance loader looks for its table on each sheet: the profiles
/// that may map it, the entity of last resort, and, for the "no header" message, the most
/// column names seen on a sheet without one.
pub(crate) struct Finder<'a> {
    pub candidates: Vec<&'a Profile>,
    /// `--entity`, when neither a title line nor a column names the unit.
    pub entity: Option<&'a str>,
    /// The file name's stem: the entity when nothing else names one.
    pub stem: String,
    pub found_best: Vec<String>,
}

/// A sheet's table as [`Finder::locate`] finds it: the sheet, the profile and header, the
/// title values, the entity (title → column → `--entity` → file name), and the profile's
/// total-row words.
pub(crate) struct Located<'s> {
    pub sheet: &'s Sheet,
    pub profile: &'s Profile,
    pub hdr: Header,
    pub titles: BTreeMap<String, String>,
    /// `None` when the entity is read per row from a column.
    pub entity: Option<String>,
    /// Total-row word → scope (`Profile::total_keywords`).
    pub keywords: BTreeMap<String, String>,
}

impl<'a> Finder<'a> {
    pub fn new(candidates: Vec<&'a Profile>, entity: Option<&'a str>, stem: String) -> Self {
        Finder {
            candidates,
            entity,
            stem,
            found_best: Vec::new(),
        }
    }

    /// The profile and header that map a sheet's table (see [`choose_profile`]); on a sheet
    /// without a header for `what` (表头, 资产表头 …) the names found are kept for the
    /// message, and the sheet is noted and counted.
    pub fn header(
        &mut self,
        rows: &[&[Data]],
        what: &str,
        sr: &mut SheetReport,
        report: &mut FileReport,
    ) -> Option<(&'a Profile, Header)> {
        let found = choose_profile(rows, &self.candidates);
        if found.is_none() {
            let f = header::found_names(rows);
            if f.len() > self.found_best.len() {
                self.found_best = f;
            }
            note_headerless_sheet(rows, what, sr, report);
        }
        found
    }

    /// Find the table on one sheet (a register's or a balance table's), filling the sheet
    /// report's header fields and the file report's profile and entity source.
    pub fn locate<'s>(&mut self, at: At<'s, '_, FileReport>, what: &str) -> Found<Located<'s>>
    where
        'a: 's,
    {
        let (profile, hdr) = self.header(at.rows, what, at.sr, at.report)?;
        let report = at.report;
        report.profile.get_or_insert_with(|| profile.id.clone());
        at.sr.header_row = Some(at.sheet.row_number(hdr.row));
        at.sr.header_rows = hdr.height;
        at.sr.record_columns(at.sheet, &hdr);
        let titles = header::title_values(&at.rows[..hdr.row], &profile.title);
        let (entity, source) = match (titles.get("entity"), hdr.has("entity"), self.entity) {
            (Some(e), _, _) => (Some(e.clone()), "标题行"),
            (None, true, _) => (None, "列"),
            (None, false, Some(e)) => (Some(e.to_string()), "--entity"),
            _ => (Some(self.stem.clone()), "文件名"),
        };
        if report.entity_source.is_none() {
            report.entity_source = Some(source.into());
            report.entity = entity.clone();
            if source == "文件名" {
                report.warnings.push(format!(
                    "未在标题行或列中找到核算单位，也未给 --entity，暂以文件名“{}”作为核算单位",
                    self.stem
                ));
            }
        }
        let first = hdr.row + hdr.height;
        Some((
            first,
            Located {
                sheet: at.sheet,
                profile,
                keywords: profile.total_keywords(),
                hdr,
                titles,
                entity,
            },
        ))
    }

    /// The error for a file none of whose sheets holds a header of `kind` (named `name`).
    pub fn no_header(&self, path: &Path, name: &str, kind: &str) -> anyhow::Error {
        let found = if self.found_best.is_empty() {
            "（无内容）".to_string()
        } else {
            crate::load::ledger::diagnose::names_listed(&self.found_best)
        };
        let d = crate::load::ledger::diagnose::Diagnosis::of(&self.found_best, &self.candidates);
        anyhow::anyhow!(
            "文件 {} 中没有可识别的{name}表头：需要 {}；找到的列名为 {found}；{}",
            path.display(),
            header::expectation(kind),
            d.message()
        )
    }
}

/// A sheet with no recognisable header: not loaded, but its rows are counted as skipped and
/// any non-blank content is named in a warning, so nothing disappears silently.
pub(crate) fn note_headerless_sheet(
    rows: &[&[Data]],
    what: &str,
    sr: &mut SheetReport,
    report: &mut FileReport,
) {
    let nonblank = rows
        .iter()
        .filter(|r| !r.iter().all(cell::is_blank))
        .count();
    sr.note = Some(if nonblank == 0 {
        "空工作表".to_string()
    } else {
        format!("未找到{what}，整表未载入（{nonblank} 行非空）")
    });
    if nonblank > 0 {
        report.warnings.push(format!(
            "工作表“{}”没有可识别的{what}，其中 {nonblank} 行非空内容未载入",
            sr.sheet
        ));
    }
    report.rows_read += rows.len();
    report.rows_skipped += rows.len();
}

/// The error for a register or balance table whose every row was rejected (`what`: 资产表 …):
/// how many, the first rejection, and the first read sheet's mapped and unrecognised columns.
/// `；首条：工作表“S”第 R 行 C：reason` for the first rejection of a file, or nothing.
pub(crate) fn first_rejection(report: &FileReport) -> String {
    report
        .rejections
        .first()
        .map(|r| {
            format!(
                "；首条：工作表“{}”第 {} 行 {}：{}",
                r.sheet, r.row, r.column, r.reason
            )
        })
        .unwrap_or_default()
}

/// `None` when a row loaded or none was rejected.
pub(crate) fn nothing_loaded(
    path: &Path,
    report: &FileReport,
    what: &str,
    profiles: &[&Profile],
) -> Option<anyhow::Error> {
    if report.rows_loaded + report.rows_opening > 0 || report.rows_rejected == 0 {
        return None;
    }
    let first = first_rejection(report);
    let columns = report
        .sheets
        .iter()
        .find(|s| s.header_row.is_some())
        .map(|s| {
            let named = crate::load::report::ColumnMap::list;
            let mut m = format!("；工作表“{}”识别的列：{}", s.sheet, named(&s.columns));
            if !s.ignored_columns.is_empty() {
                // Each unrecognised column with the required field it most resembles.
                let names: Vec<String> =
                    s.ignored_columns.iter().map(|c| c.header.clone()).collect();
                let d = crate::load::ledger::diagnose::Diagnosis::of(&names, profiles);
                let listed: Vec<String> = s
                    .ignored_columns
                    .iter()
                    .map(|c| {
                        let guess = d
                            .unknown
                            .iter()
                            .find(|u| u.1 == c.header)
                            .and_then(|u| u.2.as_deref())
                            .map(|g| format!("（可能是 {g}）"))
                            .unwrap_or_default();
                        format!("{}（{}）{guess}", c.column, c.header)
                    })
                    .collect();
                m.push_str(&format!("；未识别的列：{}", listed.join("、")));
            }
            m
        })
        .unwrap_or_default();
    Some(anyhow::anyhow!(
        "文件 {} 的{what}没有载入任何行：{} 行全部拒收{first}{columns}",
        path.display(),
        report.rows_rejected
    ))
}
