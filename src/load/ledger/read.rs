//! Reading ledger workbooks: each sheet's header and profile, its title lines (entity, book,
//! year), then its rows (the shared loop of `load/sheets.rs`, each row classified in
//! `sheet.rs`); afterwards every voucher is checked for balance.
//! Nothing is dropped without a line in the report.

use super::cell;
use super::chart::{Chart, Charts, DEFAULT_SYSTEM};
use super::header::{self, Header};
use super::model::{LineStore, OpeningBalance};
use super::profile::{Profile, Profiles};
use super::sheet::{SheetReader, Sums};
use crate::load::report::FileReport;
use crate::load::sheets::{self, At, Finder, Found, Row, RowOutcome, SheetKind};
use crate::model::money::Fen;
use anyhow::{bail, Result};
use calamine::Data;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct LedgerOptions<'a> {
    pub profiles: &'a Profiles,
    /// Use this profile id for every sheet instead of detecting one.
    pub profile: Option<String>,
    /// Entity when neither a title line nor a column names one.
    pub entity: Option<String>,
    /// `entity` is the engagement's entity for this file: it wins over the title line and
    /// an entity column (which are reported beside it when they name another unit).
    pub entity_from_engagement: bool,
    pub charts: &'a Charts,
    /// 会计制度 of these files' 账套 (default 政府会计制度).
    pub system: Option<String>,
    /// The books' year when the file states none (the engagement's `year`, `--year`): the
    /// year of dates written without one (`01-05`) after the title, sheet and file names.
    pub year: Option<i32>,
}

#[derive(Default)]
pub struct LedgerLoad {
    pub lines: LineStore,
    pub opening: Vec<OpeningBalance>,
}

/// Choose the profile for a sheet: the one whose header maps, preferring vendor signatures.
pub fn choose_profile<'p>(
    rows: &[&[Data]],
    candidates: &[&'p Profile],
) -> Option<(&'p Profile, Header)> {
    let mut best: Option<(usize, usize, &Profile, Header)> = None;
    for p in candidates {
        if let Some(h) = header::find(rows, p) {
            let names: BTreeSet<&str> = h.names.iter().map(|s| s.as_str()).collect();
            let sig = p
                .signature
                .iter()
                .filter(|s| names.contains(header::norm(s).as_str()))
                .count();
            // A vendor profile beats the generic one only when its whole signature is present.
            let sig = if sig == p.signature.len() { sig } else { 0 };
            let key = (sig, h.fields.len());
            if best.as_ref().is_none_or(|b| key > (b.0, b.1)) {
                best = Some((key.0, key.1, p, h));
            }
        }
    }
    best.map(|(_, _, p, h)| (p, h))
}

/// The ledger's sheets as [`sheets::read`] reads them; what the rows add up to across sheets.
struct LedgerSheets<'a> {
    opts: &'a LedgerOptions<'a>,
    find: Finder<'a>,
    default_chart: &'a Chart,
    file_label: super::model::SharedStr,
    out: LedgerLoad,
    sums: Sums,
    unknown_accounts: BTreeSet<String>,
    serials: BTreeMap<String, (usize, (f64, NaiveDate))>,
    /// The first located header (sheet, names), for the "nothing loaded" diagnosis.
    first_header: Option<(String, Vec<String>)>,
}

