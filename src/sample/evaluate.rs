//! Evaluation: the upper bound on the population's error rate from a sample, as jfa's
//! `evaluation()` on summary statistics (deviations) or taints (misstatements, Stringer family).

use super::dist::{beta_quantile, gamma_quantile, hyper_max_errors, normal_quantile};
use super::Likelihood;
use anyhow::{bail, Result};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    #[serde(rename = "binomial")]
    Binomial,
    #[serde(rename = "poisson")]
    Poisson,
    #[serde(rename = "hypergeometric")]
    Hypergeometric,
    /// Stringer bound on binomial upper limits (jfa's `stringer`).
    #[serde(rename = "stringer")]
    Stringer,
    #[serde(rename = "stringer.binomial")]
    StringerBinomial,
    #[serde(rename = "stringer.poisson")]
    StringerPoisson,
    #[serde(rename = "stringer.hypergeometric")]
    StringerHypergeometric,
    /// Stringer with Meikle's adjustment for understatements.
    #[serde(rename = "stringer.meikle")]
    StringerMeikle,
    /// Stringer with the LTA adjustment for understatements.
    #[serde(rename = "stringer.lta")]
    StringerLta,
    /// Stringer with the Pap and van Zuijlen adjustment.
    #[serde(rename = "stringer.pvz")]
    StringerPvz,
}

super::named!(Method {
    Binomial = "binomial",
    Poisson = "poisson",
    Hypergeometric = "hypergeometric",
    Stringer = "stringer",
    StringerBinomial = "stringer.binomial",
    StringerPoisson = "stringer.poisson",
    StringerHypergeometric = "stringer.hypergeometric",
    StringerMeikle = "stringer.meikle",
    StringerLta = "stringer.lta",
    StringerPvz = "stringer.pvz",
});

