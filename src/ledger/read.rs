//! Reading ledger sheets: header → rows → journal lines, opening balances, total checks and
//! rejections. Nothing is dropped without a line in the report.

use super::cell;
use super::chart::{Chart, Charts, DEFAULT_SYSTEM};
use super::header::{self, Header};
use super::model::{Classification, LedgerLine, OpeningBalance, Source, STATUS_NORMAL};
use super::profile::{Profile, Profiles};
use crate::money::Fen;
use crate::report::{FileReport, SheetReport, TotalCheck, TotalFigure, Unbalanced};
use crate::voucher::{self, VoucherId};
use crate::workbook::{self, Sheet};
use anyhow::{bail, Result};
use calamine::Data;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct LedgerOptions<'a> {
    pub profiles: &'a Profiles,
    /// Use this profile id for every sheet instead of detecting one.
    pub profile: Option<String>,
    /// Entity when neither a title line nor a column names one.
    pub entity: Option<String>,
    pub charts: &'a Charts,
    /// 会计制度 of these files' 账套 (default 政府会计制度).
    pub system: Option<String>,
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

/// Running sums the total rows are checked against.
#[derive(Default)]
struct Sums {
    voucher: (Fen, Fen),
    segment: (Fen, Fen),
    sheet: (Fen, Fen),
    per_period: BTreeMap<(i32, u32), (Fen, Fen)>,
}

fn add(a: &mut (Fen, Fen), d: Fen, c: Fen) {
    a.0 += d;
    a.1 += c;
}

/// The voucher a line belongs to; the previous line's, for filling down.
#[derive(Clone)]
struct Current {
    kind: String,
    number: u32,
    date: NaiveDate,
    year: i32,
    period: u32,
    line_no: u32,
    entity: String,
}

impl Current {
    fn same_voucher(&self, o: &Current) -> bool {
        self.kind == o.kind
            && self.number == o.number
            && self.period == o.period
            && self.year == o.year
            && self.entity == o.entity
    }
}

/// Load one ledger workbook. `Err` only when the file cannot be read or holds no
/// recognisable header; row problems become rejections in the report.
pub fn load_file(path: &Path, report: &mut FileReport, opts: &LedgerOptions) -> Result<LedgerLoad> {
    let sheets = workbook::read_sheets(path)?;
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
    let file_label = path.display().to_string();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();

    let mut out = LedgerLoad::default();
    let mut sums = Sums::default();
    let mut unknown_accounts: BTreeSet<String> = BTreeSet::new();
    let mut best_found: Vec<String> = Vec::new();
    let mut any_header = false;

    for sheet in &sheets {
        let rows: Vec<&[Data]> = sheet.range.rows().collect();
        let mut sr = SheetReport {
            sheet: sheet.name.clone(),
            rows_read: rows.len(),
            ..Default::default()
        };
        let Some((profile, hdr)) = choose_profile(&rows, &candidates) else {
            let found = header::found_names(&rows);
            if found.len() > best_found.len() {
                best_found = found;
            }
            let nonblank = rows
                .iter()
                .filter(|r| !r.iter().all(cell::is_blank))
                .count();
            sr.note = Some(if nonblank == 0 {
                "空工作表".to_string()
            } else {
                format!("未找到表头，整表未载入（{nonblank} 行非空）")
            });
            if nonblank > 0 {
                report.warnings.push(format!(
                    "工作表“{}”没有可识别的表头，其中 {nonblank} 行非空内容未载入",
                    sheet.name
                ));
            }
            report.rows_read += rows.len();
            report.rows_skipped += rows.len();
            report.sheets.push(sr);
            continue;
        };
        any_header = true;
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
        sr.header_rows = hdr.height;

        // Title lines: entity, book, year.
        let titles = header::title_values(&rows[..hdr.row], &profile.title);
        let title_year = titles
            .get("period")
            .and_then(|t| header::year_in(t))
            .or_else(|| {
                rows[..hdr.row]
                    .iter()
                    .flat_map(|r| r.iter())
                    .find_map(|c| header::year_in(&cell::text(c)))
            });
        let (sheet_entity, entity_source) = if let Some(e) = titles.get("entity") {
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
        let book = titles.get("book").cloned();

        let reader = SheetReader {
            sheet,
            hdr: &hdr,
            profile,
            keywords: total_keywords(profile),
            title_year,
            sheet_entity,
            fallback_entity: opts.entity.clone().unwrap_or_else(|| stem.clone()),
            book,
            charts: opts.charts,
            default_chart,
            file: file_label.clone(),
        };
        reader.read(
            &rows,
            &mut sr,
            report,
            &mut out,
            &mut sums,
            &mut unknown_accounts,
        );
        report.rows_read += sr.rows_read;
        report.rows_loaded += sr.rows_loaded;
        report.rows_opening += sr.rows_opening;
        sr.rows_skipped_header += hdr.row + hdr.height;
        report.rows_skipped +=
            sr.rows_skipped_blank + sr.rows_skipped_total + sr.rows_skipped_header;
        report.sheets.push(sr);
    }
    if !any_header {
        let expected = header::expectation("ledger");
        let found = if best_found.is_empty() {
            "（无内容）".to_string()
        } else {
            best_found.join("、")
        };
        bail!(
            "文件 {} 中没有可识别的序时账表头：需要 {expected}；找到的列名为 {found}",
            path.display()
        );
    }
    report.accounts_not_in_chart = unknown_accounts.into_iter().collect();
    check_balance(&out.lines, report);
    report.totals.debit = out.lines.iter().map(|l| l.debit).sum();
    report.totals.credit = out.lines.iter().map(|l| l.credit).sum();
    Ok(out)
}

/// keyword → scope, from the profile's [totals].
fn total_keywords(p: &Profile) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (scope, words) in &p.totals {
        for w in words {
            m.insert(header::norm(w), scope.clone());
        }
    }
    m
}