impl<'s, 'a: 's> SheetKind<'s> for LedgerSheets<'a> {
    type Report = FileReport;
    type Table = SheetReader<'s>;

    fn locate(&mut self, at: At<'s, '_, FileReport>) -> Found<SheetReader<'s>> {
        let At {
            sheet,
            rows,
            sr,
            report,
        } = at;
        let opts = self.opts;
        let (profile, hdr) = self.find.header(rows, "表头", sr, report)?;
        if report.profile.is_none() {
            report.profile = Some(profile.id.clone());
        } else if report.profile.as_deref() != Some(profile.id.as_str()) {
            report.warnings.push(format!(
                "工作表“{}”按映射方案 {} 读取，与文件中其他工作表不同",
                sheet.name, profile.id
            ));
        }
        for d in &hdr.duplicates {
            report
                .warnings
                .push(format!("工作表“{}”表头“{d}”重复，只读取第一列", sheet.name));
        }
        sr.header_row = Some(sheet.row_number(hdr.row));
        for (&i, reason) in sheet.bad_rows.range(..hdr.row + hdr.height) {
            report.warnings.push(format!(
                "工作表“{}”表头以上第 {} 行：{reason}",
                sheet.name,
                sheet.row_number(i)
            ));
        }
        sr.header_rows = hdr.height;
        sr.record_columns(sheet, &hdr);
        if self.first_header.is_none() {
            self.first_header = Some((sheet.name.clone(), hdr.names.clone()));
        }

        // Title lines: entity, book, year.
        let titles = header::title_values(&rows[..hdr.row], &profile.title);
        // The year of 月/日 columns and of undated 期初 rows: the title's period, else the
        // sheet name's (`2023年序时账`), else the file name's; 期初 rows also take it from
        // the sheet's first dated line.
        let title_year = header::title_year(&rows[..hdr.row], &titles, &profile.title)
            .or_else(|| header::year_in(&sheet.name))
            .or_else(|| header::year_in(&self.find.stem));
        let year_hint = title_year
            .or_else(|| first_dated_year(&rows[hdr.row + hdr.height..], &hdr))
            .or(opts.year);
        let assigned = opts.entity.as_ref().filter(|_| opts.entity_from_engagement);
        if let Some(e) = assigned {
            // The file's own unit, reported beside the engagement's, never merged by it.
            let own = titles.get("entity").cloned().or_else(|| {
                hdr.col("entity")
                    .and_then(|c| other_entity(&rows[hdr.row + hdr.height..], c, e))
            });
            if let Some(own) = own.filter(|o| o != e) {
                if report.entity_in_file.is_none() {
                    report.warnings.push(format!(
                        "文件本身写的核算单位是“{own}”（工作表“{}”），项目文件将其归入“{e}”：按项目文件载入，请核对",
                        sheet.name
                    ));
                    report.entity_in_file = Some(own);
                }
            }
        }
        let stem = &self.find.stem;
        let (sheet_entity, entity_source) = if let Some(e) = assigned {
            (Some(e.clone()), "项目文件")
        } else if let Some(e) = titles.get("entity") {
            (Some(e.clone()), "标题行")
        } else if hdr.has("entity") {
            (None, "列")
        } else if let Some(e) = &opts.entity {
            (Some(e.clone()), "--entity")
        } else {
            (Some(stem.clone()), "文件名")
        };
        if report.entity_source.is_none() {
            report.entity_source = Some(entity_source.to_string());
            report.entity = sheet_entity.clone();
            if entity_source == "文件名" {
                report.warnings.push(format!(
                    "未在标题行或列中找到核算单位，也未给 --entity，暂以文件名“{stem}”作为核算单位"
                ));
            }
        }
        // Amounts are read as 元: a title that states another unit (万元, 千元) is told.
        if let Some(unit) = titles.get("unit") {
            if unit.contains('万') || unit.contains('千') {
                report.warnings.push(format!(
                    "工作表“{}”标题写明金额单位为“{unit}”：金额按表中数字以元读取，未换算，请核对",
                    sheet.name
                ));
            }
        }
        let book = titles.get("book").cloned();
        let first = hdr.row + hdr.height;
        self.sums.sheet = (Fen::ZERO, Fen::ZERO);
        self.sums.segment = (Fen::ZERO, Fen::ZERO);
        let guesses = super::diagnose::Diagnosis::of(&hdr.names, &self.find.candidates)
            .unknown
            .into_iter()
            .filter_map(|(c, _, g)| g.map(|g| (c, g)))
            .collect();
        let reader = SheetReader {
            sheet,
            keywords: profile.total_keywords(),
            hdr,
            profile,
            title_year,
            given_year: opts.year,
            year_hint,
            sheet_entity: sheet_entity.map(Into::into),
            fallback_entity: opts.entity.clone().unwrap_or_else(|| stem.clone()).into(),
            book,
            charts: opts.charts,
            default_chart: self.default_chart,
            file: self.file_label.clone(),
            sheet_name: sheet.name.as_str().into(),
            interner: Default::default(),
            voucher_memo: Default::default(),
            serials: Default::default(),
            current: None,
            poisoned: None,
            guesses,
            section: None,
        };
        // A 明细账's first section heading may stand above the header.
        let mut reader = reader;
        if !header::has_account_column(&reader.hdr.fields) {
            reader.section = rows[..reader.hdr.row]
                .iter()
                .rev()
                .find_map(|r| reader.section_heading(r));
        }
        Some((first, reader))
    }

    fn row(
        &mut self,
        t: &mut SheetReader<'s>,
        row: Row<'s>,
        report: &mut FileReport,
    ) -> RowOutcome {
        self.line(t, row, report)
    }

    fn sheet_done(&mut self, reader: SheetReader<'s>, _: &mut FileReport) {
        if let (n, Some(example)) = reader.serials.get() {
            let e = self
                .serials
                .entry(reader.column_label("date"))
                .or_insert((0, example));
            e.0 += n;
        }
    }
}

