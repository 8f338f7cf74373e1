//! The rule library: one file per rule (its documentation, rationale, look-alikes and logic),
//! a registry listing them all, and `check`, which runs them over the loaded frames.
//!
//! Adding a rule: write `src/check/rules/<id>.rs` with `DOC` and `check`, declare it in
//! `check/rules/mod.rs` and import it below, add its section to `data/rules.toml`, add one
//! line to `REGISTRY`, and one row to `tests/cli/rules_by_id.rs` naming its must-fire and
//! must-not-fire tests (a test fails until it has one).

mod assets_view;
pub mod book;
pub mod calendar;
pub mod citations;
pub mod config;
pub mod document;
pub mod finding;
pub mod performance;
pub mod risk;
mod rules;
pub mod text;

use crate::load::supporting::Supporting;
use crate::model::findings::{with_ref, Evidence, Extent, Finding, Kind, ScopeLimit, Status};
use crate::model::money::Fen;
use anyhow::Result;
use book::Book;
use chrono::{Datelike, NaiveDate};
use citations::Catalogue;
use config::Config;
use finding::{stable_id, Draft};
use polars::prelude::DataFrame;
use rules::{
    amount_mismatch, asset_depreciation, asset_disposal_pending, asset_fully_depreciated,
    asset_idle, asset_ledger_mismatch, benford, card_settlement, cash_limit, cutoff,
    duplicate_payment, income_in_suspense, meal_fee_suspense, meeting_meal, missing_budget_entry,
    perf_documents, perf_project_coverage, perf_self_evaluation, perf_target_quantified,
    perf_target_tasks, reception_frequency, round_amount, split_purchase, suspense_aging,
    suspense_spending, three_public_misclass, voucher_gap, weekend_posting,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// What `reeval rules ID` prints, in ruff's shape: 检查什么 / 为什么是问题 / 凭证示例 /
/// 合规做法（不触发） / 依据 (the citation families, resolved from the catalogue).
pub struct Doc {
    pub id: &'static str,
    pub title: &'static str,
    /// An analytical procedure (journal-entry test): its results are 分析性程序 — they rank
    /// vouchers for the sample, carry no citation and add to no 问题金额 — unless a result has
    /// tested every element of a breach (`Draft::breach`).
    pub analytical: bool,
    /// The report heading the finding goes under.
    pub category: &'static str,
    pub looks_at: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    /// Legitimate bookkeeping that looks like the pattern, and why the rule does not fire on it.
    pub look_alikes: &'static str,
    /// Inputs besides the ledger: (kind, required?) — kinds of `supporting`, or `assets`/`opening`.
    pub inputs: &'static [(&'static str, bool)],
}

/// What a rule returns.
#[derive(Debug, Default)]
pub struct RuleOutcome {
    pub drafts: Vec<Draft>,
    pub limits: Vec<ScopeLimit>,
}

/// Everything a rule may read.
pub struct Context<'a> {
    pub book: &'a Book,
    /// Every loaded line, whatever its status (voucher numbering counts 作废 vouchers).
    pub lines: &'a DataFrame,
    pub opening: &'a DataFrame,
    pub assets: &'a DataFrame,
    pub supporting: &'a Supporting,
    pub config: &'a Config,
    /// The evaluation date: register findings are dated (and cited) on it.
    pub as_of: NaiveDate,
    /// (rule, entity, voucher) of every finding reported by the rules before this one; `None`
    /// while the rules run side by side (see `check`): a rule that asks then is run again, in
    /// registry order, once the rules above it are done.
    pub flagged: Option<&'a BTreeSet<(String, String, String)>>,
    /// Set when the rule asked `was_flagged` without `flagged`: its outcome is not used.
    pub asked: std::cell::Cell<bool>,
}

impl Context<'_> {
    pub fn was_flagged(&self, rule: &str, entity: &str, voucher: &str) -> bool {
        match self.flagged {
            Some(f) => f.contains(&(rule.to_string(), entity.to_string(), voucher.to_string())),
            None => {
                self.asked.set(true);
                false
            }
        }
    }
}

pub type CheckFn = fn(&Context) -> Result<RuleOutcome>;

