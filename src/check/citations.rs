//! The citations catalogue (`data/citations.toml`): each family's versions with the dates their
//! text was in force, the kinds of entity they govern and the place they hold; a finding cites
//! the version in force on its date, for its entity's kind, in the engagement's place (a local
//! rule before the central one).

use crate::model::findings::Citation;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The kind of entity, which decides its 财务规则 (and, in the catalogue, any entry limited to
/// some kinds of entity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    #[serde(rename = "行政单位")]
    Administrative,
    #[serde(
        rename = "参照公务员法管理的事业单位",
        alias = "参公事业单位",
        alias = "参公单位"
    )]
    CivilServiceManaged,
    #[serde(rename = "事业单位")]
    Institution,
}

impl EntityType {
    pub const NAMES: &'static [&'static str] =
        &["行政单位", "参照公务员法管理的事业单位", "事业单位"];

    /// What a citation assumes when the engagement does not say (the run says so).
    pub const ASSUMED: EntityType = EntityType::Administrative;

    pub fn name(self) -> &'static str {
        match self {
            EntityType::Administrative => "行政单位",
            EntityType::CivilServiceManaged => "参照公务员法管理的事业单位",
            EntityType::Institution => "事业单位",
        }
    }
}

/// The level of government an entity belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    #[serde(rename = "省")]
    Province,
    #[serde(rename = "市")]
    City,
    #[serde(rename = "县")]
    County,
    #[serde(rename = "乡")]
    Township,
}

impl Level {
    pub const NAMES: &'static [&'static str] = &["省", "市", "县", "乡"];
}

/// Where and for whom the findings are cited: the engagement's province, city and county (the
/// parts it names, in that order) and each entity's kind.
#[derive(Debug, Clone, Default)]
pub struct CitationSetting {
    pub region: Vec<String>,
    pub types: BTreeMap<String, EntityType>,
    /// The kind of every entity `types` does not name (`reeval check --entity-type`); when
    /// absent, [`EntityType::ASSUMED`].
    pub default_type: Option<EntityType>,
    /// True when the engagement is about a county (or township) unit: it names a county, or an
    /// entity's level is 县/乡.
    pub county_level: bool,
}

/// A place name without its administrative suffix (`place_suffixes` of the catalogue, longest
/// first): `寻甸县` → `寻甸`, `云南省` → `云南`; a stem keeps at least two characters.
fn place_stem<'a>(s: &'a str, suffixes: &[String]) -> &'a str {
    let s = s.trim();
    suffixes
        .iter()
        .find_map(|x| {
            s.strip_suffix(x.as_str())
                .filter(|r| r.chars().count() >= 2)
        })
        .unwrap_or(s)
}

/// Whether two names of a place name the same place: equal, or one's stem begins the other's
/// (`寻甸县` / `寻甸回族彝族自治县`), with at least two characters in common.
fn same_place(a: &str, b: &str, suffixes: &[String]) -> bool {
    let (x, y) = (place_stem(a, suffixes), place_stem(b, suffixes));
    if x.is_empty() || y.is_empty() {
        return false;
    }
    x == y
        || (x.chars().count().min(y.chars().count()) >= 2 && (x.starts_with(y) || y.starts_with(x)))
}

/// How many parts of the engagement's region an entry's region holds (0 = nationwide), or
/// `None` when the entry belongs to another place.
fn region_depth(entry: &str, region: &[String], suffixes: &[String]) -> Option<usize> {
    let parts: Vec<&str> = entry
        .split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > region.len() {
        return None;
    }
    parts
        .iter()
        .zip(region)
        .all(|(p, r)| same_place(p, r, suffixes))
        .then_some(parts.len())
}

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
    /// The kinds of entity the entry governs (empty: every kind).
    #[serde(default)]
    entity_types: Vec<EntityType>,
    /// The situations (what a finding found: `付给个人`, `桌餐` …) this entry's provision or
    /// paragraph is about; empty: any. A family may hold several entries in force at once, one
    /// per paragraph or provision: a finding cites the one that fits its facts.
    #[serde(default)]
    fits: Vec<String>,
    /// `省/市/县` the entry holds in (empty: nationwide). A local entry shares its family with
    /// the central rule it details, and wins over it where it holds.
    #[serde(default)]
    region: String,
    /// On a central entry: the matter local standards usually set (公务接待, 会议费, 差旅,
    /// 采购限额). Cited without a local entry, the finding says 未配置地方标准.
    #[serde(default)]
    local_topic: String,
    /// The matters the provision governs (data/citations.toml `[finding_subjects]`; checked
    /// by the tests over the whole catalogue).
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    subjects: Vec<String>,
}