fn scope_label(scope: &str) -> &'static str {
    match scope {
        "voucher" => "凭证",
        "segment" => "小计段",
        "month" => "本月",
        "year_to_date" => "本年累计",
        "sheet" => "全表",
        "carried" => "承前过次",
        _ => "期初",
    }
}

struct SheetReader<'a> {
    sheet: &'a Sheet,
    hdr: &'a Header,
    profile: &'a Profile,
    keywords: BTreeMap<String, String>,
    title_year: Option<i32>,
    sheet_entity: Option<String>,
    fallback_entity: String,
    book: Option<String>,
    charts: &'a Charts,
    default_chart: &'a Chart,
    file: String,
}

/// A row problem: which field, why.
struct Bad {
    field: &'static str,
    reason: String,
}

fn bad(field: &'static str, reason: impl Into<String>) -> Bad {
    Bad {
        field,
        reason: reason.into(),
    }
}

impl<'a> SheetReader<'a> {
    fn cell<'r>(&self, row: &'r [Data], field: &str) -> Option<&'r Data> {
        self.hdr.col(field).and_then(|c| row.get(c))
    }

    fn text(&self, row: &[Data], field: &str) -> Option<String> {
        self.cell(row, field)
            .map(|c| cell::text(c).to_string())
            .filter(|t| !t.is_empty())
    }

    /// Print-style exports repeat the header on every page: a row whose account and amount
    /// cells hold their own header names is a header again, not a line.
    fn is_repeated_header(&self, row: &[Data]) -> bool {
        let same = |field: &str| match self.hdr.col(field) {
            Some(c) => row
                .get(c)
                .is_some_and(|v| header::norm(&cell::text(v)) == self.hdr.names[c]),
            None => true,
        };
        (self.hdr.has("account_code") || self.hdr.has("account"))
            && same("account_code")
            && same("account")
            && same("debit")
            && same("amount")
    }

    fn column_label(&self, field: &str) -> String {
        match self.hdr.col(field) {
            Some(c) => format!(
                "{}（{}）",
                self.sheet.column_letter(c),
                self.hdr.names.get(c).cloned().unwrap_or_default()
            ),
            None => field.to_string(),
        }
    }

    /// The total/opening scope a row's words name, if any.
    fn keyword_scope(&self, row: &[Data]) -> Option<(String, String)> {
        let fields = [
            "summary",
            "date",
            "voucher",
            "account_name",
            "account",
            "account_code",
        ];
        let mut texts: Vec<String> = fields.iter().filter_map(|f| self.text(row, f)).collect();
        if let Some(first) = row.iter().find(|c| !cell::is_blank(c)) {
            texts.push(cell::text(first).to_string());
        }
        for t in texts {
            let n = header::norm(&t);
            let n = n.split(['(', '（']).next().unwrap_or("").to_string();
            if let Some(scope) = self.keywords.get(&n) {
                return Some((scope.clone(), t));
            }
        }
        None
    }

    fn debit_credit(&self, row: &[Data], rounded: &mut usize) -> Result<(Fen, Fen), Bad> {
        let mut amt = |field: &'static str| -> Result<Fen, Bad> {
            match self.cell(row, field) {
                None => Ok(Fen::ZERO),
                Some(c) => {
                    let a = cell::amount(c).map_err(|r| bad(field, r))?;
                    if a.rounded {
                        *rounded += 1;
                    }
                    Ok(a.fen)
                }
            }
        };
        if self.hdr.has("debit") && self.hdr.has("credit") {
            return Ok((amt("debit")?, amt("credit")?));
        }
        let a = amt("amount")?;
        let dir = self.text(row, "direction").unwrap_or_default();
        match dir.trim() {
            "借" | "借方" | "D" | "Dr" | "DR" | "1" => Ok((a, Fen::ZERO)),
            "贷" | "贷方" | "C" | "Cr" | "CR" | "-1" | "2" => Ok((Fen::ZERO, a)),
            "" if a.is_zero() => Ok((Fen::ZERO, Fen::ZERO)),
            "" => Err(bad("direction", "有金额但借贷方向为空")),
            other => Err(bad("direction", format!("借贷方向无法识别：“{other}”"))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn read(
        &self,
        rows: &[&[Data]],
        sr: &mut SheetReport,
        report: &mut FileReport,
        out: &mut LedgerLoad,
        sums: &mut Sums,
        unknown_accounts: &mut BTreeSet<String>,
    ) {
        let first = self.hdr.row + self.hdr.height;
        let mut current: Option<Current> = None;
        // Row number of a voucher's first line that was rejected: its continuation lines
        // cannot be placed and are rejected too, never attached to the voucher before it.
        let mut poisoned: Option<u32> = None;
        sums.sheet = (Fen::ZERO, Fen::ZERO);
        sums.segment = (Fen::ZERO, Fen::ZERO);
        for (i, row) in rows.iter().enumerate().skip(first) {
            let rownum = self.sheet.row_number(i);
            if row.iter().all(cell::is_blank) {
                sr.rows_skipped_blank += 1;
                continue;
            }
            if self.is_repeated_header(row) {
                sr.rows_skipped_header += 1;
                continue;
            }
            let has_account = self
                .cell(row, "account_code")
                .is_some_and(|c| !cell::is_blank(c))
                || self
                    .cell(row, "account")
                    .is_some_and(|c| !cell::is_blank(c));
            // Rows with an account are journal lines unless their 摘要 is itself a total or
            // opening word (明细账 style); only account-less rows get the full scan.
            let scope = if has_account {
                self.text(row, "summary").and_then(|t| {
                    self.keywords
                        .get(&header::norm(&t))
                        .map(|sc| (sc.clone(), t))
                })
            } else {
                self.keyword_scope(row)
            };
            if let Some((scope, label)) = scope {
                if scope == "opening" {
                    if !has_account {
                        sr.rows_rejected += 1;
                        report.reject(
                            &self.sheet.name,
                            rownum,
                            &self.column_label("account_code"),
                            format!("期初行“{label}”没有科目，无法归属"),
                        );
                        continue;
                    }
                    match self.opening(
                        row,
                        rownum,
                        &label,
                        current.as_ref(),
                        &mut report.amounts_rounded,
                    ) {
                        Ok(ob) => {
                            sr.rows_opening += 1;
                            out.opening.push(ob);
                        }
                        Err(b) => {
                            sr.rows_rejected += 1;
                            report.reject(
                                &self.sheet.name,
                                rownum,
                                &self.column_label(b.field),
                                b.reason,
                            );
                        }
                    }
                    continue;
                }
                let mut ignored = 0;
                let has_dc = self.hdr.has("debit") && self.hdr.has("credit");
                let figures_read = if has_dc {
                    self.debit_credit(row, &mut ignored)
                } else {
                    // 方向+金额 layouts: a total row states one figure, compared with the debits.
                    self.cell(row, "amount")
                        .map(cell::amount)
                        .transpose()
                        .map(|a| (a.map(|a| a.fen).unwrap_or_default(), Fen::ZERO))
                        .map_err(|r| bad("amount", r))
                };
                match figures_read {
                    Ok((d, c)) => {
                        sr.rows_skipped_total += 1;
                        let loaded = match scope.as_str() {
                            "voucher" => sums.voucher,
                            "segment" => sums.segment,
                            "month" => current
                                .as_ref()
                                .and_then(|c| sums.per_period.get(&(c.year, c.period)).copied())
                                .unwrap_or_default(),
                            "year_to_date" => current
                                .as_ref()
                                .map(|cur| {
                                    sums.per_period
                                        .range((cur.year, 0)..=(cur.year, cur.period))
                                        .fold((Fen::ZERO, Fen::ZERO), |a, (_, v)| {
                                            (a.0 + v.0, a.1 + v.1)
                                        })
                                })
                                .unwrap_or_default(),
                            _ => sums.sheet,
                        };
                        let mut figures = Vec::new();
                        if has_dc {
                            figures.push(TotalFigure {
                                field: "debit".into(),
                                stated: d,
                                loaded: loaded.0,
                            });
                            figures.push(TotalFigure {
                                field: "credit".into(),
                                stated: c,
                                loaded: loaded.1,
                            });
                        } else {
                            let stated = d + c;
                            figures.push(TotalFigure {
                                field: "debit".into(),
                                stated,
                                loaded: loaded.0,
                            });
                        }
                        let matches = figures.iter().all(|f| f.stated == f.loaded);
                        report.totals_checked.push(TotalCheck {
                            sheet: self.sheet.name.clone(),
                            row: rownum,
                            label: label.clone(),
                            scope: scope_label(&scope).to_string(),
                            figures,
                            matches,
                        });
                        if scope != "voucher" {
                            sums.segment = (Fen::ZERO, Fen::ZERO);
                        }
                    }
                    Err(b) => {
                        sr.rows_rejected += 1;
                        report.reject(
                            &self.sheet.name,
                            rownum,
                            &self.column_label(b.field),
                            format!("合计行“{label}”的金额无法读取：{}", b.reason),
                        );
                    }
                }
                continue;
            }
            if !has_account {
                sr.rows_rejected += 1;
                report.reject(
                    &self.sheet.name,
                    rownum,
                    &self.column_label(if self.hdr.has("account_code") {
                        "account_code"
                    } else {
                        "account"
                    }),
                    "科目编码为空，且不是合计行或期初行",
                );
                continue;
            }
            let own_voucher =
                self.text(row, "voucher").is_some() || self.text(row, "voucher_number").is_some();
            if !own_voucher {
                if let Some(first) = poisoned {
                    sr.rows_rejected += 1;
                    report.reject(
                        &self.sheet.name,
                        rownum,
                        &self.column_label("voucher"),
                        format!(
                            "所属凭证的首行（第 {first} 行）已拒收，无法确定本行的凭证号和日期"
                        ),
                    );
                    continue;
                }
            }
            let id = match self.identity(row, current.as_ref()) {
                Ok(id) => id,
                Err(b) => {
                    poisoned = Some(rownum);
                    sr.rows_rejected += 1;
                    report.reject(
                        &self.sheet.name,
                        rownum,
                        &self.column_label(b.field),
                        b.reason,
                    );
                    continue;
                }
            };
            poisoned = None;
            let same_voucher = current.as_ref().is_some_and(|c| c.same_voucher(&id));
            if !same_voucher {
                sums.voucher = (Fen::ZERO, Fen::ZERO);
            }
            let result = self.line(
                row,
                rownum,
                &id,
                &mut report.amounts_rounded,
                unknown_accounts,
            );
            // The voucher context moves on even when the rest of the row is bad, so the
            // lines below still belong to the right voucher.
            current = Some(id);
            match result {
                Ok(line) => {
                    add(&mut sums.voucher, line.debit, line.credit);
                    add(&mut sums.segment, line.debit, line.credit);
                    add(&mut sums.sheet, line.debit, line.credit);
                    add(
                        sums.per_period.entry((line.year, line.period)).or_default(),
                        line.debit,
                        line.credit,
                    );
                    sr.rows_loaded += 1;
                    out.lines.push(line);
                }
                Err(b) => {
                    sr.rows_rejected += 1;
                    report.reject(
                        &self.sheet.name,
                        rownum,
                        &self.column_label(b.field),
                        b.reason,
                    );
                }
            }
        }
    }

    fn entity(&self, row: &[Data]) -> String {
        self.sheet_entity
            .clone()
            .or_else(|| self.text(row, "entity"))
            .unwrap_or_else(|| self.fallback_entity.clone())
    }

    fn account(&self, row: &[Data]) -> Result<(String, String), Bad> {
        if self.hdr.has("account_code") {
            let code = self
                .cell(row, "account_code")
                .map(cell::code)
                .transpose()
                .map_err(|r| bad("account_code", r))?
                .unwrap_or_default();
            let name = self.text(row, "account_name").unwrap_or_default();
            if code.is_empty() {
                return Err(bad("account_code", "科目编码为空"));
            }
            return Ok((code, name));
        }
        let raw = self.text(row, "account").unwrap_or_default();
        let (code, name) = cell::split_code_name(&raw);
        if code.is_empty() {
            return Err(bad(
                "account",
                format!("“{raw}”中没有科目编码（凭证应同时填列编号和名称）"),
            ));
        }
        Ok((code, name))
    }

    fn date_and_period(
        &self,
        row: &[Data],
        current: Option<&Current>,
        same_voucher: bool,
    ) -> Result<(NaiveDate, i32, u32), Bad> {
        let date = if self.hdr.has("date") {
            self.cell(row, "date")
                .map(cell::date)
                .transpose()
                .map_err(|r| bad("date", r))?
                .flatten()
        } else if self.hdr.has("month") && self.hdr.has("day") {
            let m = self
                .cell(row, "month")
                .map(cell::int)
                .transpose()
                .map_err(|r| bad("month", r))?
                .flatten();
            let d = self
                .cell(row, "day")
                .map(cell::int)
                .transpose()
                .map_err(|r| bad("day", r))?
                .flatten();
            let y = self
                .cell(row, "year")
                .map(cell::int)
                .transpose()
                .map_err(|r| bad("year", r))?
                .flatten()
                .or(self.title_year.map(i64::from));
            match (y, m, d) {
                (_, None, None) => None,
                (Some(y), Some(m), Some(d)) => Some(
                    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
                        .ok_or_else(|| bad("day", format!("日期不存在：{y}年{m}月{d}日")))?,
                ),
                (None, _, _) => {
                    return Err(bad("year", "有月、日而无年份：标题行和列中都没有年度"))
                }
                _ => return Err(bad("day", "月、日不全")),
            }
        } else {
            None
        };
        let date = match (date, current) {
            (Some(d), _) => d,
            (None, Some(c)) => c.date,
            (None, None) => return Err(bad("date", "日期为空，且上方没有可承接的行")),
        };
        let explicit_period = if self.hdr.has("period") {
            self.cell(row, "period")
                .map(cell::int)
                .transpose()
                .map_err(|r| bad("period", r))?
                .flatten()
        } else {
            None
        };
        let period = match explicit_period {
            Some(p) => p,
            None if same_voucher => current
                .map(|c| c.period as i64)
                .unwrap_or(date.month() as i64),
            None if self.hdr.has("month") && !self.hdr.has("date") => date.month() as i64,
            None => date.month() as i64,
        };
        if !(1..=16).contains(&period) {
            return Err(bad(
                "period",
                format!("会计期间应为 1–12（调整期至 16），实为 {period}"),
            ));
        }
        Ok((date, date.year(), period as u32))
    }

    /// Which voucher a row belongs to: its own voucher cell(s), or the voucher of the line
    /// above (filled down), with date, period and line number.
    fn identity(&self, row: &[Data], current: Option<&Current>) -> Result<Current, Bad> {
        let entity = self.entity(row);
        let voucher_text = self.text(row, "voucher");
        let number_text = self.text(row, "voucher_number");
        let parsed = match (voucher_text, number_text) {
            (Some(v), _) => Some(voucher::parse_voucher_no(&v).map_err(|r| bad("voucher", r))?),
            (None, Some(n)) => {
                Some(voucher::parse_voucher_no(&n).map_err(|r| bad("voucher_number", r))?)
            }
            (None, None) => None,
        };
        let (kind, number, continued) = match parsed {
            Some((k, n)) => {
                let k = if k.is_empty() {
                    self.text(row, "voucher_kind")
                        .map(|k| voucher::normalize_kind(&k))
                        .unwrap_or_else(|| "记".to_string())
                } else {
                    k
                };
                let cont =
                    current.is_some_and(|c| c.kind == k && c.number == n && c.entity == entity);
                (k, n, cont)
            }
            None => match current {
                Some(c) => (c.kind.clone(), c.number, true),
                None => return Err(bad("voucher", "凭证号为空，且上方没有可承接的凭证")),
            },
        };
        let (date, year, period) = self.date_and_period(row, current, continued)?;
        let line_no = match self
            .cell(row, "line_no")
            .map(cell::int)
            .transpose()
            .map_err(|r| bad("line_no", r))?
            .flatten()
        {
            Some(n) if n > 0 => n as u32,
            Some(n) => return Err(bad("line_no", format!("分录号应为正整数，实为 {n}"))),
            None if continued => current.map(|c| c.line_no + 1).unwrap_or(1),
            None => 1,
        };

        Ok(Current {
            kind,
            number,
            date,
            year,
            period,
            line_no,
            entity,
        })
    }

    fn line(
        &self,
        row: &[Data],
        rownum: u32,
        id: &Current,
        rounded: &mut usize,
        unknown: &mut BTreeSet<String>,
    ) -> Result<LedgerLine, Bad> {
        let (account_code, account_name) = self.account(row)?;
        let (debit, credit) = self.debit_credit(row, rounded)?;
        let system = self.text(row, "accounting_system");
        let chart = match &system {
            Some(s) => self
                .charts
                .find(s)
                .ok_or_else(|| bad("accounting_system", format!("会计制度“{s}”没有内置科目表")))?,
            None => self.default_chart,
        };
        let (basis, account_l1) = match chart.first_level(&account_code) {
            Some((_, acc)) => (acc.basis.clone(), Some(acc.name.clone())),
            None => {
                unknown.insert(account_code.chars().take(chart.code_length).collect());
                ("未知".to_string(), None)
            }
        };

        // Auxiliary fields: explicit columns first, then the 辅助项 cell fills what is missing.
        let aux = self
            .text(row, "aux")
            .map(|t| parse_aux(&t, &self.profile.aux_keys))
            .unwrap_or_default();
        let pick = |field: &str| {
            self.text(row, field)
                .or_else(|| aux.fields.get(field).cloned())
        };
        let classification = |combined: &str, code: &str, name: &str| -> Classification {
            let (mut c, mut n) = (self.text(row, code), self.text(row, name));
            if c.is_none() && n.is_none() {
                if let Some(raw) = pick(combined) {
                    let (cc, nn) = cell::split_code_name(&raw);
                    c = Some(cc).filter(|s| !s.is_empty());
                    n = Some(nn).filter(|s| !s.is_empty());
                }
            }
            Classification { code: c, name: n }
        };
        let attachments = self
            .cell(row, "attachments")
            .map(cell::int)
            .transpose()
            .map_err(|r| bad("attachments", r))?
            .flatten();
        let status = self
            .text(row, "status")
            .map(|s| status_of(&s, &self.profile.status_words))
            .unwrap_or_else(|| STATUS_NORMAL.to_string());

        Ok(LedgerLine {
            entity: id.entity.clone(),
            book: self.text(row, "book").or_else(|| self.book.clone()),
            accounting_system: chart.name.clone(),
            basis,
            year: id.year,
            period: id.period,
            voucher_kind: id.kind.clone(),
            voucher_number: id.number,
            line_no: id.line_no,
            date: id.date,
            summary: self.text(row, "summary").unwrap_or_default(),
            account_code,
            account_name,
            account_l1,
            debit,
            credit,
            department: pick("department"),
            project: pick("project"),
            counterparty: pick("counterparty"),
            econ: classification("econ", "econ_code", "econ_name"),
            func: classification("func", "func_code", "func_name"),
            fund_source: pick("fund_source"),
            settlement: pick("settlement"),
            payee_account: self.text(row, "payee_account"),
            preparer: self.text(row, "preparer"),
            reviewer: self.text(row, "reviewer"),
            poster: self.text(row, "poster"),
            attachments: attachments.map(|a| a as i32),
            status,
            aux_other: aux.other,
            source: Source {
                file: self.file.clone(),
                sheet: self.sheet.name.clone(),
                row: rownum,
            },
        })
    }

    fn opening(
        &self,
        row: &[Data],
        rownum: u32,
        label: &str,
        current: Option<&Current>,
        rounded: &mut usize,
    ) -> Result<OpeningBalance, Bad> {
        let (account_code, account_name) = self.account(row)?;
        let (d, c) = self.debit_credit(row, rounded)?;
        let year = current
            .map(|c| c.year)
            .or(self.title_year)
            .or_else(|| {
                self.cell(row, "date")
                    .and_then(|c| cell::date(c).ok().flatten())
                    .map(|d| d.year())
            })
            .ok_or_else(|| bad("date", "期初行无法确定年度"))?;
        let aux = self
            .text(row, "aux")
            .map(|t| parse_aux(&t, &self.profile.aux_keys))
            .unwrap_or_default();
        Ok(OpeningBalance {
            entity: self.entity(row),
            book: self.text(row, "book").or_else(|| self.book.clone()),
            year,
            account_code,
            account_name,
            counterparty: self
                .text(row, "counterparty")
                .or_else(|| aux.fields.get("counterparty").cloned()),
            balance: d - c,
            label: label.to_string(),
            source: Source {
                file: self.file.clone(),
                sheet: self.sheet.name.clone(),
                row: rownum,
            },
        })
    }
}

#[derive(Default)]
pub struct Aux {
    pub fields: BTreeMap<String, String>,
    pub other: Option<String>,
}

/// `【部门:办公室】【项目:就业补助】【经济分类:30201 办公费】` → fields; unknown keys kept in `other`.
pub fn parse_aux(text: &str, keys: &BTreeMap<String, Vec<String>>) -> Aux {
    let mut aux = Aux::default();
    let mut other = Vec::new();
    let t = text.replace('：', ":");
    for seg in t.split(['【', '】', '[', ']', ';', '；', '|', '\n']) {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let Some((k, v)) = seg.split_once(':') else {
            other.push(seg.to_string());
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        let field = keys
            .iter()
            .find(|(_, names)| names.iter().any(|n| n == k))
            .map(|(f, _)| f.clone());
        match field {
            Some(f) if !v.is_empty() => {
                aux.fields.entry(f).or_insert_with(|| v.to_string());
            }
            Some(_) => {}
            None => other.push(format!("{k}:{v}")),
        }
    }
    if !other.is_empty() {
        aux.other = Some(other.join("; "));
    }
    aux
}

fn status_of(raw: &str, words: &BTreeMap<String, Vec<String>>) -> String {
    for (status, ws) in words {
        if ws.iter().any(|w| raw.contains(w.as_str())) {
            return status.clone();
        }
    }
    STATUS_NORMAL.to_string()
}

/// Debits must equal credits per voucher and per basis (财务会计 and 预算会计 each balance).
fn check_balance(lines: &[LedgerLine], report: &mut FileReport) {
    // Keys borrow from the lines: no allocation per line on a million-line ledger.
    type Key<'a> = (&'a str, Option<&'a str>, i32, u32, &'a str, u32);
    fn key(l: &LedgerLine) -> Key<'_> {
        let book = l.book.as_deref();
        (
            &l.entity,
            book,
            l.year,
            l.period,
            &l.voucher_kind,
            l.voucher_number,
        )
    }
    let mut sums: BTreeMap<(Key, &str), (Fen, Fen)> = BTreeMap::new();
    for l in lines {
        let e = sums.entry((key(l), l.basis.as_str())).or_default();
        e.0 += l.debit;
        e.1 += l.credit;
    }
    report.vouchers = sums.keys().map(|(k, _)| k).collect::<BTreeSet<_>>().len();
    for (((entity, _, year, period, kind, number), basis), (d, c)) in sums {
        if d != c {
            report.vouchers_unbalanced.push(Unbalanced {
                voucher: VoucherId::new(entity, year, period, kind, number).with_entity(),
                basis: basis.to_string(),
                debit: d,
                credit: c,
                difference: d - c,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aux_cell_splits_into_fields() {
        let keys: BTreeMap<String, Vec<String>> = [
            ("department".to_string(), vec!["部门".to_string()]),
            ("econ".to_string(), vec!["经济分类".to_string()]),
        ]
        .into_iter()
        .collect();
        let a = parse_aux("【部门:办公室】【经济分类:30201 办公费】【其他:x】", &keys);
        assert_eq!(a.fields["department"], "办公室");
        assert_eq!(a.fields["econ"], "30201 办公费");
        assert_eq!(a.other.as_deref(), Some("其他:x"));
    }
}
