//! CSV / TSV exports read into the same sheet shape as a workbook, whatever their encoding:
//! UTF-8 (with or without BOM), UTF-16 (Excel's “Unicode text”), GBK and GB18030.
//!
//! Encoding is detected, not assumed: a BOM decides; otherwise the file is tried as UTF-8 and
//! as GB18030 (a superset of GBK) record by record and the encoding with fewer undecodable
//! records wins (UTF-8 on a tie). Records that the chosen encoding cannot decode are not
//! patched with replacement characters: they become rejected rows (sheet, row, reason), so a
//! corrupted byte never turns into a plausible-looking wrong value.
//!
//! A body that is valid UTF-8 as a whole (the usual export; UTF-16 once decoded) is read in
//! one pass, field by field into the cells ([`utf8_cells`]); only a body that is not needs
//! its records kept, to count each encoding's failures before choosing one.

use crate::load::formats::workbook::{self, Sheet, UsedRange};
use anyhow::{anyhow, Result};
use calamine::{Data, Range};
use std::collections::BTreeMap;
use std::path::Path;

/// The encodings this reader names in its report.
pub const UTF8: &str = "UTF-8";
pub const UTF8_BOM: &str = "UTF-8（带 BOM）";
pub const UTF16: &str = "UTF-16";
pub const GB18030: &str = "GBK/GB18030";

/// The delimiter of a text, by counting candidates in its first 8 KiB. `pipe`: whether `|` is a
/// candidate — only for UTF-8 bytes: a GBK character's second byte may be 0x7C.
fn delimiter(text_head: &[u8], pipe: bool) -> u8 {
    let sample = &text_head[..text_head.len().min(8192)];
    let count = |b: u8| sample.iter().filter(|&&c| c == b).count();
    let (tabs, commas, semis, pipes) = (count(b'\t'), count(b','), count(b';'), count(b'|'));
    // Pipe-separated text (some treasury and bank systems' exports): only where pipes
    // outnumber every other candidate, so a comma file with a `|` in a 摘要 stays a comma file.
    if pipe && pipes > commas && pipes > tabs && pipes > semis {
        b'|'
    } else if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas {
        b';'
    } else {
        b','
    }
}

/// The one way a delimited body is split: no header row, records of any length (title rows
/// are shorter than the table), the sniffed delimiter.
fn reader(bytes: &[u8], delim: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(bytes)
}

/// Split bytes into records (csv handles quotes and embedded newlines), fields still raw.
/// A `ByteRecord` keeps a record's fields in one buffer: one allocation per row, not per cell.
fn records(bytes: &[u8], delim: u8) -> Result<Vec<csv::ByteRecord>> {
    let mut rdr = reader(bytes, delim);
    let mut out = Vec::new();
    for r in rdr.byte_records() {
        let r = r.map_err(|e| anyhow!("CSV 结构无法解析：{e}"))?;
        out.push(r);
    }
    Ok(out)
}

/// Decodes one field strictly: `None` when the bytes are not valid in the encoding.
type Decoder = fn(&[u8]) -> Option<String>;

fn utf8(f: &[u8]) -> Option<String> {
    std::str::from_utf8(f).ok().map(str::to_string)
}

fn gb18030(f: &[u8]) -> Option<String> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(f)
        .map(|c| c.into_owned())
}

/// A field of only ASCII whitespace (or nothing) holds no value; other whitespace (the
/// ideographic space) is judged after decoding, as `str::trim` does in the loaders.
fn trimmed_empty(f: &[u8]) -> bool {
    match f.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if f[i] < 0x80 => false,
        Some(_) => std::str::from_utf8(f).is_ok_and(|s| s.trim().is_empty()),
    }
}

/// [`trimmed_empty`] of a field already decoded as `text`.
fn trimmed_empty_text(f: &[u8], text: &str) -> bool {
    match f.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) if f[i] < 0x80 => false,
        Some(_) => text.trim().is_empty(),
    }
}

fn too_long(path: &Path) -> anyhow::Error {
    anyhow!(
        "文件 {} 的行数或列数超过了 4,294,967,295，无法作为表格读取",
        path.display()
    )
}

