//! Step 3 — 抽样: every plan in engagement.toml, drawn from the recorded seed →
//! sample.json (+ sample.csv). Risk-targeted plans read the findings the check step wrote.

use super::{csv_with_bom, Commit, Run, State, Step};
use crate::model::money::Fen;
use crate::model::provenance::sha256_file_in;
use crate::run::engagement::EngagementPlan;
use crate::sample::audited::{evaluate_plan, read_audited, summarise, SummaryLine};
use crate::sample::document::{part_name, risk_from_document, SampleDocument, RANDOM_STREAM};
use crate::sample::evaluate::Method;
use crate::sample::planned::{size, PlannedSize, SizeRequest};
use crate::sample::population::Unit;
use crate::sample::population_def::{plan_items, Definitions};
use crate::sample::select::{select, Draw, Item, SelectSpec};
use crate::sample::spec::{spec_from, PlanRequest};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;

pub const STEP: Step = Step {
    id: "sample",
    title: "抽样",
    run: Run::Beside(run),
    needs: &["load", "check"],
};

#[derive(Debug, Serialize)]
pub struct SampleSummary {
    pub plan: String,
    pub unit: Unit,
    pub population_count: usize,
    pub population_value: Fen,
    pub selected_count: usize,
    pub selected_value: Fen,
    pub coverage_percent: String,
    /// Selected items / population items, in percent.
    pub coverage_count_percent: String,
    /// `planned` (n derived from the plan's materiality …) or `typed`.
    pub n_source: &'static str,
    /// Where the plan drew what it could instead of what was asked (see `Selection::warnings`).
    pub warnings: Vec<String>,
}

/// Check every plan of the engagement before anything runs: values that would mislabel the
/// sample (unsorted bands, a coverage share above 1) are an error at once, not after loading and
/// checking. (A misspelt unit, method or strata already failed when engagement.toml was read.)
pub fn validate(plans: &[EngagementPlan], seed: u64) -> Result<()> {
    let mut names = std::collections::BTreeSet::new();
    for (i, plan) in plans.iter().enumerate() {
        if !names.insert(plan.name.trim()) {
            anyhow::bail!(
                "步骤「抽样」（sample）：抽样计划名称“{}”出现了不止一次；sample.csv 以名称区分计划，名称须各不相同",
                crate::errors::excerpt(&plan.name)
            );
        }
        spec(i, plan, seed, BTreeMap::new()).context("步骤「抽样」（sample）")?;
    }
    Ok(())
}

/// The spec of the `index`th `[[sampling.plans]]`; an unusable setting is named by its key.
fn spec(
    index: usize,
    plan: &EngagementPlan,
    seed: u64,
    risk: BTreeMap<String, Vec<String>>,
) -> Result<SelectSpec> {
    size_request(plan).check()?;
    spec_from(PlanRequest {
        key_above: plan.key_above,
        key_cover: plan.key_cover,
        key_max: plan.key_max,
        draw: plan.method,
        n: plan.n,
        seed,
        strata: plan.strata,
        bands: &plan.bands,
        risk_targeted: plan.risk,
        risk: if plan.risk { risk } else { BTreeMap::new() },
    })
    .map_err(|e| anyhow::anyhow!(e.as_key(index, &plan.name)))
}

fn size_request(plan: &EngagementPlan) -> SizeRequest {
    SizeRequest {
        n: plan.n,
        materiality: plan.materiality,
        materiality_amount: plan.materiality_amount,
        confidence: plan.confidence,
        expected: plan.expected,
        likelihood: plan.likelihood,
    }
}

/// The draw's size: typed, or planned on what is left after the key and risk items (for MUS,
/// their positive amounts), found by drawing those first with no statistical part.
fn planned_size(items: &[Item], spec: &SelectSpec, plan: &EngagementPlan) -> Result<PlannedSize> {
    let req = size_request(plan);
    if !req.is_planned() {
        return size(&req, plan.method, 0, Fen::ZERO);
    }
    let mut first = spec.clone();
    first.draw = Draw::None;
    first.n = 0;
    let taken = select(items, &first)?;
    // Foldhash, not SipHash: every item of the population is looked up.
    let ids: polars::prelude::PlHashSet<&str> = taken.items.iter().map(|i| i.id.as_str()).collect();
    let mus = matches!(plan.method, Draw::Mus | Draw::Cell);
    let rest: Vec<&Item> = items
        .iter()
        .filter(|i| !ids.contains(i.id.as_str()) && (!mus || i.amount.0 > 0))
        .collect();
    let value: Fen = rest.iter().map(|i| i.amount.abs()).sum();
    size(&req, plan.method, rest.len(), value)
}

