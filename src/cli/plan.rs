//! `reeval plan`: the sample size for a stated risk.

use crate::model::provenance::Provenance;
use crate::sample::plan::{plan, PlanSpec};
use crate::sample::Likelihood;
use anyhow::Result;
use clap::Args;
use serde::Serialize;

#[derive(Serialize)]
struct PlanDocument<'a> {
    provenance: Provenance,
    #[serde(flatten)]
    plan: &'a crate::sample::plan::SamplingPlan,
}

pub fn run(a: &PlanArgs) -> Result<()> {
    let spec = PlanSpec {
        likelihood: a.likelihood,
        materiality: a.materiality,
        expected: a.expected,
        confidence: a.confidence,
        population: a.population,
        book_value: a.book_value,
    };
    let p = plan(&spec)?;
    if a.json {
        let mut prov = Provenance::new("plan");
        prov.param("spec", &spec);
        println!(
            "{}",
            serde_json::to_string_pretty(&PlanDocument {
                provenance: prov,
                plan: &p
            })?
        );
        return Ok(());
    }
    println!(
        "样本量 {}（{}，置信水平 {}，可容忍偏差率 {}，预期偏差 {}）",
        p.sample_size,
        format!("{:?}", spec.likelihood).to_lowercase(),
        spec.confidence,
        spec.materiality,
        spec.expected
    );
    println!(
        "样本中可容忍的偏差数 {}；若恰好发现这些偏差，总体偏差率上限为 {:.4}%",
        p.tolerable_errors,
        p.upper_bound * 100.0
    );
    if let (Some(i), Some(m)) = (p.interval, p.materiality_amount) {
        println!(
            "货币单位抽样间距 {} 元；重要性金额 {} 元",
            crate::model::money::Fen::from_yuan(i)
                .unwrap_or_default()
                .grouped(),
            crate::model::money::Fen::from_yuan(m)
                .unwrap_or_default()
                .grouped()
        );
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// 似然分布
    #[arg(long, value_parser = super::named::<Likelihood>(Likelihood::NAMES))]
    pub likelihood: Likelihood,
    /// 可容忍偏差率/错报率（比率，如 0.05）
    #[arg(long)]
    pub materiality: f64,
    /// 预期偏差：小于 1 为比率，大于等于 1 为个数
    #[arg(long, default_value_t = 0.0)]
    pub expected: f64,
    /// 置信水平（如 0.95）
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// 总体规模（超几何分布必填）
    #[arg(long)]
    pub population: Option<u64>,
    /// 总体账面金额（元），给出时计算货币单位抽样间距
    #[arg(long = "book-value")]
    pub book_value: Option<rust_decimal::Decimal>,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}
