//! Canary-versus-baseline statistics for `opsctl gate`, after Kayenta's
//! `NetflixACAJudge` / `MannWhitneyClassifier`.
//!
//! [`compare`] takes every sample of the canary (experiment) and of the
//! baseline (control) over the analysis window and classifies the canary as
//! [`Classification::Pass`], [`High`](Classification::High),
//! [`Low`](Classification::Low) or [`NoData`](Classification::NoData), with the
//! numbers behind the verdict in a [`Comparison`]. It never panics and has no
//! randomness: the same input gives the same output, whatever the order of
//! the samples.
//!
//! # Rules
//!
//! 1. **Cleaning.** NaN is dropped ([`NanStrategy::Remove`], the default) or
//!    becomes 0 ([`NanStrategy::Replace`]). `+Inf`/`-Inf` are always dropped:
//!    Prometheus produces them from divisions by zero, like NaN, and one
//!    infinite sample would make the mean and the shift infinite. (Kayenta
//!    keeps them as doubles.) `-0` counts as `0`.
//! 2. **Enough data.** Fewer than [`CompareConfig::min_samples`] usable samples
//!    on either side gives `NoData`. The default, 5, is the smallest equal
//!    sample size that can reach the default 98 % confidence at all (4 against
//!    4 can at best give p = 2/70 ≈ 0.029). Kayenta only checks for an empty
//!    side, and with `replace` passes it; here NoData is reported either way
//!    and the caller decides what NoData is worth.
//! 3. **No difference.** If every usable sample has the same value, or both
//!    sides hold the same values, the result is `Pass` straight away. Kayenta
//!    adds Gaussian noise when both sides are constant, because its interval
//!    solver cannot handle all-tied data; this module handles ties exactly,
//!    so e.g. canary all 5 against baseline all 3 needs no noise (it is
//!    `High` from 5 samples each at 98 %).
//! 4. **Test.** U is the Mann-Whitney statistic of the canary (pairs where the
//!    canary sample is larger, ties counting ½). The two-sided p-value comes
//!    from the exact distribution of U when both sides have fewer than 50
//!    samples and no value is tied (R's `wilcox.test` rule), otherwise from
//!    the normal approximation with tie and continuity correction, which
//!    matches `scipy.stats.mannwhitneyu(method="asymptotic")`. scipy's
//!    `method="auto"` uses the exact distribution only when a side has at
//!    most 8 samples; for 9–49 tie-free samples pass `method="exact"` to get
//!    the numbers reported here.
//! 5. **Shift.** [`Comparison::shift`] is the Hodges–Lehmann estimate, the
//!    median of all differences `canary[i] − baseline[j]`, and
//!    [`Comparison::interval`] is `(D(k), D(mn+1−k))`, order statistics of
//!    those differences, as in R's `wilcox.test(conf.int = TRUE)`: with the
//!    exact distribution `k` is R's `qwilcox(α/2, m, n)`; with the normal
//!    approximation `k = ⌈mn/2 − ½ − z(α/2)·σ⌉`, σ corrected for ties within
//!    each sample. That is exactly where the roots lie that R's and Kayenta's
//!    numerical solvers look for, without solver tolerance. When the
//!    confidence cannot be reached with so few samples (`k = 0`), the
//!    interval is `(-inf, +inf)` and nothing is flagged (R warns and uses the
//!    extreme differences; Kayenta clamps to them and can flag). Without
//!    equal canary and baseline values, "the interval excludes 0" and
//!    "p < 1 − confidence" are the same statement. Large inputs are fine:
//!    the differences are selected, never all built (see `shift`).
//! 6. **Verdict.** Let `b = tolerance · |shift|` (Kayenta: `tolerance` 0.25).
//!    `High` when the direction allows increases, the interval's lower end is
//!    above `b`, and — if both means are positive — the mean ratio
//!    canary/baseline is at least `allowed_increase`. `Low` when the
//!    direction allows decreases, the upper end is below `−b`, and — if both
//!    means are positive — the ratio is at most `allowed_decrease`. Anything
//!    else is `Pass`. With `tolerance` 0 this is "the interval excludes 0".
//!
//! # Where this differs from Kayenta
//!
//! * Kayenta always uses the normal approximation (also for 5 samples) and
//!   estimates the shift as the root of the approximate z; here small tie-free
//!   samples use the exact distribution and the shift is the exact median of
//!   the differences. For larger samples the interval is Kayenta's.
//! * Kayenta skips the effect-size check only when a mean is 0; here it is
//!   skipped whenever a mean is not positive, because a ratio of negative
//!   means points the wrong way (−5 against −10 is an increase with ratio
//!   0.5). [`Comparison::effect_size`] still reports the ratio.
//! * Outlier removal, `critical` and `mustHaveData` belong to the caller.
//! * Options out of range never panic: [`compare`] treats a NaN option as its
//!   default and clamps `confidence` to `[0, 1]`, `tolerance` to `≥ 0` and
//!   `min_samples` to `≥ 1`; [`CompareConfig::validate`] reports them to the
//!   user instead.

