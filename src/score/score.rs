//! Computing every indicator, the subtotals, the (normalised) total and the grade.

use super::inputs::ScoringInputs;
use super::set::{GradeBands, Indicator, IndicatorSet, Rule};
use crate::model::findings::{Finding, Kind, Status};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::money::round2 as r2;

/// Scores in score.json: a string with two decimals (`"2.00"`, `"0.50"`, `"-6.61"`), however
/// the computation left the scale; read back by any decimal reader.
mod points {
    use super::r2;
    use rust_decimal::Decimal;
    use serde::Serializer;
    use std::collections::BTreeMap;

    pub fn fixed(d: &Decimal) -> String {
        format!("{:.2}", r2(*d))
    }

    pub fn one<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fixed(d))
    }

    pub fn option<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&fixed(d)),
            None => s.serialize_none(),
        }
    }

    pub fn ranked<S: Serializer>(v: &[(String, String, Decimal)], s: S) -> Result<S::Ok, S::Error> {
        use serde::Serialize;
        v.iter()
            .map(|(a, b, d)| (a, b, fixed(d)))
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub fn by_id<S: Serializer>(m: &BTreeMap<String, Decimal>, s: S) -> Result<S::Ok, S::Error> {
        use serde::Serialize;
        m.iter()
            .map(|(k, d)| (k, fixed(d)))
            .collect::<BTreeMap<_, _>>()
            .serialize(s)
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct IndicatorScore {
    pub id: String,
    pub name: String,
    pub level: u8,
    pub parent: Option<String>,
    pub kind: Option<String>,
    /// The kind as the working papers name it (C1 评分方式): the set's `[kind_names]`, else
    /// `data/scoring/kind_names.toml`. Absent for parents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_name: Option<String>,
    /// The indicator's value as printed: a percentage like "94.96" for ratio indicators.
    pub value: Option<String>,
    #[serde(serialize_with = "points::option")]
    pub score: Option<Decimal>,
    #[serde(serialize_with = "points::one")]
    pub max: Decimal,
    /// Unit of a target value (人, 万元, %); percentages of formula indicators are "%".
    pub unit: Option<String>,
    /// computed / not_computable / not_applicable
    pub status: String,
    pub reason: String,
    /// Findings indicators: pending (待核实 / 待定) 疑点 that do not deduct yet …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_findings: Option<u64>,
    /// … and the score if every one of them were confirmed.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "points::option"
    )]
    pub score_if_confirmed: Option<Decimal>,
    /// The department's own score for this indicator (its 自评表, or
    /// `[self_evaluation.indicators.<id>] score`); a parent's is its children's sum when every
    /// applicable child has one. Left out when the department gives none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "points::option"
    )]
    pub self_score: Option<Decimal>,
    /// A findings indicator the evaluator scored instead (`[manual.<id>]` score and rationale
    /// in the inputs): true, `score` is the evaluator's, and `findings_score` what the
    /// findings alone would give; `value` and `pending_findings` still count the findings.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "points::option"
    )]
    pub findings_score: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SelfComparison {
    #[serde(serialize_with = "points::option")]
    pub score: Option<Decimal>,
    pub grade: Option<String>,
    #[serde(serialize_with = "points::option")]
    pub difference: Option<Decimal>,
    /// Indicators that explain the gap: (id, name, points lost or differing), largest first.
    #[serde(serialize_with = "points::ranked")]
    pub explained_by: Vec<(String, String, Decimal)>,
    /// The department's own score of each indicator the inputs give one for
    /// (`[self_evaluation.indicators.<id>] score`), by indicator id.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "points::by_id"
    )]
    pub by_indicator: BTreeMap<String, Decimal>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ScoreReport {
    pub set: String,
    pub indicators: Vec<IndicatorScore>,
    pub subtotals: Vec<IndicatorScore>,
    /// Sum of the scores of applicable indicators.
    #[serde(serialize_with = "points::one")]
    pub total_raw: Decimal,
    /// Maximum over applicable indicators (100 minus 不适用 weights).
    #[serde(serialize_with = "points::one")]
    pub max_applicable: Decimal,
    /// Normalised to 100 when some indicators are 不适用 (换算得分), else the raw total. Only
    /// confirmed (确认) 疑点 deduct: before review this is the provisional total.
    #[serde(serialize_with = "points::one")]
    pub total: Decimal,
    pub grade: String,
    /// The total (and grade) if every pending (待核实 / 待定) 疑点 were confirmed.
    #[serde(serialize_with = "points::one")]
    pub total_if_confirmed: Decimal,
    pub grade_if_confirmed: String,
    /// Pending 疑点 counted by the findings indicators (each voucher/asset and category once
    /// per indicator): what review still has to settle.
    pub pending_findings: u64,
    /// Inputs replaced for scoring by the figure the books support (三公经费 restated).
    pub restated_inputs: Vec<super::restate::Restated>,
    /// False when an indicator could not be computed: total and grade are then provisional.
    pub complete: bool,
    pub not_computable: Vec<String>,
    pub self_evaluation: SelfComparison,
    pub warnings: Vec<String>,
}

