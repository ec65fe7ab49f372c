//! The analysis to run, read from opsctl's `gate.yaml` or from Argo Rollouts
//! `AnalysisTemplate` / `ClusterAnalysisTemplate` files as they are.
//!
//! Reading resolves everything that can be resolved before a query runs:
//! args are substituted, Argo's defaults filled in, limits validated the way
//! Argo validates them, and every condition parsed, so a bad spec exits 2
//! with `file:line:col` instead of failing mid-analysis.

use std::time::Duration;

use crate::document::located::Pos;
use crate::gate::compare::CompareConfig;
use crate::gate::expr::Expression;

pub mod args;
pub mod fields;
mod metric;
mod read;

pub use read::{ReadOptions, read};

/// A spec that cannot run: where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}{}", excerpt.as_deref().map(|e| format!("\n{e}")).unwrap_or_default())]
pub struct SpecError {
    /// The file, as given.
    pub file: String,
    /// 1-based line (0 when the problem is not at one place).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, and the fix when there is one.
    pub message: String,
    /// The line, with a caret under the column.
    pub excerpt: Option<String>,
}

impl SpecError {
    /// An error at a position of `text`.
    pub fn at(file: &str, text: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            excerpt: Some(crate::diagnostic::excerpt_at(text, pos.line, pos.column)),
        }
    }
}

/// Everything `opsctl gate` runs.
#[derive(Debug, Clone)]
pub struct Spec {
    /// What was read: `gate.yaml`, `AnalysisTemplate/success-rate`…
    pub sources: Vec<String>,
    /// The metrics, in spec order, names unique.
    pub metrics: Vec<Metric>,
    /// Arg values that came from secrets; masked wherever a query is shown.
    pub secrets: Vec<String>,
}

impl Spec {
    /// `text` with every secret arg value replaced by `*****`, as Argo
    /// redacts them.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter().filter(|s| !s.is_empty()) {
            out = out.replace(secret.as_str(), "*****");
        }
        out
    }
}

/// One metric: how to measure it and how to judge the measurements.
#[derive(Debug, Clone)]
pub struct Metric {
    /// Unique name.
    pub name: String,
    /// Gap between one measurement's end and the next one's start.
    pub interval: Option<Duration>,
    /// Wait before the first measurement.
    pub initial_delay: Duration,
    /// Measurements to take; `None` runs until the analysis is stopped.
    pub count: Option<u64>,
    /// `successCondition`.
    pub success: Option<Expression>,
    /// `failureCondition`.
    pub failure: Option<Expression>,
    /// Failed when failed measurements exceed this; `-1` disables.
    pub failure_limit: i64,
    /// Inconclusive when inconclusive measurements exceed this.
    pub inconclusive_limit: i64,
    /// Error when consecutive errors exceed this.
    pub consecutive_error_limit: i64,
    /// Successful once this many measurements succeed in a row (0: off).
    pub consecutive_success_limit: i64,
    /// Evaluated and reported, never part of the verdict.
    pub dry_run: bool,
    /// Measurements kept in the report.
    pub retention: usize,
    /// Where the numbers come from.
    pub provider: Provider,
}

/// Argo's defaults.
pub mod defaults {
    /// `consecutiveErrorLimit`.
    pub const CONSECUTIVE_ERROR_LIMIT: i64 = 4;
    /// Measurements kept per metric.
    pub const RETENTION: usize = 10;
    /// Prometheus client timeout (Argo: 30 s).
    pub const TIMEOUT_SECONDS: u64 = 30;
    /// Window of a `compare` metric when no `range` is given.
    pub const COMPARE_RANGE_SECONDS: u64 = 600;
    /// Step of range queries when no `step` is given.
    pub const STEP_SECONDS: u64 = 60;
}

/// A Prometheus-compatible server and a query.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Connection settings written in the spec.
    pub prometheus: PrometheusSettings,
    /// The query.
    pub query: Query,
}

/// Connection settings from the spec (the CLI overlays flags and config).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrometheusSettings {
    /// `address`.
    pub address: Option<String>,
    /// Client timeout.
    pub timeout: Option<Duration>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// `basicAuth` (password already read from its env var or file).
    pub basic_auth: Option<(String, String)>,
    /// A bearer token (already read from its file or env var).
    pub bearer_token: Option<String>,
    /// PEM file of CAs to trust.
    pub ca_file: Option<std::path::PathBuf>,
    /// Skip TLS verification.
    pub insecure: bool,
    /// Send queries with GET instead of POST.
    pub use_get: bool,
}

/// What is sent to Prometheus.
#[derive(Debug, Clone)]
pub enum Query {
    /// `/api/v1/query` at the measurement time.
    Instant(String),
    /// `/api/v1/query_range`.
    Range {
        /// PromQL.
        query: String,
        /// Start of the window.
        start: Bound,
        /// End of the window.
        end: Bound,
        /// Resolution.
        step: Duration,
    },
    /// Canary and baseline range queries over the same window, compared
    /// with a Mann-Whitney U test.
    Compare {
        /// PromQL of the new version.
        canary: String,
        /// PromQL of the version it replaces.
        baseline: String,
        /// Window ending at the measurement time.
        range: Duration,
        /// Resolution.
        step: Duration,
        /// Direction, confidence and tolerances.
        config: CompareConfig,
    },
}

impl Query {
    /// The PromQL texts, for the report.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Query::Instant(q) | Query::Range { query: q, .. } => vec![q],
            Query::Compare {
                canary, baseline, ..
            } => vec![canary, baseline],
        }
    }
}

/// One end of a range query's window.
#[derive(Debug, Clone)]
pub enum Bound {
    /// An Argo `rangeQuery.start`/`end` expression such as
    /// `now() - duration("5m")`.
    Expression(Expression),
    /// This long before the measurement time (`range: 5m` in gate.yaml).
    Before(Duration),
}