impl Entry {
    /// Whether the entry can be quoted: it has text, read somewhere (grade V or S). Any other
    /// entry is a gap in the catalogue, never a finding's provision.
    fn quotable(&self) -> bool {
        !self.text.trim().is_empty() && self.grade != "U"
    }
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
    /// Administrative suffixes left out when two spellings of a place are compared.
    #[serde(default)]
    place_suffixes: Vec<String>,
    #[serde(default)]
    citation: Vec<Entry>,
    /// What is added to a central entry's document name where it stands in for a local rule
    /// not in the catalogue (`{province}`, `{topic}`).
    #[serde(default)]
    stand_in: String,
    /// The matters each kind of finding (rule id or category) is about.
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    finding_subjects: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: Vec<Entry>,
    /// The catalogues' `place_suffixes`, longest first.
    place_suffixes: Vec<String>,
    /// The built-in catalogue's `stand_in` (an engagement file's, when it gives one).
    stand_in: String,
    setting: CitationSetting,
}

/// The note a citation of a central rule carries where local standards usually exist.
pub const NO_LOCAL_STANDARD: &str = "未配置地方标准";
/// The caution on a text read only in a secondary source (grade S).
pub const CHECK_AGAINST_ORIGINAL: &str = "引文待与原文核对";

impl Catalogue {
    pub fn builtin() -> Result<Catalogue> {
        Catalogue::with_extra(None)
    }

    /// The built-in catalogue plus an engagement's local entries (实施细则 …).
    pub fn with_extra(path: Option<&Path>) -> Result<Catalogue> {
        let f: File = toml::from_str(BUILTIN).context("内置 citations.toml 无法解析")?;
        let mut entries = f.citation;
        let mut place_suffixes = f.place_suffixes;
        let mut stand_in = f.stand_in;
        if let Some(p) = path {
            let text = crate::model::provenance::read_input_text(p)
                .with_context(|| format!("无法读取法规目录 {}", p.display()))?;
            let extra: File = toml::from_str(&text)
                .with_context(|| format!("法规目录 {} 格式有误", p.display()))?;
            entries.extend(extra.citation);
            place_suffixes.extend(extra.place_suffixes);
            if !extra.stand_in.trim().is_empty() {
                stand_in = extra.stand_in;
            }
        }
        place_suffixes.sort_by_key(|x| std::cmp::Reverse(x.chars().count()));
        place_suffixes.dedup();
        for e in &entries {
            if let Some(to) = e.to {
                if to < e.from {
                    bail!("法规目录中 {} {} 的失效日早于生效日", e.law, e.article);
                }
            }
        }
        Ok(Catalogue {
            entries,
            place_suffixes,
            stand_in,
            setting: CitationSetting::default(),
        })
    }

    /// The catalogue for one engagement's place and entities.
    pub fn with_setting(mut self, setting: CitationSetting) -> Catalogue {
        self.setting = setting;
        self
    }

    pub fn setting(&self) -> &CitationSetting {
        &self.setting
    }

    /// The local matters (公务接待, 会议费 …) for which the catalogue holds no entry of the
    /// engagement's place: a county engagement cites the central rules for them.
    pub fn topics_without_local_rule(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.entries.iter().filter(|e| !e.local_topic.is_empty()) {
            let local = self.entries.iter().any(|l| {
                l.family == e.family
                    && region_depth(&l.region, &self.setting.region, &self.place_suffixes)
                        .is_some_and(|d| d > 0)
            });
            if !local && !out.contains(&e.local_topic) {
                out.push(e.local_topic.clone());
            }
        }
        out
    }

