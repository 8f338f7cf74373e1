//! The .docx writer: WordprocessingML written by hand into a zip (the zip crate is already a
//! dependency; docx-rs would bring a second zip version, an image crate and an XML writer for
//! what is a few fixed parts here, and would still need the east-Asian font slot set by hand).
//!
//! Styles: body 仿宋_GB2312 (east-Asian slot; 宋体 in tables), Latin and digits Times New Roman,
//! headings 黑体 with outline levels (the navigation pane and a table of contents see them),
//! the title 黑体 centred; A4 with the margins of GB/T 9704; the page number centred in the
//! footer (“- 1 -”); tables with a repeated, bold header row and single borders; the chart as
//! an inline picture. 【待补充…】 and 【待核实】 are highlighted so the auditor finds them.
//! The file's bytes depend only on the document (fixed zip timestamps).

use super::doc::{Align, Block, Document, Run};
use anyhow::{Context, Result};
use std::io::Write;

/// Fonts the writer names, from data/report.toml (`[docx]`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    pub body: String,
    pub body_fallback: String,
    pub heading: String,
    pub table: String,
    pub latin: String,
    /// Body size in half-points (28 = 四号).
    pub body_size: u32,
    pub title_size: u32,
    pub table_size: u32,
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

/// Split a text into (segment, highlighted) where 【待…】 spans are highlighted.
fn marks(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("【待") {
        let Some(len) = rest[start..].find('】') else {
            break;
        };
        let end = start + len + '】'.len_utf8();
        if start > 0 {
            out.push((rest[..start].to_string(), false));
        }
        out.push((rest[start..end].to_string(), true));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push((rest.to_string(), false));
    }
    out
}

fn runs_xml(runs: &[Run], extra: &str) -> String {
    let mut o = String::new();
    for r in runs {
        for (seg, hl) in marks(&r.text) {
            o.push_str("<w:r><w:rPr>");
            o.push_str(extra);
            if r.bold {
                o.push_str("<w:b/><w:bCs/>");
            }
            if hl {
                o.push_str("<w:highlight w:val=\"yellow\"/>");
            }
            o.push_str(&format!(
                "</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                esc(&seg)
            ));
        }
    }
    o
}

fn para(style: Option<&str>, jc: Option<&str>, body: &str) -> String {
    let mut p = String::from("<w:p><w:pPr>");
    if let Some(s) = style {
        p.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
    }
    if let Some(j) = jc {
        p.push_str(&format!("<w:jc w:val=\"{j}\"/>"));
    }
    p.push_str("</w:pPr>");
    p.push_str(body);
    p.push_str("</w:p>");
    p
}

/// EMU per pixel at 96 dpi.
const EMU_PX: u64 = 9525;
/// Text width of the page in EMU (A4 less the margins: 15.6 cm).
const TEXT_WIDTH_EMU: u64 = 5_616_000;

fn picture(w_px: u32, h_px: u32, caption: &str) -> String {
    let cx = TEXT_WIDTH_EMU.min(w_px as u64 * EMU_PX);
    let cy = cx * h_px as u64 / w_px.max(1) as u64;
    let name = esc(caption);
    format!(
        "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing>\
<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/>\
<wp:docPr id=\"1\" name=\"{name}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
<pic:pic><pic:nvPicPr><pic:cNvPr id=\"1\" name=\"chart1.png\"/><pic:cNvPicPr/></pic:nvPicPr>\
<pic:blipFill><a:blip r:embed=\"rIdChart1\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    // Column widths in proportion to the longest text of each column (6 to 30 characters), so
    // a column of reasons gets the room and a column of scores does not.
    let n = header.len().max(1);
    let weight: Vec<usize> = (0..n)
        .map(|i| {
            std::iter::once(header)
                .chain(rows.iter().map(|r| r.as_slice()))
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .clamp(6, 30)
        })
        .collect();
    let total: usize = weight.iter().sum();
    let widths: Vec<usize> = weight.iter().map(|w| 9000 * w / total.max(1)).collect();
    let mut t = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/></w:tblPr><w:tblGrid>",
    );
    for w in &widths {
        t.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    t.push_str("</w:tblGrid>");
    let row = |cells: &[String], head: bool| -> String {
        let mut r = String::from("<w:tr>");
        if head {
            r.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        for (c, w) in cells.iter().zip(&widths) {
            let runs = [Run {
                text: c.clone(),
                bold: head,
            }];
            r.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
                para(Some("TableText"), head.then_some("center"), &runs_xml(&runs, ""))
            ));
        }
        r.push_str("</w:tr>");
        r
    };
    t.push_str(&row(header, true));
    for r in rows {
        t.push_str(&row(r, false));
    }
    t.push_str("</w:tbl>");
    // A table followed directly by another block reads better with a little space.
    t.push_str("<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>");
    t
}

