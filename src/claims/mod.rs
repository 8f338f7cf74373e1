//! The department's own claims: the figures a 自评报告 states about itself (execution rate,
//! budget, expenditure and its parts, "三公经费" and its parts …), read from its text
//! (.txt, .md, .docx), checked against each other ([`consistency`]) and, in a run, against
//! the books ([`books`]).
//!
//! What counts as a claim is data (`data/claims.toml`: the quantities and their words, the
//! units, the list markers); the grammar around a figure is here ([`extract`]). Values are
//! exact decimals: amounts in 元 (万元 × 10,000, 亿元 × 100,000,000), rates in percent.

pub mod books;
pub mod consistency;
pub mod docx;
pub mod extract;

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The built-in vocabulary.
const BUILTIN: &str = include_str!("../../data/claims.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub word: String,
    pub factor: Decimal,
    #[serde(default)]
    pub bare: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListMarker {
    pub word: String,
    pub complete: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    #[serde(default)]
    pub increase: Vec<String>,
    #[serde(default)]
    pub decrease: Vec<String>,
    #[serde(default)]
    pub compared: Vec<String>,
    /// Words naming the previous period (上年, 去年同期 …): a figure they lead to is that
    /// period's, not the report year's (`比上年（2022年）1800万元`, `上年4.30万元`), unless a change
    /// word stands between (`比上年增长120万元` is this year's change).
    #[serde(default)]
    pub prior: Vec<String>,
    /// Words that, right after a `prior` word, make it this year's money carried from the
    /// previous one (`上年结转资金`), not a figure of the previous period.
    #[serde(default)]
    pub carried: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuantityKind {
    Amount,
    Rate,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub name: String,
    pub kind: QuantityKind,
    #[serde(default)]
    pub basis: Option<String>,
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub parts: Vec<String>,
    #[serde(default)]
    pub not_parts: Vec<String>,
    /// 经济分类 code prefixes whose 预算会计 expenditure is this quantity in the books.
    #[serde(default)]
    pub econ: Vec<String>,
    #[serde(default)]
    pub basic_only: bool,
    /// The budget stage the quantity is by nature (年初预算: 年初).
    #[serde(default)]
    pub stage: Option<String>,
    /// For a rate other than the execution rate: the amount quantities it divides (an actual
    /// one by a budget one: 资金到位率 = 到位资金 ÷ 预算).
    #[serde(default)]
    pub ratio: Vec<String>,
    pub words: Vec<String>,
}

/// A budget stage (年初, 调整后) and the words that say it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub name: String,
    pub words: Vec<String>,
}

/// `data/claims.toml`, or an engagement's file merged onto it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    #[serde(default)]
    pub unit: Vec<Unit>,
    #[serde(default)]
    pub percent: Vec<String>,
    #[serde(default)]
    pub filler: Vec<String>,
    #[serde(default)]
    pub approximate: Vec<String>,
    #[serde(default)]
    pub list_marker: Vec<ListMarker>,
    #[serde(default)]
    pub list_total: Vec<String>,
    #[serde(default)]
    pub budget_words: Vec<String>,
    #[serde(default)]
    pub change: Change,
    #[serde(default)]
    pub self_names: Vec<String>,
    #[serde(default)]
    pub self_suffixes: Vec<String>,
    #[serde(default)]
    pub scope_nouns: Vec<String>,
    #[serde(default)]
    pub this_project: Vec<String>,
    #[serde(default)]
    pub project_headings: Vec<String>,
    #[serde(default)]
    pub department_headings: Vec<String>,
    #[serde(default)]
    pub stage: Vec<Stage>,
    #[serde(default)]
    pub single_item: Vec<String>,
    #[serde(default)]
    pub verb_prefixes: Vec<String>,
    /// Words naming a performance task's target (目标任务 …): figures of the sentence that
    /// states one are the task's.
    #[serde(default)]
    pub task_words: Vec<String>,
    /// Words glued before a quantity word that qualify it (采购总预算), no part of what the
    /// figure is of.
    #[serde(default)]
    pub quantity_modifiers: Vec<String>,
    #[serde(default)]
    pub quantity: Vec<Quantity>,
}

