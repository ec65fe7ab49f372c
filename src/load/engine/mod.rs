//! The load engine: `threads` OS threads, each a current-thread tokio
//! runtime driving its share of the connections, one task per connection.
//! Threads share nothing on the hot path but the open model's request
//! counter; statistics are per thread (see [`super::stats`]).

mod connect;
mod http1;
mod http2;

use std::cell::RefCell;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use tokio::task::LocalSet;

use self::connect::Connector;
use self::http1::{Failure, Http1};
use super::LoadError;
use super::plan::{Model, Plan, Scheme};
use super::stats::{Collector, ErrorKind, Recorder, ThreadTotals};

/// What live progress shows, sampled a few times a second.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Time since the run started.
    pub elapsed: Duration,
    /// The planned length, when the run has one.
    pub planned: Option<Duration>,
    /// Requests finished so far.
    pub requests: u64,
    /// Transport errors so far.
    pub errors: u64,
    /// p99 latency of the complete seconds so far.
    pub p99: Option<Duration>,
}

/// Everything a run measured, before it is summarized.
#[derive(Debug)]
pub struct Run {
    /// Wall-clock start.
    pub started_at: SystemTime,
    /// From the start until the last request finished.
    pub elapsed: Duration,
    /// Stopped by Ctrl-C.
    pub interrupted: bool,
    /// Per-thread totals, merged.
    pub totals: ThreadTotals,
    /// The collector with the merged histogram and every thread's seconds.
    pub collector: Arc<Collector>,
}

/// One request as the engine sends it.
struct Prepared {
    wire: Vec<u8>,
    head_only: bool,
    h2: Option<http2::Template>,
    think: Duration,
}

/// What every thread reads.
struct Shared {
    plan: Plan,
    requests: Vec<Prepared>,
    rotation: Vec<u16>,
    addr: SocketAddr,
    tls: Option<Arc<rustls::ClientConfig>>,
    start: Instant,
    deadline: Option<Instant>,
    next: AtomicU64,
    collector: Arc<Collector>,
}

