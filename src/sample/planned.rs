//! A plan's sample size: derived from its stated risk (materiality, confidence, expected error,
//! likelihood) by the code of `reeval plan`, or typed as `n` — and recorded as which.

use super::plan::{plan, PlanSpec, SamplingPlan};
use super::select::Draw;
use super::Likelihood;
use crate::model::money::Fen;
use anyhow::{bail, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// What a plan states about its size.
#[derive(Debug, Clone, Default)]
pub struct SizeRequest {
    pub n: u64,
    pub materiality: Option<f64>,
    pub materiality_amount: Option<Decimal>,
    pub confidence: Option<f64>,
    pub expected: Option<f64>,
    pub likelihood: Option<Likelihood>,
}

impl SizeRequest {
    pub fn is_planned(&self) -> bool {
        self.materiality.is_some() || self.materiality_amount.is_some()
    }

    /// Settings that contradict each other, whatever the data.
    pub fn check(&self) -> Result<()> {
        if self.materiality.is_some() && self.materiality_amount.is_some() {
            bail!("materiality（比例）与 materiality_amount（金额）只能给出一个");
        }
        if self.is_planned() && self.n > 0 {
            bail!(
                "已给出可容忍错报（materiality），样本量由计划推算，不应再写 n = {}；如需指定样本量，请删去 materiality",
                self.n
            );
        }
        if !self.is_planned()
            && (self.confidence.is_some() || self.expected.is_some() || self.likelihood.is_some())
        {
            bail!("给出了 confidence / expected / likelihood，却没有可容忍错报 materiality 或 materiality_amount：无法推算样本量");
        }
        if let Some(a) = self.materiality_amount {
            if a <= Decimal::ZERO {
                bail!("可容忍错报金额 materiality_amount 须大于 0，实为 {a}");
            }
        }
        Ok(())
    }
}

/// The size a plan draws, and where it came from (sample.json `sample_size`).
#[derive(Debug, Clone, Serialize)]
pub struct PlannedSize {
    /// `planned` (derived from the plan's parameters) or `typed` (n as written).
    pub source: &'static str,
    pub n: u64,
    /// The planning, as `reeval plan --json` gives it (planned sizes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<SamplingPlan>,
}

/// The sample size for the draw from `count` items worth `value` (the remainder after key and
/// risk items; for MUS its positive amounts). MUS plans on Poisson unless told otherwise.
pub fn size(req: &SizeRequest, draw: Draw, count: usize, value: Fen) -> Result<PlannedSize> {
    req.check()?;
    if !req.is_planned() {
        return Ok(PlannedSize {
            source: "typed",
            n: req.n,
            plan: None,
        });
    }
    let book = value.to_yuan();
    let materiality = match (req.materiality, req.materiality_amount) {
        (Some(m), _) => m,
        (None, Some(a)) => {
            if book <= Decimal::ZERO {
                bail!("总体金额为零，无法把可容忍错报金额 {a} 元换算为比例");
            }
            (a / book).to_f64().unwrap_or(1.0)
        }
        (None, None) => unreachable!("is_planned"),
    };
    if materiality >= 1.0 {
        bail!(
            "可容忍错报金额 {} 元不小于总体金额 {} 元：无需抽样即可得出结论，请核对",
            req.materiality_amount.unwrap_or_default(),
            value.grouped()
        );
    }
    let mus = matches!(draw, Draw::Mus | Draw::Cell);
    let likelihood = req.likelihood.unwrap_or(if mus {
        Likelihood::Poisson
    } else {
        Likelihood::Binomial
    });
    let p = plan(&PlanSpec {
        likelihood,
        materiality,
        expected: req.expected.unwrap_or(0.0),
        confidence: req.confidence.unwrap_or(0.95),
        population: Some(count as u64),
        book_value: (book > Decimal::ZERO).then_some(book),
    })?;
    Ok(PlannedSize {
        source: "planned",
        n: p.sample_size,
        plan: Some(p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planned_size_is_reeval_plans_and_a_typed_one_is_marked() {
        let req = SizeRequest {
            materiality: Some(0.05),
            ..Default::default()
        };
        // Poisson, 95 %, 5 %, no expected error: 60 (AICPA Table C-1), as `reeval plan`.
        let s = size(&req, Draw::Mus, 1000, Fen(100_000_000)).unwrap();
        assert_eq!((s.source, s.n), ("planned", 60));
        // Binomial for a random draw: 59.
        let s = size(&req, Draw::Random, 1000, Fen(100_000_000)).unwrap();
        assert_eq!((s.source, s.n), ("planned", 59));
        // In 元: 50,000 of 1,000,000 is the same 5 %.
        let amt = SizeRequest {
            materiality_amount: Some(Decimal::from(50_000)),
            ..Default::default()
        };
        assert_eq!(size(&amt, Draw::Mus, 10, Fen(100_000_000)).unwrap().n, 60);
        let typed = SizeRequest {
            n: 25,
            ..Default::default()
        };
        let s = size(&typed, Draw::Random, 1000, Fen(1)).unwrap();
        assert_eq!((s.source, s.n), ("typed", 25));
        assert!(s.plan.is_none());
    }

    #[test]
    fn contradictory_size_settings_are_refused() {
        for (req, says) in [
            (
                SizeRequest {
                    n: 60,
                    materiality: Some(0.05),
                    ..Default::default()
                },
                "不应再写 n",
            ),
            (
                SizeRequest {
                    confidence: Some(0.9),
                    ..Default::default()
                },
                "没有可容忍错报",
            ),
            (
                SizeRequest {
                    materiality: Some(0.05),
                    materiality_amount: Some(Decimal::ONE),
                    ..Default::default()
                },
                "只能给出一个",
            ),
        ] {
            let e = size(&req, Draw::Mus, 10, Fen(1000))
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{e}");
        }
        let big = SizeRequest {
            materiality_amount: Some(Decimal::from(20)),
            ..Default::default()
        };
        let e = size(&big, Draw::Mus, 10, Fen(1000))
            .unwrap_err()
            .to_string();
        assert!(e.contains("不小于总体金额"), "{e}");
    }
}