fn document_xml(doc: &Document, chart: Option<(u32, u32)>) -> String {
    let mut body = String::new();
    for b in &doc.blocks {
        match b {
            Block::Title(r) => body.push_str(&para(Some("Title"), None, &runs_xml(r, ""))),
            Block::Heading(l, r) => {
                body.push_str(&para(Some(&format!("Heading{l}")), None, &runs_xml(r, "")))
            }
            Block::Paragraph { runs, align, .. } => {
                let (style, jc) = match align {
                    Align::Justify => (None, None),
                    Align::Center => (Some("Centered"), Some("center")),
                    Align::Right => (Some("Centered"), Some("right")),
                };
                body.push_str(&para(style, jc, &runs_xml(runs, "")));
            }
            Block::Table { header, rows } => body.push_str(&table(header, rows)),
            Block::Chart(caption) => {
                if let Some((w, h)) = chart {
                    body.push_str(&picture(w, h, caption));
                    body.push_str(&para(
                        Some("Caption"),
                        Some("center"),
                        &runs_xml(
                            &[Run {
                                text: caption.clone(),
                                bold: false,
                            }],
                            "",
                        ),
                    ));
                }
            }
            Block::PageBreak => body.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>{body}\
<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>\
<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>\
<w:docGrid w:linePitch=\"312\"/></w:sectPr></w:body></w:document>"
    )
}

fn fonts_xml(latin: &str, east: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:cs=\"{l}\" w:eastAsia=\"{e}\"/>",
        l = esc(latin),
        e = esc(east)
    )
}

fn styles_xml(f: &Fonts) -> String {
    let body = fonts_xml(&f.latin, &f.body);
    let head = fonts_xml(&f.latin, &f.heading);
    let table = fonts_xml(&f.latin, &f.table);
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>{body}<w:sz w:val=\"{bs}\"/><w:szCs w:val=\"{bs}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:line=\"360\" w:lineRule=\"auto\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"560\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:jc w:val=\"center\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:spacing w:before=\"240\" w:after=\"240\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>{head}<w:b/><w:sz w:val=\"{ts}\"/><w:szCs w:val=\"{ts}\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Centered\"><w:name w:val=\"Centered\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr><w:rPr>{table}<w:sz w:val=\"{tbs}\"/><w:szCs w:val=\"{tbs}\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr><w:rPr>{table}<w:sz w:val=\"{tbs}\"/><w:szCs w:val=\"{tbs}\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"ReportTable\"><w:name w:val=\"Report Table\"/><w:tblPr><w:tblBorders>\
<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
</w:tblBorders><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr><w:rPr><w:sz w:val=\"{tbs}\"/></w:rPr></w:style>",
        bs = f.body_size,
        ts = f.title_size,
        tbs = f.table_size,
    );
    for l in 1..=4u8 {
        s.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{l}\"><w:name w:val=\"heading {l}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\"/><w:outlineLvl w:val=\"{o}\"/></w:pPr><w:rPr>{head}{b}{sz}</w:rPr></w:style>",
            o = l,
            b = if l >= 3 { "<w:b/>" } else { "" },
            sz = if l == 1 {
                format!("<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>", f.body_size + 4)
            } else {
                String::new()
            }
        ));
    }
    s.push_str("</w:styles>");
    s
}

fn font_table(f: &Fonts) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">");
    let mut seen: Vec<&str> = Vec::new();
    for (name, alt) in [
        (f.body.as_str(), f.body_fallback.as_str()),
        (f.heading.as_str(), ""),
        (f.table.as_str(), ""),
    ] {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let alt = if alt.is_empty() {
            String::new()
        } else {
            format!("<w:altName w:val=\"{}\"/>", esc(alt))
        };
        s.push_str(&format!(
            "<w:font w:name=\"{}\">{alt}<w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>",
            esc(name)
        ));
    }
    s.push_str(&format!(
        "<w:font w:name=\"{}\"><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>",
        esc(&f.latin)
    ));
    s
}

const FOOTER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">- </w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:t xml:space=\"preserve\"> -</w:t></w:r></w:p></w:ftr>";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

fn doc_rels(chart: bool) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdFonts\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rIdFooter1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>{}\
</Relationships>",
        if chart {
            "<Relationship Id=\"rIdChart1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart1.png\"/>"
        } else {
            ""
        }
    )
}

fn core(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
<dc:title>{}</dc:title><dc:creator>reeval</dc:creator></cp:coreProperties>",
        esc(title)
    )
}

/// The chart: its PNG bytes and pixel size.
pub struct Picture<'a> {
    pub png: &'a [u8],
    pub width: u32,
    pub height: u32,
}

pub fn write(doc: &Document, fonts: &Fonts, chart: Option<Picture>) -> Result<Vec<u8>> {
    let title = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(r) => Some(super::doc::plain(r)),
            _ => None,
        })
        .unwrap_or_default();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", ROOT_RELS.as_bytes().to_vec()),
        ("docProps/core.xml", core(&title).into_bytes()),
        (
            "word/document.xml",
            document_xml(doc, chart.as_ref().map(|c| (c.width, c.height))).into_bytes(),
        ),
        ("word/styles.xml", styles_xml(fonts).into_bytes()),
        ("word/fontTable.xml", font_table(fonts).into_bytes()),
        ("word/footer1.xml", FOOTER.as_bytes().to_vec()),
        (
            "word/_rels/document.xml.rels",
            doc_rels(chart.is_some()).into_bytes(),
        ),
    ];
    if let Some(c) = &chart {
        parts.push(("word/media/chart1.png", c.png.to_vec()));
    }
    for (name, bytes) in parts {
        z.start_file(name, opts).context("无法写入 .docx")?;
        z.write_all(&bytes).context("无法写入 .docx")?;
    }
    Ok(z.finish().context("无法写入 .docx")?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_marks_are_split_out() {
        assert_eq!(
            marks("甲【待核实】乙【待补充：职能】"),
            vec![
                ("甲".to_string(), false),
                ("【待核实】".to_string(), true),
                ("乙".to_string(), false),
                ("【待补充：职能】".to_string(), true)
            ]
        );
        assert_eq!(marks("无"), vec![("无".to_string(), false)]);
    }
}
