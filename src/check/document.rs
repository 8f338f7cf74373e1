//! The findings document `reeval check` writes and `reeval run` writes as findings.json: the
//! check over loaded books with its provenance, per-rule counts, supporting-records reports,
//! findings, scope limits and the risk ranking (the contract `sample --risk` and
//! `score --findings` read).

use crate::check::citations::Catalogue;
use crate::check::config::Config;
use crate::check::{self, RuleRun};
use crate::load;
use crate::load::supporting::{Supporting, TableReport};
use crate::model::findings::{Finding, Kind, ScopeLimit};
use crate::model::provenance::Provenance;
use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct CategorySum {
    pub category: String,
    pub findings: usize,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// One analytical procedure's results: a count, never an amount (they are pointers, not 问题金额).
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticalCount {
    pub rule: String,
    pub title: String,
    pub results: usize,
}

#[derive(Serialize)]
pub struct FindingsSummary {
    pub lines_checked: usize,
    pub vouchers_checked: usize,
    pub assets_checked: usize,
    pub findings: usize,
    pub informational: usize,
    /// 疑点 and 提示 per category; a voucher in two categories counts in each (the counts
    /// overlap — `overlapping_vouchers` says by how many), never in a total twice.
    pub by_category: Vec<CategorySum>,
    pub scope_limits: usize,
    /// The 疑点's 问题金额, each voucher (or asset, or group) once whatever the number of
    /// categories it falls in: the largest amount any 疑点 states for it.
    #[serde(with = "rust_decimal::serde::str")]
    pub problem_amount: Decimal,
    /// Vouchers with 疑点 in two or more categories.
    pub overlapping_vouchers: usize,
    /// 分析性程序 results (listed apart; no amount, no deduction).
    pub analytical: usize,
    pub analytical_by_rule: Vec<AnalyticalCount>,
}

#[derive(Serialize)]
pub struct Document {
    pub provenance: Provenance,
    pub summary: FindingsSummary,
    pub rules: Vec<RuleRun>,
    pub supporting: Vec<TableReport>,
    pub findings: Vec<Finding>,
    pub scope_limits: Vec<ScopeLimit>,
    /// Vouchers ranked by the rules that fired on them (weights in rules.toml [risk]).
    pub risk: Vec<check::risk::Risk>,
    /// What the engagement's review.toml did to the findings (`reeval run` only; absent
    /// without a review.toml).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::review::apply::ReviewReport>,
    /// Seconds per stage; printed with `--timings`, never serialised.
    #[serde(skip)]
    pub timings: Vec<(String, f64)>,
}

/// Where a finding's amount sits: its voucher (or asset), else the finding itself.
fn place(f: &Finding) -> String {
    match (&f.voucher, &f.asset) {
        (Some(v), _) => format!("{}\u{1}{v}", f.entity.as_deref().unwrap_or("")),
        (None, Some(a)) => format!("{}\u{2}{a}", f.entity.as_deref().unwrap_or("")),
        _ => format!("\u{3}{}", f.id),
    }
}

/// Sums per category, in category order of first appearance in the registry: 疑点 and 提示
/// only (分析性程序 results are listed apart, without amounts). Within a category a voucher's
/// amount counts once (the largest any finding of the category states for it).
pub fn by_category(findings: &[Finding]) -> Vec<CategorySum> {
    let order: Vec<&str> = check::REGISTRY.iter().map(|(d, _)| d.category).collect();
    type Tally = (usize, BTreeMap<String, Decimal>);
    let mut m: BTreeMap<(usize, String), Tally> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.kind != Kind::Analytical) {
        let k = order
            .iter()
            .position(|c| *c == f.category)
            .unwrap_or(usize::MAX);
        let e = m.entry((k, f.category.clone())).or_default();
        e.0 += 1;
        let a = e.1.entry(place(f)).or_default();
        *a = (*a).max(f.amount.unwrap_or_default());
    }
    m.into_iter()
        .map(|((_, category), (n, a))| CategorySum {
            category,
            findings: n,
            amount: a.values().sum(),
        })
        .collect()
}

/// The 疑点's total 问题金额 with every voucher once, and how many vouchers fall in two or
/// more categories.
pub fn problem_amount(findings: &[Finding]) -> (Decimal, usize) {
    let mut by: BTreeMap<String, (Decimal, std::collections::BTreeSet<&str>)> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.kind == Kind::Issue) {
        let e = by.entry(place(f)).or_default();
        e.0 = e.0.max(f.amount.unwrap_or_default());
        e.1.insert(f.category.as_str());
    }
    let total = by.values().map(|x| x.0).sum();
    let overlap = by
        .iter()
        .filter(|(k, x)| k.contains('\u{1}') && x.1.len() > 1)
        .count();
    (total, overlap)
}

