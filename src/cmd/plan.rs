//! `reeval plan`: the sample size for a stated risk.

use crate::cli::PlanArgs;
use crate::provenance::Provenance;
use crate::sampling::plan::{plan, PlanSpec};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    provenance: Provenance,
    #[serde(flatten)]
    plan: &'a crate::sampling::plan::Plan,
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
            serde_json::to_string_pretty(&Output {
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
            crate::money::Fen::from_yuan(i)
                .unwrap_or_default()
                .grouped(),
            crate::money::Fen::from_yuan(m)
                .unwrap_or_default()
                .grouped()
        );
    }
    Ok(())
}