#![forbid(unsafe_code)]

mod mann_whitney;
mod normal;
mod shift;
#[cfg(test)]
mod tests;
mod verdict;

use serde::{Deserialize, Serialize};

/// Which change of the canary is a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Only a higher canary is a problem (latency, errors).
    Increase,
    /// Only a lower canary is a problem (throughput, success rate).
    Decrease,
    /// Both are (Kayenta's default).
    #[default]
    Either,
}

impl Direction {
    fn flags_increase(self) -> bool {
        matches!(self, Direction::Increase | Direction::Either)
    }

    fn flags_decrease(self) -> bool {
        matches!(self, Direction::Decrease | Direction::Either)
    }

    fn name(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
            Direction::Either => "either",
        }
    }
}

/// What happens to NaN samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NanStrategy {
    /// Drop them (Kayenta's default).
    #[default]
    Remove,
    /// Count them as 0 (for rates where "no traffic" means "no errors").
    Replace,
}

/// How to compare one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CompareConfig {
    /// Which change is a problem; default [`Direction::Either`].
    pub direction: Direction,
    /// Confidence of the interval of the shift, in `(0, 1)`; default 0.98
    /// (Kayenta). A difference is significant when `p < 1 − confidence`.
    pub confidence: f64,
    /// Largest mean ratio canary/baseline still tolerated upwards: a
    /// significant increase is `High` only when the ratio is at least this.
    /// Default 1.0 (every significant increase counts).
    pub allowed_increase: f64,
    /// Smallest mean ratio tolerated downwards: a significant decrease is
    /// `Low` only when the ratio is at most this. Default 1.0.
    pub allowed_decrease: f64,
    /// Kayenta's tolerance: the interval must clear `tolerance · |shift|`,
    /// not just 0, so a barely significant shift whose interval nearly
    /// touches 0 passes. Default 0.25 (Kayenta); 0 means "the interval
    /// excludes 0".
    pub tolerance: f64,
    /// What happens to NaN samples; default [`NanStrategy::Remove`].
    pub nan_strategy: NanStrategy,
    /// Fewest usable samples per side (after NaN handling); fewer gives
    /// [`Classification::NoData`]. Default 5, the smallest equal size that
    /// can be significant at 98 %.
    pub min_samples: usize,
}

impl CompareConfig {
    /// Kayenta's confidence level.
    pub const DEFAULT_CONFIDENCE: f64 = 0.98;
    /// Kayenta's `MannWhitneyClassifier` tolerance.
    pub const DEFAULT_TOLERANCE: f64 = 0.25;
    /// Default of [`CompareConfig::min_samples`].
    pub const DEFAULT_MIN_SAMPLES: usize = 5;

