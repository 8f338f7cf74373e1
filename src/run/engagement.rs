//! `engagement.toml`: one 再评价 engagement — the department and year, its accounting
//! entities and their files, the rule overrides, the sampling plans and seed, the indicator
//! set and its inputs, the self-evaluation, the firm. Paths are relative to the engagement
//! directory, so the directory can be zipped and handed over as it is.
//!
//! The commented skeleton `reeval init` writes is `data/engagement-template.toml`; the format
//! is documented there and in the README.

use crate::check::citations::{CitationSetting, EntityType, Level};
use crate::errors::excerpt;
use crate::sample::evaluate::Method;
use crate::sample::population::Unit;
use crate::sample::select::{Draw, StrataBy};
use crate::sample::Likelihood;
use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE: &str = "engagement.toml";

/// Years an engagement may be about (the ledgers reeval reads are from this century's
/// government accounting systems; 99999 is a typo, not a year).
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;
pub const TEMPLATE: &str = include_str!("../../data/engagement-template.toml");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    pub engagement: EngagementHeader,
    /// 核算单位: each with its own ledger files (and mapping profile when auto-detection
    /// is not wanted).
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub inputs: SharedInputs,
    /// 辅助资料 by kind: payments, card-holders, receptions, meetings, inspection.
    #[serde(default)]
    pub supporting: BTreeMap<String, crate::load::supporting::Files>,
    #[serde(default)]
    pub rules: Rules,
    pub sampling: Sampling,
    pub scoring: Option<Scoring>,
    pub firm: Option<Firm>,
    /// The evidence workbook: the engagement's own layout file, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workbook: Option<WorkbookSettings>,
    /// The report draft: 文号, addressee, the firm's templates, masking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportSettings>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// 文号 (云京健专审字（2024）第052号); 【待补充】 in the draft when absent.
    pub number: Option<String>,
    /// 委托方, the addressee (寻甸回族彝族自治县财政局).
    pub client: Option<String>,
    /// The department's short name in the text (人社局); the department's name when absent.
    pub short_name: Option<String>,
    /// 委托依据: the documents the engagement rests on, each 《…》（文号）.
    #[serde(default)]
    pub basis: Vec<String>,
    /// A firm's template directory: a file there replaces the built-in template of the same
    /// name (report.md.j2, problems.md.j2, appendix.md.j2).
    pub templates: Option<PathBuf>,
    /// Mask private persons' names and bank or card numbers (default true).
    pub mask: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkbookSettings {
    /// Layout file (same shape as data/workbook/layout.toml).
    pub layout: Option<PathBuf>,
    /// What the auditor's words do in the review (same shape as data/review.toml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementHeader {
    /// Short id: the folder under output/ (ASCII letters, digits, '-', '_').
    pub id: String,
    pub title: String,
    pub department: String,
    pub year: i32,
    /// 评价基准日 "YYYY-MM-DD" (default: 31 December of `year`).
    pub as_of: Option<String>,
    /// Where the department is: findings cite the local rules in force there.
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub name: String,
    pub ledgers: Vec<PathBuf>,
    /// Mapping profile id (data/profiles); detected from the header when absent.
    pub profile: Option<String>,
    /// 行政单位 / 参照公务员法管理的事业单位 / 事业单位: decides the 财务规则 cited.
    #[serde(rename = "type")]
    pub entity_type: Option<EntityType>,
    /// 省 / 市 / 县 / 乡.
    pub level: Option<Level>,
}

