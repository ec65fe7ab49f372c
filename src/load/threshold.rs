//! k6-style thresholds: `p95<200ms`, `p99<=1s`, `error_rate<1%`, `rps>=500`,
//! `mean<50ms`. Every threshold is evaluated (none short-circuits), and one
//! on a metric with no data fails instead of passing silently (k6 #4283).

use serde::Serialize;

use super::result::LoadResult;
use crate::units::{UnitError, parse_duration};

/// A figure of a result that thresholds and baselines compare.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Latency at a percentile (50 = median), milliseconds.
    Percentile(f64),
    /// Fastest response, ms.
    Min,
    /// Slowest response, ms.
    Max,
    /// Mean latency, ms.
    Mean,
    /// Requests per second.
    Rps,
    /// Failed fraction of requests (0..1).
    ErrorRate,
    /// Failed requests (transport errors plus statuses ≥ 400).
    Errors,
    /// Requests finished.
    Requests,
}

/// What a metric's numbers measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Milliseconds.
    Ms,
    /// A fraction, shown as a percentage.
    Ratio,
    /// Per second.
    PerSecond,
    /// A plain count.
    Count,
}

const METRIC_FORMS: &str = "p50, p90, p95, p99, p99.9 (any pNN), med, min, max, mean, avg, rps, \
     error_rate, errors, requests";

const METRIC_NAMES: &[&str] = &[
    "p50",
    "p90",
    "p95",
    "p99",
    "med",
    "min",
    "max",
    "mean",
    "avg",
    "rps",
    "error_rate",
    "errors",
    "requests",
];

impl Metric {
    /// Reads a metric name: `p95`, `p(99.9)`, `med`, `mean`, `rps`, `error_rate`…
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        let percentile = name
            .strip_prefix("p(")
            .and_then(|rest| rest.strip_suffix(')'))
            .or_else(|| name.strip_prefix('p'));
        if let Some(number) = percentile
            && let Ok(p) = number.parse::<f64>()
            && (0.0..=100.0).contains(&p)
            && !number.starts_with(['+', '-'])
        {
            return Some(Metric::Percentile(p));
        }
        Some(match name {
            "med" | "median" => Metric::Percentile(50.0),
            "min" => Metric::Min,
            "max" => Metric::Max,
            "mean" | "avg" => Metric::Mean,
            "rps" | "rate" => Metric::Rps,
            "error_rate" | "errors_rate" | "failed_rate" => Metric::ErrorRate,
            "errors" | "failed" => Metric::Errors,
            "requests" | "count" => Metric::Requests,
            _ => return None,
        })
    }

    /// The metric's unit.
    pub fn unit(self) -> Unit {
        match self {
            Metric::Percentile(_) | Metric::Min | Metric::Max | Metric::Mean => Unit::Ms,
            Metric::Rps => Unit::PerSecond,
            Metric::ErrorRate => Unit::Ratio,
            Metric::Errors | Metric::Requests => Unit::Count,
        }
    }

    /// The metric's value in a result; `None` for latency with no responses.
    pub fn value(self, result: &LoadResult) -> Option<f64> {
        let s = &result.summary;
        let latency = || -> Option<f64> {
            if s.responses == 0 {
                return None;
            }
            Some(match self {
                Metric::Percentile(p) => {
                    let h = result.histogram().ok()?;
                    h.value_at_quantile(p / 100.0) as f64 / 1000.0
                }
                Metric::Min => s.latency_ms.min,
                Metric::Max => s.latency_ms.max,
                _ => s.latency_ms.mean,
            })
        };
        match self {
            Metric::Rps => Some(s.rps),
            Metric::ErrorRate => (s.requests > 0).then_some(s.error_rate),
            Metric::Errors => Some((s.transport_errors + s.http_errors) as f64),
            Metric::Requests => Some(s.requests as f64),
            _ => latency(),
        }
    }

    /// The metric's name as written back to people.
    pub fn name(self) -> String {
        match self {
            Metric::Percentile(50.0) => "p50".to_owned(),
            Metric::Percentile(p) => format!("p{p}"),
            Metric::Min => "min".to_owned(),
            Metric::Max => "max".to_owned(),
            Metric::Mean => "mean".to_owned(),
            Metric::Rps => "rps".to_owned(),
            Metric::ErrorRate => "error_rate".to_owned(),
            Metric::Errors => "errors".to_owned(),
            Metric::Requests => "requests".to_owned(),
        }
    }

    /// Whether a lower value is better (latency, errors) or worse (rps).
    pub fn lower_is_better(self) -> bool {
        !matches!(self, Metric::Rps | Metric::Requests)
    }
}

/// Formats a metric value for people: `212ms`, `0.52%`, `812.3/s`, `12`.
pub fn format_value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Ms => crate::units::format_latency(std::time::Duration::from_secs_f64(
            value.max(0.0) / 1000.0,
        )),
        Unit::Ratio => format!("{}%", trim_float(value * 100.0, 2)),
        Unit::PerSecond => format!("{}/s", trim_float(value, 1)),
        Unit::Count => trim_float(value, 0),
    }
}

fn trim_float(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    fn holds(self, actual: f64, limit: f64) -> bool {
        match self {
            Op::Lt => actual < limit,
            Op::Le => actual <= limit,
            Op::Gt => actual > limit,
            Op::Ge => actual >= limit,
            Op::Eq => (actual - limit).abs() < 1e-9,
            Op::Ne => (actual - limit).abs() >= 1e-9,
        }
    }
}

/// A threshold that does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("threshold `{text}`: {reason}")]
pub struct ThresholdError {
    /// The threshold as written.
    pub text: String,
    /// What is wrong and what is accepted.
    pub reason: String,
}

