//! Argo Rollouts' bookkeeping: measurement counters, the limits that turn
//! them into a metric phase, and the run phase as the worst metric phase.
//! Pure and synchronous, so every rule is unit-tested without a server.

use std::collections::VecDeque;

use serde::Serialize;

use super::compare::Comparison;
use super::spec::Metric;

/// A phase of a measurement, metric or run. The declaration order is
/// Argo's severity order, best first, so `max` is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Phase {
    /// Passed.
    Successful,
    /// Measuring.
    Running,
    /// Not measured yet.
    Pending,
    /// Neither condition held; a person decides.
    Inconclusive,
    /// Could not be measured.
    Error,
    /// Did not pass.
    Failed,
}

impl Phase {
    /// A phase that no further measurement changes.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Phase::Successful | Phase::Failed | Phase::Error | Phase::Inconclusive
        )
    }

    /// Argo's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Successful => "Successful",
            Phase::Running => "Running",
            Phase::Pending => "Pending",
            Phase::Inconclusive => "Inconclusive",
            Phase::Error => "Error",
            Phase::Failed => "Failed",
        }
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One measurement of one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    /// Successful, Failed, Inconclusive or Error.
    pub phase: Phase,
    /// Why, for anything but a plain success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the query was evaluated (unix seconds).
    #[serde(serialize_with = "super::report::rfc3339")]
    pub started_at: f64,
    /// When the measurement finished (unix seconds).
    #[serde(serialize_with = "super::report::rfc3339")]
    pub finished_at: f64,
    /// The result as Argo stores it: `0.99`, `[0.5,NaN]`, `[]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Warnings Prometheus sent with the answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The statistics of a `compare` metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

/// Why an analysis stopped before every metric finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A metric that counts failed, errored or was inconclusive: Argo ends
    /// the others as Successful (the run is decided anyway).
    Decided,
    /// `--timeout` ran out: background (unbounded) metrics end as Argo ends
    /// them when the rollout completes; a metric cut short of its count, or
    /// never measured, is Inconclusive rather than a silent pass.
    TimeLimit,
    /// Ctrl-C: metrics still running stay Running.
    Interrupted,
}

/// A metric's counters and phase.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricState {
    /// Current phase.
    pub phase: Phase,
    /// Why the phase, when it is not a plain success.
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
    /// Errors in a row.
    pub consecutive_error: u64,
    /// Successes in a row.
    pub consecutive_success: u64,
    /// The latest measurements, up to the metric's retention.
    pub measurements: VecDeque<Measurement>,
}

impl Default for MetricState {
    fn default() -> Self {
        Self {
            phase: Phase::Pending,
            message: None,
            count: 0,
            successful: 0,
            failed: 0,
            inconclusive: 0,
            error: 0,
            consecutive_error: 0,
            consecutive_success: 0,
            measurements: VecDeque::new(),
        }
    }
}

impl MetricState {
    /// Counts a finished measurement and re-assesses the phase.
    pub fn record(&mut self, measurement: Measurement, metric: &Metric) {
        match measurement.phase {
            Phase::Successful => {
                self.successful += 1;
                self.count += 1;
                self.consecutive_error = 0;
                self.consecutive_success += 1;
            }
            Phase::Failed | Phase::Inconclusive => {
                if measurement.phase == Phase::Failed {
                    self.failed += 1;
                } else {
                    self.inconclusive += 1;
                }
                self.count += 1;
                self.consecutive_error = 0;
                self.consecutive_success = 0;
            }
            Phase::Error => {
                self.error += 1;
                self.consecutive_error += 1;
                self.consecutive_success = 0;
            }
            Phase::Running | Phase::Pending => return,
        }
        self.measurements.push_back(measurement);
        while self.measurements.len() > metric.retention.max(1) {
            self.measurements.pop_front();
        }
        self.assess(metric, None);
    }

    /// The latest measurement.
    pub fn last(&self) -> Option<&Measurement> {
        self.measurements.back()
    }

