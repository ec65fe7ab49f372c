//! The result of a load test: a summary people and thresholds read, plus the
//! raw material that makes results merge exactly: the latency histogram
//! (HdrHistogram V2 + DEFLATE, base64, as Java's and Rust's HdrHistogram
//! libraries read it), status and error counts, and a per-second series with
//! a histogram per second. Merging adds histograms and counts and recomputes
//! every derived figure, so N pods' results merge into what one machine
//! sending the same requests would have reported.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

use super::LoadError;
use super::engine::Run;
use super::schedule::Stage;
use super::stats::{ErrorKind, SecondCounts, decode_histogram, new_histogram};

/// The `format` field of every result; bumped when the shape changes incompatibly.
pub const FORMAT: &str = "opsctl-load-result/1";

/// What was tested, as asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestInfo {
    /// The base URL.
    pub url: String,
    /// The requests in rotation.
    pub requests: Vec<RequestInfo>,
    /// `closed` or `open`.
    pub model: String,
    /// Connections held.
    pub connections: usize,
    /// HTTP/2 streams per connection (1 for HTTP/1.1).
    pub streams: usize,
    /// Whether HTTP/2 was spoken.
    pub http2: bool,
    /// Open model: the constant rate asked for (or the start of the stages).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rate: Option<f64>,
    /// Open model: the ramp, when `--stages` was given.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub stages: Vec<StageInfo>,
    /// The planned length in seconds, when the run had one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub planned_seconds: Option<f64>,
    /// The planned request count, when the run had one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max_requests: Option<u64>,
}

/// One request of the rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestInfo {
    /// Its name.
    pub name: String,
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Relative weight.
    pub weight: u32,
}

/// A stage as results record it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageInfo {
    /// Ramp length in seconds.
    pub seconds: f64,
    /// Rate at the end of the ramp, per second.
    pub target: f64,
}

impl From<&Stage> for StageInfo {
    fn from(stage: &Stage) -> Self {
        Self {
            seconds: stage.duration.as_secs_f64(),
            target: stage.target,
        }
    }
}

/// Latency statistics in milliseconds, all from the histogram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Fastest response.
    pub min: f64,
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub stdev: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p99_9: f64,
    /// Slowest response.
    pub max: f64,
}

impl Latency {
    /// The statistics of a histogram of microseconds (all zero when empty).
    pub fn of(histogram: &Histogram<u64>) -> Self {
        if histogram.is_empty() {
            return Self::default();
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        let q = |quantile: f64| ms(histogram.value_at_quantile(quantile));
        Self {
            min: ms(histogram.min()),
            mean: round3(histogram.mean() / 1000.0),
            stdev: round3(histogram.stdev() / 1000.0),
            p50: q(0.50),
            p90: q(0.90),
            p95: q(0.95),
            p99: q(0.99),
            p99_9: q(0.999),
            max: ms(histogram.max()),
        }
    }
}

/// The headline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Requests finished: responses plus transport errors.
    pub requests: u64,
    /// Responses received, any status.
    pub responses: u64,
    /// Requests that got no response (see `errors` by kind).
    pub transport_errors: u64,
    /// Responses with status 400 or above.
    pub http_errors: u64,
    /// (transport errors + HTTP errors) / requests; 0 when nothing ran.
    pub error_rate: f64,
    /// Requests finished per second of the run.
    pub rps: f64,
    /// Response bytes received.
    pub bytes_received: u64,
    /// Request bytes sent.
    pub bytes_sent: u64,
    /// Latency of responses, milliseconds.
    pub latency_ms: Latency,
}

/// How well the open model kept its schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleReport {
    /// Mean rate the schedule asked for, per second.
    pub target_rate: f64,
    /// Requests taken from the schedule and sent.
    pub sent: u64,
    /// Of those, sent more than 10 ms after they were due.
    pub late: u64,
    /// The furthest behind schedule a request was sent, milliseconds.
    pub max_lag_ms: f64,
    /// Whether the generator kept the rate: under 1 % late.
    pub kept_up: bool,
}

/// Latency percentiles of one second, milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SecondLatency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

