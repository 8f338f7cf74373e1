//! `reeval sample`: load, build the population, draw, record everything needed to redraw it.

use crate::cli::SampleArgs;
use crate::load;
use crate::money::Fen;
use crate::provenance::Provenance;
use crate::sampling::population::{self, Unit};
use crate::sampling::select::{select, SelectSpec, Selection, Strata};
use anyhow::{bail, Result};
use serde::Serialize;

#[derive(Serialize)]
pub struct Output<'a> {
    pub provenance: Provenance,
    pub unit: Unit,
    /// The stream the draw used; see src/sampling/stream.rs.
    pub random_stream: &'static str,
    pub spec: &'a SelectSpec,
    #[serde(flatten)]
    pub selection: &'a Selection,
}

impl<'a> Output<'a> {
    /// The sample document: the load's provenance as the base, with this draw's command,
    /// seed, unit and spec recorded.
    pub fn new(
        load: &Provenance,
        unit: Unit,
        spec: &'a SelectSpec,
        selection: &'a Selection,
    ) -> Output<'a> {
        let mut provenance = load.clone();
        provenance.command = "sample".into();
        provenance.seed = Some(spec.seed);
        provenance.param("unit", unit);
        provenance.param("spec", spec);
        Output {
            provenance,
            unit,
            random_stream: RANDOM_STREAM,
            spec,
            selection,
        }
    }
}

pub const RANDOM_STREAM: &str = "ChaCha20 (RFC 8439 keystream, key = seed as u64 LE + 24 zero bytes, nonce 0), u64 little-endian, rejection sampling for ranges";

fn fen(d: rust_decimal::Decimal, what: &str) -> Result<Fen> {
    Fen::from_yuan(d).ok_or_else(|| anyhow::anyhow!("{what} 金额超出范围：{d}"))
}

/// A sampling plan as given — by `reeval sample`'s flags or an engagement's
/// `[[sampling.plans]]` — before it is checked.
pub struct Plan<'a> {
    pub key_above: Option<rust_decimal::Decimal>,
    pub key_cover: Option<f64>,
    pub draw: crate::sampling::select::Draw,
    pub n: u64,
    pub seed: u64,
    /// amount or class.
    pub strata: &'a str,
    pub bands: &'a [rust_decimal::Decimal],
    pub risk_targeted: bool,
    pub risk: std::collections::BTreeMap<String, Vec<String>>,
}

