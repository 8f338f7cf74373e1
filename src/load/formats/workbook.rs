//! Opening a spreadsheet by its bytes, not its extension, with one plain sentence when it
//! cannot be read.
//!
//! Every reader here (xlsx, xls, CSV, HTML, SpreadsheetML) hands the loaders a dense
//! `Range<Data>`; what makes that safe on a hostile file is that the range is bounded by the
//! cells that hold a value (blank cells, empty and whitespace-only strings do not count) and
//! is never larger than [`DENSE_FLOOR`] cells or [`DENSE_RATIO`] times the cells present —
//! a sheet whose few values lie far apart (A1 and XFD1048576) is refused with the sheet and
//! the far cell named, before anything is allocated. So memory stays proportional to the
//! cells in the file, and the loaders' row loops never walk a million empty rows.
//!
//! The ledger loader reads an .xlsx without the grid: [`stream_xlsx`] hands it the valued
//! cells from a parse thread, and it checks the same extent as the cells go by
//! (`load/ledger/read.rs`, module `stream`).

use crate::model::provenance::{io_reason, open_input};
use anyhow::{anyhow, bail, Result};
use calamine::{Cell, Data, DataRef, Range, Reader, Xls, Xlsx, XlsxError};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

#[derive(Debug)]
pub struct Sheet {
    pub name: String,
    pub range: Range<Data>,
    /// Rows (range index) that could not be decoded at all (a text file's bad bytes), with
    /// the reason; the loaders reject them rather than read a patched value.
    pub bad_rows: std::collections::BTreeMap<usize, String>,
}

impl Sheet {
    /// 1-based spreadsheet row of the range's row `i`.
    pub fn row_number(&self, i: usize) -> u32 {
        self.range.start().map(|(r, _)| r).unwrap_or(0) + i as u32 + 1
    }

    /// Column letter of the range's column `i` (A, B, …, AA).
    pub fn column_letter(&self, i: usize) -> String {
        column_letters(self.range.start().map(|(_, c)| c).unwrap_or(0) as u64 + i as u64)
    }
}

/// Column letters of the 0-based column `c` (0 → A, 26 → AA).
pub fn column_letters(c: u64) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A1-style name of the 0-based cell (`row`, `col`).
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col as u64), row as u64 + 1)
}

/// Whether a cell holds something: not blank, not an empty or whitespace-only string (the
/// loaders read those as empty too).
pub fn has_value(d: &Data) -> bool {
    match d {
        Data::Empty => false,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => !s.trim().is_empty(),
        _ => true,
    }
}

fn has_value_ref(d: &DataRef<'_>) -> bool {
    match d {
        DataRef::Empty => false,
        DataRef::SharedString(s) => !s.trim().is_empty(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            !s.trim().is_empty()
        }
        _ => true,
    }
}

/// Any sheet may be read into a dense grid of this many cells (32 bytes each: 128 MB) …
pub const DENSE_FLOOR: u64 = 4 << 20;
/// … or of this many times the cells that hold a value, whichever is larger. A ledger or
/// register fills most of its grid (a sparse export with merged-cell gaps, a third); a grid
/// eight times its values is a sheet with a stray far cell, not data.
pub const DENSE_RATIO: u64 = 8;

/// The extent of a sheet's valued cells, gathered before its grid is allocated.
#[derive(Debug, Clone)]
pub struct UsedRange {
    /// Grid anchored at A1 (the text readers: their rows are numbered from the file's first
    /// line) rather than at the first valued cell (workbooks, as calamine does).
    origin: bool,
    start: (u32, u32),
    end: (u32, u32),
    /// Valued cells (and rows kept for their bad bytes) seen.
    count: u64,
    /// The bottom-most and the right-most cell, named when the grid is refused.
    lowest: (u32, u32),
    rightmost: (u32, u32),
}