impl<'a> LedgerSheets<'a> {
    /// The kind for one file: its candidate profiles and chart (named in the report).
    fn new(opts: &'a LedgerOptions<'a>, stem: String, report: &mut FileReport) -> Result<Self> {
        let candidates: Vec<&Profile> = match &opts.profile {
            Some(id) => match opts.profiles.get(id) {
                Some(p) if p.kind == "ledger" => vec![p],
                _ => bail!("映射方案“{id}”不存在或不是序时账方案"),
            },
            None => opts.profiles.of_kind("ledger"),
        };
        let system_name = opts
            .system
            .clone()
            .unwrap_or_else(|| DEFAULT_SYSTEM.to_string());
        let default_chart = opts.charts.find(&system_name).ok_or_else(|| {
            anyhow::anyhow!(
                "没有会计制度“{system_name}”的科目表；内置：{}",
                opts.charts.names().join("、")
            )
        })?;
        report.accounting_system = Some(default_chart.name.clone());
        Ok(LedgerSheets {
            opts,
            find: Finder::new(candidates, opts.entity.as_deref(), stem),
            default_chart,
            // As the request named the file (`path` may be that joined to the engagement
            // directory).
            file_label: report.path.as_str().into(),
            out: LedgerLoad::default(),
            sums: Sums::default(),
            unknown_accounts: BTreeSet::new(),
            serials: BTreeMap::new(),
            first_header: None,
        })
    }

    /// One data row of a located sheet, borrowed for this call only (a streamed row).
    fn line(
        &mut self,
        t: &mut SheetReader<'_>,
        row: Row<'_>,
        report: &mut FileReport,
    ) -> RowOutcome {
        t.row(
            row,
            report,
            &mut self.out,
            &mut self.sums,
            &mut self.unknown_accounts,
        )
    }
}

/// The first text in column `c` of `rows` naming another unit than `e` (the file's own unit,
/// reported beside the engagement's).
fn other_entity(rows: &[&[Data]], c: usize, e: &str) -> Option<String> {
    rows.iter().find_map(|r| other_entity_in(r, c, e))
}

fn other_entity_in(row: &[Data], c: usize, e: &str) -> Option<String> {
    row.get(c)
        .map(|v| cell::text(v).to_string())
        .filter(|t| !t.is_empty() && t != e)
}

/// The year of a sheet's first line with a readable date (or year) cell, for 期初 rows above it.
fn first_dated_year(rows: &[&[Data]], hdr: &Header) -> Option<i32> {
    use chrono::Datelike;
    rows.iter().find_map(|r| {
        hdr.cell(r, "date")
            .and_then(|c| cell::date(c).ok().flatten())
            .map(|d| d.year())
            .or_else(|| {
                hdr.cell(r, "year")
                    .and_then(|c| cell::int(c).ok().flatten())
                    .map(|y| y as i32)
                    .filter(|y| (1990..=2100).contains(y))
            })
            .or_else(|| {
                hdr.cell(r, "period")
                    .and_then(|c| cell::period(c).ok().flatten())
                    .and_then(|p| p.year)
            })
    })
}

