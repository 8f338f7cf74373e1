//! The report as a structured document: what the template's text is parsed into, and what the
//! Markdown and .docx writers write. The template writes a small line-based markup (one line =
//! one paragraph, as a Chinese report is typed):
//!
//! | line | block |
//! | --- | --- |
//! | `# 文字` | the title (centred, 黑体, large) |
//! | `## 一、…` `### （一）…` `#### 1.…` `##### （1）…` | headings of levels 1–4 (the numbering is the template's text) |
//! | `::center 文字` | a centred paragraph (文号, banner) |
//! | `::right 文字` | a right-aligned paragraph (signature, date) |
//! | `::sources ID;ID …` | the finding ids (`;`-separated: ids hold spaces) the next paragraph is drawn from (checked before writing) |
//! | `::chart 图题` | the chart image with its caption |
//! | `::pagebreak` | a page break |
//! | `\| a \| b \|` lines, the second `\|---\|…` | a table whose first row is the header |
//! | anything else | a body paragraph (first line indented two characters) |
//!
//! Inside a line, `**文字**` is emphasis (bold). Blank lines are ignored.

use anyhow::{bail, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Align {
    Justify,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(Vec<Run>),
    /// Level 1–4.
    Heading(u8, Vec<Run>),
    Paragraph {
        runs: Vec<Run>,
        align: Align,
        /// Finding ids the paragraph was drawn from (empty: none).
        sources: Vec<String>,
        /// The template line it came from (1-based), for messages.
        line: usize,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Chart(String),
    PageBreak,
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// Split `**bold**` spans out of a line; `\\*` is a literal star (data and masks are escaped
/// so that a `**` in a ledger's text or a masked number never turns into emphasis).
pub fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut bold = false;
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'*') => {
                cur.push('*');
                i += 2;
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                if !cur.is_empty() {
                    out.push(Run {
                        text: std::mem::take(&mut cur),
                        bold,
                    });
                }
                bold = !bold;
                i += 2;
            }
            c => {
                cur.push(c);
                i += 1;
            }
        }
    }
    if !cur.is_empty() {
        out.push(Run { text: cur, bold });
    }
    out
}

/// A data string made safe for the markup: its stars are literal.
pub fn escape(s: &str) -> String {
    s.replace('*', "\\*")
}

pub fn plain(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

fn is_rule(line: &str) -> bool {
    let c = cells(line);
    !c.is_empty()
        && c.iter()
            .all(|x| !x.is_empty() && x.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// Parse the rendered template text; `name` is the template named in errors.
pub fn parse(text: &str, name: &str) -> Result<Document> {
    let lines: Vec<&str> = text.lines().collect();
    let mut doc = Document::default();
    let mut pending_sources: Option<(Vec<String>, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let no = i + 1;
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("::") {
            let (cmd, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            let arg = arg.trim();
            match cmd {
                "sources" => {
                    pending_sources = Some((
                        arg.split(';')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                        no,
                    ))
                }
                "center" | "right" => doc.blocks.push(Block::Paragraph {
                    runs: runs(arg),
                    align: if cmd == "center" {
                        Align::Center
                    } else {
                        Align::Right
                    },
                    sources: Vec::new(),
                    line: no,
                }),
                "chart" => doc.blocks.push(Block::Chart(arg.to_string())),
                "pagebreak" => doc.blocks.push(Block::PageBreak),
                _ => bail!("报告模板 {name} 渲染结果第 {no} 行：未知的指令 ::{cmd}"),
            }
            continue;
        }
        if line.starts_with('|') {
            let header = cells(line);
            if i >= lines.len() || !is_rule(lines[i]) {
                bail!("报告模板 {name} 渲染结果第 {no} 行：表格的第二行须是 |---| 分隔行");
            }
            i += 1;
            let mut rows = Vec::new();
            while i < lines.len() && lines[i].trim().starts_with('|') {
                let mut r = cells(lines[i]);
                if r.len() != header.len() {
                    bail!(
                        "报告模板 {name} 渲染结果第 {} 行：表格行有 {} 列，表头有 {} 列",
                        i + 1,
                        r.len(),
                        header.len()
                    );
                }
                r.truncate(header.len());
                rows.push(r);
                i += 1;
            }
            doc.blocks.push(Block::Table { header, rows });
            continue;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && line[hashes..].starts_with(' ') {
            let r = runs(line[hashes..].trim());
            match hashes {
                1 => doc.blocks.push(Block::Title(r)),
                2..=5 => doc.blocks.push(Block::Heading((hashes - 1) as u8, r)),
                _ => bail!("报告模板 {name} 渲染结果第 {no} 行：标题至多 5 个 #"),
            }
            continue;
        }
        let sources = match pending_sources.take() {
            Some((s, _)) => s,
            None => Vec::new(),
        };
        doc.blocks.push(Block::Paragraph {
            runs: runs(line),
            align: Align::Justify,
            sources,
            line: no,
        });
    }
    if let Some((_, no)) = pending_sources {
        bail!("报告模板 {name} 渲染结果第 {no} 行：::sources 之后没有段落");
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_headings_tables_sources_and_emphasis() {
        let d = parse(
            "# 标题\n::center 文号\n## 一、概况\n::sources a 1; b\n正文**重点**。\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n",
            "t",
        )
        .unwrap();
        assert_eq!(d.blocks.len(), 5);
        assert!(matches!(&d.blocks[2], Block::Heading(1, _)));
        match &d.blocks[3] {
            Block::Paragraph { runs, sources, .. } => {
                assert_eq!(sources, &["a 1", "b"]);
                assert_eq!(
                    runs[1],
                    Run {
                        text: "重点".into(),
                        bold: true
                    }
                );
            }
            b => panic!("{b:?}"),
        }
        assert!(matches!(&d.blocks[4], Block::Table { rows, .. } if rows.len() == 1));
        assert_eq!(
            runs("a\\*\\*\\*\\*1234 **b** 16人*5"),
            vec![
                Run {
                    text: "a****1234 ".into(),
                    bold: false
                },
                Run {
                    text: "b".into(),
                    bold: true
                },
                Run {
                    text: " 16人*5".into(),
                    bold: false
                }
            ]
        );
        assert!(parse("| a |\n| b |\n", "t").is_err());
        assert!(parse("::sources x\n", "t").is_err());
        assert!(parse("::nope\n", "t").is_err());
    }
}
