//! Step 4 — 评分: the indicator set over the inputs file, the findings deducting where the
//! set links them, the 决算 figures reconciled with the books → score.json.

use super::{Commit, Run, State, Step};
use crate::model::findings::FindingsDocument;
use crate::model::provenance::{sha256_file_in, Provenance};
use crate::run::engagement::{indicator_set_source, SetSource};
use crate::score::document::ScoreDocument;
use crate::score::inputs::ScoringInputs;
use crate::score::reconcile::{reconcile, LedgerMap};
use crate::score::score::score;
use crate::score::set::IndicatorSet;
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use serde::Serialize;

pub const STEP: Step = Step {
    id: "score",
    title: "评分",
    run: Run::Beside(run),
    needs: &["load", "check"],
};

#[derive(Debug, Serialize)]
pub struct ScoreSummary {
    pub set: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    pub grade: String,
    /// The total if every pending 疑点 were confirmed (only 确认 ones deduct from `total`).
    #[serde(with = "rust_decimal::serde::str")]
    pub total_if_confirmed: Decimal,
    pub pending_findings: u64,
    /// The pending (待核实 / 待定) 疑点 of findings.json, and those of them no findings
    /// indicator of the set counts, by category (name, count): with `pending_findings` (each
    /// voucher or asset once per category and indicator) they reconcile the run's two counts.
    pub pending_issues: u64,
    pub pending_outside: Vec<(String, u64)>,
    /// False when an indicator could not be computed (total and grade provisional).
    pub complete: bool,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub self_evaluation: Option<Decimal>,
    pub self_grade: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub difference: Option<Decimal>,
    /// Indicators explaining most of the gap with the self-evaluation: (name, points).
    pub explained_by: Vec<(String, String)>,
    /// 决算 figures the inputs do not give, or that differ from the books by more than the
    /// rounding of the figure as written (half a unit of its last decimal place): the score
    /// rests on them, so the screen says so, not only score.json.
    pub warnings: Vec<String>,
}

/// What the reconciliation says the auditor must look at before trusting the score.
fn reconciliation_warnings(rec: &crate::score::reconcile::Reconciliation) -> Vec<String> {
    let yuan = |d: Decimal| crate::model::money::grouped_yuan(d);
    let mut w = Vec::new();
    for r in &rec.rows {
        // The project count is the one row that is not money (reconcile.rs writes it
        // apart); the 元 sentences below do not fit it.
        if r.key == "projects" {
            continue;
        }
        match r.input {
            None if !r.ledger.is_zero() => w.push(format!(
                "评分输入没有{}（{}），账面为 {} 元：评分中用到它的指标无法计算",
                r.name,
                r.key,
                yuan(r.ledger)
            )),
            None => {}
            Some(input) => {
                let diff = input - r.ledger;
                let half_unit = Decimal::new(5, input.scale() + 1);
                if diff.abs() > half_unit {
                    w.push(format!(
                        "{}：评分输入 {} 元，账面 {} 元，相差 {} 元；评分用的是输入的决算数，请核对（{}）",
                        r.name,
                        yuan(input),
                        yuan(r.ledger),
                        yuan(diff),
                        r.key
                    ));
                }
            }
        }
    }
    w
}

