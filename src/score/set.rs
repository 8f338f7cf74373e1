//! Indicator sets as data: a flat list of indicators with parents, read from TOML.

use super::expr::{self, Expr};
use crate::errors::excerpt;
use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFile {
    pub name: String,
    #[serde(default)]
    pub note: Option<String>,
    /// The grade bands; `data/scoring/grades.toml` when the set names none.
    #[serde(default)]
    pub grades: Option<Vec<GradeBand>>,
    /// The set's own names of the indicator kinds (C1 评分方式); the others from
    /// `data/scoring/kind_names.toml`.
    #[serde(default)]
    pub kind_names: BTreeMap<String, String>,
    pub indicator: Vec<Indicator>,
}

/// One grade: reached when the total is ≥ `min`; the last band has no `min` and takes the rest.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub grade: String,
    #[serde(default)]
    pub min: Option<Decimal>,
}

/// Grade bands, highest first, checked on load (see `data/scoring/grades.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct GradeBands(Vec<GradeBand>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradesFile {
    grades: Vec<GradeBand>,
}

impl GradeBands {
    /// The bands of `data/scoring/grades.toml` (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below).
    pub fn builtin() -> &'static GradeBands {
        static BUILTIN: std::sync::OnceLock<GradeBands> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            let f: GradesFile = toml::from_str(include_str!("../../data/scoring/grades.toml"))
                .expect("内置 grades.toml 有误");
            GradeBands::new(f.grades).expect("内置 grades.toml 有误")
        })
    }

    /// Checks the bands: at least one, `min` strictly decreasing, only the last without `min`.
    pub fn new(bands: Vec<GradeBand>) -> Result<GradeBands> {
        let Some((last, rest)) = bands.split_last() else {
            bail!("等级 grades 不能为空");
        };
        if last.min.is_some() {
            bail!(
                "等级 grades 的最后一档（{}）不应写 min：它接住低于上一档的所有总分",
                excerpt(&last.grade)
            );
        }
        let mut above: Option<Decimal> = None;
        for b in rest {
            let Some(min) = b.min else {
                bail!(
                    "等级 {} 缺少 min（只有最后一档可以不写）",
                    excerpt(&b.grade)
                );
            };
            if above.is_some_and(|a| min >= a) {
                bail!(
                    "等级 grades 应按 min 从高到低排列（{} 的 min = {min}）",
                    excerpt(&b.grade)
                );
            }
            above = Some(min);
        }
        Ok(GradeBands(bands))
    }

    /// The grade of a total: the first band whose `min` it reaches.
    pub fn grade(&self, total: Decimal) -> &str {
        self.0
            .iter()
            .find(|b| b.min.is_none_or(|m| total >= m))
            .map(|b| b.grade.as_str())
            .unwrap_or_default()
    }

    pub fn bands(&self) -> &[GradeBand] {
        &self.0
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub weight: Decimal,
    #[serde(default)]
    pub definition: String,
    /// formula | target | rate | survey | findings | manual (leaves only). `rate`: a rate
    /// (`[targets.<id>]` actual ÷ base, or the rate itself) scored by `rule` with a rate target.
    #[serde(default)]
    pub kind: Option<String>,
    /// formula: the expression; its value is a percentage unless `percent = false`.
    #[serde(default)]
    pub expr: Option<String>,
    #[serde(default = "yes")]
    pub percent: bool,
    #[serde(default)]
    pub rule: Option<Rule>,
    /// findings: which rules / categories deduct, how much each, capped.
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    /// findings: when given, only findings whose `aspect` (目标 / 监控 / 自评 / 资料) is
    /// listed — the 监控 part of a rule, not its 目标 part.
    #[serde(default)]
    pub aspects: Vec<String>,
    #[serde(default)]
    pub per_finding: Option<Decimal>,
    #[serde(default)]
    pub cap: Option<Decimal>,
    /// target: ge (≥ target is full marks) or le; inputs may override.
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(skip)]
    pub level: u8,
}

fn yes() -> bool {
    true
}

/// How a value becomes a score.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Full marks at or beyond `target`; proportional short of it.
    Ratio { target: Decimal, direction: String },
    /// Full marks within `threshold`; `per_point` off per percentage point beyond it.
    Deduct {
        threshold: Decimal,
        direction: String,
        per_point: Decimal,
    },
    /// `[[bound, score], …]` in order; the first band the value reaches gives the score.
    Bands {
        direction: String,
        bands: Vec<(Decimal, Decimal)>,
    },
}

#[derive(Debug, Clone)]
pub struct IndicatorSet {
    pub name: String,
    pub note: Option<String>,
    /// In file order; parents before children.
    pub indicators: Vec<Indicator>,
    pub exprs: BTreeMap<String, Expr>,
    pub grades: GradeBands,
    /// Each kind's name in the working papers (C1 评分方式, score.json `kind_name`): the
    /// built-in `data/scoring/kind_names.toml` with the set's `[kind_names]` over it.
    pub kind_names: BTreeMap<String, String>,
}

