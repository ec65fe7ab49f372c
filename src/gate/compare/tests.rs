//! Reference numbers, classification rules and properties of [`compare`].
//!
//! Reference numbers come from scipy 1.17.1 / numpy 2.4.6:
//! `scipy.stats.mannwhitneyu(canary, baseline, method=…)` for U and p,
//! `numpy.median(numpy.subtract.outer(canary, baseline))` for the shift,
//! R's `wilcox.test(conf.int = TRUE)` exact interval (order statistics at
//! `qwilcox(0.01, m, n)`, with scipy's exact U distribution) and Kayenta's
//! `MannWhitney.calculateConfidenceInterval` re-run in Python with
//! `scipy.optimize.brentq` (xtol 1e-13) for the normal-approximation interval.

use super::shift::{self, GATHER_LIMIT};
use super::verdict::{num, signed};
use super::*;
use proptest::prelude::*;

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want.abs().max(1.0)
}

#[track_caller]
fn assert_close(got: f64, want: f64, tolerance: f64) {
    assert!(close(got, want, tolerance), "got {got}, want {want}");
}

fn no_tolerance() -> CompareConfig {
    CompareConfig {
        tolerance: 0.0,
        ..CompareConfig::default()
    }
}

/// Dataset B: 20 against 20, no ties.
fn twenty() -> (Vec<f64>, Vec<f64>) {
    let canary = (0..20)
        .map(|i| ((i * 37) % 101) as f64 / 10.0 + 1.55)
        .collect();
    let baseline = (0..20).map(|j| ((j * 53) % 97) as f64 / 10.0).collect();
    (canary, baseline)
}

/// Dataset D: 60 against 80, no ties, exact binary fractions.
fn large() -> (Vec<f64>, Vec<f64>) {
    let canary = (0..60)
        .map(|i| ((i * 41) % 211) as f64 / 8.0 + 3.0)
        .collect();
    let baseline = (0..80)
        .map(|j| ((j * 29) % 199) as f64 / 8.0 + 0.0625)
        .collect();
    (canary, baseline)
}

// ---- reference numbers ------------------------------------------------

#[test]
fn small_exact_case_matches_scipy_and_r() {
    let canary = [12.1, 14.3, 11.8, 15.2, 13.7, 16.4, 12.9];
    let baseline = [10.2, 11.1, 9.8, 12.5, 10.9, 11.6];
    let c = compare(&canary, &baseline, &no_tolerance());
    // mannwhitneyu(method="auto") == method="exact": U=40.0 p=0.004662004662004662
    assert_eq!(c.u, 40.0);
    assert_eq!(c.z, None);
    assert_close(c.p_value, 0.004662004662004662, 1e-12);
    // median of differences 2.7; exact interval [0.5, 5.3] (Kayenta: the same).
    assert_close(c.shift, 2.7, 1e-12);
    assert_close(c.interval.0, 0.5, 1e-12);
    assert_close(c.interval.1, 5.3, 1e-12);
    assert_eq!(c.classification, Classification::High);
}

#[test]
fn twenty_each_uses_the_exact_distribution() {
    let (canary, baseline) = twenty();
    let c = compare(&canary, &baseline, &CompareConfig::default());
    // mannwhitneyu(method="exact"): U=278.0 p=0.03501066019806649.
    // (method="auto" picks the normal approximation above 8 samples:
    // p=0.03604832666418314.)
    assert_eq!(c.u, 278.0);
    assert_eq!(c.z, None);
    assert_close(c.p_value, 0.03501066019806649, 1e-12);
    assert_close(c.shift, 2.05, 1e-12);
    // Exact interval [-0.25, 4.55]; Kayenta's approximation gives [-0.25, 4.65].
    assert_close(c.interval.0, -0.25, 1e-12);
    assert_close(c.interval.1, 4.55, 1e-12);
    assert_eq!(c.classification, Classification::Pass);
    assert!(
        c.reason
            .starts_with("no significant difference: p=0.03501 ≥ 0.02"),
        "{}",
        c.reason
    );
}