/// The grade of a total under the default bands of `data/scoring/grades.toml` (优 ≥ 90,
/// 良 80–<90, 中 60–<80, 差 < 60); a set's own bands: `IndicatorSet::grades`.
pub fn grade(total: Decimal) -> &'static str {
    GradeBands::builtin().grade(total)
}

fn ge(direction: &str) -> bool {
    !matches!(direction, "le" | "<=" | "≤")
}

/// Apply a rule to a value (a percentage for ratio indicators).
fn apply(rule: &Rule, value: Decimal, max: Decimal) -> (Decimal, String) {
    match rule {
        Rule::Ratio { target, direction } => {
            let hit = if ge(direction) {
                value >= *target
            } else {
                value <= *target
            };
            if hit {
                (max, format!("达到目标值 {target}，得满分"))
            } else if value.is_zero() || target.is_zero() {
                (Decimal::ZERO, "未达目标且无法按比例计分".into())
            } else {
                let share = if ge(direction) {
                    value / target
                } else {
                    target / value
                };
                (
                    max * share,
                    format!(
                        "未达目标值 {target}，按 {} 比例计分",
                        r2(share * Decimal::ONE_HUNDRED)
                    ),
                )
            }
        }
        Rule::Deduct {
            threshold,
            direction,
            per_point,
        } => {
            let over = if ge(direction) {
                *threshold - value
            } else {
                value - threshold
            };
            if over <= Decimal::ZERO {
                (max, format!("在 {threshold} 以内，得满分"))
            } else {
                let off = (over * per_point).min(max);
                let side = if ge(direction) { "低于" } else { "超出" };
                (
                    max - off,
                    format!(
                        "{side} {threshold} 共 {:.2} 个百分点，每点扣 {} 分，扣 {:.2}",
                        r2(over),
                        per_point_text(*per_point),
                        shown_deduction(max, off)
                    ),
                )
            }
        }
        Rule::Bands { direction, bands } => {
            for (bound, score) in bands {
                let hit = if ge(direction) {
                    value >= *bound
                } else {
                    value <= *bound
                };
                if hit {
                    return ((*score).min(max), format!("达到 {bound} 档，得 {score} 分"));
                }
            }
            (Decimal::ZERO, "未达到任何档次".into())
        }
    }
}

fn pct(d: Decimal) -> String {
    format!("{:.2}", r2(d))
}

/// The score: 确认 疑点 deduct; beside it what the total would be if every pending 疑点 were
/// confirmed. 排除 findings, 提示 and any kind but 疑点 never deduct.
pub fn score(
    set: &IndicatorSet,
    inputs: &ScoringInputs,
    findings: Option<&[Finding]>,
) -> ScoreReport {
    let mut report = score_as(set, inputs, findings, false);
    let all = score_as(set, inputs, findings, true);
    for (l, a) in report.indicators.iter_mut().zip(&all.indicators) {
        if l.kind.as_deref() == Some("findings") && l.status == "computed" {
            l.score_if_confirmed = a.score;
        }
    }
    report.pending_findings = report
        .indicators
        .iter()
        .filter_map(|l| l.pending_findings)
        .sum();
    report.total_if_confirmed = all.total;
    report.grade_if_confirmed = all.grade;
    report
}