/// Runs the plan to the end (or to Ctrl-C, noticed through
/// [`crate::interrupt`]), calling `progress` a few times a second.
pub fn run(plan: &Plan, progress: &mut dyn FnMut(Progress)) -> Result<Run, LoadError> {
    plan.validate()?;
    raise_open_file_limit(plan.connections)?;
    let addr = resolve(plan)?;
    let tls = match plan.target.scheme {
        Scheme::Https => Some(connect::tls_config(plan.insecure, plan.http2)?),
        Scheme::Http => None,
    };
    let requests = prepare(plan)?;
    let threads = plan.threads.min(plan.connections).max(1);
    let collector = Arc::new(Collector::new(threads));
    let planned = match &plan.model {
        Model::Open(schedule) => schedule.length(),
        Model::Closed => plan.duration,
    };
    let started_at = SystemTime::now();
    let start = Instant::now();
    let shared = Arc::new(Shared {
        plan: plan.clone(),
        rotation: plan.rotation(),
        requests,
        addr,
        tls,
        start,
        deadline: plan.duration.map(|d| start + d),
        next: AtomicU64::new(0),
        collector: collector.clone(),
    });

    let mut handles = Vec::with_capacity(threads);
    for thread in 0..threads {
        let first = plan.connections * thread / threads;
        let last = plan.connections * (thread + 1) / threads;
        let shared = shared.clone();
        let handle = std::thread::Builder::new()
            .name(format!("opsctl-load-{thread}"))
            .spawn(move || drive_thread(&shared, thread, first..last))
            .map_err(|e| LoadError::Runtime(e.to_string()))?;
        handles.push(handle);
    }
    while !handles.iter().all(|h| h.is_finished()) {
        let (requests, errors) = collector.progress();
        progress(Progress {
            elapsed: start.elapsed(),
            planned,
            requests,
            errors,
            p99: collector.p99(),
        });
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut totals = ThreadTotals::default();
    for handle in handles {
        let thread = handle
            .join()
            .map_err(|_| LoadError::Runtime("an engine thread panicked".to_owned()))??;
        merge_totals(&mut totals, thread);
    }
    Ok(Run {
        started_at,
        elapsed: start.elapsed(),
        interrupted: crate::interrupt::requested(),
        totals,
        collector,
    })
}

fn merge_totals(into: &mut ThreadTotals, from: ThreadTotals) {
    into.requests += from.requests;
    for (code, n) in from.statuses {
        *into.statuses.entry(code).or_default() += n;
    }
    for (kind, n) in from.errors {
        *into.errors.entry(kind).or_default() += n;
    }
    into.bytes_received += from.bytes_received;
    into.bytes_sent += from.bytes_sent;
    into.late += from.late;
    into.max_lag = into.max_lag.max(from.max_lag);
    into.scheduled += from.scheduled;
}

/// One engine thread: its runtime, its connections, a ticker that publishes
/// progress and notices Ctrl-C.
fn drive_thread(
    shared: &Arc<Shared>,
    thread: usize,
    connections: std::ops::Range<usize>,
) -> Result<ThreadTotals, LoadError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LoadError::Runtime(e.to_string()))?;
    let worker = Rc::new(Worker {
        shared: shared.clone(),
        connector: Connector::new(
            shared.addr,
            shared.tls.clone(),
            &shared.plan.target.host,
            shared.plan.connect_timeout,
        )?,
        recorder: RefCell::new(Recorder::new(
            shared.start,
            shared.collector.clone(),
            thread,
        )),
    });
    let local = LocalSet::new();
    local.block_on(&runtime, async {
        let tasks: Vec<_> = connections
            .map(|index| {
                let worker = worker.clone();
                if worker.shared.plan.http2 {
                    tokio::task::spawn_local(http2_connection(worker, index))
                } else {
                    tokio::task::spawn_local(http1_connection(worker, index))
                }
            })
            .collect();
        let all_done = async {
            for task in tasks {
                let _ = task.await;
            }
        };
        tokio::select! {
            () = all_done => {}
            () = ticker(&worker) => {}
        }
    });
    // Dropping the set cancels requests still in flight after Ctrl-C.
    drop(local);
    let totals = worker.recorder.borrow_mut().finish();
    Ok(totals)
}

/// Publishes progress every 100 ms; returns when Ctrl-C was pressed.
async fn ticker(worker: &Worker) {
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    loop {
        interval.tick().await;
        worker.recorder.borrow().publish();
        if crate::interrupt::requested() {
            return;
        }
    }
}

/// Permission to send one request.
#[derive(Debug, Clone, Copy, Default)]
struct Ticket {
    /// The run-wide request number, when the run counts requests.
    index: Option<u64>,
    /// Open model: when the request was due.
    due: Option<Instant>,
}

/// A thread's view of the run.
struct Worker {
    shared: Arc<Shared>,
    connector: Connector,
    recorder: RefCell<Recorder>,
}

impl Worker {
    /// Waits for the next request this connection may send; `None` when
    /// the run is over.
    async fn ticket(&self) -> Option<Ticket> {
        let shared = &*self.shared;
        match &shared.plan.model {
            Model::Closed => {
                if shared.deadline.is_some_and(|d| Instant::now() >= d) {
                    return None;
                }
                let Some(max) = shared.plan.max_requests else {
                    return Some(Ticket::default());
                };
                let index = shared.next.fetch_add(1, Ordering::Relaxed);
                (index < max).then_some(Ticket {
                    index: Some(index),
                    due: None,
                })
            }
            Model::Open(schedule) => {
                let index = shared.next.fetch_add(1, Ordering::Relaxed);
                if shared.plan.max_requests.is_some_and(|max| index >= max) {
                    return None;
                }
                let due = shared.start + schedule.due(index)?;
                if due > Instant::now() {
                    tokio::time::sleep_until(due.into()).await;
                }
                Some(Ticket {
                    index: Some(index),
                    due: Some(due),
                })
            }
        }
    }

    fn closed_model(&self) -> bool {
        matches!(self.shared.plan.model, Model::Closed)
    }

