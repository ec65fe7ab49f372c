//! Durations, rates and sizes as people write and read them: `250ms`,
//! `1m30s`, `1000/s`, `12.3 MiB`. Shared by `load` and `gate`.

use std::time::Duration;

/// A duration, rate or size that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not {what}: {reason}")]
pub struct UnitError {
    /// The text as given.
    pub input: String,
    /// What was expected ("a duration", "a rate").
    pub what: &'static str,
    /// Why it was refused, with the accepted forms.
    pub reason: String,
}

impl UnitError {
    fn new(input: &str, what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            input: input.to_owned(),
            what,
            reason: reason.into(),
        }
    }
}

const DURATION_FORMS: &str = "write a number with a unit, such as 500ms, 10s, 1m30s or 2h \
     (units: us, ms, s, m, h, d)";

/// Reads a duration such as `500ms`, `10s`, `1.5s`, `1m30s` or `2h` (Go and
/// Prometheus style). A bare number is refused: `10` could mean seconds or
/// milliseconds, and guessing wrong makes a load test 1000 times too long.
pub fn parse_duration(input: &str) -> Result<Duration, UnitError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(UnitError::new(input, "a duration", DURATION_FORMS));
    }
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return Err(UnitError::new(input, "a duration", DURATION_FORMS));
        }
        let number: f64 = rest[..number_len]
            .parse()
            .map_err(|_| UnitError::new(input, "a duration", DURATION_FORMS))?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "" => {
                return Err(UnitError::new(
                    input,
                    "a duration",
                    format!("`{}` has no unit; {DURATION_FORMS}", &text),
                ));
            }
            other => {
                return Err(UnitError::new(
                    input,
                    "a duration",
                    format!("unknown unit `{other}`; {DURATION_FORMS}"),
                ));
            }
        };
        total += number * seconds_per_unit;
        rest = &rest[unit_len..];
    }
    if !total.is_finite() || total > 1e9 {
        return Err(UnitError::new(input, "a duration", "it is too long"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Reads a rate in requests per second: `1000`, `1000/s`, `600/m`, `2.5/s`.
pub fn parse_rate(input: &str) -> Result<f64, UnitError> {
    const FORMS: &str = "write requests per second, such as 1000, 1000/s or 600/m";
    let text = input.trim();
    let (number, per) = match text.split_once('/') {
        Some((n, unit)) => (n, unit),
        None => (text, "s"),
    };
    let per_seconds = match per.trim() {
        "s" | "1s" | "sec" => 1.0,
        "m" | "1m" | "min" => 60.0,
        "h" | "1h" => 3600.0,
        other => match parse_duration(other) {
            Ok(d) if !d.is_zero() => d.as_secs_f64(),
            _ => return Err(UnitError::new(input, "a rate", FORMS)),
        },
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| UnitError::new(input, "a rate", FORMS))?;
    if !value.is_finite() || value < 0.0 {
        return Err(UnitError::new(input, "a rate", FORMS));
    }
    Ok(value / per_seconds)
}

/// A latency for people: `812µs`, `4.21ms`, `1.30s`, three significant digits.
pub fn format_latency(duration: Duration) -> String {
    let micros = duration.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{}µs", significant(micros))
    } else if micros < 1e6 {
        format!("{}ms", significant(micros / 1e3))
    } else {
        format!("{}s", significant(micros / 1e6))
    }
}

/// A run length for people: `10s`, `1m30s`, `2.5s`, `250ms`.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 1.0 {
        return format!("{}ms", significant(secs * 1e3));
    }
    if secs < 60.0 {
        return format!("{}s", significant(secs));
    }
    let whole = duration.as_secs();
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// A byte count for people: `512 B`, `1.50 KiB`, `12.3 MiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{} {unit}", significant(value))
}

/// A count with thousands separators: `1234567` as `1,234,567`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `value` with three significant digits and no trailing zeros: 1.5, 12.3, 812.
fn significant(value: f64) -> String {
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_go_and_prometheus() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("500ms"), Ok(ms(500)));
        assert_eq!(parse_duration("10s"), Ok(ms(10_000)));
        assert_eq!(parse_duration("1.5s"), Ok(ms(1_500)));
        assert_eq!(parse_duration("1m30s"), Ok(ms(90_000)));
        assert_eq!(parse_duration("2h"), Ok(ms(7_200_000)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in ["", "10", "s", "5 parsecs", "1.2.3s", "-1s"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.to_string().contains("500ms"), "{bad}: {err}");
        }
        assert!(parse_duration("10").unwrap_err().reason.contains("no unit"));
    }

    #[test]
    fn rates_are_per_second() {
        assert_eq!(parse_rate("1000"), Ok(1000.0));
        assert_eq!(parse_rate("1000/s"), Ok(1000.0));
        assert_eq!(parse_rate("600/m"), Ok(10.0));
        assert_eq!(parse_rate("5/100ms"), Ok(50.0));
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("-5").is_err());
    }

    #[test]
    fn people_read_three_significant_digits() {
        assert_eq!(format_latency(Duration::from_micros(812)), "812µs");
        assert_eq!(format_latency(Duration::from_micros(4_210)), "4.21ms");
        assert_eq!(format_latency(Duration::from_micros(12_000)), "12ms");
        assert_eq!(format_latency(Duration::from_millis(1_300)), "1.3s");
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_millis(2_500)), "2.5s");
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.5 KiB");
        assert_eq!(format_bytes(12_900_000), "12.3 MiB");
    }
}