    pub fn has_family(&self, family: &str) -> bool {
        self.entries.iter().any(|e| e.family == family)
    }

    /// The version of `family` in force on `date`, nationwide, for the assumed kind of entity.
    pub fn cite(&self, family: &str, date: NaiveDate) -> Citation {
        self.cite_for(family, date, None)
    }

    /// The version of `family` in force on `date` for `entity`'s kind, in the engagement's
    /// place: the most local entry that holds there (county before city, province, nation).
    /// When none does, or the entry in force has no quotable text (a gap), a citation with no
    /// law or article whose note says what must be pulled: the caller keeps it out of the
    /// quotations, and a report never names it as a provision.
    pub fn cite_for(&self, family: &str, date: NaiveDate, entity: Option<&str>) -> Citation {
        self.cite_fitting(family, date, entity, &[])
            .expect("without situations a family always gives a citation")
    }

    /// As [`Catalogue::cite_for`], for a finding that found `situations`: among the family's
    /// entries in force, those whose `fits` name one of them, else those without `fits` (the
    /// general provision); `None` when the family's provisions in force are all about other
    /// situations (the family does not fit these facts). Without situations: the general
    /// entries, else the first in force.
    pub fn cite_fitting(
        &self,
        family: &str,
        date: NaiveDate,
        entity: Option<&str>,
        situations: &[String],
    ) -> Option<Citation> {
        let kind = entity
            .and_then(|e| self.setting.types.get(e.trim()))
            .copied()
            .or(self.setting.default_type)
            .unwrap_or(EntityType::ASSUMED);
        let pool: Vec<(usize, &Entry)> = self
            .entries
            .iter()
            .filter(|e| e.family == family)
            .filter(|e| e.from.0 <= date && e.to.is_none_or(|t| date <= t.0))
            .filter(|e| e.entity_types.is_empty() || e.entity_types.contains(&kind))
            .filter_map(|e| {
                region_depth(&e.region, &self.setting.region, &self.place_suffixes).map(|d| (d, e))
            })
            .collect();
        let general: Vec<(usize, &Entry)> = pool
            .iter()
            .copied()
            .filter(|(_, e)| e.fits.is_empty())
            .collect();
        let fitting: Vec<(usize, &Entry)> = pool
            .iter()
            .copied()
            .filter(|(_, e)| e.fits.iter().any(|f| situations.contains(f)))
            .collect();
        let pool = if !fitting.is_empty() {
            fitting
        } else if !general.is_empty() {
            general
        } else if situations.is_empty() || pool.is_empty() {
            pool
        } else {
            return None;
        };
        let hit = pool
            .into_iter()
            // The most local; among equals, the first in the catalogue.
            .fold(None::<(usize, &Entry)>, |best, (d, e)| match best {
                Some((bd, _)) if bd >= d => best,
                _ => Some((d, e)),
            })
            .map(|(_, e)| e);
        Some(match hit {
            Some(e) if e.quotable() => self.in_place(citation(e), e),
            Some(e) => gap(e),
            None => Citation {
                family: family.to_string(),
                law: String::new(),
                article: String::new(),
                text: String::new(),
                verbatim: false,
                in_force: String::new(),
                grade: "U".into(),
                note: format!(
                    "法规目录中没有 {date} 有效、适用于{}的“{family}”条文，须人工补充依据",
                    kind.name()
                ),
                caution: String::new(),
                region: String::new(),
            },
        })
    }

