//! Go's spellings and readings of numbers, durations and times, so values
//! read and print the way they do in Argo (`0.95`, `+Inf`, `5m0s`).

/// A float as Go's `strconv.FormatFloat(f, 'f', -1, 64)` writes it: the
/// shortest text that reads back to the same number, never an exponent;
/// `NaN`, `+Inf`, `-Inf`. This is how Argo stores a measurement's value.
pub(crate) fn float_f(f: f64) -> String {
    crate::document::go_float_text(f)
}

/// A float as Go's `fmt` `%v` writes it (`strconv` `'g'`, shortest): an
/// exponent when the decimal exponent is below -4 or at least 6, as in
/// `1e+06` or `1.5e-07`.
pub(crate) fn float_v(f: f64) -> String {
    if !f.is_finite() || f == 0.0 {
        return float_f(f);
    }
    // `{:e}` gives the shortest round-trip digits: `1.5e-7`, `1e6`.
    let sci = format!("{f:e}");
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return float_f(f);
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        float_f(f)
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    }
}

/// Seconds as whole nanoseconds, Go's unit for durations. The conversion
/// saturates; durations from `duration()` stay far from the limits.
fn nanos(seconds: f64) -> i64 {
    (seconds * 1e9).round() as i64
}

/// A duration as Go's `time.Duration.String` writes it: `5m0s`,
/// `1h30m0s`, `1.5s`, `500ms`, `0s`.
pub(crate) fn duration(seconds: f64) -> String {
    let d = nanos(seconds);
    if d == 0 {
        return "0s".to_owned();
    }
    let sign = if d < 0 { "-" } else { "" };
    let u = d.unsigned_abs();
    if u < 1_000_000_000 {
        let (div, unit) = match u {
            0..1_000 => (1, "ns"),
            1_000..1_000_000 => (1_000, "µs"),
            _ => (1_000_000, "ms"),
        };
        return format!("{sign}{}{unit}", fraction(u, div));
    }
    let secs = u / 1_000_000_000;
    let mut out = sign.to_owned();
    if secs >= 3600 {
        out.push_str(&format!("{}h", secs / 3600));
    }
    if secs >= 60 {
        out.push_str(&format!("{}m", secs / 60 % 60));
    }
    out.push_str(&fraction(
        secs % 60 * 1_000_000_000 + u % 1_000_000_000,
        1_000_000_000,
    ));
    out.push('s');
    out
}

/// `value / div` with the remainder as decimals, trailing zeros dropped.
fn fraction(value: u64, div: u64) -> String {
    let whole = value / div;
    let rest = value % div;
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.ilog10() as usize;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// The latest second this module writes as a date (9999-12-31T23:59:59Z).
const MAX_DATE_SECONDS: f64 = 253_402_300_799.0;

/// Civil date, time of day and nanoseconds of a unix time, if it is a
/// date between years 0 and 9999.
fn civil(seconds: f64) -> Option<(i64, u32, u32, u64, u64)> {
    if !seconds.is_finite() || seconds.abs() > MAX_DATE_SECONDS + 1.0 {
        return None;
    }
    let mut whole = seconds.floor() as i64;
    let mut nanos = ((seconds - seconds.floor()) * 1e9).round() as u64;
    if nanos >= 1_000_000_000 {
        whole += 1;
        nanos -= 1_000_000_000;
    }
    let days = whole.div_euclid(86_400);
    let of_day = whole.rem_euclid(86_400) as u64;
    // Days since 1970-01-01 to a proleptic Gregorian date (Hinnant's method).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some((year, month, day, of_day, nanos))
}

/// `2024-05-01T12:00:00Z`, with a fraction when there is one (RFC 3339,
/// UTC). Out-of-range times are written as `@<seconds>`.
pub(crate) fn time_rfc3339(seconds: f64) -> String {
    match civil(seconds) {
        Some((y, mo, d, of_day, ns)) => format!(
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{}Z",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60,
            nano_suffix(ns)
        ),
        None => format!("@{}", float_f(seconds)),
    }
}

/// Go's `time.Time.String` for a UTC time: `2024-05-01 12:00:00 +0000 UTC`.
pub(crate) fn time_go(seconds: f64) -> String {
    match civil(seconds) {
        Some((y, mo, d, of_day, ns)) => format!(
            "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}{} +0000 UTC",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60,
            nano_suffix(ns)
        ),
        None => format!("@{}", float_f(seconds)),
    }
}

fn nano_suffix(ns: u64) -> String {
    if ns == 0 {
        String::new()
    } else {
        let digits = format!("{ns:09}");
        format!(".{}", digits.trim_end_matches('0'))
    }
}

/// Go's float-to-int conversion as amd64 does it: truncation toward zero,
/// and the minimum integer for NaN and out-of-range values.
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    let limit = -(i64::MIN as f64); // 2^63, exactly
    if f.is_nan() || !(-limit..limit).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// Go's `strconv.ParseFloat` for decimal text: a sign, digits, a fraction,
/// an exponent, or `inf`/`infinity`/`nan` in any case. Out-of-range values
/// are errors, as in Go.
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
    let f: f64 = s.parse().ok()?;
    let spelled_inf = s
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase()
        .starts_with("inf");
    (f.is_finite() || f.is_nan() || spelled_inf).then_some(f)
}