/// Load one ledger workbook. `Err` only when the file cannot be read or holds no
/// recognisable header; row problems become rejections in the report.
///
/// An .xlsx is streamed ([`stream`]): its cells parsed on a second thread while its rows are
/// mapped on this one, no sheet held whole. When the stream cannot be sure to give exactly
/// what reading the whole sheets gives ([`load_file_materialised`]), that is done instead,
/// from the start, and the stream's work is discarded.
pub fn load_file(path: &Path, report: &mut FileReport, opts: &LedgerOptions) -> Result<LedgerLoad> {
    if let Some((trial, kind, any)) = load_streamed(path, report, opts) {
        *report = trial;
        return finish(path, report, kind, any);
    }
    load_file_materialised(path, report, opts)
}

/// [`load_file`] by the stream alone: `None` where it falls back (not an .xlsx, or a sheet the
/// stream cannot read exactly as a whole: see [`stream`]). For tests comparing both paths.
pub fn load_file_streamed(
    path: &Path,
    report: &mut FileReport,
    opts: &LedgerOptions,
) -> Option<Result<LedgerLoad>> {
    let (trial, kind, any) = load_streamed(path, report, opts)?;
    *report = trial;
    Some(finish(path, report, kind, any))
}

/// [`load_file`] from every sheet read whole into a grid (every format).
pub fn load_file_materialised(
    path: &Path,
    report: &mut FileReport,
    opts: &LedgerOptions,
) -> Result<LedgerLoad> {
    let (sheets, stem) = sheets::open(path, report)?;
    let mut kind = LedgerSheets::new(opts, stem, report)?;
    let any = sheets::read(&sheets, &mut kind, report);
    finish(path, report, kind, any)
}

/// The stream's attempt on a copy of the report: the report, the sheets read and whether any
/// held a header, or `None` to fall back (every error included: the materialised path then
/// reports it, in its order).
fn load_streamed<'a>(
    path: &Path,
    report: &FileReport,
    opts: &'a LedgerOptions<'a>,
) -> Option<(FileReport, LedgerSheets<'a>, bool)> {
    use crate::load::formats::{delimited, workbook};
    let mut trial = report.clone();
    if workbook::is_xlsx(path) {
        // As `sheets::open` notes it for a workbook: no text encoding.
        trial.encoding = None;
        let mut kind = LedgerSheets::new(opts, sheets::file_stem(path), &mut trial).ok()?;
        let any = workbook::stream_xlsx(path, |cells| {
            stream::read(path, cells, &mut kind, &mut trial, false)
        })
        .ok()?
        .ok()??;
        return Some((trial, kind, any));
    }
    if !workbook::is_text(path) {
        return None;
    }
    // A CSV's grid is numbered from the file's first line and field (`origin`), and its
    // encoding is known before the first cell (a body that is not UTF-8 is read whole).
    let bytes = crate::model::provenance::read_input(path).ok()?;
    let mut kind = None;
    let (any, encoding) = delimited::stream_utf8(path, &bytes, |cells| {
        let mut k = LedgerSheets::new(opts, sheets::file_stem(path), &mut trial).ok()?;
        let any = stream::read(path, cells, &mut k, &mut trial, true);
        kind = Some(k);
        any.ok()?
    })
    .ok()?;
    let any = any?;
    trial.encoding = Some(encoding.to_string());
    Some((trial, kind?, any))
}