    /// Checks the options a user wrote; [`compare`] itself accepts anything.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(ConfigError::Confidence(self.confidence));
        }
        for (name, value) in [
            ("allowedIncrease", self.allowed_increase),
            ("allowedDecrease", self.allowed_decrease),
            ("tolerance", self.tolerance),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ConfigError::NotANonNegativeNumber { name, value });
            }
        }
        if self.min_samples == 0 {
            return Err(ConfigError::MinSamples);
        }
        Ok(())
    }
}

impl Default for CompareConfig {
    fn default() -> Self {
        Self {
            direction: Direction::Either,
            confidence: Self::DEFAULT_CONFIDENCE,
            allowed_increase: 1.0,
            allowed_decrease: 1.0,
            tolerance: Self::DEFAULT_TOLERANCE,
            nan_strategy: NanStrategy::Remove,
            min_samples: Self::DEFAULT_MIN_SAMPLES,
        }
    }
}

/// An option of [`CompareConfig`] that makes no sense.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// `confidence` is not strictly between 0 and 1.
    #[error("confidence must be between 0 and 1 (exclusive), not {0}")]
    Confidence(f64),
    /// A ratio or tolerance is negative, infinite or NaN.
    #[error("{name} must be a finite number of at least 0, not {value}")]
    NotANonNegativeNumber {
        /// The option's name as written in a gate file.
        name: &'static str,
        /// What it was.
        value: f64,
    },
    /// `min_samples` is 0.
    #[error("minSamples must be at least 1")]
    MinSamples,
}

/// The verdict on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Classification {
    /// No significant change in a direction that matters (or it is within the
    /// allowed effect size).
    Pass,
    /// The canary is significantly higher.
    High,
    /// The canary is significantly lower.
    Low,
    /// Too few usable samples on a side.
    NoData,
}

/// The verdict and the numbers behind it.
///
/// Fields that need both sides are NaN (JSON `null`) when a side has no
/// usable sample; with only a few samples they are still computed, for the
/// report, even though the classification is `NoData`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The verdict.
    pub classification: Classification,
    /// One sentence for a human, e.g. "canary is higher: p=0.0001 < 0.02,
    /// shift +12.5 (98% CI 8.1 to 15), mean ratio 1.42 ≥ allowed 1.1".
    pub reason: String,
    /// Usable canary samples (after NaN handling, without ±Inf).
    pub canary_count: usize,
    /// Usable baseline samples.
    pub baseline_count: usize,
    /// Mean of the usable canary samples (NaN when there are none).
    pub canary_mean: f64,
    /// Mean of the usable baseline samples (NaN when there are none).
    pub baseline_mean: f64,
    /// Mann-Whitney U of the canary: pairs where the canary sample is
    /// larger, ties counting ½. Ranges over `0..=canary_count·baseline_count`.
    pub u: f64,
    /// z of the normal approximation (positive when the canary ranks
    /// higher); `None` when the exact distribution was used or a side is
    /// empty.
    pub z: Option<f64>,
    /// Two-sided p-value, in `[0, 1]` (1 when a side is empty).
    pub p_value: f64,
    /// Hodges–Lehmann estimate of the shift canary − baseline.
    pub shift: f64,
    /// Confidence interval of the shift at the configured confidence;
    /// `(-inf, inf)` (JSON `null`s) when the samples are too few for it.
    pub interval: (f64, f64),
    /// Mean ratio canary/baseline; `None` when the baseline mean is 0, a
    /// side is empty, or the ratio overflows.
    pub effect_size: Option<f64>,
}

