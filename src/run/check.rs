//! Step 2 — 检查: the rule library over the loaded books → findings.json (+ findings.csv).

use super::{csv_with_bom, Run, State, Step};
use crate::check::citations::Catalogue;
use crate::check::config::Config;
use crate::check::document::{document_and_book, AnalyticalCount, CategorySum, Setup};
use crate::load::supporting::Supporting;
use crate::model::provenance::sha256_file_in;
use anyhow::{Context, Result};
use serde::Serialize;

pub const STEP: Step = Step {
    id: "check",
    title: "检查",
    run: Run::Alone(run),
    needs: &["load", "claims"],
};

#[derive(Debug, Serialize)]
pub struct CheckSummary {
    pub rules_run: usize,
    pub findings: usize,
    pub informational: usize,
    pub scope_limits: usize,
    pub by_category: Vec<CategorySum>,
    pub risk_ranked_vouchers: usize,
    /// What the citations assume (an entity's kind, the place) and the local matters cited on
    /// central rules for want of a local one: said once per run.
    pub warnings: Vec<String>,
    /// The 疑点's 问题金额, each voucher once.
    #[serde(with = "rust_decimal::serde::str")]
    pub problem_amount: rust_decimal::Decimal,
    pub overlapping_vouchers: usize,
    /// 分析性程序 results, listed apart (no amount).
    pub analytical: usize,
    pub analytical_by_rule: Vec<AnalyticalCount>,
    /// What the engagement's review.toml did (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::review::apply::ReviewReport>,
    /// Each supporting file read: kind, its Chinese name, path, rows loaded and rejected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supporting: Vec<SupportingSum>,
}

/// One supporting file as the run's summary counts it.
#[derive(Debug, Clone, Serialize)]
pub struct SupportingSum {
    pub kind: String,
    pub title: String,
    pub path: String,
    pub rows_loaded: usize,
    pub rows_rejected: usize,
}

/// Every supporting file's counts; a file with most of its rows rejected (more than the
/// configured share) is most likely not the kind's table, and a warning says so.
fn supporting_sums(
    supporting: &Supporting,
    config: &Config,
    warnings: &mut Vec<String>,
) -> Vec<SupportingSum> {
    let share = config.common.supporting_rejected_share;
    let mut out = Vec::new();
    for t in supporting.tables.values() {
        for r in t.reports() {
            let rows = r.rows_loaded + r.rows_rejected;
            if r.rows_rejected > 0
                && rust_decimal::Decimal::from(r.rows_rejected as u64)
                    > share * rust_decimal::Decimal::from(rows as u64)
            {
                warnings.push(format!(
                    "作为{}（[supporting] {}）给出的 {} 有 {} 行中拒收 {} 行、只载入 {} 行，拒收超过 {}%：这很可能不是{}，或其表头与{}的列不符，请核对所给文件（拒收原因见 findings.json 的 supporting）",
                    r.title,
                    r.kind,
                    r.path,
                    grouped(rows),
                    grouped(r.rows_rejected),
                    grouped(r.rows_loaded),
                    crate::model::money::round2(share * rust_decimal::Decimal::from(100)).normalize(),
                    r.title,
                    r.title
                ));
            }
            out.push(SupportingSum {
                kind: r.kind.clone(),
                title: r.title.clone(),
                path: r.path.clone(),
                rows_loaded: r.rows_loaded,
                rows_rejected: r.rows_rejected,
            });
        }
    }
    out
}

/// A count with thousands separators.
fn grouped(n: usize) -> String {
    crate::model::money::grouped_int(n as u128)
}

