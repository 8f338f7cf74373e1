//! Opening a spreadsheet by its bytes, not its extension, with one plain sentence when it
//! cannot be read.

use anyhow::{anyhow, bail, Result};
use calamine::{open_workbook, Data, Range, Reader, Sheets};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

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
        let mut n = self.range.start().map(|(_, c)| c).unwrap_or(0) as usize + i + 1;
        let mut s = Vec::new();
        while n > 0 {
            let r = (n - 1) % 26;
            s.push(b'A' + r as u8);
            n = (n - 1) / 26;
        }
        s.reverse();
        String::from_utf8(s).unwrap_or_default()
    }
}

/// What the first bytes of a file say it is.
fn sniff(path: &Path) -> Result<&'static str> {
    let mut head = [0u8; 512];
    let mut f = std::fs::File::open(path)
        .map_err(|e| anyhow!("无法打开文件 {}：{}", path.display(), io_reason(&e)))?;
    let n = f.read(&mut head)?;
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
    // Delimited text: a BOM, or no NUL bytes and a comma, tab or semicolon in the first lines.
    if head.starts_with(&[0xEF, 0xBB, 0xBF])
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || (!head.contains(&0) && head.iter().any(|b| matches!(b, b',' | b'\t' | b';')))
    {
        return Ok("text");
    }
    Ok("other")
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        _ => e.to_string(),
    }
}

/// Limits on what an .xlsx may unpack to, checked on the zip directory before any parsing:
/// a 1M-line ledger's sheet XML is about 0.4 GB, so 4 GB in all is generous; XML compresses
/// 10–30×, so a large entry compressed more than 300× is a zip bomb, not a ledger.
const MAX_UNPACKED: u64 = 4 << 30;
const MAX_RATIO: u64 = 300;
const RATIO_FLOOR: u64 = 16 << 20;

fn check_zip(path: &Path) -> Result<()> {
    let p = path.display();
    let f = File::open(path).map_err(|e| anyhow!("无法打开文件 {p}：{}", io_reason(&e)))?;
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
    std::fs::read(path)
        .map(|b| b.windows(name.len()).any(|w| w == name.as_slice()))
        .unwrap_or(false)
}

/// Every sheet of a workbook, in workbook order.
pub fn read_sheets(path: &Path) -> Result<Vec<Sheet>> {
    let p = path.display();
    let kind = sniff(path)?;
    if kind == "zip" {
        check_zip(path)?;
    }
    let mut wb: Sheets<BufReader<File>> = match kind {
        "zip" => Sheets::Xlsx(open_workbook(path).map_err(|e| {
            anyhow!("文件 {p} 是 zip 压缩包，但不是可读的 .xlsx 工作簿（{e}）")
        })?),
        "cfb" => Sheets::Xls(open_workbook(path).map_err(|e| {
            if is_encrypted_ooxml(path) {
                anyhow!("文件 {p} 是受密码保护（加密）的工作簿；请在 Excel/WPS 中输入密码、取消加密后另存为 .xlsx 再载入")
            } else {
                anyhow!("文件 {p} 是 OLE 复合文档，但不是可读的 .xls 工作簿（可能已损坏：{e}）")
            }
        })?),
        "empty" => bail!("文件 {p} 是空文件（0 字节）"),
        "html" => bail!(
            "文件 {p} 实际是 HTML 网页表格，不是 Excel 工作簿；请在 Excel/WPS 中另存为 .xlsx 后再载入"
        ),
        "xml" => bail!(
            "文件 {p} 实际是 XML（可能是 SpreadsheetML 2003），不是 .xlsx；请在 Excel/WPS 中另存为 .xlsx 后再载入"
        ),
        "text" => bail!("文件 {p} 是文本（CSV），此处需要 Excel 工作簿"),
        _ => bail!("文件 {p} 不是 Excel 工作簿（.xlsx/.xls），也不是 CSV 文本"),
    };
    let names = wb.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| anyhow!("文件 {p} 的工作表“{name}”无法读取：{e}"))?;
        out.push(Sheet {
            name,
            range,
            bad_rows: Default::default(),
        });
    }
    Ok(out)
}

/// Every sheet of a workbook or delimited text file, and the text encoding when it was text.
pub fn read_any(path: &Path) -> Result<(Vec<Sheet>, Option<&'static str>)> {
    let kind = sniff(path)?;
    if kind == "html" {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow!("无法读取文件 {}：{}", path.display(), io_reason(&e)))?;
        let (sheets, enc) = crate::load::formats::html_table::read(path, &bytes)?;
        return Ok((sheets, Some(enc)));
    }
    if kind == "xml" {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow!("无法读取文件 {}：{}", path.display(), io_reason(&e)))?;
        return Ok((
            crate::load::formats::spreadsheet_ml::read(path, &bytes)?,
            None,
        ));
    }
    if kind == "text" {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow!("无法读取文件 {}：{}", path.display(), io_reason(&e)))?;
        let (sheet, enc) = crate::load::formats::delimited::read(path, &bytes)?;
        return Ok((vec![sheet], Some(enc)));
    }
    Ok((read_sheets(path)?, None))
}
