//! Order statistics of the pairwise differences `x[i] − y[j]` without
//! building all `m·n` of them: the Hodges–Lehmann shift (their median) and
//! the ends of its confidence interval.
//!
//! Selection works on the implicit `m × n` matrix whose rows (one per `x`,
//! ascending) and columns (one per `y`, descending) are both sorted. Each row
//! keeps a window of candidate columns; a pivot, the weighted median of the
//! rows' middle candidates, has at least a quarter of the candidates on each
//! side, so every round discards a quarter or finds the answer. Rounds cost
//! `O(m log m + n)`; once few candidates remain they are gathered and
//! selected directly. There is no randomness, so results are reproducible,
//! and memory stays `O(m + n)`.

use std::cmp::Ordering;

/// Below this many candidates, gather them and select directly.
pub(super) const GATHER_LIMIT: usize = 16_384;

/// The `k`-th smallest (0-based) of `x[i] − y[j]`; `x` and `y` sorted
/// ascending, finite, non-empty, `k < x.len() · y.len()`. Differences are
/// computed one way only (`x[i] - y[j]`), so they order consistently.
pub(super) fn kth_difference(x: &[f64], y: &[f64], k: usize, gather_limit: usize) -> f64 {
    let (m, n) = (x.len(), y.len());
    // Column c of row i holds x[i] − y[n − 1 − c]: ascending along rows and
    // down columns.
    let at = |i: usize, c: usize| x[i] - y[n - 1 - c];
    let mut low = vec![0usize; m];
    let mut high = vec![n; m];
    let mut below = 0usize;
    let mut middles: Vec<(f64, usize)> = Vec::with_capacity(m);
    let mut row_lt = vec![0usize; m];
    let mut row_le = vec![0usize; m];
    loop {
        let candidates: usize = low.iter().zip(&high).map(|(l, h)| h - l).sum();
        if candidates <= gather_limit.max(1) {
            let mut gathered: Vec<f64> = Vec::with_capacity(candidates);
            for i in 0..m {
                gathered.extend((low[i]..high[i]).map(|c| at(i, c)));
            }
            let rank = k
                .saturating_sub(below)
                .min(gathered.len().saturating_sub(1));
            if gathered.is_empty() {
                // Unreachable: the k-th difference is always a candidate.
                return f64::NAN;
            }
            let (_, value, _) = gathered.select_nth_unstable_by(rank, f64::total_cmp);
            return *value;
        }
        middles.clear();
        middles.extend(
            (0..m)
                .filter(|&i| high[i] > low[i])
                .map(|i| (at(i, low[i] + (high[i] - low[i]) / 2), high[i] - low[i])),
        );
        middles.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut weight = 0;
        let mut pivot = middles[0].0;
        for &(value, w) in &middles {
            weight += w;
            if 2 * weight >= candidates {
                pivot = value;
                break;
            }
        }
        // Per row, how many entries are < pivot and ≤ pivot. Rows further
        // down hold larger values, so both counts only shrink.
        let (mut less, mut less_or_equal) = (0usize, 0usize);
        let (mut lt, mut le) = (n, n);
        for i in 0..m {
            while lt > 0 && at(i, lt - 1).total_cmp(&pivot) != Ordering::Less {
                lt -= 1;
            }
            while le > 0 && at(i, le - 1).total_cmp(&pivot) == Ordering::Greater {
                le -= 1;
            }
            row_lt[i] = lt;
            row_le[i] = le;
            less += lt;
            less_or_equal += le;
        }
        if k < less {
            for i in 0..m {
                high[i] = high[i].min(row_lt[i]).max(low[i]);
            }
        } else if k < less_or_equal {
            return pivot;
        } else {
            for i in 0..m {
                low[i] = low[i].max(row_le[i]).min(high[i]);
            }
            below = low.iter().sum();
        }
    }
}

/// The Hodges–Lehmann shift (median of all `x[i] − y[j]`) and the interval
/// between the `k`-th smallest and `k`-th largest difference (`k` 1-based;
/// the whole line when `k` is 0).
pub(super) fn shift_and_interval(x: &[f64], y: &[f64], k: usize) -> (f64, (f64, f64)) {
    let pairs = x.len() * y.len();
    if pairs == 0 {
        return (f64::NAN, (f64::NAN, f64::NAN));
    }
    // Few enough pairs: build and sort them once for all four ranks.
    let all: Vec<f64> = if pairs <= GATHER_LIMIT {
        let mut all: Vec<f64> = x
            .iter()
            .flat_map(|a| y.iter().map(move |b| a - b))
            .collect();
        all.sort_unstable_by(f64::total_cmp);
        all
    } else {
        Vec::new()
    };
    let kth = |rank: usize| match all.get(rank) {
        Some(&value) => value,
        None => kth_difference(x, y, rank, GATHER_LIMIT),
    };
    let shift = if pairs % 2 == 1 {
        kth(pairs / 2)
    } else {
        let (a, b) = (kth(pairs / 2 - 1), kth(pairs / 2));
        // Halves first, so it never overflows; the sum of halves stays in
        // [a, b] and is symmetric under a, b → −b, −a. Halving a subnormal
        // rounds, hence the equal case on its own.
        if a == b { a } else { 0.5 * a + 0.5 * b }
    };
    if k == 0 {
        return (shift, (f64::NEG_INFINITY, f64::INFINITY));
    }
    let k = k.min(pairs.div_ceil(2));
    (shift, (kth(k - 1), kth(pairs - k)))
}
