//! Sampling populations read from the load frames: vouchers, journal lines or assets.
//! Only 正常 lines count; a voucher's amount is its 财务会计 debits (the 预算会计 side of the
//! same event is not counted twice).

use super::select::Item;
use crate::model::money::Fen;
use crate::model::texts::Texts;
use anyhow::Result;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Vouchers,
    Lines,
    Assets,
}

super::named!(Unit {
    Vouchers = "vouchers",
    Lines = "lines",
    Assets = "assets",
});

fn s<'a>(df: &'a DataFrame, name: &str) -> Result<&'a StringChunked> {
    Ok(df
        .column(name)
        .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))?
        .str()?)
}
fn i64c<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Int64Chunked> {
    Ok(df
        .column(name)
        .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))?
        .i64()?)
}
fn u32c<'a>(df: &'a DataFrame, name: &str) -> Result<&'a UInt32Chunked> {
    Ok(df
        .column(name)
        .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))?
        .u32()?)
}
fn i32c<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Int32Chunked> {
    Ok(df
        .column(name)
        .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))?
        .i32()?)
}

fn source(file: Option<&str>, sheet: Option<&str>, row: Option<u32>) -> String {
    crate::load::ledger::model::source_label(
        file.unwrap_or(""),
        sheet.unwrap_or(""),
        row.unwrap_or(0),
    )
}

pub fn from_frames(unit: Unit, lines: &DataFrame, assets: &DataFrame) -> Result<Vec<Item>> {
    match unit {
        Unit::Assets => assets_items(assets),
        Unit::Lines | Unit::Vouchers => ledger_items(unit, lines),
    }
}

fn assets_items(df: &DataFrame) -> Result<Vec<Item>> {
    let (code, name, class) = (
        s(df, "asset_code")?,
        s(df, "asset_name")?,
        s(df, "category_code")?,
    );
    let orig = i64c(df, "original_fen")?;
    let (file, sheet, row) = (
        s(df, "source_file")?,
        s(df, "source_sheet")?,
        u32c(df, "source_row")?,
    );
    let entity = s(df, "entity")?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut id = code.get(i).unwrap_or("").to_string();
        // The same 资产编号 twice (two entities, or a register error) stays two items.
        let k = seen.entry(id.clone()).or_insert(0);
        *k += 1;
        if *k > 1 {
            id = format!("{id}#{k}（{}）", entity.get(i).unwrap_or(""));
        }
        out.push(Item {
            id,
            amount: Fen(orig.get(i).unwrap_or(0)),
            label: name.get(i).unwrap_or("").to_string(),
            class: class.get(i).map(str::to_string),
            source: source(file.get(i), sheet.get(i), row.get(i)),
        });
    }
    Ok(out)
}

fn ledger_items(unit: Unit, df: &DataFrame) -> Result<Vec<Item>> {
    match unit {
        Unit::Vouchers => voucher_items(df),
        _ => line_items(df),
    }
}

/// The voucher key (`VoucherId` plus the file and date that keep two vouchers apart) and the
/// label of each key: a unique key keeps the plain `局机关 2023-03 记-19`, a key repeated in two
/// files or on two dates is labelled with what differs.
type Key<'a> = (&'a str, i32, u32, &'a str, u32, &'a str, Option<i32>);

/// The voucher key columns of a frame (the date as days since 1970), read once.
struct KeyColumns<'a> {
    entity: &'a StringChunked,
    kind: &'a StringChunked,
    file: &'a StringChunked,
    year: &'a Int32Chunked,
    period: &'a UInt32Chunked,
    number: &'a UInt32Chunked,
    date: Int32Chunked,
}

impl<'a> KeyColumns<'a> {
    fn of(df: &'a DataFrame) -> Result<KeyColumns<'a>> {
        let date = df
            .column("date")
            .map_err(|e| anyhow::anyhow!("载入数据缺少列 date：{e}"))?
            .cast(&DataType::Int32)?;
        Ok(KeyColumns {
            entity: s(df, "entity")?,
            kind: s(df, "voucher_kind")?,
            file: s(df, "source_file")?,
            year: i32c(df, "year")?,
            period: u32c(df, "period")?,
            number: u32c(df, "voucher_number")?,
            date: date.i32()?.clone(),
        })
    }

    #[cfg(test)]
    fn key(&self, i: usize) -> Key<'_> {
        (
            self.entity.get(i).unwrap_or(""),
            self.year.get(i).unwrap_or(0),
            self.period.get(i).unwrap_or(0),
            self.kind.get(i).unwrap_or(""),
            self.number.get(i).unwrap_or(0),
            self.file.get(i).unwrap_or(""),
            self.date.get(i),
        )
    }
}

