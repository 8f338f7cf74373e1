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
    pub indicator: Vec<Indicator>,
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
    /// formula | target | survey | findings | manual (leaves only).
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
}

pub const KINDS: &[&str] = &["formula", "target", "survey", "findings", "manual"];

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
                if kind == "findings" && ind.rules.is_empty() && ind.categories.is_empty() {
                    bail!("扣分指标 {} 未写 rules 或 categories", ind.id);
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
        Ok(IndicatorSet {
            name: f.name,
            note: f.note,
            indicators: inds,
            exprs,
        })
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
