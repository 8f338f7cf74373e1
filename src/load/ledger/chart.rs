//! Charts of accounts per 会计制度, as data: they give each account its basis
//! (财务会计 / 预算会计 / 基金会计) and element, by first-level code.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

const BUILTIN: &[&str] = &[
    include_str!("../../../data/charts/gov-2017.toml"),
    include_str!("../../../data/charts/ssf-2017.toml"),
];

pub const DEFAULT_SYSTEM: &str = "政府会计制度";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// 经济分类 款 as `编码 名称`, for 科目 name paths (see [`Chart::resolve_path`]).
    #[serde(default)]
    econ: Vec<String>,
    #[serde(default)]
    econ_aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// 经济分类 name → (code, name as the classification prints it).
    econ: BTreeMap<String, (String, String)>,
}

/// Where a 科目 name path splits into its levels: `业务活动费用/商品和服务费用/办公费`,
/// `业务活动费用-办公费`, `业务活动费用\办公费`, `业务活动费用>办公费`.
const PATH_SEPARATORS: &[char] = &['/', '\\', '-', '－', '—', '>', '＞', '|', '｜', '_'];

/// A 科目 given as a name path, resolved through the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub code: String,
    /// The 经济分类 the path's last known segment names: (code, name).
    pub econ: Option<(String, String)>,
}

impl Chart {
    fn parse(text: &str) -> Result<Chart> {
        let f: ChartFile = toml::from_str(text).context(
            "应与 data/charts/*.toml 同结构：name、document、parallel、code_length 与若干 [[groups]]",
        )?;
        if f.name.trim().is_empty() {
            bail!("name（会计制度名称）不能为空");
        }
        if f.code_length == 0 {
            bail!("code_length（一级科目编码位数）应大于 0");
        }
        let mut accounts = BTreeMap::new();
        for g in f.groups {
            for entry in g.accounts {
                let (code, name) = entry
                    .split_once(' ')
                    .with_context(|| format!("科目表条目应为“编码 名称”：{entry}"))?;
                if code.chars().count() != f.code_length
                    || !code.chars().all(|c| c.is_ascii_digit())
                {
                    bail!("科目 {code} 的编码应为 {} 位数字", f.code_length);
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
        let mut econ = BTreeMap::new();
        for entry in f.econ.iter().chain(&f.econ_aliases) {
            let (code, name) = entry
                .split_once(' ')
                .with_context(|| format!("经济分类条目应为“编码 名称”：{entry}"))?;
            let canonical = f
                .econ
                .iter()
                .find_map(|e| e.split_once(' ').filter(|(c, _)| *c == code))
                .map(|(_, n)| n)
                .unwrap_or(name);
            econ.entry(crate::load::ledger::header::norm(name))
                .or_insert((code.to_string(), canonical.to_string()));
        }
        Ok(Chart {
            econ,
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

    /// A 科目 written as names only (`业务活动费用/商品和服务费用/办公费`): the first segment
    /// must be a first-level account's name in this chart (its code, 5001), and the last
    /// segment that is a 经济分类 款 name gives the classification (30201 办公费). `None` when
    /// the first segment is no first-level name.
    pub fn resolve_path(&self, raw: &str) -> Option<Resolved> {
        let norm = crate::load::ledger::header::norm;
        let segments: Vec<String> = raw
            .split(PATH_SEPARATORS)
            .map(norm)
            .filter(|s| !s.is_empty())
            .collect();
        let first = segments.first()?;
        let code = self
            .accounts
            .iter()
            .find(|(_, a)| norm(&a.name) == *first)
            .map(|(c, _)| c.clone())?;
        let econ = segments[1..]
            .iter()
            .rev()
            .find_map(|s| self.econ.get(s).cloned());
        Some(Resolved { code, econ })
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
                .collect::<Result<_>>()
                .context("内置会计科目表有误")?,
        })
    }

    /// The built-in charts with chart files on top (`--chart`, `[inputs] charts`; same shape as
    /// data/charts/*.toml): a file whose `name` is a built-in chart's replaces it whole, any
    /// other is added (a 会计制度 the built-ins lack). Later files win over earlier ones.
    pub fn with_files(paths: &[&Path]) -> Result<Charts> {
        let mut charts = Charts::builtin()?;
        for p in paths {
            let text = crate::model::provenance::read_input_text(p)
                .with_context(|| format!("无法读取会计科目表 {}", p.display()))?;
            let chart =
                Chart::parse(&text).with_context(|| format!("会计科目表 {} 有误", p.display()))?;
            match charts.all.iter_mut().find(|c| c.name == chart.name) {
                Some(slot) => *slot = chart,
                None => charts.all.push(chart),
            }
        }
        Ok(charts)
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
        let r = |p: &str| gov.resolve_path(p);
        let office = Some(("30201".to_string(), "办公费".to_string()));
        for path in [
            "业务活动费用/商品和服务费用/办公费",
            "业务活动费用-商品和服务费用-办公费",
            "业务活动费用 / 办公费",
            "业务活动费用\\商品和服务费用\\办公费",
        ] {
            assert_eq!(r(path).unwrap().code, "5001", "{path}");
            assert_eq!(r(path).unwrap().econ, office, "{path}");
        }
        assert_eq!(r("行政支出/商品和服务支出/维修费").unwrap().code, "7101");
        assert_eq!(
            r("行政支出/商品和服务支出/维修费").unwrap().econ,
            Some(("30213".to_string(), "维修（护）费".to_string()))
        );
        assert_eq!(
            r("银行存款").unwrap(),
            super::Resolved {
                code: "1002".into(),
                econ: None
            }
        );
        assert!(r("办公费").is_none());
        assert!(r("商品和服务费用/办公费").is_none());
        assert!(r("").is_none());
        let ssf = charts.find("社会保险基金").unwrap();
        assert!(!ssf.parallel);
        assert_eq!(ssf.first_level("40101").unwrap().1.basis, "基金会计");
    }
}