    /// A central entry about a matter local standards set (`local_topic`), cited where the
    /// engagement names its place and the catalogue holds no entry of that family for it:
    /// the document's name says it stands in for the province's rule (`stand_in`).
    fn in_place(&self, mut c: Citation, e: &Entry) -> Citation {
        let Some(province) = self.setting.region.first().filter(|p| !p.trim().is_empty()) else {
            return c;
        };
        if e.local_topic.is_empty() || !e.region.is_empty() || self.stand_in.trim().is_empty() {
            return c;
        }
        let local = self.entries.iter().any(|l| {
            l.family == e.family
                && region_depth(&l.region, &self.setting.region, &self.place_suffixes)
                    .is_some_and(|d| d > 0)
        });
        if local {
            return c;
        }
        let said = self
            .stand_in
            .replace("{province}", province.trim())
            .replace("{topic}", &e.local_topic);
        c.law = if e.doc.is_empty() {
            format!("{}（{said}）", e.law)
        } else {
            format!("{}（{}；{said}）", e.law, e.doc)
        };
        c
    }

    /// Every version of a family, for `reeval rules ID` (whatever the engagement's place).
    pub fn versions(&self, family: &str) -> Vec<Citation> {
        self.entries
            .iter()
            .filter(|e| e.family == family)
            .map(citation)
            .collect()
    }
}

/// A gap (an entry in force whose text is not in the catalogue) as a finding carries it: no
/// law or article to name (a report never presents it as a provision), the note saying which
/// document must be pulled from the original.
fn gap(e: &Entry) -> Citation {
    let doc = if e.doc.is_empty() {
        String::new()
    } else {
        format!("（{}）", e.doc)
    };
    let mut note = format!("{}{doc}{}", e.law, e.article);
    if !e.date_note.is_empty() {
        note = format!("{note}（{}）", e.date_note);
    }
    Citation {
        family: e.family.clone(),
        law: String::new(),
        article: String::new(),
        text: String::new(),
        verbatim: false,
        in_force: match e.to {
            Some(t) => format!("{} 至 {}", e.from, t),
            None => format!("{} 起", e.from),
        },
        grade: "U".into(),
        note,
        caution: String::new(),
        region: e.region.clone(),
    }
}

