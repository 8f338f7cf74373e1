//! Population definitions of voucher (and line) plans, as data (`data/sampling/populations.toml`):
//! every voucher falls into one class (额度到账, 计提, 结转, 工资, 支出, 收入, 往来 …) by its lines'
//! accounts, sides, 经济分类 and 摘要; a plan tests the classes its population includes, and the
//! others are reported with their count and value, never dropped silently.
//!
//! Kept apart from `population.rs`: the items come from `population::from_frames` unchanged and
//! are filtered here, keyed by item id (the voucher label, or `label#line` for lines).

use super::population::{self, Unit};
use super::select::Item;
use crate::model::money::Fen;
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const BUILTIN: &str = include_str!("../../data/sampling/populations.toml");

/// The class of vouchers no `[[class]]` matches.
pub const OTHER: &str = "other";
const OTHER_NAME: &str = "未分类";
/// The population of a voucher plan that names none.
pub const DEFAULT_POPULATION: &str = "expenditure";

/// One alternative of a class: every condition given must hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debit_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_none: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub econ_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_any: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Class {
    pub id: String,
    pub name: String,
    pub when: Vec<When>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub name: String,
    /// Class ids; `"*"` is every class and the unclassified vouchers.
    pub include: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    class: Option<Vec<Class>>,
    #[serde(default)]
    population: BTreeMap<String, Population>,
}

#[derive(Debug, Clone)]
pub struct Definitions {
    pub classes: Vec<Class>,
    pub populations: BTreeMap<String, Population>,
}

impl Definitions {
    pub fn builtin() -> Result<Definitions> {
        Self::parse(BUILTIN).context("内置 data/sampling/populations.toml 有误")
    }

    pub fn parse(text: &str) -> Result<Definitions> {
        let f: File = toml::from_str(text)?;
        let d = Definitions {
            classes: f.class.unwrap_or_default(),
            populations: f.population,
        };
        d.check()?;
        Ok(d)
    }

    /// The built-in definitions with an engagement's file over them: its class list replaces
    /// the built-in one whole, its populations are added by name.
    pub fn with_file(mut self, path: &Path) -> Result<Definitions> {
        let text = crate::model::provenance::read_input_text(path)
            .with_context(|| format!("无法读取抽样总体定义文件 {}", path.display()))?;
        let f: File = toml::from_str(&text)
            .with_context(|| format!("抽样总体定义文件 {} 有误", path.display()))?;
        if let Some(c) = f.class {
            self.classes = c;
        }
        self.populations.extend(f.population);
        self.check()
            .with_context(|| format!("抽样总体定义文件 {} 有误", path.display()))?;
        Ok(self)
    }

    fn check(&self) -> Result<()> {
        let mut ids = BTreeSet::new();
        for c in &self.classes {
            if c.id == OTHER || c.id == "*" || !ids.insert(c.id.as_str()) {
                bail!("凭证类别 {} 重复或使用了保留名称（other、*）", c.id);
            }
            if c.when.is_empty() {
                bail!("凭证类别 {}（{}）未写 when 条件", c.id, c.name);
            }
        }
        for (name, p) in &self.populations {
            if p.include.is_empty() {
                bail!("抽样总体 {name}（{}）的 include 为空", p.name);
            }
            for c in &p.include {
                if c != "*" && c != OTHER && !ids.contains(c.as_str()) {
                    bail!(
                        "抽样总体 {name}（{}）包含未定义的凭证类别 “{c}”，已定义的类别为 {}",
                        p.name,
                        ids.iter().copied().collect::<Vec<_>>().join("、")
                    );
                }
            }
        }
        Ok(())
    }

    /// The population a plan names; an unknown name is an error listing the known ones.
    pub fn population(&self, name: &str) -> Result<&Population> {
        self.populations.get(name).with_context(|| {
            format!(
                "抽样总体 “{}” 未定义，应为 {} 之一",
                crate::errors::excerpt(name),
                self.populations
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })
    }

    fn class_name(&self, id: &str) -> String {
        self.classes
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| OTHER_NAME.to_string())
    }
}

/// What one voucher's 正常 lines show.
/// (Borrowed from the lines frame: a million-line ledger's codes and 摘要 are not copied.)
#[derive(Default)]
struct Facts<'a> {
    debits: Vec<&'a str>,
    credits: Vec<&'a str>,
    econ: Vec<&'a str>,
    summaries: BTreeSet<&'a str>,
}

