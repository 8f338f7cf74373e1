//! The rows of one ledger sheet, as the shared loop (`load/sheets.rs`) hands them over after
//! skipping blank and unreadable rows: repeated headers, total rows (checked against
//! the loaded lines in their scope), opening rows, and journal lines, with the voucher context
//! carried from line to line (fill-down) and never lent across a rejected first line.

use super::cell;
use super::chart::{Chart, Charts};
use super::header::{self, f, Field, Header};
use super::model::{Interner, SharedStr};
use super::profile::Profile;
use super::read::LedgerLoad;
use crate::load::formats::workbook::Sheet;
use crate::load::report::{FileReport, TotalCheck, TotalFigure};
use crate::load::sheets::{Row, RowOutcome};
use crate::model::money::Fen;
use calamine::Data;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Running sums the total rows are checked against.
#[derive(Default)]
pub(super) struct Sums {
    pub(super) voucher: (Fen, Fen),
    pub(super) segment: (Fen, Fen),
    /// Since the last page total (本页合计) or carried line (过次页/承前页): a page's lines.
    pub(super) page: (Fen, Fen),
    pub(super) sheet: (Fen, Fen),
    pub(super) per_period: BTreeMap<(i32, u32), (Fen, Fen)>,
}

pub(super) fn add(a: &mut (Fen, Fen), d: Fen, c: Fen) {
    a.0 += d;
    a.1 += c;
}

/// The voucher a line belongs to; the previous line's, for filling down.
#[derive(Clone)]
pub(super) struct Current {
    /// Shared with the lines above of the same voucher: one allocation per voucher, not
    /// per line.
    pub(super) kind: SharedStr,
    pub(super) number: u32,
    pub(super) date: NaiveDate,
    pub(super) year: i32,
    pub(super) period: u32,
    pub(super) line_no: u32,
    pub(super) entity: SharedStr,
    /// The voucher number as the export wrote it (`记-0005`), for evidence; shared like
    /// `kind`.
    pub(super) text: SharedStr,
}

impl Current {
    pub(super) fn same_voucher(&self, o: &Current) -> bool {
        self.kind == o.kind
            && self.number == o.number
            && self.period == o.period
            && self.year == o.year
            && self.date == o.date
            && self.entity == o.entity
    }
}

fn scope_label(scope: &str) -> &'static str {
    match scope {
        "voucher" => "凭证",
        "segment" => "小计段",
        "page" => "本页",
        "month" => "本月",
        "year_to_date" => "本年累计",
        "sheet" => "全表",
        "carried" => "承前过次",
        _ => "期初",
    }
}

pub(super) struct SheetReader<'a> {
    pub(super) sheet: &'a Sheet,
    pub(super) hdr: Header,
    pub(super) profile: &'a Profile,
    pub(super) keywords: BTreeMap<String, String>,
    pub(super) title_year: Option<i32>,
    /// The year the engagement (or `--year`) gives, for dates without one when the title,
    /// the sheet name and the file name state none.
    pub(super) given_year: Option<i32>,
    /// The year of undated 期初 rows above the first line: `title_year`, else the year of
    /// the sheet's first dated line.
    pub(super) year_hint: Option<i32>,
    pub(super) sheet_entity: Option<SharedStr>,
    pub(super) fallback_entity: SharedStr,
    pub(super) book: Option<String>,
    pub(super) charts: &'a Charts,
    pub(super) default_chart: &'a Chart,
    pub(super) file: SharedStr,
    /// The sheet's name, shared by its lines' sources.
    pub(super) sheet_name: SharedStr,
    /// One shared value per distinct entity, system, basis, status and first-level name.
    pub(super) interner: Interner,
    /// The last voucher number text parsed and its result: a voucher's lines repeat it, and
    /// a row asks up to three times (title line? own voucher? identity); and what the
    /// chart says of each account code met ([`Memo`]).
    pub(super) voucher_memo: VoucherMemo,
    /// Bare numbers read as Excel date serials in the date column: how many, and the first
    /// (its value and the date it gave).
    pub(super) serials: std::cell::Cell<(usize, Option<(f64, NaiveDate)>)>,
    /// The voucher of the line above, for filling down.
    pub(super) current: Option<Current>,
    /// Row number of a voucher's first line that was rejected: its continuation lines
    /// cannot be placed and are rejected too, never attached to the voucher before it.
    pub(super) poisoned: Option<u32>,
    /// Unrecognised header columns and the missing field each most resembles
    /// (`diagnose::Diagnosis::unknown`): named in rejections on that field.
    pub(super) guesses: Vec<(usize, String)>,
    /// A 明细账 without a 科目 column: the account of the current block, from the section
    /// heading above it (`科目：5001 业务活动费用`), filled down until the next heading.
    pub(super) section: Option<String>,
}