pub const KINDS: &[&str] = &["formula", "target", "rate", "survey", "findings", "manual"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindNamesFile {
    kind_names: BTreeMap<String, String>,
}

/// The built-in names of the kinds (`data/scoring/kind_names.toml`).
pub fn builtin_kind_names() -> &'static BTreeMap<String, String> {
    static BUILTIN: std::sync::OnceLock<BTreeMap<String, String>> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| {
        let f: KindNamesFile = toml::from_str(include_str!("../../data/scoring/kind_names.toml"))
            .expect("内置 kind_names.toml 有误");
        check_kind_names(&f.kind_names).expect("内置 kind_names.toml 有误");
        f.kind_names
    })
}

fn check_kind_names(names: &BTreeMap<String, String>) -> Result<()> {
    for (k, v) in names {
        if !KINDS.contains(&k.as_str()) {
            bail!(
                "kind_names 中的“{}”不是指标类型（应为 {} 之一）",
                excerpt(k),
                KINDS.join("、")
            );
        }
        if v.trim().is_empty() {
            bail!("kind_names 中 {k} 的名称为空");
        }
    }
    Ok(())
}

/// Each kind as the working papers name it (C1 评分方式): what the evaluator does to score it,
/// by the built-in names (a set's own: `IndicatorSet::kind_name`); a kind without a name as is.
pub fn kind_name(kind: &str) -> &str {
    builtin_kind_names()
        .get(kind)
        .map(String::as_str)
        .unwrap_or(kind)
}

