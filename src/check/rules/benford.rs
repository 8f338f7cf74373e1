//! benford — 首位数字（Benford）分析.
//!
//! A population test, not one per voucher: the first digits and first two digits of every
//! 财务会计 line amount of at least 10 元, per entity, against Benford's proportions
//! log10(1 + 1/d). Reported: MAD and chi-square for both tests, Nigrini's (2012) conformity
//! band, the first-two digits most over-represented (z with continuity correction) and the
//! entries behind them. The finding is a 提示 when the first-two digits conform closely or
//! acceptably, a 疑点 otherwise; its `voucher` is null.
//!
//! Look-alikes: small populations (below `min_count`) are not tested; amounts under 10 元
//! are left out and counted. Populations that by design do not follow Benford (fixed fees, a
//! few standard amounts) show as nonconforming: the 疑点 says where to look, people judge.

use crate::check::config::fen;
use crate::check::finding::{partly_checked, Draft};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "benford",
    title: "金额首位数字分布（Benford 定律）",
    analytical: true,
    category: "日记账测试",
    looks_at: "各核算单位财务会计分录金额（不低于 10 元）的首位数字与首两位数字分布，与 Benford 分布比较：MAD、卡方、Nigrini 符合度分级、超常出现的首两位数字及其分录。",
    why: "自然形成的财务金额的首位数字近似服从 Benford 分布；人为编造、拆分或按限额凑整的金额会使某些数字超常出现，是审计准则建议的总体分析程序之一。",
    example: "首两位数字“49”“99”超常出现，对应大量 4,900–4,999 元、9,900–9,999 元的支付，可能是规避审批限额的拆分付款。",
    look_alikes: "分录太少（低于设定数量）不做；10 元以下金额剔除并说明；固定收费等本就不服从 Benford 的总体会显示为不符合，需人工判断。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    min_amount: String,
    min_count: usize,
    first_digit_bands: Vec<String>,
    first_two_bands: Vec<String>,
    z_threshold: String,
    evidence_per_digit: usize,
}

/// Digit-test statistics for one population.
#[derive(Debug, Clone)]
pub struct DigitTest {
    pub n: usize,
    pub mad: f64,
    pub chi2: f64,
    /// (digits, observed share, expected share, z) for over-represented digits, largest z first.
    pub over: Vec<(u32, f64, f64, f64)>,
}

/// Benford test of the leading `width` digits (1 or 2) of the given positive integers.
pub fn digit_test(values: &[u64], width: u32) -> DigitTest {
    let (lo, hi) = if width == 1 { (1u32, 9u32) } else { (10, 99) };
    let mut counts: BTreeMap<u32, usize> = (lo..=hi).map(|d| (d, 0)).collect();
    let mut n = 0usize;
    for &v in values {
        if let Some(d) = leading(v, width) {
            *counts.entry(d).or_default() += 1;
            n += 1;
        }
    }
    let nf = n.max(1) as f64;
    let (mut mad, mut chi2) = (0.0, 0.0);
    let mut over = Vec::new();
    for (&d, &c) in &counts {
        let e = (1.0 + 1.0 / d as f64).log10();
        let o = c as f64 / nf;
        mad += (o - e).abs();
        chi2 += (c as f64 - nf * e).powi(2) / (nf * e);
        if o > e {
            let z = ((o - e).abs() - 1.0 / (2.0 * nf)).max(0.0) / (e * (1.0 - e) / nf).sqrt();
            over.push((d, o, e, z));
        }
    }
    mad /= counts.len() as f64;
    over.sort_by(|a, b| b.3.total_cmp(&a.3));
    DigitTest { n, mad, chi2, over }
}

fn leading(v: u64, width: u32) -> Option<u32> {
    if v == 0 {
        return None;
    }
    let mut x = v;
    let limit = if width == 1 { 10 } else { 100 };
    while x >= limit {
        x /= 10;
    }
    (x >= limit / 10).then_some(x as u32)
}

