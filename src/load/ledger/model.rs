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

    /// Equal to `o`: the same allocation, or else the same text.
    pub fn same(&self, o: &SharedStr) -> bool {
        Arc::ptr_eq(&self.0, &o.0) || self.0 == o.0
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
    let mut b = LinesBuilder::new(lines.len());
    b.push_block(lines);
    b.finish()
}

/// [`lines_frame`] of lines it consumes (each file's lines, in order): a block's texts are
/// freed as soon as its rows are in the columns, and each file's row structs once all its
/// rows are, so a million-line ledger's texts and its frame are not in memory side by side.
pub fn lines_frame_owned(parts: Vec<Vec<LedgerLine>>) -> Result<DataFrame> {
    /// Lines per block: large enough that the second thread's start is nothing beside it.
    const BLOCK: usize = 1 << 16;
    let mut b = LinesBuilder::new(parts.iter().map(Vec::len).sum());
    for part in parts {
        let mut rest = part.into_iter();
        loop {
            let n = rest.len().min(BLOCK);
            if n == 0 {
                break;
            }
            b.push_block(&rest.as_slice()[..n]);
            rest.by_ref().take(n).for_each(drop);
        }
    }
    b.finish()
}

/// The `lines` frame's columns, filled a block of lines at a time, the columns split over two
/// threads; each thread reads a line's fields together (one pass over the row structs, not
/// one per column) and puts text straight into Arrow string views. The result is the frame
/// `Series::new` per column built: the same values, dtypes and one chunk per column (what
/// the Parquet cache writes).
struct LinesBuilder {
    len: usize,
    /// Text columns (first half, second half) with the other columns beside the second.
    first: Vec<TextColumn>,
    second: Vec<TextColumn>,
    numbers: Numbers,
}

