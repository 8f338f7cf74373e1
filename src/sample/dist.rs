//! The distributions behind sample sizes and bounds, from the regularised incomplete beta and
//! gamma functions with bisection, not a distribution type's generic inverse-CDF (some crates'
//! have had accuracy bugs). Bisection runs to the limit of f64, far below the 1e-10 needed.

use puruspe::{betai, gammp, inverf};

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

/// ln C(a, b) as a sum of logs of ratios (exact integers, no lgamma).
fn ln_choose(a: u64, b: u64) -> f64 {
    let b = b.min(a - b);
    (1..=b)
        .map(|i| (((a - b + i) as f64) / i as f64).ln())
        .sum()
}

/// P(X ≤ x) for X ~ Hypergeometric: population `pop`, `bad` errors in it, `n` drawn.
///
/// Computed without lgamma (whose ~1e-11 error would leak into the bound): ln P(X = lo) from
/// sums of `ln_1p`/log ratios, then the pmf recurrence P(k+1)/P(k) =
/// (K−k)(n−k) / ((k+1)(N−K−n+k+1)) walked in log space, so nothing underflows.
pub fn hyper_cdf(x: u64, pop: u64, bad: u64, n: u64) -> f64 {
    let bad = bad.min(pop);
    let n = n.min(pop);
    let good = pop - bad;
    let lo = (n + bad).saturating_sub(pop);
    let hi = x.min(n).min(bad);
    if x < lo {
        return 0.0;
    }
    if hi >= n.min(bad) {
        return 1.0;
    }
    let mut ln_p = if lo == 0 {
        // P(X = 0) = Π_{i<n} (N−K−i)/(N−i) = Π (1 − K/(N−i))
        (0..n)
            .map(|i| (-(bad as f64) / (pop - i) as f64).ln_1p())
            .sum::<f64>()
    } else {
        // N−K = n−lo, so P(X = lo) = C(K, lo) / C(N, n)
        ln_choose(bad, lo) - ln_choose(pop, n)
    };
    let mut s = ln_p.exp();
    for k in lo..hi {
        let num = ((bad - k) as f64) * ((n - k) as f64);
        let den = ((k + 1) as f64) * ((good + k + 1 - n) as f64);
        ln_p += (num / den).ln();
        s += ln_p.exp();
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
        assert!((hyper_cdf(10, 100, 10, 10) - 1.0).abs() < 1e-15);
        // P(X = 0) for N=10, K=2, n=3 is C(8,3)/C(10,3) = 56/120
        assert!((hyper_cdf(0, 10, 2, 3) - 56.0 / 120.0).abs() < 1e-15);
        // P(X ≤ 1) = (56 + 2·28)/120 (C(2,1)·C(8,2) = 56)
        assert!((hyper_cdf(1, 10, 2, 3) - 112.0 / 120.0).abs() < 1e-15);
        // lo > 0: N=10, K=8, n=5 → at least 3 errors; P(X = 3) = C(8,3)C(2,2)/C(10,5) = 56/252
        assert!((hyper_cdf(3, 10, 8, 5) - 56.0 / 252.0).abs() < 1e-15);
        assert_eq!(hyper_cdf(2, 10, 8, 5), 0.0);
        // A large population: P(X = 0 | N = 1e6, K = 5e4, n = 59) = Π (1 − K/(N − i))
        let direct: f64 = (0..59).map(|i| 1.0 - 5e4 / (1e6 - i as f64)).product();
        assert!((hyper_cdf(0, 1_000_000, 50_000, 59) / direct - 1.0).abs() < 1e-13);
    }
}