/// The names of the distinct voucher keys, given in key order each with its [`IntKey`] of
/// ranks: the plain `局机关 2023-03 记-19`, or with what tells apart keys that share entity,
/// year, period, word and number (see [`crate::model::voucher::tags`], which groups them by
/// the ranks: the same order and equality as the texts, compared as integers).
fn names_of(sorted: &[(Key, IntKey)]) -> Vec<String> {
    let members: Vec<_> = sorted
        .iter()
        .map(|(k, r)| {
            (
                (r.0, r.1, r.2, r.3, r.4),
                k.5,
                k.6.and_then(crate::load::ledger::model::date_from_days),
            )
        })
        .collect();
    let tags = crate::model::voucher::tags(&members);
    sorted
        .iter()
        .zip(tags)
        .map(|(&((e, y, p, kd, n, _, _), _), tag)| {
            // Written into a string of the right size, not grown by `format!` piece by piece.
            use std::fmt::Write;
            let tag = tag.unwrap_or_default();
            let mut name = String::with_capacity(e.len() + kd.len() + tag.len() + 24);
            let _ = write!(name, "{e} {y}-{p:02} {kd}-{n}{tag}");
            name
        })
        .collect()
}

/// A [`Key`] with each text replaced by a number: its rank among the distinct texts of its
/// field (the same order and equality as the texts), or before the ranks are known the order
/// in which it was first seen.
type IntKey = (u32, i32, u32, u32, u32, u32, Option<i32>);

/// One item per voucher of the 正常 lines (a voucher's amount is its 财务会计 debits; its label,
/// class and source are its first line's, its class the first 经济分类 given).
fn voucher_items(df: &DataFrame) -> Result<Vec<Item>> {
    let (names, of) = voucher_of_lines(df)?;
    voucher_items_of(df, &names, &of)
}

/// [`voucher_items`] from the vouchers [`voucher_of_lines`] found, so that the classification
/// reads the same labels without building them again.
pub(crate) fn voucher_items_of(
    df: &DataFrame,
    names: &[String],
    of: &[Option<u32>],
) -> Result<Vec<Item>> {
    let c = VoucherColumns::of(df)?;
    let acc = c.sums(names.len(), of);
    let mut files = FileNames::default();
    let mut out: Vec<Item> = acc
        .into_iter()
        .zip(names)
        .filter_map(|(a, name)| Some(c.item(&mut files, name.clone(), a?)))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// What a voucher item is made of, per voucher: its 财务会计 debits, its first line, its first
/// 经济分类.
pub(crate) type Sums<'a> = (i64, usize, Option<&'a str>);

/// The columns a voucher item reads.
pub(crate) struct VoucherColumns<'a> {
    basis: &'a StringChunked,
    debit: &'a Int64Chunked,
    summary: &'a StringChunked,
    econ: &'a StringChunked,
    file: &'a StringChunked,
    sheet: &'a StringChunked,
    row: &'a UInt32Chunked,
}

impl<'a> VoucherColumns<'a> {
    pub(crate) fn of(df: &'a DataFrame) -> Result<VoucherColumns<'a>> {
        Ok(VoucherColumns {
            basis: s(df, "basis")?,
            debit: i64c(df, "debit_fen")?,
            summary: s(df, "summary")?,
            econ: s(df, "econ_code")?,
            file: s(df, "source_file")?,
            sheet: s(df, "source_sheet")?,
            row: u32c(df, "source_row")?,
        })
    }

    /// Each voucher's [`Sums`] (`None` for an index no line has). A loop over the lines in
    /// row order rather than a Polars group-by: each line already knows its voucher's index,
    /// and the loop sums and keeps each voucher's first line as the group-by did, without a
    /// second key hash.
    pub(crate) fn sums(&self, count: usize, of: &[Option<u32>]) -> Vec<Option<Sums<'a>>> {
        let mut acc: Vec<Option<Sums<'a>>> = vec![None; count];
        let rows = of
            .iter()
            .zip(self.basis.iter())
            .zip(self.debit.iter())
            .zip(self.econ.iter())
            .enumerate();
        for (i, (((v, basis), debit), econ)) in rows {
            let Some(v) = v else {
                continue;
            };
            let a = acc[*v as usize].get_or_insert((0, i, None));
            if basis != Some("预算会计") {
                a.0 += debit.unwrap_or(0);
            }
            if a.2.is_none() {
                a.2 = econ;
            }
        }
        acc
    }

