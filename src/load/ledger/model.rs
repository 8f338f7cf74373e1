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

/// The journal lines of a ledger file as the loader keeps them until the frame is built:
/// packed, not a [`LedgerLine`] each. A line's numbers and its shared texts (entity, 会计制度,
/// basis, first-level name, status, file, sheet: by their number in a table of the store's
/// distinct allocations) sit in a fixed record; its other texts are appended to its block's
/// one text buffer. So a line costs about 170 bytes plus its texts' bytes, not ~660 bytes
/// of struct plus an allocation per text (which at 5M lines was most of a run's peak
/// memory and a fifth of the load's CPU in malloc and page faults). Blocks of
/// [`STORE_BLOCK`] lines are freed one by one as the frame takes them
/// ([`lines_frame_owned`]).
#[derive(Default)]
pub struct LineStore {
    blocks: Vec<LineBlock>,
    shared: SharedTable,
    len: usize,
}

/// Lines per block of a [`LineStore`], and the text bytes at which a block is closed early
/// (its offsets are `u32`).
const STORE_BLOCK: usize = 1 << 16;
const STORE_BLOCK_TEXT: usize = 1 << 30;

struct LineBlock {
    text: String,
    lines: Vec<Packed>,
}

/// The texts of a line that are its own, in this order in [`Packed::ends`].
const OWN_TEXTS: usize = 21;
mod own {
    pub const BOOK: usize = 0;
    pub const VOUCHER_KIND: usize = 1;
    pub const VOUCHER_TEXT: usize = 2;
    pub const SUMMARY: usize = 3;
    pub const ACCOUNT_CODE: usize = 4;
    pub const ACCOUNT_NAME: usize = 5;
    pub const DEPARTMENT: usize = 6;
    pub const PROJECT: usize = 7;
    pub const COUNTERPARTY: usize = 8;
    pub const ECON_CODE: usize = 9;
    pub const ECON_NAME: usize = 10;
    pub const FUNC_CODE: usize = 11;
    pub const FUNC_NAME: usize = 12;
    pub const FUND_SOURCE: usize = 13;
    pub const SETTLEMENT: usize = 14;
    pub const PAYEE_ACCOUNT: usize = 15;
    pub const LINKED_VOUCHER: usize = 16;
    pub const PREPARER: usize = 17;
    pub const REVIEWER: usize = 18;
    pub const POSTER: usize = 19;
    pub const AUX_OTHER: usize = 20;
}

/// The shared texts of a line, in this order in [`Packed::shared`].
mod shared {
    pub const ENTITY: usize = 0;
    pub const SYSTEM: usize = 1;
    pub const BASIS: usize = 2;
    pub const ACCOUNT_L1: usize = 3;
    pub const STATUS: usize = 4;
    pub const FILE: usize = 5;
    pub const SHEET: usize = 6;
}
/// `Packed::shared`'s number for no value (`account_l1` only).
const NO_SHARED: u32 = u32::MAX;

struct Packed {
    year: i32,
    period: u32,
    voucher_number: u32,
    line_no: u32,
    date: NaiveDate,
    debit: Fen,
    credit: Fen,
    attachments: Option<i32>,
    row: u32,
    shared: [u32; 7],
    /// Where the line's first own text starts in its block's buffer; text `i` ends at
    /// `ends[i]` and the next starts there.
    start: u32,
    ends: [u32; OWN_TEXTS],
    /// Bit `i`: own text `i` is `None`.
    nulls: u32,
}

/// The distinct [`SharedStr`] allocations of a store, numbered; found by address (the
/// loader's interners hand out one allocation per value, so a store holds a few dozen).
#[derive(Default)]
struct SharedTable {
    values: Vec<SharedStr>,
    by_ptr: PlHashMap<usize, u32>,
    /// The last value asked for per slot of [`Packed::shared`], and its number.
    last: [Option<(usize, u32)>; 7],
}