/// Files shared by all entities.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SharedInputs {
    /// 固定资产明细表 (the register names the entity per row or in its title).
    #[serde(default)]
    pub assets: Vec<PathBuf>,
    /// 科目余额表 / 科目表.
    #[serde(default)]
    pub balances: Vec<PathBuf>,
    /// Extra mapping-profile TOML files (same shape as data/profiles/*.toml).
    #[serde(default)]
    pub profiles: Vec<PathBuf>,
    /// Chart-of-accounts files (same shape as data/charts/*.toml): a new 会计制度's chart, or
    /// one replacing the built-in chart of the same `name`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<PathBuf>,
    /// The department's 自评报告 (.docx, .txt, .md): its figures set beside the books.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_report: Option<PathBuf>,
    /// Words to add to data/claims.toml for reading the 自评报告.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_vocabulary: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Rule-configuration override file (same shape as data/rules.toml).
    pub config: Option<PathBuf>,
    /// Local citations (实施细则) to add to the catalogue.
    pub citations: Option<PathBuf>,
    /// Run only these rule ids (default: all).
    #[serde(default)]
    pub only: Vec<String>,
    /// Holiday/working-day calendar over the built-in data/calendar/cn.toml (same shape): a
    /// year it does not cover, local holidays, 调休 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    /// The seed every plan draws from (recorded in sample.json and run.json).
    pub seed: u64,
    pub plans: Vec<EngagementPlan>,
    /// Population definitions over the built-in `data/sampling/populations.toml` (same shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub populations: Option<PathBuf>,
    /// Overall materiality (元) the 错报汇总 sums the plans' projected misstatements against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materiality: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementPlan {
    /// Shown in the summary and used as the key in sample.json.
    pub name: String,
    /// vouchers, lines or assets.
    pub unit: Unit,
    /// 重点项目: everything at or above this amount (元, as a string for exactness).
    pub key_above: Option<Decimal>,
    /// 重点项目: largest first until this share of the value is covered.
    pub key_cover: Option<f64>,
    /// 重点项目: at most this many items by `key_cover` (largest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_max: Option<usize>,
    /// 风险导向: every voucher/asset a finding points at.
    #[serde(default)]
    pub risk: bool,
    /// random, systematic, mus, cell, stratified or none.
    #[serde(default = "none")]
    pub method: Draw,
    #[serde(default)]
    pub n: u64,
    /// amount or class (stratified only).
    #[serde(default = "amount")]
    pub strata: StrataBy,
    /// Upper bounds of the amount strata (元).
    #[serde(default)]
    pub bands: Vec<Decimal>,
    /// Which vouchers (or lines) the plan tests: a population of
    /// `data/sampling/populations.toml` (default `expenditure` for vouchers, `all` for lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// Planning (as `reeval plan`): tolerable misstatement as a rate …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materiality: Option<f64>,
    /// … or in 元 (divided by the population's value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materiality_amount: Option<Decimal>,
    /// Confidence (default 0.95 when a materiality is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Expected misstatement: a rate below 1, a number of errors from 1 (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<f64>,
    /// binomial, poisson or hypergeometric (default poisson for MUS, binomial otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<Likelihood>,
    /// Evaluation: a CSV of item id → audited amount (编号, 审定金额) for the sampled items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audited: Option<PathBuf>,
    /// The evaluation method (`reeval evaluate`'s names; default stringer for MUS, else binomial).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Method>,
}

fn none() -> Draw {
    Draw::None
}
fn amount() -> StrataBy {
    StrataBy::Amount
}

/// The plan settings engagement.toml names by string, with their names: when the file does
/// not parse, [`plan_value_error`] looks for a misspelt one to name its key.
/// The entity settings named by string, with their names and whether a value parses (the
/// kinds take aliases such as 参公单位).
type Parses = fn(&str) -> bool;
const NAMED_ENTITY_KEYS: &[(&str, &[&str], Parses)] = &[
    ("type", EntityType::NAMES, |v| {
        toml::Value::String(v.into())
            .try_into::<EntityType>()
            .is_ok()
    }),
    ("level", Level::NAMES, |v| {
        toml::Value::String(v.into()).try_into::<Level>().is_ok()
    }),
];

const NAMED_PLAN_KEYS: &[(&str, &[&str])] = &[
    ("unit", Unit::NAMES),
    ("method", Draw::NAMES),
    ("strata", StrataBy::NAMES),
    ("likelihood", Likelihood::NAMES),
    ("evaluation", Method::NAMES),
];

