//! Charts of accounts per 会计制度, as data: they give each account its basis
//! (财务会计 / 预算会计 / 基金会计) and element, by first-level code.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

const BUILTIN: &[&str] = &[
    include_str!("../../../data/charts/gov-2017.toml"),
    include_str!("../../../data/charts/ssf-2017.toml"),
];

pub const DEFAULT_SYSTEM: &str = "政府会计制度";

#[derive(Debug, Deserialize)]
struct ChartFile {
    name: String,
    document: String,
    parallel: bool,
    code_length: usize,
    /// Elements whose balances are normally credit (负债, 净资产, 收入 …).
    #[serde(default)]
    credit_normal: Vec<String>,
    /// Contra accounts: on the other side from their element (累计折旧 credit, 资金结存 debit).
    #[serde(default)]
    contra: Vec<String>,
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
struct Group {
    basis: String,
    element: String,
    accounts: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub basis: String,
    pub element: String,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    pub document: String,
    /// Whether the system keeps 财务会计 and 预算会计 side by side (双功能).
    pub parallel: bool,
    pub code_length: usize,
    pub accounts: BTreeMap<String, Account>,
    credit_normal: Vec<String>,
    contra: Vec<String>,
}

impl Chart {
    fn parse(text: &str) -> Result<Chart> {
        let f: ChartFile = toml::from_str(text).context("会计科目表格式错误")?;
        let mut accounts = BTreeMap::new();
        for g in f.groups {
            for entry in g.accounts {
                let (code, name) = entry
                    .split_once(' ')
                    .with_context(|| format!("科目表条目应为“编码 名称”：{entry}"))?;
                if code.len() != f.code_length {
                    bail!("科目 {code} 的编码长度不是 {}", f.code_length);
                }
                accounts.insert(
                    code.to_string(),
                    Account {
                        name: name.to_string(),
                        basis: g.basis.clone(),
                        element: g.element.clone(),
                    },
                );
            }
        }
        Ok(Chart {
            name: f.name,
            document: f.document,
            parallel: f.parallel,
            code_length: f.code_length,
            accounts,
            credit_normal: f.credit_normal,
            contra: f.contra,
        })
    }

    /// Whether an account's balance normally sits on the credit side; `None` when the chart
    /// does not know the account or says nothing about balance sides.
    pub fn credit_normal(&self, code: &str) -> Option<bool> {
        if self.credit_normal.is_empty() {
            return None;
        }
        let (l1, acct) = self.first_level(code)?;
        Some(self.credit_normal.contains(&acct.element) != self.contra.iter().any(|c| c == l1))
    }

    /// The first-level account of a (possibly detailed) code such as `230701` or `2307.01`.
    pub fn first_level(&self, code: &str) -> Option<(&str, &Account)> {
        let digits: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        let key = digits.get(..self.code_length)?;
        self.accounts
            .get_key_value(key)
            .map(|(k, a)| (k.as_str(), a))
    }
}

#[derive(Debug, Clone)]
pub struct Charts {
    pub all: Vec<Chart>,
}

impl Charts {
    pub fn builtin() -> Result<Charts> {
        Ok(Charts {
            all: BUILTIN
                .iter()
                .map(|t| Chart::parse(t))
                .collect::<Result<_>>()?,
        })
    }

    /// By name (`政府会计制度`) or a distinctive part of it (`社会保险基金`).
    pub fn find(&self, name: &str) -> Option<&Chart> {
        let n = name.trim();
        self.all.iter().find(|c| c.name == n).or_else(|| {
            self.all
                .iter()
                .find(|c| !n.is_empty() && c.name.contains(n))
        })
    }

    pub fn names(&self) -> Vec<&str> {
        self.all.iter().map(|c| c.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn balance_sides_come_from_the_chart() {
        let c = Charts::builtin().unwrap();
        let gov = c.find("政府会计制度").unwrap();
        assert_eq!(gov.credit_normal("100201"), Some(false));
        assert_eq!(gov.credit_normal("230799"), Some(true));
        assert_eq!(gov.credit_normal("1602"), Some(true));
        assert_eq!(gov.credit_normal("7101"), Some(false));
        assert_eq!(gov.credit_normal("800101"), Some(false));
        assert_eq!(gov.credit_normal("8101"), Some(true));
        assert_eq!(gov.credit_normal("9999"), None);
    }

    use super::*;

    #[test]
    fn basis_comes_from_the_chart() {
        let charts = Charts::builtin().unwrap();
        let gov = charts.find(DEFAULT_SYSTEM).unwrap();
        assert!(gov.parallel);
        let (code, acc) = gov.first_level("230701").unwrap();
        assert_eq!(
            (code, acc.name.as_str(), acc.basis.as_str()),
            ("2307", "其他应付款", "财务会计")
        );
        assert_eq!(gov.first_level("7101.02").unwrap().1.basis, "预算会计");
        assert!(gov.first_level("9999").is_none());
        assert_eq!(gov.accounts.len(), 77 + 26 + 3); // 6603–6605 are optional 增设 accounts
        let ssf = charts.find("社会保险基金").unwrap();
        assert!(!ssf.parallel);
        assert_eq!(ssf.first_level("40101").unwrap().1.basis, "基金会计");
    }
}