fn band(mad: f64, bands: &[f64]) -> &'static str {
    if mad <= bands[0] {
        "近似符合（close）"
    } else if mad <= bands[1] {
        "可接受（acceptable）"
    } else if mad <= bands[2] {
        "勉强可接受（marginal）"
    } else {
        "不符合（nonconformity）"
    }
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let min = fen("min_amount", &p.min_amount)?;
    let parse = |v: &[String]| -> Result<Vec<f64>> {
        v.iter()
            .map(|s| {
                s.parse::<f64>()
                    .map_err(|_| anyhow::anyhow!("benford 分级界限“{s}”不是数字"))
            })
            .collect()
    };
    let (b1, b2) = (parse(&p.first_digit_bands)?, parse(&p.first_two_bands)?);
    if b1.len() != 3 || b2.len() != 3 {
        anyhow::bail!("benford 的分级界限应各有 3 个（close / acceptable / marginal）");
    }
    let zmin: f64 = p.z_threshold.parse().unwrap_or(1.96);
    let book = cx.book;
    let mut out = RuleOutcome::default();
    for entity in &book.entities {
        let mut values: Vec<(u64, usize)> = Vec::new();
        let mut excluded = 0usize;
        for i in 0..book.len() {
            if book.entity.get(i) != Some(entity.as_str()) || book.is_budget(i) {
                continue;
            }
            for a in [book.debit(i), book.credit(i)] {
                let a = a.abs();
                if a.0 == 0 {
                    continue;
                }
                if a < min {
                    excluded += 1;
                } else {
                    values.push((a.0 as u64, i));
                }
            }
        }
        if values.len() < p.min_count {
            let mut l = partly_checked(format!(
                "金额不低于 {} 元的财务会计分录只有 {} 笔，少于 {} 笔，未做首位数字分析",
                min.grouped(),
                values.len(),
                p.min_count
            ));
            l.entity = Some(entity.clone());
            out.limits.push(l);
            continue;
        }
        let raw: Vec<u64> = values.iter().map(|v| v.0).collect();
        let t1 = digit_test(&raw, 1);
        let t2 = digit_test(&raw, 2);
        let (c1, c2) = (band(t1.mad, &b1), band(t2.mad, &b2));
        let flagged: Vec<&(u32, f64, f64, f64)> =
            t2.over.iter().filter(|o| o.3 > zmin).take(3).collect();
        let mut rows: Vec<usize> = Vec::new();
        for (d, ..) in &flagged {
            let mut hits: Vec<&(u64, usize)> = values
                .iter()
                .filter(|(v, _)| leading(*v, 2) == Some(*d))
                .collect();
            hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            rows.extend(hits.iter().take(p.evidence_per_digit).map(|h| h.1));
        }
        let digits: Vec<String> = flagged
            .iter()
            .map(|(d, o, e, z)| {
                format!(
                    "“{d}” 实际 {:.2}% / 期望 {:.2}%（z = {:.2}）",
                    o * 100.0,
                    e * 100.0,
                    z
                )
            })
            .collect();
        let conforming = c2.starts_with("近似") || c2.starts_with("可接受");
        let d = Draft {
            entity: Some(entity.clone()),
            part: Some("benford".into()),
            date: Some(cx.as_of),
            summary: format!("{} 笔金额的首位数字分析", t1.n),
            explanation: format!(
                "{} 笔财务会计分录金额（不低于 {} 元；另有 {excluded} 笔低于此数未计入）：首位数字 MAD = {:.4}，卡方 = {:.2}（8 个自由度），{c1}；首两位数字 MAD = {:.5}，卡方 = {:.2}（89 个自由度），{c2}。{}",
                t1.n,
                min.grouped(),
                t1.mad,
                t1.chi2,
                t2.mad,
                t2.chi2,
                if digits.is_empty() {
                    "没有显著超常的首两位数字。".to_string()
                } else {
                    format!("超常出现的首两位数字：{}；证据列出其中金额最大的分录。", digits.join("；"))
                }
            ),
            rows,
            informational: conforming,
            ..Default::default()
        };
        out.drafts.push(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benford_population_conforms_and_a_skewed_one_does_not() {
        // Counts proportional to Benford's first-two-digit law: values d·10^k for each d.
        let mut v = Vec::new();
        for d in 10u64..=99 {
            let e = (1.0 + 1.0 / d as f64).log10();
            for k in 0..(e * 100_000.0).round() as u64 {
                v.push(d * 1000 + k % 1000);
            }
        }
        let t1 = digit_test(&v, 1);
        let t2 = digit_test(&v, 2);
        assert!(t1.mad < 0.0001 && t2.mad < 0.0001, "{} {}", t1.mad, t2.mad);
        // Hand-checkable: all values start with 9.
        let skew: Vec<u64> = (0..1000).map(|k| 9_000 + k).collect();
        let t = digit_test(&skew, 1);
        let e9 = (1.0f64 + 1.0 / 9.0).log10();
        // MAD = (|1 − p9| + Σ_{d≠9} p_d) / 9 = 2(1 − p9) / 9.
        assert!((t.mad - 2.0 * (1.0 - e9) / 9.0).abs() < 1e-12);
        // χ² = n(1 − p9)²/p9 + n Σ_{d≠9} p_d = n(1 − p9)/p9.
        assert!(
            (t.chi2 - 1000.0 * (1.0 - e9) / e9).abs() < 1e-6,
            "{}",
            t.chi2
        );
        assert_eq!(t.over[0].0, 9);
        assert_eq!(leading(123_456, 2), Some(12));
        assert_eq!(leading(5, 2), None);
    }

    /// Reproduces published figures of a public dataset: the 2010 U.S. Census populations of
    /// the 3,142 counties, with the first-digit and first-two-digit chi-square and MAD published
    /// beside the data (source and figures in the fixture's header).
    #[test]
    fn benford_reproduces_published_county_population_figures() {
        let text = include_str!("../../../tests/fixtures/benford/us-counties-2010.txt");
        let v: Vec<u64> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.parse().unwrap())
            .collect();
        assert_eq!(v.len(), 3142);
        let t1 = digit_test(&v, 1);
        let t2 = digit_test(&v, 2);
        assert_eq!((t1.n, t2.n), (3142, 3142));
        assert!((t1.chi2 - 10.631400921239274).abs() < 1e-9, "{}", t1.chi2);
        assert!((t1.mad - 0.004499874210189271).abs() < 1e-12, "{}", t1.mad);
        assert!((t2.chi2 - 83.41617609082294).abs() < 1e-9, "{}", t2.chi2);
        assert!((t2.mad - 0.0014317365523687318).abs() < 1e-12, "{}", t2.mad);
        // Nigrini's bands: both tests conform closely (first digit ≤ 0.006, two ≤ 0.0012 is
        // close; 0.00143 is acceptable).
        assert!(t1.mad <= 0.006 && t2.mad > 0.0012 && t2.mad <= 0.0018);
    }
}
