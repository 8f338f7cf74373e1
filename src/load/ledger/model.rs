//! The canonical ledger model: one row per journal line, one per opening balance.
//! Column names and meanings are documented in docs/data-model.md; money is integer 分.

use crate::model::money::Fen;
use crate::model::voucher::VoucherId;
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use std::sync::Arc;

/// A text shared by many rows (the entity, file, sheet, status, basis of a million lines):
/// one allocation per distinct value, cloned by a reference count, not a `String` per line.
/// Reads as a `&str` (`Deref`, `as_str`) and compares with one.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(s.into())
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(s.into())
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, o: &str) -> bool {
        &*self.0 == o
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, o: &&str) -> bool {
        &*self.0 == *o
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, o: &String) -> bool {
        *self.0 == **o
    }
}

/// Hands out one [`SharedStr`] per distinct text (a sheet's few bases, statuses, systems and
/// first-level account names), so equal values share one allocation.
#[derive(Default)]
pub struct Interner(std::cell::RefCell<std::collections::HashSet<SharedStr>>);

impl Interner {
    pub fn get(&self, s: &str) -> SharedStr {
        let mut set = self.0.borrow_mut();
        if let Some(v) = set.get(s) {
            return v.clone();
        }
        let v = SharedStr::from(s);
        set.insert(v.clone());
        v
    }
}

/// Where a row came from: file, sheet, 1-based row as the spreadsheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub file: SharedStr,
    pub sheet: SharedStr,
    pub row: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classification {
    pub code: Option<String>,
    pub name: Option<String>,
}

/// One journal line (分录).
#[derive(Debug, Clone)]
pub struct LedgerLine {
    pub entity: SharedStr,
    pub book: Option<String>,
    pub accounting_system: SharedStr,
    /// 财务会计 / 预算会计 / 基金会计, from the chart; `未知` when the code is not in it.
    pub basis: SharedStr,
    pub year: i32,
    pub period: u32,
    pub voucher_kind: String,
    pub voucher_number: u32,
    /// The voucher number as the export wrote it (`记-0005`, `记 - 5`): `voucher_kind` and
    /// `voucher_number` are its normalised form, used for matching.
    pub voucher_text: String,
    pub line_no: u32,
    pub date: NaiveDate,
    pub summary: String,
    pub account_code: String,
    pub account_name: String,
    /// First-level account name from the chart (`其他应付款`).
    pub account_l1: Option<SharedStr>,
    pub debit: Fen,
    pub credit: Fen,
    pub department: Option<String>,
    pub project: Option<String>,
    pub counterparty: Option<String>,
    pub econ: Classification,
    pub func: Classification,
    pub fund_source: Option<String>,
    pub settlement: Option<String>,
    pub payee_account: Option<String>,
    /// 关联凭证号: the voucher holding the other basis of the same event, when the package
    /// exports 财务会计 and 预算会计 as separate vouchers.
    pub linked_voucher: Option<String>,
    pub preparer: Option<String>,
    pub reviewer: Option<String>,
    pub poster: Option<String>,
    pub attachments: Option<i32>,
    /// 正常 / 作废 / 未记账. Only 正常 lines enter the analysis.
    pub status: SharedStr,
    /// Auxiliary items whose key no profile field claims (`key:value; …`), kept, not lost.
    pub aux_other: Option<String>,
    pub source: Source,
}

impl LedgerLine {
    pub fn voucher_id(&self) -> VoucherId {
        VoucherId::new(
            &self.entity,
            self.year,
            self.period,
            &self.voucher_kind,
            self.voucher_number,
        )
    }
}

/// An opening balance (期初余额 / 上年结转): signed, debit positive.
#[derive(Debug, Clone)]
pub struct OpeningBalance {
    pub entity: String,
    pub book: Option<String>,
    pub year: i32,
    pub account_code: String,
    pub account_name: String,
    pub counterparty: Option<String>,
    pub balance: Fen,
    pub label: String,
    pub source: Source,
}

pub const STATUS_NORMAL: &str = "正常";

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// A frame `Date` value (days since 1970-01-01) back to a date.
pub fn date_from_days(d: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(d as i64))
}

/// Where a row came from, as evidence and samples print it: `file.xlsx:sheet:row` (the file's
/// name, not its path, so outputs do not depend on where the inputs sat).
pub fn source_label(file: &str, sheet: &str, row: u32) -> String {
    let name = std::path::Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    format!("{name}:{sheet}:{row}")
}

fn date_col(name: &str, v: Vec<Option<i32>>) -> Column {
    Int32Chunked::from_iter_options(name.into(), v.into_iter())
        .into_date()
        .into_column()
}

fn col<T, P>(name: &str, v: P) -> Column
where
    Series: NamedFrom<P, T>,
    T: ?Sized,
{
    Series::new(name.into(), v).into_column()
}

