//! The ledger as the rules see it: the 正常 lines of the `lines` frame, their columns, and the
//! vouchers as groups of rows (a Polars group-by on the voucher key, sorted so that every run
//! visits them in the same order).

use crate::load::ledger::model::{date_from_days, source_label, STATUS_NORMAL};
use crate::model::money::Fen;
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::BTreeMap;

/// One voucher: its key and the rows (indices into the book) of its lines.
#[derive(Debug, Clone)]
pub struct Voucher {
    pub entity: String,
    pub year: i32,
    pub period: u32,
    pub kind: String,
    pub number: u32,
    pub rows: Vec<usize>,
    /// Vouchers joined to this one by a 关联凭证号 (the other basis of the same event).
    pub linked: Vec<String>,
    /// The file its lines came from: the same key in two files is two vouchers.
    pub file: String,
    /// What tells it apart from another voucher with the same key (`（局机关.xlsx）`,
    /// `（2023-01-20）`); `None` in the normal case of a unique key.
    pub tag: Option<String>,
}

impl Voucher {
    /// `2023-03 记-19`, as the findings document and the report print it; with its tag when
    /// another voucher has the same key (`2023-03 记-19（2023-03-20）`).
    pub fn label(&self) -> String {
        format!("{}{}", self.base_label(), self.tag.as_deref().unwrap_or(""))
    }

    /// `2023-03 记-19` without the tag: what a reference in another document can name.
    pub fn base_label(&self) -> String {
        format!(
            "{}-{:02} {}-{}",
            self.year, self.period, self.kind, self.number
        )
    }

    fn sort_key(&self) -> (&str, i32, u32, &str, u32, Option<&str>) {
        (
            &self.entity,
            self.year,
            self.period,
            &self.kind,
            self.number,
            self.tag.as_deref(),
        )
    }
}

pub struct Book {
    pub entity: StringChunked,
    pub basis: StringChunked,
    pub summary: StringChunked,
    pub code: StringChunked,
    pub name: StringChunked,
    pub econ_code: StringChunked,
    pub econ_name: StringChunked,
    pub counterparty: StringChunked,
    /// 项目 (the 预算项目 where the export names it).
    pub project: StringChunked,
    pub settlement: StringChunked,
    pub payee_account: StringChunked,
    pub fund_source: StringChunked,
    pub kind: StringChunked,
    /// The voucher number as the export wrote it (`记-0005`); matching uses kind + number.
    pub voucher_text: StringChunked,
    pub source_file: StringChunked,
    pub source_sheet: StringChunked,
    pub year: Int32Chunked,
    pub period: UInt32Chunked,
    pub number: UInt32Chunked,
    pub line_no: UInt32Chunked,
    pub source_row: UInt32Chunked,
    pub date: Int32Chunked,
    pub debit: Int64Chunked,
    pub credit: Int64Chunked,
    /// 经济分类 of each line (an index into `econ_values`): the column, else looked up from the
    /// account name's segments.
    econ: Vec<u32>,
    econ_values: Vec<Option<String>>,
    pub vouchers: Vec<Voucher>,
    /// Entities in the book, sorted.
    pub entities: Vec<String>,
}

/// The columns of the `lines` frame a `Book` reads.
const BOOK_COLUMNS: &[&str] = &[
    "entity",
    "basis",
    "summary",
    "account_code",
    "account_name",
    "econ_code",
    "econ_name",
    "counterparty",
    "project",
    "settlement",
    "payee_account",
    "fund_source",
    "voucher_kind",
    "voucher_text",
    "source_file",
    "source_sheet",
    "year",
    "period",
    "voucher_number",
    "line_no",
    "source_row",
    "date",
    "debit_fen",
    "credit_fen",
    "linked_voucher",
];

/// A line's 经济分类: the econ code column, else the econ name looked up, else the most
/// specific segment of the account name that names a 款 (业务活动费用-商品和服务费用-办公费).
fn econ_of(
    code: Option<&str>,
    econ_name: Option<&str>,
    name: &str,
    econ_names: &BTreeMap<String, String>,
) -> Option<String> {
    if let Some(c) = code.filter(|c| !c.is_empty()) {
        return Some(c.to_string());
    }
    if let Some(n) = econ_name {
        if let Some(c) = econ_names.get(n.trim()) {
            return Some(c.clone());
        }
    }
    name.rsplit(['-', '_', '/', '—'])
        .find_map(|seg| econ_names.get(seg.trim()).cloned())
}

