//! The Mann-Whitney U statistic, its two-sided p-value (exact or normal
//! approximation) and the rank of the order statistic that bounds the
//! confidence interval of the shift.

use super::normal;

/// The exact null distribution is used when both samples are smaller than
/// this and nothing is tied (R's `wilcox.test` rule).
pub(super) const EXACT_BELOW: usize = 50;

/// What one pass over the two sorted samples yields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RankSum {
    /// U of the first sample: pairs where it is larger, ties counting one half.
    pub u: f64,
    /// Σ (t³ − t) over groups of equal values in the pooled sample.
    pub tie_term: f64,
    /// Σ (t³ − t) over groups of equal values inside each sample on its own.
    pub within_tie_term: f64,
    /// Whether any value occurs twice in the pooled sample.
    pub ties: bool,
}

/// Ranks the pooled sample of `x` and `y`, both sorted ascending and free of
/// NaN.
pub(super) fn rank_sum(x: &[f64], y: &[f64]) -> RankSum {
    let (mut i, mut j) = (0, 0);
    let mut sum = RankSum {
        u: 0.0,
        tie_term: 0.0,
        within_tie_term: 0.0,
        ties: false,
    };
    let cube = |t: usize| {
        let t = t as f64;
        t * t * t - t
    };
    while i < x.len() || j < y.len() {
        let value = match (x.get(i), y.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        let a = x[i..].iter().take_while(|&&v| v == value).count();
        let b = y[j..].iter().take_while(|&&v| v == value).count();
        // Every y before this group is smaller than the `a` x values here;
        // the `b` y values in it tie with them.
        sum.u += a as f64 * (j as f64 + 0.5 * b as f64);
        sum.tie_term += cube(a + b);
        sum.within_tie_term += cube(a) + cube(b);
        sum.ties |= a + b > 1;
        i += a;
        j += b;
    }
    sum
}

/// A two-sided p-value and, for the normal approximation, its z.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Test {
    /// z of the first sample (positive when it ranks higher); `None` when
    /// the exact distribution was used.
    pub z: Option<f64>,
    /// Two-sided p-value in `[0, 1]`.
    pub p_value: f64,
    /// Rank `k` (1-based) of the pairwise difference that is the lower end of
    /// the interval; the upper end is rank `m·n + 1 − k`. 0 when the
    /// requested confidence cannot be reached with these sample sizes.
    pub interval_rank: usize,
}

/// Runs the test for samples of sizes `m`, `n` (both ≥ 1) at two-sided level
/// `alpha`.
pub(super) fn test(sum: &RankSum, m: usize, n: usize, alpha: f64) -> Test {
    let half_alpha = (alpha / 2.0).clamp(0.0, 0.5);
    let pairs = m as f64 * n as f64;
    if !sum.ties && m < EXACT_BELOW && n < EXACT_BELOW {
        // Both quantities below live in the lower half of the symmetric
        // distribution, so only its coefficients are computed.
        let counts = u_counts(m, n, m * n / 2);
        let total = binomial(m + n, m.min(n)) as f64;
        // U is an integer without ties; take the smaller tail.
        let small = sum.u.min(pairs - sum.u).max(0.0) as usize;
        let tail: i128 = counts.iter().take(small + 1).sum();
        let p_value = (2.0 * tail as f64 / total).min(1.0);
        // R's qwilcox: the smallest q with P(U ≤ q) ≥ alpha/2.
        let mut cumulative = 0i128;
        let mut quantile = counts.len();
        for (q, &count) in counts.iter().enumerate() {
            cumulative += count;
            if cumulative as f64 >= half_alpha * total {
                quantile = q;
                break;
            }
        }
        return Test {
            z: None,
            p_value,
            interval_rank: quantile,
        };
    }
    let pooled = (m + n) as f64;
    let sigma = |tie_term: f64| {
        let variance = pairs / 12.0 * ((pooled + 1.0) - tie_term / (pooled * (pooled - 1.0)));
        variance.max(0.0).sqrt()
    };
    let deviation = sum.u - pairs / 2.0;
    let sign = if deviation > 0.0 {
        1.0
    } else if deviation < 0.0 {
        -1.0
    } else {
        0.0
    };
    let sigma_here = sigma(sum.tie_term);
    let (z, p_value) = if sigma_here > 0.0 {
        let z = (deviation - 0.5 * sign) / sigma_here;
        (z, (2.0 * normal::upper_tail(z.abs())).min(1.0))
    } else {
        (0.0, 1.0)
    };
    // Inverting the same corrected z over shifts μ: between two pairwise
    // differences only ties inside a sample remain, and U(μ) counts the
    // differences above μ, so the test accepts μ from the k-th smallest
    // difference on, with k the first integer ≥ mn/2 − 1/2 − z·σ.
    let bound = pairs / 2.0 - 0.5 - normal::upper_quantile(half_alpha) * sigma(sum.within_tie_term);
    let interval_rank = if bound.is_nan() || bound <= 0.0 {
        0
    } else {
        bound.ceil().min(usize::MAX as f64) as usize
    };
    Test {
        z: Some(z),
        p_value: if p_value.is_nan() { 1.0 } else { p_value },
        interval_rank,
    }
}

