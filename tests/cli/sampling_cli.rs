//! `reeval plan` / `reeval evaluate` as scripts use them, and the Stringer family.

use crate::common::*;
use reeval::sample::dist::gamma_quantile;
use reeval::sample::evaluate::{evaluate, EvalSpec, Method};

fn json(args: &[&str]) -> serde_json::Value {
    let out = bin().args(args).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn plan_json_echoes_parameters_and_gives_the_mus_interval() {
    let v = json(&[
        "plan",
        "--likelihood",
        "binomial",
        "--materiality",
        "0.05",
        "--expected",
        "0.01",
        "--confidence",
        "0.95",
        "--book-value",
        "16794706.80",
    ]);
    // AICPA Table A-1: tolerable 5%, expected 1% → 93.
    assert_eq!(v["sample_size"], 93);
    assert_eq!(v["tolerable_errors"], 1.0);
    assert_eq!(v["likelihood"], "binomial");
    assert_eq!(v["materiality"], 0.05);
    assert_eq!(v["expected"], 0.01);
    assert_eq!(v["confidence"], 0.95);
    assert_eq!(v["interval"], "180588.25"); // 16,794,706.80 / 93, half up
    assert_eq!(v["materiality_amount"], "839735.34");
    assert_eq!(v["provenance"]["command"], "plan");
    // expected ≥ 1 is a number of errors
    let v = json(&[
        "plan",
        "--likelihood",
        "binomial",
        "--materiality",
        "0.05",
        "--expected",
        "2",
    ]);
    assert_eq!(v["tolerable_errors"], 2.0);
    assert_eq!(v["sample_size"], 124); // the smallest n with qbeta(0.95, 3, n − 2) < 0.05
}

#[test]
fn bad_parameters_exit_non_zero_with_a_sentence() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "plan",
                "--likelihood",
                "binomial",
                "--materiality",
                "0.05",
                "--confidence",
                "1.2",
            ],
            "置信水平",
        ),
        (
            &[
                "plan",
                "--likelihood",
                "binomial",
                "--materiality",
                "0.05",
                "--expected",
                "0.05",
            ],
            "不小于可容忍偏差率",
        ),
        (
            &[
                "plan",
                "--likelihood",
                "hypergeometric",
                "--materiality",
                "0.05",
            ],
            "--population",
        ),
        (
            &[
                "plan",
                "--likelihood",
                "hypergeometric",
                "--materiality",
                "0.05",
                "--population",
                "0",
            ],
            "不能为 0",
        ),
        (
            &["evaluate", "--method", "binomial", "--n", "0", "--x", "0"],
            "样本量",
        ),
        (
            &["evaluate", "--method", "binomial", "--n", "10", "--x", "11"],
            "偏差数",
        ),
        (
            &[
                "evaluate",
                "--method",
                "hypergeometric",
                "--n",
                "10",
                "--x",
                "1",
            ],
            "--population",
        ),
        (
            &[
                "evaluate",
                "--method",
                "stringer",
                "--n",
                "2",
                "--taints",
                "0.1,0.2,0.3",
            ],
            "超过样本量",
        ),
    ];
    for (args, needle) in cases {
        let out = bin().args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn evaluate_deviations_matches_table_a3() {
    // AICPA Table A-3: n = 60, 1 deviation, 95% → 7.7% (printed rounded up to 0.1%).
    let v = json(&[
        "evaluate",
        "--method",
        "binomial",
        "--n",
        "60",
        "--x",
        "1",
        "--confidence",
        "0.95",
        "--materiality",
        "0.05",
    ]);
    let ub = v["upper_bound"].as_f64().unwrap();
    assert_eq!((ub * 1000.0).ceil() / 10.0, 7.7);
    assert_eq!(v["conclusion"], "reject");
    assert!((v["most_likely"].as_f64().unwrap() - 1.0 / 60.0).abs() < 1e-15);
}

#[test]
fn poisson_confidence_factors_are_the_published_ones() {
    // AICPA Audit Sampling Guide, MUS confidence factors at 95% for 0–10 misstatements
    // (Poisson upper limits, printed rounded up to two decimals).
    let published = [
        3.00, 4.75, 6.30, 7.76, 9.16, 10.52, 11.85, 13.15, 14.44, 15.71, 16.97,
    ];
    for (k, want) in published.iter().enumerate() {
        let f = gamma_quantile(0.95, 1.0 + k as f64, 1.0);
        assert_eq!((f * 100.0).ceil() / 100.0, *want, "{k} misstatements");
    }
}

fn stringer(method: Method, n: u64, taints: &[f64]) -> f64 {
    evaluate(&EvalSpec {
        method,
        n,
        x: None,
        taints: taints.to_vec(),
        confidence: 0.95,
        materiality: Some(0.05),
        population: None,
        book_value: None,
    })
    .unwrap()
    .upper_bound
}

#[test]
fn stringer_bounds() {
    // Poisson Stringer with the published factors: (3.00 + 1.75·0.5 + 1.55·0.2) / 100 with
    // factors to 2 dp is 0.04185; exact factors give 0.041802.
    let b = stringer(Method::StringerPoisson, 100, &[0.2, 0.5]);
    assert!((b - 0.04185).abs() < 1e-4, "{b}");
    // Taints are used largest first, whatever order they are given in.
    assert_eq!(b, stringer(Method::StringerPoisson, 100, &[0.5, 0.2]));
    // No misstatement: the zero-error bound 1 − 0.05^(1/n).
    let z = stringer(Method::Stringer, 60, &[]);
    assert!((z - (1.0 - 0.05f64.powf(1.0 / 60.0))).abs() < 1e-12);
    // A taint of 1 everywhere equals the attribute bound for that many deviations.
    let full = stringer(Method::StringerBinomial, 60, &[1.0, 1.0]);
    let attr = reeval::sample::evaluate::upper_bound(
        reeval::sample::Likelihood::Binomial,
        60,
        2.0,
        0.95,
        None,
    );
    assert!((full - attr).abs() < 1e-12);
    // Taints outside [−1, 1] are refused, not capped silently (issue 14).
    for t in [1.7, -1.2] {
        let err = evaluate(&EvalSpec {
            method: Method::Stringer,
            n: 60,
            x: None,
            taints: vec![0.1, t],
            confidence: 0.95,
            materiality: Some(0.05),
            population: None,
            book_value: None,
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("第 2 个错报比例") && err.contains("[−1, 1]"),
            "{err}"
        );
    }
    // Understatements: plain Stringer ignores them; LTA subtracts Σ|u|/n exactly; Meikle
    // subtracts something; none of them changes without understatements.
    let over = [0.4, 0.3];
    let with_under = [0.4, 0.3, -0.5];
    let plain = stringer(Method::Stringer, 80, &with_under);
    assert_eq!(plain, stringer(Method::Stringer, 80, &over));
    let lta = stringer(Method::StringerLta, 80, &with_under);
    assert!((plain - lta - 0.5 / 80.0).abs() < 1e-12);
    assert!(stringer(Method::StringerMeikle, 80, &with_under) < plain);
    assert_eq!(
        stringer(Method::StringerMeikle, 80, &over),
        stringer(Method::Stringer, 80, &over)
    );
    // PVZ as jfa's R/methods.R computes it (shared/reference/sampling-notes.md, corrected):
    // n = 80, positive taints 0.4 ≥ 0.3; c0 = (1/80)·(79/(2√80)·0.4 + 77/(2√158)·0.3);
    // σ² = (1/80)·Σ (t − 0.35)² over the two positive taints only (= 0.005/80), NOT over all
    // 80 taints; bound − (c0 − σ)/√80 · z(0.95). Here c0 > σ, so PVZ lowers the bound.
    let n = 80f64;
    let c0 = (79.0 / (2.0 * 80f64.sqrt()) * 0.4 + 77.0 / (2.0 * 158f64.sqrt()) * 0.3) / n;
    let sigma = (((0.4f64 - 0.35).powi(2) + (0.3f64 - 0.35).powi(2)) / n).sqrt();
    let want = plain - (c0 - sigma) / n.sqrt() * 1.6448536269514722;
    let pvz = stringer(Method::StringerPvz, 80, &over);
    assert!((pvz - want).abs() < 1e-12, "{pvz} vs {want}");
    assert!(pvz < plain);
    // The earlier spread over all n taints (mean 0.7/80, 78 zeros) gives a different bound:
    // the reference case tells the two apart.
    let mean_all = 0.7 / n;
    let ss_all = (0.4 - mean_all).powi(2) + (0.3 - mean_all).powi(2) + 78.0 * mean_all * mean_all;
    let wrong = plain - (c0 - (ss_all / n).sqrt()) / n.sqrt() * 1.6448536269514722;
    assert!((pvz - wrong).abs() > 1e-3, "{pvz} vs {wrong}");
    // Understatements count as zero and drop out of PVZ: the same bound with one added.
    assert!((stringer(Method::StringerPvz, 80, &with_under) - pvz).abs() < 1e-15);
    // No positive taint: no correction, the zero-error bound.
    assert_eq!(
        stringer(Method::StringerPvz, 80, &[-0.3]),
        stringer(Method::Stringer, 80, &[])
    );
}

#[test]
fn evaluate_from_book_and_audit_values() {
    let d = tmp();
    let csv = d.path().join("sample.csv");
    // 50 items; two misstated: 1,000.00 audited 500.00 (taint 0.5), 200.00 audited 160.00 (0.2)
    let mut text = String::from("book,audit\n1000.00,500.00\n200.00,160.00\n");
    for _ in 0..48 {
        text.push_str("300.00,300.00\n");
    }
    std::fs::write(&csv, text).unwrap();
    let v = json(&[
        "evaluate",
        "--method",
        "stringer.poisson",
        "--data",
        p(&csv),
        "--materiality",
        "0.10",
        "--book-value",
        "1000000",
    ]);
    assert_eq!(v["n"], 50);
    let direct = stringer(Method::StringerPoisson, 50, &[0.5, 0.2]);
    assert!((v["upper_bound"].as_f64().unwrap() - direct).abs() < 1e-15);
    assert!((v["most_likely"].as_f64().unwrap() - 0.7 / 50.0).abs() < 1e-15);
    assert_eq!(v["projected_misstatement"], "14000.00");
    assert_eq!(
        v["provenance"]["inputs"][0]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
}

#[test]
fn hypergeometric_plan_and_bound_match_exact_combinatorics() {
    use reeval::sample::plan::{plan, PlanSpec};
    use reeval::sample::Likelihood;
    // Exact rational arithmetic (Python math.comb): N = 1000, K = ceil(0.05·N) = 50, expected 1%:
    // the first n with P(X ≤ ceil(0.01·n)) < 0.05 is n = 90 (x = 1, P = 0.04918).
    let p = plan(&PlanSpec {
        likelihood: Likelihood::Hypergeometric,
        materiality: 0.05,
        expected: 0.01,
        confidence: 0.95,
        population: Some(1000),
        book_value: None,
    })
    .unwrap();
    assert_eq!((p.sample_size, p.tolerable_errors), (90, 1.0));
    // No misstatement in 60 of 1,000: the largest K with P(X = 0 | K) > 0.05 is 47 → 4.7%.
    let e = evaluate(&EvalSpec {
        method: Method::StringerHypergeometric,
        n: 60,
        x: None,
        taints: vec![],
        confidence: 0.95,
        materiality: Some(0.05),
        population: Some(1000),
        book_value: None,
    })
    .unwrap();
    assert!((e.upper_bound - 0.047).abs() < 1e-15, "{}", e.upper_bound);
    assert_eq!(e.conclusion.as_deref(), Some("approve"));
}
