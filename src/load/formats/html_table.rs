//! `.xls` files that are really HTML tables (a common “Excel export” of Chinese finance
//! software, and what “save as HTML” writes): every `<table>` becomes a sheet of text cells.
//! A small scanner, not a browser: rows `<tr>`, cells `<td>`/`<th>` with `colspan`, inner tags
//! dropped, `<br>` as a line break, entities decoded; `<script>`/`<style>` skipped.

use crate::load::formats::workbook::Sheet;
use anyhow::{bail, Result};
use calamine::Data;
use std::path::Path;

/// Decode the document: UTF-8 when it is valid UTF-8, else GB18030 (GBK) — but never with
/// replacement characters: a document neither decodes is refused.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str)> {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok((s.to_string(), crate::load::formats::delimited::UTF8));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(body) {
        Some(s) => Ok((s.into_owned(), crate::load::formats::delimited::GB18030)),
        None => bail!(
            "文件 {} 是 HTML 表格，但既不是有效的 UTF-8 也不是 GBK/GB18030 编码，无法可靠读取",
            path.display()
        ),
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "yen" => '¥',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        match tail.find(';').filter(|&j| j <= 10) {
            Some(j) => match entity(&tail[..j]) {
                Some(c) => {
                    out.push(c);
                    rest = &tail[j + 1..];
                }
                None => {
                    out.push('&');
                    rest = tail;
                }
            },
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let i = lower.find(&format!("{name}="))? + name.len() + 1;
    let v = &tag[i..];
    let v = v.trim_start_matches(['"', '\'']);
    let end = v.find(['"', '\'', ' ', '>']).unwrap_or(v.len());
    Some(v[..end].to_string())
}

/// One table of an HTML document: the text of each cell that has any, at its (row, column);
/// a `colspan` advances the column without making empty cells.
#[derive(Debug, Default, PartialEq)]
pub struct HtmlTable {
    pub cells: Vec<(u32, u32, String)>,
}

/// The tables of an HTML document.
pub fn tables(html: &str) -> Vec<HtmlTable> {
    let mut tables = Vec::new();
    let mut table: Option<(HtmlTable, u32)> = None;
    // The open row's cells and the next cell's column.
    let mut row: Option<(Vec<(u32, String)>, u32)> = None;
    // The open cell's text and its colspan.
    let mut cell: Option<(String, u32)> = None;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if let Some((text, _)) = cell.as_mut() {
            text.push_str(&rest[..lt]);
        }
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            ("script" | "style", false) => {
                let end = format!("</{name}");
                match rest.to_ascii_lowercase().find(&end) {
                    Some(i) => rest = &rest[i..],
                    None => break,
                }
            }
            ("table", false) => table = Some((HtmlTable::default(), 0)),
            ("table", true) => {
                if let Some((t, _)) = table.take() {
                    tables.push(t);
                }
            }
            ("tr", false) => row = Some((Vec::new(), 0)),
            ("tr", true) => {
                if let (Some((cells, _)), Some((t, r))) = (row.take(), table.as_mut()) {
                    t.cells.extend(cells.into_iter().map(|(c, v)| (*r, c, v)));
                    *r = r.saturating_add(1);
                }
            }
            ("td" | "th", false) => {
                let span = attr(tag, "colspan")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1u32);
                cell = Some((String::new(), span.clamp(1, 1000)));
            }
            ("td" | "th", true) => {
                if let (Some((text, span)), Some((cells, col))) = (cell.take(), row.as_mut()) {
                    let text = clean(&text);
                    if !text.is_empty() {
                        cells.push((*col, text));
                    }
                    *col = col.saturating_add(span);
                }
            }
            ("br", _) => {
                if let Some((text, _)) = cell.as_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    tables
}

pub fn read(path: &Path, bytes: &[u8]) -> Result<(Vec<Sheet>, &'static str)> {
    let (text, enc) = decode(path, bytes)?;
    let mut sheets = Vec::new();
    for (k, t) in tables(&text).into_iter().enumerate() {
        let name = format!("表{}", k + 1);
        let cells = t
            .cells
            .into_iter()
            .map(|(r, c, v)| (r, c, Data::String(v)))
            .collect();
        let range = crate::load::formats::workbook::grid_from_cells(path, &name, true, cells)?;
        sheets.push(Sheet {
            name,
            range,
            bad_rows: Default::default(),
        });
    }
    if sheets.is_empty() {
        bail!("文件 {} 是 HTML 网页，但其中没有表格", path.display());
    }
    Ok((sheets, enc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_spans_entities_and_breaks() {
        let t = tables(
            "<html><style>td{}</style><table><tr><TH colspan=2>凭证&nbsp;号</th><td>摘要</td></tr>\
             <tr><td>记-1</td><td></td><td><font>支付<br>办公费 &amp; 印刷费</font></td></tr></table></html>",
        );
        assert_eq!(
            t,
            vec![HtmlTable {
                cells: vec![
                    (0, 0, "凭证 号".to_string()),
                    (0, 2, "摘要".into()),
                    (1, 0, "记-1".into()),
                    (1, 2, "支付 办公费 & 印刷费".into()),
                ]
            }]
        );
    }

    #[test]
    fn huge_spans_make_no_cells() {
        // 10,000 cells spanning 1,000 columns each: nothing is materialised for the spans, and
        // the one far value is refused rather than given a 10-million-column grid.
        let html = format!(
            "<table><tr><td>凭证号</td>{}<td>x</td></tr></table>",
            "<td colspan=1000></td>".repeat(10_000)
        );
        let t = tables(&html);
        assert_eq!(t[0].cells.len(), 2);
        assert_eq!(t[0].cells[1].1, 10_000_001);
        let err = read(Path::new("x.xls"), html.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("表1") && err.contains("未读取"), "{err}");
    }
}