/// Journal lines → the `lines` frame.
pub fn lines_frame(lines: &[LedgerLine]) -> Result<DataFrame> {
    let s = |f: fn(&LedgerLine) -> &str| lines.iter().map(f).collect::<Vec<&str>>();
    let o = |f: fn(&LedgerLine) -> Option<&str>| lines.iter().map(f).collect::<Vec<Option<&str>>>();
    // The columns are independent: half of them are built on a second thread (on a
    // million-line ledger each string column is a copy of tens of MB).
    let first = || {
        vec![
            col("entity", s(|l| &l.entity)),
            col("book", o(|l| l.book.as_deref())),
            col("accounting_system", s(|l| &l.accounting_system)),
            col("basis", s(|l| &l.basis)),
            col("year", lines.iter().map(|l| l.year).collect::<Vec<i32>>()),
            col(
                "period",
                lines.iter().map(|l| l.period).collect::<Vec<u32>>(),
            ),
            col("voucher_kind", s(|l| &l.voucher_kind)),
            col(
                "voucher_number",
                lines.iter().map(|l| l.voucher_number).collect::<Vec<u32>>(),
            ),
            col(
                "line_no",
                lines.iter().map(|l| l.line_no).collect::<Vec<u32>>(),
            ),
            date_col("date", lines.iter().map(|l| Some(days(l.date))).collect()),
            col("summary", s(|l| &l.summary)),
        ]
    };
    let second = || {
        vec![
            col("account_code", s(|l| &l.account_code)),
            col("account_name", s(|l| &l.account_name)),
            col("account_l1", o(|l| l.account_l1.as_deref())),
            col(
                "debit_fen",
                lines.iter().map(|l| l.debit.0).collect::<Vec<i64>>(),
            ),
            col(
                "credit_fen",
                lines.iter().map(|l| l.credit.0).collect::<Vec<i64>>(),
            ),
            col("department", o(|l| l.department.as_deref())),
            col("project", o(|l| l.project.as_deref())),
            col("counterparty", o(|l| l.counterparty.as_deref())),
            col("econ_code", o(|l| l.econ.code.as_deref())),
            col("econ_name", o(|l| l.econ.name.as_deref())),
            col("func_code", o(|l| l.func.code.as_deref())),
            col("func_name", o(|l| l.func.name.as_deref())),
            col("fund_source", o(|l| l.fund_source.as_deref())),
            col("settlement", o(|l| l.settlement.as_deref())),
            col("payee_account", o(|l| l.payee_account.as_deref())),
            col("linked_voucher", o(|l| l.linked_voucher.as_deref())),
            col("preparer", o(|l| l.preparer.as_deref())),
            col("reviewer", o(|l| l.reviewer.as_deref())),
            col("poster", o(|l| l.poster.as_deref())),
            col(
                "attachments",
                lines
                    .iter()
                    .map(|l| l.attachments)
                    .collect::<Vec<Option<i32>>>(),
            ),
            col("status", s(|l| &l.status)),
            col("aux_other", o(|l| l.aux_other.as_deref())),
            col("voucher_text", s(|l| &l.voucher_text)),
            col("source_file", s(|l| &l.source.file)),
            col("source_sheet", s(|l| &l.source.sheet)),
            col(
                "source_row",
                lines.iter().map(|l| l.source.row).collect::<Vec<u32>>(),
            ),
        ]
    };
    let (mut columns, rest) = if lines.len() < 10_000 {
        (first(), second())
    } else {
        std::thread::scope(|scope| {
            let other = scope.spawn(second);
            let columns = first();
            (
                columns,
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        })
    };
    columns.extend(rest);
    Ok(DataFrame::new(lines.len(), columns)?)
}

/// Opening balances → the `opening` frame.
pub fn opening_frame(rows: &[OpeningBalance]) -> Result<DataFrame> {
    let s = |f: fn(&OpeningBalance) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let columns = vec![
        col("entity", s(|r| &r.entity)),
        col(
            "book",
            rows.iter().map(|r| r.book.as_deref()).collect::<Vec<_>>(),
        ),
        col("year", rows.iter().map(|r| r.year).collect::<Vec<i32>>()),
        col("account_code", s(|r| &r.account_code)),
        col("account_name", s(|r| &r.account_name)),
        col(
            "counterparty",
            rows.iter()
                .map(|r| r.counterparty.as_deref())
                .collect::<Vec<_>>(),
        ),
        col(
            "balance_fen",
            rows.iter().map(|r| r.balance.0).collect::<Vec<i64>>(),
        ),
        col("label", s(|r| &r.label)),
        col("source_file", s(|r| &r.source.file)),
        col("source_sheet", s(|r| &r.source.sheet)),
        col(
            "source_row",
            rows.iter().map(|r| r.source.row).collect::<Vec<u32>>(),
        ),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

pub(crate) fn date_column(name: &str, v: Vec<Option<NaiveDate>>) -> Column {
    date_col(name, v.into_iter().map(|d| d.map(days)).collect())
}