#[test]
fn ties_use_the_normal_approximation() {
    let canary = [3.0, 4.0, 4.0, 5.0, 5.0, 5.0, 6.0, 7.0, 7.0, 9.0];
    let baseline = [2.0, 3.0, 3.0, 4.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 6.0, 7.0];
    let c = compare(&canary, &baseline, &CompareConfig::default());
    // mannwhitneyu(method="auto" / "asymptotic"): U=76.5 p=0.2833964470403977,
    // |z| = norm.isf(p/2) = 1.0727207064059734.
    assert_eq!(c.u, 76.5);
    assert_close(c.z.expect("approximation"), 1.0727207064059734, 1e-12);
    assert_close(c.p_value, 0.2833964470403977, 1e-12);
    assert_close(c.shift, 1.0, 1e-12);
    // Kayenta's solver: [-1.0000000000000326, 2.9999999999999636].
    assert_close(c.interval.0, -1.0, 1e-12);
    assert_close(c.interval.1, 3.0, 1e-12);
    assert_eq!(c.classification, Classification::Pass);
}

#[test]
fn large_case_matches_scipy_and_kayenta() {
    let (canary, baseline) = large();
    let c = compare(&canary, &baseline, &no_tolerance());
    // mannwhitneyu(method="auto" / "asymptotic"): U=3104.0 p=0.00305380479115092,
    // |z| = 2.962269382351481.
    assert_eq!(c.u, 3104.0);
    assert_close(c.z.expect("approximation"), 2.962269382351481, 1e-12);
    assert_close(c.p_value, 0.00305380479115092, 1e-11);
    assert_close(c.shift, 4.0625, 1e-12);
    // Kayenta's solver: [0.9374999999999823, 7.3124999999999565].
    assert_close(c.interval.0, 0.9375, 1e-12);
    assert_close(c.interval.1, 7.3125, 1e-12);
    assert_eq!(c.classification, Classification::High);
}

#[test]
fn constant_sides_need_no_noise() {
    let c = compare(&[5.0; 5], &[3.0; 5], &CompareConfig::default());
    // mannwhitneyu: U=25.0 p=0.003976751709788651, |z| = 2.88.
    // (Kayenta's solver hits sigma = 0 here, hence its added noise.)
    assert_eq!(c.u, 25.0);
    assert_close(c.z.expect("approximation"), 2.88, 1e-12);
    assert_close(c.p_value, 0.003976751709788651, 1e-12);
    assert_eq!((c.shift, c.interval), (2.0, (2.0, 2.0)));
    assert_eq!(c.classification, Classification::High);
    assert_eq!(c.effect_size, Some(5.0 / 3.0));
}

// ---- classification ---------------------------------------------------

/// 30 values around `center`, no two alike.
fn around(center: f64, spread: f64, seed: usize) -> Vec<f64> {
    (0..30)
        .map(|i| {
            center
                + spread * ((((i * 7 + seed) * 13) % 31) as f64 / 31.0 - 0.5)
                + seed as f64 * 1e-9
        })
        .collect()
}

#[test]
fn higher_canary_is_high() {
    let c = compare(
        &around(140.0, 20.0, 1),
        &around(100.0, 20.0, 2),
        &CompareConfig::default(),
    );
    assert_eq!(c.classification, Classification::High, "{}", c.reason);
    assert!(c.reason.starts_with("canary is higher: p="), "{}", c.reason);
    assert!(
        c.reason.contains("mean ratio 1.405 ≥ allowed 1"),
        "{}",
        c.reason
    );
    assert!(c.p_value < 1e-6 && c.interval.0 > 0.0 && c.shift > 30.0);
}

#[test]
fn lower_canary_is_low() {
    let c = compare(
        &around(60.0, 20.0, 1),
        &around(100.0, 20.0, 2),
        &CompareConfig::default(),
    );
    assert_eq!(c.classification, Classification::Low, "{}", c.reason);
    assert!(
        c.reason.contains("mean ratio 0.6004 ≤ allowed 1"),
        "{}",
        c.reason
    );
}

#[test]
fn same_distribution_passes() {
    let c = compare(
        &around(100.0, 20.0, 1),
        &around(100.0, 20.0, 2),
        &CompareConfig::default(),
    );
    assert_eq!(c.classification, Classification::Pass);
    assert!(c.p_value > 0.5, "{}", c.p_value);
    assert!(c.interval.0 < 0.0 && c.interval.1 > 0.0);
    assert!(
        c.reason.starts_with("no significant difference"),
        "{}",
        c.reason
    );
}