fn run(st: &State) -> Result<Commit> {
    let e = st.engagement;
    let seed = e.sampling.seed;
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    // The risk targets of the findings as generated (before the review), so that the same
    // inputs and seed draw the same sample whatever the auditor has judged since.
    let all_risk = match (&st.sample_risk, &st.findings_json) {
        (Some(risk), _) => risk.clone(),
        (None, Some(text)) => risk_from_document(text)?,
        (None, None) => BTreeMap::new(),
    };
    let review = crate::review::file::ReviewFile::load_in(&st.dir)?;
    let mut defs = Definitions::builtin()?;
    let mut extra_inputs = Vec::new();
    if let Some(p) = &e.sampling.populations {
        defs = defs.with_file(&st.dir.join(p))?;
        extra_inputs.push(sha256_file_in(&st.dir, p)?);
    }
    let mut plans = Vec::new();
    let mut summaries = Vec::new();
    let mut rows = Vec::new();
    let mut misstatements = Vec::new();
    for (index, plan) in e.sampling.plans.iter().enumerate() {
        let unit = plan.unit;
        let (items, population) = plan_items(
            unit,
            plan.population.as_deref(),
            &defs,
            &loaded.frames.lines,
            &loaded.frames.assets,
        )
        .with_context(|| format!("抽样计划“{}”", plan.name))?;
        // Only the flagged items of this plan's population are its risk targets.
        // (A hash map of the flagged ids: one hash per item, not a tree search of strings.)
        let flagged: polars::prelude::PlHashMap<&str, &Vec<String>> =
            all_risk.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let risk: BTreeMap<String, Vec<String>> = items
            .iter()
            .filter_map(|i| {
                flagged
                    .get(i.id.as_str())
                    .map(|r| (i.id.clone(), (*r).clone()))
            })
            .collect();
        let mut spec = spec(index, plan, seed, risk)?;
        let sample_size = planned_size(&items, &spec, plan)
            .with_context(|| format!("抽样计划“{}”", plan.name))?;
        spec.n = sample_size.n;
        let sel = select(&items, &spec).with_context(|| format!("抽样计划“{}”", plan.name))?;
        // The audited values: the plan's own file, else the 审定金额 the review took in
        // from D2 (review.toml).
        let from_review = match (&plan.audited, &review) {
            (None, Some(r)) => Some(r.audited(&plan.name)?).filter(|a| !a.is_empty()),
            _ => None,
        };
        let audited = match (&plan.audited, from_review) {
            (Some(path), _) => {
                extra_inputs.push(sha256_file_in(&st.dir, path)?);
                Some(read_audited(&st.dir.join(path))?)
            }
            (None, reviewed) => reviewed,
        };
        let evaluation = match audited {
            None => None,
            Some(audited) => {
                let method = plan.evaluation.unwrap_or(match plan.method {
                    Draw::Mus | Draw::Cell => Method::Stringer,
                    _ => Method::Binomial,
                });
                let materiality = sample_size
                    .plan
                    .as_ref()
                    .map(|p| p.spec.materiality)
                    .or(plan.materiality);
                let ev = evaluate_plan(
                    &sel,
                    &audited,
                    method,
                    plan.confidence.unwrap_or(0.95),
                    materiality,
                )
                .with_context(|| format!("抽样计划“{}”的评价", plan.name))?;
                misstatements.push(SummaryLine {
                    plan: plan.name.clone(),
                    known_misstatement: ev.known_misstatement,
                    projected_misstatement: ev.projected_misstatement,
                    upper_misstatement: ev.upper_misstatement,
                    complete: ev.complete,
                });
                Some(ev)
            }
        };
        let mut out = SampleDocument::new(&loaded.report.provenance, unit, &spec, &sel);
        out.population_definition = population.as_ref();
        out.provenance.param("plan", &plan.name);
        let mut v = serde_json::to_value(&out)?;
        if let Some(m) = v.as_object_mut() {
            m.insert("plan".into(), plan.name.clone().into());
            m.insert("sample_size".into(), serde_json::to_value(&sample_size)?);
            if let Some(ev) = &evaluation {
                m.insert("evaluation".into(), serde_json::to_value(ev)?);
            }
        }
        plans.push(v);
        for it in &sel.items {
            rows.push(vec![
                plan.name.clone(),
                it.id.clone(),
                it.label.clone(),
                it.amount.to_yuan().to_string(),
                part_name(&it.part).to_string(),
                it.reason.clone(),
                it.source.clone(),
            ]);
        }
        summaries.push(SampleSummary {
            plan: plan.name.clone(),
            unit,
            population_count: sel.population_count,
            population_value: sel.population_value,
            selected_count: sel.selected_count,
            selected_value: sel.selected_value,
            coverage_percent: sel.coverage_percent.clone(),
            coverage_count_percent: sel.coverage_count_percent.clone(),
            n_source: sample_size.source,
            warnings: sel.warnings.clone(),
        });
    }
    let mut doc =
        serde_json::json!({ "seed": seed, "random_stream": RANDOM_STREAM, "plans": plans });
    if !misstatements.is_empty() || e.sampling.materiality.is_some() {
        doc["misstatement_summary"] =
            serde_json::to_value(summarise(misstatements, e.sampling.materiality))?;
    }
    let json = serde_json::to_vec_pretty(&doc)?;
    let csv = csv_with_bom(
        &[
            "抽样计划",
            "编号",
            "凭证/资产",
            "金额（元）",
            "抽取方式",
            "理由",
            "来源",
        ],
        &rows,
    )?;
    Ok(Box::new(move |st: &mut State| {
        st.record_inputs(&extra_inputs);
        st.write("sample.json", &json)?;
        st.write("sample.csv", &csv)?;
        st.summary.samples = summaries;
        Ok(())
    }))
}
