//! Scheduling an analysis: every due metric is measured concurrently, the
//! next measurement is due `interval` after the last one finished (10 s
//! after an error, as in Argo), and the run stops when every metric is
//! done, a counting metric goes bad, the time limit passes or Ctrl-C.
//!
//! With `--at` the clock is replayed: it starts at the given instant and
//! jumps to each next due time without sleeping (until it catches up with
//! the present), so an hour-long analysis of past data takes seconds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::GateError;
use super::analysis::{MetricState, Phase, Stop, decided};
use super::measure;
use super::spec::{Metric, PrometheusSettings, Spec, defaults};
use crate::prometheus::{Auth, Client, ClientConfig, RequestMethod};

/// Measurements in flight at once. Due metrics are measured concurrently,
/// but 50 queries on 50 fresh connections are slower than on 8 reused ones
/// (measured with `benches/gate.sh`), and Prometheus itself runs 20 queries
/// at a time by default (`--query.max-concurrency`).
pub const MAX_IN_FLIGHT: usize = 8;

/// Argo's `DefaultErrorRetryInterval`.
pub const ERROR_RETRY: Duration = Duration::from_secs(10);

/// Connection settings from the command line and configuration. The
/// address order is: `--prometheus`, the spec, opsctl.toml, then
/// `ARGO_ROLLOUTS_PROMETHEUS_ADDRESS` (Argo's controller default).
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// `--prometheus`: wins over every address in the spec.
    pub address: Option<String>,
    /// Used when neither the flag nor the spec names an address.
    pub default_address: Option<String>,
    /// Bearer token (`--token-file`, `OPSCTL_PROMETHEUS_TOKEN`).
    pub bearer_token: Option<String>,
    /// `--user` with `OPSCTL_PROMETHEUS_PASSWORD`.
    pub basic_auth: Option<(String, String)>,
    /// `--header`.
    pub headers: Vec<(String, String)>,
    /// `--cacert`.
    pub ca_file: Option<PathBuf>,
    /// `--insecure`.
    pub insecure: bool,
}

/// How the analysis runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// One measurement per metric, judged alone.
    pub once: bool,
    /// Replay from this instant (unix seconds).
    pub at: Option<f64>,
    /// Stop after this much analysis time.
    pub time_limit: Option<Duration>,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The metrics as run (after `--once` adjustments).
    pub metrics: Vec<Metric>,
    /// Their final states, in spec order.
    pub states: Vec<MetricState>,
    /// The address each metric was measured against.
    pub addresses: Vec<String>,
    /// Analysis start (unix seconds; the replayed instant with `--at`).
    pub started_at: f64,
    /// Analysis end.
    pub finished_at: f64,
    /// Why it stopped early, if it did.
    pub stop: Option<Stop>,
}

/// A snapshot for live displays, after each round of measurements.
#[derive(Debug)]
pub struct Progress<'a> {
    /// The metrics.
    pub metrics: &'a [Metric],
    /// Their states.
    pub states: &'a [MetricState],
    /// The analysis clock.
    pub now: f64,
    /// When each metric is next due.
    pub next_due: &'a [f64],
}

impl Metric {
    /// The metric as `--once` runs it: one measurement, judged alone (its
    /// phase is the measurement's), no delay.
    pub fn for_once(&self) -> Metric {
        Metric {
            interval: None,
            initial_delay: Duration::ZERO,
            count: Some(1),
            failure_limit: 0,
            inconclusive_limit: 0,
            consecutive_error_limit: 0,
            consecutive_success_limit: 0,
            ..self.clone()
        }
    }
}

/// Checks the spec can run with these settings, and builds one client
/// per distinct connection.
fn clients(
    metrics: &[Metric],
    connection: &Connection,
) -> Result<(Vec<Arc<Client>>, Vec<String>), GateError> {
    let mut built: Vec<(ClientConfig, Arc<Client>)> = Vec::new();
    let mut out = Vec::with_capacity(metrics.len());
    let mut addresses = Vec::with_capacity(metrics.len());
    for metric in metrics {
        let config = client_config(&metric.name, &metric.provider.prometheus, connection)?;
        let client = match built.iter().find(|(c, _)| *c == config) {
            Some((_, client)) => client.clone(),
            None => {
                let client = Arc::new(Client::new(&config)?);
                built.push((config.clone(), client.clone()));
                client
            }
        };
        addresses.push(config.address);
        out.push(client);
    }
    Ok((out, addresses))
}

