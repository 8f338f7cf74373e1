//! perf-project-coverage — 项目未编制绩效目标或未开展绩效运行监控 (seed 002 七(一)2: 账面 36
//! 个项目，均未开展绩效运行跟踪监控).
//!
//! The projects are the books' own: the 项目 dimension (项目 column or 辅助项) of the expense
//! lines (财务会计 费用 and 预算会计 支出 accounts of `[common]`). Each is looked for in the
//! 绩效目标表's project sets and in the 绩效监控表 (by name, or code; a name inside the other
//! counts when both have four characters or more). Each gap is one finding with the counts
//! (账面项目 N 个，覆盖 K 个，未覆盖 M 个) and the projects. When no 监控表 is given but the
//! 资料清单 shows the 监控资料 requested and not provided, no project counts as monitored.
//! Without a 项目 dimension in the books, or without either table, it says what it could not
//! check. Look-alikes that do not fire: a project written `2023年 就业见习补贴项目` in the books
//! and `2023年就业见习补贴项目` in the table, one named by its code, lines with a project on
//! asset or payable accounts only.

use crate::check::finding::{not_checked, partly_checked, Draft};
use crate::check::performance::{indicator_rows, received, same_project, DEPARTMENT};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "perf-project-coverage",
    title: "项目未编制绩效目标或未开展绩效运行监控",
    analytical: false,
    category: "绩效管理不规范",
    looks_at: "账面项目（支出分录的项目辅助核算）是否都编制了项目绩效目标、是否都在绩效监控表中开展了运行监控；给出覆盖的个数和未覆盖的项目。",
    why: "项目支出应全部设定绩效目标（中发〔2018〕34号第四条（七）），预算单位应建立绩效运行跟踪监控机制，定期采集绩效运行信息、纠偏扬长（财预〔2011〕416号第三条）。",
    example: "账面记录项目 36 个，绩效监控表覆盖 0 个：36 个项目均未开展绩效运行监控。",
    look_alikes: "账面与表中项目名称空格、全角半角不同，或表中只写项目编码；只在资产、往来科目上挂项目的分录。",
    inputs: &[("targets", false), ("monitoring", false), ("documents", false)],
};

/// A project as a table names it: (name, code).
type Named = (String, Option<String>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    monitoring_words: Vec<String>,
    /// The citation families of a project without a 绩效目标 and of one not monitored.
    targets_citation: String,
    monitoring_citation: String,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    // Project → its first expense line (the evidence), in the books' order.
    let mut projects: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..cx.book.len() {
        let Some(proj) = cx.book.project(i).map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let expense = cx.book.in_accounts(i, &c.expense_accounts)
            || cx.book.in_accounts(i, &c.budget_expense_accounts);
        if expense && !cx.book.debit(i).is_zero() {
            projects.entry(proj.to_string()).or_insert(i);
        }
    }
    if projects.is_empty() {
        return Ok(RuleOutcome {
            limits: vec![not_checked(
                "账面支出分录没有项目辅助核算（项目列或辅助项）：项目绩效目标和绩效运行监控的覆盖情况未检查",
            )],
            ..Default::default()
        });
    }
    let n = projects.len();
    let mut drafts = Vec::new();
    let mut limits = Vec::new();
    // 目标: the 绩效目标表's project sets.
    match cx.supporting.get("targets") {
        Some(t) => {
            let rows = indicator_rows(t);
            let sets: Vec<Named> = {
                let mut s: Vec<Named> = Vec::new();
                for r in rows.iter().filter(|r| r.set != DEPARTMENT) {
                    if !s.iter().any(|(n, _)| *n == r.set) {
                        s.push((r.set.clone(), r.project_code.clone()));
                    }
                }
                s
            };
            let missing: Vec<(&String, usize)> = projects
                .iter()
                .filter(|(b, _)| {
                    !sets
                        .iter()
                        .any(|(name, code)| same_project(b, name, code.as_deref()))
                })
                .map(|(b, &i)| (b, i))
                .collect();
            if !missing.is_empty() {
                drafts.push(gap(
                    "目标",
                    n,
                    &missing,
                    ("项目绩效目标表".to_string(), t.paths()),
                    "未编制项目绩效目标",
                    &p.targets_citation,
                ));
            }
        }
        None => limits.push(partly_checked(
            "缺少绩效目标表（[supporting] targets）：账面项目是否都编制了项目绩效目标未检查",
        )),
    }
    // 监控: the 监控表, or a 资料清单 saying it was not provided.
    let monitored: Option<(Vec<Named>, (String, String))> = match cx.supporting.get("monitoring") {
        Some(m) => Some((
            m.records
                .iter()
                .map(|r| {
                    (
                        r.text("project").unwrap_or("").to_string(),
                        r.text("project_code").map(str::to_string),
                    )
                })
                .collect(),
            ("绩效监控表".to_string(), m.paths()),
        )),
        None => not_provided(cx, &p.monitoring_words).map(|what| (Vec::new(), what)),
    };
    match monitored {
        Some((rows, source)) => {
            let missing: Vec<(&String, usize)> = projects
                .iter()
                .filter(|(b, _)| {
                    !rows
                        .iter()
                        .any(|(name, code)| same_project(b, name, code.as_deref()))
                })
                .map(|(b, &i)| (b, i))
                .collect();
            if !missing.is_empty() {
                drafts.push(gap(
                    "监控",
                    n,
                    &missing,
                    source,
                    "未开展绩效运行监控",
                    &p.monitoring_citation,
                ));
            }
        }
        None => limits.push(partly_checked(
            "缺少绩效监控表（[supporting] monitoring），资料清单也未载明监控资料的提供情况：账面项目是否开展了绩效运行监控未检查",
        )),
    }
    if drafts.is_empty() && limits.len() == 2 {
        limits = vec![not_checked(
            "缺少绩效目标表和绩效监控表（[supporting] targets、monitoring）：项目绩效目标和绩效运行监控的覆盖情况未检查",
        )];
    }
    Ok(RuleOutcome { drafts, limits })
}