/// The first `[[sampling.plans]]` value that is none of its key's names, as
/// `sampling.plans[i].key`, the plan, the value and the allowed names.
fn plan_value_error(text: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(text).ok()?;
    if let Some(entities) = table.get("entities").and_then(|e| e.as_array()) {
        for (i, entity) in entities.iter().enumerate() {
            for (key, names, parses) in NAMED_ENTITY_KEYS {
                let Some(v) = entity.get(*key).and_then(|v| v.as_str()) else {
                    continue;
                };
                if !parses(v) {
                    let name = entity.get("name").and_then(|n| n.as_str()).unwrap_or("");
                    return Some(format!(
                        "entities[{i}].{key}（核算单位“{}”）为 “{}”，应为 {} 之一",
                        excerpt(name),
                        excerpt(v),
                        names.join("、")
                    ));
                }
            }
        }
    }
    let plans = table.get("sampling")?.get("plans")?.as_array()?;
    for (i, plan) in plans.iter().enumerate() {
        for (key, names) in NAMED_PLAN_KEYS {
            let Some(v) = plan.get(*key).and_then(|v| v.as_str()) else {
                continue;
            };
            if !names.contains(&v) {
                let name = plan.get("name").and_then(|n| n.as_str()).unwrap_or("");
                return Some(format!(
                    "sampling.plans[{i}].{key}（抽样计划“{name}”）为 “{v}”，应为 {} 之一",
                    names.join("、")
                ));
            }
        }
    }
    None
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Indicator-set file, or the name of one under indicator_sets/ (e.g. "xundian-2023").
    pub indicator_set: String,
    /// 决算 figures, targets, survey, manual scores, self-evaluation (TOML).
    pub inputs: PathBuf,
    /// Self-evaluation score; overrides the inputs file's [self_evaluation] when given.
    pub self_evaluation: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Firm {
    pub name: String,
    #[serde(default)]
    pub team: Vec<String>,
    pub engagement_letter: Option<String>,
}

impl Engagement {
    /// Where and for whom findings are cited: the engagement's place and each entity's kind.
    pub fn citation_setting(&self) -> CitationSetting {
        let h = &self.engagement;
        let region: Vec<String> = [&h.province, &h.city, &h.county]
            .into_iter()
            .map_while(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
            .map(str::to_string)
            .collect();
        CitationSetting {
            county_level: h.county.as_deref().is_some_and(|c| !c.trim().is_empty())
                || self
                    .entities
                    .iter()
                    .any(|e| matches!(e.level, Some(Level::County | Level::Township))),
            region,
            types: self
                .entities
                .iter()
                .filter_map(|e| e.entity_type.map(|t| (e.name.trim().to_string(), t)))
                .collect(),
            default_type: None,
        }
    }

    /// What the citations assume, and local matters without a local rule, said once per run.
    pub fn citation_warnings(&self, catalogue: &crate::check::citations::Catalogue) -> Vec<String> {
        let mut out = Vec::new();
        let untyped: Vec<&str> = self
            .entities
            .iter()
            .filter(|e| e.entity_type.is_none())
            .map(|e| e.name.as_str())
            .collect();
        if !untyped.is_empty() {
            out.push(format!(
                "核算单位“{}”未注明单位类型（[[entities]] type），财务规则按{}引用；如为事业单位或参照公务员法管理的事业单位，请在项目文件中注明",
                untyped.join("”“"),
                EntityType::ASSUMED.name()
            ));
        }
        let h = &self.engagement;
        if h.province.is_none() && h.city.is_none() && h.county.is_none() {
            out.push(
                "项目文件未写明所在地（[engagement] province/city/county），疑点只引用中央规定"
                    .into(),
            );
        }
        let setting = catalogue.setting();
        if setting.county_level {
            let topics = catalogue.topics_without_local_rule();
            if !topics.is_empty() {
                out.push(format!(
                    "法规目录中没有{}的{}地方标准，相关疑点引用中央规定并注明“未配置地方标准”；可在 [rules] citations 中补充当地实施细则",
                    if setting.region.is_empty() {
                        "本地".to_string()
                    } else {
                        setting.region.join("")
                    },
                    topics.join("、")
                ));
            }
        }
        out
    }

    /// Read `DIR/engagement.toml` and check that every file it names exists.
    pub fn load(dir: &Path) -> Result<Engagement> {
        let path = dir.join(FILE);
        let text = crate::model::provenance::read_input_text(&path)
            .with_context(|| format!("无法读取项目文件 {}", path.display()))?;
        let e: Engagement = match toml::from_str(&text) {
            Ok(e) => e,
            Err(err) => match plan_value_error(&text) {
                Some(msg) => bail!("项目文件 {}：{msg}", path.display()),
                None => {
                    return Err(err)
                        .with_context(|| format!("项目文件 {} 格式有误", path.display()))
                }
            },
        };
        e.validate(dir)
            .with_context(|| format!("项目文件 {}", path.display()))?;
        Ok(e)
    }

    fn validate(&self, dir: &Path) -> Result<()> {
        let id = &self.engagement.id;
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!(
                "[engagement] id “{}” 只能由英文字母、数字、- 和 _ 组成（用作 output/ 下的目录名）",
                excerpt(id)
            );
        }
        let year = self.engagement.year;
        if !YEARS.contains(&year) {
            bail!(
                "[engagement] year = {year} 不是合理的年度（应在 {} 到 {} 之间）",
                YEARS.start(),
                YEARS.end()
            );
        }
        if self.entities.is_empty() {
            bail!("至少要有一个 [[entities]]（核算单位及其序时账）");
        }
        // Entity names key the vouchers, the findings and the samples: two entities of one
        // name (or of names differing only in surrounding spaces) would be merged.
        let mut names = std::collections::BTreeSet::new();
        for e in &self.entities {
            let name = e.name.trim();
            if name.is_empty() {
                bail!("[[entities]] 的 name 不能为空");
            }
            if !names.insert(name) {
                bail!(
                    "[[entities]] 中核算单位名称“{}”出现了不止一次（名称须各不相同）",
                    excerpt(name)
                );
            }
        }
        for (k, ps) in &self.supporting {
            if ps.paths().is_empty() {
                bail!(
                    "engagement.toml 的 [supporting] {k}（{}）是空列表：请给出文件路径，或删去这一项",
                    crate::load::supporting::Supporting::title(k)
                );
            }
        }
        let mut missing = Vec::new();
        let mut irregular = Vec::new();
        let mut check = |p: &Path, what: &str| match std::fs::metadata(dir.join(p)) {
            Err(_) => missing.push(format!("{what} {}", p.display())),
            Ok(m) if !m.is_file() => irregular.push(format!("{what} {}", p.display())),
            Ok(_) => {}
        };
        // One file listed twice (for two entities, or twice for one) would be loaded for one
        // of them only: say so instead.
        let mut owner: std::collections::BTreeMap<PathBuf, &str> = Default::default();
        for e in &self.entities {
            for p in &e.ledgers {
                let key = std::fs::canonicalize(dir.join(p)).unwrap_or_else(|_| dir.join(p));
                if let Some(first) = owner.insert(key, &e.name) {
                    bail!(
                        "序时账文件 {} 在 [[entities]] 中列了两次（核算单位“{}”和“{}”）；一个文件只能属于一个核算单位",
                        p.display(),
                        excerpt(first),
                        excerpt(&e.name)
                    );
                }
            }
        }
        for e in &self.entities {
            if e.ledgers.is_empty() {
                bail!("核算单位“{}”没有给出序时账文件 ledgers", excerpt(&e.name));
            }
            for p in &e.ledgers {
                check(p, &format!("{} 的序时账", e.name));
            }
        }
        for p in &self.inputs.assets {
            check(p, "资产明细表");
        }
        for p in &self.inputs.balances {
            check(p, "科目余额表");
        }
        for p in &self.inputs.profiles {
            check(p, "映射方案");
        }
        for p in &self.inputs.charts {
            check(p, "会计科目表");
        }
        if let Some(p) = &self.inputs.self_report {
            check(p, "自评报告");
        }
        if let Some(p) = &self.inputs.claims_vocabulary {
            check(p, "自评报告词表");
        }
        for (k, ps) in &self.supporting {
            for p in &ps.paths() {
                check(
                    p,
                    &format!(
                        "辅助资料 {}（{k}）",
                        crate::load::supporting::Supporting::title(k)
                    ),
                );
            }
        }
        for p in [&self.rules.config, &self.rules.citations]
            .into_iter()
            .flatten()
        {
            check(p, "规则配置");
        }
        if let Some(p) = &self.rules.calendar {
            check(p, "节假日日历");
        }
        if let Some(s) = &self.scoring {
            check(&s.inputs, "评分输入");
        }
        if let Some(p) = self.workbook.as_ref().and_then(|w| w.layout.as_ref()) {
            check(p, "底稿版式");
        }
        if let Some(p) = self.workbook.as_ref().and_then(|w| w.review.as_ref()) {
            check(p, "核实结论用语");
        }
        if let Some(p) = &self.sampling.populations {
            check(p, "抽样总体定义");
        }
        for plan in &self.sampling.plans {
            if let Some(p) = &plan.audited {
                check(p, &format!("抽样计划“{}”的审定金额表", plan.name));
            }
        }
        if !missing.is_empty() {
            bail!("以下文件不存在（相对于项目目录）：{}", missing.join("；"));
        }
        if !irregular.is_empty() {
            bail!(
                "以下路径不是普通文件（是目录、设备或管道，不能作为输入读取）：{}",
                irregular.join("；")
            );
        }
        self.as_of()?;
        if self.sampling.plans.is_empty() {
            bail!("[sampling] 至少要有一个 [[sampling.plans]]");
        }
        // A population a plan names must be defined (built in or in the engagement's file):
        // said before anything is loaded.
        let mut defs = crate::sample::population_def::Definitions::builtin()?;
        if let Some(p) = &self.sampling.populations {
            defs = defs.with_file(&dir.join(p))?;
        }
        for plan in &self.sampling.plans {
            if let Some(name) = &plan.population {
                if plan.unit == Unit::Assets {
                    bail!(
                        "抽样计划“{}”：population 只适用于凭证（vouchers）或分录（lines）计划，资产计划不应填写",
                        excerpt(&plan.name)
                    );
                }
                defs.population(name)
                    .with_context(|| format!("抽样计划“{}”", excerpt(&plan.name)))?;
            }
        }
        Ok(())
    }

    pub fn as_of(&self) -> Result<chrono::NaiveDate> {
        use chrono::Datelike;
        let d = match &self.engagement.as_of {
            Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .with_context(|| format!("[engagement] as_of “{}” 应为 YYYY-MM-DD", excerpt(s)))?,
            None => chrono::NaiveDate::from_ymd_opt(self.engagement.year, 12, 31)
                .with_context(|| format!("[engagement] year {} 无效", self.engagement.year))?,
        };
        if !YEARS.contains(&d.year()) {
            bail!(
                "[engagement] as_of = {d} 不是合理的日期（年份应在 {} 到 {} 之间）",
                YEARS.start(),
                YEARS.end()
            );
        }
        Ok(d)
    }
}

/// Where an indicator set named in engagement.toml comes from.
#[derive(Debug)]
pub enum SetSource {
    /// A file: relative to the engagement directory as given, or absolute.
    File(PathBuf),
    /// One of the sets built into the binary.
    Builtin(&'static crate::model::builtin::Builtin),
}

/// Where an indicator set named in engagement.toml lives: a file at that path relative to the
/// engagement directory `dir` (returned as given); else the built-in set of that name
/// (`xundian-2023`, `common-53`); else `indicator_sets/NAME.toml` under the directory `run`
/// was started from (returned absolute). Never the build's source tree.
pub fn indicator_set_source(name: &str, dir: &Path, origin: &Path) -> Result<SetSource> {
    let direct = PathBuf::from(name);
    if dir.join(&direct).is_file() {
        return Ok(SetSource::File(direct));
    }
    if let Some(b) = crate::model::builtin::indicator_set(name) {
        return Ok(SetSource::Builtin(b));
    }
    let file = if name.ends_with(".toml") {
        name.to_string()
    } else {
        format!("{name}.toml")
    };
    let p = origin.join("indicator_sets").join(&file);
    if p.is_file() {
        return Ok(SetSource::File(p));
    }
    bail!(
        "找不到指标体系“{name}”（既不是项目目录下的文件，也不是内置指标体系 {}，当前目录的 indicator_sets/ 中也没有）",
        crate::model::builtin::indicator_set_names().join("、")
    )
}

/// Write the commented skeleton into `dir` (which must not already hold an engagement).
pub fn init(dir: &Path) -> Result<PathBuf> {
    let path = dir.join(FILE);
    if path.exists() {
        bail!("{} 已存在，未覆盖", path.display());
    }
    std::fs::create_dir_all(dir.join("data"))
        .with_context(|| format!("无法创建目录 {}", dir.join("data").display()))?;
    std::fs::write(&path, TEMPLATE).with_context(|| format!("无法写入 {}", path.display()))?;
    // The scoring inputs the template names, every key commented: a first run scores what it
    // can, marks the total 暂定 and says which 决算 figures are missing, instead of scoring
    // another department's figures copied from the sample.
    let inputs = dir.join("data/scoring-inputs.toml");
    if !inputs.exists() {
        std::fs::write(&inputs, SCORING_INPUTS_TEMPLATE)
            .with_context(|| format!("无法写入 {}", inputs.display()))?;
    }
    Ok(path)
}

/// The blank scoring inputs `init` writes (data/scoring-inputs-template.toml).
pub const SCORING_INPUTS_TEMPLATE: &str = include_str!("../../data/scoring-inputs-template.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_and_names_every_section() {
        let e: Engagement = toml::from_str(TEMPLATE).expect("template parses");
        assert_eq!(e.entities.len(), 2);
        assert!(e.scoring.is_some() && e.firm.is_some());
        assert!(!e.sampling.plans.is_empty());
    }

    #[test]
    fn unknown_keys_and_bad_ids_are_errors() {
        let bad = TEMPLATE.replace("[sampling]", "[sampling]\nsed = 1");
        assert!(toml::from_str::<Engagement>(&bad).is_err());
        let dir = tempfile::tempdir().unwrap();
        let text = TEMPLATE.replace("id = \"my-dept-2023\"", "id = \"人社局\"");
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let err = format!("{:#}", Engagement::load(dir.path()).unwrap_err());
        assert!(err.contains("只能由英文字母"), "{err}");
    }
}