impl UsedRange {
    pub fn new(origin: bool) -> UsedRange {
        UsedRange {
            origin,
            start: (u32::MAX, u32::MAX),
            end: (0, 0),
            count: 0,
            lowest: (0, 0),
            rightmost: (0, 0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// A cell that holds a value.
    pub fn add(&mut self, row: u32, col: u32) {
        self.count += 1;
        self.start = (self.start.0.min(row), self.start.1.min(col));
        if self.count == 1 || row > self.end.0 {
            self.end.0 = row;
            self.lowest = (row, col);
        }
        if self.count == 1 || col > self.end.1 {
            self.end.1 = col;
            self.rightmost = (row, col);
        }
    }

    /// The grid's first and last cell, `None` when no cell holds a value.
    pub fn bounds(&self) -> Option<((u32, u32), (u32, u32))> {
        if self.count == 0 {
            return None;
        }
        let start = if self.origin { (0, 0) } else { self.start };
        Some((start, self.end))
    }

    /// Refuse a grid out of proportion to the cells present (see [`DENSE_RATIO`]).
    pub fn check(&self, path: &Path, sheet: &str) -> Result<()> {
        let Some((start, end)) = self.bounds() else {
            return Ok(());
        };
        let area = (end.0 - start.0) as u64 + 1;
        let area = area * ((end.1 - start.1) as u64 + 1);
        if area <= DENSE_FLOOR.max(DENSE_RATIO.saturating_mul(self.count)) {
            return Ok(());
        }
        let far = if self.lowest == self.rightmost {
            cell_name(self.lowest.0, self.lowest.1)
        } else {
            format!(
                "最下 {}，最右 {}",
                cell_name(self.lowest.0, self.lowest.1),
                cell_name(self.rightmost.0, self.rightmost.1)
            )
        };
        bail!(
            "文件 {} 的工作表“{sheet}”只有 {} 个有值的单元格，却散布在 {}:{} 这样大的区域里（最远的单元格：{far}），按区域读入要占 {} 个单元格的内存，未读取；请删去远处多余的单元格（或只把数据区域复制到新表）后再载入",
            path.display(),
            crate::model::money::grouped_int(self.count as u128),
            cell_name(start.0, start.1),
            cell_name(end.0, end.1),
            crate::model::money::grouped_int(area as u128)
        )
    }

    /// An empty grid of the checked bounds (call [`UsedRange::check`] first).
    pub fn grid(&self) -> Range<Data> {
        match self.bounds() {
            Some((start, end)) => Range::new(start, end),
            None => Range::empty(),
        }
    }
}

/// A checked grid from a sheet's valued cells (cells without a value are dropped).
pub fn grid_from_cells(
    path: &Path,
    sheet: &str,
    origin: bool,
    cells: Vec<(u32, u32, Data)>,
) -> Result<Range<Data>> {
    let mut ext = UsedRange::new(origin);
    for (r, c, v) in &cells {
        if has_value(v) {
            ext.add(*r, *c);
        }
    }
    ext.check(path, sheet)?;
    let mut range = ext.grid();
    for (r, c, v) in cells {
        if has_value(&v) {
            range.set_value((r, c), v);
        }
    }
    Ok(range)
}

/// What the first bytes of a file say it is.
fn sniff(path: &Path) -> Result<&'static str> {
    let mut head = [0u8; 512];
    let mut f = open_input(path)?;
    let n = read_head(&mut f, &mut head)
        .map_err(|e| anyhow!("无法读取文件 {}：{}", path.display(), io_reason(&e)))?;
    let head = &head[..n];
    if n == 0 {
        return Ok("empty");
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok("zip");
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok("cfb");
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    // SpreadsheetML first: its <Table> element would otherwise look like HTML.
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet")
        || text.contains("progid=\"excel.sheet\"")
    {
        return Ok("xml");
    }
    if text.contains("<html") || text.contains("<table") {
        return Ok("html");
    }
    if text.contains("<?xml") {
        return Ok("xml");
    }
    // Delimited text: a BOM, or no NUL bytes and a comma, tab, semicolon or pipe in the first
    // lines.
    if head.starts_with(&[0xEF, 0xBB, 0xBF])
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || (!head.contains(&0) && head.iter().any(|b| matches!(b, b',' | b'\t' | b';' | b'|')))
    {
        return Ok("text");
    }
    Ok("other")
}

/// Fill `buf` as far as the file goes (one `read` may return less than is there).
fn read_head(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Limits on what an .xlsx may unpack to, checked on the zip directory before any parsing:
/// a 1M-line ledger's sheet XML is about 0.4 GB, so 4 GB in all is generous; XML compresses
/// 10–30×, so a large entry compressed more than 300× is a zip bomb, not a ledger.
const MAX_UNPACKED: u64 = 4 << 30;
const MAX_RATIO: u64 = 300;
const RATIO_FLOOR: u64 = 16 << 20;

fn check_zip(path: &Path) -> Result<()> {
    let p = path.display();
    let f = open_input(path)?;
    let mut z = zip::ZipArchive::new(BufReader::new(f))
        .map_err(|e| anyhow!("文件 {p} 是 zip 压缩包，但已损坏或不完整（{e}）"))?;
    let mut total = 0u64;
    for i in 0..z.len() {
        let e = z
            .by_index_raw(i)
            .map_err(|e| anyhow!("文件 {p} 的压缩目录已损坏（{e}）"))?;
        total = total.saturating_add(e.size());
        if e.size() > RATIO_FLOOR && e.size() / e.compressed_size().max(1) > MAX_RATIO {
            bail!(
                "文件 {p} 中的 {} 由 {} 字节解压为 {} 字节（{} 倍），疑似压缩炸弹，未读取",
                e.name().map(|n| n.to_string()).unwrap_or_default(),
                e.compressed_size(),
                e.size(),
                e.size() / e.compressed_size().max(1)
            );
        }
    }
    if total > MAX_UNPACKED {
        bail!("文件 {p} 声明解压后共 {total} 字节，超过 {MAX_UNPACKED} 字节的上限，疑似压缩炸弹，未读取");
    }
    Ok(())
}

/// An OLE container holding an `EncryptedPackage` stream is a password-protected OOXML file.
fn is_encrypted_ooxml(path: &Path) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    crate::model::provenance::read_input(path)
        .map(|b| b.windows(name.len()).any(|w| w == name.as_slice()))
        .unwrap_or(false)
}

/// Every sheet of a workbook, in workbook order.
pub fn read_sheets(path: &Path) -> Result<Vec<Sheet>> {
    let p = path.display();
    match sniff(path)? {
        "zip" => {
            check_zip(path)?;
            read_xlsx(path)
        }
        "cfb" => read_xls(path),
        "empty" => bail!("文件 {p} 是空文件（0 字节）"),
        "html" => bail!(
            "文件 {p} 实际是 HTML 网页表格，不是 Excel 工作簿；请在 Excel/WPS 中另存为 .xlsx 后再载入"
        ),
        "xml" => bail!(
            "文件 {p} 实际是 XML（可能是 SpreadsheetML 2003），不是 .xlsx；请在 Excel/WPS 中另存为 .xlsx 后再载入"
        ),
        "text" => bail!("文件 {p} 是文本（CSV），此处需要 Excel 工作簿"),
        _ => bail!("文件 {p} 不是 Excel 工作簿（.xlsx/.xls），也不是 CSV 文本"),
    }
}

/// An .xlsx, each sheet streamed cell by cell: only cells holding a value are kept, and the
/// grid is checked against them before it is allocated (calamine's own `worksheet_range`
/// sizes its grid by the farthest cell, empty strings included).
fn read_xlsx(path: &Path) -> Result<Vec<Sheet>> {
    let p = path.display();
    let mut wb: Xlsx<BufReader<File>> = Xlsx::new(BufReader::new(open_input(path)?))
        .map_err(|e| anyhow!("文件 {p} 是 zip 压缩包，但不是可读的 .xlsx 工作簿（{e}）"))?;
    let names = wb.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let unreadable = |e: XlsxError| anyhow!("文件 {p} 的工作表“{name}”无法读取：{e}");
        let mut cells: Vec<Cell<Data>> = Vec::new();
        let mut ext = UsedRange::new(false);
        match wb.worksheet_cells_reader(&name) {
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(unreadable)? {
                    let v = cell.get_value();
                    if has_value_ref(v) {
                        let (r, c) = cell.get_position();
                        ext.add(r, c);
                        cells.push(Cell::new((r, c), Data::from(v.clone())));
                    }
                }
            }
            // A chart sheet or dialog sheet: no cells (as calamine reads it).
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(unreadable(e)),
        }
        ext.check(path, &name)?;
        out.push(Sheet {
            name,
            range: Range::from_sparse(cells),
            bad_rows: Default::default(),
        });
    }
    Ok(out)
}

/// An .xls. calamine parses every sheet of a BIFF file into a dense grid as it opens it, so
/// the BIFF records are scanned first ([`xls_scan`]) and a sheet out of proportion refused
/// before calamine sees the file; each grid is then trimmed to the cells holding a value.
fn read_xls(path: &Path) -> Result<Vec<Sheet>> {
    let p = path.display();
    let not_xls = |e: &dyn std::fmt::Display| {
        if is_encrypted_ooxml(path) {
            anyhow!("文件 {p} 是受密码保护（加密）的工作簿；请在 Excel/WPS 中输入密码、取消加密后另存为 .xlsx 再载入")
        } else {
            anyhow!("文件 {p} 是 OLE 复合文档，但不是可读的 .xls 工作簿（可能已损坏：{e}）")
        }
    };
    xls_scan::check(path)?;
    let mut wb: Xls<BufReader<File>> =
        Xls::new(BufReader::new(open_input(path)?)).map_err(|e| not_xls(&e))?;
    let names = wb.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| anyhow!("文件 {p} 的工作表“{name}”无法读取：{e}"))?;
        out.push(Sheet {
            range: trim_to_values(range),
            name,
            bad_rows: Default::default(),
        });
    }
    Ok(out)
}