    /// Argo's `assessMetricStatus`, with `stop` when the analysis ends
    /// before the metric does.
    pub fn assess(&mut self, metric: &Metric, stop: Option<Stop>) {
        if self.phase.is_terminal() {
            return;
        }
        let measured = self.count + self.error;
        if measured == 0 {
            match stop {
                None | Some(Stop::Interrupted) => self.phase = Phase::Pending,
                Some(Stop::Decided) => {
                    self.set(Phase::Successful, "Run Terminated before a measurement");
                }
                Some(Stop::TimeLimit) => self.set(
                    Phase::Inconclusive,
                    "the time limit ran out before the first measurement",
                ),
            }
            return;
        }
        let mut verdict: Option<(Phase, String)> = None;
        if metric.failure_limit >= 0 && self.failed as i64 > metric.failure_limit {
            verdict = Some((
                Phase::Failed,
                format!(
                    "failed ({}) > failureLimit ({})",
                    self.failed, metric.failure_limit
                ),
            ));
        }
        if self.inconclusive as i64 > metric.inconclusive_limit {
            verdict = Some((
                Phase::Inconclusive,
                format!(
                    "inconclusive ({}) > inconclusiveLimit ({})",
                    self.inconclusive, metric.inconclusive_limit
                ),
            ));
        }
        if self.consecutive_error as i64 > metric.consecutive_error_limit {
            verdict = Some((
                Phase::Error,
                format!(
                    "consecutiveErrors ({}) > consecutiveErrorLimit ({})",
                    self.consecutive_error, metric.consecutive_error_limit
                ),
            ));
        }
        if let Some((phase, message)) = verdict {
            return self.set(phase, message);
        }
        let success_limit = metric.consecutive_success_limit;
        if success_limit > 0 && self.consecutive_success as i64 >= success_limit {
            return self.set(
                Phase::Successful,
                format!(
                    "consecutiveSuccessful ({}) >= consecutiveSuccessLimit ({success_limit})",
                    self.consecutive_success
                ),
            );
        }
        if let Some(count) = metric.count
            && self.count >= count
        {
            if success_limit > 0 && metric.failure_limit >= 0 {
                return self.set(
                    Phase::Inconclusive,
                    format!(
                        "count ({count}) reached without failureLimit ({}) or \
                         consecutiveSuccessLimit ({success_limit})",
                        metric.failure_limit
                    ),
                );
            }
            if success_limit > 0 {
                return self.set(
                    Phase::Failed,
                    format!(
                        "count ({count}) reached without consecutiveSuccessLimit ({success_limit})"
                    ),
                );
            }
            self.phase = Phase::Successful;
            self.message = None;
            return;
        }
        match stop {
            None | Some(Stop::Interrupted) => self.phase = Phase::Running,
            Some(Stop::Decided) => self.phase = Phase::Successful,
            Some(Stop::TimeLimit) => match metric.count {
                None if self.count > 0 => self.phase = Phase::Successful,
                None => self.set(
                    Phase::Inconclusive,
                    "the time limit ran out before a measurement succeeded, failed or was inconclusive",
                ),
                Some(count) => self.set(
                    Phase::Inconclusive,
                    format!(
                        "the time limit ran out after {} of {count} measurements",
                        self.count
                    ),
                ),
            },
        }
    }

    fn set(&mut self, phase: Phase, message: impl Into<String>) {
        self.phase = phase;
        self.message = Some(message.into());
    }
}

