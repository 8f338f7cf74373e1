//! `reeval evaluate`: the upper bound from a sample's results.

use crate::model::money;
use crate::model::provenance::{sha256_file, Provenance};
use crate::sample::evaluate::{evaluate, EvalSpec, Method};
use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use std::path::Path;
use std::path::PathBuf;

#[derive(Serialize)]
struct EvaluationDocument<'a> {
    provenance: Provenance,
    #[serde(flatten)]
    evaluation: &'a crate::sample::evaluate::Evaluation,
}

/// Taints from a CSV of book and audit values (a header row is allowed). Money is parsed
/// exactly; the taint itself is a ratio.
fn taints_from_csv(path: &Path) -> Result<(u64, Vec<f64>)> {
    let text = crate::model::provenance::read_input_text(path)
        .with_context(|| format!("无法读取样本数据文件 {}", path.display()))?;
    let mut n = 0u64;
    let mut taints = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if line.trim().is_empty() {
            continue;
        }
        if cells.len() < 2 {
            bail!(
                "{} 第 {} 行应有账面金额和审定金额两列",
                path.display(),
                i + 1
            );
        }
        let (book, audit) = match (money::parse_amount(cells[0]), money::parse_amount(cells[1])) {
            (Ok(b), Ok(a)) => (b.fen.0, a.fen.0),
            _ if i == 0 => continue, // header
            (Err(e), _) | (_, Err(e)) => bail!("{} 第 {} 行：{e}", path.display(), i + 1),
        };
        if book <= 0 {
            bail!("{} 第 {} 行：账面金额须大于 0", path.display(), i + 1);
        }
        n += 1;
        if book != audit {
            let t = (book as i128 - audit as i128) as f64 / book as f64;
            if !(-1.0..=1.0).contains(&t) {
                bail!(
                    "{} 第 {} 行：账面金额 {} 元、审定金额 {} 元，错报比例 {t:.4} 超出 [−1, 1]（审定金额为负或超过账面金额的两倍）；\
                     请核对该项，需要按全额错报计时把审定金额写为 0",
                    path.display(),
                    i + 1,
                    money::Fen(book).grouped(),
                    money::Fen(audit).grouped()
                );
            }
            taints.push(t);
        }
    }
    Ok((n, taints))
}

pub fn run(a: &EvaluateArgs) -> Result<()> {
    let mut prov = Provenance::new("evaluate");
    let (n, taints) = match &a.data {
        Some(path) => {
            prov.inputs.push(sha256_file(path)?);
            taints_from_csv(path)?
        }
        None => (
            a.n.ok_or_else(|| anyhow::anyhow!("须给出样本量 --n 或样本数据 --data"))?,
            a.taints.clone(),
        ),
    };
    let spec = EvalSpec {
        method: a.method,
        n,
        x: a.x,
        taints,
        confidence: a.confidence,
        materiality: a.materiality,
        population: a.population,
        book_value: a.book_value,
    };
    let e = evaluate(&spec)?;
    if a.json {
        prov.param("spec", &spec);
        println!(
            "{}",
            serde_json::to_string_pretty(&EvaluationDocument {
                provenance: prov,
                evaluation: &e
            })?
        );
        return Ok(());
    }
    println!(
        "总体偏差/错报率上限 {:.4}%（置信水平 {}），最可能值 {:.4}%，精确度 {:.4}%",
        e.upper_bound * 100.0,
        spec.confidence,
        e.most_likely * 100.0,
        e.precision * 100.0
    );
    if let Some(c) = &e.conclusion {
        let verdict = if c == "approve" {
            "低于可容忍水平：可以接受"
        } else {
            "不低于可容忍水平：不能接受"
        };
        println!("结论：{verdict}（{c}）");
    }
    if let (Some(p), Some(u)) = (e.projected_misstatement, e.upper_bound_amount) {
        let f = |d| money::Fen::from_yuan(d).unwrap_or_default().grouped();
        println!("推断错报 {} 元；错报上限 {} 元", f(p), f(u));
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// 评价方法
    #[arg(long, value_parser = super::named::<Method>(Method::NAMES))]
    pub method: Method,
    /// 样本量（给出 --data 时取数据行数）
    #[arg(long)]
    pub n: Option<u64>,
    /// 样本中发现的偏差数（偏差类方法）
    #[arg(long)]
    pub x: Option<f64>,
    /// 错报比例（账面−审定）/账面，逗号分隔，如 --taints=-0.5,0.6
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub taints: Vec<f64>,
    /// 含账面金额与审定金额两列的 CSV（book,audit）
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// 可容忍偏差率/错报率（比率）
    #[arg(long)]
    pub materiality: Option<f64>,
    #[arg(long)]
    pub population: Option<u64>,
    /// 总体账面金额（元），给出时换算推断错报与上限金额
    #[arg(long = "book-value")]
    pub book_value: Option<rust_decimal::Decimal>,
    #[arg(long)]
    pub json: bool,
}
