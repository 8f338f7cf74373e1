//! The distributions behind sample sizes and bounds, from the regularised incomplete beta and
//! gamma functions with bisection, not a distribution type's generic inverse-CDF (some crates'
//! have had accuracy bugs). Bisection runs to the limit of f64, far below the 1e-10 needed.

use puruspe::{betai, gammp, inverf, ln_gamma};

/// Bisection for the point where a monotone increasing `f` crosses `target` on [lo, hi].
fn bisect(mut lo: f64, mut hi: f64, target: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// CDF of Beta(a, b) at p.
pub fn beta_cdf(p: f64, a: f64, b: f64) -> f64 {
    if p <= 0.0 {
        0.0
    } else if p >= 1.0 {
        1.0
    } else {
        betai(a, b, p)
    }
}

/// The q-quantile of Beta(a, b).
pub fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    bisect(0.0, 1.0, q, |p| beta_cdf(p, a, b))
}

/// CDF of Gamma(shape, rate) at x.
pub fn gamma_cdf(x: f64, shape: f64, rate: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else {
        gammp(shape, x * rate)
    }
}

/// The q-quantile of Gamma(shape, rate).
pub fn gamma_quantile(q: f64, shape: f64, rate: f64) -> f64 {
    let mut hi = (shape + 10.0 * shape.sqrt() + 10.0) / rate;
    while gamma_cdf(hi, shape, rate) < q {
        hi *= 2.0;
    }
    bisect(0.0, hi, q, |x| gamma_cdf(x, shape, rate))
}

fn ln_choose(n: f64, k: f64) -> f64 {
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

/// P(X ≤ x) for X ~ Hypergeometric: population `pop`, `bad` errors in it, `n` drawn.
pub fn hyper_cdf(x: u64, pop: u64, bad: u64, n: u64) -> f64 {
    let lo = (n + bad).saturating_sub(pop);
    let hi = x.min(n).min(bad);
    if x < lo {
        return 0.0;
    }
    let denom = ln_choose(pop as f64, n as f64);
    let mut s = 0.0;
    for k in lo..=hi {
        s += (ln_choose(bad as f64, k as f64) + ln_choose((pop - bad) as f64, (n - k) as f64)
            - denom)
            .exp();
    }
    s.min(1.0)
}

/// The largest number of population errors K (x ≤ K ≤ N) still compatible with seeing x
/// errors in n at confidence c: P(X ≤ x | N, K, n) > 1 − c. The CDF falls as K grows.
pub fn hyper_max_errors(x: u64, pop: u64, n: u64, confidence: f64) -> u64 {
    let alpha = 1.0 - confidence;
    let (mut lo, mut hi) = (x, pop); // invariant: cdf(lo) > alpha (K = x always is)
    if hyper_cdf(x, pop, hi, n) > alpha {
        return hi;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if hyper_cdf(x, pop, mid, n) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Standard normal quantile.
pub fn normal_quantile(p: f64) -> f64 {
    std::f64::consts::SQRT_2 * inverf(2.0 * p - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_invert_their_cdfs() {
        // R: qbeta(0.95, 1, 59) = 0.04951...; qgamma(0.95, 1, 60) = 0.049929 (= -ln(0.05)/60)
        let b = beta_quantile(0.95, 1.0, 59.0);
        assert!((b - (1.0 - 0.05f64.powf(1.0 / 59.0))).abs() < 1e-12, "{b}");
        let g = gamma_quantile(0.95, 1.0, 60.0);
        assert!((g - (-(0.05f64).ln() / 60.0)).abs() < 1e-12, "{g}");
        assert!((normal_quantile(0.95) - 1.6448536269514722).abs() < 1e-9);
        for (a, bb) in [(3.0, 50.0), (11.0, 490.0), (1.5, 2.5)] {
            let q = beta_quantile(0.9, a, bb);
            assert!((beta_cdf(q, a, bb) - 0.9).abs() < 1e-12);
        }
    }

    #[test]
    fn hypergeometric_cdf_sums_to_one() {
        assert!((hyper_cdf(10, 100, 10, 10) - 1.0).abs() < 1e-12);
        // P(X = 0) for N=10, K=2, n=3 is C(8,3)/C(10,3) = 56/120
        assert!((hyper_cdf(0, 10, 2, 3) - 56.0 / 120.0).abs() < 1e-12);
    }
}