fn starts(codes: &[&str], prefixes: &[String]) -> bool {
    codes
        .iter()
        .any(|c| prefixes.iter().any(|p| c.starts_with(p.as_str())))
}

impl When {
    fn matches(&self, f: &Facts) -> bool {
        let all = || {
            f.debits
                .iter()
                .chain(&f.credits)
                .copied()
                .collect::<Vec<_>>()
        };
        self.debit_any.as_ref().is_none_or(|p| starts(&f.debits, p))
            && self
                .credit_any
                .as_ref()
                .is_none_or(|p| starts(&f.credits, p))
            && self.line_any.as_ref().is_none_or(|p| starts(&all(), p))
            && self.line_none.as_ref().is_none_or(|p| !starts(&all(), p))
            && self.econ_any.as_ref().is_none_or(|p| starts(&f.econ, p))
            && self.summary_any.as_ref().is_none_or(|w| {
                f.summaries
                    .iter()
                    .any(|s| w.iter().any(|w| !w.is_empty() && s.contains(w.as_str())))
            })
    }
}

fn str_col<'a>(df: &'a DataFrame, name: &str) -> Result<&'a StringChunked> {
    Ok(df
        .column(name)
        .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))?
        .str()?)
}

/// Each voucher's class, keyed by the voucher's item id as `population::from_frames` names it.
/// Each 正常 line is matched to its voucher by the voucher key of its own row (no item per
/// line is built: on a million-line ledger those were most of the sampling step's memory).
pub fn classify(defs: &Definitions, lines: &DataFrame) -> Result<BTreeMap<String, String>> {
    let (labels, voucher_of) = population::voucher_of_lines(lines)?;
    classify_with(defs, lines, &labels, &voucher_of)
}

/// [`classify`] on the vouchers [`population::voucher_of_lines`] already found.
fn classify_with(
    defs: &Definitions,
    lines: &DataFrame,
    labels: &[String],
    voucher_of: &[Option<u32>],
) -> Result<BTreeMap<String, String>> {
    let (account, summary, econ) = (
        str_col(lines, "account_code")?,
        str_col(lines, "summary")?,
        str_col(lines, "econ_code")?,
    );
    let fen = |name: &str| -> Result<&Int64Chunked> {
        Ok(lines
            .column(name)
            .map_err(|e| anyhow::anyhow!("载入数据缺少列 {name}：{e}"))?
            .i64()?)
    };
    let (debit, credit) = (fen("debit_fen")?, fen("credit_fen")?);
    // One slot per voucher, indexed as `labels`: a loop, since each voucher's facts are lists
    // in line order that the class tests read as a whole.
    let mut facts: Vec<Option<Facts>> = (0..labels.len()).map(|_| None).collect();
    for (i, v) in voucher_of.iter().enumerate() {
        let Some(v) = v else {
            continue;
        };
        let f = facts[*v as usize].get_or_insert_with(Facts::default);
        let code = account.get(i).unwrap_or("");
        if debit.get(i).unwrap_or(0) != 0 {
            f.debits.push(code);
        }
        if credit.get(i).unwrap_or(0) != 0 {
            f.credits.push(code);
        }
        if let Some(e) = econ.get(i) {
            f.econ.push(e);
        }
        if let Some(s) = summary.get(i) {
            f.summaries.insert(s);
        }
    }
    Ok(facts
        .into_iter()
        .zip(labels)
        .filter_map(|(f, v)| {
            let f = f?;
            let class = defs
                .classes
                .iter()
                .find(|c| c.when.iter().any(|w| w.matches(&f)))
                .map(|c| c.id.clone())
                .unwrap_or_else(|| OTHER.to_string());
            Some((v.clone(), class))
        })
        .collect())
}

/// One class of the whole population, and whether the plan tests it.
#[derive(Debug, Clone, Serialize)]
pub struct ClassCount {
    pub class: String,
    pub name: String,
    pub count: usize,
    pub value: Fen,
    /// `included` (in the plan's population) or `excluded` (left to analytical procedures or
    /// a plan of its own).
    pub treatment: &'static str,
}

/// What a plan's population is, for sample.json (`population_definition`).
#[derive(Debug, Clone, Serialize)]
pub struct PopulationReport {
    /// The definition's key (`expenditure`, `all` …).
    pub population: String,
    pub name: String,
    pub include: Vec<String>,
    /// Every class of the unit's items, in the order of the definitions.
    pub classes: Vec<ClassCount>,
    pub included_count: usize,
    pub included_value: Fen,
    pub excluded_count: usize,
    pub excluded_value: Fen,
}

