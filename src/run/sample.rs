//! Step 3 — 抽样: every plan in engagement.toml, drawn from the recorded seed →
//! sample.json (+ sample.csv). Risk-targeted plans read the findings the check step wrote.

use super::{csv_with_bom, State, Step};
use crate::model::money::Fen;
use crate::run::engagement::EngagementPlan;
use crate::sample::document::{part_name, risk_from_document, SampleDocument, RANDOM_STREAM};
use crate::sample::population::{self, Unit};
use crate::sample::select::{select, SelectSpec};
use crate::sample::spec::{spec_from, PlanRequest};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;

pub const STEP: Step = Step {
    id: "sample",
    title: "抽样",
    run,
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
    spec_from(PlanRequest {
        key_above: plan.key_above,
        key_cover: plan.key_cover,
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

fn run(st: &mut State) -> Result<()> {
    let e = st.engagement;
    let seed = e.sampling.seed;
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let all_risk = match &st.findings_json {
        Some(text) => risk_from_document(text)?,
        None => BTreeMap::new(),
    };
    let mut plans = Vec::new();
    let mut summaries = Vec::new();
    let mut rows = Vec::new();
    for (index, plan) in e.sampling.plans.iter().enumerate() {
        let unit = plan.unit;
        let items = population::from_frames(unit, &loaded.frames.lines, &loaded.frames.assets)?;
        // Only the flagged items of this plan's population are its risk targets.
        let risk: BTreeMap<String, Vec<String>> = items
            .iter()
            .filter_map(|i| all_risk.get(&i.id).map(|r| (i.id.clone(), r.clone())))
            .collect();
        let spec = spec(index, plan, seed, risk)?;
        let sel = select(&items, &spec).with_context(|| format!("抽样计划“{}”", plan.name))?;
        let mut out = SampleDocument::new(&loaded.report.provenance, unit, &spec, &sel);
        out.provenance.param("plan", &plan.name);
        let mut v = serde_json::to_value(&out)?;
        if let Some(m) = v.as_object_mut() {
            m.insert("plan".into(), plan.name.clone().into());
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
            warnings: sel.warnings.clone(),
        });
    }
    let doc = serde_json::json!({ "seed": seed, "random_stream": RANDOM_STREAM, "plans": plans });
    st.write("sample.json", &serde_json::to_vec_pretty(&doc)?)?;
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
    st.write("sample.csv", &csv)?;
    st.summary.samples = summaries;
    Ok(())
}