fn col<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name)
        .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))
}
fn s(df: &DataFrame, name: &str) -> Result<StringChunked> {
    Ok(col(df, name)?.str()?.rechunk().into_owned())
}
fn u32c(df: &DataFrame, name: &str) -> Result<UInt32Chunked> {
    Ok(col(df, name)?.u32()?.rechunk().into_owned())
}
fn i64c(df: &DataFrame, name: &str) -> Result<Int64Chunked> {
    Ok(col(df, name)?.i64()?.rechunk().into_owned())
}

/// A line's voucher key (`model::voucher::KEY_COLUMNS`: entity, year, period, kind, number,
/// file, date), read from the book's columns; a null is a value of its own.
type VoucherKey<'a> = (
    Option<&'a str>,
    Option<i32>,
    Option<u32>,
    Option<&'a str>,
    Option<u32>,
    Option<&'a str>,
    Option<i32>,
);

fn voucher_key(book: &Book, i: usize) -> VoucherKey<'_> {
    (
        book.entity.get(i),
        book.year.get(i),
        book.period.get(i),
        book.kind.get(i),
        book.number.get(i),
        book.source_file.get(i),
        book.date.get(i),
    )
}

/// The rows of each voucher key (`model::voucher::KEY_COLUMNS`: entity, year, period, kind,
/// number, file, date), groups in the order of their first row and rows in book order — what
/// a stable Polars group-by on those columns gives (a null is a value of its own), without
/// encoding every row's key: a journal lists a voucher's lines together, so a row is
/// compared with the row before it and only a new key is looked up.
fn voucher_groups(book: &Book) -> Vec<Vec<usize>> {
    type Key<'a> = VoucherKey<'a>;
    let key = |i: usize| voucher_key(book, i);
    let keys = || {
        book.entity
            .iter()
            .zip(book.year.iter())
            .zip(book.period.iter())
            .zip(book.kind.iter())
            .zip(book.number.iter())
            .zip(book.source_file.iter())
            .zip(book.date.iter())
            .map(|((((((e, y), p), k), n), f), d)| (e, y, p, k, n, f, d))
    };
    // The runs of rows with one key (a journal lists a voucher's lines together): where each
    // starts, found by comparing a row with the row before it.
    let mut starts: Vec<usize> = Vec::new();
    let mut last: Option<Key> = None;
    for (i, k) in keys().enumerate() {
        if last.as_ref() != Some(&k) {
            starts.push(i);
            last = Some(k);
        }
    }
    let len = book.entity.len();
    // Each run's key looked up once: groups numbered in order of first appearance. Polars'
    // hasher, not SipHash: the map is only looked up, so its hasher cannot change an output;
    // sized for the runs (at most one key each) up front instead of grown.
    let mut index: polars::prelude::PlHashMap<Key, usize> =
        polars::prelude::PlHashMap::with_capacity_and_hasher(
            starts.len().min(len / 2 + 1),
            Default::default(),
        );
    let mut sizes: Vec<usize> = Vec::new();
    let mut run_group: Vec<usize> = Vec::with_capacity(starts.len());
    for (r, &start) in starts.iter().enumerate() {
        let end = starts.get(r + 1).copied().unwrap_or(len);
        let g = *index.entry(key(start)).or_insert_with(|| {
            sizes.push(0);
            sizes.len() - 1
        });
        sizes[g] += end - start;
        run_group.push(g);
    }
    drop(index);
    // Each group's rows in one allocation of its final size, in book order.
    let mut groups: Vec<Vec<usize>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (r, (&start, &g)) in starts.iter().zip(&run_group).enumerate() {
        let end = starts.get(r + 1).copied().unwrap_or(len);
        groups[g].extend(start..end);
    }
    groups
}