/// One second of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondReport {
    /// Seconds from the start.
    pub second: u64,
    /// Requests finished in it.
    pub requests: u64,
    /// Of those, failed (transport error or status ≥ 400).
    pub failed: u64,
    /// Response bytes received.
    pub bytes: u64,
    /// Its latency percentiles, absent when no response finished in it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub latency_ms: Option<SecondLatency>,
    /// Its latency histogram (V2 + DEFLATE, base64), for exact merging.
    pub histogram: String,
}

impl SecondReport {
    /// One second's entry: its counts, and percentiles and encoding of its histogram.
    pub fn new(
        second: u64,
        requests: u64,
        failed: u64,
        bytes: u64,
        histogram: &Histogram<u64>,
    ) -> Self {
        let ms = |micros: u64| micros as f64 / 1000.0;
        Self {
            second,
            requests,
            failed,
            bytes,
            latency_ms: (!histogram.is_empty()).then(|| SecondLatency {
                p50: ms(histogram.value_at_quantile(0.5)),
                p90: ms(histogram.value_at_quantile(0.9)),
                p99: ms(histogram.value_at_quantile(0.99)),
                max: ms(histogram.max()),
            }),
            histogram: encode(histogram),
        }
    }
}

/// A whole load test result (`-o json`, `--save`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadResult {
    /// Always [`FORMAT`].
    pub format: String,
    /// The opsctl that produced it.
    pub opsctl_version: String,
    /// What was tested.
    pub test: TestInfo,
    /// Wall-clock start, RFC 3339.
    pub started_at: String,
    /// From the start until the last request finished, seconds.
    pub duration_seconds: f64,
    /// Stopped early by Ctrl-C.
    pub interrupted: bool,
    /// How many runs this result merges (1 for a single run).
    pub merged_from: u32,
    /// The headline figures.
    pub summary: Summary,
    /// Responses by status code.
    pub status_codes: BTreeMap<u16, u64>,
    /// Transport errors by kind.
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Open model only: how well the schedule was kept.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub schedule: Option<ScheduleReport>,
    /// Every latency (µs), HdrHistogram V2 + DEFLATE, base64.
    pub histogram: String,
    /// One entry per second that had finished requests.
    pub series: Vec<SecondReport>,
}