impl Vocabulary {
    pub fn builtin() -> Result<Vocabulary> {
        toml::from_str(BUILTIN).context("内置 data/claims.toml 有误")
    }

    /// The built-in vocabulary with `extra` (an engagement's file) added: lists extended,
    /// quantities of a new name added, words of a known one added to it.
    pub fn with_extra(extra: Option<&Path>) -> Result<Vocabulary> {
        let mut v = Vocabulary::builtin()?;
        if let Some(p) = extra {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("无法读取自评报告词表 {}", p.display()))?;
            let e: Vocabulary = toml::from_str(&text)
                .map_err(|err| anyhow::anyhow!("{}", err.message()))
                .with_context(|| format!("自评报告词表 {} 格式有误", p.display()))?;
            v.merge(e);
        }
        v.validate()?;
        Ok(v)
    }

    fn merge(&mut self, e: Vocabulary) {
        self.unit.extend(e.unit);
        self.percent.extend(e.percent);
        self.filler.extend(e.filler);
        self.approximate.extend(e.approximate);
        self.list_marker.extend(e.list_marker);
        self.list_total.extend(e.list_total);
        self.budget_words.extend(e.budget_words);
        self.change.increase.extend(e.change.increase);
        self.change.decrease.extend(e.change.decrease);
        self.change.compared.extend(e.change.compared);
        self.self_names.extend(e.self_names);
        self.self_suffixes.extend(e.self_suffixes);
        self.scope_nouns.extend(e.scope_nouns);
        self.project_headings.extend(e.project_headings);
        self.this_project.extend(e.this_project);
        self.department_headings.extend(e.department_headings);
        self.single_item.extend(e.single_item);
        self.verb_prefixes.extend(e.verb_prefixes);
        self.task_words.extend(e.task_words);
        self.quantity_modifiers.extend(e.quantity_modifiers);
        for st in e.stage {
            match self.stage.iter_mut().find(|x| x.name == st.name) {
                Some(x) => x.words.extend(st.words),
                None => self.stage.push(st),
            }
        }
        for q in e.quantity {
            match self.quantity.iter_mut().find(|x| x.name == q.name) {
                Some(x) => {
                    x.words.extend(q.words);
                    x.parts.extend(q.parts);
                    x.not_parts.extend(q.not_parts);
                }
                None => self.quantity.push(q),
            }
        }
    }

    fn validate(&self) -> Result<()> {
        for q in &self.quantity {
            if q.words.iter().any(|w| w.trim().is_empty()) || q.words.is_empty() {
                bail!("自评报告词表中“{}”没有词语或有空词语", q.name);
            }
            for p in &q.parts {
                if self.get(p).is_none() {
                    bail!("自评报告词表中“{}”的组成部分“{}”不是词表中的量", q.name, p);
                }
            }
            if !q.ratio.is_empty()
                && (q.ratio.len() != 2 || q.ratio.iter().any(|p| self.get(p).is_none()))
            {
                bail!(
                    "自评报告词表中“{}”的 ratio 应为词表中的两个量（分子、分母）",
                    q.name
                );
            }
        }
        if self.unit.iter().any(|u| u.factor <= Decimal::ZERO) {
            bail!("自评报告词表中单位的换算系数必须为正数");
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Quantity> {
        self.quantity.iter().find(|q| q.name == name)
    }

    /// The quantities `name` is a part of.
    pub fn wholes_of(&self, name: &str) -> Vec<&Quantity> {
        self.quantity
            .iter()
            .filter(|q| q.parts.iter().any(|p| p == name))
            .collect()
    }
}

/// One figure the report states.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claim {
    /// The vocabulary's name of the quantity (预算执行率, 支出决算, 三公经费 …).
    pub quantity: String,
    /// What the figure is of when not the department as a whole: another quantity
    /// (项目支出's 预算执行率), a fund or a project; `null` for the department.
    pub of: Option<String>,
    /// 预算 (a budget figure), 实际 (an actual one), 变动 (an increase or decrease); `null`
    /// for rates.
    pub basis: Option<String>,
    /// For a budget figure, the stage it is stated at when the text says (年初, 调整后): the
    /// 年初 and the 调整后 budget are different figures by nature, never compared. Absent when
    /// not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Exact: 元 for amounts, percent for rates.
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
    /// 元 or %.
    pub unit: String,
    /// The figure as written (“1309.96万元”).
    pub stated: String,
    pub year: Option<i32>,
    /// 1-based line of the text (of the .docx's paragraphs and table cells, one a line).
    pub line: usize,
    /// The sentence it stands in.
    pub text: String,
}