impl Method {
    fn is_stringer(self) -> bool {
        !matches!(
            self,
            Method::Binomial | Method::Poisson | Method::Hypergeometric
        )
    }
    /// The likelihood whose upper limits the method uses.
    fn base(self) -> Likelihood {
        match self {
            Method::Poisson | Method::StringerPoisson => Likelihood::Poisson,
            Method::Hypergeometric | Method::StringerHypergeometric => Likelihood::Hypergeometric,
            _ => Likelihood::Binomial,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalSpec {
    pub method: Method,
    pub n: u64,
    /// Deviations found (deviation methods).
    pub x: Option<f64>,
    /// Taints (book − audit) / book of the misstated items (Stringer methods).
    pub taints: Vec<f64>,
    pub confidence: f64,
    pub materiality: Option<f64>,
    pub population: Option<u64>,
    pub book_value: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    #[serde(flatten)]
    pub spec: EvalSpec,
    pub upper_bound: f64,
    pub most_likely: f64,
    pub precision: f64,
    /// `approve` when the upper bound is below the materiality, else `reject`.
    pub conclusion: Option<String>,
    /// Most likely misstatement × book value, in 元.
    pub projected_misstatement: Option<Decimal>,
    /// Upper bound × book value, in 元.
    pub upper_bound_amount: Option<Decimal>,
}

/// The one-sided upper bound for x errors in n at confidence c.
pub fn upper_bound(lik: Likelihood, n: u64, x: f64, c: f64, population: Option<u64>) -> f64 {
    match lik {
        Likelihood::Binomial if x >= n as f64 => 1.0,
        Likelihood::Binomial => beta_quantile(c, 1.0 + x, n as f64 - x),
        Likelihood::Poisson => gamma_quantile(c, 1.0 + x, n as f64),
        Likelihood::Hypergeometric => {
            let pop = population.unwrap_or(n);
            hyper_max_errors(x.ceil() as u64, pop, n, c) as f64 / pop as f64
        }
    }
}

pub fn validate(s: &EvalSpec) -> Result<()> {
    if !(s.confidence > 0.0 && s.confidence < 1.0) {
        bail!(
            "置信水平 --confidence 须在 0 与 1 之间（不含），实为 {}",
            s.confidence
        );
    }
    if s.n == 0 {
        bail!("样本量 --n 须大于 0");
    }
    if let Some(m) = s.materiality {
        if !(m > 0.0 && m < 1.0) {
            bail!("可容忍偏差率 --materiality 须在 0 与 1 之间（不含），实为 {m}");
        }
    }
    if s.method.base() == Likelihood::Hypergeometric {
        match s.population {
            None => bail!("超几何分布须给出总体规模 --population"),
            Some(p) if p < s.n => bail!("总体规模 {p} 小于样本量 {}", s.n),
            _ => {}
        }
    }
    if s.method.is_stringer() {
        if s.taints.len() as u64 > s.n {
            bail!("错报项数 {} 超过样本量 {}", s.taints.len(), s.n);
        }
        if let Some(t) = s.taints.iter().find(|t| !t.is_finite()) {
            bail!("错报比例不是有效数：{t}");
        }
        // A taint is (book − audit) / book: 1 is a wholly overstated item, −1 an item whose
        // audit value is twice its book value. Outside that it is a typo (50 for 0.5) or a
        // sign error, and the bound would be wrong without a word.
        if let Some((i, t)) = s
            .taints
            .iter()
            .enumerate()
            .find(|(_, t)| !(-1.0..=1.0).contains(*t))
        {
            bail!(
                "第 {} 个错报比例为 {t}，超出 [−1, 1]：错报比例 =（账面金额 − 审定金额）÷ 账面金额",
                i + 1
            );
        }
    } else {
        match s.x {
            None => bail!("须给出样本中发现的偏差数 --x"),
            Some(x) if x < 0.0 || x > s.n as f64 => {
                bail!("偏差数 --x 须在 0 与样本量 {} 之间，实为 {x}", s.n)
            }
            Some(x) if s.method == Method::Hypergeometric && x.fract() != 0.0 => {
                bail!("超几何分布的偏差数须为整数，实为 {x}")
            }
            _ => {}
        }
    }
    Ok(())
}

pub fn evaluate(s: &EvalSpec) -> Result<Evaluation> {
    validate(s)?;
    let (c, n, nf) = (s.confidence, s.n, s.n as f64);
    let ub = |k: f64| upper_bound(s.method.base(), n, k, c, s.population);
    let (bound, mle) = if s.method.is_stringer() {
        // Taints are within [−1, 1] (`validate`).
        let t: Vec<f64> = s.taints.clone();
        let mut over: Vec<f64> = t.iter().copied().filter(|t| *t > 0.0).collect();
        over.sort_by(|a, b| b.total_cmp(a));
        let mut bound = ub(0.0);
        for (i, ti) in over.iter().enumerate() {
            bound += (ub(i as f64 + 1.0) - ub(i as f64)) * ti;
        }
        let mut under: Vec<f64> = t.iter().copied().filter(|t| *t < 0.0).collect();
        under.sort_by(|a, b| a.total_cmp(b)); // most negative first
        match s.method {
            Method::StringerMeikle if !under.is_empty() => {
                bound -= beta_quantile(c, 2.0, nf - 1.0) * under[0].abs();
                // jfa adds the further understatements only when there are more than two.
                if under.len() > 2 {
                    for (i, u) in under.iter().enumerate().skip(1) {
                        let k = i as f64 + 1.0;
                        bound -= (beta_quantile(c, k + 1.0, nf - 1.0)
                            - beta_quantile(c, k, nf - 1.0))
                            * u.abs();
                    }
                }
            }
            Method::StringerLta => {
                bound -= under.iter().map(|u| u.abs()).sum::<f64>() / nf;
            }
            Method::StringerPvz => {
                let c0: f64 = over
                    .iter()
                    .enumerate()
                    .map(|(i, ti)| {
                        let i = i as f64 + 1.0;
                        (nf - 2.0 * i + 1.0) / (2.0 * (i * (nf - i + 1.0)).sqrt()) * ti
                    })
                    .sum::<f64>()
                    / nf;
                // σ² over the k positive taints only, around their own mean, divided by n
                // (jfa's R/methods.R; understatements count as zero and drop out).
                let k = over.len().max(1) as f64;
                let mean = over.iter().sum::<f64>() / k;
                let ss: f64 = over.iter().map(|v| (v - mean).powi(2)).sum();
                let sigma = (ss / nf).sqrt();
                bound -= (c0 - sigma) / nf.sqrt() * normal_quantile(c);
            }
            _ => {}
        }
        (bound, t.iter().sum::<f64>() / nf)
    } else {
        let x = s.x.unwrap_or(0.0);
        (ub(x), x / nf)
    };
    let conclusion = s
        .materiality
        .map(|m| if bound < m { "approve" } else { "reject" }.to_string());
    let amount = |rate: f64| {
        s.book_value
            .and_then(|b| Decimal::from_f64(rate).map(|r| crate::model::money::round2(r * b)))
    };
    Ok(Evaluation {
        spec: s.clone(),
        upper_bound: bound,
        most_likely: mle,
        precision: bound - mle,
        conclusion,
        projected_misstatement: amount(mle),
        upper_bound_amount: amount(bound),
    })
}