/// Compares canary samples with baseline samples; see the module
/// documentation for the rules.
pub fn compare(canary: &[f64], baseline: &[f64], config: &CompareConfig) -> Comparison {
    let options = Options::from(config);
    let x = clean(canary, config.nan_strategy);
    let y = clean(baseline, config.nan_strategy);
    let (m, n) = (x.len(), y.len());
    let canary_mean = mean(&x);
    let baseline_mean = mean(&y);
    let effect_size =
        Some(canary_mean / baseline_mean).filter(|ratio| baseline_mean != 0.0 && ratio.is_finite());
    let mut comparison = Comparison {
        classification: Classification::NoData,
        reason: String::new(),
        canary_count: m,
        baseline_count: n,
        canary_mean,
        baseline_mean,
        u: 0.0,
        z: None,
        p_value: 1.0,
        shift: f64::NAN,
        interval: (f64::NAN, f64::NAN),
        effect_size,
    };
    if m > 0 && n > 0 {
        let sum = mann_whitney::rank_sum(&x, &y);
        let test = mann_whitney::test(&sum, m, n, 1.0 - options.confidence);
        comparison.u = sum.u;
        comparison.z = test.z;
        comparison.p_value = test.p_value;
        let (shift, interval) = shift_and_interval(&x, &y, test.interval_rank);
        comparison.shift = shift;
        comparison.interval = interval;
    }
    let (classification, reason) = verdict::verdict(&comparison, &x, &y, &options);
    comparison.classification = classification;
    comparison.reason = reason;
    comparison
}

/// `config` with every option made usable.
struct Options {
    direction: Direction,
    confidence: f64,
    allowed_increase: f64,
    allowed_decrease: f64,
    tolerance: f64,
    min_samples: usize,
}

impl From<&CompareConfig> for Options {
    fn from(config: &CompareConfig) -> Self {
        let defaults = CompareConfig::default();
        let or_default = |value: f64, default: f64| if value.is_nan() { default } else { value };
        Options {
            direction: config.direction,
            confidence: or_default(config.confidence, defaults.confidence).clamp(0.0, 1.0),
            allowed_increase: or_default(config.allowed_increase, defaults.allowed_increase),
            allowed_decrease: or_default(config.allowed_decrease, defaults.allowed_decrease),
            tolerance: or_default(config.tolerance, defaults.tolerance).max(0.0),
            min_samples: config.min_samples.max(1),
        }
    }
}

/// The usable samples, sorted ascending.
fn clean(values: &[f64], strategy: NanStrategy) -> Vec<f64> {
    let mut usable: Vec<f64> = values
        .iter()
        .filter_map(|&v| match (v.is_nan(), strategy) {
            (true, NanStrategy::Remove) => None,
            (true, NanStrategy::Replace) => Some(0.0),
            // `+ 0.0` turns -0 into 0, so the two sort and tie as equal.
            (false, _) => v.is_finite().then_some(v + 0.0),
        })
        .collect();
    usable.sort_unstable_by(f64::total_cmp);
    usable
}

/// Mean of finite values without overflowing; NaN when empty.
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let count = values.len() as f64;
    let sum: f64 = values.iter().sum();
    if sum.is_finite() {
        sum / count
    } else {
        values.iter().map(|v| v / count).sum()
    }
}

/// The Hodges–Lehmann shift and the interval between the `k`-th smallest and
/// largest differences. Near `f64::MAX` the samples are first scaled down
/// by 256 (a power of two, so exact except for subnormals) so that no
/// difference overflows; the results are scaled back and may then be
/// infinite, never NaN.
fn shift_and_interval(x: &[f64], y: &[f64], k: usize) -> (f64, (f64, f64)) {
    const SAFE: f64 = f64::MAX / 16.0;
    const SCALE: f64 = 1.0 / 256.0;
    let huge = x.iter().chain(y).any(|v| v.abs() > SAFE);
    let (scaled_x, scaled_y);
    let (x, y, scale) = if huge {
        scaled_x = x.iter().map(|v| v * SCALE).collect::<Vec<_>>();
        scaled_y = y.iter().map(|v| v * SCALE).collect::<Vec<_>>();
        (&scaled_x[..], &scaled_y[..], SCALE)
    } else {
        (x, y, 1.0)
    };
    let (shift, (low, high)) = shift::shift_and_interval(x, y, k);
    (shift / scale, (low / scale, high / scale))
}