/// The per-sheet memos of the row mapper (the name `VoucherMemo` kept for the reader's
/// construction in `read.rs`).
pub(super) type VoucherMemo = Memo;

/// What the row mapper remembers within a sheet, so repeated values are worked out once.
#[derive(Default)]
pub(super) struct Memo {
    /// The last voucher text parsed ([`SheetReader::voucher_no`]).
    voucher: std::cell::RefCell<Option<(String, ParsedVoucher)>>,
    /// Per chart (by address; a sheet has one, or one per 会计制度 in its column): the
    /// chart's name, and for each account code met, its basis and first-level name (`None`
    /// for a code not in the chart) — a chart lookup and two interned texts per line before.
    accounts: std::cell::RefCell<Vec<ChartMemo>>,
    /// `正常`, the status of a line without a status cell.
    normal: std::cell::OnceCell<SharedStr>,
}

/// A voucher number's kind and number, or why it reads as none.
type ParsedVoucher = Result<(SharedStr, u32), String>;

/// A chart's address and name, and what it says of each account code met.
type ChartMemo = (
    usize,
    SharedStr,
    std::collections::HashMap<String, Option<(SharedStr, SharedStr)>>,
);

/// A total or opening row's scope (`month`, `opening` …), its words as written, and the
/// year and month the words state.
pub(super) struct Scope {
    pub(super) scope: String,
    pub(super) label: String,
    pub(super) year: Option<i32>,
    pub(super) month: Option<u32>,
}

/// A row problem: which field, why.
pub(super) struct Bad {
    pub(super) field: &'static str,
    pub(super) reason: String,
}

pub(super) fn bad(field: &'static str, reason: impl Into<String>) -> Bad {
    Bad {
        field,
        reason: reason.into(),
    }
}

impl<'a> SheetReader<'a> {
    /// [`crate::model::voucher::parse_voucher_no`] of `raw`, remembered for the next call.
    /// The kind is shared: a voucher's lines repeat it.
    pub(super) fn voucher_no(&self, raw: &str) -> ParsedVoucher {
        let mut memo = self.voucher_memo.voucher.borrow_mut();
        if let Some((text, parsed)) = memo.as_ref() {
            if text == raw {
                return parsed.clone();
            }
        }
        let parsed =
            crate::model::voucher::parse_voucher_no(raw).map(|(k, n)| (self.interner.get(&k), n));
        match memo.as_mut() {
            // The memo's text buffer is reused.
            Some((text, p)) => {
                text.clear();
                text.push_str(raw);
                *p = parsed.clone();
            }
            None => *memo = Some((raw.to_string(), parsed.clone())),
        }
        parsed
    }

    /// Whether `raw` reads as a voucher number (as [`SheetReader::voucher_no`]).
    pub(super) fn is_voucher_no(&self, raw: &str) -> bool {
        {
            let memo = self.voucher_memo.voucher.borrow();
            if let Some((text, parsed)) = memo.as_ref() {
                if text == raw {
                    return parsed.is_ok();
                }
            }
        }
        self.voucher_no(raw).is_ok()
    }

    /// The chart's name, and the basis and first-level name `chart` gives `code` (`None` when
    /// the code is not in it), as shared texts; remembered per chart and code.
    pub(super) fn account_facts(
        &self,
        chart: &Chart,
        code: &str,
    ) -> (SharedStr, Option<(SharedStr, SharedStr)>) {
        let mut charts = self.voucher_memo.accounts.borrow_mut();
        let key = chart as *const Chart as usize;
        let i = match charts.iter().position(|c| c.0 == key) {
            Some(i) => i,
            None => {
                charts.push((key, self.interner.get(&chart.name), Default::default()));
                charts.len() - 1
            }
        };
        let (_, name, codes) = &mut charts[i];
        let facts = match codes.get(code) {
            Some(f) => f.clone(),
            None => {
                let f = chart
                    .first_level(code)
                    .map(|(_, acc)| (self.interner.get(&acc.basis), self.interner.get(&acc.name)));
                codes.insert(code.to_string(), f.clone());
                f
            }
        };
        (name.clone(), facts)
    }

