//! HTTP load testing: a closed or open model over exactly `-c` connections,
//! latency in HDR histograms (no coordinated omission in the open model),
//! results that merge exactly, thresholds and baselines for CI.
//!
//! - [`plan`]: the resolved test (target, weighted requests, model, limits).
//! - [`schedule`]: when each request of the open model is due.
//! - [`engine`]: the threads, connections and HTTP/1.1 and HTTP/2 clients.
//! - [`stats`]: recording on the hot path, per thread.
//! - [`result`]: the summarized, serializable, mergeable result.
//! - [`threshold`] and [`baseline`]: the CI verdicts.
//! - [`scenario`]: the `load.yaml` file.
//! - [`report`]: the self-contained HTML report.
//! - [`job`]: the Kubernetes Job that runs a test on N pods.

pub mod baseline;
pub mod engine;
pub mod job;
pub mod plan;
pub mod report;
pub mod result;
pub mod scenario;
pub mod schedule;
pub mod stats;
pub mod threshold;

/// Why a load test could not start or a result could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The URL is not an absolute http(s) URL.
    #[error("invalid URL `{url}`: {reason}")]
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The settings contradict each other or cannot run.
    #[error("{0}")]
    Plan(String),
    /// The host name did not resolve.
    #[error("cannot resolve `{host}`: {reason}")]
    Resolve {
        /// The host.
        host: String,
        /// The resolver's answer.
        reason: String,
    },
    /// The TLS configuration could not be built.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// Not enough file descriptors for the connections.
    #[error(
        "{connections} connections need {needed} open files, but the limit is {hard}; \
         raise it (ulimit -n {needed}, or LimitNOFILE= for a service) or use fewer connections"
    )]
    OpenFiles {
        /// Connections asked for.
        connections: usize,
        /// Descriptors needed.
        needed: u64,
        /// The hard limit.
        hard: u64,
    },
    /// The engine's runtime failed.
    #[error("the load engine failed: {0}")]
    Runtime(String),
    /// A result or scenario file could not be read.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}