    /// The item of the voucher `name` (its label, class and source are its first line's).
    pub(crate) fn item(
        &self,
        files: &mut FileNames<'a>,
        name: String,
        (amount, first, class): Sums,
    ) -> Item {
        Item {
            id: name,
            amount: Fen(amount),
            label: self.summary.get(first).unwrap_or("").to_string(),
            class: class.map(str::to_string),
            source: files.source(
                self.file.get(first),
                self.sheet.get(first),
                self.row.get(first),
            ),
        }
    }
}

/// [`crate::load::ledger::model::source_label`] for many rows: the file's name worked out
/// once for each run of rows of one file, not once a row.
#[derive(Default)]
pub(crate) struct FileNames<'a> {
    last: Option<(&'a str, String)>,
}

impl<'a> FileNames<'a> {
    pub(crate) fn source(
        &mut self,
        file: Option<&'a str>,
        sheet: Option<&str>,
        row: Option<u32>,
    ) -> String {
        let file = file.unwrap_or("");
        let name = match &self.last {
            Some((f, name)) if *f == file => name,
            _ => {
                let name = std::path::Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                &self.last.insert((file, name)).1
            }
        };
        format!("{name}:{}:{}", sheet.unwrap_or(""), row.unwrap_or(0))
    }
}

/// The rows `range` of a text column, read chunk by chunk (no copy of the column, and the
/// texts borrowed for as long as the frame is).
fn str_rows<'a>(
    ca: &'a StringChunked,
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = Option<&'a str>> + 'a {
    let mut at = 0;
    ca.downcast_iter().flat_map(move |arr| {
        let (lo, hi) = (at, at + arr.len());
        at = hi;
        let (a, b) = (range.start.max(lo), range.end.min(hi));
        (a..b.max(a)).map(move |i| arr.get(i - lo))
    })
}

/// [`str_rows`] for a column of numbers.
fn num_rows<'a, T: PolarsNumericType>(
    ca: &'a ChunkedArray<T>,
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = Option<T::Native>> + 'a {
    let mut at = 0;
    ca.downcast_iter().flat_map(move |arr| {
        let (lo, hi) = (at, at + arr.len());
        at = hi;
        let (a, b) = (range.start.max(lo), range.end.min(hi));
        (a..b.max(a)).map(move |i| arr.get(i - lo))
    })
}

/// The numbers in `to` of the first `count` texts of `from`.
fn renumber<'a>(to: &mut Texts<'a>, from: &Texts<'a>, count: Option<u32>) -> Vec<u32> {
    (0..count.unwrap_or(0))
        .map(|n| to.number(from.text(n)))
        .collect()
}

/// What [`scan`] found in some rows: their texts and keys numbered as first seen, and each
/// row's key number.
struct Scan<'a> {
    entity: Texts<'a>,
    kind: Texts<'a>,
    file: Texts<'a>,
    seen: PlHashMap<IntKey, u32>,
    keys: Vec<IntKey>,
    of: Vec<Option<u32>>,
}

