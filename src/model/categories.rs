//! The one catalogue of finding categories (`data/categories.toml`), shared by the check rules
//! (each rule's `Doc::category` is one of them) and the indicator sets (a set's `categories`
//! may name only these).

use anyhow::{Context, Result};
use serde::Deserialize;

const BUILTIN: &str = include_str!("../../data/categories.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    #[serde(default)]
    pub about: String,
    /// A category whose findings come from a step of `reeval run`, not from a check rule
    /// (自评不实: the claims step).
    #[serde(default)]
    pub step: Option<String>,
    /// Citation families (data/citations.toml) a finding of this category cites when its
    /// source cites none (the 自评报告 check).
    #[serde(default)]
    pub citations: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    category: Vec<Category>,
}

/// The catalogue's categories, in file order.
pub fn builtin() -> Result<&'static [Category]> {
    static CAT: std::sync::OnceLock<Result<Vec<Category>, String>> = std::sync::OnceLock::new();
    CAT.get_or_init(|| {
        toml::from_str::<File>(BUILTIN)
            .map(|f| f.category)
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map(|v| v.as_slice())
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context("内置 data/categories.toml 有误")
}

/// The citation families a finding of `name` cites when its source cites none.
pub fn citations_of(name: &str) -> Result<&'static [String]> {
    Ok(builtin()?
        .iter()
        .find(|c| c.name == name)
        .map_or(&[][..], |c| c.citations.as_slice()))
}

pub fn is_known(name: &str) -> Result<bool> {
    Ok(builtin()?.iter().any(|c| c.name == name))
}

/// The names, joined for a message.
pub fn names() -> Result<String> {
    Ok(builtin()?
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_category_is_in_the_catalogue_and_every_category_has_a_rule() {
        let cats = builtin().unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for c in cats {
            assert!(seen.insert(c.name.as_str()), "{} listed twice", c.name);
        }
        for (d, _) in crate::check::REGISTRY.iter() {
            assert!(
                is_known(d.category).unwrap(),
                "rule {} has category “{}”, not in data/categories.toml",
                d.id,
                d.category
            );
        }
        for c in cats.iter().filter(|c| c.step.is_none()) {
            assert!(
                crate::check::REGISTRY
                    .iter()
                    .any(|(d, _)| d.category == c.name),
                "category {} has no rule",
                c.name
            );
        }
    }
}