fn run(st: &mut State) -> Result<()> {
    let e = st.engagement;
    let at = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| st.dir.join(p));
    let config = Config::with_overrides(at(&e.rules.config).as_deref())?
        .with_calendar(at(&e.rules.calendar).as_deref())?;
    let catalogue = Catalogue::with_extra(at(&e.rules.citations).as_deref())?
        .with_setting(e.citation_setting());
    let mut warnings = e.citation_warnings(&catalogue);
    let given: Vec<(String, std::path::PathBuf)> = e
        .supporting
        .iter()
        .flat_map(|(k, ps)| ps.paths().into_iter().map(move |p| (k.clone(), p)))
        .collect();
    let supporting = Supporting::load_in(&given, None, &st.dir)?;
    let supporting_files = supporting_sums(&supporting, &config, &mut warnings);
    let mut extra = Vec::new();
    for p in [&e.rules.config, &e.rules.citations, &e.rules.calendar]
        .into_iter()
        .flatten()
    {
        extra.push(sha256_file_in(&st.dir, p)?);
    }
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let mut extra_review = Vec::new();
    let pb = st.spinner(format!("运行 {} 条检查规则…", crate::check::REGISTRY.len()));
    let doc = document_and_book(
        loaded,
        &Setup {
            config: &config,
            catalogue: &catalogue,
            supporting: &supporting,
            supporting_given: &given,
            only: &e.rules.only,
            as_of: Some(e.as_of()?),
            extra_inputs: extra,
        },
    );
    pb.finish_and_clear();
    let (mut doc, book) = doc?;
    // The workbook step reads the same ledger view (built once per run).
    st.book = Some(book);
    if !st.claim_findings.is_empty() {
        // The 自评报告 check cites no rule of its own: its findings cite their category's
        // provisions (data/categories.toml `citations`), in force on the evaluation date.
        let as_of = e.as_of()?;
        for f in st.claim_findings.iter_mut() {
            if !f.citations.is_empty() || !f.unquoted_citations.is_empty() {
                continue;
            }
            for family in crate::model::categories::citations_of(&f.category)? {
                let c = catalogue.cite_for(family, as_of, f.entity.as_deref());
                if c.quotable() {
                    f.citations.push(c);
                } else {
                    f.unquoted_citations.push(c);
                }
            }
        }
        doc.findings.append(&mut st.claim_findings);
        crate::check::document::recount(&mut doc);
    }
    // The sample is drawn on the findings as generated: the review's judgements must not move it.
    st.sample_risk = Some(crate::sample::document::risk_from_findings(&doc.findings));
    crate::review::apply_to_document(&mut doc, st.dir.as_path(), &catalogue, loaded, e)?
        .into_iter()
        .for_each(|i| extra_review.push(i));
    let json = serde_json::to_string_pretty(&doc)?;
    st.write("findings.json", json.as_bytes())?;
    let rows: Vec<Vec<String>> = doc
        .findings
        .iter()
        .map(|f| {
            vec![
                f.id.clone(),
                f.rule.clone(),
                f.category.clone(),
                f.kind.to_string(),
                f.entity.clone().unwrap_or_default(),
                f.voucher
                    .clone()
                    .or_else(|| f.asset.clone())
                    .unwrap_or_default(),
                f.date.clone().unwrap_or_default(),
                f.amount.map(|a| a.to_string()).unwrap_or_default(),
                f.summary.clone(),
                f.status.to_string(),
                f.verify.clone(),
            ]
        })
        .collect();
    let csv = csv_with_bom(
        &[
            "编号",
            "规则",
            "类别",
            "性质",
            "核算单位",
            "凭证/资产",
            "日期",
            "金额（元）",
            "摘要",
            "状态",
            "核实要点",
        ],
        &rows,
    )?;
    st.write("findings.csv", &csv)?;
    st.record_inputs(&doc.provenance.inputs);
    st.record_inputs(&extra_review);
    st.summary.check = Some(CheckSummary {
        rules_run: doc.rules.len(),
        findings: doc.summary.findings,
        informational: doc.summary.informational,
        scope_limits: doc.summary.scope_limits,
        by_category: doc.summary.by_category,
        risk_ranked_vouchers: doc.risk.len(),
        warnings,
        problem_amount: doc.summary.problem_amount,
        overlapping_vouchers: doc.summary.overlapping_vouchers,
        analytical: doc.summary.analytical,
        analytical_by_rule: doc.summary.analytical_by_rule,
        review: doc.review,
        supporting: supporting_files,
    });
    st.findings_json = Some(json);
    Ok(())
}