/// An entry as a finding quotes it.
fn citation(e: &Entry) -> Citation {
    let mut note = e.date_note.clone();
    if !e.local_topic.is_empty() && e.region.is_empty() {
        let local = format!("{NO_LOCAL_STANDARD}（{}）", e.local_topic);
        note = if note.is_empty() {
            local
        } else {
            format!("{local}；{note}")
        };
    }
    if !e.entity_types.is_empty() {
        let kinds: Vec<&str> = e.entity_types.iter().map(|k| k.name()).collect();
        let applies = format!("适用于{}", kinds.join("、"));
        note = if note.is_empty() {
            applies
        } else {
            format!("{note}；{applies}")
        };
    }
    Citation {
        family: e.family.clone(),
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
        note,
        caution: if e.grade == "S" && !e.text.trim().is_empty() {
            CHECK_AGAINST_ORIGINAL.into()
        } else {
            String::new()
        },
        region: e.region.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_family_is_cited_by_the_paragraph_or_provision_that_fits_the_findings_facts() {
        let c = Catalogue::builtin().unwrap();
        let d = NaiveDate::from_ymd_opt(2023, 6, 1).unwrap();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        // 预算法第五十七条 by its paragraph, the one on spending as budgeted by default.
        let spend = c
            .cite_fitting("budget-law-57", d, None, &s(&["超范围支出"]))
            .unwrap();
        assert!(spend
            .text
            .starts_with("……各级政府、各部门、各单位的支出必须按照预算执行"));
        assert_eq!(c.cite("budget-law-57", d).text, spend.text);
        let pay = c
            .cite_fitting("budget-law-57", d, None, &s(&["拨付不及时"]))
            .unwrap();
        assert!(pay.text.starts_with("各级政府财政部门必须") && pay.text.ends_with("……"));
        let perf = c
            .cite_fitting("budget-law-57", d, None, &s(&["未开展绩效评价"]))
            .unwrap();
        assert!(perf.text.ends_with("开展绩效评价。"));
        // A family about other facts is not cited; one with a general entry always is.
        assert!(c
            .cite_fitting("meeting-meal", d, None, &s(&["付给个人"]))
            .is_none());
        assert!(c
            .cite_fitting("jieyue-card", d, None, &s(&["付给个人"]))
            .is_some());
        assert!(c
            .cite_fitting("jieyue-card", d, None, &s(&["桌餐宴请"]))
            .is_none());
        assert!(c
            .cite_fitting("accounting-law-9", d, None, &s(&["付给个人"]))
            .is_some());
        // Without situations: the version in force, as before.
        assert_eq!(c.cite("jieyue-card", d).article, "第十一条");
    }

    #[test]
    fn a_2023_voucher_cites_the_2013_regulation_and_a_2026_one_the_revision() {
        let c = Catalogue::builtin().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let old = c.cite("jieyue-card", d("2023-03-15"));
        assert!(old.law.contains("中发〔2013〕13号"), "{old:?}");
        assert_eq!(old.article, "第十一条");
        // The revision's card article is not in the catalogue: a gap, named nowhere as a
        // provision, its note saying what to pull.
        let new = c.cite("jieyue-card", d("2026-01-10"));
        assert!(
            new.law.is_empty() && new.note.contains("2025年修订"),
            "{new:?}"
        );
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
        let jan = c.cite("admin-finance-21", d("2023-01-20"));
        assert!(jan.law.is_empty() && jan.note.contains("第71号"), "{jan:?}");
        assert!(c
            .cite("admin-finance-21", d("2023-03-01"))
            .law
            .contains("第113号"));
        // Before any version: a placeholder, never a wrong citation.
        let none = c.cite("gov-accounting-5", d("2018-06-30"));
        assert!(none.law.is_empty() && none.note.contains("须人工补充"));
    }

    /// The families each rule (or category) cites: `citations`, `amount_citations`, any
    /// `…_citation` and the
    /// `required` documents' `citation` of data/rules.toml; `citations` of data/categories.toml.
    fn cited_families() -> Vec<(String, Vec<String>)> {
        let strings = |v: Option<&toml::Value>| -> Vec<String> {
            v.and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let rules: toml::Table = toml::from_str(include_str!("../../data/rules.toml")).unwrap();
        let mut out = Vec::new();
        for (id, t) in &rules {
            let Some(t) = t.as_table() else { continue };
            let mut fams = strings(t.get("citations"));
            fams.extend(strings(t.get("amount_citations")));
            // A single family a rule cites for one kind of its findings (`targets_citation`).
            fams.extend(
                t.iter()
                    .filter(|(k, _)| k.ends_with("_citation"))
                    .filter_map(|(_, v)| v.as_str().map(String::from)),
            );
            for r in t
                .get("required")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                fams.extend(r.get("citation").and_then(|c| c.as_str()).map(String::from));
            }
            if !fams.is_empty() {
                out.push((id.clone(), fams));
            }
        }
        let cats: toml::Table = toml::from_str(include_str!("../../data/categories.toml")).unwrap();
        for c in cats
            .get("category")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let fams = strings(c.get("citations"));
            if !fams.is_empty() {
                out.push((c["name"].as_str().unwrap().to_string(), fams));
            }
        }
        out
    }

    /// The entries of `families` a finding of `kind` may cite though none of their subjects is
    /// one of the kind's: every general entry (no `fits`) of a family, and a family's entries
    /// for particular facts (`fits`: one paragraph of several) when none of them is about it.
    fn off_subject(file: &File, kind: &str, families: &[String]) -> Vec<String> {
        let wanted = file.finding_subjects.get(kind).cloned().unwrap_or_default();
        let about = |e: &Entry| e.subjects.iter().any(|s| wanted.contains(s));
        let mut out = Vec::new();
        for fam in families {
            let entries: Vec<&Entry> = file.citation.iter().filter(|e| &e.family == fam).collect();
            let some_fitting = entries.iter().any(|e| !e.fits.is_empty() && about(e));
            out.extend(
                entries
                    .iter()
                    .filter(|e| !about(e) && (e.fits.is_empty() || !some_fitting))
                    .map(|e| format!("{kind}: {} {}{}", e.family, e.law, e.article)),
            );
        }
        out
    }

    const PLACEHOLDERS: &[&str] = &[
        "待核",
        "未核验",
        "未核定",
        "相应条款",
        "有关条款",
        "待补充",
        "【",
    ];

    #[test]
    fn every_provision_a_rule_cites_is_quoted_with_its_article_or_is_a_gap_never_named() {
        let file: File = toml::from_str(BUILTIN).unwrap();
        let c = Catalogue::builtin().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let cited = cited_families();
        assert!(cited.len() > 15, "{cited:?}");
        for (kind, fams) in &cited {
            for fam in fams {
                assert!(
                    c.has_family(fam),
                    "{kind} cites {fam}, not in the catalogue"
                );
            }
            // A 2023 finding of an 行政单位 rests on at least one quoted provision.
            let quoted = fams
                .iter()
                .map(|f| c.cite_for(f, d("2023-06-30"), None))
                .filter(|x| x.quotable())
                .count();
            assert!(quoted > 0, "{kind}: nothing quotable in 2023");
        }
        let used: BTreeSet<&String> = cited.iter().flat_map(|(_, f)| f).collect();
        for e in file.citation.iter().filter(|e| used.contains(&e.family)) {
            if e.quotable() {
                assert!(e.law.starts_with('《'), "{e:?}");
                assert!(
                    e.article.contains('条') || e.article.contains("规定"),
                    "{e:?}"
                );
                for p in PLACEHOLDERS {
                    assert!(!e.article.contains(p), "placeholder article: {e:?}");
                    assert!(!e.law.contains(p) && !e.text.contains(p), "{e:?}");
                }
                continue;
            }
            // A gap: cited in its own period for its own kind of entity, it names nothing.
            let mut cat = Catalogue::builtin().unwrap();
            cat.setting.default_type = e.entity_types.first().copied();
            let when = e.to.map(|t| t.0).unwrap_or(e.from.0);
            let got = cat.cite_for(&e.family, when, None);
            assert!(got.law.is_empty() && got.article.is_empty(), "{got:?}");
            assert!(!got.quotable());
            assert!(got.note.contains(&e.law), "{got:?}");
        }
    }

    #[test]
    fn each_rule_cites_only_provisions_about_what_it_found() {
        let file: File = toml::from_str(BUILTIN).unwrap();
        for (kind, fams) in cited_families() {
            assert!(
                file.finding_subjects.contains_key(&kind),
                "{kind} cites {fams:?} but [finding_subjects] does not say what it is about"
            );
            let off = off_subject(&file, &kind, &fams);
            assert!(off.is_empty(), "{off:?}");
        }
        // Look-alikes the check refuses: target setting for a self-evaluation, card settlement
        // for an idle asset, the 会议费 rules for a reception.
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        for (kind, fam) in [
            ("perf-self-evaluation", "performance-targets"),
            ("自评不实", "performance-targets"),
            ("asset-idle", "jieyue-card"),
            ("reception-frequency", "meeting-fee"),
            ("income-in-suspense", "admin-finance-21"),
        ] {
            assert!(
                !off_subject(&file, kind, &s(&[fam])).is_empty(),
                "{kind} {fam}"
            );
        }
    }

    #[test]
    fn a_self_evaluation_finding_cites_what_an_evaluation_is_not_target_setting() {
        let c = Catalogue::builtin().unwrap().with_setting(CitationSetting {
            region: vec![
                "云南省".into(),
                "昆明市".into(),
                "寻甸回族彝族自治县".into(),
            ],
            ..Default::default()
        });
        let d = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        let e = c.cite("performance-self-evaluation", d);
        assert!(e.quotable(), "{e:?}");
        assert!(e.law.contains("预算法实施条例") && e.article == "第二十条");
        assert!(e.text.contains("客观的评价") && e.grade == "V");
        assert!(!e.law.contains("34号") && !e.law.contains("寻财绩"));
    }

    #[test]
    fn a_central_standard_for_a_local_matter_is_cited_for_reference_where_the_place_is_known() {
        let d = NaiveDate::from_ymd_opt(2023, 4, 10).unwrap();
        let at = |region: &[&str]| {
            Catalogue::builtin().unwrap().with_setting(CitationSetting {
                region: region.iter().map(|x| x.to_string()).collect(),
                ..Default::default()
            })
        };
        // A county of 云南 with no 会议费 entry: the central 办法 says it stands in.
        for place in [
            &["云南省", "昆明市", "寻甸回族彝族自治县"][..],
            &["云南省", "曲靖市", "会泽县"][..],
            &["云南省"][..],
        ] {
            let c = at(place);
            for fam in ["meeting-settlement", "meeting-fee", "meeting-meal"] {
                let m = c.cite(fam, d);
                assert!(
                    m.law.starts_with("《中央和国家机关会议费管理办法》"),
                    "{m:?}"
                );
                assert!(
                    m.law.contains("云南省会议费管理规定未收录，参照引用"),
                    "{place:?}: {m:?}"
                );
            }
        }
        // 接待: the county's own 实施细则 in 寻甸 (no stand-in); the central rule for reference
        // in another county of the province.
        let r = at(&["云南省", "昆明市", "寻甸回族彝族自治县"]).cite("reception-meal", d);
        assert!(
            r.law.contains("寻甸") && !r.law.contains("参照引用"),
            "{r:?}"
        );
        let r = at(&["云南省", "曲靖市", "会泽县"]).cite("reception-meal", d);
        assert!(r.law.contains("云南省公务接待管理规定未收录"), "{r:?}");
        // No place given, or a rule binding every unit alike: the name as it is.
        assert!(!at(&[]).cite("meeting-fee", d).law.contains("参照"));
        let card = at(&["云南省", "曲靖市", "会泽县"]).cite("jieyue-card", d);
        assert_eq!(
            card.law,
            "《党政机关厉行节约反对浪费条例》（中发〔2013〕13号）"
        );
    }

    #[test]
    fn a_civil_service_managed_unit_cites_the_administrative_rules_and_a_public_institution_its_own(
    ) {
        let mut setting = CitationSetting::default();
        setting
            .types
            .insert("社保中心".into(), EntityType::CivilServiceManaged);
        setting
            .types
            .insert("所属事业单位".into(), EntityType::Institution);
        let c = Catalogue::builtin().unwrap().with_setting(setting);
        let d = NaiveDate::from_ymd_opt(2023, 12, 20).unwrap();
        for fam in ["admin-finance-49", "admin-finance-21", "admin-finance-36"] {
            let x = c.cite_for(fam, d, Some("社保中心"));
            assert!(x.quotable() && x.law.contains("第113号"), "{x:?}");
            assert!(x.note.contains("参公单位"), "{x:?}");
            assert!(!x.law.contains("待核") && !x.article.contains("待核"));
            let y = c.cite_for(fam, d, Some("所属事业单位"));
            assert!(y.quotable() && y.law.contains("事业单位财务规则"), "{y:?}");
            assert!(
                y.law.contains("第108号") && !y.law.contains("行政单位"),
                "{y:?}"
            );
        }
        // Before 108号 (2022-03-01), 68号: not in the catalogue, a gap.
        let old = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
        let y = c.cite_for("admin-finance-21", old, Some("所属事业单位"));
        assert!(y.law.is_empty() && y.note.contains("第68号"), "{y:?}");
        // 2023-02: 第71号 — its 收入 article (quoted, S); its 支出 articles a gap.
        let feb = NaiveDate::from_ymd_opt(2023, 2, 15).unwrap();
        let x = c.cite_for("admin-finance-49", feb, Some("社保中心"));
        assert!(x.law.contains("第71号") && x.article == "第十七条", "{x:?}");
        let y = c.cite_for("admin-finance-21", feb, Some("社保中心"));
        assert!(y.law.is_empty() && y.note.contains("第71号"), "{y:?}");
    }
}