impl SharedTable {
    fn id(&mut self, slot: usize, v: &SharedStr) -> u32 {
        let ptr = v.0.as_ptr() as usize;
        if let Some((p, i)) = self.last[slot] {
            if p == ptr {
                return i;
            }
        }
        let next = self.values.len() as u32;
        let i = *self.by_ptr.entry(ptr).or_insert(next);
        if i == next {
            self.values.push(v.clone());
        }
        self.last[slot] = Some((ptr, i));
        i
    }
}

impl LineStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Append a line (its texts copied into the store; the line can be dropped).
    pub fn push(&mut self, l: &LedgerLine) {
        let full = self
            .blocks
            .last()
            .is_none_or(|b| b.lines.len() >= STORE_BLOCK || b.text.len() >= STORE_BLOCK_TEXT);
        if full {
            // A store's first block grows from small (most ledgers are small); each later one
            // is reserved whole (lines) and as large as the block before ended (text), so it
            // is never copied by a growing reallocation, which touched twice its pages (page
            // faults were half of `push` on a 1M-line CSV load).
            let (lines, text) = match self.blocks.last() {
                Some(b) => (
                    STORE_BLOCK,
                    (b.text.len() + b.text.len() / 16).min(STORE_BLOCK_TEXT),
                ),
                None => (STORE_BLOCK.min(1 << 10), 0),
            };
            self.blocks.push(LineBlock {
                text: String::with_capacity(text),
                lines: Vec::with_capacity(lines),
            });
        }
        let mut ids = [0u32; 7];
        ids[shared::ENTITY] = self.shared.id(shared::ENTITY, &l.entity);
        ids[shared::SYSTEM] = self.shared.id(shared::SYSTEM, &l.accounting_system);
        ids[shared::BASIS] = self.shared.id(shared::BASIS, &l.basis);
        ids[shared::ACCOUNT_L1] = match &l.account_l1 {
            Some(v) => self.shared.id(shared::ACCOUNT_L1, v),
            None => NO_SHARED,
        };
        ids[shared::STATUS] = self.shared.id(shared::STATUS, &l.status);
        ids[shared::FILE] = self.shared.id(shared::FILE, &l.source.file);
        ids[shared::SHEET] = self.shared.id(shared::SHEET, &l.source.sheet);
        let Some(block) = self.blocks.last_mut() else {
            return;
        };
        let texts: [Option<&str>; OWN_TEXTS] = [
            l.book.as_deref(),
            Some(l.voucher_kind.as_str()),
            Some(l.voucher_text.as_str()),
            Some(l.summary.as_str()),
            Some(l.account_code.as_str()),
            Some(l.account_name.as_str()),
            l.department.as_deref(),
            l.project.as_deref(),
            l.counterparty.as_deref(),
            l.econ.code.as_deref(),
            l.econ.name.as_deref(),
            l.func.code.as_deref(),
            l.func.name.as_deref(),
            l.fund_source.as_deref(),
            l.settlement.as_deref(),
            l.payee_account.as_deref(),
            l.linked_voucher.as_deref(),
            l.preparer.as_deref(),
            l.reviewer.as_deref(),
            l.poster.as_deref(),
            l.aux_other.as_deref(),
        ];
        // A block is closed at `STORE_BLOCK_TEXT` (1 GiB) bytes and a line's texts are
        // cells (at most 32,767 characters each): the offsets fit in `u32`.
        let start = block.text.len() as u32;
        let mut ends = [0u32; OWN_TEXTS];
        let mut nulls = 0u32;
        for (i, t) in texts.iter().enumerate() {
            match t {
                Some(t) => block.text.push_str(t),
                None => nulls |= 1 << i,
            }
            ends[i] = block.text.len() as u32;
        }
        block.lines.push(Packed {
            year: l.year,
            period: l.period,
            voucher_number: l.voucher_number,
            line_no: l.line_no,
            date: l.date,
            debit: l.debit,
            credit: l.credit,
            attachments: l.attachments,
            row: l.source.row,
            shared: ids,
            start,
            ends,
            nulls,
        });
        self.len += 1;
    }

    /// A store of these lines.
    pub fn from_lines(lines: &[LedgerLine]) -> Self {
        let mut s = LineStore::new();
        for l in lines {
            s.push(l);
        }
        s
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = LineRef<'_>> + '_ {
        self.blocks.iter().flat_map(move |b| {
            b.lines.iter().map(move |p| LineRef {
                p,
                text: &b.text,
                shared: &self.shared.values,
            })
        })
    }

    /// The lines as row structs.
    pub fn to_lines(&self) -> Vec<LedgerLine> {
        self.iter().map(|l| l.to_line()).collect()
    }
}