    /// The request to send: by the run-wide request number when there is
    /// one (so weights hold exactly over the run), else by the connection's
    /// own turn.
    fn request(&self, ticket: Ticket, turn: &mut usize) -> &Prepared {
        let rotation = &self.shared.rotation;
        let position = match ticket.index {
            Some(index) => (index % rotation.len() as u64) as usize,
            None => {
                *turn += 1;
                *turn % rotation.len()
            }
        };
        &self.shared.requests[usize::from(rotation[position])]
    }

    fn error(&self, kind: ErrorKind) {
        self.recorder.borrow_mut().error(Instant::now(), kind);
    }
}

/// Backs off between failed connects in the closed model, so a dead server
/// is not hammered in a busy loop (1 ms doubling to 100 ms).
async fn back_off(delay: &mut Duration) {
    *delay = (*delay * 2).clamp(Duration::from_millis(1), Duration::from_millis(100));
    tokio::time::sleep(*delay).await;
}

async fn http1_connection(worker: Rc<Worker>, index: usize) {
    let timeout = worker.shared.plan.timeout;
    let mut conn: Option<Http1<connect::Stream>> = None;
    let mut turn = index;
    let mut delay = Duration::ZERO;
    while let Some(ticket) = worker.ticket().await {
        let due = ticket.due;
        let request = worker.request(ticket, &mut turn);
        let mut retried = false;
        loop {
            let active = match &mut conn {
                Some(active) => active,
                None => match worker.connector.connect().await {
                    Ok(stream) => {
                        delay = Duration::ZERO;
                        conn.insert(Http1::new(stream))
                    }
                    Err(kind) => {
                        worker.error(kind);
                        if worker.closed_model() {
                            back_off(&mut delay).await;
                        }
                        break;
                    }
                },
            };
            let sent = Instant::now();
            let outcome = tokio::time::timeout_at(
                tokio::time::Instant::from_std(sent + timeout),
                active.exchange(&request.wire, request.head_only),
            )
            .await;
            let done = Instant::now();
            let mut recorder = worker.recorder.borrow_mut();
            if !retried && let Some(due) = due {
                recorder.scheduled(sent.saturating_duration_since(due));
            }
            recorder.sent(request.wire.len() as u64);
            match outcome {
                Ok(Ok(response)) => {
                    let latency = done - due.unwrap_or(sent);
                    recorder.response(done, latency, response.status, response.bytes);
                    if response.close {
                        conn = None;
                    }
                }
                Ok(Err(Failure::Stale)) if !retried => {
                    drop(recorder);
                    conn = None;
                    retried = true;
                    continue;
                }
                Ok(Err(Failure::Stale)) => {
                    recorder.error(done, ErrorKind::Reset);
                    conn = None;
                }
                Ok(Err(Failure::Error(kind))) => {
                    recorder.error(done, kind);
                    conn = None;
                }
                Err(_elapsed) => {
                    recorder.error(done, ErrorKind::Timeout);
                    conn = None;
                }
            }
            break;
        }
        if !request.think.is_zero() {
            tokio::time::sleep(request.think).await;
        }
    }
}

async fn http2_connection(worker: Rc<Worker>, index: usize) {
    let streams = worker.shared.plan.streams;
    let mut delay = Duration::ZERO;
    loop {
        // A ticket is taken before connecting, so a failed connect counts
        // against the request it was for.
        let Some(first) = worker.ticket().await else {
            return;
        };
        let sender = match worker.connector.connect().await {
            Ok(stream) => {
                if worker.shared.tls.is_some() && !stream.negotiated_h2() {
                    worker.error(ErrorKind::Protocol);
                    return; // the server does not speak HTTP/2; retrying cannot help
                }
                http2::handshake(stream).await
            }
            Err(kind) => Err(kind),
        };
        let sender = match sender {
            Ok(sender) => {
                delay = Duration::ZERO;
                sender
            }
            Err(kind) => {
                worker.error(kind);
                if worker.closed_model() {
                    back_off(&mut delay).await;
                }
                continue;
            }
        };
        let loops: Vec<_> = (0..streams)
            .map(|stream| {
                let first = (stream == 0).then_some(first);
                tokio::task::spawn_local(http2_stream(
                    worker.clone(),
                    sender.clone(),
                    index * streams + stream,
                    first,
                ))
            })
            .collect();
        let mut finished = false;
        for handle in loops {
            finished |= handle.await.unwrap_or(true);
        }
        if finished {
            return;
        }
    }
}

