//! What a gate run reports: an AnalysisRun-like status (`-o json`, schema
//! `schemas/gate-result.schema.json`) and JUnit XML for CI dashboards.

use serde::{Serialize, Serializer};

use super::analysis::{Measurement, Phase, Stop, run_phase};
use super::run::Outcome;
use super::spec::{Query, Spec};
use crate::markup::escape;

/// The `format` field of the JSON status.
pub const FORMAT: &str = "opsctl-gate-result/1";

/// Unix seconds as RFC 3339 UTC with milliseconds.
pub fn format_time(t: f64) -> String {
    let nanos = (t * 1e9).round() as i128;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|d| {
            d.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
            .ok()
        })
        .unwrap_or_else(|| format!("{t}"))
}

/// Serializes unix seconds as RFC 3339.
pub fn rfc3339<S: Serializer>(t: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_time(*t))
}

/// Metrics by final phase (Argo's `runSummary`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Metrics in the summary.
    pub count: u64,
    /// Successful metrics.
    pub successful: u64,
    /// Failed metrics.
    pub failed: u64,
    /// Inconclusive metrics.
    pub inconclusive: u64,
    /// Errored metrics.
    pub error: u64,
}

impl Summary {
    fn add(&mut self, phase: Phase) {
        self.count += 1;
        match phase {
            Phase::Successful => self.successful += 1,
            Phase::Failed => self.failed += 1,
            Phase::Inconclusive => self.inconclusive += 1,
            Phase::Error => self.error += 1,
            Phase::Running | Phase::Pending => {}
        }
    }
}

/// One metric's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricResult {
    /// Name.
    pub name: String,
    /// Final phase.
    pub phase: Phase,
    /// Why, when not a plain success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Successful + Failed + Inconclusive measurements.
    pub count: u64,
    /// Successful measurements.
    pub successful: u64,
    /// Failed measurements.
    pub failed: u64,
    /// Inconclusive measurements.
    pub inconclusive: u64,
    /// Error measurements.
    pub error: u64,
    /// Errors in a row at the end.
    pub consecutive_error: u64,
    /// Successes in a row at the end.
    pub consecutive_success: u64,
    /// Reported, never part of the verdict.
    pub dry_run: bool,
    /// `successCondition`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_condition: Option<String>,
    /// `failureCondition`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_condition: Option<String>,
    /// The server measured.
    pub address: String,
    /// Argo's metadata: `ResolvedPrometheusQuery` (secrets masked).
    pub metadata: std::collections::BTreeMap<String, String>,
    /// The latest measurements, oldest first.
    pub measurements: Vec<Measurement>,
}

/// The whole status, shaped like an AnalysisRun's.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Run phase.
    pub phase: Phase,
    /// Why, when not successful.
    pub message: String,
    /// Mode: `full` or `once`.
    pub mode: &'static str,
    /// The replayed start instant (`--at`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// `--dry-run`: reported, exit 0 whatever the phase.
    pub dry_run: bool,
    /// Analysis start.
    #[serde(serialize_with = "rfc3339")]
    pub started_at: f64,
    /// Analysis end.
    #[serde(serialize_with = "rfc3339")]
    pub completed_at: f64,
    /// Why the analysis ended early, if it did: `decided`, `timeLimit`,
    /// `interrupted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<&'static str>,
    /// What was read.
    pub sources: Vec<String>,
    /// Counting metrics by phase.
    pub run_summary: Summary,
    /// Dry-run metrics by phase.
    pub dry_run_summary: Summary,
    /// Every metric.
    pub metric_results: Vec<MetricResult>,
}

