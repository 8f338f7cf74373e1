//! The Markdown writer: headings as `#`, paragraphs one per line with a blank line between,
//! tables as pipe tables, the chart as an image link to the PNG written beside the report.

use super::doc::{Block, Document, Run};

fn text(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| {
            let t = r.text.replace('*', "\\*");
            if r.bold {
                format!("**{t}**")
            } else {
                t
            }
        })
        .collect()
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('*', "\\*")
}

/// `chart`: the chart's file name, when one was drawn.
pub fn write(doc: &Document, chart: Option<&str>) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Title(r) => out.push_str(&format!("# {}\n\n", text(r))),
            Block::Heading(level, r) => out.push_str(&format!(
                "{} {}\n\n",
                "#".repeat(*level as usize + 1),
                text(r)
            )),
            Block::Paragraph { runs, .. } => out.push_str(&format!("{}\n\n", text(runs))),
            Block::Table { header, rows } => {
                out.push_str(&format!(
                    "| {} |\n",
                    header
                        .iter()
                        .map(|c| cell(c))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
                out.push_str(&format!("|{}\n", " --- |".repeat(header.len())));
                for r in rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    ));
                }
                out.push('\n');
            }
            Block::Chart(caption) => {
                if let Some(file) = chart {
                    out.push_str(&format!("![{caption}]({file})\n\n{caption}\n\n"));
                }
            }
            Block::PageBreak => {}
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