/// The run's phase and message from its metrics' states: Running while a
/// counting metric is unfinished and none has gone bad; otherwise the
/// worst phase among metrics that count (dry-run metrics never do).
pub fn run_phase(metrics: &[Metric], states: &[MetricState]) -> (Phase, String) {
    let counting: Vec<(&Metric, &MetricState)> = metrics
        .iter()
        .zip(states)
        .filter(|(m, _)| !m.dry_run)
        .collect();
    // The first of the worst, as Argo reports it.
    let worst = counting.iter().rev().max_by_key(|(_, s)| {
        (
            s.phase.is_terminal() && s.phase != Phase::Successful,
            s.phase,
        )
    });
    let Some((metric, state)) = worst else {
        return (Phase::Successful, "every metric is dry-run".to_owned());
    };
    let decided = counting
        .iter()
        .any(|(_, s)| matches!(s.phase, Phase::Failed | Phase::Error | Phase::Inconclusive));
    if !decided && counting.iter().any(|(_, s)| !s.phase.is_terminal()) {
        return (Phase::Running, String::new());
    }
    if state.phase == Phase::Successful {
        return (Phase::Successful, String::new());
    }
    let mut message = format!("Metric \"{}\" assessed {}", metric.name, state.phase);
    if let Some(why) = &state.message {
        message.push_str(&format!(" due to {why}"));
    }
    if let Some(last) = state.last()
        && let Some(text) = &last.message
    {
        if last.phase == Phase::Error {
            message.push_str(&format!(": \"Error Message: {text}\""));
        } else {
            message.push_str(&format!(": {text}"));
        }
    }
    (state.phase, message)
}