/// One stream's request loop; returns `true` when the run is over, `false`
/// when the connection was lost and must be reopened.
async fn http2_stream(
    worker: Rc<Worker>,
    mut sender: http2::Sender,
    mut turn: usize,
    mut first: Option<Ticket>,
) -> bool {
    let timeout = worker.shared.plan.timeout;
    loop {
        let ticket = match first.take() {
            Some(ticket) => ticket,
            None => match worker.ticket().await {
                Some(ticket) => ticket,
                None => return true,
            },
        };
        let due = ticket.due;
        let request = worker.request(ticket, &mut turn);
        let Some(template) = &request.h2 else {
            return true;
        };
        let sent = Instant::now();
        let outcome = tokio::time::timeout_at(
            tokio::time::Instant::from_std(sent + timeout),
            http2::exchange(&mut sender, template),
        )
        .await;
        let done = Instant::now();
        let lost = {
            let mut recorder = worker.recorder.borrow_mut();
            if let Some(due) = due {
                recorder.scheduled(sent.saturating_duration_since(due));
            }
            recorder.sent(template.body.len() as u64);
            match outcome {
                Ok(http2::Outcome::Response(status, bytes)) => {
                    recorder.response(done, done - due.unwrap_or(sent), status, bytes);
                    false
                }
                Ok(http2::Outcome::Error(kind)) => {
                    recorder.error(done, kind);
                    false
                }
                Ok(http2::Outcome::Closed) => {
                    recorder.error(done, ErrorKind::Reset);
                    true
                }
                Err(_elapsed) => {
                    recorder.error(done, ErrorKind::Timeout);
                    false
                }
            }
        };
        if lost {
            return false;
        }
        if !request.think.is_zero() {
            tokio::time::sleep(request.think).await;
        }
    }
}

/// The target's first address (DNS is resolved once, before the run).
fn resolve(plan: &Plan) -> Result<SocketAddr, LoadError> {
    let target = &plan.target;
    (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| LoadError::Resolve {
            host: target.host.clone(),
            reason: e.to_string(),
        })?
        .next()
        .ok_or_else(|| LoadError::Resolve {
            host: target.host.clone(),
            reason: "no address found".to_owned(),
        })
}

fn prepare(plan: &Plan) -> Result<Vec<Prepared>, LoadError> {
    let origin = plan.target.origin();
    plan.requests
        .iter()
        .map(|spec| {
            let h2 = if plan.http2 {
                let uri = format!("{origin}{}", spec.path);
                Some(
                    http2::template(&spec.method, &uri, &spec.headers, &spec.body).map_err(
                        |reason| LoadError::Plan(format!("request `{}`: {reason}", spec.name)),
                    )?,
                )
            } else {
                None
            };
            Ok(Prepared {
                wire: http1::build_request(
                    &spec.method,
                    &spec.path,
                    &plan.target.authority,
                    &spec.headers,
                    &spec.body,
                ),
                head_only: spec.method == "HEAD",
                h2,
                think: spec.think,
            })
        })
        .collect()
}

/// Raises the soft open-file limit to the hard limit when the run needs more
/// descriptors than the soft limit allows; fails when even the hard limit is
/// too low.
fn raise_open_file_limit(connections: usize) -> Result<(), LoadError> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    // Room for the runtime, stdio and files besides the sockets.
    let needed = connections as u64 + 64;
    let limit = getrlimit(Resource::Nofile);
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= needed {
        return Ok(());
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    if hard < needed {
        return Err(LoadError::OpenFiles {
            connections,
            needed,
            hard,
        });
    }
    let raised = rustix::process::Rlimit {
        current: Some(hard.min(needed.max(65_536))),
        maximum: limit.maximum,
    };
    setrlimit(Resource::Nofile, raised).map_err(|_| LoadError::OpenFiles {
        connections,
        needed,
        hard: soft,
    })
}