/// The part of a grid bounded by its cells holding a value (empty strings do not count).
fn trim_to_values(range: Range<Data>) -> Range<Data> {
    let mut ext = UsedRange::new(false);
    for (r, c, v) in range.used_cells() {
        if has_value(v) {
            ext.add(r as u32, c as u32);
        }
    }
    let Some(start) = range.start() else {
        return range;
    };
    match ext.bounds() {
        None => Range::empty(),
        Some((s, e)) => {
            let (s, e) = (
                (s.0 + start.0, s.1 + start.1),
                (e.0 + start.0, e.1 + start.1),
            );
            if Some(s) == range.start() && Some(e) == range.end() {
                range
            } else {
                range.range(s, e)
            }
        }
    }
}

/// A pre-scan of an .xls workbook's BIFF records: the extent of each sheet's cells as
/// calamine will materialise them (values and formulas, empty strings included, since
/// calamine keeps those), and the used range each sheet declares (calamine reserves it).
mod xls_scan {
    use super::UsedRange;
    use anyhow::{anyhow, bail, Result};
    use std::io::Read;
    use std::path::Path;

    /// The largest sheet BIFF8 can describe (65,536 rows × 256 columns).
    const MAX_DECLARED: u64 = 65_536 * 256;

    fn u16_at(d: &[u8], i: usize) -> Option<u32> {
        d.get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as u32)
    }
    fn u32_at(d: &[u8], i: usize) -> Option<u32> {
        d.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Records from `pos`: (type, data), stopping quietly at a truncated record (calamine
    /// reports that one itself).
    fn records(stream: &[u8], mut pos: usize) -> impl Iterator<Item = (u16, &[u8])> {
        std::iter::from_fn(move || {
            let typ = u16_at(stream, pos)? as u16;
            let len = u16_at(stream, pos + 2)? as usize;
            let data = stream.get(pos + 4..pos + 4 + len)?;
            pos += 4 + len;
            Some((typ, data))
        })
    }

    fn sheet_name(d: &[u8], biff8: bool) -> String {
        let Some(&cch) = d.get(6) else {
            return String::new();
        };
        let cch = cch as usize;
        if biff8 {
            let wide = d.get(7).is_some_and(|f| f & 1 == 1);
            if wide {
                let units: Vec<u16> = d
                    .get(8..8 + 2 * cch)
                    .unwrap_or_default()
                    .chunks_exact(2)
                    .map(|b| u16::from_le_bytes([b[0], b[1]]))
                    .collect();
                return String::from_utf16_lossy(&units);
            }
            return d
                .get(8..8 + cch)
                .unwrap_or_default()
                .iter()
                .map(|&b| b as char)
                .collect();
        }
        let bytes = d.get(7..7 + cch).unwrap_or_default();
        encoding_rs::GB18030.decode(bytes).0.into_owned()
    }

    pub fn check(path: &Path) -> Result<()> {
        let p = path.display();
        // Not an OLE file calamine can read, or no workbook stream: calamine says so.
        let Ok(mut cf) = cfb::CompoundFile::open(crate::model::provenance::open_input(path)?)
        else {
            return Ok(());
        };
        let mut stream = Vec::new();
        let opened = match cf.open_stream("/Workbook") {
            Ok(s) => Ok(s),
            Err(_) => cf.open_stream("/Book"),
        };
        let Ok(mut s) = opened else {
            return Ok(());
        };
        s.read_to_end(&mut stream)
            .map_err(|e| anyhow!("文件 {p} 的工作簿数据流无法读取（{e}）"))?;
        // Globals: the sheets' names and where their records start.
        let mut sheets = Vec::new();
        let mut biff8 = false;
        for (typ, d) in records(&stream, 0) {
            match typ {
                0x0809 => biff8 = u16_at(d, 0) == Some(0x0600),
                0x0085 => {
                    if let Some(pos) = u32_at(d, 0) {
                        sheets.push((pos as usize, sheet_name(d, biff8)));
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        for (k, (pos, name)) in sheets.into_iter().enumerate() {
            let name = if name.is_empty() {
                format!("第 {} 个工作表", k + 1)
            } else {
                name
            };
            if pos > stream.len() {
                bail!("文件 {p} 的工作表“{name}”的位置超出了工作簿数据流，文件已损坏");
            }
            let mut values = UsedRange::new(false);
            let mut formulas = UsedRange::new(false);
            let mut seen_bof = false;
            let mut depth = 0usize;
            for (typ, d) in records(&stream, pos) {
                if depth > 0 {
                    match typ {
                        0x0809 => depth += 1,
                        0x000A => depth -= 1,
                        _ => {}
                    }
                    continue;
                }
                let at = |d: &[u8]| Some((u16_at(d, 0)?, u16_at(d, 2)?));
                match typ {
                    0x0809 if seen_bof => depth += 1,
                    0x0809 => seen_bof = true,
                    0x000A => break,
                    // Dimensions: calamine reserves room for the declared used range.
                    0x0200 => {
                        let (rf, rl, cf, cl) = match d.len() {
                            10 => (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4), u16_at(d, 6)),
                            14 | 16 => (u32_at(d, 0), u32_at(d, 4), u16_at(d, 8), u16_at(d, 10)),
                            _ => continue,
                        };
                        let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else {
                            continue;
                        };
                        if 0xFF < cf || cl < cf {
                            cf = 0;
                        }
                        let (rows, cols) = if rl >= 1 && cl >= 1 {
                            (
                                rl.wrapping_sub(1).wrapping_sub(rf).wrapping_add(1),
                                cl.wrapping_sub(1).wrapping_sub(cf).wrapping_add(1),
                            )
                        } else {
                            (1, 1)
                        };
                        if rows as u64 * cols as u64 > MAX_DECLARED {
                            bail!(
                                "文件 {p} 的工作表“{name}”声明的已用区域（{rows} 行 × {cols} 列）超出了 .xls 格式的上限（65,536 行 × 256 列），文件已损坏或被篡改，未读取"
                            );
                        }
                    }
                    // Number, Label, RString, BoolErr, RK, LabelSst: one cell each.
                    0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                        if let Some((r, c)) = at(d) {
                            values.add(r, c);
                        }
                    }
                    // Formula: its value (or the String record after it) and its formula.
                    0x0006 => {
                        if let Some((r, c)) = at(d) {
                            values.add(r, c);
                            formulas.add(r, c);
                        }
                    }
                    // MulRk: a run of cells in one row.
                    0x00BD => {
                        // (calamine refuses a record whose length does not match its run)
                        if let (Some((r, first)), Some(last)) =
                            (at(d), d.len().checked_sub(2).and_then(|i| u16_at(d, i)))
                        {
                            if last >= first && d.len() == 6 + 6 * (last - first + 1) as usize {
                                for c in first..=last {
                                    values.add(r, c);
                                }
                            }
                        }
                    }
                    // MergeCells: calamine indexes its entries without checking the length.
                    0x00E5 => {
                        let n = u16_at(d, 0).unwrap_or(0) as usize;
                        if d.len() < 2 + 8 * n {
                            bail!("文件 {p} 的工作表“{name}”的合并单元格记录不完整，文件已损坏");
                        }
                    }
                    _ => {}
                }
            }
            values.check(path, &name)?;
            formulas.check(path, &format!("{name}（公式）"))?;
        }
        Ok(())
    }
}

/// Every sheet of a workbook or delimited text file, and the text encoding when it was text.
pub fn read_any(path: &Path) -> Result<(Vec<Sheet>, Option<&'static str>)> {
    let kind = sniff(path)?;
    if kind == "html" {
        let bytes = crate::model::provenance::read_input(path)?;
        let (sheets, enc) = crate::load::formats::html_table::read(path, &bytes)?;
        return Ok((sheets, Some(enc)));
    }
    if kind == "xml" {
        let bytes = crate::model::provenance::read_input(path)?;
        return Ok((
            crate::load::formats::spreadsheet_ml::read(path, &bytes)?,
            None,
        ));
    }
    if kind == "text" {
        let bytes = crate::model::provenance::read_input(path)?;
        let (sheet, enc) = crate::load::formats::delimited::read(path, &bytes)?;
        return Ok((vec![sheet], Some(enc)));
    }
    Ok((read_sheets(path)?, None))
}

/// What the parse thread of [`stream_from`] hands over, in workbook order.
enum Streamed {
    /// The next sheet, by name.
    Sheet(String),
    /// Cells of the current sheet holding a value (as [`has_value`]), in the order of the
    /// sheet's XML.
    Cells(Batch),
    /// The current sheet's last cell was sent.
    End,
    /// The sheet cannot be read on (worded as [`read_sheets`] words it).
    Failed(anyhow::Error),
}

/// A batch of cells: (0-based row, 0-based column, value), every text of the batch in one
/// buffer (a `String` per batch, not per cell).
#[derive(Default)]
struct Batch {
    text: String,
    cells: Vec<(u32, u32, Slot)>,
}

/// A batched cell's value: a text as its span in the batch's buffer, or any other value.
enum Slot {
    Text(u32, u32),
    Value(Data),
}

/// A streamed cell's value ([`CellStream::next_cell`]): a text (a CSV field, an .xlsx string)
/// borrowed from the batch it came in, or any other value. Read as a `Data`, a text is a
/// `Data::String`, exactly as the whole-sheet readers put it in their grid.
#[derive(Debug, PartialEq)]
pub enum CellRef<'a> {
    Text(&'a str),
    Value(Data),
}

impl CellRef<'_> {
    /// The value as the whole-sheet readers hold it.
    pub fn into_data(self) -> Data {
        match self {
            CellRef::Text(s) => Data::String(s.to_string()),
            CellRef::Value(d) => d,
        }
    }

    /// Write the value into `slot`; a text goes into `spare`'s allocation (a `String` a
    /// previous row's cell left there, see [`CellRef::release`]), so a stream of rows
    /// through one reused row buffer allocates nothing per cell.
    pub fn put(self, slot: &mut Data, spare: &mut String) {
        *slot = match self {
            CellRef::Text(s) => {
                let mut t = std::mem::take(spare);
                t.clear();
                t.push_str(s);
                Data::String(t)
            }
            CellRef::Value(d) => d,
        };
    }

    /// Empty `slot`, keeping its text's allocation in `spare` for the next [`CellRef::put`].
    pub fn release(slot: &mut Data, spare: &mut String) {
        if let Data::String(s) = std::mem::replace(slot, Data::Empty) {
            if s.capacity() >= spare.capacity() {
                *spare = s;
            }
        }
    }
}

/// Cells per batch (40 bytes each: 320 KB) and batches in flight: enough to keep both
/// threads busy, little enough that the queue never holds more than a few MB. A batch is
/// also sent once its texts reach [`BATCH_TEXT`] bytes.
const BATCH_CELLS: usize = 8192;
const BATCH_QUEUE: usize = 4;
const BATCH_TEXT: usize = 1 << 20;

/// A file's valued cells as a parse thread reads them, sheet by sheet ([`stream_from`]).
pub struct CellStream {
    rx: std::sync::mpsc::Receiver<Streamed>,
    /// The batch being read: its texts, and its cells not yet handed out.
    text: String,
    batch: std::vec::IntoIter<(u32, u32, Slot)>,
    /// Inside a sheet whose `End` has not been received yet.
    in_sheet: bool,
}

impl CellStream {
    fn recv(&mut self) -> Result<Streamed> {
        // The parse thread ends only after `End` of the last sheet or a `Failed`, so a closed
        // channel here is a thread that died (a panic in the parser).
        self.rx
            .recv()
            .map_err(|_| anyhow!("工作簿的读取线程意外中止"))
    }

    /// The next sheet's name (the rest of the current sheet skipped), `None` after the last.
    pub fn next_sheet(&mut self) -> Result<Option<String>> {
        while self.next_cell()?.is_some() {}
        match self.recv() {
            Ok(Streamed::Sheet(name)) => {
                self.in_sheet = true;
                Ok(Some(name))
            }
            Ok(Streamed::Failed(e)) => Err(e),
            Ok(_) => bail!("工作簿的读取线程次序错乱"),
            // After the last sheet the thread has ended and dropped its sender.
            Err(_) => Ok(None),
        }
    }

    /// The current sheet's next valued cell, `None` at its end. A text is borrowed until the
    /// next call.
    pub fn next_cell(&mut self) -> Result<Option<(u32, u32, CellRef<'_>)>> {
        loop {
            if let Some((r, c, slot)) = self.batch.next() {
                let v = match slot {
                    Slot::Text(a, b) => {
                        CellRef::Text(self.text.get(a as usize..b as usize).unwrap_or_default())
                    }
                    Slot::Value(d) => CellRef::Value(d),
                };
                return Ok(Some((r, c, v)));
            }
            if !self.in_sheet {
                return Ok(None);
            }
            match self.recv()? {
                Streamed::Cells(b) => {
                    self.text = b.text;
                    self.batch = b.cells.into_iter();
                }
                Streamed::End => {
                    self.in_sheet = false;
                    return Ok(None);
                }
                Streamed::Failed(e) => {
                    self.in_sheet = false;
                    return Err(e);
                }
                Streamed::Sheet(_) => bail!("工作簿的读取线程次序错乱"),
            }
        }
    }
}

/// Whether `path` is, by its bytes, an .xlsx (a zip): the files [`stream_xlsx`] reads.
pub fn is_xlsx(path: &Path) -> bool {
    matches!(sniff(path), Ok("zip"))
}

/// Whether `path` is, by its bytes, delimited text (CSV/TSV): the files
/// `delimited::stream_utf8` reads.
pub fn is_text(path: &Path) -> bool {
    matches!(sniff(path), Ok("text"))
}

/// The parse thread's end of a [`CellStream`]: cells batched, and every call's answer whether
/// to go on (`false`: the consumer has returned, stop quietly).
pub(crate) struct CellSink<'s> {
    tx: std::sync::mpsc::SyncSender<Streamed>,
    stop: &'s std::sync::atomic::AtomicBool,
    batch: Batch,
    seen: usize,
}

impl CellSink<'_> {
    /// The next sheet begins.
    pub fn sheet(&mut self, name: String) -> bool {
        self.tx.send(Streamed::Sheet(name)).is_ok()
    }

    /// A cell is about to be read (holding a value or not): every batch's worth of them the
    /// consumer is asked whether it is still there, so the thread stops soon after it returns
    /// even where few cells hold a value (and the sends, which would fail, are rare).
    pub fn tick(&mut self) -> bool {
        self.seen += 1;
        !(self.seen.is_multiple_of(BATCH_CELLS)
            && self.stop.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// A cell holding a value other than a text.
    pub fn cell(&mut self, r: u32, c: u32, v: Data) -> bool {
        self.batch.cells.push((r, c, Slot::Value(v)));
        self.sent_when_full()
    }

    /// A cell holding a text (read as a `Data::String`), copied into the batch's buffer.
    pub fn text(&mut self, r: u32, c: u32, v: &str) -> bool {
        let text = &mut self.batch.text;
        let a = text.len();
        // A batch's buffer stays far below 4 GiB (it is sent at `BATCH_TEXT` bytes) unless
        // one text is that long: then it goes as a value of its own.
        let (Ok(a32), Ok(b32)) = (u32::try_from(a), u32::try_from(a + v.len())) else {
            return self.cell(r, c, Data::String(v.to_string()));
        };
        text.push_str(v);
        self.batch.cells.push((r, c, Slot::Text(a32, b32)));
        self.sent_when_full()
    }

    fn sent_when_full(&mut self) -> bool {
        if self.batch.cells.len() < BATCH_CELLS && self.batch.text.len() < BATCH_TEXT {
            return true;
        }
        let full = std::mem::replace(
            &mut self.batch,
            Batch {
                text: String::with_capacity(BATCH_TEXT),
                cells: Vec::with_capacity(BATCH_CELLS),
            },
        );
        self.tx.send(Streamed::Cells(full)).is_ok()
    }

    /// The current sheet's last cell was given.
    pub fn end(&mut self) -> bool {
        if !self.batch.cells.is_empty() {
            let rest = std::mem::take(&mut self.batch);
            if self.tx.send(Streamed::Cells(rest)).is_err() {
                return false;
            }
        }
        self.tx.send(Streamed::End).is_ok()
    }

    /// The sheet cannot be read on: the consumer gets the error at its next cell.
    pub fn fail(&mut self, e: anyhow::Error) {
        let _ = self.tx.send(Streamed::Failed(e));
    }
}

/// `produce` (a file's parser) on a second thread, handing cells over a bounded channel to
/// `consume` on this one, so parsing and the caller's work on the rows overlap and no sheet
/// is held whole. The parser stops when `consume` returns, however far it got.
pub(crate) fn stream_from<T>(
    produce: impl FnOnce(&mut CellSink) + Send,
    consume: impl FnOnce(&mut CellStream) -> T,
) -> T {
    let (tx, rx) = std::sync::mpsc::sync_channel(BATCH_QUEUE);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stop_flag = &stop;
        scope.spawn(move || {
            let mut sink = CellSink {
                tx,
                stop: stop_flag,
                batch: Batch::default(),
                seen: 0,
            };
            produce(&mut sink);
        });
        let mut stream = CellStream {
            rx,
            text: String::new(),
            batch: Vec::new().into_iter(),
            in_sheet: false,
        };
        let out = consume(&mut stream);
        // Closing the channel stops the parse thread at its next send.
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(stream);
        out
    })
}