#[test]
fn direction_increase_ignores_a_decrease() {
    let config = CompareConfig {
        direction: Direction::Increase,
        ..CompareConfig::default()
    };
    let c = compare(&around(60.0, 20.0, 1), &around(100.0, 20.0, 2), &config);
    assert_eq!(c.classification, Classification::Pass);
    assert!(
        c.reason
            .starts_with("canary is lower, but direction is increase"),
        "{}",
        c.reason
    );
    let c = compare(&around(140.0, 20.0, 1), &around(100.0, 20.0, 2), &config);
    assert_eq!(c.classification, Classification::High);
    let decrease = CompareConfig {
        direction: Direction::Decrease,
        ..CompareConfig::default()
    };
    assert_eq!(
        compare(&around(140.0, 20.0, 1), &around(100.0, 20.0, 2), &decrease).classification,
        Classification::Pass
    );
}

#[test]
fn allowed_effect_size_turns_a_small_increase_into_pass() {
    let canary = around(103.0, 2.0, 1);
    let baseline = around(100.0, 2.0, 2);
    let strict = compare(&canary, &baseline, &CompareConfig::default());
    assert_eq!(
        strict.classification,
        Classification::High,
        "{}",
        strict.reason
    );
    let lenient = CompareConfig {
        allowed_increase: 1.1,
        allowed_decrease: 0.9,
        ..CompareConfig::default()
    };
    let c = compare(&canary, &baseline, &lenient);
    assert_eq!(c.classification, Classification::Pass);
    assert!(
        c.reason
            .starts_with("canary is higher but within the allowed increase: mean ratio 1.03 < 1.1"),
        "{}",
        c.reason
    );
    let c = compare(&baseline, &canary, &lenient);
    assert_eq!(c.classification, Classification::Pass, "{}", c.reason);
}

#[test]
fn kayenta_tolerance_needs_the_interval_to_clear_a_quarter_of_the_shift() {
    // Interval [0.9375, 7.3125] around 4.0625: excludes 0, but not 0.25 × 4.0625.
    let (canary, baseline) = large();
    let c = compare(&canary, &baseline, &CompareConfig::default());
    assert_eq!(c.classification, Classification::Pass);
    assert!(
        c.reason.starts_with(
            "canary is slightly higher, within the tolerance: the interval's lower end 0.9375 \
             does not clear 0.25 × |shift| = 1.016"
        ),
        "{}",
        c.reason
    );
    assert_eq!(
        compare(&canary, &baseline, &no_tolerance()).classification,
        Classification::High
    );
}

#[test]
fn effect_size_is_skipped_when_a_mean_is_not_positive() {
    // Both negative: canary -5 is higher than baseline -10, ratio 0.5.
    let canary: Vec<f64> = around(-5.0, 1.0, 1);
    let baseline: Vec<f64> = around(-10.0, 1.0, 2);
    let c = compare(&canary, &baseline, &CompareConfig::default());
    assert_eq!(c.classification, Classification::High);
    assert!(
        c.reason
            .ends_with("mean ratio 0.5001 not checked: a mean is not positive"),
        "{}",
        c.reason
    );
    // Zero baseline mean: no ratio at all.
    let c = compare(
        &[1.0, 2.0, 3.0, 4.0, 5.0],
        &[0.0; 5],
        &CompareConfig::default(),
    );
    assert_eq!(c.effect_size, None);
    assert_eq!(c.classification, Classification::High);
    assert!(
        c.reason.ends_with("no mean ratio: the baseline mean is 0"),
        "{}",
        c.reason
    );
}

#[test]
fn nan_remove_and_replace() {
    let nan = f64::NAN;
    let canary = [nan, 5.0, nan, 6.0, 7.0, nan, 8.0, 9.0, nan, nan, nan, nan];
    let baseline = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5];
    let removed = compare(&canary, &baseline, &CompareConfig::default());
    assert_eq!(removed.canary_count, 5);
    assert_eq!(removed.canary_mean, 7.0);
    assert_eq!(removed.classification, Classification::High);
    let config = CompareConfig {
        nan_strategy: NanStrategy::Replace,
        ..CompareConfig::default()
    };
    let replaced = compare(&canary, &baseline, &config);
    assert_eq!(replaced.canary_count, 12);
    assert_close(replaced.canary_mean, 35.0 / 12.0, 1e-15);
    assert_eq!(
        replaced.classification,
        Classification::Pass,
        "{}",
        replaced.reason
    );
}

#[test]
fn infinities_are_dropped() {
    let canary = [f64::INFINITY, 1.0, 2.0, 3.0, 4.0, 5.0, f64::NEG_INFINITY];
    let c = compare(
        &canary,
        &[1.0, 2.0, 3.0, 4.0, 5.0],
        &CompareConfig::default(),
    );
    assert_eq!(c.canary_count, 5);
    assert_eq!(c.classification, Classification::Pass);
    assert_eq!(
        c.reason,
        "canary and baseline hold the same 5 values: no difference"
    );
}

