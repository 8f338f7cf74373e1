//! A sampling plan as given (flags or engagement.toml) → the checked selection spec.

use crate::model::money::Fen;
use crate::sample::select::{Draw, SelectSpec, Strata, StrataBy};
use anyhow::{bail, Result};

fn fen(d: rust_decimal::Decimal, what: &str) -> Result<Fen> {
    Fen::from_yuan(d).ok_or_else(|| anyhow::anyhow!("{what} 金额超出范围：{d}"))
}

/// A sampling plan as given — by `reeval sample`'s flags or an engagement's
/// `[[sampling.plans]]` — before it is checked.
pub struct PlanRequest<'a> {
    pub key_above: Option<rust_decimal::Decimal>,
    pub key_cover: Option<f64>,
    pub key_max: Option<usize>,
    pub draw: Draw,
    pub n: u64,
    pub seed: u64,
    pub strata: StrataBy,
    pub bands: &'a [rust_decimal::Decimal],
    pub risk_targeted: bool,
    pub risk: std::collections::BTreeMap<String, Vec<String>>,
}

/// The checked selection spec: amounts in 分, strata known, bands ascending, a coverage share
/// in (0, 1]. What depends on the data (n larger than the population, nothing left to draw,
/// no way to select at all) is not an error here: `select` draws what it can and says so.
pub fn spec_from(p: PlanRequest) -> Result<SelectSpec> {
    let strata = match p.strata {
        StrataBy::Amount => {
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
            if bands.is_empty() && p.draw == Draw::Stratified {
                bail!("按金额分层（strata = amount）须给出分层区间 bands，如 bands = [\"1000\", \"10000\"]");
            }
            Strata::Amount(bands)
        }
        StrataBy::Class => Strata::Class,
    };
    if let Some(share) = p.key_cover {
        if !(share > 0.0 && share <= 1.0) {
            bail!("覆盖比例 key-cover 须大于 0 且不超过 1，实为 {share}");
        }
    }
    if p.key_max.is_some() && p.key_cover.is_none() {
        bail!("重点项目个数上限 key_max 只与覆盖比例 key_cover 一起使用");
    }
    if p.key_max == Some(0) {
        bail!("重点项目个数上限 key_max 须大于 0");
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
        key_max: p.key_max,
        draw: p.draw,
        n: p.n,
        seed: p.seed,
        strata,
        risk: p.risk,
    })
}