/// Go's `time.ParseDuration` through `crate::units::parse_duration`: Go
/// units only (a `d` is refused as Go refuses it), with a leading sign.
pub(crate) fn parse_go_duration(text: &str) -> Result<f64, String> {
    let invalid = || format!("time: invalid duration {text:?}");
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if body.is_empty() || body.trim() != body {
        return Err(invalid());
    }
    for unit in body.split(|c: char| c.is_ascii_digit() || c == '.') {
        if !matches!(
            unit,
            "" | "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return Err(format!("time: unknown unit {unit:?} in duration {text:?}"));
        }
    }
    let seconds = crate::units::parse_duration(&body.replace('μ', "µ"))
        .map_err(|_| invalid())?
        .as_secs_f64();
    Ok(if negative { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_like_go() {
        let cases = [
            (0.95, "0.95", "0.95"),
            (1.0, "1", "1"),
            (
                0.9090909090909091,
                "0.9090909090909091",
                "0.9090909090909091",
            ),
            (1e6, "1000000", "1e+06"),
            (999_999.5, "999999.5", "999999.5"),
            (1_234_567.0, "1234567", "1.234567e+06"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "0.00001", "1e-05"),
            (1.5e-7, "0.00000015", "1.5e-07"),
            (1e21, "1000000000000000000000", "1e+21"),
            (1e100, &format!("1{}", "0".repeat(100)), "1e+100"),
            (-2.5, "-2.5", "-2.5"),
            (-0.0, "-0", "-0"),
            (f64::NAN, "NaN", "NaN"),
            (f64::INFINITY, "+Inf", "+Inf"),
            (f64::NEG_INFINITY, "-Inf", "-Inf"),
        ];
        for (f, fixed, v) in cases {
            assert_eq!(float_f(f), fixed, "{f:?}");
            assert_eq!(float_v(f), v, "{f:?}");
        }
    }

    #[test]
    fn durations_read_like_go() {
        let cases = [
            (0.0, "0s"),
            (300.0, "5m0s"),
            (5400.0, "1h30m0s"),
            (3600.0, "1h0m0s"),
            (1.5, "1.5s"),
            (0.5, "500ms"),
            (0.0015, "1.5ms"),
            (0.000_001_5, "1.5µs"),
            (0.000_000_012, "12ns"),
            (-300.0, "-5m0s"),
            (90_061.25, "25h1m1.25s"),
        ];
        for (secs, text) in cases {
            assert_eq!(duration(secs), text, "{secs}");
        }
    }

    #[test]
    fn times_read_as_utc() {
        assert_eq!(time_rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(time_rfc3339(1_714_564_800.5), "2024-05-01T12:00:00.5Z");
        assert_eq!(time_rfc3339(951_782_400.0), "2000-02-29T00:00:00Z");
        assert_eq!(time_rfc3339(-86_400.0), "1969-12-31T00:00:00Z");
        assert_eq!(time_go(1_714_564_800.0), "2024-05-01 12:00:00 +0000 UTC");
        assert_eq!(time_rfc3339(f64::NAN), "@NaN");
        assert_eq!(time_rfc3339(1e300), format!("@{}", float_f(1e300)));
    }

    #[test]
    fn durations_are_go_durations() {
        assert_eq!(parse_go_duration("5m"), Ok(300.0));
        assert_eq!(parse_go_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_go_duration("-1.5s"), Ok(-1.5));
        assert_eq!(parse_go_duration("500ms"), Ok(0.5));
        assert_eq!(parse_go_duration("2μs"), Ok(2e-6));
        assert_eq!(parse_go_duration("0"), Ok(0.0));
        assert!(
            parse_go_duration("1d")
                .unwrap_err()
                .contains("unknown unit \"d\"")
        );
        for bad in ["", "5", "abc", "5 m", "-", "1.2.3s"] {
            assert!(parse_go_duration(bad).is_err(), "{bad}");
        }
    }
}