#[test]
fn missing_data_is_nodata() {
    let c = compare(&[], &[1.0, 2.0], &CompareConfig::default());
    assert_eq!(c.classification, Classification::NoData);
    assert_eq!(
        c.reason,
        "not enough data: canary has 0 usable samples and baseline 2, at least 5 each are needed"
    );
    assert!(c.canary_mean.is_nan() && c.shift.is_nan() && c.effect_size.is_none());
    assert_eq!((c.u, c.z, c.p_value), (0.0, None, 1.0));

    let c = compare(&[f64::NAN; 10], &[1.0; 10], &CompareConfig::default());
    assert_eq!(c.classification, Classification::NoData);
    assert_eq!(c.canary_count, 0);

    // Too few, but both sides present: the numbers are still there.
    let c = compare(
        &[10.0, 11.0, 12.0],
        &[1.0, 2.0, 3.0, 4.0, 5.0],
        &CompareConfig::default(),
    );
    assert_eq!(c.classification, Classification::NoData);
    assert_eq!(c.u, 15.0);
    assert_eq!(c.shift, 8.0);
}

#[test]
fn constant_equal_series_pass() {
    let c = compare(&[0.5; 11], &[0.5; 11], &CompareConfig::default());
    assert_eq!(c.classification, Classification::Pass);
    assert_eq!(c.reason, "all 22 samples equal 0.5: no difference");
    assert_eq!(
        (c.u, c.p_value, c.shift, c.interval),
        (60.5, 1.0, 0.0, (0.0, 0.0))
    );
    assert_eq!(c.effect_size, Some(1.0));
    // -0 and 0 are the same value.
    let c = compare(
        &[0.0, -0.0, 0.0, 0.0, -0.0],
        &[-0.0; 5],
        &CompareConfig::default(),
    );
    assert_eq!(c.classification, Classification::Pass);
    assert!(
        c.reason.starts_with("all 10 samples equal 0"),
        "{}",
        c.reason
    );
}

#[test]
fn too_few_samples_for_the_confidence_give_an_unbounded_interval() {
    let config = CompareConfig {
        min_samples: 3,
        ..CompareConfig::default()
    };
    let c = compare(&[4.0, 5.0, 6.0], &[1.0, 2.0, 3.0], &config);
    // mannwhitneyu(method="exact"): U=9.0 p=0.1
    assert_eq!(c.u, 9.0);
    assert_close(c.p_value, 0.1, 1e-12);
    assert_eq!(c.interval, (f64::NEG_INFINITY, f64::INFINITY));
    assert_eq!(c.classification, Classification::Pass);
    assert!(
        c.reason
            .contains("98% CI unbounded: too few samples for 98% confidence"),
        "{}",
        c.reason
    );
}

#[test]
fn sample_order_does_not_matter() {
    let (canary, baseline) = large();
    let mut shuffled = canary.clone();
    shuffled.reverse();
    shuffled.rotate_left(17);
    let config = CompareConfig::default();
    assert_eq!(
        compare(&canary, &baseline, &config),
        compare(&shuffled, &baseline, &config)
    );
}

#[test]
fn big_inputs_use_selection_not_all_pairs() {
    // 5 000 × 7 000 = 35 million differences, never materialised.
    let canary: Vec<f64> = (0..5_000)
        .map(|i| ((i * 7919) % 5_000) as f64 * 0.01 + 2.0)
        .collect();
    let baseline: Vec<f64> = (0..7_000)
        .map(|j| ((j * 104_729) % 7_000) as f64 * 0.01 / 1.4 + 0.003)
        .collect();
    let c = compare(&canary, &baseline, &CompareConfig::default());
    // Both uniform on [0, 50) + offsets: shift ≈ 2 − 0.003.
    assert!((c.shift - 1.997).abs() < 0.01, "{}", c.shift);
    assert!(c.interval.0 < c.shift && c.shift < c.interval.1);
    assert!(c.z.is_some());
}

#[test]
fn huge_values_do_not_overflow_into_nan() {
    let canary = [f64::MAX, f64::MAX, -f64::MAX, f64::MAX, 1.0];
    let baseline = [-f64::MAX, -f64::MAX, f64::MAX, 0.0, -1.0];
    let c = compare(&canary, &baseline, &CompareConfig::default());
    assert!(!c.shift.is_nan() && !c.interval.0.is_nan() && !c.interval.1.is_nan());
    assert!(c.canary_mean.is_finite() && c.baseline_mean.is_finite());
    assert!((0.0..=1.0).contains(&c.p_value));
}