impl LoadResult {
    /// Summarizes a finished run.
    pub fn from_run(test: TestInfo, run: Run) -> Self {
        let histogram = run
            .collector
            .total
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut seconds: BTreeMap<u64, (SecondCounts, Histogram<u64>)> = BTreeMap::new();
        let parts = std::mem::take(
            &mut *run
                .collector
                .seconds
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        for part in parts {
            let entry = seconds
                .entry(part.second)
                .or_insert_with(|| (SecondCounts::default(), new_histogram()));
            add_counts(&mut entry.0, &part.counts);
            if let Ok(h) = decode_histogram(&part.histogram) {
                let _ = entry.1.add(&h);
            }
        }
        let totals = &run.totals;
        let schedule = (test.model == "open").then(|| ScheduleReport {
            target_rate: test.rate.unwrap_or(0.0),
            sent: totals.scheduled,
            late: totals.late,
            max_lag_ms: round3(totals.max_lag.as_secs_f64() * 1000.0),
            kept_up: kept_up(totals.late, totals.scheduled),
        });
        let mut result = Self {
            format: FORMAT.to_owned(),
            opsctl_version: env!("CARGO_PKG_VERSION").to_owned(),
            test,
            started_at: rfc3339(run.started_at),
            duration_seconds: run.elapsed.as_secs_f64(),
            interrupted: run.interrupted,
            merged_from: 1,
            summary: Summary {
                requests: totals.requests,
                bytes_received: totals.bytes_received,
                bytes_sent: totals.bytes_sent,
                ..Summary::default()
            },
            status_codes: totals.statuses.clone(),
            errors: totals.errors.clone(),
            schedule,
            histogram: encode(&histogram),
            series: seconds
                .into_iter()
                .map(|(second, (counts, h))| second_report(second, counts, &h))
                .collect(),
        };
        result.derive(&histogram);
        result
    }

    /// Recomputes every derived figure from the raw counts and `histogram`.
    fn derive(&mut self, histogram: &Histogram<u64>) {
        let s = &mut self.summary;
        s.responses = self.status_codes.values().sum();
        s.transport_errors = self.errors.values().sum();
        s.http_errors = self
            .status_codes
            .iter()
            .filter(|&(&code, _)| code >= 400)
            .map(|(_, n)| n)
            .sum();
        s.requests = s.responses + s.transport_errors;
        s.error_rate = if s.requests == 0 {
            0.0
        } else {
            (s.transport_errors + s.http_errors) as f64 / s.requests as f64
        };
        s.rps = if self.duration_seconds > 0.0 {
            round3(s.requests as f64 / self.duration_seconds)
        } else {
            0.0
        };
        s.latency_ms = Latency::of(histogram);
    }

    /// The merged latency histogram.
    pub fn histogram(&self) -> Result<Histogram<u64>, String> {
        let bytes = BASE64
            .decode(self.histogram.trim())
            .map_err(|e| format!("histogram is not base64: {e}"))?;
        decode_histogram(&bytes).map_err(|e| format!("histogram cannot be decoded: {e}"))
    }

    /// Reads a result from JSON text, checking its format.
    pub fn from_json(text: &str, path: &str) -> Result<Self, LoadError> {
        let bad = |reason: String| LoadError::File {
            path: path.to_owned(),
            reason,
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        Self::from_value(value, path)
    }

    /// Reads a result from a parsed JSON document, checking its format.
    pub fn from_value(value: serde_json::Value, path: &str) -> Result<Self, LoadError> {
        let bad = |reason: String| LoadError::File {
            path: path.to_owned(),
            reason,
        };
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(bad(format!(
                    "format `{other}` is not {FORMAT}; was it written by a newer opsctl?"
                )));
            }
            None => {
                return Err(bad(
                    "not an opsctl load result (no `format` field); write one with \
                     `opsctl load … -o json` or `--save FILE`"
                        .to_owned(),
                ));
            }
        }
        let result: Self =
            serde_json::from_value(value).map_err(|e| bad(format!("malformed result: {e}")))?;
        result.histogram().map_err(bad)?;
        Ok(result)
    }

