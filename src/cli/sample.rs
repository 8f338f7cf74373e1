//! `reeval sample`: load, build the population, draw, record everything needed to redraw it.

use super::LoadInputs;
use crate::load;
use crate::sample::document::{part_name, risk_from_document, SampleDocument};
use crate::sample::evaluate::Method;
use crate::sample::population::Unit;
use crate::sample::population_def::{plan_items, Definitions, DEFAULT_POPULATION};
use crate::sample::select::{select, Draw, StrataBy};
use crate::sample::spec::{spec_from, PlanRequest};
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

pub fn run(a: &SampleArgs) -> Result<()> {
    if a.unit == Unit::Assets && a.inputs.assets.is_empty() {
        bail!("抽取资产须给出固定资产明细表 --assets");
    }
    if a.unit != Unit::Assets && a.ledgers.is_empty() {
        bail!("抽取凭证或分录须给出序时账文件");
    }
    let seed = a.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    });
    let mut risk_inputs = Vec::new();
    let risk = match &a.risk {
        None => Default::default(),
        Some(path) => {
            risk_inputs.push(crate::model::provenance::sha256_file(path)?);
            risk_from_findings(path)?
        }
    };
    let spec = spec_from(PlanRequest {
        key_above: a.key_above,
        key_cover: a.key_cover,
        key_max: a.key_max,
        draw: a.method,
        n: a.n,
        seed,
        strata: a.strata,
        bands: &a.bands,
        risk_targeted: a.risk.is_some(),
        risk,
    })
    .map_err(|e| anyhow::anyhow!(e.as_flag()))?;
    let mut defs = Definitions::builtin()?;
    if let Some(path) = &a.populations {
        defs = defs.with_file(path)?;
        risk_inputs.push(crate::model::provenance::sha256_file(path)?);
    }
    if a.unit != Unit::Assets {
        defs.population(a.population.as_deref().unwrap_or(DEFAULT_POPULATION))?;
    }
    let loaded = load::load(&a.inputs.request(&a.ledgers))?;
    let (items, population) = plan_items(
        a.unit,
        a.population.as_deref(),
        &defs,
        &loaded.frames.lines,
        &loaded.frames.assets,
    )?;
    let sel = select(&items, &spec)?;
    let evaluation = match &a.audited {
        None => None,
        Some(path) => {
            let audited = crate::sample::audited::read_audited(path)?;
            risk_inputs.push(crate::model::provenance::sha256_file(path)?);
            let method = a.evaluation.unwrap_or(match a.method {
                Draw::Mus | Draw::Cell => Method::Stringer,
                _ => Method::Binomial,
            });
            Some(crate::sample::audited::evaluate_plan(
                &sel,
                &audited,
                method,
                a.confidence,
                a.materiality,
            )?)
        }
    };

    let mut out = SampleDocument::new(&loaded.report.provenance, a.unit, &spec, &sel);
    out.population_definition = population.as_ref();
    out.evaluation = evaluation.as_ref();
    out.provenance.inputs.extend(risk_inputs);
    if a.seed.is_none() {
        println!("未指定 --seed，本次使用种子 {seed}（已记录在输出中，可据此重现）");
    }
    if let Some(p) = &population {
        println!(
            "抽样总体：{}（{} 项，{} 元）；另有 {} 项、{} 元不在本总体（{}），见输出的 population_definition",
            p.name,
            p.included_count,
            p.included_value.grouped(),
            p.excluded_count,
            p.excluded_value.grouped(),
            p.classes
                .iter()
                .filter(|c| c.treatment == "excluded")
                .map(|c| format!("{} {} 项", c.name, c.count))
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    println!(
        "总体 {} 项，金额 {} 元；抽中 {} 项，金额 {} 元，覆盖 {}%（按项数 {}%）",
        sel.population_count,
        sel.population_value.grouped(),
        sel.selected_count,
        sel.selected_value.grouped(),
        sel.coverage_percent,
        sel.coverage_count_percent
    );
    for p in &sel.parts {
        println!(
            "  {}：从 {} 项（{} 元）中抽中 {} 项（{} 元）",
            part_name(&p.part),
            p.population_count,
            p.population_value.grouped(),
            p.selected_count,
            p.selected_value.grouped()
        );
        if let Some(n) = p
            .details
            .get("excluded_nonpositive_count")
            .and_then(|v| v.as_u64())
        {
            if n > 0 {
                println!("    另有 {n} 项金额为零或负数，货币单位抽样无法抽到，已排除并记录");
            }
        }
    }
    for w in &sel.warnings {
        println!("  注意：{w}");
    }
    if let Some(ev) = &evaluation {
        println!(
            "评价（{}）：已审定 {} 项统计抽样项目，已知错报 {} 元，推断错报 {} 元，错报上限 {} 元{}",
            ev.method.name(),
            ev.audited_count,
            ev.known_misstatement.grouped(),
            crate::model::money::grouped_yuan(ev.projected_misstatement),
            crate::model::money::grouped_yuan(ev.upper_misstatement),
            if ev.complete {
                String::new()
            } else {
                format!("（暂定：{} 项尚无审定金额）", ev.not_audited.len())
            }
        );
    }
    if let Some(path) = &a.json {
        let json = serde_json::to_vec_pretty(&out)?;
        super::write_report(path, &json, &out.provenance, &a.ledgers)?;
        println!("抽样结果已写入 {}", path.display());
    }
    Ok(())
}

/// [`risk_from_document`] of the findings file `--risk` names.
fn risk_from_findings(
    path: &std::path::Path,
) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let text = crate::model::provenance::read_input_text(path)
        .map_err(|e| anyhow::anyhow!("无法读取疑点文件 {}：{e}", path.display()))?;
    risk_from_document(&text).map_err(|e| {
        anyhow::anyhow!(
            "疑点文件 {} 不是 reeval check 的 JSON（需要 findings 数组）：{e}",
            path.display()
        )
    })
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    /// 序时账 / 凭证明细文件（抽资产时可不给）
    #[arg(value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: LoadInputs,
    /// 抽样单元：凭证、分录或资产
    #[arg(long, default_value = "vouchers", value_parser = super::named::<Unit>(Unit::NAMES))]
    pub unit: Unit,
    /// 重点项目：金额不低于此数（元）的全部抽取
    #[arg(long = "key-above", value_name = "元")]
    pub key_above: Option<rust_decimal::Decimal>,
    /// 重点项目：按金额从大到小抽取，直至覆盖总额的此比例（如 0.9）
    #[arg(long = "key-cover", value_name = "SHARE")]
    pub key_cover: Option<f64>,
    /// 按覆盖比例抽取的重点项目至多此数（从大到小）
    #[arg(long = "key-max", value_name = "N")]
    pub key_max: Option<usize>,
    /// 风险导向：抽取 reeval check 疑点（JSON）涉及的全部凭证/资产，并列明原因
    #[arg(long = "risk", value_name = "FINDINGS.json")]
    pub risk: Option<PathBuf>,
    /// 抽样总体（凭证、分录）：data/sampling/populations.toml 中的名称，如 expenditure（默认，支出凭证）、
    /// income、payroll、all（全部凭证；分录默认 all）
    #[arg(long, value_name = "NAME")]
    pub population: Option<String>,
    /// 抽样总体定义文件（与 data/sampling/populations.toml 同格式，覆盖或补充内置定义）
    #[arg(long, value_name = "FILE.toml")]
    pub populations: Option<PathBuf>,
    /// 对其余项目的抽样方法
    #[arg(long, default_value = "none", value_parser = super::named::<Draw>(Draw::NAMES))]
    pub method: Draw,
    /// 其余项目的样本量
    #[arg(long, default_value_t = 0)]
    pub n: u64,
    /// 分层依据：amount（金额区间，见 --bands）或 class（经济分类/资产分类）
    #[arg(long, default_value = "amount", value_parser = super::named::<StrataBy>(StrataBy::NAMES))]
    pub strata: StrataBy,
    /// 金额分层的区间上限（元），逗号分隔
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    pub bands: Vec<rust_decimal::Decimal>,
    /// 审定金额表（CSV：编号, 审定金额）：据以评价样本，结果写入输出的 evaluation
    #[arg(long, value_name = "FILE.csv")]
    pub audited: Option<PathBuf>,
    /// 评价方法（默认：mus/cell 为 stringer，其余 binomial）
    #[arg(long, value_parser = super::named::<Method>(Method::NAMES))]
    pub evaluation: Option<Method>,
    /// 评价的置信水平
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// 评价的可容忍错报率（给出则得出结论 approve / reject）
    #[arg(long, value_name = "RATE")]
    pub materiality: Option<f64>,
    /// 随机种子（记录在输出中；不给则取当前时间并记录）
    #[arg(long)]
    pub seed: Option<u64>,
    /// 把抽样结果写成 JSON
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,
}
