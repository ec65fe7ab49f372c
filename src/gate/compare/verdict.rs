//! The classification rules and the sentence that explains them.

use super::{Classification, Comparison, Options};

/// The classification and its one-sentence reason.
pub(super) fn verdict(
    c: &Comparison,
    x: &[f64],
    y: &[f64],
    options: &Options,
) -> (Classification, String) {
    use Classification::{High, Low, NoData, Pass};
    let (m, n) = (c.canary_count, c.baseline_count);
    if m < options.min_samples || n < options.min_samples {
        return (
            NoData,
            format!(
                "not enough data: canary has {m} usable samples and baseline {n}, \
                 at least {} each are needed",
                options.min_samples
            ),
        );
    }
    if x.first() == x.last() && y.first() == y.last() && x.first() == y.first() {
        let value = num(x.first().copied().unwrap_or(0.0));
        return (
            Pass,
            format!("all {} samples equal {value}: no difference", m + n),
        );
    }
    if x == y {
        return (
            Pass,
            format!("canary and baseline hold the same {m} values: no difference"),
        );
    }

    let alpha = 1.0 - options.confidence;
    let (low, high) = c.interval;
    let percent = num(100.0 * options.confidence);
    let interval = if low == f64::NEG_INFINITY && high == f64::INFINITY {
        format!("{percent}% CI unbounded: too few samples for {percent}% confidence")
    } else {
        format!("{percent}% CI {} to {}", num(low), num(high))
    };
    let relation = if c.p_value < alpha { "<" } else { "≥" };
    let stats = format!(
        "p={} {relation} {}, shift {} ({interval})",
        num(c.p_value),
        num(alpha),
        signed(c.shift),
    );
    // Kayenta's bounds: ± tolerance · |shift| (0 · inf would be NaN).
    let bound = if options.tolerance == 0.0 {
        0.0
    } else {
        options.tolerance * c.shift.abs()
    };
    let ratio_applies = c.canary_mean > 0.0 && c.baseline_mean > 0.0;
    let ratio = c.effect_size.filter(|_| ratio_applies);
    let unchecked = || match c.effect_size {
        Some(r) => format!("mean ratio {} not checked: a mean is not positive", num(r)),
        None if c.baseline_mean == 0.0 => "no mean ratio: the baseline mean is 0".to_string(),
        None => "no mean ratio: it overflows".to_string(),
    };
    let direction = options.direction.name();

    if low > bound {
        if !options.direction.flags_increase() {
            return (
                Pass,
                format!("canary is higher, but direction is {direction}: {stats}"),
            );
        }
        return match ratio {
            Some(r) if r < options.allowed_increase => (
                Pass,
                format!(
                    "canary is higher but within the allowed increase: mean ratio {} < {}, {stats}",
                    num(r),
                    num(options.allowed_increase)
                ),
            ),
            Some(r) => (
                High,
                format!(
                    "canary is higher: {stats}, mean ratio {} ≥ allowed {}",
                    num(r),
                    num(options.allowed_increase)
                ),
            ),
            None => (High, format!("canary is higher: {stats}, {}", unchecked())),
        };
    }
    if high < -bound {
        if !options.direction.flags_decrease() {
            return (
                Pass,
                format!("canary is lower, but direction is {direction}: {stats}"),
            );
        }
        return match ratio {
            Some(r) if r > options.allowed_decrease => (
                Pass,
                format!(
                    "canary is lower but within the allowed decrease: mean ratio {} > {}, {stats}",
                    num(r),
                    num(options.allowed_decrease)
                ),
            ),
            Some(r) => (
                Low,
                format!(
                    "canary is lower: {stats}, mean ratio {} ≤ allowed {}",
                    num(r),
                    num(options.allowed_decrease)
                ),
            ),
            None => (Low, format!("canary is lower: {stats}, {}", unchecked())),
        };
    }
    if low > 0.0 || high < 0.0 {
        let (side, end, value) = if low > 0.0 {
            ("higher", "lower", low)
        } else {
            ("lower", "upper", high)
        };
        return (
            Pass,
            format!(
                "canary is slightly {side}, within the tolerance: the interval's {end} end {} \
                 does not clear {} × |shift| = {}; {stats}",
                num(value),
                num(options.tolerance),
                num(bound)
            ),
        );
    }
    (Pass, format!("no significant difference: {stats}"))
}

/// `x` with about four significant digits, for reasons.
pub(super) fn num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let exponent = x.abs().log10().floor();
    if !(-4.0..6.0).contains(&exponent) {
        let text = format!("{x:.3e}");
        let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{power}");
    }
    let decimals = (3.0 - exponent).max(0.0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// [`num`] with a `+` on positive numbers.
pub(super) fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", num(x))
    } else {
        num(x)
    }
}
