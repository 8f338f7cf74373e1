//! Sampling populations read from the load frames: vouchers, journal lines or assets.
//! Only 正常 lines count; a voucher's amount is its 财务会计 debits (the 预算会计 side of the
//! same event is not counted twice).

use super::select::Item;
use crate::model::money::Fen;
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

/// The distinct voucher keys in key order, each with its label, and where each key stands.
struct Labels<'a> {
    names: Vec<String>,
    index: PlHashMap<Key<'a>, u32>,
}

/// The keys are made distinct in a hash map and sorted once (a tree of a million lines' keys
/// compared their texts at every level).
fn labels<'a, I: Iterator<Item = Key<'a>>>(keys: I) -> Labels<'a> {
    let mut index: PlHashMap<Key<'a>, u32> = PlHashMap::default();
    for k in keys {
        index.entry(k).or_insert(0);
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
    for (i, k) in keys.iter().enumerate() {
        index.insert(*k, i as u32);
    }
    Labels { names, index }
}

/// One item per voucher of the 正常 lines (a voucher's amount is its 财务会计 debits; its label,
/// class and source are its first line's, its class the first 经济分类 given).
fn voucher_items(df: &DataFrame) -> Result<Vec<Item>> {
    let (names, of) = voucher_of_lines(df)?;
    voucher_items_of(df, &names, &of)
}

/// [`voucher_items`] from the vouchers [`voucher_of_lines`] found, so that the classification
/// reads the same labels without building them again. A loop over the lines in row order
/// rather than a Polars group-by: each line already knows its voucher's index, and the loop
/// sums and keeps each voucher's first line as the group-by did, without a second key hash.
pub(crate) fn voucher_items_of(
    df: &DataFrame,
    names: &[String],
    of: &[Option<u32>],
) -> Result<Vec<Item>> {
    let basis = s(df, "basis")?;
    let debit = i64c(df, "debit_fen")?;
    let (summary, econ) = (s(df, "summary")?, s(df, "econ_code")?);
    let (file, sheet, row) = (
        s(df, "source_file")?,
        s(df, "source_sheet")?,
        u32c(df, "source_row")?,
    );
    // Per voucher: the 财务会计 debits, its first line, its first 经济分类.
    let mut acc: Vec<Option<(i64, usize, Option<&str>)>> = vec![None; names.len()];
    for (i, v) in of.iter().enumerate() {
        let Some(v) = v else {
            continue;
        };
        let a = acc[*v as usize].get_or_insert((0, i, None));
        if basis.get(i) != Some("预算会计") {
            a.0 += debit.get(i).unwrap_or(0);
        }
        if a.2.is_none() {
            a.2 = econ.get(i);
        }
    }
    let mut out: Vec<Item> = acc
        .into_iter()
        .zip(names)
        .filter_map(|(a, name)| {
            let (amount, first, class) = a?;
            Some(Item {
                id: name.clone(),
                amount: Fen(amount),
                label: summary.get(first).unwrap_or("").to_string(),
                class: class.map(str::to_string),
                source: source(file.get(first), sheet.get(first), row.get(first)),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The voucher of each row of the lines frame: the vouchers' labels as [`voucher_items`] names
/// them (sorted by key), and for each row the index of its voucher's label, `None` for a line
/// that is not 正常 (not in any population).
pub(crate) fn voucher_of_lines(df: &DataFrame) -> Result<(Vec<String>, Vec<Option<u32>>)> {
    let status = s(df, "status")?;
    let k = KeyColumns::of(df)?;
    let normal = |i: usize| status.get(i) == Some(crate::load::ledger::model::STATUS_NORMAL);
    let labels = labels((0..df.height()).filter(|&i| normal(i)).map(|i| k.key(i)));
    let of = (0..df.height())
        .map(|i| {
            if normal(i) {
                labels.index.get(&k.key(i)).copied()
            } else {
                None
            }
        })
        .collect();
    Ok((labels.names, of))
}

/// One item per 正常 journal line, named after its voucher as [`voucher_of_lines`] finds it.
/// A loop: every line is its own item, so there is nothing to group, only fields to copy.
fn line_items(df: &DataFrame) -> Result<Vec<Item>> {
    let (names, of) = voucher_of_lines(df)?;
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