impl Status {
    /// Builds the status of a finished (or interrupted) run.
    pub fn new(spec: &Spec, outcome: &Outcome, once: bool, at: Option<f64>, dry_run: bool) -> Self {
        let (phase, message) = run_phase(&outcome.metrics, &outcome.states);
        let mut run_summary = Summary::default();
        let mut dry_run_summary = Summary::default();
        let metric_results = outcome
            .metrics
            .iter()
            .zip(&outcome.states)
            .zip(&outcome.addresses)
            .map(|((metric, state), address)| {
                if metric.dry_run {
                    dry_run_summary.add(state.phase);
                } else {
                    run_summary.add(state.phase);
                }
                let queries = metric.provider.query.texts();
                let mut metadata = std::collections::BTreeMap::new();
                match &metric.provider.query {
                    Query::Compare { .. } => {
                        metadata.insert("ResolvedCanaryQuery".into(), spec.redact(queries[0]));
                        metadata.insert("ResolvedBaselineQuery".into(), spec.redact(queries[1]));
                    }
                    _ => {
                        metadata.insert("ResolvedPrometheusQuery".into(), spec.redact(queries[0]));
                    }
                }
                MetricResult {
                    name: metric.name.clone(),
                    phase: state.phase,
                    message: state.message.clone(),
                    count: state.count,
                    successful: state.successful,
                    failed: state.failed,
                    inconclusive: state.inconclusive,
                    error: state.error,
                    consecutive_error: state.consecutive_error,
                    consecutive_success: state.consecutive_success,
                    dry_run: metric.dry_run,
                    success_condition: metric.success.as_ref().map(|e| e.source().to_owned()),
                    failure_condition: metric.failure.as_ref().map(|e| e.source().to_owned()),
                    address: address.clone(),
                    metadata,
                    measurements: state
                        .measurements
                        .iter()
                        .map(|m| Measurement {
                            message: m.message.as_deref().map(|t| spec.redact(t)),
                            ..m.clone()
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            format: FORMAT,
            phase,
            message: spec.redact(&message),
            mode: if once { "once" } else { "full" },
            at: at.map(format_time),
            dry_run,
            started_at: outcome.started_at,
            completed_at: outcome.finished_at,
            stopped: outcome.stop.map(|s| match s {
                Stop::Decided => "decided",
                Stop::TimeLimit => "timeLimit",
                Stop::Interrupted => "interrupted",
            }),
            sources: spec.sources.clone(),
            run_summary,
            dry_run_summary,
            metric_results,
        }
    }

    /// JUnit XML: one test case per metric. Failed is a failure,
    /// Error an error, Inconclusive a failure of type `Inconclusive`;
    /// dry-run metrics that did not pass are skipped with the reason.
    pub fn junit(&self) -> String {
        let mut cases = String::new();
        let (mut failures, mut errors, mut skipped) = (0, 0, 0);
        for m in &self.metric_results {
            let seconds = match (m.measurements.first(), m.measurements.last()) {
                (Some(a), Some(b)) => (b.finished_at - a.started_at).max(0.0),
                _ => 0.0,
            };
            let detail = escape(&format!(
                "{}\nquery: {}\nvalue: {}\nmeasurements: {} successful, {} failed, {} inconclusive, {} error",
                m.message.as_deref().unwrap_or(m.phase.name()),
                m.metadata
                    .values()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n       "),
                m.measurements
                    .last()
                    .and_then(|x| x.value.as_deref())
                    .unwrap_or("-"),
                m.successful,
                m.failed,
                m.inconclusive,
                m.error
            ));
            let message = escape(m.message.as_deref().unwrap_or(m.phase.name()));
            let body = match (m.phase, m.dry_run) {
                (Phase::Successful, _) => String::new(),
                (phase, true) => {
                    skipped += 1;
                    format!("<skipped message=\"dry-run metric {phase}: {message}\"/>")
                }
                (Phase::Error, false) => {
                    errors += 1;
                    format!("<error type=\"Error\" message=\"{message}\">{detail}</error>")
                }
                (phase, false) => {
                    failures += 1;
                    format!("<failure type=\"{phase}\" message=\"{message}\">{detail}</failure>")
                }
            };
            cases.push_str(&format!(
                "    <testcase classname=\"opsctl.gate\" name=\"{}\" time=\"{seconds:.3}\">{body}</testcase>\n",
                escape(&m.name)
            ));
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"opsctl gate\" \
             tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" \
             timestamp=\"{}\" time=\"{:.3}\">\n{cases}  </testsuite>\n</testsuites>\n",
            self.metric_results.len(),
            format_time(self.started_at),
            (self.completed_at - self.started_at).max(0.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(format_time(1_700_000_000.5), "2023-11-14T22:13:20.500Z");
    }
}
