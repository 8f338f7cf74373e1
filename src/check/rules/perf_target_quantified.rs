//! perf-target-quantified — 绩效指标未细化量化或设置不完整 (seed 002 七(一)1).
//!
//! Each target set of the 绩效目标表 (部门整体, and each project's) is read indicator by
//! indicator: an indicator is quantified when its value gives a number, a unit (计量单位 column
//! or after the number: `90%`, `3.87万人`) and a direction (方向 column, or `≥`, `不低于` …);
//! `有所提高`, `进一步`, `明显` … without a number are vague (the words are data). The set must
//! cover the dimensions of 中发〔2018〕34号（七） (产出 数量/质量/时效, 成本, 效益, 满意度, matched on
//! its 一级/二级指标), and its 效益 indicators are counted. One finding per set that falls short.
//! Look-alikes that do not fire: `≥90%`, `不低于 3.87 万人`, `100` with 单位 `%` and 方向 `≥`;
//! a vague word beside a number (`提高 5%`); 二级指标 worded `社会效益`, `服务对象满意度`.

use crate::check::finding::{not_checked, Draft};
use crate::check::performance::{indicator_rows, vocab, IndicatorRow, DEPARTMENT};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;

pub const DOC: Doc = Doc {
    id: "perf-target-quantified",
    title: "绩效指标未细化量化或设置不完整",
    analytical: false,
    category: "绩效管理不规范",
    looks_at: "绩效目标表（部门整体和各项目）的每项指标是否有数值、计量单位和方向；产出（数量、质量、时效）、成本、效益、满意度指标是否齐全；效益指标的个数。",
    why: "中发〔2018〕34号第四条（七）要求全面设置绩效目标，绩效指标既要包括产出、成本，也要包括效益和服务对象满意度；“有所提高”“进一步”之类的描述无法衡量，评价时无从判断目标是否实现。",
    example: "部门整体绩效目标中“社会效益：就业形势进一步稳定”无指标值；效益指标仅 2 个。",
    look_alikes: "“≥90%”“不低于3.87万人”，或指标值 100、单位 %、方向 ≥ 的指标；数值旁的描述词（“提高5%”）；“社会效益”“服务对象满意度”等二级指标名称。",
    inputs: &[("targets", true)],
};

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let Some(table) = cx.supporting.get("targets") else {
        return Ok(RuleOutcome {
            limits: vec![not_checked(
                "缺少绩效目标表（[supporting] targets）：绩效指标是否细化量化、产出/效益/满意度指标是否齐全未检查",
            )],
            ..Default::default()
        });
    };
    let v = vocab(cx.config)?;
    let rows = indicator_rows(table);
    if rows.is_empty() {
        return Ok(RuleOutcome {
            limits: vec![not_checked(format!(
                "绩效目标表 {} 没有载入任何指标行：绩效指标未检查",
                table.paths()
            ))],
            ..Default::default()
        });
    }
    // Target sets in the order the table gives them, 部门整体 first.
    let mut sets: Vec<(String, Vec<&IndicatorRow>)> = Vec::new();
    for r in &rows {
        match sets.iter_mut().find(|(s, _)| *s == r.set) {
            Some((_, v)) => v.push(r),
            None => sets.push((r.set.clone(), vec![r])),
        }
    }
    sets.sort_by_key(|(s, _)| s != DEPARTMENT);
    let mut drafts = Vec::new();
    for (set, rows) in sets {
        let what = if set == DEPARTMENT {
            "部门整体绩效目标".to_string()
        } else {
            format!("项目“{set}”绩效目标")
        };
        let mut facts = Vec::new();
        let mut evidence = Vec::new();
        let mut vague = Vec::new();
        let mut benefit = (0usize, 0usize);
        for r in &rows {
            let value = r.text("value").unwrap_or("");
            let q =
                crate::check::performance::quantify(value, r.text("unit"), r.text("direction"), &v);
            let is_benefit = r.under(&v.benefit_words);
            if is_benefit {
                benefit.0 += 1;
            }
            if !q.quantified() {
                if is_benefit {
                    benefit.1 += 1;
                }
                let shown = if value.trim().is_empty() {
                    "指标值空白".to_string()
                } else {
                    format!("指标值“{}”", value.trim())
                };
                vague.push(format!(
                    "“{}”（{}{}：{}）",
                    r.indicator,
                    if r.level2.is_empty() {
                        String::new()
                    } else {
                        format!("{}，", r.level2)
                    },
                    shown,
                    q.lacks().join("、")
                ));
                evidence.push(r.evidence(&format!("{}：{}", r.indicator, value.trim())));
            }
        }
        if !vague.is_empty() {
            facts.push(format!(
                "{what}共 {} 项指标，其中 {} 项未细化量化：{}",
                rows.len(),
                vague.len(),
                vague.join("；")
            ));
        }
        let missing: Vec<&str> = v
            .dimensions
            .iter()
            .filter(|d| !rows.iter().any(|r| r.under(&d.words)))
            .map(|d| d.name.as_str())
            .collect();
        if !missing.is_empty() {
            facts.push(format!("{what}未设置{}指标", missing.join("、")));
        }
        let few = v.min_benefit_indicators > 0 && benefit.0 < v.min_benefit_indicators;
        if few && benefit.0 > 0 {
            facts.push(format!(
                "效益指标仅 {} 个（少于 {} 个），不足以充分全面反映年度目标产生的效益",
                benefit.0, v.min_benefit_indicators
            ));
        }
        if facts.is_empty() {
            continue;
        }
        facts.push(format!(
            "效益指标 {} 个，其中未量化 {} 个",
            benefit.0, benefit.1
        ));
        drafts.push(Draft {
            part: Some(set.clone()),
            aspect: Some("目标".into()),
            summary: what.clone(),
            facts,
            register_rows: evidence,
            ..Default::default()
        });
    }
    Ok(RuleOutcome {
        drafts,
        limits: Vec::new(),
    })
}