/// The grid of a body that is valid UTF-8 as a whole: each field holding a value becomes a
/// cell as it is read (one reused record, no copy of the file's records), then the grid is
/// checked against the cells' extent and filled, as for a workbook.
fn utf8_cells(path: &Path, sheet: &str, body: &[u8], delim: u8) -> Result<Range<Data>> {
    let mut rdr = reader(body, delim);
    let mut rec = csv::ByteRecord::new();
    let mut cells: Vec<(u32, u32, Data)> = Vec::new();
    let mut ext = UsedRange::new(true);
    let mut row = 0usize;
    while rdr
        .read_byte_record(&mut rec)
        .map_err(|e| anyhow!("CSV 结构无法解析：{e}"))?
    {
        let r = u32::try_from(row).map_err(|_| too_long(path))?;
        for (c, f) in rec.iter().enumerate() {
            if !trimmed_empty(f) {
                let c = u32::try_from(c).map_err(|_| too_long(path))?;
                ext.add(r, c);
                // Valid: the whole body was checked (lossy never substitutes here).
                cells.push((r, c, Data::String(String::from_utf8_lossy(f).into_owned())));
            }
        }
        row += 1;
    }
    ext.check(path, sheet)?;
    let mut range: Range<Data> = ext.grid();
    for (r, c, v) in cells {
        range.set_value((r, c), v);
    }
    Ok(range)
}

/// A delimited text's body as UTF-8 bytes where a BOM says so (UTF-16 decoded whole, a UTF-8
/// BOM dropped), else the bytes as they are; and the encoding the BOM named (UTF-8 without one).
fn body<'b>(path: &Path, bytes: &'b [u8]) -> Result<(std::borrow::Cow<'b, [u8]>, &'static str)> {
    // UTF-16 with a BOM: decode the whole text first (it cannot be split as bytes).
    let utf16 = if bytes.starts_with(&[0xFF, 0xFE]) {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(enc) = utf16 {
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(anyhow!(
                "文件 {} 按 UTF-16 解码时遇到无效字节，无法可靠读取",
                path.display()
            ));
        }
        return Ok((text.into_owned().into_bytes().into(), UTF16));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok((rest.into(), UTF8_BOM));
    }
    Ok((bytes.into(), UTF8))
}

fn sheet_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "CSV".into())
}

/// A delimited text file whose body is valid UTF-8 (the usual export; UTF-16 once decoded),
/// streamed as one sheet named after the file: its records parsed on a second thread while
/// `consume` takes the cells ([`workbook::stream_from`]), the cells exactly those [`read`]
/// puts in its grid (rows and columns numbered from the file's first line and field).
/// A body that is not valid UTF-8 (GBK/GB18030, bad bytes) reaches `consume` as the error of
/// the cell where that shows (the caller then reads the file with [`read`], which decides
/// its encoding record by record); so do a CSV structure error and an oversized file
/// (worded as [`read`]'s).
pub fn stream_utf8<T>(
    path: &Path,
    bytes: &[u8],
    consume: impl FnOnce(&mut workbook::CellStream) -> T,
) -> Result<(T, &'static str)> {
    let (body, encoding) = body(path, bytes)?;
    // A body that is not valid UTF-8 is found field by field below (the fields are all of
    // its bytes but the delimiters and line ends): the stream then fails, and the caller
    // reads the file whole. GBK text fails on its first non-ASCII field, the title.
    let name = sheet_name(path);
    let delim = delimiter(&body, true);
    let body: &[u8] = &body;
    let produce = move |sink: &mut workbook::CellSink| {
        if !sink.sheet(name) {
            return;
        }
        let mut rdr = reader(body, delim);
        let mut rec = csv::ByteRecord::new();
        let mut row = 0usize;
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    sink.fail(anyhow!("CSV 结构无法解析：{e}"));
                    return;
                }
            }
            let Ok(r) = u32::try_from(row) else {
                sink.fail(too_long(path));
                return;
            };
            for (c, f) in rec.iter().enumerate() {
                if !sink.tick() {
                    return;
                }
                let Ok(text) = std::str::from_utf8(f) else {
                    sink.fail(anyhow!("文件 {} 不是有效的 UTF-8 文本", path.display()));
                    return;
                };
                if trimmed_empty_text(f, text) {
                    continue;
                }
                let Ok(c) = u32::try_from(c) else {
                    sink.fail(too_long(path));
                    return;
                };
                if !sink.text(r, c, text) {
                    return;
                }
            }
            row += 1;
        }
        sink.end();
    };
    Ok((workbook::stream_from(produce, consume), encoding))
}