/// The voucher keys of the rows `range`: a row's key is compared with the previous 正常 row's
/// (a voucher's lines mostly follow each other) and looked up in a hash map of the keys seen
/// only where it differs; each new key takes the next number.
fn scan<'a>(
    status: &'a StringChunked,
    k: &KeyColumns<'a>,
    range: std::ops::Range<usize>,
) -> Scan<'a> {
    let normal = crate::load::ledger::model::STATUS_NORMAL;
    let (mut entity, mut kind, mut file) = (Texts::default(), Texts::default(), Texts::default());
    let mut seen: PlHashMap<IntKey, u32> = PlHashMap::default();
    let mut keys: Vec<IntKey> = Vec::new();
    let mut of: Vec<Option<u32>> = Vec::with_capacity(range.len());
    let mut last: Option<(IntKey, u32)> = None;
    let r = || range.clone();
    let rows = str_rows(status, r())
        .zip(str_rows(k.entity, r()))
        .zip(num_rows(k.year, r()))
        .zip(num_rows(k.period, r()))
        .zip(str_rows(k.kind, r()))
        .zip(num_rows(k.number, r()))
        .zip(str_rows(k.file, r()))
        .zip(num_rows(&k.date, r()));
    for (((((((st, e), y), p), kd), n), f), d) in rows {
        if st != Some(normal) {
            of.push(None);
            continue;
        }
        let key: IntKey = (
            entity.number(e.unwrap_or("")),
            y.unwrap_or(0),
            p.unwrap_or(0),
            kind.number(kd.unwrap_or("")),
            n.unwrap_or(0),
            file.number(f.unwrap_or("")),
            d,
        );
        let id = match last {
            Some((l, id)) if l == key => id,
            _ => *seen.entry(key).or_insert_with(|| {
                keys.push(key);
                (keys.len() - 1) as u32
            }),
        };
        last = Some((key, id));
        of.push(Some(id));
    }
    Scan {
        entity,
        kind,
        file,
        seen,
        keys,
        of,
    }
}

/// The voucher of each row of the lines frame: the vouchers' labels as [`voucher_items`] names
/// them (sorted by key), and for each row the index of its voucher's label, `None` for a line
/// that is not 正常 (not in any population).
///
/// One pass over the rows, in two halves side by side ([`scan`]), the second half's keys then
/// numbered into the first's; each new key takes the next provisional number. The distinct
/// keys are then sorted
/// once as integers (their texts ranked) and the rows' numbers mapped to the sorted order.
pub(crate) fn voucher_of_lines(df: &DataFrame) -> Result<(Vec<String>, Vec<Option<u32>>)> {
    let found = vouchers_of_lines(df)?;
    Ok((found.names(), found.of))
}

/// The vouchers [`vouchers_of_lines`] found: their keys in key order, and each row's voucher.
/// Their names are made apart ([`Self::names`]), so that a caller can make them on one thread
/// while it reads the rows' vouchers on another.
pub(crate) struct Vouchers<'a> {
    sorted: Vec<(Key<'a>, IntKey)>,
    /// Each row's voucher, its place in key order; `None` for a line that is not 正常.
    pub(crate) of: Vec<Option<u32>>,
}

impl Vouchers<'_> {
    /// How many vouchers there are.
    pub(crate) fn len(&self) -> usize {
        self.sorted.len()
    }

    /// The vouchers' names in key order, as [`voucher_of_lines`] gives them.
    pub(crate) fn names(&self) -> Vec<String> {
        names_of(&self.sorted)
    }
}

/// [`voucher_of_lines`] without the names.
pub(crate) fn vouchers_of_lines(df: &DataFrame) -> Result<Vouchers<'_>> {
    let status = s(df, "status")?;
    let k = KeyColumns::of(df)?;
    // The rows in two halves, one on each thread, then the second half's texts and keys
    // numbered into the first's: the same distinct keys, so the same vouchers in the same order.
    let half = df.height() / 2;
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| scan(status, &k, half..df.height()));
        let first = scan(status, &k, 0..half);
        (
            first,
            second
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        )
    });
    let Scan {
        mut entity,
        mut kind,
        mut file,
        mut seen,
        mut keys,
        mut of,
    } = first;
    // Each text of the second half by its number there, numbered in the first half's texts
    // (every text numbered is in some key).
    let count = |field: fn(&IntKey) -> u32| second.keys.iter().map(|k| field(k) + 1).max();
    let e2 = renumber(&mut entity, &second.entity, count(|k| k.0));
    let k2 = renumber(&mut kind, &second.kind, count(|k| k.3));
    let f2 = renumber(&mut file, &second.file, count(|k| k.5));
    let id2: Vec<u32> = second
        .keys
        .iter()
        .map(|k| {
            let key: IntKey = (
                e2[k.0 as usize],
                k.1,
                k.2,
                k2[k.3 as usize],
                k.4,
                f2[k.5 as usize],
                k.6,
            );
            *seen.entry(key).or_insert_with(|| {
                keys.push(key);
                (keys.len() - 1) as u32
            })
        })
        .collect();
    drop(seen);
    of.extend(second.of.iter().map(|v| v.map(|v| id2[v as usize])));
    let (er, kr, fr) = (entity.ranks(), kind.ranks(), file.ranks());
    let ranked: Vec<IntKey> = keys
        .iter()
        .map(|k| {
            let (e, kd, f) = (k.0 as usize, k.3 as usize, k.5 as usize);
            (er[e], k.1, k.2, kr[kd], k.4, fr[f], k.6)
        })
        .collect();
    // The keys are distinct, so an unstable sort gives the one key order.
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_unstable_by_key(|&i| ranked[i as usize]);
    let mut position = vec![0u32; keys.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i as usize] = pos as u32;
    }
    for v in of.iter_mut().flatten() {
        *v = position[*v as usize];
    }
    let sorted: Vec<(Key, IntKey)> = order
        .iter()
        .map(|&i| {
            let k = keys[i as usize];
            let texts = (entity.text(k.0), kind.text(k.3), file.text(k.5));
            let key: Key = (texts.0, k.1, k.2, texts.1, k.4, texts.2, k.6);
            (key, ranked[i as usize])
        })
        .collect();
    Ok(Vouchers { sorted, of })
}