    /// Merges results of parallel runs of one test: histograms and counts
    /// add, the series line up by wall-clock second, the duration spans the
    /// earliest start to the latest end.
    pub fn merge(results: &[LoadResult]) -> Result<LoadResult, String> {
        let Some(first) = results.first() else {
            return Err("no results to merge".to_owned());
        };
        if results.len() == 1 {
            return Ok(first.clone());
        }
        let starts: Vec<f64> = results
            .iter()
            .map(|r| parse_rfc3339(&r.started_at))
            .collect::<Result<_, _>>()?;
        let earliest = starts.iter().copied().fold(f64::INFINITY, f64::min);
        let latest_end = results
            .iter()
            .zip(&starts)
            .map(|(r, s)| s + r.duration_seconds)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut histogram = new_histogram();
        let mut seconds: BTreeMap<u64, (SecondCounts, Histogram<u64>)> = BTreeMap::new();
        let mut merged = first.clone();
        merged.status_codes.clear();
        merged.errors.clear();
        merged.summary = Summary::default();
        merged.merged_from = 0;
        merged.interrupted = false;
        merged.test.connections = 0;
        merged.test.rate = first.test.rate.map(|_| 0.0);
        for stage in &mut merged.test.stages {
            stage.target = 0.0;
        }
        merged.test.max_requests = first.test.max_requests.map(|_| 0);
        let mut schedule = first.schedule.as_ref().map(|_| ScheduleReport {
            target_rate: 0.0,
            sent: 0,
            late: 0,
            max_lag_ms: 0.0,
            kept_up: true,
        });
        for (result, start) in results.iter().zip(&starts) {
            if result.test.url != first.test.url {
                return Err(format!(
                    "results test different URLs ({} and {}); merge results of one test only",
                    first.test.url, result.test.url
                ));
            }
            histogram
                .add(result.histogram()?)
                .map_err(|e| format!("histograms do not merge: {e:?}"))?;
            for (&code, &n) in &result.status_codes {
                *merged.status_codes.entry(code).or_default() += n;
            }
            for (&kind, &n) in &result.errors {
                *merged.errors.entry(kind).or_default() += n;
            }
            merged.summary.bytes_received += result.summary.bytes_received;
            merged.summary.bytes_sent += result.summary.bytes_sent;
            merged.merged_from += result.merged_from;
            merged.interrupted |= result.interrupted;
            merged.test.connections += result.test.connections;
            if let (Some(total), Some(rate)) = (&mut merged.test.rate, result.test.rate) {
                *total += rate;
            }
            // Pods of one Job ramp in step: their stage targets add up.
            if result.test.stages.len() == first.test.stages.len() {
                for (total, stage) in merged.test.stages.iter_mut().zip(&result.test.stages) {
                    total.target += stage.target;
                }
            }
            if let (Some(total), Some(n)) =
                (&mut merged.test.max_requests, result.test.max_requests)
            {
                *total += n;
            }
            if let (Some(total), Some(part)) = (&mut schedule, &result.schedule) {
                total.target_rate += part.target_rate;
                total.sent += part.sent;
                total.late += part.late;
                total.max_lag_ms = total.max_lag_ms.max(part.max_lag_ms);
            }
            let offset = (start - earliest).round() as u64;
            for second in &result.series {
                let entry = seconds
                    .entry(second.second + offset)
                    .or_insert_with(|| (SecondCounts::default(), new_histogram()));
                add_counts(
                    &mut entry.0,
                    &SecondCounts {
                        requests: second.requests,
                        failed: second.failed,
                        bytes: second.bytes,
                    },
                );
                let h = BASE64
                    .decode(&second.histogram)
                    .map_err(|e| e.to_string())
                    .and_then(|b| decode_histogram(&b))?;
                entry.1.add(&h).map_err(|e| format!("{e:?}"))?;
            }
        }
        if let Some(s) = &mut schedule {
            s.kept_up = kept_up(s.late, s.sent);
        }
        merged.schedule = schedule;
        merged.started_at = results
            .iter()
            .zip(&starts)
            .find(|&(_, s)| *s == earliest)
            .map(|(r, _)| r.started_at.clone())
            .unwrap_or_default();
        merged.duration_seconds = latest_end - earliest;
        merged.histogram = encode(&histogram);
        merged.series = seconds
            .into_iter()
            .map(|(second, (counts, h))| second_report(second, counts, &h))
            .collect();
        merged.derive(&histogram);
        Ok(merged)
    }
}

fn kept_up(late: u64, sent: u64) -> bool {
    sent == 0 || (late as f64) < 0.01 * sent as f64
}

fn add_counts(into: &mut SecondCounts, from: &SecondCounts) {
    into.requests += from.requests;
    into.failed += from.failed;
    into.bytes += from.bytes;
}

fn second_report(second: u64, counts: SecondCounts, histogram: &Histogram<u64>) -> SecondReport {
    SecondReport::new(
        second,
        counts.requests,
        counts.failed,
        counts.bytes,
        histogram,
    )
}

/// A histogram as V2 + DEFLATE, base64.
pub fn encode(histogram: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    // Serializing into a Vec cannot fail.
    let _ = V2DeflateSerializer::new().serialize(histogram, &mut bytes);
    BASE64.encode(bytes)
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn rfc3339(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    // Millisecond precision is plenty for lining up seconds when merging.
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn parse_rfc3339(text: &str) -> Result<f64, String> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("started_at `{text}` is not an RFC 3339 time: {e}"))?;
    Ok(at.unix_timestamp_nanos() as f64 / 1e9)
}

