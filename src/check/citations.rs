//! The citations catalogue (`data/citations.toml`): each family's versions with the dates their
//! text was in force; a finding cites the version in force on its date.

use crate::model::findings::Citation;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::Path;

const BUILTIN: &str = include_str!("../../data/citations.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    family: String,
    law: String,
    #[serde(default)]
    doc: String,
    article: String,
    #[serde(default)]
    text: String,
    from: Day,
    #[serde(default)]
    to: Option<Day>,
    grade: String,
    #[serde(default = "yes")]
    verbatim: bool,
    #[serde(default)]
    date_note: String,
}
/// A `YYYY-MM-DD` date in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Day(NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| serde::de::Error::custom(format!("日期应写成 YYYY-MM-DD，而不是“{s}”")))
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct File {
    citation: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: Vec<Entry>,
}

impl Catalogue {
    pub fn builtin() -> Result<Catalogue> {
        Catalogue::with_extra(None)
    }

    /// The built-in catalogue plus an engagement's local entries (实施细则 …).
    pub fn with_extra(path: Option<&Path>) -> Result<Catalogue> {
        let f: File = toml::from_str(BUILTIN).context("内置 citations.toml 无法解析")?;
        let mut entries = f.citation;
        if let Some(p) = path {
            let text = crate::model::provenance::read_input_text(p)
                .with_context(|| format!("无法读取法规目录 {}", p.display()))?;
            let extra: File = toml::from_str(&text)
                .with_context(|| format!("法规目录 {} 格式有误", p.display()))?;
            entries.extend(extra.citation);
        }
        for e in &entries {
            if let Some(to) = e.to {
                if to < e.from {
                    bail!("法规目录中 {} {} 的失效日早于生效日", e.law, e.article);
                }
            }
        }
        Ok(Catalogue { entries })
    }

    pub fn has_family(&self, family: &str) -> bool {
        self.entries.iter().any(|e| e.family == family)
    }

    /// The version of `family` in force on `date`; when none was, a placeholder saying so.
    pub fn cite(&self, family: &str, date: NaiveDate) -> Citation {
        let hit = self
            .entries
            .iter()
            .filter(|e| e.family == family)
            .find(|e| e.from.0 <= date && e.to.is_none_or(|t| date <= t.0));
        match hit {
            Some(e) => Citation {
                family: family.to_string(),
                law: if e.doc.is_empty() {
                    e.law.clone()
                } else {
                    format!("{}（{}）", e.law, e.doc)
                },
                article: e.article.clone(),
                text: e.text.clone(),
                verbatim: e.verbatim,
                in_force: match e.to {
                    Some(t) => format!("{} 至 {}", e.from, t),
                    None => format!("{} 起", e.from),
                },
                grade: e.grade.clone(),
                note: e.date_note.clone(),
            },
            None => Citation {
                family: family.to_string(),
                law: String::new(),
                article: String::new(),
                text: String::new(),
                verbatim: false,
                in_force: String::new(),
                grade: "U".into(),
                note: format!("法规目录中没有 {date} 有效的“{family}”条文，须人工补充依据"),
            },
        }
    }

    /// Every version of a family, for `reeval rules ID`.
    pub fn versions(&self, family: &str) -> Vec<Citation> {
        self.entries
            .iter()
            .filter(|e| e.family == family)
            .map(|e| self.cite(family, e.from.0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_2023_voucher_cites_the_2013_regulation_and_a_2026_one_the_revision() {
        let c = Catalogue::builtin().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let old = c.cite("jieyue-card", d("2023-03-15"));
        assert!(old.law.contains("中发〔2013〕13号"), "{old:?}");
        assert_eq!(old.article, "第十一条");
        let new = c.cite("jieyue-card", d("2026-01-10"));
        assert!(new.law.contains("2025年修订"), "{new:?}");
        assert_eq!(new.grade, "U");
        // 会计法 as it stood: 帐簿 before the 2024 amendment, 账簿 after.
        assert!(c
            .cite("accounting-law-9", d("2023-04-01"))
            .text
            .contains("帐簿"));
        assert!(c
            .cite("accounting-law-9", d("2024-09-01"))
            .text
            .contains("账簿"));
        // 行政单位财务规则: No. 113 only from 2023-03-01.
        assert!(c
            .cite("admin-finance-21", d("2023-01-20"))
            .law
            .contains("第71号"));
        assert!(c
            .cite("admin-finance-21", d("2023-03-01"))
            .law
            .contains("第113号"));
        // Before any version: a placeholder, never a wrong citation.
        let none = c.cite("gov-accounting-5", d("2018-06-30"));
        assert!(none.law.is_empty() && none.note.contains("须人工补充"));
    }
}