/// A delimited text file as one sheet named after the file; `encoding` says what was detected.
pub fn read(path: &Path, bytes: &[u8]) -> Result<(Sheet, &'static str)> {
    let name = sheet_name(path);
    let (body, encoding) = body(path, bytes)?;
    let body: &[u8] = &body;
    let is_utf8 = std::str::from_utf8(body).is_ok();
    let delim = delimiter(body, is_utf8);
    // Pipe-separated GBK/GB18030 text: decoded whole before it is split (a character's second
    // byte may be 0x7C, which a split of the raw bytes would take for a delimiter).
    if !is_utf8 && delimiter(body, true) == b'|' {
        let (text, _, bad) = encoding_rs::GB18030.decode(body);
        if !bad {
            let text = text.as_bytes();
            let range = utf8_cells(path, &name, text, delimiter(text, true))?;
            return Ok((
                Sheet {
                    name,
                    range,
                    bad_rows: BTreeMap::new(),
                },
                GB18030,
            ));
        }
    }
    // Valid UTF-8 as a whole (the usual export, and UTF-16 once decoded): one pass straight
    // from the CSV reader into the cells, no record kept.
    if is_utf8 {
        let range = utf8_cells(path, &name, body, delim)?;
        return Ok((
            Sheet {
                name,
                range,
                bad_rows: BTreeMap::new(),
            },
            encoding,
        ));
    }
    let recs = records(body, delim)?;
    // Not valid UTF-8 as a whole: GBK/GB18030, or UTF-8 with bad bytes.
    let (encoding, decoder) = if encoding == UTF8 {
        let fails = |d: Decoder| {
            recs.iter()
                .filter(|r| r.iter().any(|f| d(f).is_none()))
                .count()
        };
        if fails(gb18030) < fails(utf8) {
            (GB18030, gb18030 as Decoder)
        } else {
            (UTF8, utf8 as Decoder)
        }
    } else {
        (encoding, utf8 as Decoder)
    };
    // The grid is bounded by the fields holding a value and the rows kept for their bad
    // bytes (a line of 16,384 empty fields widens nothing), and checked before allocation.
    let mut ext = UsedRange::new(true);
    let mut bad_rows = BTreeMap::new();
    let mut decoded: Vec<Option<Vec<String>>> = Vec::new();
    for (i, rec) in recs.iter().enumerate() {
        let row = u32::try_from(i).map_err(|_| too_long(path))?;
        // Each record is decoded once here and kept for the second pass.
        let fields: Option<Vec<String>> = rec.iter().map(decoder).collect();
        match &fields {
            Some(fields) => {
                for (c, v) in fields.iter().enumerate() {
                    if !v.trim().is_empty() {
                        ext.add(row, u32::try_from(c).map_err(|_| too_long(path))?);
                    }
                }
            }
            None => {
                ext.add(row, 0);
                bad_rows.insert(
                    i,
                    format!("该行含有无法按 {encoding} 解码的字节（文件可能损坏或混用了编码），整行未载入"),
                );
            }
        }
        decoded.push(fields);
    }
    ext.check(path, &name)?;
    let mut range: Range<Data> = ext.grid();
    for (i, fields) in decoded.into_iter().enumerate() {
        for (c, v) in fields.into_iter().flatten().enumerate() {
            if !v.trim().is_empty() {
                range.set_value((i as u32, c as u32), Data::String(v));
            }
        }
    }
    Ok((
        Sheet {
            name,
            range,
            bad_rows,
        },
        encoding,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_utf8_and_bad_bytes() {
        let text = "摘要,借方\n支付办公费,\"1,234.50\"\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let p = Path::new("x.csv");
        let (s, enc) = read(p, &gbk).unwrap();
        assert_eq!(enc, GB18030);
        assert_eq!(
            s.range.get_value((1, 0)),
            Some(&Data::String("支付办公费".into()))
        );
        assert_eq!(
            s.range.get_value((1, 1)),
            Some(&Data::String("1,234.50".into()))
        );
        let (s, enc) = read(p, text.as_bytes()).unwrap();
        assert_eq!(enc, UTF8);
        assert!(s.bad_rows.is_empty());
        // A GBK file with one corrupted record: that record is rejected, the rest decoded.
        let mut bytes = gbk.into_owned();
        bytes.extend_from_slice(b"\xff\xfe\xfd,1\n");
        bytes.extend(encoding_rs::GBK.encode("支付电费,2\n").0.iter());
        let (s, enc) = read(p, &bytes).unwrap();
        assert_eq!(enc, GB18030);
        assert_eq!(s.bad_rows.keys().copied().collect::<Vec<_>>(), vec![2]);
        assert_eq!(
            s.range.get_value((3, 0)),
            Some(&Data::String("支付电费".into()))
        );
        // Tabs and a BOM.
        let (s, enc) = read(p, "\u{feff}摘要\t借方\n办公费\t1\n".as_bytes()).unwrap();
        assert_eq!(enc, UTF8_BOM);
        assert_eq!(s.range.get_value((1, 1)), Some(&Data::String("1".into())));
    }
}