/// 经济分类 of each line (an index into the values returned with it): each distinct (econ
/// code, econ name, account name) looked up once. Numbered in order of first appearance (the
/// map only looked up, so its hasher cannot change an output); a row like the row before (a
/// voucher's lines mostly are) is not hashed again.
fn econ_index(
    econ_code: &StringChunked,
    econ_name: &StringChunked,
    name: &StringChunked,
    econ_names: &BTreeMap<String, String>,
) -> (Vec<u32>, Vec<Option<String>>) {
    type EconKey<'a> = (Option<&'a str>, Option<&'a str>, &'a str);
    let mut seen: polars::prelude::PlHashMap<EconKey, u32> = Default::default();
    let mut last: Option<(EconKey, u32)> = None;
    let mut econ = Vec::with_capacity(name.len());
    let mut econ_values: Vec<Option<String>> = Vec::new();
    for ((code, ename), name) in econ_code.iter().zip(econ_name.iter()).zip(name.iter()) {
        let key = (code, ename, name.unwrap_or(""));
        let k = match last {
            Some((l, k)) if l == key => k,
            _ => {
                let k = *seen.entry(key).or_insert_with(|| {
                    econ_values.push(econ_of(key.0, key.1, key.2, econ_names));
                    (econ_values.len() - 1) as u32
                });
                last = Some((key, k));
                k
            }
        };
        econ.push(k);
    }
    (econ, econ_values)
}