fn score_as(
    set: &IndicatorSet,
    inputs: &ScoringInputs,
    findings: Option<&[Finding]>,
    if_confirmed: bool,
) -> ScoreReport {
    let mut leaves = Vec::new();
    let mut warnings = inputs.warnings.clone();
    let known: BTreeSet<&str> = set.indicators.iter().map(|i| i.id.as_str()).collect();
    for key in inputs.values.keys().chain(inputs.texts.keys()) {
        let mut parts = key.split('.');
        if let (Some(table @ ("targets" | "survey" | "manual" | "not_applicable")), Some(id)) =
            (parts.next(), parts.next())
        {
            if !known.contains(id) {
                warnings.push(format!("输入 [{table}.{id}] 对应的指标不在指标体系中"));
            }
        }
    }
    for ind in set.indicators.iter().filter(|i| set.is_leaf(&i.id)) {
        let mut leaf = score_leaf(set, ind, inputs, findings, if_confirmed);
        leaf.self_score = inputs.num(&self_key(&ind.id));
        leaves.push(leaf);
    }
    let mut warnings_dedup: Vec<String> = Vec::new();
    for w in warnings {
        if !warnings_dedup.contains(&w) {
            warnings_dedup.push(w);
        }
    }
    // Subtotals, deepest first.
    let mut by_id: BTreeMap<String, IndicatorScore> =
        leaves.iter().map(|l| (l.id.clone(), l.clone())).collect();
    let mut subtotals = Vec::new();
    for level in [2u8, 1] {
        for ind in set
            .indicators
            .iter()
            .filter(|i| i.level == level && !set.is_leaf(&i.id))
        {
            let kids: Vec<&IndicatorScore> = set
                .children(&ind.id)
                .filter_map(|c| by_id.get(&c.id))
                .collect();
            let all_na = kids.iter().all(|k| k.status == "not_applicable");
            let computed: Decimal = kids.iter().filter_map(|k| k.score).sum();
            let max: Decimal = kids
                .iter()
                .filter(|k| k.status != "not_applicable")
                .map(|k| k.max)
                .sum();
            let s = IndicatorScore {
                id: ind.id.clone(),
                name: ind.name.clone(),
                level,
                parent: ind.parent.clone(),
                kind: None,
                kind_name: None,
                value: None,
                unit: None,
                score: Some(r2(computed)),
                max: ind.weight,
                pending_findings: None,
                score_if_confirmed: None,
                overridden: false,
                findings_score: None,
                self_score: inputs.num(&self_key(&ind.id)).or_else(|| {
                    let scored: Vec<&&IndicatorScore> = kids
                        .iter()
                        .filter(|k| k.status != "not_applicable")
                        .collect();
                    (!scored.is_empty())
                        .then(|| scored.iter().map(|k| k.self_score).sum::<Option<Decimal>>())
                        .flatten()
                }),
                status: if all_na {
                    "not_applicable"
                } else if kids.iter().any(|k| k.status == "not_computable") {
                    "not_computable"
                } else {
                    "computed"
                }
                .into(),
                reason: format!("下级得分合计（适用分值 {max}）"),
            };
            by_id.insert(ind.id.clone(), s.clone());
            subtotals.push(s);
        }
    }
    subtotals.sort_by_key(|s| (s.level, set.indicators.iter().position(|i| i.id == s.id)));
    let total_raw: Decimal = r2(leaves.iter().filter_map(|l| l.score).sum());
    let na: Decimal = leaves
        .iter()
        .filter(|l| l.status == "not_applicable")
        .map(|l| l.max)
        .sum();
    let max_applicable = Decimal::from(100) - na;
    let total = if na.is_zero() || max_applicable.is_zero() {
        total_raw
    } else {
        r2(total_raw / max_applicable * Decimal::ONE_HUNDRED)
    };
    let not_computable: Vec<String> = leaves
        .iter()
        .filter(|l| l.status == "not_computable")
        .map(|l| format!("{}（{}）：{}", l.id, l.name, l.reason))
        .collect();
    // Self-evaluation.
    let self_score = inputs.num("self_evaluation.score");
    let mut explained: Vec<(String, String, Decimal)> = leaves
        .iter()
        .filter_map(|l| {
            let ours = l.score?;
            let theirs = inputs
                .num(&format!("self_evaluation.indicators.{}.score", l.id))
                .unwrap_or(l.max);
            let gap = theirs - ours;
            (gap > Decimal::ZERO).then(|| (l.id.clone(), l.name.clone(), r2(gap)))
        })
        .collect();
    explained.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let self_by_indicator: BTreeMap<String, Decimal> = leaves
        .iter()
        .filter_map(|l| {
            inputs
                .num(&format!("self_evaluation.indicators.{}.score", l.id))
                .map(|v| (l.id.clone(), v))
        })
        .collect();
    ScoreReport {
        set: set.name.clone(),
        indicators: leaves,
        subtotals,
        total_raw,
        max_applicable,
        grade: set.grades.grade(total).to_string(),
        total_if_confirmed: total,
        grade_if_confirmed: set.grades.grade(total).to_string(),
        pending_findings: 0,
        restated_inputs: inputs.restated.values().cloned().collect(),
        total,
        complete: not_computable.is_empty(),
        not_computable,
        self_evaluation: SelfComparison {
            score: self_score,
            grade: inputs.text("self_evaluation.grade").map(str::to_string),
            difference: self_score.map(|s| r2(total - s)),
            explained_by: explained,
            by_indicator: self_by_indicator,
        },
        warnings: warnings_dedup,
    }
}