/// After the sheets: no header anywhere, nothing loaded, the serial-date warnings, accounts
/// not in the chart, the voucher balance check and the totals.
fn finish(
    path: &Path,
    report: &mut FileReport,
    kind: LedgerSheets,
    any: bool,
) -> Result<LedgerLoad> {
    if !any {
        return Err(kind.find.no_header(path, "序时账", "ledger"));
    }
    if kind.out.lines.is_empty() && kind.out.opening.is_empty() && report.rows_rejected > 0 {
        return Err(nothing_loaded(path, report, &kind));
    }
    // A header (and perhaps titles and totals) but not one line: an export of the wrong
    // report or an empty period, never a ledger that loaded.
    if kind.out.lines.is_empty() && kind.out.opening.is_empty() {
        anyhow::bail!(
            "文件 {} 只有表头，没有任何分录行（共读取 {} 行，均为表头、标题、合计或空行）",
            path.display(),
            report.rows_read
        );
    }
    let LedgerSheets {
        out,
        unknown_accounts,
        serials,
        ..
    } = kind;
    // One warning per date column, not per row.
    for (column, (n, (v, d))) in serials {
        report.warnings.push(format!(
            "日期列 {column} 中有 {n} 个单元格是未设日期格式的数字，已按 Excel 日期序号读取（如 {} 读作 {}）；请核对这些日期",
            cell::text(&Data::Float(v)),
            d.format("%Y-%m-%d")
        ));
    }
    report.accounts_not_in_chart = unknown_accounts.into_iter().collect();
    super::sheet::vouchers_on_several_sheets(&out, report);
    super::balance::check_balance(&out.lines, report);
    report.totals.debit = out.lines.iter().map(|l| l.debit()).sum();
    report.totals.credit = out.lines.iter().map(|l| l.credit()).sum();
    Ok(out)
}

/// The error for a ledger whose every row was rejected: how many, the first reason, and the
/// header diagnosis (missing fields, headers found, what the unknown ones may be).
fn nothing_loaded(path: &Path, report: &FileReport, kind: &LedgerSheets) -> anyhow::Error {
    let first = crate::load::sheets::first_rejection(report);
    let diagnosis = kind
        .first_header
        .as_ref()
        .map(|(sheet, names)| {
            let d = super::diagnose::Diagnosis::of(names, &kind.find.candidates);
            format!("；工作表“{sheet}”{}", d.message())
        })
        .unwrap_or_default();
    anyhow::anyhow!(
        "文件 {} 没有载入任何行：{} 行全部拒收{first}{diagnosis}",
        path.display(),
        report.rows_rejected
    )
}

/// The ledger's .xlsx (and UTF-8/UTF-16 text) stream: each sheet's cells as the parse thread
/// hands them over, mapped row by row without the sheet ever being held whole.
///
/// Identity is the rule: what the stream gives must be exactly what the materialised path
/// gives (`sheets::read` on the sheets `read_sheets` builds: rows numbered from the sheet's
/// first valued row, columns from its first valued column over the whole sheet, every row
/// as wide as the sheet's valued cells reach, blank rows included). So the first
/// [`PREFIX_ROWS`] rows of a sheet are buffered and read by the same code (the sheet's table
/// located on them, a sheet shorter than that read exactly as the materialised path reads
/// it), and the rows below are streamed into rows of the prefix's width while everything the
/// prefix could not know is checked. The stream gives up (`Ok(None)`: the file is read again,
/// whole) when
/// - a later cell lies left or right of the prefix's valued columns (the whole sheet's rows
///   would be wider or start further left, moving every column letter and index);
/// - the cells come out of row order (the grid places them by position, a stream cannot);
/// - a sheet longer than the prefix has no header on it (the "no header" note counts every
///   row of the sheet);
/// - the header found on the prefix could change with later rows (a 明细账 header without a
///   科目 column counts as complete when section headings stand anywhere on the sheet:
///   [`header_settled`]);
/// - no title states the year and no dated line stands in the prefix (undated 期初 rows take
///   the year of the sheet's first dated line, wherever it is);
/// - the engagement assigns the entity, the file has an entity column, and a unit other than
///   the engagement's appears in it only below the prefix (the file's own unit is warned about
///   when the sheet is located, before its rows);
/// - a sheet is out of proportion ([`UsedRange::check`], on the prefix before its grid is built
///   and on the whole sheet at its end), or cannot be read: the materialised path's message.
mod stream {
    use super::{first_dated_year, other_entity, other_entity_in, LedgerSheets};
    use crate::load::formats::workbook::{CellRef, CellStream, Sheet, UsedRange};
    use crate::load::ledger::header::{self, Header};
    use crate::load::ledger::profile::Profile;
    use crate::load::report::{FileReport, SheetReport};
    use crate::load::sheets::{self, At, Row, SheetKind};
    use anyhow::Result;
    use calamine::{Cell, Data, Range};
    use std::path::Path;

