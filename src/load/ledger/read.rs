//! Reading ledger workbooks: each sheet's header and profile, its title lines (entity, book,
//! year), then its rows (the shared loop of `load/sheets.rs`, each row classified in
//! `sheet.rs`); afterwards every voucher is checked for balance.
//! Nothing is dropped without a line in the report.

use super::cell;
use super::chart::{Chart, Charts, DEFAULT_SYSTEM};
use super::header::{self, Header};
use super::model::{LedgerLine, OpeningBalance};
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
    pub lines: Vec<LedgerLine>,
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
                hdr.col("entity").and_then(|c| {
                    rows[hdr.row + hdr.height..]
                        .iter()
                        .filter_map(|r| r.get(c))
                        .map(|v| cell::text(v).to_string())
                        .find(|t| !t.is_empty() && t != e)
                })
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
        self.out.lines.reserve(rows.len().saturating_sub(first));
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
        t.row(
            row,
            report,
            &mut self.out,
            &mut self.sums,
            &mut self.unknown_accounts,
        )
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
pub fn load_file(path: &Path, report: &mut FileReport, opts: &LedgerOptions) -> Result<LedgerLoad> {
    let (sheets, stem) = sheets::open(path, report)?;
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
    let mut kind = LedgerSheets {
        opts,
        find: Finder::new(candidates, opts.entity.as_deref(), stem),
        default_chart,
        // As the request named the file (`path` may be that joined to the engagement directory).
        file_label: report.path.as_str().into(),
        out: LedgerLoad::default(),
        sums: Sums::default(),
        unknown_accounts: BTreeSet::new(),
        serials: BTreeMap::new(),
        first_header: None,
    };
    if !sheets::read(&sheets, &mut kind, report) {
        return Err(kind.find.no_header(path, "序时账", "ledger"));
    }
    if kind.out.lines.is_empty() && kind.out.opening.is_empty() && report.rows_rejected > 0 {
        return Err(nothing_loaded(path, report, &kind));
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
    super::balance::check_balance(&out.lines, report);
    report.totals.debit = out.lines.iter().map(|l| l.debit).sum();
    report.totals.credit = out.lines.iter().map(|l| l.credit).sum();
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