/// Every rule, in the order they run (a rule may read the findings of those above it).
pub const REGISTRY: &[(&Doc, CheckFn)] = &[
    (&card_settlement::DOC, card_settlement::check),
    (&reception_frequency::DOC, reception_frequency::check),
    (&meeting_meal::DOC, meeting_meal::check),
    (&three_public_misclass::DOC, three_public_misclass::check),
    (&meal_fee_suspense::DOC, meal_fee_suspense::check),
    (&income_in_suspense::DOC, income_in_suspense::check),
    (&suspense_spending::DOC, suspense_spending::check),
    (&amount_mismatch::DOC, amount_mismatch::check),
    (&missing_budget_entry::DOC, missing_budget_entry::check),
    (&asset_idle::DOC, asset_idle::check),
    (&asset_disposal_pending::DOC, asset_disposal_pending::check),
    (
        &asset_fully_depreciated::DOC,
        asset_fully_depreciated::check,
    ),
    (&asset_ledger_mismatch::DOC, asset_ledger_mismatch::check),
    (&asset_depreciation::DOC, asset_depreciation::check),
    // Journal-entry tests (issue 6).
    (&weekend_posting::DOC, weekend_posting::check),
    (&round_amount::DOC, round_amount::check),
    (&voucher_gap::DOC, voucher_gap::check),
    (&cash_limit::DOC, cash_limit::check),
    (&duplicate_payment::DOC, duplicate_payment::check),
    (&benford::DOC, benford::check),
    (&cutoff::DOC, cutoff::check),
    (&suspense_aging::DOC, suspense_aging::check),
    (&split_purchase::DOC, split_purchase::check),
    // 绩效管理 (issue 23): the 绩效目标表, 监控表, 自评表, 任务清单 and 资料清单.
    (&perf_target_quantified::DOC, perf_target_quantified::check),
    (&perf_target_tasks::DOC, perf_target_tasks::check),
    (&perf_project_coverage::DOC, perf_project_coverage::check),
    (&perf_documents::DOC, perf_documents::check),
    (&perf_self_evaluation::DOC, perf_self_evaluation::check),
];

/// Rules known to read `Context::was_flagged`: run in registry order after the rules above
/// them, not side by side (another rule that asks is found out and run again; this list only
/// saves that second run).
const READS_FLAGS: &[&str] = &["missing-budget-entry"];

/// Rules that usually take longest, started first so that the two threads end together.
const LONG_FIRST: &[&str] = &[
    "duplicate-payment",
    "card-settlement",
    "three-public-misclass",
    "amount-mismatch",
    "voucher-gap",
];

/// Run the rules `runnable` (indices into `selected`) on the available cores; each result in
/// its slot, with whether the rule asked for the flags and its seconds.
#[allow(clippy::type_complexity)]
fn run_side_by_side<'a>(
    selected: &[(&Doc, CheckFn, Result<config::Meta>)],
    runnable: &[usize],
    cx: impl Fn() -> Context<'a> + Sync,
) -> Vec<Option<(Result<RuleOutcome>, bool, f64)>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let mut order: Vec<usize> = runnable.to_vec();
    // A stable sort: the long rules first (in this list's order), then registry order.
    order.sort_by_key(|&k| {
        LONG_FIRST
            .iter()
            .position(|id| *id == selected[k].0.id)
            .unwrap_or(LONG_FIRST.len())
    });
    let slots: Vec<Mutex<Option<(Result<RuleOutcome>, bool, f64)>>> =
        selected.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let Some(&k) = order.get(n) else { break };
        let c = cx();
        let t = std::time::Instant::now();
        let out = (selected[k].1)(&c);
        let secs = t.elapsed().as_secs_f64();
        *slots[k].lock().unwrap_or_else(|e| e.into_inner()) = Some((out, c.asked.get(), secs));
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
        .min(order.len().max(1));
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

pub fn doc(id: &str) -> Option<&'static Doc> {
    REGISTRY.iter().map(|(d, _)| *d).find(|d| d.id == id)
}