    /// `正常`, shared.
    pub(super) fn status_normal(&self) -> SharedStr {
        self.voucher_memo
            .normal
            .get_or_init(|| self.interner.get(super::model::STATUS_NORMAL))
            .clone()
    }

    /// A row's cell in `field`'s column (found by its slot).
    #[inline]
    pub(super) fn cell<'r>(&self, row: &'r [Data], field: Field) -> Option<&'r Data> {
        self.hdr.cell_of(row, field)
    }

    /// A row's text in `field`'s column, owned: for values a line stores.
    #[inline]
    pub(super) fn text(&self, row: &[Data], field: Field) -> Option<String> {
        self.str(row, field).map(Cow::into_owned)
    }

    /// A row's text in `field`'s column, borrowed from the cell when it is text: for values
    /// only inspected, parsed or compared. `None` when the column is missing or blank.
    #[inline]
    pub(super) fn str<'r>(&self, row: &'r [Data], field: Field) -> Option<Cow<'r, str>> {
        self.hdr.str_of(row, field)
    }

    /// Whether the header maps `field`.
    #[inline]
    pub(super) fn has(&self, field: Field) -> bool {
        self.hdr.col_of(field).is_some()
    }

    /// Whether the row's text in `field`'s column is non-blank (`str(..).is_some()` without
    /// building a number's text).
    #[inline]
    pub(super) fn has_text(&self, row: &[Data], field: Field) -> bool {
        match self.cell(row, field) {
            None => false,
            Some(Data::String(s)) => !s.trim().is_empty(),
            Some(Data::Int(_) | Data::Float(_)) => true,
            Some(c) => !cell::text(c).is_empty(),
        }
    }

    /// A 明细账 section heading naming the account of the rows below: keyed (`科目：…`), or a
    /// lone `[5001]业务活动费用` whose code is an account of the chart; never a row with an
    /// amount or a voucher number.
    pub(super) fn section_heading(&self, row: &[Data]) -> Option<String> {
        let s = header::section_heading(row, &self.profile.title)?;
        let no_amount = |k: Field| {
            self.cell(row, k)
                .is_none_or(|c| cell::amount(c).map_or(true, |a| a.fen.is_zero()))
        };
        let no_voucher = self
            .str(row, f::VOUCHER)
            .is_none_or(|v| !self.is_voucher_no(&v));
        if !(no_amount(f::DEBIT) && no_amount(f::CREDIT) && no_amount(f::AMOUNT) && no_voucher) {
            return None;
        }
        if !s.keyed {
            // Unkeyed, the code must be an account of the chart, and the text either
            // bracketed (`[5001]…`) or named as the chart names it (`5001 业务活动费用…`):
            // `2001年补发工资` alone in a row is a 摘要, not 2001 短期借款.
            let (code, name) = cell::split_code_name(&s.text);
            let (_, acc) = self.default_chart.first_level(&code)?;
            let bracketed = s.text.trim_start().starts_with(['[', '【', '〔']);
            if !bracketed && !name.starts_with(acc.name.as_str()) {
                return None;
            }
        }
        Some(s.text)
    }

    /// Print-style exports repeat the header on every page: a row whose account and amount
    /// cells hold their own header names is a header again, not a line.
    pub(super) fn is_repeated_header(&self, row: &[Data]) -> bool {
        if !self.hdr.has_account_col() {
            // A 明细账 with its account in section headings repeats its header per block.
            let fields = [
                f::DATE,
                f::VOUCHER,
                f::SUMMARY,
                f::DEBIT,
                f::CREDIT,
                f::AMOUNT,
            ];
            let present = fields.iter().filter_map(|k| self.hdr.col_of(*k));
            return present.clone().count() >= 2
                && present
                    .into_iter()
                    .all(|c| row.get(c).is_some_and(|v| self.hdr.repeats_name(v, c)));
        }
        let same = |field: Field| match self.hdr.col_of(field) {
            Some(c) => row.get(c).is_some_and(|v| self.hdr.repeats_name(v, c)),
            None => true,
        };
        same(f::ACCOUNT_CODE)
            && same(f::ACCOUNT_NAME)
            && same(f::ACCOUNT)
            && same(f::DEBIT)
            && same(f::AMOUNT)
    }

    /// A title or footer line among the data (a printed page's repeated title, 制表人/审核人,
    /// 第 2 页): no voucher number, no amount, every cell a title fact, heading or page marker.
    fn is_title_or_footer(&self, row: &[Data]) -> bool {
        // Cells in these columns may hold title text (a title spans the columns), but never a
        // voucher number or an amount.
        let no_voucher = |k: Field| self.str(row, k).is_none_or(|v| !self.is_voucher_no(&v));
        let no_amount = |k: Field| {
            self.cell(row, k)
                .is_none_or(|c| cell::amount(c).map_or(true, |a| a.fen.is_zero()))
        };
        no_voucher(f::VOUCHER)
            && no_voucher(f::VOUCHER_NUMBER)
            && no_amount(f::DEBIT)
            && no_amount(f::CREDIT)
            && no_amount(f::AMOUNT)
            && header::is_title_line(row, &self.profile.title)
    }

    /// A rejected row, its column named as the report shows it. When the header lacks the
    /// field but an unrecognised column resembles it, that column is named, and why.
    fn reject(&self, field: &str, reason: impl Into<String>) -> RowOutcome {
        if !self.hdr.has(field) {
            let label = super::diagnose::field_label(field);
            if let Some(&(c, _)) = self.guesses.iter().find(|g| g.1 == label) {
                return RowOutcome::rejected(
                    self.hdr.label_at(self.sheet, c),
                    format!(
                        "{}（表头没有可识别的“{label}”列；此列可能就是，映射方案未识别其列名）",
                        reason.into()
                    ),
                );
            }
        }
        RowOutcome::rejected(self.column_label(field), reason)
    }

    pub(super) fn column_label(&self, field: &str) -> String {
        self.hdr.label(self.sheet, field)
    }

    /// The total/opening scope a row's words name, if any: the scope, the text as written,
    /// and the year and month the words state (`2023年1月合计`).
    pub(super) fn keyword_scope(&self, row: &[Data]) -> Option<Scope> {
        let fields = [
            f::SUMMARY,
            f::DATE,
            f::VOUCHER,
            f::ACCOUNT_NAME,
            f::ACCOUNT,
            f::ACCOUNT_CODE,
        ];
        fields
            .iter()
            .filter_map(|k| self.str(row, *k))
            .chain(row.iter().find(|c| !cell::is_blank(c)).map(cell::text))
            .find_map(|t| self.scope_of(&t))
    }

    fn scope_of(&self, t: &str) -> Option<Scope> {
        Profile::total_scope(&self.keywords, t).map(|(scope, year, month)| Scope {
            scope,
            label: t.to_string(),
            year,
            month,
        })
    }

    /// One non-blank row below the header: a repeated header, a total row (checked against the
    /// loaded lines in its scope), an opening row, or a journal line.
    pub(super) fn row(
        &mut self,
        r: Row<'_>,
        report: &mut FileReport,
        out: &mut LedgerLoad,
        sums: &mut Sums,
        unknown_accounts: &mut BTreeSet<String>,
    ) -> RowOutcome {
        let (row, rownum) = (r.cells, r.number);
        if self.is_repeated_header(row) {
            return RowOutcome::Header;
        }
        if !self.hdr.has_account_col() {
            if let Some(s) = self.section_heading(row) {
                // A new block: its lines, openings and totals belong to this account alone.
                self.section = Some(s);
                self.current = None;
                self.poisoned = None;
                *sums = Sums::default();
                return RowOutcome::Header;
            }
        }
        if self.is_title_or_footer(row) {
            return RowOutcome::Header;
        }
        // An account code, a 科目 cell, or a 科目名称 that is no total or opening word (a name
        // path resolved through the chart).
        let filled = |k: Field| self.cell(row, k).is_some_and(|c| !cell::is_blank(c));
        let has_account = filled(f::ACCOUNT_CODE)
            || filled(f::ACCOUNT)
            || self.section.is_some()
            || self
                .str(row, f::ACCOUNT_NAME)
                .is_some_and(|n| self.scope_of(&n).is_none());
        let own_voucher = self
            .str(row, f::VOUCHER)
            .or_else(|| self.str(row, f::VOUCHER_NUMBER))
            .is_some_and(|v| self.is_voucher_no(&v));
        // Rows with an account are journal lines unless their 摘要 is itself a total or
        // opening word (明细账 style); only account-less rows get the full scan. A row with an
        // account and its own voucher number is a line whatever its 摘要 says.
        let scope = if has_account && own_voucher {
            None
        } else if has_account {
            self.str(row, f::SUMMARY).and_then(|t| self.scope_of(&t))
        } else {
            self.keyword_scope(row)
        };
        if let Some(Scope {
            scope,
            label,
            year: stated_year,
            month: stated_month,
        }) = scope
        {
            if scope == "opening" {
                if !has_account {
                    // A 期初 row with no account (a 日记账's or a sheet's opening line) cannot be
                    // attributed: recognised and skipped, with a warning, never a rejection.
                    report.warnings.push(format!(
                        "工作表“{}”第 {rownum} 行“{label}”是期初行但没有科目，未作为期初余额载入",
                        self.sheet.name
                    ));
                    return RowOutcome::Total;
                }
                match self.opening(
                    row,
                    rownum,
                    &label,
                    stated_year,
                    self.current.as_ref(),
                    &mut report.amounts_rounded,
                ) {
                    Ok(ob) => {
                        out.opening.push(ob);
                        return RowOutcome::Opening;
                    }
                    Err(b) => {
                        return self.reject(b.field, b.reason);
                    }
                }
            }
            let mut ignored = 0;
            let has_dc = self.has(f::DEBIT) && self.has(f::CREDIT);
            let figures_read = if has_dc {
                self.debit_credit(row, &mut ignored)
            } else {
                // 方向+金额 layouts: a total row states one figure, compared with the debits.
                self.cell(row, f::AMOUNT)
                    .map(cell::amount)
                    .transpose()
                    .map(|a| (a.map(|a| a.fen).unwrap_or_default(), Fen::ZERO))
                    .map_err(|r| bad("amount", r))
            };
            return match figures_read {
                Ok((d, c)) => {
                    let loaded = match scope.as_str() {
                        "voucher" => sums.voucher,
                        "segment" => sums.segment,
                        "page" => sums.page,
                        "month" => {
                            // The month the words name (`3月合计`), else the current one.
                            let year = stated_year.or(self.current.as_ref().map(|c| c.year));
                            let period = stated_month.or(self.current.as_ref().map(|c| c.period));
                            match (year, period) {
                                (Some(y), Some(p)) => {
                                    sums.per_period.get(&(y, p)).copied().unwrap_or_default()
                                }
                                _ => Default::default(),
                            }
                        }
                        "year_to_date" => {
                            // Up to the current period (or the month the words name); a
                            // year the words name other than the current one, all of it.
                            let cur = self.current.as_ref().map(|c| (c.year, c.period));
                            let year = stated_year.or(cur.map(|c| c.0));
                            let upto = match (stated_month, cur) {
                                (Some(m), _) => m,
                                (None, Some((y, p))) if Some(y) == year => p,
                                _ => 16,
                            };
                            year.map(|y| {
                                sums.per_period
                                    .range((y, 0)..=(y, upto))
                                    .fold((Fen::ZERO, Fen::ZERO), |a, (_, v)| {
                                        (a.0 + v.0, a.1 + v.1)
                                    })
                            })
                            .unwrap_or_default()
                        }
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
                    if scope == "page" || scope == "carried" {
                        sums.page = (Fen::ZERO, Fen::ZERO);
                    }
                    RowOutcome::Total
                }
                Err(b) => self.reject(
                    b.field,
                    format!("合计行“{label}”的金额无法读取：{}", b.reason),
                ),
            };
        }
        if !has_account && !self.hdr.has_account_col() {
            // A section-headed 明细账: a line above the first heading has no account.
            return self.reject(
                "account",
                "表中没有科目列，此行上方也没有“科目：…”一类的科目标题行",
            );
        }
        if !has_account {
            return self.reject(
                if self.has(f::ACCOUNT_CODE) {
                    "account_code"
                } else if self.has(f::ACCOUNT) {
                    "account"
                } else {
                    "account_name"
                },
                "科目编码为空，且不是合计行或期初行",
            );
        }
        let own_voucher = self.has_text(row, f::VOUCHER) || self.has_text(row, f::VOUCHER_NUMBER);
        if !own_voucher {
            if let Some(first) = self.poisoned {
                return self.reject(
                    "voucher",
                    format!("所属凭证的首行（第 {first} 行）已拒收，无法确定本行的凭证号和日期"),
                );
            }
        }
        let id = match self.identity(row, self.current.as_ref()) {
            Ok(id) => id,
            Err(b) => {
                self.poisoned = Some(rownum);
                return self.reject(b.field, b.reason);
            }
        };
        self.poisoned = None;
        let same_voucher = self.current.as_ref().is_some_and(|c| c.same_voucher(&id));
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
        self.current = Some(id);
        match result {
            Ok(line) => {
                add(&mut sums.voucher, line.debit, line.credit);
                add(&mut sums.segment, line.debit, line.credit);
                add(&mut sums.page, line.debit, line.credit);
                add(&mut sums.sheet, line.debit, line.credit);
                add(
                    sums.per_period.entry((line.year, line.period)).or_default(),
                    line.debit,
                    line.credit,
                );
                out.lines.push(&line);
                RowOutcome::Loaded
            }
            Err(b) => self.reject(b.field, b.reason),
        }
    }
}