/// The 资料清单 row of the 监控资料, when it says it was not provided: `“…”（2024-03-01 索取）
/// 未提供`, and the 资料清单's files (the fact's evidence reference).
fn not_provided(cx: &Context, words: &[String]) -> Option<(String, String)> {
    let docs = cx.supporting.get("documents")?;
    let (_, d): (_, super::perf_documents::Settings) =
        cx.config.section(super::perf_documents::DOC.id).ok()?;
    docs.records.iter().find_map(|r| {
        let name = r.text("document")?;
        let hit = words
            .iter()
            .any(|w| !w.is_empty() && name.contains(w.as_str()));
        let missing =
            received(r.text("received")?, &d.received_words, &d.missing_words) == Some(false);
        (hit && missing).then(|| {
            (
                format!(
                    "资料清单：“{name}”{}未提供，按无监控记录计，",
                    r.date("requested")
                        .map(|d| format!("于 {d} 索取，"))
                        .unwrap_or_default()
                ),
                docs.paths(),
            )
        })
    })
}

fn gap(
    part: &str,
    n: usize,
    missing: &[(&String, usize)],
    (source, reference): (String, String),
    what: &str,
    citation: &str,
) -> Draft {
    let m = missing.len();
    let k = n - m;
    let rate = crate::model::money::round2(
        rust_decimal::Decimal::from(k as u64) * rust_decimal::Decimal::ONE_HUNDRED
            / rust_decimal::Decimal::from(n as u64),
    );
    let names: Vec<String> = missing.iter().map(|(b, _)| format!("“{b}”")).collect();
    Draft {
        part: Some(part.into()),
        aspect: Some(part.into()),
        summary: format!("账面项目 {n} 个，{m} 个{what}"),
        facts: vec![
            format!("账面支出分录记录项目 {n} 个；{source}覆盖 {k} 个（{rate:.2}%），{m} 个{what}"),
            format!("{what}的项目：{}", names.join("、")),
        ],
        // The source's files are the first fact's reference (the workbook's), not its words.
        fact_evidence: vec![reference],
        rows: missing.iter().map(|(_, i)| *i).collect(),
        citations: vec![citation.into()],
        ..Default::default()
    }
}
