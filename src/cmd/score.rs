//! `reeval score`: an indicator set + inputs (+ findings) → the score tree, total and grade.

use crate::cli::ScoreArgs;
use crate::provenance::{sha256_file, Provenance};
use crate::scoring::inputs::Inputs;
use crate::scoring::score::{score, Finding, IndicatorScore, ScoreReport};
use crate::scoring::set::IndicatorSet;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

#[derive(Deserialize)]
struct FindingsFile {
    findings: Vec<Finding>,
}

#[derive(Serialize)]
struct Output<'a> {
    provenance: Provenance,
    #[serde(flatten)]
    report: &'a ScoreReport,
}

pub fn run(a: &ScoreArgs) -> Result<()> {
    let set = IndicatorSet::load(&a.set)?;
    let inputs = Inputs::load(&a.inputs)?;
    let mut prov = Provenance::new("score");
    prov.inputs.push(sha256_file(&a.set)?);
    prov.inputs.push(sha256_file(&a.inputs)?);
    let findings = match &a.findings {
        Some(p) => {
            prov.inputs.push(sha256_file(p)?);
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("无法读取疑点文件 {}", p.display()))?;
            let f: FindingsFile = serde_json::from_str(&text).with_context(|| {
                format!(
                    "疑点文件 {} 不是 reeval check 的 JSON（需要 findings 数组）",
                    p.display()
                )
            })?;
            Some(f.findings)
        }
        None => None,
    };
    let report = score(&set, &inputs, findings.as_deref());
    print!("{}", tree(&set, &report, a.explain));
    if let Some(path) = &a.json {
        let out = Output {
            provenance: prov,
            report: &report,
        };
        super::write_atomic(path, &serde_json::to_vec_pretty(&out)?)?;
        println!("评分结果已写入 {}", path.display());
    }
    Ok(())
}

fn line(s: &mut String, depth: usize, x: &IndicatorScore) {
    let unit = x.unit.as_deref().unwrap_or("");
    let pad = "  ".repeat(depth);
    let score = x
        .score
        .map(|d| format!("{d:.2}"))
        .unwrap_or_else(|| "—".into());
    let value = x
        .value
        .as_ref()
        .map(|v| format!(" 值 {v}{unit}"))
        .unwrap_or_default();
    let status = match x.status.as_str() {
        "not_applicable" => "（不适用）",
        "not_computable" => "（无法计算）",
        _ => "",
    };
    let _ = writeln!(s, "{pad}{} {score}/{}{status}{value}", x.name, x.max);
    if depth == 2 {
        let _ = writeln!(s, "{pad}    {}", x.reason);
    }
}

fn tree(set: &IndicatorSet, r: &ScoreReport, explain: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", r.set);
    let find = |id: &str| {
        r.subtotals
            .iter()
            .chain(r.indicators.iter())
            .find(|x| x.id == id)
    };
    for top in set.indicators.iter().filter(|i| i.level == 1) {
        if let Some(x) = find(&top.id) {
            line(&mut s, 0, x);
        }
        for mid in set.children(&top.id) {
            if let Some(x) = find(&mid.id) {
                line(&mut s, 1, x);
            }
            for leaf in set.children(&mid.id) {
                if let Some(x) = find(&leaf.id) {
                    line(&mut s, 2, x);
                    if explain {
                        let _ = writeln!(s, "        定义：{}", leaf.definition);
                        if let Some(e) = set.exprs.get(&leaf.id) {
                            let _ = writeln!(s, "        公式：{e}");
                        }
                    }
                }
            }
        }
    }
    let provisional = if r.complete {
        ""
    } else {
        "（暂定：有指标无法计算）"
    };
    if r.max_applicable != rust_decimal::Decimal::from(100) {
        let _ = writeln!(
            s,
            "得分 {:.2}/{}，换算得分 {:.2}，等级 {}{provisional}",
            r.total_raw, r.max_applicable, r.total, r.grade
        );
    } else {
        let _ = writeln!(s, "总分 {:.2}，等级 {}{provisional}", r.total, r.grade);
    }
    if let (Some(sc), Some(d)) = (r.self_evaluation.score, r.self_evaluation.difference) {
        let _ = writeln!(
            s,
            "自评 {sc}（{}），再评价与自评相差 {d:+.2}；主要差异：{}",
            r.self_evaluation.grade.as_deref().unwrap_or("-"),
            r.self_evaluation
                .explained_by
                .iter()
                .take(5)
                .map(|(_, n, g)| format!("{n} −{g:.2}"))
                .collect::<Vec<_>>()
                .join("；")
        );
    }
    for n in &r.not_computable {
        let _ = writeln!(s, "无法计算：{n}");
    }
    for w in &r.warnings {
        let _ = writeln!(s, "注意：{w}");
    }
    s
}