/// Per-rule counts for the document and the terminal.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRun {
    pub rule: String,
    pub title: String,
    pub findings: usize,
    /// The sum of its 疑点 and 提示 (an analytical result adds nothing: see `analytical`).
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: rust_decimal::Decimal,
    pub ran: bool,
    /// How many of `findings` are 分析性程序 results (pointers, not 疑点).
    pub analytical: usize,
}

pub struct Checked {
    pub findings: Vec<Finding>,
    pub scope_limits: Vec<ScopeLimit>,
    pub runs: Vec<RuleRun>,
    /// Seconds per stage (`准备` = the voucher index, then each rule), for `--timings`; never
    /// written into the document, which must not change from run to run.
    pub timings: Vec<(String, f64)>,
    /// The ledger view the rules read (a run hands it on to the workbook).
    pub book: Book,
}

pub struct CheckInputs<'a> {
    pub lines: &'a DataFrame,
    pub opening: &'a DataFrame,
    pub assets: &'a DataFrame,
    pub supporting: &'a Supporting,
    pub config: &'a Config,
    pub catalogue: &'a Catalogue,
    /// Only these rules (all when empty).
    pub only: &'a [String],
    pub as_of: Option<NaiveDate>,
}

/// Run the rules over the frames; findings sorted by (entity, voucher, rule, id).
pub fn check(inp: &CheckInputs) -> Result<Checked> {
    for id in inp.only {
        if doc(id).is_none() {
            anyhow::bail!("没有规则“{id}”；reeval rules 列出全部规则");
        }
    }
    let started = std::time::Instant::now();
    let book = Book::new(inp.lines, &inp.config.common.econ_names)?;
    let mut timings = vec![(
        "准备（凭证分组）".to_string(),
        started.elapsed().as_secs_f64(),
    )];
    let as_of = inp.as_of.unwrap_or_else(|| {
        book.last_date()
            .and_then(|d| NaiveDate::from_ymd_opt(d.year(), 12, 31))
            .unwrap_or(NaiveDate::MIN)
    });
    // Each rule's section of the configuration, in registry order (an error is reported where
    // the sequential loop below reaches it).
    let selected: Vec<(&Doc, CheckFn, Result<config::Meta>)> = REGISTRY
        .iter()
        .filter(|(d, _)| inp.only.is_empty() || inp.only.iter().any(|x| x == d.id))
        .map(|(d, f)| {
            let meta = inp
                .config
                .section::<toml::Table>(d.id)
                .map(|(meta, _)| meta);
            (*d, *f, meta)
        })
        .collect();
    let cx_for = |flagged| Context {
        book: &book,
        lines: inp.lines,
        opening: inp.opening,
        assets: inp.assets,
        supporting: inp.supporting,
        config: inp.config,
        as_of,
        flagged,
        asked: std::cell::Cell::new(false),
    };
    // The rules are independent of each other but for `was_flagged`: run them all side by side
    // first (without the flags), then take their outcomes in registry order; a rule that asked
    // for the flags is run again there, with the flags of the rules above it. The findings are
    // the same whatever the scheduling.
    let runnable: Vec<usize> = selected
        .iter()
        .enumerate()
        .filter(|(_, (d, _, meta))| {
            matches!(meta, Ok(m) if m.enabled && m.citations.iter().all(|f| inp.catalogue.has_family(f)))
                && !READS_FLAGS.contains(&d.id)
        })
        .map(|(k, _)| k)
        .collect();
    let mut ahead: Vec<Option<(Result<RuleOutcome>, bool, f64)>> =
        run_side_by_side(&selected, &runnable, || cx_for(None));
    let mut flagged = BTreeSet::new();
    let mut findings = Vec::new();
    let mut limits = Vec::new();
    let mut runs = Vec::new();
    for (k, (d, f, meta)) in selected.into_iter().enumerate() {
        let meta = meta?;
        if !meta.enabled {
            limits.push(ScopeLimit {
                rule: d.id.into(),
                extent: Extent::NotChecked,
                entity: None,
                reason: "项目配置中停用（enabled = false）".into(),
            });
            runs.push(RuleRun {
                rule: d.id.into(),
                title: d.title.into(),
                findings: 0,
                amount: Default::default(),
                ran: false,
                analytical: 0,
            });
            continue;
        }
        for fam in &meta.citations {
            if !inp.catalogue.has_family(fam) {
                anyhow::bail!("规则 {} 引用的法规“{fam}”不在法规目录中", d.id);
            }
        }
        let (out, secs) = match ahead[k].take() {
            Some((out, false, secs)) => (out, secs),
            _ => {
                let cx = Context {
                    flagged: Some(&flagged),
                    ..cx_for(None)
                };
                let t = std::time::Instant::now();
                let out = f(&cx);
                (out, t.elapsed().as_secs_f64())
            }
        };
        let out = out.map_err(|e| anyhow::anyhow!("规则 {} 运行失败：{e:#}", d.id))?;
        timings.push((d.id.to_string(), secs));
        let ran = !out
            .limits
            .iter()
            .any(|l| l.extent == Extent::NotChecked && l.entity.is_none());
        let mut count = 0;
        let mut sum = Fen::ZERO;
        let mut analytical = 0;
        let mut new_flags = Vec::new();
        for fam in out.drafts.iter().flat_map(|dr| &dr.citations) {
            if !inp.catalogue.has_family(fam) {
                anyhow::bail!("规则 {} 引用的法规“{fam}”不在法规目录中", d.id);
            }
        }
        for dr in out.drafts {
            count += 1;
            if d.analytical && !dr.breach && !dr.informational {
                analytical += 1;
            } else {
                sum += dr.amount.unwrap_or_default();
            }
            if let (Some(e), Some(v)) = (&dr.entity, &dr.voucher) {
                new_flags.push((d.id.to_string(), e.clone(), v.clone()));
            }
            findings.push(complete(d, &meta, inp.catalogue, &book, as_of, dr));
        }
        flagged.extend(new_flags);
        for mut l in out.limits {
            l.rule = d.id.into();
            limits.push(l);
        }
        runs.push(RuleRun {
            rule: d.id.into(),
            title: d.title.into(),
            findings: count,
            amount: sum.to_yuan(),
            ran,
            analytical,
        });
    }
    findings.sort_by(|a, b| {
        (&a.entity, &a.voucher, &a.asset, &a.rule, &a.id)
            .cmp(&(&b.entity, &b.voucher, &b.asset, &b.rule, &b.id))
    });
    // Two drafts with one id would make the id ambiguous: number them (deterministically).
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for f in &mut findings {
        let n = seen.entry(f.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.id = format!("{}#{}", f.id, n);
        }
    }
    limits.sort();
    limits.dedup();
    Ok(Checked {
        findings,
        scope_limits: limits,
        runs,
        timings,
        book,
    })
}

