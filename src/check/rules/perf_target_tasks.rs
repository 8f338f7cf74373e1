//! perf-target-tasks — 绩效目标与年度任务不对应 (seed 002 七(一)1: 与寻考办〔2023〕55号下达的
//! 目标任务及任务值存在较大差距).
//!
//! Each task of the year's task list (综合目标) is matched to a 部门整体 indicator of the
//! 绩效目标表: by its 对应指标 column when it has one, else by name (the indicator's name inside
//! the task's or the reverse, or a character-pair similarity of at least `min_similarity` once
//! the `ignore_words` are set aside). Unmatched tasks, and matched ones whose 任务值 differs
//! from the indicator's value beyond rounding, make one finding with the table of tasks against
//! indicators. Look-alikes that do not fire: a task worded differently from its indicator
//! (`城镇新增就业` / `城镇新增就业人数`), a task naming its indicator in 对应指标, a value written
//! `41.94` against `≥41.94万人`.

use crate::check::finding::{not_checked, Draft};
use crate::check::performance::{
    differ, indicator_key, indicator_rows, quantify, similarity, vocab, IndicatorRow, DEPARTMENT,
};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "perf-target-tasks",
    title: "绩效目标与年度工作任务不对应",
    analytical: false,
    category: "绩效管理不规范",
    looks_at: "年度任务清单（综合目标）的每项任务在部门整体绩效目标表中是否有对应的指标，对应指标的指标值与任务值是否一致。",
    why: "绩效目标应分解细化年度工作要求（中发〔2018〕34号第四条（七））；年度任务没有对应的绩效指标，或指标值低于下达的任务值，绩效目标就不能反映年度任务的完成程度。",
    example: "年度任务“基本社会保险参保41.94万人”在部门整体绩效目标表中没有对应指标。",
    look_alikes: "任务与指标名称措辞不同但实质相同（“城镇新增就业”与“城镇新增就业人数”）；任务清单的“对应指标”列写明了指标；任务值 41.94 与指标值“≥41.94万人”。",
    inputs: &[("tasks", true), ("targets", true)],
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    min_similarity: f64,
    ignore_words: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let limit = |why: String| {
        Ok(RuleOutcome {
            limits: vec![not_checked(why)],
            ..Default::default()
        })
    };
    let Some(tasks) = cx.supporting.get("tasks") else {
        return limit(
            "缺少年度任务清单（[supporting] tasks）：绩效目标与年度工作任务是否对应未检查".into(),
        );
    };
    let Some(targets) = cx.supporting.get("targets") else {
        return limit(
            "缺少绩效目标表（[supporting] targets）：年度工作任务是否有对应的绩效指标未检查".into(),
        );
    };
    let v = vocab(cx.config)?;
    let rows = indicator_rows(targets);
    let dept: Vec<&IndicatorRow> = rows.iter().filter(|r| r.set == DEPARTMENT).collect();
    if dept.is_empty() {
        return limit(format!(
            "绩效目标表 {} 中没有部门整体指标：年度工作任务与部门整体绩效目标的对应未检查",
            targets.paths()
        ));
    }
    let mut table = Vec::new();
    let mut unmapped = Vec::new();
    let mut mismatched = Vec::new();
    let mut evidence = Vec::new();
    for t in &tasks.records {
        let task = t.text("task").unwrap_or("").trim();
        let named = t.text("indicator").map(indicator_key);
        let found = dept
            .iter()
            .find(|r| {
                named
                    .as_ref()
                    .is_some_and(|n| !n.is_empty() && *n == indicator_key(&r.indicator))
            })
            .or_else(|| {
                let k = indicator_key(task);
                dept.iter()
                    .filter(|r| {
                        let i = indicator_key(&r.indicator);
                        i.chars().count() >= 2 && (k.contains(&i) || i.contains(&k))
                    })
                    .max_by_key(|r| r.indicator.chars().count())
            })
            .or_else(|| {
                dept.iter()
                    .map(|r| (similarity(task, &r.indicator, &p.ignore_words), r))
                    .filter(|(s, _)| *s >= p.min_similarity)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, r)| r)
            });
        let tv = t.text("value").unwrap_or("");
        match found {
            None => {
                table.push(format!("{task}→（无对应指标）"));
                unmapped.push(format!("“{task}”{}", show_value(tv, t.text("unit"))));
                evidence.push(crate::model::findings::Evidence {
                    summary: format!("年度任务：{task}"),
                    source: t.source.clone(),
                    ..Default::default()
                });
            }
            Some(r) => {
                table.push(format!("{task}→{}", r.indicator));
                let tq = quantify(tv, t.text("unit"), None, &v);
                let iq = quantify(r.text("value").unwrap_or(""), r.text("unit"), None, &v);
                let same_unit = match (&tq.unit, &iq.unit) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                if let (Some(a), Some(b)) = (tq.number, iq.number) {
                    if same_unit && differ(a, b) {
                        mismatched.push(format!(
                            "任务“{task}”任务值 {}，对应指标“{}”指标值 {}",
                            tq.show(),
                            r.indicator,
                            r.text("value").unwrap_or("").trim()
                        ));
                        evidence.push(r.evidence(&format!(
                            "{}：{}",
                            r.indicator,
                            r.text("value").unwrap_or("")
                        )));
                    }
                }
            }
        }
    }
    if unmapped.is_empty() && mismatched.is_empty() {
        return Ok(RuleOutcome::default());
    }
    let n = tasks.records.len();
    let mut facts = vec![format!(
        "年度任务清单 {n} 项任务，部门整体绩效目标表 {} 项指标；{} 项任务有对应指标，{} 项没有",
        dept.len(),
        n - unmapped.len(),
        unmapped.len()
    )];
    if !unmapped.is_empty() {
        facts.push(format!("没有对应绩效指标的任务：{}", unmapped.join("、")));
    }
    if !mismatched.is_empty() {
        facts.push(format!("指标值与任务值不一致：{}", mismatched.join("；")));
    }
    facts.push(format!("任务与指标对照：{}", table.join("；")));
    Ok(RuleOutcome {
        drafts: vec![Draft {
            part: Some("年度任务".into()),
            aspect: Some("目标".into()),
            summary: "部门整体绩效目标与年度工作任务".into(),
            facts,
            register_rows: evidence,
            ..Default::default()
        }],
        limits: Vec::new(),
    })
}

fn show_value(v: &str, unit: Option<&str>) -> String {
    let v = v.trim();
    if v.is_empty() {
        String::new()
    } else {
        format!("（任务值 {v}{}）", unit.unwrap_or("").trim())
    }
}