impl std::fmt::Debug for LineStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|l| l.to_line()))
            .finish()
    }
}

/// One line of a [`LineStore`], read in place.
#[derive(Clone, Copy)]
pub struct LineRef<'a> {
    p: &'a Packed,
    text: &'a str,
    shared: &'a [SharedStr],
}

impl<'a> LineRef<'a> {
    fn own(&self, i: usize) -> Option<&'a str> {
        if self.p.nulls & (1 << i) != 0 {
            return None;
        }
        let a = if i == 0 {
            self.p.start
        } else {
            self.p.ends[i - 1]
        };
        self.text.get(a as usize..self.p.ends[i] as usize)
    }

    fn own_str(&self, i: usize) -> &'a str {
        self.own(i).unwrap_or_default()
    }

    fn shared(&self, k: usize) -> Option<&'a SharedStr> {
        self.shared.get(self.p.shared[k] as usize)
    }

    fn shared_str(&self, k: usize) -> &'a str {
        self.shared(k).map(SharedStr::as_str).unwrap_or_default()
    }

    pub fn entity(&self) -> &'a str {
        self.shared_str(shared::ENTITY)
    }
    /// The entity's number in its store: equal numbers are equal entities (equal entities
    /// may have different numbers).
    pub fn entity_id(&self) -> u32 {
        self.p.shared[shared::ENTITY]
    }
    pub fn basis(&self) -> &'a str {
        self.shared_str(shared::BASIS)
    }
    /// As [`LineRef::entity_id`], for the basis.
    pub fn basis_id(&self) -> u32 {
        self.p.shared[shared::BASIS]
    }
    pub fn book(&self) -> Option<&'a str> {
        self.own(own::BOOK)
    }
    pub fn voucher_kind(&self) -> &'a str {
        self.own_str(own::VOUCHER_KIND)
    }
    pub fn file(&self) -> &'a str {
        self.shared_str(shared::FILE)
    }
    pub fn year(&self) -> i32 {
        self.p.year
    }
    pub fn period(&self) -> u32 {
        self.p.period
    }
    pub fn voucher_number(&self) -> u32 {
        self.p.voucher_number
    }
    pub fn date(&self) -> NaiveDate {
        self.p.date
    }
    pub fn debit(&self) -> Fen {
        self.p.debit
    }
    pub fn credit(&self) -> Fen {
        self.p.credit
    }

    /// The line as a row struct.
    pub fn to_line(&self) -> LedgerLine {
        let s = |i: usize| self.own(i).map(str::to_string);
        let sh = |k: usize| self.shared(k).cloned().unwrap_or_default();
        LedgerLine {
            entity: sh(shared::ENTITY),
            book: s(own::BOOK),
            accounting_system: sh(shared::SYSTEM),
            basis: sh(shared::BASIS),
            year: self.p.year,
            period: self.p.period,
            voucher_kind: self.own_str(own::VOUCHER_KIND).to_string(),
            voucher_number: self.p.voucher_number,
            voucher_text: self.own_str(own::VOUCHER_TEXT).to_string(),
            line_no: self.p.line_no,
            date: self.p.date,
            summary: self.own_str(own::SUMMARY).to_string(),
            account_code: self.own_str(own::ACCOUNT_CODE).to_string(),
            account_name: self.own_str(own::ACCOUNT_NAME).to_string(),
            account_l1: self.shared(shared::ACCOUNT_L1).cloned(),
            debit: self.p.debit,
            credit: self.p.credit,
            department: s(own::DEPARTMENT),
            project: s(own::PROJECT),
            counterparty: s(own::COUNTERPARTY),
            econ: Classification {
                code: s(own::ECON_CODE),
                name: s(own::ECON_NAME),
            },
            func: Classification {
                code: s(own::FUNC_CODE),
                name: s(own::FUNC_NAME),
            },
            fund_source: s(own::FUND_SOURCE),
            settlement: s(own::SETTLEMENT),
            payee_account: s(own::PAYEE_ACCOUNT),
            linked_voucher: s(own::LINKED_VOUCHER),
            preparer: s(own::PREPARER),
            reviewer: s(own::REVIEWER),
            poster: s(own::POSTER),
            attachments: self.p.attachments,
            status: sh(shared::STATUS),
            aux_other: s(own::AUX_OTHER),
            source: Source {
                file: sh(shared::FILE),
                sheet: sh(shared::SHEET),
                row: self.p.row,
            },
        }
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
    lines_frame_owned(vec![LineStore::from_lines(lines)])
}