/// Figures of the report that do not agree with each other.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Inconsistency {
    /// list_incomplete, list_exceeds, part_exceeds_whole, not_a_part, rate_mismatch,
    /// conflicting_values.
    pub kind: String,
    /// Indexes into the file's `claims` (0-based) of the claims involved (a "其中" list's
    /// total need not be a claim of the vocabulary: then its figures are in `figures`).
    pub claims: Vec<usize>,
    pub line: usize,
    /// The key figure: the difference in 元 for a list, the quantity for a value stated twice.
    pub figure: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileClaims {
    pub path: String,
    /// The year the report is about (the first year in its opening lines).
    pub year: Option<i32>,
    pub claims: Vec<Claim>,
    pub inconsistencies: Vec<Inconsistency>,
}

/// The text of a report, one paragraph or table cell a line (cells start with a tab).
pub fn read_text(path: &Path) -> Result<String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    match ext.as_str() {
        "docx" => docx::text(&bytes)
            .with_context(|| format!("{} 不是可读取的 Word 文档（.docx）", path.display())),
        "txt" | "md" | "text" | "" => decode(&bytes)
            .with_context(|| format!("{} 不是文本文件（应为 UTF-8 或 GBK 编码）", path.display())),
        "doc" => bail!(
            "{} 是旧版 Word 文档（.doc），无法直接读取：请另存为 .docx 或 .txt 后再试",
            path.display()
        ),
        "pdf" => bail!(
            "{} 是 PDF，无法直接读取：请导出为 .txt 或 .docx 后再试",
            path.display()
        ),
        other => bail!(
            "{} 的格式（.{other}）无法读取：自评报告应为 .docx、.txt 或 .md",
            path.display()
        ),
    }
}

/// UTF-8 (with or without BOM, or UTF-16 with BOM), else GBK; binary refused.
fn decode(bytes: &[u8]) -> Result<String> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, _, bad) = enc.decode(bytes);
        if bad {
            bail!("编码有误");
        }
        return Ok(s.into_owned());
    }
    if bytes.contains(&0) {
        bail!("含二进制内容");
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (s, _, bad) = encoding_rs::GBK.decode(bytes);
    if bad {
        bail!("编码有误");
    }
    Ok(s.into_owned())
}

/// The claims and inconsistencies of one report file.
pub fn read_file(path: &Path, shown_as: &str, vocab: &Vocabulary) -> Result<FileClaims> {
    let text = read_text(path)?;
    Ok(claims_of_text(&text, shown_as, vocab))
}

pub fn claims_of_text(text: &str, shown_as: &str, vocab: &Vocabulary) -> FileClaims {
    let ex = extract::extract(text, vocab);
    let inconsistencies = consistency::check(&ex, vocab);
    FileClaims {
        path: shown_as.to_string(),
        year: ex.year,
        claims: ex.claims,
        inconsistencies,
    }
}

/// `value` in the unit shown to users: 元 grouped by thousands, percent with its sign.
pub fn shown(value: Decimal, unit: &str) -> String {
    if unit == "%" {
        format!("{}%", value.normalize())
    } else {
        format!("{} 元", crate::model::money::grouped_yuan(value))
    }
}
