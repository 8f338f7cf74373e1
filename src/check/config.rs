//! The rules configuration (`data/rules.toml`, overridable per engagement) and the shared
//! vocabulary every rule reads.

use crate::check::text::WordList;
use crate::model::money::Fen;
use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

const BUILTIN: &str = include_str!("../../data/rules.toml");

/// The merged configuration: built-in values with the engagement's overrides on top.
#[derive(Debug, Clone)]
pub struct Config {
    table: toml::Table,
    pub common: Common,
    /// The working-day calendar (built-in, with an engagement's calendar file on top; see
    /// [`Config::with_calendar`]).
    pub calendar: crate::check::calendar::Calendar,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Common {
    pub cash_accounts: Vec<String>,
    pub cash_on_hand_accounts: Vec<String>,
    pub budget_cash_accounts: Vec<String>,
    pub expense_accounts: Vec<String>,
    pub budget_expense_accounts: Vec<String>,
    pub other_payable_accounts: Vec<String>,
    pub card_words: WordList,
    pub org_suffixes: Vec<String>,
    pub person_words: WordList,
    pub econ_names: BTreeMap<String, String>,
    /// A supporting file with more than this share of its rows rejected is most likely not
    /// the kind's table: the run warns on screen (a decimal string, e.g. "0.5").
    #[serde(with = "rust_decimal::serde::str")]
    pub supporting_rejected_share: rust_decimal::Decimal,
}

/// The parts every rule section has besides its own parameters.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub enabled: bool,
    pub citations: Vec<String>,
    pub verify: String,
    pub recommendation: String,
    /// What the books cannot show for any finding of the rule (documents to see), worded as
    /// open questions; appended to each finding's own `unseen`.
    pub unseen: Vec<String>,
}

/// Merge `over` into `base`: tables key by key, anything else replaced whole.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Config {
    pub fn builtin() -> Result<Config> {
        Config::with_overrides(None)
    }

    /// Built-in configuration, with an engagement file's values on top.
    pub fn with_overrides(path: Option<&Path>) -> Result<Config> {
        let mut table: toml::Table = BUILTIN.parse().context("内置 rules.toml 无法解析")?;
        if let Some(p) = path {
            let text = crate::model::provenance::read_input_text(p)
                .with_context(|| format!("无法读取规则配置 {}", p.display()))?;
            let over: toml::Table = text
                .parse()
                .with_context(|| format!("规则配置 {} 不是有效的 TOML", p.display()))?;
            for k in over.keys() {
                if !table.contains_key(k) {
                    bail!(
                        "规则配置 {} 中的 [{k}] 不是已知的规则或 common 节（reeval rules 列出全部规则）",
                        p.display()
                    );
                }
            }
            merge(&mut table, over);
        }
        let common: Common = table
            .get("common")
            .cloned()
            .context("rules.toml 缺少 [common]")?
            .try_into()
            .context("rules.toml 的 [common] 有误")?;
        Ok(Config {
            table,
            common,
            calendar: crate::check::calendar::Calendar::builtin()?,
        })
    }

    /// This configuration with a calendar file (`--calendar`, `[rules] calendar`) over the
    /// built-in calendar.
    pub fn with_calendar(mut self, path: Option<&Path>) -> Result<Config> {
        if path.is_some() {
            self.calendar = crate::check::calendar::Calendar::with_file(path)?;
        }
        Ok(self)
    }

    /// A rule's section split into its shared parts and its own parameters (typed by the rule).
    pub fn section<P: DeserializeOwned>(&self, rule: &str) -> Result<(Meta, P)> {
        let mut t = match self.table.get(rule) {
            Some(toml::Value::Table(t)) => t.clone(),
            _ => toml::Table::new(),
        };
        let mut meta = Meta {
            enabled: true,
            ..Default::default()
        };
        if let Some(v) = t.remove("enabled") {
            meta.enabled = v
                .as_bool()
                .context(format!("[{rule}] enabled 应为 true/false"))?;
        }
        if let Some(v) = t.remove("citations") {
            meta.citations = v
                .try_into()
                .with_context(|| format!("[{rule}] citations 应为字符串数组"))?;
        }
        if let Some(v) = t.remove("verify") {
            meta.verify = v.as_str().unwrap_or_default().to_string();
        }
        if let Some(v) = t.remove("recommendation") {
            meta.recommendation = v.as_str().unwrap_or_default().to_string();
        }
        if let Some(v) = t.remove("unseen") {
            meta.unseen = v
                .try_into()
                .with_context(|| format!("[{rule}] unseen 应为字符串数组"))?;
        }
        if let Some(v) = t.remove("extra_citations") {
            let extra: Vec<String> = v
                .try_into()
                .with_context(|| format!("[{rule}] extra_citations 应为字符串数组"))?;
            meta.citations.extend(extra);
        }
        let params: P = toml::Value::Table(t)
            .try_into()
            .with_context(|| format!("规则配置 [{rule}] 的参数有误"))?;
        Ok((meta, params))
    }

    /// The raw section, for `reeval rules ID` to print.
    pub fn raw(&self, rule: &str) -> Option<&toml::Value> {
        self.table.get(rule)
    }
}

/// Parse an amount parameter written as a string ("200.00").
pub fn fen(field: &str, s: &str) -> Result<Fen> {
    let d: rust_decimal::Decimal = s
        .trim()
        .parse()
        .with_context(|| format!("参数 {field} 应为金额（如 \"200.00\"），而不是“{s}”"))?;
    Fen::from_yuan(d).with_context(|| format!("参数 {field} 金额超出范围"))
}