/// Whether the analysis must stop: a counting metric went bad.
pub fn decided(metrics: &[Metric], states: &[MetricState]) -> bool {
    metrics.iter().zip(states).any(|(m, s)| {
        !m.dry_run && matches!(s.phase, Phase::Failed | Phase::Error | Phase::Inconclusive)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::spec::{Metric, PrometheusSettings, Provider, Query};

    pub(crate) fn metric(count: Option<u64>) -> Metric {
        Metric {
            name: "m".into(),
            interval: Some(std::time::Duration::from_secs(60)),
            initial_delay: std::time::Duration::ZERO,
            count,
            success: None,
            failure: None,
            failure_limit: 0,
            inconclusive_limit: 0,
            consecutive_error_limit: 4,
            consecutive_success_limit: 0,
            dry_run: false,
            retention: 10,
            provider: Provider {
                prometheus: PrometheusSettings::default(),
                query: Query::Instant("up".into()),
            },
        }
    }

    fn m(phase: Phase) -> Measurement {
        Measurement {
            phase,
            message: (phase == Phase::Error).then(|| "connection refused".to_owned()),
            started_at: 0.0,
            finished_at: 0.0,
            value: None,
            warnings: vec![],
            comparison: None,
        }
    }

    fn feed(metric: &Metric, phases: &[Phase]) -> MetricState {
        let mut s = MetricState::default();
        for p in phases {
            s.record(m(*p), metric);
        }
        s
    }

    #[test]
    fn failure_limit_trips_on_the_measurement_after_the_limit() {
        let mut metric = metric(Some(10));
        metric.failure_limit = 3;
        let s = feed(&metric, &[Phase::Failed; 3]);
        assert_eq!(s.phase, Phase::Running);
        let s = feed(&metric, &[Phase::Failed; 4]);
        assert_eq!(s.phase, Phase::Failed);
        assert_eq!(s.message.as_deref(), Some("failed (4) > failureLimit (3)"));
    }

    #[test]
    fn count_reached_with_tolerated_failures_is_successful() {
        let mut metric = metric(Some(3));
        metric.failure_limit = 1;
        let s = feed(
            &metric,
            &[Phase::Successful, Phase::Failed, Phase::Successful],
        );
        assert_eq!(s.phase, Phase::Successful);
    }

    #[test]
    fn errors_do_not_count_and_trip_their_own_limit() {
        let metric = metric(Some(1));
        let s = feed(&metric, &[Phase::Error; 4]);
        assert_eq!((s.phase, s.count, s.error), (Phase::Running, 0, 4));
        let s = feed(&metric, &[Phase::Error; 5]);
        assert_eq!(s.phase, Phase::Error);
        // A success resets the streak.
        let mut metric2 = crate::gate::analysis::tests::metric(Some(3));
        metric2.consecutive_error_limit = 1;
        let s = feed(&metric2, &[Phase::Error, Phase::Successful, Phase::Error]);
        assert_eq!(s.phase, Phase::Running);
    }

    #[test]
    fn inconclusive_and_error_outrank_failed_when_they_trip_together() {
        let mut metric = metric(Some(10));
        metric.consecutive_error_limit = 0;
        let mut s = feed(&metric, &[Phase::Failed]);
        assert_eq!(s.phase, Phase::Failed);
        // Simultaneous: inconclusive overwrites failed.
        s = MetricState {
            failed: 1,
            inconclusive: 1,
            count: 2,
            ..MetricState::default()
        };
        s.assess(&metric, None);
        assert_eq!(s.phase, Phase::Inconclusive);
    }

    #[test]
    fn consecutive_success_limit_ends_early_or_leaves_the_run_inconclusive() {
        let mut metric = metric(Some(4));
        metric.consecutive_success_limit = 2;
        let s = feed(
            &metric,
            &[Phase::Failed, Phase::Successful, Phase::Successful],
        );
        // failed 1 > failureLimit 0 trips first.
        assert_eq!(s.phase, Phase::Failed);
        metric.failure_limit = 2;
        let s = feed(
            &metric,
            &[Phase::Failed, Phase::Successful, Phase::Successful],
        );
        assert_eq!(s.phase, Phase::Successful);
        let s = feed(
            &metric,
            &[
                Phase::Successful,
                Phase::Failed,
                Phase::Successful,
                Phase::Failed,
            ],
        );
        assert_eq!(s.phase, Phase::Inconclusive);
        metric.failure_limit = -1;
        let s = feed(
            &metric,
            &[
                Phase::Successful,
                Phase::Failed,
                Phase::Successful,
                Phase::Failed,
            ],
        );
        assert_eq!(s.phase, Phase::Failed);
    }

    #[test]
    fn stopping_ends_metrics_as_argo_does_except_on_the_time_limit() {
        let unbounded = metric(None);
        let mut s = feed(&unbounded, &[Phase::Successful]);
        assert_eq!(s.phase, Phase::Running);
        s.assess(&unbounded, Some(Stop::TimeLimit));
        assert_eq!(s.phase, Phase::Successful);
        let bounded = metric(Some(5));
        let mut s = feed(&bounded, &[Phase::Successful]);
        s.assess(&bounded, Some(Stop::TimeLimit));
        assert_eq!(s.phase, Phase::Inconclusive);
        let mut s = MetricState::default();
        s.assess(&bounded, Some(Stop::Decided));
        assert_eq!(s.phase, Phase::Successful);
    }

    #[test]
    fn the_run_is_the_worst_counting_metric() {
        let a = metric(Some(1));
        let mut b = metric(Some(1));
        b.name = "b".into();
        let ok = feed(&a, &[Phase::Successful]);
        let bad = feed(&b, &[Phase::Error; 5]);
        let (phase, message) = run_phase(&[a.clone(), b.clone()], &[ok.clone(), bad.clone()]);
        assert_eq!(phase, Phase::Error);
        assert_eq!(
            message,
            "Metric \"b\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): \
             \"Error Message: connection refused\""
        );
        b.dry_run = true;
        assert_eq!(
            run_phase(&[a.clone(), b], &[ok.clone(), bad]).0,
            Phase::Successful
        );
        let running = feed(&metric(Some(3)), &[Phase::Successful]);
        assert_eq!(
            run_phase(&[a.clone(), metric(Some(3))], &[ok, running]).0,
            Phase::Running
        );
        let mut dry = a;
        dry.dry_run = true;
        assert_eq!(
            run_phase(&[dry], &[MetricState::default()]).0,
            Phase::Successful
        );
    }

    #[test]
    fn retention_keeps_the_latest_measurements() {
        let mut metric = metric(None);
        metric.retention = 2;
        let s = feed(&metric, &[Phase::Successful; 5]);
        assert_eq!(s.measurements.len(), 2);
        assert_eq!(s.count, 5);
    }
}