/// Vouchers of one workbook whose lines stand on more than one sheet — a copied or hidden
/// backup sheet (`序时账(备份)`) loads every voucher twice, merged into one voucher of double
/// amounts that still balances. The voucher's identity is the file's, so this cannot split
/// them; it warns, naming the sheets and the first vouchers, so the copy is removed before
/// the books are read. (A voucher continued on the next sheet at a sheet's row limit is named
/// too: the warning says so.) Lines are stored sheet by sheet in the report's order, so each
/// line's sheet is known from the sheets' loaded-row counts; nothing is checked when those do
/// not add up to the lines.
pub(super) fn vouchers_on_several_sheets(out: &LedgerLoad, report: &mut FileReport) {
    let loaded: Vec<(usize, &str)> = report
        .sheets
        .iter()
        .filter(|s| s.rows_loaded > 0)
        .map(|s| (s.rows_loaded, s.sheet.as_str()))
        .collect();
    if loaded.len() < 2 || loaded.iter().map(|s| s.0).sum::<usize>() != out.lines.len() {
        return;
    }
    type Key<'a> = (&'a str, i32, u32, &'a str, u32, NaiveDate);
    let mut first: std::collections::HashMap<Key<'_>, usize> = std::collections::HashMap::new();
    let mut found: BTreeMap<(usize, usize), (usize, Vec<String>)> = BTreeMap::new();
    let mut seen: BTreeSet<(Key<'_>, usize)> = BTreeSet::new();
    let (mut sheet, mut left) = (0usize, loaded[0].0);
    let mut previous: Option<(Key<'_>, usize)> = None;
    for l in out.lines.iter() {
        while left == 0 {
            sheet += 1;
            left = loaded[sheet].0;
        }
        left -= 1;
        // The entity by its text: shared-text ids are numbered per store block.
        let key: Key<'_> = (
            l.entity(),
            l.year(),
            l.period(),
            l.voucher_kind(),
            l.voucher_number(),
            l.date(),
        );
        // A voucher's lines mostly follow each other: one look-up per run.
        if previous == Some((key, sheet)) {
            continue;
        }
        previous = Some((key, sheet));
        let at = *first.entry(key).or_insert(sheet);
        if at != sheet && seen.insert((key, sheet)) {
            let e = found.entry((at, sheet)).or_default();
            e.0 += 1;
            if e.1.len() < 3 {
                let kind = if key.3.is_empty() {
                    String::new()
                } else {
                    format!("{}-", key.3)
                };
                e.1.push(format!("{} {kind}{}", key.5.format("%Y-%m-%d"), key.4));
            }
        }
    }
    for ((a, b), (n, examples)) in found {
        report.warnings.push(format!(
            "工作表“{}”中有 {n} 张凭证的凭证号和日期与工作表“{}”中的凭证相同（如 {}），已作为同一张凭证合并；若其中一个工作表是副本或备份，请删除后重新载入，以免金额重复（凭证跨工作表续接时可忽略）",
            loaded[b].1,
            loaded[a].1,
            examples.join("、")
        ));
    }
}