/// Read an .xlsx's sheets on a second thread while `consume` takes their cells on this one
/// ([`stream_from`]).
///
/// The parse thread runs calamine's cell reader and keeps the cells that hold a value (as
/// [`read_sheets`] does). The zip checks and the opening of the workbook are
/// [`read_sheets`]'s, with the same messages; unlike it, nothing here checks a sheet's extent
/// ([`UsedRange::check`]): a caller that allocates by the cells does.
pub fn stream_xlsx<T>(path: &Path, consume: impl FnOnce(&mut CellStream) -> T) -> Result<T> {
    let p = path.display();
    check_zip(path)?;
    let mut wb: Xlsx<BufReader<File>> = Xlsx::new(BufReader::new(open_input(path)?))
        .map_err(|e| anyhow!("文件 {p} 是 zip 压缩包，但不是可读的 .xlsx 工作簿（{e}）"))?;
    let names = wb.sheet_names();
    let produce = move |sink: &mut CellSink| {
        for name in names {
            let unreadable = |e: XlsxError| anyhow!("文件 {p} 的工作表“{name}”无法读取：{e}");
            if !sink.sheet(name.clone()) {
                return;
            }
            match wb.worksheet_cells_reader(&name) {
                Ok(mut reader) => loop {
                    if !sink.tick() {
                        return;
                    }
                    match reader.next_cell() {
                        Ok(Some(cell)) => {
                            let v = cell.get_value();
                            if has_value_ref(v) {
                                let (r, c) = cell.get_position();
                                // Texts into the batch's buffer (as `Data::from` would make
                                // them `Data::String`), other values as they are.
                                let sent = match v {
                                    DataRef::SharedString(s) => sink.text(r, c, s),
                                    DataRef::String(s) => sink.text(r, c, s),
                                    _ => sink.cell(r, c, Data::from(v.clone())),
                                };
                                if !sent {
                                    return;
                                }
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            sink.fail(unreadable(e));
                            return;
                        }
                    }
                },
                // A chart sheet or dialog sheet: no cells (as calamine reads it).
                Err(XlsxError::NotAWorksheet(_)) => {}
                Err(e) => {
                    sink.fail(unreadable(e));
                    return;
                }
            }
            if !sink.end() {
                return;
            }
        }
    };
    Ok(stream_from(produce, consume))
}
