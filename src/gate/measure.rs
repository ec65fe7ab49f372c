//! One measurement: send the metric's query, build `result` as Argo builds
//! it, and judge it with the conditions (or, for `compare`, the test).

use std::time::Duration;

use super::analysis::{Measurement, Phase};
use super::compare::{self, Classification};
use super::expr::{Env, Value};
use super::spec::{Bound, Metric, Query};
use crate::document::go_float_text;
use crate::prometheus::{Client, PromError, QueryData, QueryResponse};

/// Pauses before the retries of a transient failure (refused, 502–504):
/// a Prometheus restart or a proxy blip should not cost a measurement.
const RETRY_PAUSES: [Duration; 2] = [Duration::from_millis(250), Duration::from_millis(750)];

/// Takes one measurement of `metric` evaluated at `now` (unix seconds).
/// Never fails: a query that cannot run is an Error measurement.
pub async fn take(metric: &Metric, client: &Client, now: f64) -> Measurement {
    let mut out = Measurement {
        phase: Phase::Error,
        message: None,
        started_at: now,
        finished_at: now,
        value: None,
        warnings: Vec::new(),
        comparison: None,
    };
    match &metric.provider.query {
        Query::Instant(promql) => match retry(|| client.query(promql, Some(now))).await {
            Ok(response) => judge(metric, response, now, &mut out),
            Err(e) => out.message = Some(e.to_string()),
        },
        Query::Range {
            query,
            start,
            end,
            step,
        } => match window(start, end, now) {
            Ok((from, to)) => match retry(|| client.query_range(query, from, to, *step)).await {
                Ok(response) => judge(metric, response, now, &mut out),
                Err(e) => out.message = Some(e.to_string()),
            },
            Err(message) => out.message = Some(message),
        },
        Query::Compare {
            canary,
            baseline,
            range,
            step,
            config,
        } => {
            let from = now - range.as_secs_f64();
            let (c, b) = futures_util::future::join(
                retry(|| client.query_range(canary, from, now, *step)),
                retry(|| client.query_range(baseline, from, now, *step)),
            )
            .await;
            match (c.and_then(samples), b.and_then(samples)) {
                (Ok((c, cw)), Ok((b, bw))) => {
                    let result = compare::compare(&c, &b, config);
                    out.phase = match result.classification {
                        Classification::Pass => Phase::Successful,
                        Classification::High | Classification::Low => Phase::Failed,
                        Classification::NoData => Phase::Inconclusive,
                    };
                    out.value = Some(format!(
                        "{:?} p={}",
                        result.classification,
                        go_float_text(round_sig(result.p_value))
                    ));
                    if out.phase != Phase::Successful {
                        out.message = Some(result.reason.clone());
                    }
                    out.warnings = cw.into_iter().chain(bw).collect();
                    out.comparison = Some(result);
                }
                (Err(e), _) | (_, Err(e)) => out.message = Some(e.to_string()),
            }
        }
    }
    out
}

/// Four significant digits, for a value line people read.
fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

async fn retry<F, Fut>(mut call: F) -> Result<QueryResponse, PromError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<QueryResponse, PromError>>,
{
    let mut pauses = RETRY_PAUSES.iter();
    loop {
        match call().await {
            Err(e) if e.is_transient() => match pauses.next() {
                Some(pause) if !crate::interrupt::requested() => tokio::time::sleep(*pause).await,
                _ => return Err(e),
            },
            other => return other,
        }
    }
}

/// Every sample of a range answer, series after series.
fn samples(response: QueryResponse) -> Result<(Vec<f64>, Vec<String>), PromError> {
    let values = match response.data {
        QueryData::Matrix(series) => series
            .iter()
            .flat_map(|s| s.samples.iter().map(|p| p.value))
            .collect(),
        QueryData::Vector(series) => series.iter().map(|s| s.sample.value).collect(),
        QueryData::Scalar(s) => vec![s.value],
        QueryData::String(_) => {
            return Err(PromError::Decode(
                "Prometheus metric type not supported (string)".into(),
            ));
        }
    };
    Ok((values, response.warnings))
}

/// The start and end of a range query at `now`.
fn window(start: &Bound, end: &Bound, now: f64) -> Result<(f64, f64), String> {
    let at = |bound: &Bound, name: &str| match bound {
        Bound::Before(d) => Ok(now - d.as_secs_f64()),
        Bound::Expression(e) => e
            .evaluate_time(&Env {
                result: Value::Nil,
                now,
            })
            .map_err(|err| {
                format!(
                    "could not evaluate rangeQuery.{name} \"{}\": {err}",
                    e.source()
                )
            }),
    };
    let (from, to) = (at(start, "start")?, at(end, "end")?);
    if from > to {
        return Err(format!(
            "rangeQuery start ({}) is after its end ({})",
            super::report::format_time(from),
            super::report::format_time(to)
        ));
    }
    Ok((from, to))
}