/// One item per 正常 journal line, named after its voucher as [`voucher_of_lines`] finds it.
/// A loop: every line is its own item, so there is nothing to group, only fields to copy.
fn line_items(df: &DataFrame) -> Result<Vec<Item>> {
    let (names, of) = voucher_of_lines(df)?;
    line_items_of(df, &names, &of)
}

/// [`line_items`] from the vouchers [`voucher_of_lines`] found.
pub(crate) fn line_items_of(
    df: &DataFrame,
    names: &[String],
    of: &[Option<u32>],
) -> Result<Vec<Item>> {
    let line_no = u32c(df, "line_no")?;
    let (debit, credit) = (i64c(df, "debit_fen")?, i64c(df, "credit_fen")?);
    let (summary, econ) = (s(df, "summary")?, s(df, "econ_code")?);
    let (file, sheet, row) = (
        s(df, "source_file")?,
        s(df, "source_sheet")?,
        u32c(df, "source_row")?,
    );
    Ok(of
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = (*v)?;
            Some(Item {
                id: format!("{}#{}", names[v as usize], line_no.get(i).unwrap_or(0)),
                amount: Fen(debit.get(i).unwrap_or(0)) + Fen(credit.get(i).unwrap_or(0)),
                label: summary.get(i).unwrap_or("").to_string(),
                class: econ.get(i).map(str::to_string),
                source: source(file.get(i), sheet.get(i), row.get(i)),
            })
        })
        .collect())
}

/// The voucher identification as it was before [`voucher_of_lines`] ranked texts and skipped
/// repeated keys: each 正常 row's key hashed twice, the keys sorted with their texts. Kept as
/// the reference the tests compare the fast one with.
#[cfg(test)]
pub(crate) fn voucher_of_lines_reference(
    df: &DataFrame,
) -> Result<(Vec<String>, Vec<Option<u32>>)> {
    let status = s(df, "status")?;
    let k = KeyColumns::of(df)?;
    let normal = |i: usize| status.get(i) == Some(crate::load::ledger::model::STATUS_NORMAL);
    let mut index: PlHashMap<Key, u32> = PlHashMap::default();
    for i in (0..df.height()).filter(|&i| normal(i)) {
        index.entry(k.key(i)).or_insert(0);
    }
    let mut keys: Vec<Key> = index.keys().copied().collect();
    keys.sort_unstable();
    let members: Vec<_> = keys
        .iter()
        .map(|k| {
            (
                (k.0, k.1, k.2, k.3, k.4),
                k.5,
                k.6.and_then(crate::load::ledger::model::date_from_days),
            )
        })
        .collect();
    let tags = crate::model::voucher::tags(&members);
    let names = keys
        .iter()
        .zip(tags)
        .map(|(&(e, y, p, kd, n, _, _), tag)| {
            format!("{e} {y}-{p:02} {kd}-{n}{}", tag.unwrap_or_default())
        })
        .collect();
    for (i, key) in keys.iter().enumerate() {
        index.insert(*key, i as u32);
    }
    let of = (0..df.height())
        .map(|i| normal(i).then(|| index[&k.key(i)]))
        .collect();
    Ok((names, of))
}
