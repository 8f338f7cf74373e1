//! The sample document (`reeval sample --json`, sample.json): the draw and everything needed to
//! redraw it; and the risk targets read from a findings document.

use crate::model::findings::{FindingsDocument, Status};
use crate::model::provenance::Provenance;
use crate::sample::population::Unit;
use crate::sample::population_def::PopulationReport;
use crate::sample::select::{SelectSpec, Selection};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
pub struct SampleDocument<'a> {
    pub provenance: Provenance,
    pub unit: Unit,
    /// The stream the draw used; see src/sample/stream.rs.
    pub random_stream: &'static str,
    pub spec: &'a SelectSpec,
    #[serde(flatten)]
    pub selection: &'a Selection,
    /// Which vouchers (lines) the plan tests and which classes it leaves out, with counts and
    /// values (voucher and line plans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population_definition: Option<&'a PopulationReport>,
    /// The evaluation from audited values (`--audited`), see `sample::audited`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<&'a crate::sample::audited::PlanEvaluation>,
}

impl<'a> SampleDocument<'a> {
    /// The sample document: the load's provenance as the base, with this draw's command,
    /// seed, unit and spec recorded.
    pub fn new(
        load: &Provenance,
        unit: Unit,
        spec: &'a SelectSpec,
        selection: &'a Selection,
    ) -> SampleDocument<'a> {
        let mut provenance = load.clone();
        provenance.command = "sample".into();
        provenance.seed = Some(spec.seed);
        provenance.param("unit", unit);
        provenance.param("spec", spec);
        SampleDocument {
            provenance,
            unit,
            random_stream: RANDOM_STREAM,
            spec,
            selection,
            population_definition: None,
            evaluation: None,
        }
    }
}

/// sample.json as `reeval run` writes it, read back (the evidence workbook): the seed and
/// every plan with its spec and selection.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SampleFile {
    pub seed: u64,
    pub plans: Vec<PlanRecord>,
}

/// One plan of sample.json.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PlanRecord {
    pub plan: String,
    pub unit: Unit,
    pub spec: SelectSpec,
    #[serde(flatten)]
    pub selection: Selection,
}

pub const RANDOM_STREAM: &str = "ChaCha20 (RFC 8439 keystream, key = seed as u64 LE + 24 zero bytes, nonce 0), u64 little-endian, rejection sampling for ranges";

/// Flagged vouchers (or assets) and their reasons from a findings document's text:
/// `{"findings": [{rule, category, voucher, status, …}]}`; 排除 findings and population-level
/// findings (no voucher) are not sampling targets.
pub fn risk_from_document(text: &str) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let doc: FindingsDocument = serde_json::from_str(text)?;
    Ok(risk_from_findings(&doc.findings))
}

/// [`risk_from_document`] on findings in memory. `reeval run` passes the findings as the rules
/// (and the 自评报告 check) generated them, before review.toml applies, so that a review —
/// 排除, the inspection's asset findings, manual findings — never redraws a sample the auditor
/// already holds.
pub fn risk_from_findings(
    findings: &[crate::model::findings::Finding],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in findings {
        if f.status == Status::Excluded {
            continue;
        }
        // Vouchers are keyed as the population names them (`局机关 2023-03 记-19`); a document
        // that already writes the entity into `voucher` is read as it is.
        let key = match (&f.entity, &f.voucher, &f.asset) {
            (Some(e), Some(v), _) if !v.starts_with(e.as_str()) => Some(format!("{e} {v}")),
            (_, Some(v), _) => Some(v.clone()),
            (_, None, Some(a)) => Some(a.clone()),
            _ => None,
        };
        if let Some(v) = key {
            let reason = if f.category.is_empty() {
                f.rule.clone()
            } else {
                format!("{}（{}）", f.category, f.rule)
            };
            let e = out.entry(v).or_default();
            if !e.contains(&reason) {
                e.push(reason);
            }
        }
    }
    out
}

pub fn part_name(p: &str) -> &str {
    match p {
        "key" => "重点项目",
        "risk" => "风险导向（疑点凭证）",
        "random" => "简单随机抽样",
        "systematic" => "系统抽样",
        "mus" => "货币单位抽样（固定间距）",
        "cell" => "货币单位抽样（单元）",
        "stratified" => "分层随机抽样",
        other => other,
    }
}
