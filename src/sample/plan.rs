//! Planning: the sample size for a stated risk, as jfa's `planning()` (classical).
//!
//! The search never inverts a distribution: "upper bound < materiality" is tested as
//! "CDF at the materiality > confidence", which is the same statement for a continuous CDF.
//! With an expected error *rate*, the tolerated errors x = ceil(expected · n) stay constant over
//! runs of n; within a run the test only gets easier as n grows, so each run is settled by one
//! evaluation at its end and a bisection inside it. No loop up to n = 10⁶.

use super::dist::{beta_cdf, gamma_cdf, hyper_cdf};
use super::evaluate::upper_bound;
use super::Likelihood;
use crate::model::money::round2;
use anyhow::{bail, Result};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PlanSpec {
    pub likelihood: Likelihood,
    /// Tolerable deviation / misstatement rate.
    pub materiality: f64,
    /// A rate when < 1, a number of errors when ≥ 1 (as in jfa).
    pub expected: f64,
    pub confidence: f64,
    pub population: Option<u64>,
    /// Book value in 元 (for MUS: interval and materiality amount).
    pub book_value: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SamplingPlan {
    #[serde(flatten)]
    pub spec: PlanSpec,
    pub sample_size: u64,
    /// Errors the sample may contain and still support the conclusion (x).
    pub tolerable_errors: f64,
    /// The upper bound if exactly x errors are found.
    pub upper_bound: f64,
    pub precision: f64,
    /// MUS sampling interval in 元 (book value / n).
    pub interval: Option<Decimal>,
    /// Materiality in 元 (materiality · book value).
    pub materiality_amount: Option<Decimal>,
}

const MAX_N: u64 = 100_000_000;

pub fn validate(spec: &PlanSpec) -> Result<()> {
    if !(spec.confidence > 0.0 && spec.confidence < 1.0) {
        bail!(
            "置信水平 --confidence 须在 0 与 1 之间（不含），实为 {}",
            spec.confidence
        );
    }
    if !(spec.materiality > 0.0 && spec.materiality < 1.0) {
        bail!(
            "可容忍偏差率 --materiality 须在 0 与 1 之间（不含），实为 {}",
            spec.materiality
        );
    }
    if spec.expected < 0.0 || !spec.expected.is_finite() {
        bail!("预期偏差 --expected 不能为负，实为 {}", spec.expected);
    }
    if spec.expected < 1.0 && spec.expected >= spec.materiality {
        bail!(
            "预期偏差率 {} 不小于可容忍偏差率 {}：无论样本多大都无法得出结论",
            spec.expected,
            spec.materiality
        );
    }
    if spec.likelihood == Likelihood::Hypergeometric {
        match spec.population {
            None => bail!("超几何分布（hypergeometric）须给出总体规模 --population"),
            Some(0) => bail!("总体规模 --population 不能为 0"),
            _ => {}
        }
    }
    if let Some(b) = spec.book_value {
        if b <= Decimal::ZERO {
            bail!("账面金额 --book-value 须大于 0，实为 {b}");
        }
    }
    Ok(())
}

/// Tolerated errors in a sample of n (binomial and hypergeometric round the raw product up,
/// 0.035 × 400 = 14.000000000000002 → 15, as the published tables do; Poisson keeps it).
fn errors_at(spec: &PlanSpec, n: u64) -> f64 {
    let e = if spec.expected >= 1.0 {
        spec.expected
    } else {
        spec.expected * n as f64
    };
    match spec.likelihood {
        Likelihood::Poisson => e,
        _ => e.ceil(),
    }
}

/// Whether n with x errors gives an upper bound strictly below the materiality.
fn passes(spec: &PlanSpec, n: u64, x: f64) -> bool {
    if (n as f64) <= x {
        return false;
    }
    let (m, c) = (spec.materiality, spec.confidence);
    match spec.likelihood {
        Likelihood::Binomial => beta_cdf(m, 1.0 + x, n as f64 - x) > c,
        Likelihood::Poisson => gamma_cdf(m, 1.0 + x, n as f64) > c,
        Likelihood::Hypergeometric => {
            let pop = spec.population.unwrap_or(0);
            if n > pop {
                return false;
            }
            let bad = (m * pop as f64).ceil() as u64;
            hyper_cdf(x as u64, pop, bad, n) < 1.0 - c
        }
    }
}

/// First n in [lo, hi] that passes, given that passing is monotone there and hi passes.
fn first_passing(spec: &PlanSpec, mut lo: u64, mut hi: u64) -> u64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if passes(spec, mid, errors_at(spec, mid)) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

pub fn plan(spec: &PlanSpec) -> Result<SamplingPlan> {
    validate(spec)?;
    let cap = match spec.likelihood {
        Likelihood::Hypergeometric => spec.population.unwrap_or(0),
        _ => MAX_N,
    };
    let constant_x = spec.expected >= 1.0 || spec.expected == 0.0;
    let n = if constant_x || spec.likelihood == Likelihood::Poisson {
        // x fixed (or growing smoothly, Poisson): passing is monotone in n; gallop, then bisect.
        let mut lo = 1;
        let mut hi = 1;
        while !passes(spec, hi, errors_at(spec, hi)) {
            if hi >= cap {
                bail!("{}", too_large(spec, cap));
            }
            lo = hi + 1;
            hi = (hi * 2).min(cap);
        }
        first_passing(spec, lo, hi)
    } else {
        let mut n = 1u64;
        loop {
            if n > cap {
                bail!("{}", too_large(spec, cap));
            }
            let x = errors_at(spec, n);
            // The last n of this run of constant x.
            let mut end = ((x / spec.expected).floor() as u64).max(n);
            while errors_at(spec, end + 1) == x {
                end += 1;
            }
            while end > n && errors_at(spec, end) > x {
                end -= 1;
            }
            let end = end.min(cap);
            if passes(spec, end, x) {
                break first_passing(spec, n, end);
            }
            n = end + 1;
        }
    };
    let x = errors_at(spec, n);
    let ub = upper_bound(spec.likelihood, n, x, spec.confidence, spec.population);
    let interval = spec.book_value.map(|b| round2(b / Decimal::from(n)));
    let materiality_amount = spec
        .book_value
        .and_then(|b| Decimal::from_f64(spec.materiality).map(|m| round2(m * b)));
    Ok(SamplingPlan {
        spec: spec.clone(),
        sample_size: n,
        tolerable_errors: x,
        upper_bound: ub,
        precision: ub - x / n as f64,
        interval,
        materiality_amount,
    })
}

fn too_large(spec: &PlanSpec, cap: u64) -> String {
    match spec.likelihood {
        Likelihood::Hypergeometric => {
            format!("总体 {cap} 项全部抽查仍达不到要求：请降低置信水平或提高可容忍偏差率")
        }
        _ => format!("所需样本量超过 {cap}：请降低置信水平、提高可容忍偏差率或降低预期偏差"),
    }
}