#[test]
fn nonsense_options_do_not_panic_and_validate_rejects_them() {
    let config = CompareConfig {
        confidence: f64::NAN,
        allowed_increase: f64::NAN,
        allowed_decrease: -1.0,
        tolerance: f64::INFINITY,
        min_samples: 0,
        ..CompareConfig::default()
    };
    let c = compare(&[], &[], &config);
    assert_eq!(c.classification, Classification::NoData);
    let (canary, baseline) = large();
    let c = compare(&canary, &baseline, &config);
    assert_eq!(c.classification, Classification::Pass);
    assert!(matches!(config.validate(), Err(ConfigError::Confidence(v)) if v.is_nan()));
    let config = CompareConfig {
        allowed_decrease: -1.0,
        ..CompareConfig::default()
    };
    assert_eq!(
        config.validate().map_err(|e| e.to_string()),
        Err("allowedDecrease must be a finite number of at least 0, not -1".into())
    );
    let config = CompareConfig {
        min_samples: 0,
        ..CompareConfig::default()
    };
    assert_eq!(config.validate(), Err(ConfigError::MinSamples));
    assert_eq!(CompareConfig::default().validate(), Ok(()));
    for confidence in [0.0, 1.0, 1.5] {
        let config = CompareConfig {
            confidence,
            ..CompareConfig::default()
        };
        assert_eq!(config.validate(), Err(ConfigError::Confidence(confidence)));
        let c = compare(&canary, &baseline, &config);
        assert!((0.0..=1.0).contains(&c.p_value));
    }
}

#[test]
fn serializes_with_camel_case_names() {
    let c = compare(&[], &[1.0], &CompareConfig::default());
    let json = serde_json::to_value(&c).expect("serializable");
    assert_eq!(json["classification"], "NoData");
    assert_eq!(json["canaryCount"], 0);
    assert_eq!(json["baselineCount"], 1);
    assert_eq!(json["pValue"], 1.0);
    assert!(json["canaryMean"].is_null() && json["effectSize"].is_null());
    assert!(json["interval"].as_array().is_some_and(|a| a.len() == 2));
    let config = serde_json::to_value(CompareConfig::default()).expect("serializable");
    assert_eq!(config["direction"], "either");
    assert_eq!(config["nanStrategy"], "remove");
    assert_eq!(config["allowedIncrease"], 1.0);
    let parsed: CompareConfig =
        serde_json::from_str(r#"{"direction":"increase","minSamples":8}"#).expect("parses");
    assert_eq!(parsed.direction, Direction::Increase);
    assert_eq!(parsed.min_samples, 8);
    assert_eq!(parsed.confidence, 0.98);
}

#[test]
fn numbers_in_reasons_are_short() {
    assert_eq!(num(0.004662004662004662), "0.004662");
    assert_eq!(num(1.0), "1");
    assert_eq!(num(1234.5678), "1235");
    assert_eq!(num(0.02), "0.02");
    assert_eq!(num(3.2e-7), "3.2e-7");
    assert_eq!(num(1.6911233892144735e-17), "1.691e-17");
    assert_eq!(num(-2.5e9), "-2.5e9");
    assert_eq!(signed(2.0), "+2");
    assert_eq!(signed(-0.25), "-0.25");
}

// ---- properties -------------------------------------------------------

/// Any f64 at all, with the awkward ones common.
fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(-f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(-0.0),
        Just(0.0),
        -5.0..5.0f64,
        (0i32..4).prop_map(f64::from),
    ]
}

/// Finite values with plenty of ties.
fn tame() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-20i32..20).prop_map(|v| f64::from(v) / 4.0),
        -1e3..1e3f64,
        0.5..2.0f64
    ]
}

fn config_strategy() -> impl Strategy<Value = CompareConfig> {
    (
        prop_oneof![
            Just(Direction::Either),
            Just(Direction::Increase),
            Just(Direction::Decrease)
        ],
        prop_oneof![Just(0.98), Just(0.9), Just(0.5), Just(0.999), any::<f64>()],
        prop_oneof![Just(NanStrategy::Remove), Just(NanStrategy::Replace)],
        0usize..8,
        prop_oneof![Just(0.25), Just(0.0), any::<f64>()],
        prop_oneof![Just(1.0), Just(1.2), any::<f64>()],
    )
        .prop_map(
            |(direction, confidence, nan_strategy, min_samples, tolerance, allowed)| {
                CompareConfig {
                    direction,
                    confidence,
                    allowed_increase: allowed,
                    allowed_decrease: 1.0 / allowed,
                    tolerance,
                    nan_strategy,
                    min_samples,
                }
            },
        )
}

