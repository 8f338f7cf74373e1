//! The text of a Word document (.docx) without an office suite: `word/document.xml` read with
//! quick-xml, paragraphs and table cells in document order. A paragraph is a line; a
//! paragraph inside a table cell starts with a tab, as the plain-text exports of such reports
//! do, so the same extraction reads both.

use anyhow::{bail, Context, Result};
use quick_xml::events::Event;
use std::io::Read;

/// The most `document.xml` may unpack to (a report is a few hundred kB; 64 MB is generous and
/// keeps a zip bomb from filling memory).
const MAX_XML: u64 = 64 << 20;

pub fn text(bytes: &[u8]) -> Result<String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        bail!("文件是旧版 Word 格式或受密码保护，请另存为 .docx 或 .txt");
    }
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("不是 zip 压缩包")?;
    let mut f = z
        .by_name("word/document.xml")
        .context("压缩包中没有 word/document.xml")?;
    if f.size() > MAX_XML {
        bail!("word/document.xml 解压后 {} 字节，超过上限", f.size());
    }
    let mut xml = String::new();
    f.by_ref()
        .take(MAX_XML + 1)
        .read_to_string(&mut xml)
        .context("word/document.xml 无法解压或不是 UTF-8")?;
    if xml.len() as u64 > MAX_XML {
        bail!("word/document.xml 解压后超过上限");
    }
    paragraphs(&xml)
}

/// Paragraph texts of WordprocessingML, one a line; cell paragraphs start with a tab.
pub fn paragraphs(xml: &str) -> Result<String> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    let mut cell_depth = 0usize;
    let mut in_text = false;
    let mut para = String::new();
    let mut in_para = false;
    loop {
        match r.read_event().context("word/document.xml 不是有效的 XML")? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"tc" => cell_depth += 1,
                b"p" => {
                    in_para = true;
                    para.clear();
                }
                b"t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if in_para => para.push(' '),
                b"br" | b"cr" if in_para => para.push(' '),
                b"p" => out.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"tc" => cell_depth = cell_depth.saturating_sub(1),
                b"t" => in_text = false,
                b"p" => {
                    in_para = false;
                    if cell_depth > 0 {
                        out.push('\t');
                    }
                    out.push_str(para.trim_end());
                    out.push('\n');
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                para.push_str(&t.decode().context("文字编码有误")?);
            }
            Event::GeneralRef(g) if in_text => {
                if let Some(c) = g.resolve_char_ref().ok().flatten() {
                    para.push(c);
                } else {
                    match g.decode().context("文字编码有误")?.as_ref() {
                        "amp" => para.push('&'),
                        "lt" => para.push('<'),
                        "gt" => para.push('>'),
                        "quot" => para.push('"'),
                        "apos" => para.push('\''),
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_cells_in_order() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>决算支出</w:t></w:r><w:r><w:t xml:space="preserve">1309.96万元。</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>实际支出（万元）</w:t></w:r></w:p></w:tc>
<w:tc><w:p><w:r><w:t>4</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>A &amp; B</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            "决算支出1309.96万元。\n\t实际支出（万元）\n\t4\nA & B\n"
        );
    }
}