/// The scoring-inputs key of the department's own score for an indicator.
pub fn self_key(id: &str) -> String {
    format!("self_evaluation.indicators.{id}.score")
}

fn score_leaf(
    set: &IndicatorSet,
    ind: &Indicator,
    inputs: &ScoringInputs,
    findings: Option<&[Finding]>,
    if_confirmed: bool,
) -> IndicatorScore {
    let mut out = IndicatorScore {
        self_score: None,
        id: ind.id.clone(),
        name: ind.name.clone(),
        level: ind.level,
        parent: ind.parent.clone(),
        kind: ind.kind.clone(),
        kind_name: ind.kind.as_deref().map(|k| set.kind_name(k).to_string()),
        value: None,
        unit: match ind.kind.as_deref() {
            Some("formula") if ind.percent => Some("%".into()),
            Some("survey") | Some("rate") => Some("%".into()),
            Some("target") => inputs
                .text(&format!("targets.{}.unit", ind.id))
                .map(str::to_string),
            _ => None,
        },
        score: None,
        max: ind.weight,
        status: "computed".into(),
        reason: String::new(),
        pending_findings: None,
        score_if_confirmed: None,
        overridden: false,
        findings_score: None,
    };
    if let Some(reason) = inputs.text(&format!("not_applicable.{}.reason", ind.id)) {
        out.status = "not_applicable".into();
        out.reason = format!("不适用：{reason}");
        return out;
    }
    let fail = |mut o: IndicatorScore, why: String| {
        o.status = "not_computable".into();
        o.reason = why;
        o
    };
    let max = ind.weight;
    let kind = ind.kind.as_deref().unwrap_or("manual");
    let (value, result): (Option<Decimal>, Result<(Decimal, String), String>) = match kind {
        "formula" => {
            // Restated figures (三公经费 with misclassified spending added back) replace the
            // inputs they restate, and the reason says so with both figures.
            let mut vars = Vec::new();
            set.exprs[&ind.id].vars(&mut vars);
            let mut env = std::borrow::Cow::Borrowed(&inputs.values);
            let mut notes = Vec::new();
            for v in &vars {
                if let Some(r) = inputs.restated.get(v) {
                    if let (Some(x), Some(why)) = (r.value(if_confirmed), r.why(if_confirmed)) {
                        env.to_mut().insert(v.clone(), x);
                        notes.push(why);
                    }
                }
            }
            match set.exprs[&ind.id].eval(&env) {
                Err(e) => (None, Err(e.to_string())),
                Ok(v) => {
                    let v = if ind.percent { r2(v) } else { v };
                    match &ind.rule {
                        Some(rule) => {
                            let (s, why) = apply(rule, v, max);
                            let why = if notes.is_empty() {
                                why
                            } else {
                                format!("{why}（{}）", notes.join("；"))
                            };
                            (Some(v), Ok((s, why)))
                        }
                        None => (Some(v), Err("指标未写计分规则 rule".into())),
                    }
                }
            }
        }
        "rate" => {
            let p = |f: &str| inputs.num(&format!("targets.{}.{f}", ind.id));
            let value = match (p("rate"), p("actual"), p("base")) {
                (Some(r), _, _) => Ok(r),
                (None, Some(a), Some(b)) if !b.is_zero() => Ok(r2(a / b * Decimal::ONE_HUNDRED)),
                (None, Some(_), Some(_)) => Err(format!("[targets.{}] 的基数 base 为零", ind.id)),
                _ => Err(format!(
                    "比率指标须给出 [targets.{}] 的 actual 与 base（实际数与基数，如结案数与受理数），或 rate（百分比）",
                    ind.id
                )),
            };
            match (value, &ind.rule) {
                (Err(e), _) => (None, Err(e)),
                (Ok(v), Some(rule)) => {
                    let (s, why) = apply(rule, v, max);
                    let how = match (p("rate"), p("actual"), p("base")) {
                        (None, Some(a), Some(b)) => {
                            format!("{} ÷ {} = {}%；", a.normalize(), b.normalize(), pct(v))
                        }
                        _ => String::new(),
                    };
                    (Some(v), Ok((s, format!("{how}{why}"))))
                }
                (Ok(v), None) => (Some(v), Err("指标未写计分规则 rule".into())),
            }
        }
        "target" | "survey" => {
            let key = if kind == "target" {
                "targets"
            } else {
                "survey"
            };
            let p = |f: &str| inputs.num(&format!("{key}.{}.{f}", ind.id));
            let value = if kind == "survey" {
                match (p("score"), p("satisfied"), p("valid")) {
                    (Some(s), _, _) => Ok(s),
                    (None, Some(s), Some(v)) if !v.is_zero() => {
                        Ok(r2(s / v * Decimal::ONE_HUNDRED))
                    }
                    (None, Some(_), Some(_)) => Err("有效问卷数为零".to_string()),
                    _ => Err(format!(
                        "缺少输入 [survey.{}] satisfied/valid 或 score",
                        ind.id
                    )),
                }
            } else {
                match (p("actual"), p("target")) {
                    (Some(a), Some(_)) => Ok(a),
                    _ => Err(format!("缺少输入 [targets.{}] target/actual", ind.id)),
                }
            };
            match value {
                Err(e) => (None, Err(e)),
                Ok(v) => {
                    let rule = if kind == "target" {
                        let dir = inputs
                            .text(&format!("targets.{}.direction", ind.id))
                            .map(str::to_string)
                            .or_else(|| ind.direction.clone())
                            .unwrap_or_else(|| "ge".into());
                        Rule::Ratio {
                            target: p("target").unwrap_or_default(),
                            direction: dir,
                        }
                    } else {
                        ind.rule.clone().unwrap_or(Rule::Ratio {
                            target: Decimal::from(100),
                            direction: "ge".into(),
                        })
                    };
                    (Some(v), Ok(apply(&rule, v, max)))
                }
            }
        }
        "findings" => match findings {
            None => (
                None,
                Err("缺少 reeval check 的疑点结果（--findings）".into()),
            ),
            Some(fs) => {
                // Once per voucher and category. Only 疑点 deduct (提示 and 分析性程序 never), and only 确认 ones (all
                // pending ones too when scoring "if confirmed"); 排除 never.
                let place_of = |f: &Finding, k: usize| {
                    let place = f.voucher.clone().or_else(|| f.asset.clone());
                    let v = match (place, &f.entity) {
                        (Some(p), Some(e)) => format!("{e} {p}"),
                        (Some(p), None) => p,
                        (None, _) => format!("{}#{k}", f.rule),
                    };
                    (v, f.category.clone())
                };
                let related = |f: &&Finding| {
                    f.kind == Kind::Issue
                        && (ind.rules.contains(&f.rule) || ind.categories.contains(&f.category))
                        && (ind.aspects.is_empty()
                            || f.aspect.as_ref().is_some_and(|a| ind.aspects.contains(a)))
                };
                let mut confirmed: BTreeSet<(String, String)> = BTreeSet::new();
                let mut pending: BTreeSet<(String, String)> = BTreeSet::new();
                for (k, f) in fs.iter().enumerate().filter(|(_, f)| related(f)) {
                    match f.status {
                        Status::Confirmed => {
                            confirmed.insert(place_of(f, k));
                        }
                        s if s.is_pending() => {
                            pending.insert(place_of(f, k));
                        }
                        _ => {}
                    }
                }
                pending.retain(|p| !confirmed.contains(p));
                out.pending_findings = Some(pending.len() as u64);
                let counted = confirmed.len() + if if_confirmed { pending.len() } else { 0 };
                let n = Decimal::from(counted as u64);
                let per = ind.per_finding.unwrap_or(Decimal::ONE);
                let cap = ind.cap.unwrap_or(max).min(max);
                let off = (n * per).min(cap);
                let what = if if_confirmed {
                    "项相关疑点（已确认及待核实/待定的全部计入）"
                } else {
                    "项已确认的相关疑点"
                };
                // Say how places are counted only where findings have places (a 绩效管理 finding
                // names no voucher or asset), and "扣完为止" where the cap is the weight itself,
                // as indicator definitions word it.
                let placed = fs
                    .iter()
                    .filter(related)
                    .any(|f| f.voucher.is_some() || f.asset.is_some());
                let how = if placed {
                    "（每张凭证或每项资产按类别计一次）"
                } else {
                    ""
                };
                let limit = if cap < max {
                    format!("封顶 {} 分", cap.normalize())
                } else {
                    "扣完为止".to_string()
                };
                let mut why = format!(
                    "{n} {what}{how}，每项扣 {} 分，{limit}，扣 {:.2}",
                    per.normalize(),
                    shown_deduction(max, off)
                );
                if !if_confirmed && !pending.is_empty() {
                    let all = Decimal::from((confirmed.len() + pending.len()) as u64);
                    let _ = write!(
                        why,
                        "；另有 {} 项待核实/待定疑点未扣分（全部确认则扣 {:.2}）",
                        pending.len(),
                        shown_deduction(max, (all * per).min(cap))
                    );
                }
                (Some(n), Ok((max - off, why)))
            }
        },
        _ => (
            None,
            manual(ind, inputs).unwrap_or_else(|| {
                Err(format!(
                    "缺少人工打分 [manual.{}] score 与 rationale",
                    ind.id
                ))
            }),
        ),
    };
    // The evaluator's judgement wins over the findings' count: a `[manual.<id>]` score for a
    // findings indicator replaces the deduction, and the reason keeps what the findings gave.
    let (result, overridden) = match (kind, &result) {
        ("findings", _) => match manual(ind, inputs) {
            None => (result, false),
            Some(Err(e)) => (Err(e), false),
            Some(Ok((s, why))) => {
                out.findings_score = result
                    .as_ref()
                    .ok()
                    .map(|(f, _)| r2((*f).max(Decimal::ZERO)));
                let basis = match &result {
                    Ok((f, fwhy)) => {
                        format!("按疑点计为 {:.2} 分：{fwhy}", r2((*f).max(Decimal::ZERO)))
                    }
                    Err(e) => format!("按疑点未能计分：{e}"),
                };
                (
                    Ok((s, format!("{why}（评价组打分取代按疑点扣分；{basis}）"))),
                    true,
                )
            }
        },
        _ => (result, false),
    };
    out.overridden = overridden;
    out.value = value.map(|v| {
        if kind == "target" {
            v.normalize().to_string()
        } else {
            pct(v)
        }
    });
    match result {
        Ok((s, why)) => {
            out.score = Some(r2(s.max(Decimal::ZERO)));
            out.reason = why;
            out
        }
        Err(e) => fail(out, e),
    }
}