    /// Rows of a sheet (from its first valued row) buffered before its table is located: the
    /// header is searched in the first 40 (`header::HEADER_SEARCH_ROWS`), and a dated line
    /// or a differing entity almost always stands within the first thousand.
    pub(super) const PREFIX_ROWS: u32 = 1000;

    /// Every sheet of the workbook: whether any held a header, `None` to fall back.
    /// `origin`: the grid is anchored at the first row and column (a text file's, as
    /// `UsedRange::new(true)`), not at the first valued cell (a workbook's).
    pub(super) fn read(
        path: &Path,
        cells: &mut CellStream,
        kind: &mut LedgerSheets,
        report: &mut FileReport,
        origin: bool,
    ) -> Result<Option<bool>> {
        let mut any = false;
        while let Some(name) = cells.next_sheet()? {
            match sheet(path, name, cells, kind, report, origin)? {
                Some(located) => any |= located,
                None => return Ok(None),
            }
        }
        Ok(Some(any))
    }

    /// One sheet: whether it held a header, `None` to fall back.
    fn sheet(
        path: &Path,
        name: String,
        cells: &mut CellStream,
        kind: &mut LedgerSheets,
        report: &mut FileReport,
        origin: bool,
    ) -> Result<Option<bool>> {
        // The extent of every valued cell, as `read_sheets` (or the text reader) checks it.
        let mut ext = UsedRange::new(origin);
        let mut last_row = 0u32;
        let mut prefix: Vec<Cell<Data>> = Vec::new();
        let mut limit: Option<u32> = None;
        let mut pending = None;
        while let Some((r, c, v)) = cells.next_cell()? {
            if r < last_row {
                return Ok(None);
            }
            last_row = r;
            ext.add(r, c);
            if r >= *limit.get_or_insert(r.saturating_add(PREFIX_ROWS)) {
                pending = Some((r, c, v.into_data()));
                break;
            }
            prefix.push(Cell::new((r, c), v.into_data()));
        }
        // The prefix's grid is allocated: refused as `read_sheets` would refuse the sheet.
        if ext.check(path, &name).is_err() {
            return Ok(None);
        }
        let range = if origin {
            // Bounded by the prefix's own cells (`ext` holds the first cell below it too).
            let mut bounds = UsedRange::new(true);
            for c in &prefix {
                bounds.add(c.get_position().0, c.get_position().1);
            }
            let mut range = bounds.grid();
            for c in prefix {
                range.set_value(c.get_position(), c.get_value().clone());
            }
            range
        } else {
            Range::from_sparse(prefix)
        };
        let sheet = Sheet {
            name,
            range,
            bad_rows: Default::default(),
        };
        let Some(pending) = pending else {
            // The whole sheet: read exactly as the materialised path reads it.
            return Ok(Some(sheets::read_sheet(&sheet, kind, report)));
        };
        let (Some(start), Some(end)) = (sheet.range.start(), sheet.range.end()) else {
            return Ok(None);
        };
        let rows: Vec<&[Data]> = sheet.range.rows().collect();
        let mut sr = SheetReport {
            sheet: sheet.name.clone(),
            rows_read: rows.len(),
            ..Default::default()
        };
        let at = At {
            sheet: &sheet,
            rows: &rows,
            sr: &mut sr,
            report: &mut *report,
        };
        let Some((first, mut table)) = kind.locate(at) else {
            return Ok(None);
        };
        let data = rows.get(first..).unwrap_or_default();
        if !header_settled(&rows, &kind.find.candidates)
            || (table.title_year.is_none() && first_dated_year(data, &table.hdr).is_none())
        {
            return Ok(None);
        }
        // The engagement's entity, watched for below the prefix in the entity column, when
        // neither a title nor the prefix's rows name another unit.
        let opts = kind.opts;
        let watch = match opts
            .entity
            .as_deref()
            .filter(|_| opts.entity_from_engagement)
        {
            Some(e) => {
                let titles = header::title_values(&rows[..table.hdr.row], &table.profile.title);
                match (titles.get("entity"), table.hdr.col("entity")) {
                    (None, Some(c)) if other_entity(data, c, e).is_none() => Some((c, e)),
                    _ => None,
                }
            }
            None => None,
        };
        sheets::take_rows(&sheet, data, first, kind, &mut table, &mut sr, report);

        // The rows below the prefix, each as wide as the prefix's valued columns, all read
        // through one row buffer whose texts' allocations are reused row after row.
        let (c0, c1) = (start.1, end.1);
        let mut buf = vec![Data::Empty; (c1 - c0) as usize + 1];
        let mut spare = vec![String::new(); buf.len()];
        let mut current: Option<u32> = None;
        let (r, c, v) = pending;
        let mut next = Some((r, c, CellRef::Value(v)));
        loop {
            let cell = match next.take() {
                Some(c) => Some(c),
                None => cells.next_cell()?,
            };
            // The row in `buf` is complete when a later row begins or the sheet ends.
            let row_done = match &cell {
                Some((r, _, _)) => current.is_some_and(|cur| cur != *r),
                None => current.is_some(),
            };
            if row_done {
                let cur = current.unwrap_or_default();
                if watch.is_some_and(|(c, e)| other_entity_in(&buf, c, e).is_some()) {
                    return Ok(None);
                }
                let number = sheet.row_number((cur - start.0) as usize);
                sheets::take_row(&mut sr, report, &sheet.name, number, None, &buf, |report| {
                    kind.line(
                        &mut table,
                        Row {
                            number,
                            cells: &buf,
                        },
                        report,
                    )
                });
                for (slot, spare) in buf.iter_mut().zip(spare.iter_mut()) {
                    CellRef::release(slot, spare);
                }
            }
            let Some((r, c, v)) = cell else {
                break;
            };
            if r < last_row || c < c0 || c > c1 {
                return Ok(None);
            }
            last_row = r;
            ext.add(r, c);
            if current != Some(r) {
                // The rows between hold no value: blank rows of the grid.
                sr.rows_skipped_blank += (r - current.unwrap_or(end.0) - 1) as usize;
                current = Some(r);
            }
            let i = (c - c0) as usize;
            v.put(&mut buf[i], &mut spare[i]);
        }
        if ext.check(path, &sheet.name).is_err() {
            return Ok(None);
        }
        sr.rows_read = (last_row - start.0) as usize + 1;
        sheets::sheet_end(kind, table, first, sr, report);
        Ok(Some(true))
    }

    /// Whether the header [`header::find`] finds on a sheet's first rows is the one it would
    /// find on the whole sheet. It looks beyond the first rows in one place: a 明细账 header
    /// without a 科目 column counts as complete when a section heading (`科目：…`) stands
    /// anywhere on the sheet. So each candidate is asked again with such a heading appended:
    /// a profile whose answer does not change cannot be changed by any later row.
    fn header_settled(rows: &[&[Data]], candidates: &[&Profile]) -> bool {
        candidates.iter().all(|p| {
            let Some(word) = p.title.get(header::SECTION_KEY).and_then(|w| w.first()) else {
                // No heading words: no row is a heading.
                return true;
            };
            let heading = [Data::String(format!("{word}：1"))];
            if header::section_heading(&heading, &p.title).is_none() {
                return false;
            }
            let mut more = rows.to_vec();
            more.push(&heading);
            same(header::find(rows, p), header::find(&more, p))
        })
    }

    fn same(a: Option<Header>, b: Option<Header>) -> bool {
        let key = |h: &Header| {
            (
                h.row,
                h.height,
                h.fields.clone(),
                h.names.clone(),
                h.duplicates.clone(),
            )
        };
        a.as_ref().map(key) == b.as_ref().map(key)
    }
}