/// Serializes a duration as fractional seconds.
pub fn serialize_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use super::*;
    use crate::load::stats::{Collector, Recorder};
    use proptest::prelude::*;

    fn test_info() -> TestInfo {
        TestInfo {
            url: "http://127.0.0.1:8080/".into(),
            requests: vec![],
            model: "closed".into(),
            connections: 10,
            streams: 1,
            http2: false,
            rate: None,
            stages: vec![],
            planned_seconds: Some(3.0),
            max_requests: None,
        }
    }

    /// A sample: (ms since start, latency µs, status or none for an error).
    type Sample = (u64, u64, Option<u16>);

    fn result_of(samples: &[Sample], started_at: SystemTime) -> LoadResult {
        let start = Instant::now();
        let collector = Arc::new(Collector::new(1));
        let mut recorder = Recorder::new(start, collector.clone(), 0);
        let mut sorted = samples.to_vec();
        sorted.sort_by_key(|s| s.0);
        for &(at, latency, status) in &sorted {
            let done = start + Duration::from_millis(at);
            match status {
                Some(code) => recorder.response(done, Duration::from_micros(latency), code, 100),
                None => recorder.error(done, ErrorKind::Reset),
            }
        }
        let totals = recorder.finish();
        let run = Run {
            started_at,
            elapsed: Duration::from_secs(3),
            interrupted: false,
            totals,
            collector,
        };
        LoadResult::from_run(test_info(), run)
    }

    proptest! {
        #[test]
        fn merging_parts_equals_one_result_of_all_samples(
            samples in proptest::collection::vec(
                (0u64..2999, 1u64..5_000_000, proptest::option::weighted(0.9, prop_oneof![Just(200u16), Just(404), Just(503)])),
                1..400,
            ),
            parts in 2usize..5,
        ) {
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
            let whole = result_of(&samples, at);
            let pieces: Vec<LoadResult> = (0..parts)
                .map(|p| {
                    let mine: Vec<Sample> = samples.iter().copied().enumerate()
                        .filter(|(i, _)| i % parts == p).map(|(_, s)| s).collect();
                    result_of(&mine, at)
                })
                .collect();
            let merged = LoadResult::merge(&pieces).unwrap();
            prop_assert_eq!(&merged.summary, &whole.summary);
            prop_assert_eq!(&merged.status_codes, &whole.status_codes);
            prop_assert_eq!(&merged.errors, &whole.errors);
            prop_assert_eq!(merged.histogram().unwrap(), whole.histogram().unwrap());
            prop_assert_eq!(merged.series.len(), whole.series.len());
            for (m, w) in merged.series.iter().zip(&whole.series) {
                prop_assert_eq!((m.second, m.requests, m.failed, m.bytes, m.latency_ms),
                                (w.second, w.requests, w.failed, w.bytes, w.latency_ms));
            }
            prop_assert_eq!(merged.merged_from as usize, parts);
        }
    }

    #[test]
    fn results_round_trip_through_json() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let result = result_of(
            &[
                (5, 1200, Some(200)),
                (1500, 90_000, Some(500)),
                (2000, 0, None),
            ],
            at,
        );
        assert_eq!(result.summary.requests, 3);
        assert_eq!(result.summary.http_errors, 1);
        assert!((result.summary.error_rate - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(result.summary.rps, 1.0);
        assert_eq!(result.started_at, "2027-01-15T08:00:00Z");
        let json = serde_json::to_string(&result).unwrap();
        let back = LoadResult::from_json(&json, "r.json").unwrap();
        assert_eq!(back, result);
        let err = LoadResult::from_json("{\"a\":1}", "r.json").unwrap_err();
        assert!(err.to_string().contains("no `format` field"), "{err}");
        let err = LoadResult::from_json("{", "r.json").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn merging_lines_seconds_up_by_wall_clock() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let a = result_of(&[(100, 1000, Some(200))], at);
        let b = result_of(&[(100, 1000, Some(200))], at + Duration::from_secs(2));
        let merged = LoadResult::merge(&[a, b]).unwrap();
        let seconds: Vec<u64> = merged.series.iter().map(|s| s.second).collect();
        assert_eq!(seconds, vec![0, 2]);
        assert_eq!(merged.duration_seconds, 5.0);
        assert_eq!(merged.started_at, "2027-01-15T08:00:00Z");
    }
}