fn run(st: &State) -> Result<Commit> {
    let e = st.engagement;
    let Some(sc) = &e.scoring else {
        return Ok(Box::new(|_| Ok(())));
    };
    let (set, set_input) = match indicator_set_source(&sc.indicator_set, &st.dir, &st.origin)? {
        SetSource::File(path) => (
            IndicatorSet::load(&st.dir.join(&path))?,
            sha256_file_in(&st.dir, &path)?,
        ),
        SetSource::Builtin(b) => (
            IndicatorSet::parse(b.text).with_context(|| format!("内置指标体系 {} 有误", b.name))?,
            b.input(),
        ),
    };
    let mut inputs = ScoringInputs::load(&st.dir.join(&sc.inputs))?;
    crate::score::score::check_manual(&set, &inputs)
        .map_err(|e| anyhow::anyhow!("评价输入文件 {} 中 {e}", sc.inputs.display()))?;
    if let Some(s) = sc.self_evaluation {
        inputs.values.insert("self_evaluation.score".into(), s);
    }
    let mut prov = Provenance::new("score");
    prov.inputs.push(set_input);
    prov.inputs.push(sha256_file_in(&st.dir, &sc.inputs)?);
    // The 自评表 (issue 23): the department's score per indicator, beside reeval's.
    let self_warnings = match e.supporting.get("self-evaluation") {
        Some(paths) => {
            let given: Vec<(String, std::path::PathBuf)> = paths
                .paths()
                .into_iter()
                .map(|p| ("self-evaluation".to_string(), p))
                .collect();
            let table = crate::load::supporting::Supporting::load_in(&given, None, &st.dir)?;
            let t = table.get("self-evaluation").context("自评表未载入")?;
            prov.inputs.extend(t.inputs().cloned());
            crate::score::self_table::apply(&set, t, &mut inputs)
        }
        None => Vec::new(),
    };
    prov.param("self_evaluation", sc.self_evaluation.map(|d| d.to_string()));
    let findings = match &st.findings_json {
        Some(text) => {
            let f: FindingsDocument =
                serde_json::from_str(text).context("检查步骤的疑点文档无法读取")?;
            Some(f.findings)
        }
        None => None,
    };
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let map = LedgerMap::builtin()?;
    let rec = reconcile(
        &loaded.frames.lines,
        &inputs,
        findings.as_deref(),
        &map,
        &loaded.charts,
    )?;
    crate::score::restate::three_public(&rec, findings.as_deref(), &map, &mut inputs);
    let basis = crate::score::basis::compare(&loaded.frames.lines, &map, &loaded.charts)?;
    let mut report = score(&set, &inputs, findings.as_deref());
    report.warnings.extend(self_warnings);
    let inputs = prov.inputs.clone();
    let out = ScoreDocument {
        provenance: prov,
        report: &report,
        reconciliation: Some(&rec),
        basis_comparison: Some(&basis),
    };
    let json = serde_json::to_vec_pretty(&out)?;
    // The pending 疑点 and those no findings indicator counts (not deductible).
    let mut pending_issues = 0u64;
    let mut outside: std::collections::BTreeMap<String, u64> = Default::default();
    let mut outside_order: Vec<String> = Vec::new();
    for f in findings
        .iter()
        .flatten()
        .filter(|f| f.kind == crate::model::findings::Kind::Issue && f.status.is_pending())
    {
        pending_issues += 1;
        let counted = set.indicators.iter().any(|i| {
            i.kind.as_deref() == Some("findings")
                && (i.rules.contains(&f.rule) || i.categories.contains(&f.category))
        });
        if !counted {
            if !outside.contains_key(&f.category) {
                outside_order.push(f.category.clone());
            }
            *outside.entry(f.category.clone()).or_default() += 1;
        }
    }
    let s = &report.self_evaluation;
    let summary = ScoreSummary {
        pending_issues,
        pending_outside: outside_order
            .into_iter()
            .map(|c| {
                let n = outside[&c];
                (c, n)
            })
            .collect(),
        set: report.set.clone(),
        total: report.total,
        grade: report.grade.clone(),
        total_if_confirmed: report.total_if_confirmed,
        pending_findings: report.pending_findings,
        complete: report.complete,
        self_evaluation: s.score,
        self_grade: s.grade.clone(),
        difference: s.difference,
        explained_by: s
            .explained_by
            .iter()
            .take(5)
            .map(|(_, n, g)| (n.clone(), format!("{g:.2}")))
            .collect(),
        warnings: reconciliation_warnings(&rec),
    };
    Ok(Box::new(move |st: &mut State| {
        st.record_inputs(&inputs);
        st.write("score.json", &json)?;
        st.summary.score = Some(summary);
        Ok(())
    }))
}