/// 分析性程序 results per rule, in registry order.
pub fn analytical_by_rule(findings: &[Finding]) -> Vec<AnalyticalCount> {
    check::REGISTRY
        .iter()
        .filter_map(|(d, _)| {
            let n = findings
                .iter()
                .filter(|f| f.kind == Kind::Analytical && f.rule == d.id)
                .count();
            (n > 0).then(|| AnalyticalCount {
                rule: d.id.into(),
                title: d.title.into(),
                results: n,
            })
        })
        .collect()
}

/// What a check needs besides the loaded books.
pub struct Setup<'a> {
    pub config: &'a Config,
    pub catalogue: &'a Catalogue,
    pub supporting: &'a Supporting,
    /// The supporting files as given (kind, path), recorded in the provenance.
    pub supporting_given: &'a [(String, std::path::PathBuf)],
    pub only: &'a [String],
    pub as_of: Option<chrono::NaiveDate>,
    /// Override/citation/profile files to record beside the loaded inputs.
    pub extra_inputs: Vec<crate::model::provenance::InputFile>,
}

/// The check over books already loaded (`reeval run` loads once for every step).
pub fn document_from(loaded: &load::Loaded, s: &Setup) -> Result<Document> {
    Ok(document_and_book(loaded, s)?.0)
}

/// [`document_from`], and the ledger view the rules read (`reeval run` hands it on to the
/// workbook instead of building it again).
pub fn document_and_book(
    loaded: &load::Loaded,
    s: &Setup,
) -> Result<(Document, crate::check::book::Book)> {
    let t1 = std::time::Instant::now();
    let checked = check::check(&check::CheckInputs {
        lines: &loaded.frames.lines,
        opening: &loaded.frames.opening,
        assets: &loaded.frames.assets,
        supporting: s.supporting,
        config: s.config,
        catalogue: s.catalogue,
        only: s.only,
        as_of: s.as_of,
    })?;
    let rules_secs = t1.elapsed().as_secs_f64();
    let mut timings: Vec<(String, f64)> = checked.timings.to_vec();
    timings.push(("规则合计".to_string(), rules_secs));
    let mut prov = Provenance::new("check");
    prov.inputs = loaded.report.provenance.inputs.clone();
    for t in s.supporting.tables.values() {
        prov.inputs.extend(t.inputs().cloned());
    }
    prov.inputs.extend(s.extra_inputs.iter().cloned());
    for (k, v) in &loaded.report.provenance.parameters {
        prov.parameters.insert(k.clone(), v.clone());
    }
    prov.param("rules", s.only);
    prov.param("as_of", s.as_of.map(|d| d.to_string()));
    prov.param(
        "supporting",
        s.supporting_given
            .iter()
            .map(|(k, p)| format!("{k}={}", p.display()))
            .collect::<Vec<_>>(),
    );
    let lines_checked =
        loaded.report.summary.lines_loaded - loaded.report.summary.lines_excluded_status;
    let (problem_amount, overlapping_vouchers) = problem_amount(&checked.findings);
    let summary = FindingsSummary {
        lines_checked,
        vouchers_checked: loaded.report.summary.vouchers,
        assets_checked: loaded.frames.assets.height(),
        findings: checked
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Issue)
            .count(),
        informational: checked
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Informational)
            .count(),
        by_category: by_category(&checked.findings),
        scope_limits: checked.scope_limits.len(),
        problem_amount,
        overlapping_vouchers,
        analytical: checked
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Analytical)
            .count(),
        analytical_by_rule: analytical_by_rule(&checked.findings),
    };
    let doc = Document {
        provenance: prov,
        summary,
        rules: checked.runs,
        supporting: s
            .supporting
            .tables
            .values()
            .flat_map(|t| t.reports().cloned())
            .collect(),
        risk: check::risk::rank(&checked.findings, s.config)?,
        findings: checked.findings,
        scope_limits: checked.scope_limits,
        review: None,
        timings,
    };
    Ok((doc, checked.book))
}

/// Count the summary again from the findings as they now are (findings added after the rules —
/// the claims step's 自评不实 — or statuses set by the review): 排除 findings are out of the
/// problems (still listed, with their reason).
pub fn recount(doc: &mut Document) {
    use crate::model::findings::Status;
    let counted: Vec<Finding> = doc
        .findings
        .iter()
        .filter(|f| f.status != Status::Excluded)
        .cloned()
        .collect();
    let s = &mut doc.summary;
    s.findings = counted.iter().filter(|f| f.kind == Kind::Issue).count();
    s.informational = counted
        .iter()
        .filter(|f| f.kind == Kind::Informational)
        .count();
    s.by_category = by_category(&counted);
    let (amount, overlap) = problem_amount(&counted);
    s.problem_amount = amount;
    s.overlapping_vouchers = overlap;
}