/// The items of the population `name`, and the report of what was kept and left out.
pub fn apply(
    defs: &Definitions,
    name: &str,
    items: Vec<Item>,
    classes: &BTreeMap<String, String>,
) -> Result<(Vec<Item>, PopulationReport)> {
    let pop = defs.population(name)?;
    let everything = pop.include.iter().any(|c| c == "*");
    let class_of = |it: &Item| -> &str {
        let v = it.id.rsplit_once('#').map(|(v, _)| v);
        classes
            .get(&it.id)
            .or_else(|| v.and_then(|v| classes.get(v)))
            .map(String::as_str)
            .unwrap_or(OTHER)
    };
    // Borrowed class names: no two strings allocated per item.
    let mut counts: BTreeMap<&str, (usize, Fen)> = BTreeMap::new();
    let mut kept = Vec::new();
    for it in items {
        let c = class_of(&it);
        let e = counts.entry(c).or_insert((0, Fen::ZERO));
        e.0 += 1;
        e.1 += it.amount;
        if everything || pop.include.iter().any(|i| i == c) {
            kept.push(it);
        }
    }
    let order: Vec<String> = defs
        .classes
        .iter()
        .map(|c| c.id.clone())
        .chain(std::iter::once(OTHER.to_string()))
        .collect();
    let mut report = PopulationReport {
        population: name.to_string(),
        name: pop.name.clone(),
        include: pop.include.clone(),
        classes: Vec::new(),
        included_count: 0,
        included_value: Fen::ZERO,
        excluded_count: 0,
        excluded_value: Fen::ZERO,
    };
    for id in order {
        let Some(&(count, value)) = counts.get(id.as_str()) else {
            continue;
        };
        let included = everything || pop.include.contains(&id);
        if included {
            report.included_count += count;
            report.included_value += value;
        } else {
            report.excluded_count += count;
            report.excluded_value += value;
        }
        report.classes.push(ClassCount {
            name: defs.class_name(&id),
            class: id,
            count,
            value,
            treatment: if included { "included" } else { "excluded" },
        });
    }
    Ok((kept, report))
}