/// [`lines_frame`] of the stores it consumes (each file's lines, in order): each block of
/// lines is freed as soon as its rows are in the columns, so a large ledger's lines and its
/// frame are not in memory side by side.
pub fn lines_frame_owned(parts: Vec<LineStore>) -> Result<DataFrame> {
    let mut b = LinesBuilder::new(parts.iter().map(LineStore::len).sum());
    for part in parts {
        let LineStore { blocks, shared, .. } = part;
        for block in blocks {
            b.push_block(&block, &shared.values);
        }
    }
    b.finish()
}

/// The `lines` frame's columns, filled a block of lines at a time, the columns split over two
/// threads; each thread reads a line's fields together (one pass over the lines, not one
/// per column) and puts text straight into Arrow string views. The result is the frame
/// `Series::new` per column built: the same values, dtypes and one chunk per column (what
/// the Parquet cache writes).
struct LinesBuilder {
    len: usize,
    /// Text columns (first half, second half) with the other columns beside the second.
    first: Vec<TextColumn>,
    second: Vec<TextColumn>,
    numbers: Numbers,
}

/// A string column being filled. Its first appends wait for its first value, so a column
/// that stays null throughout (a field the ledger does not have: half the columns of a
/// usual export) is never written, and becomes an all-null column whose zeroed views take
/// no memory until read (`full_null`): at 4.7M lines, 14 such columns were 1 GB of views
/// held by every later step of a run.
struct TextColumn {
    name: &'static str,
    field: TextField,
    builder: StringChunkedBuilder,
    /// Leading nulls not appended yet (while `valued` is false).
    nulls: usize,
    valued: bool,
}

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

fn push_text(columns: &mut [TextColumn], block: &LineBlock, shared_values: &[SharedStr]) {
    for p in &block.lines {
        let l = LineRef {
            p,
            text: &block.text,
            shared: shared_values,
        };
        for c in columns.iter_mut() {
            let v = match c.field {
                TextField::Own(i) => l.own(i),
                TextField::Shared(k) => l.shared(k).map(SharedStr::as_str),
            };
            match v {
                Some(v) => {
                    if !c.valued {
                        for _ in 0..c.nulls {
                            c.builder.append_null();
                        }
                        c.valued = true;
                    }
                    c.builder.append_value(v);
                }
                None if c.valued => c.builder.append_null(),
                None => c.nulls += 1,
            }
        }
    }
}

