//! SpreadsheetML 2003 (“XML 表格”, `<?mso-application progid="Excel.Sheet"?>`), which several
//! Chinese finance packages still write with an `.xls` name. Each `<Worksheet>` becomes a sheet;
//! `ss:Index` on rows and cells and `ss:MergeAcross` are honoured; every value is kept as its
//! text (numbers are not passed through floats; `DateTime` keeps its date part).

use crate::load::formats::workbook::Sheet;
use anyhow::{bail, Result};
use calamine::Data;
use std::path::Path;

fn attr(tag: &str, name: &str) -> Option<String> {
    // ss:Name="…" or Name="…"
    for key in [format!("ss:{name}=\""), format!(" {name}=\"")] {
        if let Some(i) = tag.find(&key) {
            let v = &tag[i + key.len()..];
            return Some(v[..v.find('"').unwrap_or(v.len())].to_string());
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#10;", " ")
        .replace("&#13;", "")
        .replace("&amp;", "&")
}

pub fn read(path: &Path, bytes: &[u8]) -> Result<Vec<Sheet>> {
    let Ok(text) = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes))
    else {
        bail!(
            "文件 {} 是 SpreadsheetML（XML 表格），但不是有效的 UTF-8",
            path.display()
        );
    };
    if !text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        bail!(
            "文件 {} 是 XML，但不是 Excel 的 SpreadsheetML 表格；请在 Excel/WPS 中另存为 .xlsx 后再载入",
            path.display()
        );
    }
    let mut sheets = Vec::new();
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut name = String::new();
    let (mut row, mut col): (u32, u32) = (0, 0);
    let mut data: Option<String> = None;
    // Columns a merged cell (ss:MergeAcross) spans beyond its own, skipped when it closes.
    let mut merge: u32 = 0;
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        if let Some(d) = data.as_mut() {
            d.push_str(&rest[..lt]);
        }
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let tname = tag.trim_start_matches('/');
        let tname = &tname[..tname.find([' ', '/', '\t', '\n']).unwrap_or(tname.len())];
        let local = tname.rsplit(':').next().unwrap_or(tname);
        match (local, closing) {
            ("Worksheet", false) => {
                name = attr(tag, "Name").map(|n| unescape(&n)).unwrap_or_default();
                cells.clear();
                row = 0;
            }
            ("Worksheet", true) => {
                let name = if name.is_empty() {
                    format!("表{}", sheets.len() + 1)
                } else {
                    name.clone()
                };
                // Bounded by the cells present: a huge ss:Index is refused, not allocated.
                let cells = cells.drain(..).map(|(r, c, v)| (r, c, Data::String(v)));
                let range = crate::load::formats::workbook::grid_from_cells(
                    path,
                    &name,
                    true,
                    cells.collect(),
                )?;
                sheets.push(Sheet {
                    name,
                    range,
                    bad_rows: Default::default(),
                });
            }
            ("Row", false) => {
                row = match attr(tag, "Index").and_then(|i| i.parse::<u32>().ok()) {
                    Some(i) if i >= 1 => i,
                    _ => row.saturating_add(1),
                };
                col = 0;
            }
            ("Cell", false) => {
                col = match attr(tag, "Index").and_then(|i| i.parse::<u32>().ok()) {
                    Some(i) if i >= 1 => i,
                    _ => col.saturating_add(1),
                };
                merge = attr(tag, "MergeAcross")
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(0);
                if self_closing {
                    col = col.saturating_add(merge);
                    merge = 0;
                }
            }
            ("Cell", true) => {
                col = col.saturating_add(merge);
                merge = 0;
            }
            ("Data", false) if !self_closing => {
                data = Some(String::new());
                if attr(tag, "Type").as_deref() == Some("DateTime") {
                    data = Some("\u{0}date".into());
                }
            }
            ("Data", true) => {
                if let Some(d) = data.take() {
                    let v = match d.strip_prefix("\u{0}date") {
                        Some(dt) => dt.get(..10).unwrap_or(dt).to_string(),
                        None => unescape(&d).trim().to_string(),
                    };
                    if !v.is_empty() && row >= 1 && col >= 1 {
                        cells.push((row - 1, col - 1, v));
                    }
                }
            }
            _ => {}
        }
    }
    if sheets.is_empty() {
        bail!("文件 {} 是 SpreadsheetML，但其中没有工作表", path.display());
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_cells_indexes_merges_and_dates() {
        let xml = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="序时账"><Table>
<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">单位：局机关</Data></Cell><Cell><Data ss:Type="String">x</Data></Cell></Row>
<Row ss:Index="3"><Cell><Data ss:Type="DateTime">2023-06-16T00:00:00.000</Data></Cell><Cell ss:Index="3"><Data ss:Type="Number">1002</Data></Cell><Cell><Data ss:Type="String">A &amp; B</Data></Cell></Row>
</Table></Worksheet></Workbook>"#;
        let s = read(Path::new("x.xls"), xml.as_bytes()).unwrap();
        let r = &s[0].range;
        assert_eq!(s[0].name, "序时账");
        let v = |r0: u32, c0: u32| r.get_value((r0, c0)).cloned();
        assert_eq!(v(0, 0), Some(Data::String("单位：局机关".into())));
        assert_eq!(v(0, 3), Some(Data::String("x".into())));
        assert_eq!(v(2, 0), Some(Data::String("2023-06-16".into())));
        assert_eq!(v(2, 2), Some(Data::String("1002".into())));
        assert_eq!(v(2, 3), Some(Data::String("A & B".into())));
    }

    #[test]
    fn a_far_index_is_refused_not_allocated() {
        let xml = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="序时账"><Table>
<Row><Cell><Data ss:Type="String">凭证号</Data></Cell></Row>
<Row ss:Index="4294967295"><Cell ss:Index="4294967295" ss:MergeAcross="4294967295"><Data ss:Type="String">x</Data></Cell><Cell><Data ss:Type="String">y</Data></Cell></Row>
</Table></Worksheet></Workbook>"#;
        let err = read(Path::new("x.xls"), xml.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("序时账") && err.contains("未读取"), "{err}");
    }
}