/// `result` as Argo builds it, and the value text it stores.
pub fn result_of(data: &QueryData) -> Result<(Value, String), String> {
    let list = |values: Vec<f64>| {
        let text = format!(
            "[{}]",
            values
                .iter()
                .map(|v| go_float_text(*v))
                .collect::<Vec<_>>()
                .join(",")
        );
        (
            Value::List(values.into_iter().map(Value::Float).collect()),
            text,
        )
    };
    match data {
        QueryData::Scalar(s) => Ok((Value::Float(s.value), go_float_text(s.value))),
        QueryData::Vector(series) => Ok(list(series.iter().map(|s| s.sample.value).collect())),
        QueryData::Matrix(series) => Ok(list(
            series
                .iter()
                .flat_map(|s| s.samples.iter().map(|p| p.value))
                .collect(),
        )),
        QueryData::String(_) => Err("Prometheus metric type not supported".to_owned()),
    }
}

/// Argo's truth table over the two conditions.
fn judge(metric: &Metric, response: QueryResponse, now: f64, out: &mut Measurement) {
    out.warnings = response.warnings;
    let (result, value) = match result_of(&response.data) {
        Ok(r) => r,
        Err(message) => {
            out.message = Some(message);
            return;
        }
    };
    out.value = Some(value.clone());
    let empty = matches!(&result, Value::List(l) if l.is_empty()) || result == Value::Nil;
    let env = Env { result, now };
    let evaluate = |which: &str, e: &super::expr::Expression| {
        e.evaluate_bool(&env).map_err(|err| {
            if empty {
                format!(
                    "could not evaluate {which} \"{}\": metric result is nil or empty: \
                     no data returned from the metric provider ({err})",
                    e.source()
                )
            } else {
                format!("could not evaluate {which} \"{}\": {err}", e.source())
            }
        })
    };
    let success = metric
        .success
        .as_ref()
        .map(|e| evaluate("successCondition", e));
    let failure = metric
        .failure
        .as_ref()
        .map(|e| evaluate("failureCondition", e));
    let (success, failure) = match (success.transpose(), failure.transpose()) {
        (Ok(s), Ok(f)) => (s, f),
        (Err(e), _) | (_, Err(e)) => {
            out.message = Some(e);
            return;
        }
    };
    let cond = |e: &Option<super::expr::Expression>| {
        e.as_ref()
            .map(|e| e.source().to_owned())
            .unwrap_or_default()
    };
    (out.phase, out.message) = match (success, failure) {
        (_, Some(true)) => (
            Phase::Failed,
            Some(format!(
                "value {value} met failureCondition \"{}\"",
                cond(&metric.failure)
            )),
        ),
        (Some(true), _) | (None, Some(false)) | (None, None) => (Phase::Successful, None),
        (Some(false), None) => (
            Phase::Failed,
            Some(format!(
                "value {value} did not pass successCondition \"{}\"",
                cond(&metric.success)
            )),
        ),
        (Some(false), Some(false)) => (
            Phase::Inconclusive,
            Some(format!(
                "value {value} met neither successCondition \"{}\" nor failureCondition \"{}\"",
                cond(&metric.success),
                cond(&metric.failure)
            )),
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prometheus::{InstantSeries, RangeSeries, Sample};

    fn series(values: &[f64]) -> QueryData {
        QueryData::Vector(
            values
                .iter()
                .map(|v| InstantSeries {
                    labels: Default::default(),
                    sample: Sample {
                        time: 1.0,
                        value: *v,
                    },
                })
                .collect(),
        )
    }

    #[test]
    fn results_are_built_and_spelt_as_argo_does() {
        let (v, text) = result_of(&series(&[0.9090909090909091, f64::NAN, f64::INFINITY])).unwrap();
        assert_eq!(text, "[0.9090909090909091,NaN,+Inf]");
        assert!(matches!(v, Value::List(l) if l.len() == 3));
        assert_eq!(result_of(&series(&[])).unwrap().1, "[]");
        let (v, text) = result_of(&QueryData::Scalar(Sample {
            time: 1.0,
            value: 1e-9,
        }))
        .unwrap();
        assert_eq!((v, text.as_str()), (Value::Float(1e-9), "0.000000001"));
        let matrix = QueryData::Matrix(vec![
            RangeSeries {
                labels: Default::default(),
                samples: vec![
                    Sample {
                        time: 1.0,
                        value: 1.0,
                    },
                    Sample {
                        time: 2.0,
                        value: 2.0,
                    },
                ],
            },
            RangeSeries {
                labels: Default::default(),
                samples: vec![Sample {
                    time: 1.0,
                    value: 3.0,
                }],
            },
        ]);
        assert_eq!(result_of(&matrix).unwrap().1, "[1,2,3]");
        assert!(result_of(&QueryData::String("x".into())).is_err());
    }

    #[test]
    fn rounding_keeps_four_significant_digits() {
        assert_eq!(round_sig(0.000123456), 0.0001235);
        assert_eq!(round_sig(0.5), 0.5);
    }
}