fn client_config(
    metric: &str,
    spec: &PrometheusSettings,
    connection: &Connection,
) -> Result<ClientConfig, GateError> {
    let address = connection
        .address
        .clone()
        .or_else(|| spec.address.clone().filter(|a| !a.is_empty()))
        .or_else(|| connection.default_address.clone())
        .or_else(|| {
            std::env::var("ARGO_ROLLOUTS_PROMETHEUS_ADDRESS")
                .ok()
                .filter(|a| !a.is_empty())
        })
        .ok_or_else(|| {
            GateError::Invalid(format!(
                "metric `{metric}`: prometheus address is not configured; pass --prometheus URL, \
                 or set `prometheus:` in the spec or `gate.prometheus` in opsctl.toml"
            ))
        })?;
    crate::prometheus::parse_address(&address)?;
    let auth = if let Some(token) = connection.bearer_token.clone() {
        Auth::Bearer(token)
    } else if let Some((username, password)) = connection.basic_auth.clone() {
        Auth::Basic { username, password }
    } else if let Some(token) = spec.bearer_token.clone() {
        Auth::Bearer(token)
    } else if let Some((username, password)) = spec.basic_auth.clone() {
        Auth::Basic { username, password }
    } else {
        Auth::None
    };
    let mut headers = spec.headers.clone();
    for (name, value) in &connection.headers {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    Ok(ClientConfig {
        address,
        timeout: spec
            .timeout
            .unwrap_or(Duration::from_secs(defaults::TIMEOUT_SECONDS)),
        headers,
        auth,
        ca_file: connection.ca_file.clone().or_else(|| spec.ca_file.clone()),
        insecure: connection.insecure || spec.insecure,
        method: if spec.use_get {
            RequestMethod::Get
        } else {
            RequestMethod::Post
        },
    })
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Real time, or replayed time that jumps ahead.
struct Clock {
    replay: Option<f64>,
}

impl Clock {
    fn now(&self) -> f64 {
        self.replay.unwrap_or_else(unix_now)
    }

    /// Waits until `t`; returns early (false) on Ctrl-C.
    async fn wait_until(&mut self, t: f64) -> bool {
        if let Some(replayed) = self.replay.as_mut() {
            *replayed = replayed.max(t);
        }
        // Replayed time may not run ahead of the present: data is not there yet.
        while unix_now() < t {
            if crate::interrupt::requested() {
                return false;
            }
            let left = (t - unix_now()).clamp(0.0, 0.2);
            tokio::time::sleep(Duration::from_secs_f64(left)).await;
        }
        !crate::interrupt::requested()
    }
}

/// Runs the analysis to its end on a single-threaded runtime.
pub fn execute(
    spec: &Spec,
    connection: &Connection,
    settings: Settings,
    observe: &mut dyn FnMut(Progress<'_>),
) -> Result<Outcome, GateError> {
    let metrics: Vec<Metric> = if settings.once {
        spec.metrics.iter().map(Metric::for_once).collect()
    } else {
        spec.metrics.clone()
    };
    if settings.time_limit.is_none()
        && let Some(m) = metrics.iter().find(|m| m.count.is_none())
    {
        return Err(GateError::Invalid(format!(
            "metric `{}` has an interval and no count, so it runs until stopped (Argo stops it \
             when the rollout ends); give --timeout, a count, or --once",
            m.name
        )));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| GateError::Invalid(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let (clients, addresses) = clients(&metrics, connection)?;
        Ok(analyse(metrics, clients, addresses, settings, observe).await)
    })
}

async fn analyse(
    metrics: Vec<Metric>,
    clients: Vec<Arc<Client>>,
    addresses: Vec<String>,
    settings: Settings,
    observe: &mut dyn FnMut(Progress<'_>),
) -> Outcome {
    let mut clock = Clock {
        replay: settings.at,
    };
    let started_at = clock.now();
    let deadline = settings.time_limit.map(|d| started_at + d.as_secs_f64());
    let mut states: Vec<MetricState> = vec![MetricState::default(); metrics.len()];
    let mut next_due: Vec<f64> = metrics
        .iter()
        .map(|m| started_at + m.initial_delay.as_secs_f64())
        .collect();
    let stop = loop {
        if crate::interrupt::requested() {
            break Some(Stop::Interrupted);
        }
        if decided(&metrics, &states) {
            break Some(Stop::Decided);
        }
        if states.iter().all(|s| s.phase.is_terminal()) {
            break None;
        }
        let now = clock.now();
        if deadline.is_some_and(|d| now >= d) {
            break Some(Stop::TimeLimit);
        }
        let due: Vec<usize> = (0..metrics.len())
            .filter(|&i| !states[i].phase.is_terminal() && next_due[i] <= now)
            .collect();
        if due.is_empty() {
            let wake = (0..metrics.len())
                .filter(|&i| !states[i].phase.is_terminal())
                .map(|i| next_due[i])
                .fold(f64::INFINITY, f64::min);
            let wake = deadline.map_or(wake, |d| wake.min(d));
            if !clock.wait_until(wake).await {
                break Some(Stop::Interrupted);
            }
            continue;
        }
        let taken: Vec<_> = {
            use futures_util::StreamExt as _;
            let mut indexed: Vec<(usize, _)> =
                futures_util::stream::iter(due.iter().enumerate().map(|(k, &i)| {
                    let fut = measure::take(&metrics[i], &clients[i], now);
                    async move { (k, fut.await) }
                }))
                .buffer_unordered(MAX_IN_FLIGHT)
                .collect()
                .await;
            indexed.sort_by_key(|(k, _)| *k);
            indexed.into_iter().map(|(_, m)| m).collect()
        };
        let finished = if settings.at.is_some() {
            now
        } else {
            clock.now()
        };
        for (&i, mut measurement) in due.iter().zip(taken) {
            if settings.at.is_none() {
                measurement.finished_at = finished;
            }
            let pause = if measurement.phase == Phase::Error {
                ERROR_RETRY
            } else {
                metrics[i].interval.unwrap_or_default()
            };
            next_due[i] = finished + pause.as_secs_f64();
            states[i].record(measurement, &metrics[i]);
        }
        observe(Progress {
            metrics: &metrics,
            states: &states,
            now: finished,
            next_due: &next_due,
        });
    };
    for (state, metric) in states.iter_mut().zip(&metrics) {
        state.assess(metric, stop);
    }
    Outcome {
        started_at,
        finished_at: clock.now().max(started_at),
        metrics,
        states,
        addresses,
        stop,
    }
}