/// The items of a plan: the unit's items, and for vouchers and lines only those of the named
/// population (the default `expenditure` for vouchers when none is named; every line for a
/// lines plan that names none). Assets take no population definition.
pub fn plan_items(
    unit: Unit,
    population_name: Option<&str>,
    defs: &Definitions,
    lines: &DataFrame,
    assets: &DataFrame,
) -> Result<(Vec<Item>, Option<PopulationReport>)> {
    // Vouchers: the lines' vouchers are found once, for the items and for their classes.
    let found = match unit {
        Unit::Vouchers => Some(population::voucher_of_lines(lines)?),
        _ => None,
    };
    let items = match &found {
        Some((names, of)) => population::voucher_items_of(lines, names, of)?,
        None => population::from_frames(unit, lines, assets)?,
    };
    let name = match (unit, population_name) {
        (Unit::Assets, None) => return Ok((items, None)),
        (Unit::Assets, Some(_)) => {
            bail!(
                "抽样总体 population 只适用于凭证（vouchers）或分录（lines）计划，资产计划不应填写"
            )
        }
        (Unit::Vouchers, None) => DEFAULT_POPULATION,
        (Unit::Lines, None) => "all",
        (_, Some(n)) => n,
    };
    // An unknown name fails before the classification.
    defs.population(name)?;
    let classes = match &found {
        Some((names, of)) => classify_with(defs, lines, names, of)?,
        None => classify(defs, lines)?,
    };
    let (kept, report) = apply(defs, name, items, &classes)?;
    Ok((kept, Some(report)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(
        debits: &[&'a str],
        credits: &[&'a str],
        econ: &[&'a str],
        summary: &'a str,
    ) -> Facts<'a> {
        Facts {
            debits: debits.to_vec(),
            credits: credits.to_vec(),
            econ: econ.to_vec(),
            summaries: [summary].into_iter().collect(),
        }
    }

    fn class(f: &Facts) -> String {
        let d = Definitions::builtin().unwrap();
        d.classes
            .iter()
            .find(|c| c.when.iter().any(|w| w.matches(f)))
            .map(|c| c.id.clone())
            .unwrap()
    }

    #[test]
    fn builtin_classes_tell_spending_from_receipts_accruals_closings_and_payroll() {
        // 额度到账, in several wordings: the accounts decide, not the 摘要.
        for s in ["收到财政授权支付额度", "下达2023年用款计划", "额度到账"] {
            assert_eq!(
                class(&facts(&["1011", "800101"], &["4001", "6001"], &[], s)),
                "quota"
            );
        }
        // 财政直接支付 also credits 财政拨款收入, but with an expense: spending.
        assert_eq!(
            class(&facts(
                &["500102", "710102"],
                &["4001", "6001"],
                &["30227"],
                "财政直接支付委托费"
            )),
            "expenditure"
        );
        // Accruals and depreciation: no cash leg, no budget expenditure.
        assert_eq!(
            class(&facts(&["500101"], &["2201"], &["30101"], "计提3月工资")),
            "accrual"
        );
        assert_eq!(
            class(&facts(&["500105"], &["1602"], &[], "本月折旧")),
            "accrual"
        );
        assert_eq!(
            class(&facts(&["510201"], &["2307"], &[], "预提本月水电费")),
            "accrual"
        );
        // Closing entries by account, or by word without cash.
        assert_eq!(
            class(&facts(&["4001"], &["3301"], &[], "期末转账")),
            "closing"
        );
        assert_eq!(class(&facts(&["6001"], &["8101"], &[], "年末")), "closing");
        // Salaries paid: 应付职工薪酬 debited, or a 工资 经济分类.
        assert_eq!(
            class(&facts(
                &["2201", "710101"],
                &["1011", "230701", "8001"],
                &["30101"],
                "发放3月工资"
            )),
            "payroll"
        );
        // Look-alikes that stay spending: a 公务卡 reimbursement (expense, no cash leg), a
        // supplier paid through 国库集中支付, 伙食补助 (工资福利支出 but not salary).
        assert_eq!(
            class(&facts(&["500102"], &["230702"], &["30211"], "报销差旅费")),
            "expenditure"
        );
        assert_eq!(
            class(&facts(
                &["500102", "710102"],
                &["1011", "8001"],
                &["30201"],
                "支付办公用品费（含结转下年的押金说明）"
            )),
            "expenditure"
        );
        assert_eq!(
            class(&facts(
                &["500101", "710101"],
                &["1002", "8001"],
                &["30106"],
                "发放下乡伙食补助"
            )),
            "expenditure"
        );
        // Income and transfers.
        assert_eq!(
            class(&facts(&["1002"], &["4601"], &[], "收到利息")),
            "income"
        );
        assert_eq!(
            class(&facts(&["1001"], &["1002"], &[], "提取备用金")),
            "transfer"
        );
    }

    #[test]
    fn a_population_naming_an_unknown_class_or_an_unknown_population_is_an_error() {
        let e = Definitions::parse(
            "[[class]]\nid = \"a\"\nname = \"A\"\nwhen = [{}]\n[population.p]\nname = \"P\"\ninclude = [\"b\"]\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("未定义的凭证类别 “b”"), "{e}");
        let d = Definitions::builtin().unwrap();
        let e = d.population("expenditures").unwrap_err().to_string();
        assert!(e.contains("expenditure") && e.contains("未定义"), "{e}");
    }

    #[test]
    fn apply_keeps_the_included_classes_and_counts_every_class() {
        let d = Definitions::builtin().unwrap();
        let item = |id: &str, yuan: i64| Item {
            id: id.into(),
            amount: Fen(yuan * 100),
            label: String::new(),
            class: None,
            source: String::new(),
        };
        let classes: BTreeMap<String, String> = [
            ("v1", "expenditure"),
            ("v2", "quota"),
            ("v3", "accrual"),
            ("v4", "expenditure"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let items = vec![
            item("v1", 10),
            item("v2", 1000),
            item("v3", 50),
            item("v4", 5),
        ];
        let (kept, r) = apply(&d, "expenditure", items.clone(), &classes).unwrap();
        assert_eq!(
            kept.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["v1", "v4"]
        );
        assert_eq!((r.included_count, r.included_value), (2, Fen(1500)));
        assert_eq!((r.excluded_count, r.excluded_value), (2, Fen(105_000)));
        let quota = r.classes.iter().find(|c| c.class == "quota").unwrap();
        assert_eq!((quota.count, quota.treatment), (1, "excluded"));
        let (all, r) = apply(&d, "all", items, &classes).unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(r.excluded_count, 0);
    }
}
