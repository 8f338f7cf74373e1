//! Risk ranking: every voucher scored by the weights (`[risk]` in data/rules.toml) of the rules
//! that fired on it, for risk-based sampling.

use super::config::Config;
use super::REGISTRY;
use crate::model::findings::{Finding, Kind, Status};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// One voucher's risk score: the weights of every rule that fired on it, with the reasons.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Risk {
    pub entity: String,
    pub voucher: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub score: rust_decimal::Decimal,
    /// `rule：title`, in registry order.
    pub reasons: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskWeights {
    default: String,
    informational: String,
    #[serde(default)]
    weights: std::collections::BTreeMap<String, String>,
}

/// Rank vouchers by the weights of the rules that fired on them (highest first, then by
/// entity and voucher, so the order is stable).
pub fn rank(findings: &[Finding], config: &Config) -> Result<Vec<Risk>> {
    use rust_decimal::Decimal;
    let w: RiskWeights = match config.raw("risk") {
        Some(v) => v
            .clone()
            .try_into()
            .map_err(|e| anyhow::anyhow!("规则配置 [risk] 有误：{e}"))?,
        None => RiskWeights {
            default: "1".into(),
            informational: "0".into(),
            weights: Default::default(),
        },
    };
    let num = |s: &str, what: &str| -> Result<Decimal> {
        s.parse()
            .map_err(|_| anyhow::anyhow!("[risk] {what} 应为数字，而不是“{s}”"))
    };
    let default = num(&w.default, "default")?;
    let info = num(&w.informational, "informational")?;
    // (entity, voucher) → (score, [(registry position, reason)])
    type Tally = (Decimal, Vec<(usize, String)>);
    let mut by: std::collections::BTreeMap<(String, String), Tally> = Default::default();
    for f in findings {
        let (Some(e), Some(v)) = (&f.entity, &f.voucher) else {
            continue;
        };
        if f.status == Status::Excluded {
            continue;
        }
        let weight = if f.kind == Kind::Informational {
            info
        } else {
            match w.weights.get(&f.rule) {
                Some(x) => num(x, &f.rule)?,
                None => default,
            }
        };
        let entry = by.entry((e.clone(), v.clone())).or_default();
        let order = REGISTRY
            .iter()
            .position(|(d, _)| d.id == f.rule)
            .unwrap_or(usize::MAX);
        let reason = format!("{}：{}", f.rule, f.title);
        if !entry.1.iter().any(|(_, r)| *r == reason) {
            entry.0 += weight;
            entry.1.push((order, reason));
        }
    }
    let mut out: Vec<Risk> = by
        .into_iter()
        .filter(|(_, (score, _))| *score > Decimal::ZERO)
        .map(|((entity, voucher), (score, mut reasons))| {
            reasons.sort();
            Risk {
                entity,
                voucher,
                score: score.normalize(),
                reasons: reasons.into_iter().map(|(_, r)| r).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| (&a.entity, &a.voucher).cmp(&(&b.entity, &b.voucher)))
    });
    Ok(out)
}