/// The checked selection spec: amounts in 分, strata known, bands ascending, a coverage share
/// in (0, 1]. What depends on the data (n larger than the population, nothing left to draw,
/// no way to select at all) is not an error here: `select` draws what it can and says so.
pub fn spec_from(p: Plan) -> Result<SelectSpec> {
    let strata = match p.strata {
        "amount" => {
            let bands: Vec<Fen> = p
                .bands
                .iter()
                .map(|b| fen(*b, "分层区间 bands"))
                .collect::<Result<_>>()?;
            // Each band is labelled by its neighbours: unsorted or repeated bounds would put
            // items under the wrong label.
            if let Some(w) = bands.windows(2).find(|w| w[0] >= w[1]) {
                bail!(
                    "分层区间 bands 须从小到大排列且不重复，而 {} 之后是 {}（实为 {}）",
                    w[0].grouped(),
                    w[1].grouped(),
                    p.bands
                        .iter()
                        .map(|b| b.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                );
            }
            if let Some(b) = bands.iter().find(|b| b.0 <= 0) {
                bail!("分层区间 bands 须为正金额，实为 {}", b.grouped());
            }
            if bands.is_empty() && p.draw == crate::sampling::select::Draw::Stratified {
                bail!("按金额分层（strata = amount）须给出分层区间 bands，如 bands = [\"1000\", \"10000\"]");
            }
            Strata::Amount(bands)
        }
        "class" => Strata::Class,
        other => bail!("分层依据 strata 应为 amount 或 class，实为 “{other}”"),
    };
    if let Some(share) = p.key_cover {
        if !(share > 0.0 && share <= 1.0) {
            bail!("覆盖比例 key-cover 须大于 0 且不超过 1，实为 {share}");
        }
    }
    if let Some(k) = p.key_above {
        if k <= rust_decimal::Decimal::ZERO {
            bail!("重点项目 key-above 须为正金额，实为 {k}");
        }
    }
    Ok(SelectSpec {
        key_above: p
            .key_above
            .map(|d| fen(d, "重点项目 key-above"))
            .transpose()?,
        key_cover: p.key_cover,
        draw: p.draw,
        n: p.n,
        seed: p.seed,
        strata,
        risk: p.risk,
    })
}

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
            risk_inputs.push(crate::provenance::sha256_file(path)?);
            risk_from_findings(path)?
        }
    };
    let spec = spec_from(Plan {
        key_above: a.key_above,
        key_cover: a.key_cover,
        draw: a.method,
        n: a.n,
        seed,
        strata: &a.strata,
        bands: &a.bands,
        risk_targeted: a.risk.is_some(),
        risk,
    })?;
    let loaded = load::load(&a.inputs.request(&a.ledgers))?;
    let items = population::from_frames(a.unit, &loaded.frames.lines, &loaded.frames.assets)?;
    let sel = select(&items, &spec)?;

    let mut out = Output::new(&loaded.report.provenance, a.unit, &spec, &sel);
    out.provenance.inputs.extend(risk_inputs);
    if a.seed.is_none() {
        println!("未指定 --seed，本次使用种子 {seed}（已记录在输出中，可据此重现）");
    }
    println!(
        "总体 {} 项，金额 {} 元；抽中 {} 项，金额 {} 元，覆盖 {}%",
        sel.population_count,
        sel.population_value.grouped(),
        sel.selected_count,
        sel.selected_value.grouped(),
        sel.coverage_percent
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
    if let Some(path) = &a.json {
        let json = serde_json::to_vec_pretty(&out)?;
        super::write_report(path, &json, &out.provenance, &a.ledgers)?;
        println!("抽样结果已写入 {}", path.display());
    }
    Ok(())
}

/// Flagged vouchers (or assets) and their reasons from a findings document: `{"findings":
/// [{rule, category, voucher, status, …}]}`; 排除 findings and population-level findings
/// (no voucher) are not sampling targets.
fn risk_from_findings(
    path: &std::path::Path,
) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let text = crate::provenance::read_input_text(path)
        .map_err(|e| anyhow::anyhow!("无法读取疑点文件 {}：{e}", path.display()))?;
    risk_from_document(&text).map_err(|e| {
        anyhow::anyhow!(
            "疑点文件 {} 不是 reeval check 的 JSON（需要 findings 数组）：{e}",
            path.display()
        )
    })
}

/// The same, from the findings document's text.
pub fn risk_from_document(text: &str) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    #[derive(serde::Deserialize)]
    struct F {
        rule: String,
        #[serde(default)]
        category: String,
        #[serde(default)]
        entity: Option<String>,
        #[serde(default)]
        voucher: Option<String>,
        #[serde(default)]
        asset: Option<String>,
        #[serde(default)]
        status: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Doc {
        findings: Vec<F>,
    }
    let doc: Doc = serde_json::from_str(text)?;
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in doc.findings {
        if f.status.as_deref() == Some("排除") {
            continue;
        }
        // Vouchers are keyed as the population names them (`局机关 2023-03 记-19`); a document
        // that already writes the entity into `voucher` is read as it is.
        let key = match (&f.entity, f.voucher, f.asset) {
            (Some(e), Some(v), _) if !v.starts_with(e.as_str()) => Some(format!("{e} {v}")),
            (_, Some(v), _) => Some(v),
            (_, None, Some(a)) => Some(a),
            _ => None,
        };
        if let Some(v) = key {
            let reason = if f.category.is_empty() {
                f.rule
            } else {
                format!("{}（{}）", f.category, f.rule)
            };
            let e = out.entry(v).or_default();
            if !e.contains(&reason) {
                e.push(reason);
            }
        }
    }
    Ok(out)
}

pub fn part_name(p: &str) -> &str {
    match p {
        "key" => "重点项目",
        "risk" => "风险导向（疑点凭证）",
        "random" => "简单随机抽样",
        "systematic" => "系统抽样",
        "mus" => "货币单位抽样（固定间距）",
        "cell" => "货币单位抽样（单元）",
        "stratified" => "分层随机抽样",
        other => other,
    }
}
