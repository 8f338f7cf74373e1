//! perf-self-evaluation — 绩效自评不实或自评依据不足 (seed 002: 自评 96 分“优”，再评价 84.63).
//!
//! Each row of the 自评表 — 年度指标值, 实际完成值, 分值, 得分 — is set beside what reeval can
//! compute from the inputs: the 绩效目标表's 指标值 for the same indicator (by name) and the
//! row's own figures. A finding when, beyond the rounding of the figures as written:
//! - the 自评表's 年度指标值 is not the 绩效目标表's (自评不实: the target restated);
//! - the 实际完成值 misses the target in its direction and the 得分 is still the full 分值
//!   (自评不实), or misses it with no 偏差原因 (自评依据不足);
//! - a 得分 is given with no number as 实际完成值 (自评依据不足).
//!
//! A row with nothing to compare (no number, no direction) is listed as not verified (a scope
//! limit), never passed. Look-alikes that do not fire: an unmet target scored below full
//! marks with its 偏差原因; 89.996 against ≥90 (rounding); a 年度指标值 written `90%` against the
//! table's `≥90%`.

use crate::check::finding::{not_checked, partly_checked, Draft};
use crate::check::performance::{differ, indicator_key, indicator_rows, quantify, vocab};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;

pub const DOC: Doc = Doc {
    id: "perf-self-evaluation",
    title: "绩效自评不实或自评依据不足",
    analytical: false,
    category: "自评不实",
    looks_at: "绩效自评表的每项指标：年度指标值是否与绩效目标表一致，实际完成值未达到指标值时是否仍得满分、是否说明偏差原因，得分是否有实际完成值支持。",
    why: "绩效自评应以批复的绩效目标为准，如实反映目标完成情况；未完成的指标按偏差扣分并分析原因（中发〔2018〕34号第四条（七）的绩效目标管理要求）。自评不实，评价结果就不能用于预算安排和改进管理。",
    example: "“城镇新增就业人数”指标值 ≥800 人，实际完成 760 人，自评仍得满分 4 分，未说明偏差原因。",
    look_alikes: "未完成指标按偏差扣分并说明了原因；89.996 对 ≥90（四舍五入以内）；自评表写“90%”而目标表写“≥90%”。",
    inputs: &[("self-evaluation", true), ("targets", false)],
};

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let Some(table) = cx.supporting.get("self-evaluation") else {
        return Ok(RuleOutcome {
            limits: vec![not_checked(
                "缺少绩效自评表（[supporting] self-evaluation）：单位自评的实际完成值和得分未复核",
            )],
            ..Default::default()
        });
    };
    let v = vocab(cx.config)?;
    let targets = cx.supporting.get("targets");
    let target_rows = targets.map(indicator_rows).unwrap_or_default();
    let mut limits = Vec::new();
    if targets.is_none() {
        limits.push(partly_checked(
            "缺少绩效目标表（[supporting] targets）：自评表的年度指标值未与批复的绩效目标核对",
        ));
    }
    let mut drafts = Vec::new();
    let mut unverified = Vec::new();
    for r in indicator_rows(table) {
        let name = r.indicator.clone();
        let own = quantify(r.text("target").unwrap_or(""), None, None, &v);
        let listed = target_rows
            .iter()
            .find(|t| indicator_key(&t.indicator) == indicator_key(&name));
        let listed_q = listed.map(|t| {
            quantify(
                t.text("value").unwrap_or(""),
                t.text("unit"),
                t.text("direction"),
                &v,
            )
        });
        let actual_text = r.text("actual").unwrap_or("").trim().to_string();
        let actual = quantify(&actual_text, None, None, &v);
        let (score, max) = (r.record.number("score"), r.record.number("max"));
        let mut untrue = Vec::new();
        let mut unfounded = Vec::new();
        let mut facts = vec![format!(
            "自评表（{}）“{name}”：年度指标值“{}”，实际完成值“{actual_text}”，分值 {}，得分 {}",
            r.record.source,
            r.text("target").unwrap_or("").trim(),
            max.map(|m| m.to_string()).unwrap_or_else(|| "—".into()),
            score.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
        )];
        if let (Some(lq), Some(t)) = (&listed_q, listed) {
            if let (Some(a), Some(b)) = (own.number, lq.number) {
                if differ(a, b) {
                    untrue.push(format!(
                        "年度指标值 {} 与绩效目标表（{}）的指标值“{}”不一致",
                        own.show(),
                        t.record.source,
                        t.text("value").unwrap_or("").trim()
                    ));
                }
            }
        }
        // The target the actual is measured against: the 绩效目标表's when listed.
        let reference = match &listed_q {
            Some(q) if q.number.is_some() => q.clone(),
            _ => own.clone(),
        };
        let direction = reference.direction.or(own.direction);
        let mut compared = false;
        match (actual.number, reference.number, direction) {
            (Some(a), Some(t), Some(d)) => {
                compared = true;
                if !d.met(a, t) {
                    let full = matches!((score, max), (Some(s), Some(m)) if s >= m);
                    let shortfall = format!("实际完成值 {a} 未达到指标值 {}{t}", d.symbol());
                    let no_reason = r.text("reason").is_none();
                    let why = if no_reason {
                        "，未说明偏差原因"
                    } else {
                        ""
                    };
                    if full {
                        untrue.push(format!(
                            "{shortfall}，自评仍得满分 {}{why}",
                            score.unwrap_or_default()
                        ));
                    } else if no_reason {
                        unfounded.push(format!("{shortfall}{why}"));
                    }
                }
            }
            (None, _, _) if score.is_some() => {
                compared = true;
                unfounded.push(if actual_text.is_empty() {
                    "给出了得分但没有实际完成值".to_string()
                } else {
                    format!("实际完成值“{actual_text}”没有可核对的数值，得分缺少依据")
                });
            }
            _ => {}
        }
        if untrue.is_empty() && unfounded.is_empty() {
            if !compared {
                unverified.push(format!("“{name}”"));
            }
            continue;
        }
        let kind = if untrue.is_empty() {
            "自评依据不足"
        } else {
            "自评不实"
        };
        facts.extend(untrue);
        facts.extend(unfounded);
        drafts.push(Draft {
            part: Some(name.clone()),
            summary: format!("{kind}：{name}"),
            facts,
            register_rows: vec![r.evidence(&format!("自评：{name}"))],
            ..Default::default()
        });
    }
    if !unverified.is_empty() {
        limits.push(partly_checked(format!(
            "自评表中 {} 项指标无法由所给资料核实（未核实）：{}",
            unverified.len(),
            unverified.join("、")
        )));
    }
    Ok(RuleOutcome { drafts, limits })
}