fn complete(
    d: &Doc,
    meta: &config::Meta,
    cat: &Catalogue,
    book: &Book,
    as_of: NaiveDate,
    dr: Draft,
) -> Finding {
    let when = dr.date.unwrap_or(as_of);
    let mut evidence: Vec<Evidence> = dr.rows.iter().map(|&i| Evidence::line(book, i)).collect();
    evidence.extend(dr.register_rows.iter().cloned());
    let mut dr = dr;
    if dr.facts.is_empty() && !dr.explanation.is_empty() {
        // A rule that writes one sentence states what it read from the books.
        dr.facts = vec![dr.explanation.trim_end_matches('。').to_string()];
    }
    if let Some(f) = as_written_fact(book, &dr.rows) {
        dr.facts.push(f);
    }
    for u in &meta.unseen {
        if !dr.unseen.contains(u) {
            dr.unseen.push(u.clone());
        }
    }
    // One reference per fact, or none at all.
    if dr.fact_evidence.iter().any(|r| !r.trim().is_empty()) {
        dr.fact_evidence.resize(dr.facts.len(), String::new());
    } else {
        dr.fact_evidence.clear();
    }
    dr.explanation = String::new();
    let explanation = explain(&dr);
    let kind = if dr.informational {
        Kind::Informational
    } else if d.analytical && !dr.breach {
        Kind::Analytical
    } else {
        Kind::Issue
    };
    let mut verify = match &dr.verify {
        Some(v) => format!("{v}{}", meta.verify),
        None => meta.verify.clone(),
    };
    // Only provisions whose text is known are quoted; the others are named in 核实要点 as what
    // remains to be checked against the original. An analytical result points where to look:
    // it cites no law it has not tested.
    let families: Vec<&String> = if kind == Kind::Analytical {
        Vec::new()
    } else {
        meta.citations
            .iter()
            .chain(dr.citations.iter().filter(|f| !meta.citations.contains(f)))
            .collect()
    };
    // Each family's provision that fits what the finding found; a family none of whose
    // provisions fits is left out (unless none fits at all: then each family's general one).
    let entity = dr.entity.as_deref();
    let mut cited: Vec<_> = families
        .iter()
        .filter_map(|f| cat.cite_fitting(f, when, entity, &dr.situations))
        .collect();
    if cited.is_empty() {
        cited = families
            .iter()
            .map(|f| cat.cite_for(f, when, entity))
            .collect();
    }
    let (citations, unquoted): (Vec<_>, Vec<_>) = cited.into_iter().partition(|c| c.quotable());
    for c in &unquoted {
        let what = if c.law.is_empty() {
            c.note.clone()
        } else {
            format!("{}{}", c.law, c.article)
        };
        verify.push_str(&format!(
            "另须对照原文补充依据：{what}（条文未核验，未引用）。"
        ));
    }
    Finding {
        id: stable_id(d.id, &dr),
        rule: d.id.into(),
        title: d.title.into(),
        category: d.category.into(),
        aspect: dr.aspect,
        kind,
        entity: dr.entity,
        voucher: dr.voucher,
        asset: dr.asset,
        date: dr.date.map(|d| d.to_string()),
        amount: dr.amount.map(Fen::to_yuan),
        summary: dr.summary,
        status: Status::Pending,
        explanation,
        facts: dr.facts,
        fact_evidence: dr.fact_evidence,
        unseen: dr.unseen,
        verify,
        evidence,
        citations,
        unquoted_citations: unquoted,
        // …and recommends nothing until a breach is found.
        recommendation: if kind == Kind::Analytical {
            String::new()
        } else {
            meta.recommendation.clone()
        },
        judgement: None,
    }
}