type TextColumn = (&'static str, TextField, StringChunkedBuilder);

/// The columns that are not text.
struct Numbers {
    year: Vec<i32>,
    period: Vec<u32>,
    voucher_number: Vec<u32>,
    line_no: Vec<u32>,
    date: Vec<Option<i32>>,
    debit: Vec<i64>,
    credit: Vec<i64>,
    attachments: Vec<Option<i32>>,
    source_row: Vec<u32>,
}

fn push_text(columns: &mut [TextColumn], lines: &[LedgerLine]) {
    for l in lines {
        for (_, field, b) in columns.iter_mut() {
            b.append_option(field(l));
        }
    }
}

/// The string columns, with the line's value (`None` is null).
type TextField = fn(&LedgerLine) -> Option<&str>;
const TEXT_COLUMNS: [(&str, TextField); 28] = [
    ("entity", |l| Some(l.entity.as_str())),
    ("book", |l| l.book.as_deref()),
    ("accounting_system", |l| Some(l.accounting_system.as_str())),
    ("basis", |l| Some(l.basis.as_str())),
    ("voucher_kind", |l| Some(l.voucher_kind.as_str())),
    ("summary", |l| Some(l.summary.as_str())),
    ("account_code", |l| Some(l.account_code.as_str())),
    ("account_name", |l| Some(l.account_name.as_str())),
    ("account_l1", |l| l.account_l1.as_deref()),
    ("department", |l| l.department.as_deref()),
    ("project", |l| l.project.as_deref()),
    ("counterparty", |l| l.counterparty.as_deref()),
    ("econ_code", |l| l.econ.code.as_deref()),
    ("econ_name", |l| l.econ.name.as_deref()),
    ("func_code", |l| l.func.code.as_deref()),
    ("func_name", |l| l.func.name.as_deref()),
    ("fund_source", |l| l.fund_source.as_deref()),
    ("settlement", |l| l.settlement.as_deref()),
    ("payee_account", |l| l.payee_account.as_deref()),
    ("linked_voucher", |l| l.linked_voucher.as_deref()),
    ("preparer", |l| l.preparer.as_deref()),
    ("reviewer", |l| l.reviewer.as_deref()),
    ("poster", |l| l.poster.as_deref()),
    ("status", |l| Some(l.status.as_str())),
    ("aux_other", |l| l.aux_other.as_deref()),
    ("voucher_text", |l| Some(l.voucher_text.as_str())),
    ("source_file", |l| Some(l.source.file.as_str())),
    ("source_sheet", |l| Some(l.source.sheet.as_str())),
];

/// The frame's column order (docs/data-model.md): text columns by name, the others by tag.
const COLUMN_ORDER: [&str; 37] = [
    "entity",
    "book",
    "accounting_system",
    "basis",
    "year",
    "period",
    "voucher_kind",
    "voucher_number",
    "line_no",
    "date",
    "summary",
    "account_code",
    "account_name",
    "account_l1",
    "debit_fen",
    "credit_fen",
    "department",
    "project",
    "counterparty",
    "econ_code",
    "econ_name",
    "func_code",
    "func_name",
    "fund_source",
    "settlement",
    "payee_account",
    "linked_voucher",
    "preparer",
    "reviewer",
    "poster",
    "attachments",
    "status",
    "aux_other",
    "voucher_text",
    "source_file",
    "source_sheet",
    "source_row",
];

impl LinesBuilder {
    fn new(n: usize) -> Self {
        let mut text: Vec<TextColumn> = TEXT_COLUMNS
            .iter()
            .map(|(name, field)| (*name, *field, StringChunkedBuilder::new((*name).into(), n)))
            .collect();
        let second = text.split_off(TEXT_COLUMNS.len() / 2);
        LinesBuilder {
            len: 0,
            first: text,
            second,
            numbers: Numbers {
                year: Vec::with_capacity(n),
                period: Vec::with_capacity(n),
                voucher_number: Vec::with_capacity(n),
                line_no: Vec::with_capacity(n),
                date: Vec::with_capacity(n),
                debit: Vec::with_capacity(n),
                credit: Vec::with_capacity(n),
                attachments: Vec::with_capacity(n),
                source_row: Vec::with_capacity(n),
            },
        }
    }

    fn push_block(&mut self, lines: &[LedgerLine]) {
        self.len += lines.len();
        let LinesBuilder {
            first,
            second,
            numbers: n,
            ..
        } = self;
        let mut rest = move || {
            push_text(second, lines);
            for l in lines {
                n.year.push(l.year);
                n.period.push(l.period);
                n.voucher_number.push(l.voucher_number);
                n.line_no.push(l.line_no);
                n.date.push(Some(days(l.date)));
                n.debit.push(l.debit.0);
                n.credit.push(l.credit.0);
                n.attachments.push(l.attachments);
                n.source_row.push(l.source.row);
            }
        };
        if lines.len() < 10_000 {
            push_text(first, lines);
            rest();
        } else {
            std::thread::scope(|scope| {
                let other = scope.spawn(rest);
                push_text(first, lines);
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
            });
        }
    }

    fn finish(self) -> Result<DataFrame> {
        let mut by_name: std::collections::HashMap<&str, Column> = self
            .first
            .into_iter()
            .chain(self.second)
            .map(|(name, _, b)| (name, b.finish().into_column()))
            .collect();
        let n = self.numbers;
        by_name.insert("year", col("year", n.year));
        by_name.insert("period", col("period", n.period));
        by_name.insert("voucher_number", col("voucher_number", n.voucher_number));
        by_name.insert("line_no", col("line_no", n.line_no));
        by_name.insert("date", date_col("date", n.date));
        by_name.insert("debit_fen", col("debit_fen", n.debit));
        by_name.insert("credit_fen", col("credit_fen", n.credit));
        by_name.insert("attachments", col("attachments", n.attachments));
        by_name.insert("source_row", col("source_row", n.source_row));
        let columns = COLUMN_ORDER
            .iter()
            .map(|name| by_name.remove(name).expect("every column built"))
            .collect();
        Ok(DataFrame::new(self.len, columns)?)
    }
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

/// A journal line with the given key fields and the rest empty (tests).
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn test_line(
    entity: &str,
    book: Option<&str>,
    kind: &str,
    number: u32,
    date: NaiveDate,
    basis: &str,
    debit: i64,
    credit: i64,
) -> LedgerLine {
    use chrono::Datelike;
    LedgerLine {
        entity: entity.into(),
        book: book.map(String::from),
        accounting_system: "政府会计制度".into(),
        basis: basis.into(),
        year: date.year(),
        period: date.month(),
        voucher_kind: kind.into(),
        voucher_number: number,
        voucher_text: format!("{kind}-{number}"),
        line_no: 1,
        date,
        summary: format!("摘要{number}"),
        account_code: "5001".into(),
        account_name: "业务活动费用".into(),
        account_l1: number.is_multiple_of(2).then(|| "业务活动费用".into()),
        debit: Fen(debit),
        credit: Fen(credit),
        department: number.is_multiple_of(3).then(|| "办公室".into()),
        project: None,
        counterparty: Some(format!("往来单位名称较长的一家公司{number}")),
        econ: Classification::default(),
        func: Classification::default(),
        fund_source: None,
        settlement: None,
        payee_account: None,
        linked_voucher: None,
        preparer: None,
        reviewer: None,
        poster: None,
        attachments: number.is_multiple_of(4).then_some(2),
        status: STATUS_NORMAL.into(),
        aux_other: None,
        source: Source {
            file: "data/局机关-序时账-2023.xlsx".into(),
            sheet: "序时账".into(),
            row: number + 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<LedgerLine> {
        let d = |i: usize| NaiveDate::from_ymd_opt(2023, 1 + (i % 12) as u32, 1 + (i % 28) as u32);
        (0..n)
            .map(|i| {
                let mut l = test_line(
                    ["局机关", "社保中心"][i % 2],
                    [None, Some("账套1")][i % 3 % 2],
                    "记",
                    i as u32,
                    d(i).expect("date"),
                    "财务会计",
                    i as i64,
                    0,
                );
                l.summary = "长".repeat(i % 9);
                l
            })
            .collect()
    }

    #[test]
    fn lines_frame_owned_equals_lines_frame_across_blocks_and_files() {
        // Over two files and more than one block (65,536 lines), with nulls and long texts.
        let all = lines(150_000);
        let borrowed = lines_frame(&all).expect("frame");
        let parts = vec![all[..70_000].to_vec(), Vec::new(), all[70_000..].to_vec()];
        let owned = lines_frame_owned(parts).expect("frame");
        assert_eq!(owned.height(), 150_000);
        assert_eq!(owned.get_column_names(), borrowed.get_column_names());
        assert_eq!(owned.dtypes(), borrowed.dtypes());
        assert!(owned.equals_missing(&borrowed));
        for c in owned.columns() {
            assert_eq!(c.as_materialized_series().n_chunks(), 1, "{}", c.name());
        }
        let s = owned
            .column("summary")
            .expect("summary")
            .str()
            .expect("str");
        assert_eq!(s.get(8), Some("长长长长长长长长"));
        assert_eq!(owned.column("book").expect("book").null_count(), 100_000);
    }

    #[test]
    fn lines_frame_column_order_and_types() {
        let f = lines_frame(&lines(3)).expect("frame");
        assert_eq!(f.width(), 37);
        assert_eq!(f.get_column_names()[0].as_str(), "entity");
        assert_eq!(f.get_column_names()[36].as_str(), "source_row");
        assert_eq!(f.column("date").expect("date").dtype(), &DataType::Date);
        assert_eq!(
            f.column("status").expect("status").dtype(),
            &DataType::String
        );
        assert_eq!(
            f.column("debit_fen")
                .expect("debit")
                .i64()
                .expect("i64")
                .get(2),
            Some(2)
        );
    }
}