/// Join vouchers that name each other in a 关联凭证号 column (packages that export 财务会计
/// and 预算会计 as two vouchers): the pair becomes one event whose number is the voucher with
/// 财务会计 lines (else the lower number), the other listed in `linked`. A reference that
/// names no voucher of the same entity and period is left alone.
fn link(vouchers: Vec<Voucher>, linked: &StringChunked, book: &Book) -> Vec<Voucher> {
    // No reference at all (the usual export): nothing to index.
    if linked.iter().flatten().all(|t| t.trim().is_empty()) {
        return vouchers;
    }
    // References are resolved within the voucher's own file.
    let key = |v: &Voucher| {
        (
            v.entity.clone(),
            v.year,
            v.period,
            v.kind.clone(),
            v.number,
            v.file.clone(),
        )
    };
    let index: BTreeMap<_, usize> = vouchers
        .iter()
        .enumerate()
        .map(|(k, v)| (key(v), k))
        .collect();
    let mut parent: Vec<usize> = (0..vouchers.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut any = false;
    for (k, v) in vouchers.iter().enumerate() {
        for &i in &v.rows {
            let Some(t) = linked.get(i).filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            let last = t.split_whitespace().last().unwrap_or(t);
            let Ok((kind, number)) = crate::model::voucher::parse_voucher_no(last) else {
                continue;
            };
            let target = (
                v.entity.clone(),
                v.year,
                v.period,
                kind,
                number,
                v.file.clone(),
            );
            if let Some(&w) = index.get(&target) {
                let (a, b) = (root(&mut parent, k), root(&mut parent, w));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                    any = true;
                }
            }
        }
    }
    if !any {
        return vouchers;
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for k in 0..vouchers.len() {
        let r = root(&mut parent, k);
        groups.entry(r).or_default().push(k);
    }
    let mut slots: Vec<Option<Voucher>> = vouchers.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(groups.len());
    for members in groups.into_values() {
        let mut vs: Vec<Voucher> = members.iter().filter_map(|&k| slots[k].take()).collect();
        let rep = vs
            .iter()
            .position(|v| v.rows.iter().any(|&i| book.is_financial(i)))
            .unwrap_or(0);
        let mut head = vs.remove(rep);
        for v in vs {
            head.linked.push(v.label());
            head.rows.extend(v.rows);
        }
        out.push(head);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

thread_local! {
    static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many books [`Book::new`] has built on this thread (a `reeval run` builds one, in its
/// check step, and hands it to the workbook: the tests count them).
pub fn built_on_this_thread() -> usize {
    BUILT.with(|b| b.get())
}

impl Book {
    /// The analysis view of a `lines` frame: only 正常 lines.
    pub fn new(lines: &DataFrame, econ_names: &BTreeMap<String, String>) -> Result<Book> {
        BUILT.with(|b| b.set(b.get() + 1));
        // Only the columns read here are filtered (and copied); none when every line is 正常.
        let mask = col(lines, "status")?.str()?.equal(STATUS_NORMAL);
        let wanted: Vec<PlSmallStr> = lines
            .get_column_names()
            .into_iter()
            .filter(|n| BOOK_COLUMNS.contains(&n.as_str()))
            .cloned()
            .collect();
        let df = lines
            .select(wanted)
            .map_err(|e| anyhow::anyhow!("筛选正常分录失败：{e}"))?;
        let mut df = if mask.all() && mask.null_count() == 0 {
            df
        } else {
            df.filter(&mask)
                .map_err(|e| anyhow::anyhow!("筛选正常分录失败：{e}"))?
        };
        // One chunk per column (a frame read from a Parquet cache has one per row group), the
        // columns concatenated side by side on Polars' threads rather than one after another.
        df.rechunk_mut_par();
        let date = col(&df, "date")?
            .cast(&DataType::Int32)?
            .i32()?
            .rechunk()
            .into_owned();
        let year = col(&df, "year")?.i32()?.rechunk().into_owned();
        let mut book = Book {
            entity: s(&df, "entity")?,
            basis: s(&df, "basis")?,
            summary: s(&df, "summary")?,
            code: s(&df, "account_code")?,
            name: s(&df, "account_name")?,
            econ_code: s(&df, "econ_code")?,
            econ_name: s(&df, "econ_name")?,
            counterparty: s(&df, "counterparty")?,
            project: s(&df, "project")?,
            settlement: s(&df, "settlement")?,
            payee_account: s(&df, "payee_account")?,
            fund_source: s(&df, "fund_source")?,
            kind: s(&df, "voucher_kind")?,
            // Absent in caches written before the column existed: empty, never an error.
            voucher_text: match df.column("voucher_text") {
                Ok(_) => s(&df, "voucher_text")?,
                Err(_) => StringChunked::full("voucher_text".into(), "", df.height()),
            },
            source_file: s(&df, "source_file")?,
            source_sheet: s(&df, "source_sheet")?,
            year,
            period: u32c(&df, "period")?,
            number: u32c(&df, "voucher_number")?,
            line_no: u32c(&df, "line_no")?,
            source_row: u32c(&df, "source_row")?,
            date,
            debit: i64c(&df, "debit_fen")?,
            credit: i64c(&df, "credit_fen")?,
            econ: Vec::new(),
            econ_values: Vec::new(),
            vouchers: Vec::new(),
            entities: Vec::new(),
        };
        // The 经济分类 of each line (on a thread of its own) beside the vouchers (on this one):
        // they read different columns and neither reads the other.
        let ((econ, econ_values), (vouchers, entities)) = std::thread::scope(|sc| {
            let book = &book;
            let econ = sc.spawn(move || {
                econ_index(&book.econ_code, &book.econ_name, &book.name, econ_names)
            });
            let vouchers = (|| -> Result<(Vec<Voucher>, Vec<String>)> {
                // A voucher: its key, and its file and date — the same key from two files, or on two
                // dates of a period, is two vouchers (listed by the load report), never one merged.
                let groups = voucher_groups(book);
                let mut vouchers: Vec<Voucher> = groups
                    .into_iter()
                    .filter(|rows| !rows.is_empty())
                    .map(|mut rows| {
                        rows.sort_by_key(|&i| (book.line_no.get(i).unwrap_or(0), i));
                        let i = rows[0];
                        Voucher {
                            entity: book.entity.get(i).unwrap_or("").to_string(),
                            year: book.year.get(i).unwrap_or(0),
                            period: book.period.get(i).unwrap_or(0),
                            kind: book.kind.get(i).unwrap_or("").to_string(),
                            number: book.number.get(i).unwrap_or(0),
                            rows,
                            linked: Vec::new(),
                            file: book.source_file.get(i).unwrap_or("").to_string(),
                            tag: None,
                        }
                    })
                    .collect();
                let members: Vec<_> = vouchers
                    .iter()
                    .map(|v| {
                        (
                            (
                                v.entity.as_str(),
                                v.year,
                                v.period,
                                v.kind.as_str(),
                                v.number,
                            ),
                            v.file.as_str(),
                            book.voucher_date(v),
                        )
                    })
                    .collect();
                let tags = crate::model::voucher::tags(&members);
                for (v, t) in vouchers.iter_mut().zip(tags) {
                    v.tag = t;
                }
                vouchers.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                let linked = s(&df, "linked_voucher")?;
                let vouchers = link(vouchers, &linked, book);
                let mut entities: Vec<String> = vouchers.iter().map(|v| v.entity.clone()).collect();
                entities.dedup();
                entities.sort();
                entities.dedup();
                Ok((vouchers, entities))
            })();
            let econ = econ.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            vouchers.map(|v| (econ, v))
        })?;
        book.econ = econ;
        book.econ_values = econ_values;
        book.vouchers = vouchers;
        book.entities = entities;
        Ok(book)
    }

    pub fn len(&self) -> usize {
        self.econ.len()
    }
    pub fn is_empty(&self) -> bool {
        self.econ.is_empty()
    }
    pub fn code(&self, i: usize) -> &str {
        self.code.get(i).unwrap_or("")
    }
    pub fn name(&self, i: usize) -> &str {
        self.name.get(i).unwrap_or("")
    }
    pub fn summary(&self, i: usize) -> &str {
        self.summary.get(i).unwrap_or("")
    }
    /// The voucher number as the export wrote it, when it was written.
    pub fn voucher_text(&self, i: usize) -> Option<&str> {
        self.voucher_text
            .get(i)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
    pub fn counterparty(&self, i: usize) -> Option<&str> {
        self.counterparty.get(i).filter(|s| !s.is_empty())
    }
    /// The line's 项目, when the export names one.
    pub fn project(&self, i: usize) -> Option<&str> {
        self.project.get(i).map(str::trim).filter(|x| !x.is_empty())
    }
    pub fn settlement(&self, i: usize) -> Option<&str> {
        self.settlement.get(i).filter(|s| !s.is_empty())
    }
    pub fn econ(&self, i: usize) -> Option<&str> {
        self.econ_values[self.econ[i] as usize].as_deref()
    }
    /// The 经济分类 the export itself gave (the econ code column, when not empty), whatever
    /// names the book was built with: what [`Book::econ`] gives for a book built without
    /// 经济分类 names (the workbook's column shows this).
    pub fn econ_given(&self, i: usize) -> Option<&str> {
        self.econ_code.get(i).filter(|c| !c.is_empty())
    }
    pub fn debit(&self, i: usize) -> Fen {
        Fen(self.debit.get(i).unwrap_or(0))
    }
    pub fn credit(&self, i: usize) -> Fen {
        Fen(self.credit.get(i).unwrap_or(0))
    }
    pub fn date(&self, i: usize) -> Option<NaiveDate> {
        self.date.get(i).and_then(date_from_days)
    }
    pub fn is_financial(&self, i: usize) -> bool {
        self.basis.get(i) == Some("财务会计")
    }
    pub fn is_budget(&self, i: usize) -> bool {
        self.basis.get(i) == Some("预算会计")
    }
    /// The account code starts with one of `prefixes` (first-level codes or finer).
    pub fn in_accounts(&self, i: usize, prefixes: &[String]) -> bool {
        let c = self.code(i);
        prefixes.iter().any(|p| c.starts_with(p.as_str()))
    }
    /// Where the line came from: `file.xlsx:sheet:row`.
    pub fn source(&self, i: usize) -> String {
        source_label(
            self.source_file.get(i).unwrap_or(""),
            self.source_sheet.get(i).unwrap_or(""),
            self.source_row.get(i).unwrap_or(0),
        )
    }
    /// The latest date in the book (the evaluation's year end when it is a full year).
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.date.max().and_then(date_from_days)
    }
    /// The voucher's date: its first line's.
    pub fn voucher_date(&self, v: &Voucher) -> Option<NaiveDate> {
        v.rows.iter().find_map(|&i| self.date(i))
    }
}

/// Row selections most rules share.
impl Book {
    /// The voucher's expense lines: 财务会计 expense debits; when the voucher has none (an
    /// export of the 预算会计 side only), its 预算会计 expenditure debits.
    pub fn expense_rows(&self, v: &Voucher, c: &super::config::Common) -> Vec<usize> {
        let fin: Vec<usize> = v
            .rows
            .iter()
            .copied()
            .filter(|&i| self.in_accounts(i, &c.expense_accounts) && self.debit(i).0 != 0)
            .collect();
        if !fin.is_empty() {
            return fin;
        }
        v.rows
            .iter()
            .copied()
            .filter(|&i| self.in_accounts(i, &c.budget_expense_accounts) && self.debit(i).0 != 0)
            .collect()
    }

    /// Net cash paid out on the 财务会计 side (credits − debits of cash accounts).
    pub fn cash_out(&self, v: &Voucher, c: &super::config::Common) -> (Fen, bool) {
        let mut net = Fen::ZERO;
        let mut any = false;
        for &i in &v.rows {
            if !self.is_budget(i) && self.in_accounts(i, &c.cash_accounts) {
                net += self.credit(i);
                net -= self.debit(i);
                any = true;
            }
        }
        (net, any)
    }

    /// Net 资金结存 outflow on the 预算会计 side (credits − debits of 8001).
    pub fn budget_cash_out(&self, v: &Voucher, c: &super::config::Common) -> (Fen, bool) {
        let mut net = Fen::ZERO;
        let mut any = false;
        for &i in &v.rows {
            if self.in_accounts(i, &c.budget_cash_accounts) {
                net += self.credit(i);
                net -= self.debit(i);
                any = true;
            }
        }
        (net, any)
    }

    pub fn has_budget_lines(&self, v: &Voucher) -> bool {
        v.rows.iter().any(|&i| self.is_budget(i))
    }

    /// Is this line a 公务卡 line (account name, 结算方式 or 摘要 says so)?
    pub fn is_card(&self, i: usize, c: &super::config::Common) -> bool {
        super::text::has_any(self.name(i), &c.card_words)
            || self
                .settlement(i)
                .is_some_and(|s| super::text::has_any(s, &c.card_words))
            || super::text::has_any(self.summary(i), &c.card_words)
    }
}

impl Voucher {
    /// Could this voucher settle something that happened on `d`? (booked in that month or later)
    pub fn date_ok(&self, _book: &Book, d: NaiveDate) -> bool {
        use chrono::Datelike;
        (self.year, self.period) >= (d.year(), d.month())
    }
}

#[cfg(test)]
mod tests {
    use super::{voucher_groups, Book};
    use crate::load::ledger::model::{lines_frame, test_line, LedgerLine};
    use chrono::NaiveDate;
    use std::collections::BTreeMap;

    fn line(entity: &str, number: u32, day: u32, file: &str) -> LedgerLine {
        let date = NaiveDate::from_ymd_opt(2023, 3, day).unwrap();
        let mut l = test_line(entity, None, "记", number, date, "财务会计", 100, 0);
        l.source.file = file.into();
        l
    }

    /// What a stable group-by on the voucher key gives: groups in the order of their first
    /// row, rows in book order, each key compared with every group's.
    fn naive(book: &Book) -> Vec<Vec<usize>> {
        let key = |i: usize| super::voucher_key(book, i);
        let mut keys = Vec::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in 0..book.entity.len() {
            match keys.iter().position(|k| *k == key(i)) {
                Some(g) => groups[g].push(i),
                None => {
                    keys.push(key(i));
                    groups.push(vec![i]);
                }
            }
        }
        groups
    }

    #[test]
    fn voucher_groups_by_runs_equal_a_stable_group_by_in_any_line_order() {
        let a = || line("局机关", 1, 5, "a.xlsx");
        let b = || line("局机关", 2, 5, "a.xlsx");
        let a_other_file = || line("局机关", 1, 5, "b.xlsx");
        let a_other_day = || line("局机关", 1, 6, "a.xlsx");
        let c = || line("社保中心", 1, 5, "a.xlsx");
        let orders: Vec<Vec<LedgerLine>> = vec![
            // Together (the usual journal), interleaved, a key coming back after others,
            // look-alike keys next to each other, one line, every line its own voucher.
            vec![a(), a(), b(), b(), b(), c()],
            vec![a(), b(), a(), b(), c(), a()],
            vec![a(), a_other_file(), a(), a_other_day(), a_other_day(), a()],
            vec![c(), a(), a(), c(), c(), b(), a(), a_other_file()],
            vec![a()],
            vec![a(), b(), c(), a_other_file(), a_other_day()],
        ];
        for lines in orders {
            let book = Book::new(&lines_frame(&lines).unwrap(), &BTreeMap::new()).unwrap();
            assert_eq!(voucher_groups(&book), naive(&book));
            let rows: usize = book.vouchers.iter().map(|v| v.rows.len()).sum();
            assert_eq!(rows, lines.len());
        }
    }
}
