//! `.xls` files that are really HTML tables (a common “Excel export” of Chinese finance
//! software, and what “save as HTML” writes): every `<table>` becomes a sheet of text cells.
//! A small scanner, not a browser: rows `<tr>`, cells `<td>`/`<th>` with `colspan`, inner tags
//! dropped, `<br>` as a line break, entities decoded; `<script>`/`<style>` skipped.

use crate::load::formats::workbook::Sheet;
use anyhow::{bail, Result};
use calamine::{Data, Range};
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

/// The tables of an HTML document, each a list of rows of cell texts.
pub fn tables(html: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut row: Option<Vec<String>> = None;
    // The open cell's text and its colspan.
    let mut cell: Option<(String, usize)> = None;
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
            ("table", false) => table = Some(Vec::new()),
            ("table", true) => {
                if let Some(t) = table.take() {
                    tables.push(t);
                }
            }
            ("tr", false) => row = Some(Vec::new()),
            ("tr", true) => {
                if let (Some(r), Some(t)) = (row.take(), table.as_mut()) {
                    t.push(r);
                }
            }
            ("td" | "th", false) => {
                let span = attr(tag, "colspan")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1usize);
                cell = Some((String::new(), span.clamp(1, 1000)));
            }
            ("td" | "th", true) => {
                if let (Some((text, span)), Some(r)) = (cell.take(), row.as_mut()) {
                    r.push(clean(&text));
                    r.extend(std::iter::repeat_n(String::new(), span - 1));
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
        let width = t.iter().map(|r| r.len()).max().unwrap_or(0).max(1);
        let height = t.len().max(1);
        let mut range: Range<Data> = Range::new((0, 0), (height as u32 - 1, width as u32 - 1));
        for (i, r) in t.into_iter().enumerate() {
            for (c, v) in r.into_iter().enumerate() {
                if !v.is_empty() {
                    range.set_value((i as u32, c as u32), Data::String(v));
                }
            }
        }
        sheets.push(Sheet {
            name: format!("表{}", k + 1),
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
            vec![vec![
                vec!["凭证 号".to_string(), "".into(), "摘要".into()],
                vec!["记-1".into(), "".into(), "支付 办公费 & 印刷费".into()],
            ]]
        );
    }
}