/// Where a string column's value is in a line (`None` is null).
#[derive(Clone, Copy)]
enum TextField {
    Own(usize),
    Shared(usize),
}
const TEXT_COLUMNS: [(&str, TextField); 28] = [
    ("entity", TextField::Shared(shared::ENTITY)),
    ("book", TextField::Own(own::BOOK)),
    ("accounting_system", TextField::Shared(shared::SYSTEM)),
    ("basis", TextField::Shared(shared::BASIS)),
    ("voucher_kind", TextField::Own(own::VOUCHER_KIND)),
    ("summary", TextField::Own(own::SUMMARY)),
    ("account_code", TextField::Own(own::ACCOUNT_CODE)),
    ("account_name", TextField::Own(own::ACCOUNT_NAME)),
    ("account_l1", TextField::Shared(shared::ACCOUNT_L1)),
    ("department", TextField::Own(own::DEPARTMENT)),
    ("project", TextField::Own(own::PROJECT)),
    ("counterparty", TextField::Own(own::COUNTERPARTY)),
    ("econ_code", TextField::Own(own::ECON_CODE)),
    ("econ_name", TextField::Own(own::ECON_NAME)),
    ("func_code", TextField::Own(own::FUNC_CODE)),
    ("func_name", TextField::Own(own::FUNC_NAME)),
    ("fund_source", TextField::Own(own::FUND_SOURCE)),
    ("settlement", TextField::Own(own::SETTLEMENT)),
    ("payee_account", TextField::Own(own::PAYEE_ACCOUNT)),
    ("linked_voucher", TextField::Own(own::LINKED_VOUCHER)),
    ("preparer", TextField::Own(own::PREPARER)),
    ("reviewer", TextField::Own(own::REVIEWER)),
    ("poster", TextField::Own(own::POSTER)),
    ("status", TextField::Shared(shared::STATUS)),
    ("aux_other", TextField::Own(own::AUX_OTHER)),
    ("voucher_text", TextField::Own(own::VOUCHER_TEXT)),
    ("source_file", TextField::Shared(shared::FILE)),
    ("source_sheet", TextField::Shared(shared::SHEET)),
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
            .map(|(name, field)| TextColumn {
                name,
                field: *field,
                builder: StringChunkedBuilder::new((*name).into(), n),
                nulls: 0,
                valued: false,
            })
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

    fn push_block(&mut self, block: &LineBlock, shared_values: &[SharedStr]) {
        self.len += block.lines.len();
        let LinesBuilder {
            first,
            second,
            numbers: n,
            ..
        } = self;
        let mut rest = move || {
            push_text(second, block, shared_values);
            for l in &block.lines {
                n.year.push(l.year);
                n.period.push(l.period);
                n.voucher_number.push(l.voucher_number);
                n.line_no.push(l.line_no);
                n.date.push(Some(days(l.date)));
                n.debit.push(l.debit.0);
                n.credit.push(l.credit.0);
                n.attachments.push(l.attachments);
                n.source_row.push(l.row);
            }
        };
        if block.lines.len() < 10_000 {
            push_text(first, block, shared_values);
            rest();
        } else {
            std::thread::scope(|scope| {
                let other = scope.spawn(rest);
                push_text(first, block, shared_values);
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
            });
        }
    }

    fn finish(self) -> Result<DataFrame> {
        // The columns null throughout share one all-null column's buffers (a clone of a
        // column shares them): its zeroed views are written once, not once per column
        // (14 columns at the bench; each `full_null` zeroed 16 bytes a line, 4 % of a
        // 1M-line CSV load's CPU in memset and page faults).
        let null_column = std::cell::OnceCell::new();
        let mut by_name: std::collections::HashMap<&str, Column> = self
            .first
            .into_iter()
            .chain(self.second)
            .map(|c| {
                let column = if c.valued || self.len == 0 {
                    c.builder.finish()
                } else {
                    null_column
                        .get_or_init(|| StringChunked::full_null("".into(), self.len))
                        .clone()
                        .with_name(c.name.into())
                };
                (c.name, column.into_column())
            })
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
        let parts = vec![
            LineStore::from_lines(&all[..70_000]),
            LineStore::new(),
            LineStore::from_lines(&all[70_000..]),
        ];
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
    fn line_store_gives_back_every_line_across_blocks() {
        // More than one block; empty texts kept apart from missing ones; shared texts of
        // separate allocations with equal text, and of one allocation.
        let mut all = lines(70_000);
        let shared: SharedStr = "社保中心".into();
        for (i, l) in all.iter_mut().enumerate() {
            if i % 5 == 0 {
                l.department = Some(String::new());
                l.book = Some(String::new());
            }
            if i % 7 == 0 {
                l.entity = shared.clone();
                l.aux_other = Some(format!("其他:{i}"));
                l.econ.name = Some("办公费".into());
            }
            if i % 11 == 0 {
                l.account_l1 = None;
                l.summary = String::new();
            }
        }
        let store = LineStore::from_lines(&all);
        assert_eq!(store.len(), all.len());
        assert!(store.blocks.len() > 1);
        assert_eq!(format!("{store:?}"), format!("{all:?}"));
        let back = store.to_lines();
        assert_eq!(back[5].department.as_deref(), Some(""));
        assert_eq!(back[1].department, None);
        for (l, r) in all.iter().zip(store.iter()) {
            assert_eq!(r.entity(), l.entity.as_str());
            assert_eq!(r.book(), l.book.as_deref());
            assert_eq!(r.voucher_kind(), l.voucher_kind);
            assert_eq!((r.debit(), r.credit()), (l.debit, l.credit));
            assert_eq!(r.file(), l.source.file.as_str());
        }
        assert!(LineStore::new().is_empty());
    }

    #[test]
    fn lines_frame_holds_each_lines_texts() {
        // Every string column against the struct field it is read from (nulls and empty
        // texts apart).
        let mut all = lines(3_000);
        for (i, l) in all.iter_mut().enumerate() {
            l.department = [None, Some(String::new()), Some("办公室".into())][i % 3].clone();
            l.poster = (i % 4 == 0).then(|| format!("记账人{i}"));
            l.func.code = (i % 6 == 0).then(|| "2080101".into());
        }
        let f = lines_frame(&all).expect("frame");
        type Get = fn(&LedgerLine) -> Option<String>;
        let fields: [(&str, Get); 8] = [
            ("entity", |l| Some(l.entity.to_string())),
            ("book", |l| l.book.clone()),
            ("summary", |l| Some(l.summary.clone())),
            ("account_l1", |l| {
                l.account_l1.as_ref().map(|s| s.to_string())
            }),
            ("department", |l| l.department.clone()),
            ("func_code", |l| l.func.code.clone()),
            ("poster", |l| l.poster.clone()),
            ("voucher_text", |l| Some(l.voucher_text.clone())),
        ];
        for (name, get) in fields {
            let c = f.column(name).expect("column");
            let c = c.str().expect("str");
            for (i, l) in all.iter().enumerate() {
                assert_eq!(c.get(i).map(str::to_string), get(l), "{name} {i}");
            }
        }
    }

    #[test]
    fn a_column_null_throughout_equals_one_built_null_by_null() {
        // `project` is null on every line (full_null), `poster` on all but the last (built
        // value by value after its leading nulls).
        let mut all = lines(70_000);
        let last = all.len() - 1;
        all[last].poster = Some("记账人".into());
        let f = lines_frame(&all).expect("frame");
        let project = f.column("project").expect("project");
        let mut b = StringChunkedBuilder::new("project".into(), all.len());
        for _ in 0..all.len() {
            b.append_null();
        }
        let built = b.finish().into_column();
        assert!(project.equals_missing(&built));
        assert_eq!(project.null_count(), all.len());
        assert_eq!(project.dtype(), &DataType::String);
        assert_eq!(project.as_materialized_series().n_chunks(), 1);
        let poster = f.column("poster").expect("poster").str().expect("str");
        assert_eq!(poster.null_count(), last);
        assert_eq!(poster.get(last), Some("记账人"));
        assert_eq!(poster.get(0), None);
        // Every column null throughout (sharing one column's buffers) keeps its own name,
        // length and nulls, equal to one built null by null.
        for name in ["project", "reviewer", "linked_voucher", "fund_source"] {
            let c = f.column(name).expect("column");
            assert_eq!(c.name().as_str(), name);
            assert_eq!(c.len(), all.len());
            assert_eq!(c.null_count(), all.len(), "{name}");
            assert!(
                c.equals_missing(&built.clone().with_name(name.into())),
                "{name}"
            );
        }
        // An empty frame keeps its columns.
        let empty = lines_frame(&[]).expect("frame");
        assert_eq!((empty.height(), empty.width()), (0, 37));
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