impl IndicatorSet {
    pub fn load(path: &Path) -> Result<IndicatorSet> {
        let text = crate::model::provenance::read_input_text(path)
            .with_context(|| format!("无法读取指标体系文件 {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("指标体系文件 {} 有误", path.display()))
    }

    pub fn parse(text: &str) -> Result<IndicatorSet> {
        let f: SetFile = toml::from_str(text)?;
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        let mut inds = f.indicator;
        let hundred = Decimal::from(100);
        for i in 0..inds.len() {
            let ind = &inds[i];
            if ind.weight < Decimal::ZERO || ind.weight > hundred {
                bail!(
                    "指标 {}（{}）的分值 weight = {} 不在 0 到 100 之间",
                    excerpt(&ind.id),
                    excerpt(&ind.name),
                    ind.weight
                );
            }
            if by_id.insert(ind.id.clone(), i).is_some() {
                bail!("指标编号 {} 重复", ind.id);
            }
            let level = match &ind.parent {
                None => 1,
                Some(p) => {
                    let &pi = by_id
                        .get(p)
                        .with_context(|| format!("指标 {} 的上级 {p} 不存在或排在其后", ind.id))?;
                    inds[pi].level + 1
                }
            };
            if level > 3 {
                bail!("指标 {} 超过三级", ind.id);
            }
            inds[i].level = level;
        }
        let mut exprs = BTreeMap::new();
        for ind in &inds {
            let children: Vec<&Indicator> = inds
                .iter()
                .filter(|c| c.parent.as_ref() == Some(&ind.id))
                .collect();
            if children.is_empty() {
                let kind = ind
                    .kind
                    .as_deref()
                    .with_context(|| format!("末级指标 {} 未写 kind", ind.id))?;
                if !KINDS.contains(&kind) {
                    bail!("指标 {} 的 kind “{kind}” 不是 {}", ind.id, KINDS.join("/"));
                }
                if kind == "formula" {
                    let e = ind
                        .expr
                        .as_deref()
                        .with_context(|| format!("公式指标 {} 未写 expr", ind.id))?;
                    let parsed = expr::parse(e)
                        .map_err(|m| anyhow::anyhow!("公式指标 {} 的 expr 有误：{m}", ind.id))?;
                    exprs.insert(ind.id.clone(), parsed);
                }
                if kind == "rate" && ind.rule.is_none() {
                    bail!(
                        "比率指标 {}（{}）未写计分规则 rule（如 rule = {{ type = \"ratio\", target = \"90\", direction = \"ge\" }}，目标为百分比）",
                        ind.id,
                        ind.name
                    );
                }
                if kind == "findings" && ind.rules.is_empty() && ind.categories.is_empty() {
                    bail!("扣分指标 {} 未写 rules 或 categories", ind.id);
                }
                // A category or rule no check emits would match no finding and give full
                // marks without a word: the catalogue (data/categories.toml) and the rule
                // library decide what a set may name.
                for c in &ind.categories {
                    if !crate::model::categories::is_known(c)? {
                        bail!(
                            "扣分指标 {}（{}）的 categories 含 “{}”，不是检查规则给出的类别（data/categories.toml）；可用的类别：{}",
                            ind.id,
                            ind.name,
                            excerpt(c),
                            crate::model::categories::names()?
                        );
                    }
                }
                if !ind.aspects.is_empty() && kind != "findings" {
                    bail!(
                        "指标 {}（{}）写了 aspects，只有扣分指标（kind = \"findings\"）才按疑点的方面选取",
                        ind.id,
                        ind.name
                    );
                }
                for a in &ind.aspects {
                    if !crate::model::findings::ASPECTS.contains(&a.as_str()) {
                        bail!(
                            "扣分指标 {}（{}）的 aspects 含 “{}”，不是疑点的方面：{}",
                            ind.id,
                            ind.name,
                            excerpt(a),
                            crate::model::findings::ASPECTS.join("、")
                        );
                    }
                }
                for r in &ind.rules {
                    if crate::check::doc(r).is_none() {
                        bail!(
                            "扣分指标 {}（{}）的 rules 含 “{}”，不是已有的检查规则（reeval rules 列出全部规则）",
                            ind.id,
                            ind.name,
                            excerpt(r)
                        );
                    }
                }
            } else {
                let sum: Decimal = children.iter().map(|c| c.weight).sum();
                if sum != ind.weight {
                    bail!(
                        "指标 {}（{}）分值 {} 不等于下级分值之和 {sum}",
                        ind.id,
                        ind.name,
                        ind.weight
                    );
                }
            }
        }
        let total: Decimal = inds.iter().filter(|i| i.level == 1).map(|i| i.weight).sum();
        if total != Decimal::from(100) {
            bail!("一级指标分值之和应为 100，实为 {total}");
        }
        let grades = match f.grades {
            Some(bands) => GradeBands::new(bands)?,
            None => GradeBands::builtin().clone(),
        };
        check_kind_names(&f.kind_names)?;
        let mut kind_names = builtin_kind_names().clone();
        kind_names.extend(
            f.kind_names
                .into_iter()
                .map(|(k, v)| (k, v.trim().to_string())),
        );
        Ok(IndicatorSet {
            name: f.name,
            note: f.note,
            indicators: inds,
            exprs,
            grades,
            kind_names,
        })
    }

    /// A kind's name in the working papers: the set's, else the built-in one.
    pub fn kind_name<'a>(&'a self, kind: &'a str) -> &'a str {
        self.kind_names
            .get(kind)
            .map(String::as_str)
            .unwrap_or(kind)
    }

    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Indicator> + 'a {
        self.indicators
            .iter()
            .filter(move |c| c.parent.as_deref() == Some(id))
    }

    pub fn is_leaf(&self, id: &str) -> bool {
        self.children(id).next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str =
        "[[indicator]]\nid = \"all\"\nname = \"全部\"\nweight = \"100\"\nkind = \"manual\"\n";

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_set_without_grades_gets_the_builtin_bands() {
        let set = IndicatorSet::parse(&format!("name = \"t\"\n{ONE}")).unwrap();
        assert_eq!(&set.grades, GradeBands::builtin());
        assert_eq!(set.grades.grade(d("89.99")), "良");
        assert_eq!(set.grades.grade(d("90")), "优");
        assert_eq!(set.grades.grade(d("-1")), "差");
    }

    #[test]
    fn a_set_may_name_its_own_grades() {
        let set = IndicatorSet::parse(&format!(
            "name = \"t\"\ngrades = [{{ grade = \"合格\", min = \"75\" }}, {{ grade = \"不合格\" }}]\n{ONE}"
        ))
        .unwrap();
        assert_eq!(set.grades.grade(d("75")), "合格");
        assert_eq!(set.grades.grade(d("74.99")), "不合格");
    }

    #[test]
    fn grade_bands_are_checked_on_load() {
        for (grades, says) in [
            ("[]", "不能为空"),
            ("[{ grade = \"优\", min = \"90\" }]", "最后一档"),
            ("[{ grade = \"良\", min = \"80\" }, { grade = \"优\", min = \"90\" }, { grade = \"差\" }]", "从高到低"),
            ("[{ grade = \"优\" }, { grade = \"差\" }]", "缺少 min"),
        ] {
            let e = IndicatorSet::parse(&format!("name = \"t\"\ngrades = {grades}\n{ONE}"))
                .unwrap_err();
            assert!(format!("{e:#}").contains(says), "{grades}: {e:#}");
        }
    }

    #[test]
    fn the_bundled_sets_use_the_builtin_bands() {
        for f in ["common-53.toml", "xundian-2023.toml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("indicator_sets")
                .join(f);
            let set = IndicatorSet::load(&path).unwrap();
            assert_eq!(&set.grades, GradeBands::builtin(), "{f}");
        }
    }
}
