//! `reeval score`: an indicator set + inputs (+ findings) → the score tree, total and grade.

use crate::load::{self, LoadRequest};
use crate::model::findings::FindingsDocument;
use crate::model::provenance::{sha256_file, Provenance};
use crate::score::document::ScoreDocument;
use crate::score::inputs::ScoringInputs;
use crate::score::reconcile::{reconcile, LedgerMap, Reconciliation};
use crate::score::score::{score, IndicatorScore, ScoreReport};
use crate::score::set::IndicatorSet;
use anyhow::{Context, Result};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

pub fn run(a: &ScoreArgs) -> Result<()> {
    // A file wins; a name that is no file is one of the built-in sets (`xundian-2023`).
    let builtin = Some(&a.set)
        .filter(|p| std::fs::symlink_metadata(p).is_err())
        .and_then(|p| p.to_str())
        .and_then(crate::model::builtin::indicator_set);
    let (set, set_input) = match builtin {
        Some(b) => (
            IndicatorSet::parse(b.text).with_context(|| format!("内置指标体系 {} 有误", b.name))?,
            b.input(),
        ),
        None => (IndicatorSet::load(&a.set)?, sha256_file(&a.set)?),
    };
    let mut inputs = ScoringInputs::load(&a.inputs)?;
    crate::score::score::check_manual(&set, &inputs)
        .map_err(|e| anyhow::anyhow!("评价输入文件 {} 中 {e}", a.inputs.display()))?;
    let mut prov = Provenance::new("score");
    prov.inputs.push(set_input);
    prov.inputs.push(sha256_file(&a.inputs)?);
    let findings = match &a.findings {
        Some(p) => {
            prov.inputs.push(sha256_file(p)?);
            let text = crate::model::provenance::read_input_text(p)
                .with_context(|| format!("无法读取疑点文件 {}", p.display()))?;
            let f: FindingsDocument = serde_json::from_str(&text).with_context(|| {
                format!(
                    "疑点文件 {} 不是 reeval check 的 JSON（需要 findings 数组）",
                    p.display()
                )
            })?;
            Some(f.findings)
        }
        None => None,
    };
    let rec = if a.ledgers.is_empty() {
        None
    } else {
        let loaded = load::load(&LoadRequest {
            ledgers: a.ledgers.clone(),
            entity: a.entity.clone(),
            ..Default::default()
        })?;
        prov.inputs
            .extend(loaded.report.provenance.inputs.iter().cloned());
        let map = LedgerMap::builtin()?;
        let r = reconcile(
            &loaded.frames.lines,
            &inputs,
            findings.as_deref(),
            &map,
            &loaded.charts,
        )?;
        crate::score::restate::three_public(&r, findings.as_deref(), &map, &mut inputs);
        Some((
            r,
            crate::score::basis::compare(&loaded.frames.lines, &map, &loaded.charts)?,
        ))
    };
    let report = score(&set, &inputs, findings.as_deref());
    print!("{}", tree(&set, &inputs, &report, a.explain));
    if let Some((r, _)) = &rec {
        print!("{}", rec_text(r));
    }
    if let Some(path) = &a.json {
        let out = ScoreDocument {
            provenance: prov,
            report: &report,
            reconciliation: rec.as_ref().map(|(r, _)| r),
            basis_comparison: rec.as_ref().map(|(_, b)| b.as_slice()),
        };
        let json = serde_json::to_vec_pretty(&out)?;
        super::write_report(path, &json, &out.provenance, &a.ledgers)?;
        println!("评分结果已写入 {}", path.display());
    }
    Ok(())
}

pub fn rec_text(r: &Reconciliation) -> String {
    let mut s = String::from("决算数与账面复核：\n");
    let m = crate::model::money::grouped_yuan;
    for row in &r.rows {
        let (input, diff) = match (row.input, row.difference) {
            (Some(i), Some(d)) if row.key == "projects" => (i.to_string(), d.to_string()),
            (Some(i), Some(d)) => (m(i), m(d)),
            _ => ("（未填）".into(), "-".into()),
        };
        let ledger = if row.key == "projects" {
            row.ledger.to_string()
        } else {
            m(row.ledger)
        };
        let _ = writeln!(
            s,
            "  {}：填报 {input}，账面 {ledger}，差额 {diff}",
            row.name
        );
    }
    if let (Some(x), Some(rate)) = (
        r.three_public_restated,
        &r.three_public_control_rate_restated,
    ) {
        let _ = writeln!(
            s,
            "  计入“转移三公经费”疑点后，“三公经费”为 {}，控制率 {rate}%",
            m(x)
        );
    }
    for a in &r.assumptions {
        let _ = writeln!(s, "  口径：{a}");
    }
    s
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

pub fn tree(set: &IndicatorSet, inputs: &ScoringInputs, r: &ScoreReport, explain: bool) -> String {
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
                            let mut vars = Vec::new();
                            e.vars(&mut vars);
                            vars.dedup();
                            let shown: Vec<String> = vars
                                .iter()
                                .map(|v| {
                                    format!(
                                        "{v} = {}",
                                        inputs
                                            .num(v)
                                            .map(|d| d.to_string())
                                            .unwrap_or_else(|| "（缺）".into())
                                    )
                                })
                                .collect();
                            let _ = writeln!(s, "        输入：{}", shown.join("；"));
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
    if r.pending_findings > 0 {
        let _ = writeln!(
            s,
            "只扣已确认的疑点；另有 {} 项待核实/待定疑点，若全部确认，总分 {:.2}，等级 {}",
            r.pending_findings, r.total_if_confirmed, r.grade_if_confirmed
        );
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
                .map(|(_, n, g)| format!("{n} {:+.2}", -*g))
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

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// 指标体系：TOML 文件，或内置指标体系的名称（xundian-2023、common-53）
    #[arg(long = "set", value_name = "SET.toml")]
    pub set: PathBuf,
    /// 决算数据、目标、问卷、人工打分与自评（TOML）
    #[arg(long, value_name = "INPUTS.toml")]
    pub inputs: PathBuf,
    /// reeval check 输出的疑点（JSON），用于扣分类指标
    #[arg(long, value_name = "FINDINGS.json")]
    pub findings: Option<PathBuf>,
    /// 把评分结果写成 JSON
    #[arg(long = "json", value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// 逐项列出指标定义、公式和输入
    #[arg(long)]
    pub explain: bool,
    /// 序时账：据以复核决算数（支出、“三公经费”、公用经费、项目个数）
    #[arg(long = "ledger", value_name = "FILE")]
    pub ledgers: Vec<PathBuf>,
    /// 序时账的核算单位（标题行和列中都没有时使用）
    #[arg(long)]
    pub entity: Option<String>,
}