proptest! {
    // XorShift: the default ChaCha generator dominates run time in debug
    // builds, and cryptographic quality buys nothing here.
    #![proptest_config(ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_and_stays_in_range(
        canary in prop::collection::vec(wild(), 0..60),
        baseline in prop::collection::vec(wild(), 0..60),
        config in config_strategy(),
    ) {
        let c = compare(&canary, &baseline, &config);
        prop_assert!((0.0..=1.0).contains(&c.p_value), "p={}", c.p_value);
        let pairs = (c.canary_count * c.baseline_count) as f64;
        prop_assert!(c.u >= 0.0 && c.u <= pairs);
        prop_assert!(!c.reason.is_empty());
        if c.canary_count > 0 && c.baseline_count > 0 {
            prop_assert!(!c.shift.is_nan());
            prop_assert!(c.interval.0 <= c.shift && c.shift <= c.interval.1, "{:?} {}", c.interval, c.shift);
        }
        if let Some(z) = c.z {
            prop_assert!(z.is_finite());
        }
        prop_assert!(c.effect_size.is_none_or(f64::is_finite));
    }

    #[test]
    fn swapping_sides_swaps_high_and_low(
        canary in prop::collection::vec(tame(), 1..35),
        baseline in prop::collection::vec(tame(), 1..35),
        min_samples in 1usize..6,
        tolerance in prop_oneof![Just(0.0), Just(0.25)],
    ) {
        let config = CompareConfig { min_samples, tolerance, ..CompareConfig::default() };
        let a = compare(&canary, &baseline, &config);
        let b = compare(&baseline, &canary, &config);
        let mirrored = match a.classification {
            Classification::High => Classification::Low,
            Classification::Low => Classification::High,
            other => other,
        };
        prop_assert_eq!(b.classification, mirrored, "{} / {}", a.reason, b.reason);
        prop_assert_eq!(b.shift, -a.shift);
        prop_assert_eq!(b.interval, (-a.interval.1, -a.interval.0));
        prop_assert_eq!(b.p_value, a.p_value);
        prop_assert_eq!(b.u, (a.canary_count * a.baseline_count) as f64 - a.u);
        prop_assert_eq!(b.z.map(|z| -z), a.z.map(|z| z + 0.0));
    }

    #[test]
    fn without_cross_ties_the_interval_excludes_zero_exactly_when_p_is_small(
        canary in prop::collection::vec(-500i32..500, 1..70),
        baseline in prop::collection::vec(-500i32..500, 1..70),
        shift in -300i32..300,
        confidence in prop_oneof![Just(0.98), Just(0.9), Just(0.995)],
    ) {
        // Canary odd, baseline even: no difference is 0 (ties inside a side
        // are fine; they only switch to the normal approximation).
        let canary: Vec<f64> = canary.iter().map(|&v| f64::from(2 * (v + shift) + 1)).collect();
        let baseline: Vec<f64> = baseline.iter().map(|&v| f64::from(2 * v)).collect();
        let config = CompareConfig { confidence, min_samples: 1, tolerance: 0.0, ..CompareConfig::default() };
        let c = compare(&canary, &baseline, &config);
        let excludes_zero = c.interval.0 > 0.0 || c.interval.1 < 0.0;
        prop_assert_eq!(excludes_zero, c.p_value < 1.0 - confidence, "{}", c.reason);
    }

    #[test]
    fn selection_matches_sorting_all_differences(
        x in prop::collection::vec(tame(), 1..30),
        y in prop::collection::vec(tame(), 1..30),
        gather in 1usize..20,
        pick in any::<prop::sample::Index>(),
    ) {
        let mut x = x;
        let mut y = y;
        x.sort_unstable_by(f64::total_cmp);
        y.sort_unstable_by(f64::total_cmp);
        let mut all: Vec<f64> = x.iter().flat_map(|a| y.iter().map(move |b| a - b)).collect();
        all.sort_unstable_by(f64::total_cmp);
        let k = pick.index(all.len());
        prop_assert_eq!(shift::kth_difference(&x, &y, k, gather), all[k]);
        prop_assert_eq!(shift::kth_difference(&x, &y, k, GATHER_LIMIT), all[k]);
    }
}