/// Every `[manual.<id>]` entry of the inputs checked against the set before scoring: an id
/// the set lacks, a score that is not a number, lies outside 0–weight or comes without its
/// rationale is an impossible input and an error (one sentence naming the key and the range).
/// A `manual` indicator with no score at all is not checked here: that input is simply not
/// given, and the indicator stays not computable (暂定).
pub fn check_manual(set: &IndicatorSet, inputs: &ScoringInputs) -> Result<(), String> {
    let ids: BTreeSet<&str> = inputs
        .values
        .keys()
        .chain(inputs.texts.keys())
        .filter_map(|k| k.strip_prefix("manual."))
        .filter_map(|k| k.split('.').next())
        .collect();
    for id in ids {
        let Some(ind) = set.indicators.iter().find(|i| i.id == id) else {
            return Err(format!(
                "[manual.{id}] 对应的指标不在指标体系中，请核对指标编号"
            ));
        };
        let max = ind.weight;
        let key = format!("manual.{id}.score");
        let range = format!(
            "允许范围为 0–{}（指标“{}”的权重）",
            max.normalize(),
            ind.name
        );
        match (inputs.num(&key), inputs.text(&key)) {
            (Some(s), _) if s < Decimal::ZERO || s > max => {
                return Err(format!(
                    "[manual.{id}] score = {} 不在允许范围内，{range}",
                    s.normalize()
                ))
            }
            (Some(s), _) => {
                let rationale = inputs.text(&format!("manual.{id}.rationale"));
                if rationale.is_none_or(|r| r.trim().is_empty()) {
                    return Err(format!(
                        "[manual.{id}] score = {} 缺少打分理由 rationale（{range}）",
                        s.normalize()
                    ));
                }
            }
            (None, Some(t)) => {
                return Err(format!(
                    "[manual.{id}] score = “{}” 不是数值，{range}",
                    crate::errors::excerpt(t)
                ))
            }
            (None, None) => {}
        }
    }
    Ok(())
}

