//! Deployment gates: measure Prometheus metrics and decide Successful,
//! Failed, Inconclusive or Error exactly as an Argo Rollouts AnalysisRun
//! would, from opsctl's `gate.yaml` or from Argo templates unchanged.
//!
//! - [`spec`]: reading specs and templates (args, defaults, validation).
//! - [`expr`]: the condition language (Argo's expr-lang subset).
//! - [`measure`]: one measurement: query, build `result`, judge it.
//! - [`analysis`]: counters, limits and phases per metric and per run.
//! - [`run`]: scheduling measurements over real or replayed time.
//! - [`compare`]: canary vs baseline statistics (Mann-Whitney U).
//! - [`report`]: the AnalysisRun-like status and JUnit XML.

pub mod analysis;
pub mod compare;
pub mod expr;
pub mod measure;
pub mod report;
pub mod run;
pub mod spec;

pub use analysis::Phase;

/// Why a gate could not run at all (as opposed to a metric that errored,
/// which is a verdict).
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// A spec file cannot be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A spec is invalid (positioned).
    #[error(transparent)]
    Spec(#[from] spec::SpecError),
    /// Args are missing or unknown.
    #[error(transparent)]
    Args(#[from] spec::args::ArgError),
    /// The settings cannot run (no address, unbounded metric without a limit…).
    #[error("{0}")]
    Invalid(String),
    /// The Prometheus client cannot be built.
    #[error(transparent)]
    Client(#[from] crate::prometheus::PromError),
}