/// One parsed threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    /// As written.
    pub text: String,
    /// What it reads.
    pub metric: Metric,
    /// How it compares.
    pub op: Op,
    /// The limit in the metric's unit (ms, fraction, per second, count).
    pub limit: f64,
}

impl Threshold {
    /// Reads `METRIC OP VALUE`, such as `p95<200ms` or `error_rate < 1%`.
    pub fn parse(text: &str) -> Result<Self, ThresholdError> {
        let fail = |reason: String| ThresholdError {
            text: text.to_owned(),
            reason,
        };
        let at = text.find(['<', '>', '=', '!']).ok_or_else(|| {
            fail("no comparison; write METRIC OP VALUE, such as p95<200ms or error_rate<1%".into())
        })?;
        let (name, rest) = text.split_at(at);
        let (op, value) = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find_map(|(symbol, op)| rest.strip_prefix(symbol).map(|v| (op, v.trim())))
        .ok_or_else(|| {
            fail(format!(
                "unknown operator in `{rest}`; use <, <=, >, >=, == or !="
            ))
        })?;
        let metric = Metric::parse(name).ok_or_else(|| {
            let hint = crate::diagnostic::closest(name.trim(), METRIC_NAMES.iter().copied())
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            fail(format!(
                "unknown metric `{}`; {hint}metrics: {METRIC_FORMS}",
                name.trim()
            ))
        })?;
        let limit = parse_limit(metric.unit(), value).map_err(fail)?;
        Ok(Self {
            text: text.to_owned(),
            metric,
            op,
            limit,
        })
    }

    /// Evaluates the threshold against a result.
    pub fn evaluate(&self, result: &LoadResult) -> Verdict {
        let actual = self.metric.value(result);
        Verdict {
            threshold: self.text.clone(),
            metric: self.metric.name(),
            unit: self.metric.unit(),
            limit: self.limit,
            actual,
            pass: actual.is_some_and(|a| self.op.holds(a, self.limit)),
        }
    }
}

/// Reads a limit in the metric's unit: durations for latency (plain numbers
/// are milliseconds, as in k6), percentages or fractions for rates.
fn parse_limit(unit: Unit, value: &str) -> Result<f64, String> {
    let number = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("`{value}` is not a number"))
    };
    match unit {
        Unit::Ms => {
            if value.trim().chars().all(|c| c.is_ascii_digit() || c == '.') {
                number(value)
            } else {
                parse_duration(value)
                    .map(|d| d.as_secs_f64() * 1000.0)
                    .map_err(|e: UnitError| e.reason)
            }
        }
        Unit::Ratio => match value.trim().strip_suffix('%') {
            Some(percent) => Ok(number(percent)? / 100.0),
            None => number(value),
        },
        Unit::PerSecond => number(value.trim().trim_end_matches("/s")),
        Unit::Count => number(value),
    }
}

/// A threshold's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The threshold as written.
    pub threshold: String,
    /// The metric's name.
    pub metric: String,
    /// Its unit.
    pub unit: Unit,
    /// The limit, in the unit.
    pub limit: f64,
    /// The measured value; `null` when there was no data (then it fails).
    pub actual: Option<f64>,
    /// Whether it held.
    pub pass: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_read_like_k6_with_units() {
        let t = Threshold::parse("p95<200ms").unwrap();
        assert_eq!(
            (t.metric, t.op, t.limit),
            (Metric::Percentile(95.0), Op::Lt, 200.0)
        );
        let t = Threshold::parse("p99 <= 1s").unwrap();
        assert_eq!(
            (t.metric, t.op, t.limit),
            (Metric::Percentile(99.0), Op::Le, 1000.0)
        );
        let t = Threshold::parse("error_rate<1%").unwrap();
        assert_eq!((t.metric, t.limit), (Metric::ErrorRate, 0.01));
        let t = Threshold::parse("error_rate<0.05").unwrap();
        assert_eq!(t.limit, 0.05);
        let t = Threshold::parse("rps>=500").unwrap();
        assert_eq!((t.metric, t.op, t.limit), (Metric::Rps, Op::Ge, 500.0));
        let t = Threshold::parse("mean<50").unwrap();
        assert_eq!((t.metric, t.limit), (Metric::Mean, 50.0));
        let t = Threshold::parse("p(99.9)<1500").unwrap();
        assert_eq!(t.metric, Metric::Percentile(99.9));
        assert_eq!(
            Threshold::parse("med<5ms").unwrap().metric,
            Metric::Percentile(50.0)
        );
    }

    #[test]
    fn bad_thresholds_say_what_is_accepted() {
        let err = Threshold::parse("p95 200ms").unwrap_err();
        assert!(err.reason.contains("METRIC OP VALUE"), "{err}");
        let err = Threshold::parse("latency<200ms").unwrap_err();
        assert!(err.reason.contains("metrics: p50"), "{err}");
        let err = Threshold::parse("eror_rate<1%").unwrap_err();
        assert!(err.reason.contains("did you mean `error_rate`"), "{err}");
        let err = Threshold::parse("p95<fast").unwrap_err();
        assert!(err.to_string().contains("p95<fast"), "{err}");
        assert!(Threshold::parse("p101<1s").is_err());
        assert!(Threshold::parse("p95=<1s").is_err());
    }

    #[test]
    fn values_are_shown_in_their_unit() {
        assert_eq!(format_value(Unit::Ms, 212.0), "212ms");
        assert_eq!(format_value(Unit::Ratio, 0.0052), "0.52%");
        assert_eq!(format_value(Unit::PerSecond, 812.34), "812.3/s");
        assert_eq!(format_value(Unit::Count, 12.0), "12");
    }
}