/// The evaluator's score of an indicator from `[manual.<id>]`: None when the inputs give no
/// score, an error when it lacks its rationale or lies outside 0–weight.
fn manual(ind: &Indicator, inputs: &ScoringInputs) -> Option<Result<(Decimal, String), String>> {
    let max = ind.weight;
    let s = inputs.num(&format!("manual.{}.score", ind.id))?;
    Some(match inputs.text(&format!("manual.{}.rationale", ind.id)) {
        Some(r) if s >= Decimal::ZERO && s <= max => Ok((s, format!("评价组打分：{r}"))),
        Some(_) => Err(format!("人工打分 {s} 超出 0–{max}")),
        None => Err(format!("人工打分缺少理由 [manual.{}] rationale", ind.id)),
    })
}

/// A deduction as printed beside its score: the weight less the score rounded half up to two
/// decimals, so that the two add up to the weight as printed (a deduction of 0.625 from 2
/// prints “扣 0.62” beside 1.38, never 0.63 beside 1.38).
pub fn shown_deduction(max: Decimal, off: Decimal) -> Decimal {
    max - r2((max - off).max(Decimal::ZERO))
}

/// A per-point deduction as a report prints it: exact when it has at most two decimals
/// (`0.5`), else rounded half up to two with 约 (`约0.33`: a weight ÷ a range of points).
fn per_point_text(p: Decimal) -> String {
    let r = r2(p);
    if r == p {
        p.normalize().to_string()
    } else {
        format!("约{r:.2}")
    }
}
