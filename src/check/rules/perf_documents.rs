//! perf-documents — 要求留存的绩效管理资料未提供 (seed 002 七(一)2: 截至评价现场结束时，未提供
//! 项目支出的绩效目标运行跟踪监控管理痕迹资料).
//!
//! Each row of the 资料清单 whose 提供情况 says not provided (`missing_words`: 否, 未提供 …) is
//! either a finding — when the document is one a regulation requires the department to keep
//! (`required`: 监控 → 财预〔2011〕416号第三条, 绩效目标 → 中发〔2018〕34号（七）), dated by its
//! 索取日期 — or a scope limit (what it would have shown was not examined). A 提供情况 neither
//! list names is listed as not decided, never taken as either. Look-alikes that do not fire:
//! 已提供, 是, √; a 监控资料 row marked provided; a missing 会议记录 (a scope limit, no finding).

use crate::check::finding::{not_checked, partly_checked, Draft};
use crate::check::performance::received;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::findings::ASPECTS;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "perf-documents",
    title: "要求留存的绩效管理资料未提供",
    analytical: false,
    category: "绩效管理不规范",
    looks_at: "资料清单中未提供的资料：规定要求形成的资料（绩效运行监控资料、绩效目标申报表）未提供为疑点，其他资料未提供列为范围限制。",
    why: "预算单位应建立绩效运行跟踪监控机制并定期采集绩效运行信息（财预〔2011〕416号第三条），全面设置绩效目标（中发〔2018〕34号第四条（七））；评价时不能提供，说明该项管理未留痕或未开展。",
    example: "资料清单：“2023年项目绩效运行监控资料”2024-03-01 索取，截至评价结束未提供。",
    look_alikes: "提供情况为“已提供”“是”“√”的资料；未提供的会议记录等规定未要求单位形成的资料（列为范围限制，不是疑点）。",
    inputs: &[("documents", true)],
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Settings {
    pub received_words: Vec<String>,
    pub missing_words: Vec<String>,
    pub required: Vec<Required>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Required {
    pub words: Vec<String>,
    pub what: String,
    pub citation: String,
    /// The finding's aspect (`Finding::aspect`); 资料 when not given.
    #[serde(default)]
    pub aspect: Option<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let Some(docs) = cx.supporting.get("documents") else {
        return Ok(RuleOutcome {
            limits: vec![not_checked(
                "缺少资料清单（[supporting] documents）：所索取资料的提供情况未检查",
            )],
            ..Default::default()
        });
    };
    for q in &p.required {
        if let Some(a) = q.aspect.as_deref() {
            if !ASPECTS.contains(&a) {
                anyhow::bail!(
                    "[{}] required 中“{}”的 aspect “{}” 不是 {} 之一",
                    DOC.id,
                    q.what,
                    crate::errors::excerpt(a),
                    ASPECTS.join("/")
                );
            }
        }
    }
    let mut drafts = Vec::new();
    let mut limits = Vec::new();
    let mut undecided = Vec::new();
    for r in &docs.records {
        let name = r.text("document").unwrap_or("").trim();
        let said = r.text("received").unwrap_or("").trim();
        let when = r.date("requested");
        let asked = when.map(|d| format!("于 {d} 索取，")).unwrap_or_default();
        match received(said, &p.received_words, &p.missing_words) {
            Some(true) => {}
            None => undecided.push(format!("“{name}”（提供情况“{said}”）")),
            Some(false) => {
                let req = p.required.iter().find(|q| {
                    q.words
                        .iter()
                        .any(|w| !w.is_empty() && name.contains(w.as_str()))
                });
                match req {
                    Some(q) => drafts.push(Draft {
                        part: Some(name.to_string()),
                        aspect: Some(q.aspect.clone().unwrap_or_else(|| "资料".into())),
                        date: when,
                        summary: format!("{}未提供：{name}", q.what),
                        facts: vec![format!("资料清单：“{name}”{asked}提供情况“{said}”")],
                        // The row is the reference (the workbook's; the report prints the
                        // fact alone).
                        fact_evidence: vec![r.source.clone()],
                        unseen: vec![format!("{}是否形成待核实", q.what)],
                        citations: vec![q.citation.clone()],
                        register_rows: vec![crate::model::findings::Evidence {
                            summary: format!("资料清单：{name}"),
                            source: r.source.clone(),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                    None => limits.push(partly_checked(format!(
                        "资料未提供：“{name}”{asked}提供情况“{said}”，依赖该资料的事项未检查"
                    ))),
                }
            }
        }
    }
    if !undecided.is_empty() {
        limits.push(partly_checked(format!(
            "资料清单中 {} 项资料的提供情况无法判断（不在 received_words / missing_words 中）：{}",
            undecided.len(),
            undecided.join("、")
        )));
    }
    Ok(RuleOutcome { drafts, limits })
}