/// How many of the `C(m+n, m)` orderings give U = 0, 1, …, `upto`: the
/// first coefficients of the Gaussian binomial
/// `Π_{k=1..a} (1 − q^{b+k}) / (1 − q^k)` with `a = min(m, n)`,
/// `b = max(m, n)`. Multiplying and dividing by `1 − q^s` never looks at
/// higher coefficients, so truncating is exact. Exact in `i128` for sizes
/// below [`EXACT_BELOW`] (the largest count, `C(98, 49)`, is about 2.5e28).
fn u_counts(m: usize, n: usize, upto: usize) -> Vec<i128> {
    let (a, b) = (m.min(n), m.max(n));
    let len = upto.min(a * b) + 1;
    let mut c = vec![0i128; len];
    c[0] = 1;
    for k in 1..=a {
        // × (1 − q^{b+k}): c[u] −= old c[u − b − k], from the top block
        // down so the blocks read are still old.
        let shift = b + k;
        let mut start = (len - 1) / shift * shift;
        while start >= shift {
            let (low, high) = c.split_at_mut(start);
            let source = &low[start - shift..];
            for (target, &s) in high.iter_mut().zip(source) {
                *target -= s;
            }
            start -= shift;
        }
        // ÷ (1 − q^k): c[u] += new c[u − k], block after block.
        let mut start = k;
        while start < len {
            let (low, high) = c.split_at_mut(start);
            let source = &low[start - k..];
            for (target, &s) in high.iter_mut().zip(source) {
                *target += s;
            }
            start += k;
        }
    }
    c
}

/// `C(n, k)`, exact for the sizes used here (`n` < 100).
fn binomial(n: usize, k: usize) -> i128 {
    // Each step is C(n − k + i, i), an integer.
    (1..=k).fold(1i128, |acc, i| acc * (n - k + i) as i128 / i as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sum_to_binomial_and_are_symmetric() {
        for (m, n) in [(1, 1), (3, 4), (7, 6), (20, 20), (49, 49), (1, 49), (48, 5)] {
            let c = u_counts(m, n, usize::MAX);
            assert_eq!(c.len(), m * n + 1);
            assert_eq!(c.iter().sum::<i128>(), binomial(m + n, m));
            assert!(c.iter().all(|&v| v > 0));
            let reversed: Vec<i128> = c.iter().rev().copied().collect();
            assert_eq!(c, reversed);
            let half = u_counts(n, m, m * n / 2);
            assert_eq!(half[..], c[..=m * n / 2]);
        }
        // m = 2, n = 2: U = 0,1,2,3,4 occurs 1,1,2,1,1 times.
        assert_eq!(u_counts(2, 2, 4), vec![1, 1, 2, 1, 1]);
        assert_eq!(binomial(98, 49), 25_477_612_258_980_856_902_730_428_600);
    }

    #[test]
    fn ties_are_split() {
        let s = rank_sum(&[1.0, 2.0, 2.0], &[2.0, 3.0]);
        // x=1 beats nothing; each x=2 ties y=2 (½) and loses to 3.
        assert_eq!(s.u, 1.0);
        assert!(s.ties);
        assert_eq!(s.tie_term, 24.0); // one group of three
        assert_eq!(s.within_tie_term, 6.0); // the two 2.0 in x
    }
}
