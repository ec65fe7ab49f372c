//! Regression against a saved result: `--baseline prev.json
//! --max-regression p99=10%,rps=5%`. Latency may rise and throughput may fall
//! by at most the given percentage; the error rate may rise by at most the
//! given number of percentage points.

use serde::Serialize;

use super::result::LoadResult;
use super::threshold::{Metric, Unit};

/// The limits used when `--max-regression` is not given.
pub const DEFAULT_LIMITS: &str = "p99=10%,rps=5%,error_rate=1%";

/// Rows of the side-by-side table, in order.
const SHOWN: [Metric; 9] = [
    Metric::Rps,
    Metric::Mean,
    Metric::Percentile(50.0),
    Metric::Percentile(90.0),
    Metric::Percentile(95.0),
    Metric::Percentile(99.0),
    Metric::Percentile(99.9),
    Metric::Max,
    Metric::ErrorRate,
];

/// How far one metric may move before it counts as a regression.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limit {
    /// The metric.
    pub metric: Metric,
    /// Percent (relative) for latency and rps; percentage points for error_rate.
    pub percent: f64,
}

/// A `--max-regression` list that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--max-regression `{text}`: {reason}")]
pub struct LimitError {
    /// The item as written.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

/// Reads `p99=10%,rps=5%,error_rate=1%`.
pub fn parse_limits(text: &str) -> Result<Vec<Limit>, LimitError> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let fail = |reason: &str| LimitError {
                text: item.to_owned(),
                reason: reason.to_owned(),
            };
            let (name, percent) = item
                .split_once('=')
                .ok_or_else(|| fail("write METRIC=PERCENT, such as p99=10%"))?;
            let metric = Metric::parse(name).ok_or_else(|| {
                fail("unknown metric; use p50, p90, p95, p99, p99.9, mean, max, rps or error_rate")
            })?;
            if matches!(metric, Metric::Errors | Metric::Requests | Metric::Min) {
                return Err(fail("only latency, rps and error_rate can regress"));
            }
            let percent: f64 = percent
                .trim()
                .trim_end_matches('%')
                .parse()
                .ok()
                .filter(|p: &f64| p.is_finite() && *p >= 0.0)
                .ok_or_else(|| fail("the limit must be a percentage, such as 10%"))?;
            Ok(Limit { metric, percent })
        })
        .collect()
}

/// One row of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The metric's name.
    pub metric: String,
    /// Its unit.
    pub unit: Unit,
    /// The baseline's value (`null` without data).
    pub baseline: Option<f64>,
    /// This run's value.
    pub current: Option<f64>,
    /// Change: percent for latency and rps, percentage points for error_rate.
    pub change: Option<f64>,
    /// The allowed change, when the metric is limited.
    pub limit: Option<f64>,
    /// Whether the change exceeds the limit in the bad direction.
    pub regressed: bool,
}

/// The comparison of a run with its baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Every row of the table.
    pub rows: Vec<Row>,
    /// Whether any limited metric regressed.
    pub regressed: bool,
}

/// Compares `current` with `baseline` under `limits`.
pub fn compare(current: &LoadResult, baseline: &LoadResult, limits: &[Limit]) -> Comparison {
    let mut metrics: Vec<Metric> = SHOWN.to_vec();
    for limit in limits {
        if !metrics.contains(&limit.metric) {
            metrics.push(limit.metric);
        }
    }
    let rows: Vec<Row> = metrics
        .into_iter()
        .map(|metric| {
            let (was, now) = (metric.value(baseline), metric.value(current));
            let change = match (was, now) {
                (Some(was), Some(now)) if metric == Metric::ErrorRate => Some((now - was) * 100.0),
                (Some(was), Some(now)) if was != 0.0 => Some((now - was) / was * 100.0),
                (Some(_), Some(0.0)) => Some(0.0),
                _ => None,
            };
            let limit = limits
                .iter()
                .find(|l| l.metric == metric)
                .map(|l| l.percent);
            let regressed = match (limit, change) {
                (Some(limit), Some(change)) => {
                    if metric.lower_is_better() {
                        change > limit
                    } else {
                        -change > limit
                    }
                }
                // A limited metric that had data and now has none regressed.
                (Some(_), None) => was.is_some() && now.is_none(),
                _ => false,
            };
            Row {
                metric: metric.name(),
                unit: metric.unit(),
                baseline: was,
                current: now,
                change: change.map(|c| (c * 100.0).round() / 100.0),
                limit,
                regressed,
            }
        })
        .collect();
    let regressed = rows.iter().any(|r| r.regressed);
    Comparison { rows, regressed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_metric_equals_percent() {
        let limits = parse_limits(DEFAULT_LIMITS).unwrap();
        assert_eq!(limits.len(), 3);
        assert_eq!(limits[0].metric, Metric::Percentile(99.0));
        assert_eq!(limits[1].percent, 5.0);
        assert!(
            parse_limits("p99")
                .unwrap_err()
                .reason
                .contains("METRIC=PERCENT")
        );
        assert!(parse_limits("p99=lots").is_err());
        assert!(parse_limits("speed=5%").is_err());
        assert!(parse_limits("requests=5%").is_err());
    }
}