/// The voucher numbers of a finding's lines as the export wrote them, when that differs from
/// the normalised number (`记-0005` for 记-5): the finding names the voucher by the normalised
/// label (its id must not depend on how an export pads numbers), the fact lets the auditor
/// find it in the books as printed.
fn as_written_fact(book: &Book, rows: &[usize]) -> Option<String> {
    let mut differ: Vec<&str> = Vec::new();
    for &i in rows {
        let Some(t) = book.voucher_text(i) else {
            continue;
        };
        let normal = format!(
            "{}-{}",
            book.kind.get(i).unwrap_or(""),
            book.number.get(i).unwrap_or(0)
        );
        if t != normal && !differ.contains(&t) {
            differ.push(t);
        }
    }
    (!differ.is_empty()).then(|| format!("账上凭证号写作“{}”", differ.join("”“")))
}

/// The explanation: the facts read from the books, then what the books cannot show
/// (`账面所见：…。账面未能反映（待核实）：…`).
fn explain(dr: &Draft) -> String {
    // Items joined by ；, a question ending in ？ needing no other mark.
    let join = |items: &[String]| {
        let mut s = String::new();
        for (k, x) in items.iter().enumerate() {
            s.push_str(x);
            let last = k + 1 == items.len();
            match (x.ends_with('？'), last) {
                (true, _) => {}
                (false, false) => s.push('；'),
                (false, true) => s.push('。'),
            }
        }
        s
    };
    let mut s = String::new();
    if !dr.facts.is_empty() {
        // The working papers show where each fact was read.
        let facts: Vec<String> = dr
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| with_ref(f, dr.fact_evidence.get(i).map(String::as_str)))
            .collect();
        s.push_str("账面所见：");
        s.push_str(&join(&facts));
    }
    if !dr.unseen.is_empty() {
        s.push_str("账面未能反映（待核实）：");
        s.push_str(&join(&dr.unseen));
    }
    s
}
