//! Recording on the hot path: one [`Recorder`] per engine thread, touched only
//! by that thread's connections, so recording is a few adds and an O(1)
//! histogram index with no lock and no allocation. Once a second the thread
//! hands its last second's histogram to the shared [`Collector`] (one lock per
//! thread per second), which is also where live progress reads p99 from.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

/// Latency histograms count microseconds from 1 µs to one hour with three
/// significant digits (±0.1 %): about 200 KiB each, whatever the run length.
pub const HIGHEST_MICROS: u64 = 3_600_000_000;
const SIGNIFICANT_DIGITS: u8 = 3;

/// A new, empty latency histogram in opsctl's range and precision.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_MICROS, SIGNIFICANT_DIGITS)
        .expect("constant histogram bounds are valid")
}

/// Why a request got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Nothing listens on the port.
    ConnectRefused,
    /// The connection (TCP and TLS handshake) took longer than --connect-timeout.
    ConnectTimeout,
    /// Any other failure to connect: unreachable network, no route.
    Connect,
    /// No complete response within --timeout.
    Timeout,
    /// The server reset or closed the connection mid-request.
    Reset,
    /// The TLS handshake or record layer failed (certificate, protocol).
    Tls,
    /// The response was not valid HTTP.
    Protocol,
}

impl ErrorKind {
    /// Every kind, in report order.
    pub const ALL: [ErrorKind; 7] = [
        ErrorKind::ConnectRefused,
        ErrorKind::ConnectTimeout,
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Reset,
        ErrorKind::Tls,
        ErrorKind::Protocol,
    ];

    /// The kind as people read it in the summary.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorKind::ConnectRefused => "connection refused",
            ErrorKind::ConnectTimeout => "connect timeout",
            ErrorKind::Connect => "connect failed",
            ErrorKind::Timeout => "request timeout",
            ErrorKind::Reset => "connection reset or closed",
            ErrorKind::Tls => "TLS error",
            ErrorKind::Protocol => "HTTP protocol error",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Counts of one second of the run, on one thread or merged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecondCounts {
    /// Requests that finished in this second (responses and errors).
    pub requests: u64,
    /// Of those, transport errors and HTTP statuses ≥ 400.
    pub failed: u64,
    /// Response bytes received.
    pub bytes: u64,
}

/// One thread's second, as handed to the collector: counts and the latency
/// histogram in compact V2 encoding (sparse, so a second costs bytes, not KiB).
#[derive(Debug, Clone)]
pub struct SecondPart {
    /// Seconds from the start of the run.
    pub second: u64,
    /// What finished in it.
    pub counts: SecondCounts,
    /// Its latencies, V2-encoded.
    pub histogram: Vec<u8>,
}

/// Per-thread progress counters on their own cache line, written by the
/// thread's ticker and read by the progress display.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Published {
    /// Requests finished so far.
    pub requests: AtomicU64,
    /// Transport errors so far.
    pub errors: AtomicU64,
}

/// Where threads deposit their seconds; shared by all of them.
#[derive(Debug)]
pub struct Collector {
    /// Every latency recorded so far, merged.
    pub total: Mutex<Histogram<u64>>,
    /// Every thread's seconds, in arrival order.
    pub seconds: Mutex<Vec<SecondPart>>,
    /// One counter block per thread.
    pub published: Vec<Published>,
}

impl Collector {
    /// A collector for `threads` engine threads.
    pub fn new(threads: usize) -> Self {
        Self {
            total: Mutex::new(new_histogram()),
            seconds: Mutex::new(Vec::new()),
            published: (0..threads).map(|_| Published::default()).collect(),
        }
    }

    /// Requests and transport errors finished so far, summed over threads
    /// (as of each thread's last tick).
    pub fn progress(&self) -> (u64, u64) {
        self.published.iter().fold((0, 0), |(r, e), p| {
            (
                r + p.requests.load(Ordering::Relaxed),
                e + p.errors.load(Ordering::Relaxed),
            )
        })
    }

    /// p99 of everything merged so far (complete seconds only), if any.
    pub fn p99(&self) -> Option<Duration> {
        let total = self.total.lock().unwrap_or_else(|e| e.into_inner());
        (!total.is_empty()).then(|| Duration::from_micros(total.value_at_quantile(0.99)))
    }
}

/// The totals one thread ends with, beside what it gave the collector.
#[derive(Debug, Clone, Default)]
pub struct ThreadTotals {
    /// Requests finished: responses plus transport errors.
    pub requests: u64,
    /// Responses by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Transport errors by kind.
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Response bytes received (head and body).
    pub bytes_received: u64,
    /// Request bytes sent.
    pub bytes_sent: u64,
    /// Open model: requests sent more than [`LATE_AFTER`] after they were due.
    pub late: u64,
    /// Open model: the furthest behind schedule a request was sent.
    pub max_lag: Duration,
    /// Open model: requests taken from the schedule.
    pub scheduled: u64,
}

/// A send this far behind its intended time counts as late: the generator
/// (or its connections) could not keep the rate.
pub const LATE_AFTER: Duration = Duration::from_millis(10);

/// One engine thread's statistics.
#[derive(Debug)]
pub struct Recorder {
    start: Instant,
    second: u64,
    histogram: Histogram<u64>,
    counts: SecondCounts,
    statuses: Vec<u64>,
    errors: [u64; ErrorKind::ALL.len()],
    totals: ThreadTotals,
    collector: Arc<Collector>,
    thread: usize,
}

impl Recorder {
    /// A recorder for engine thread `thread` of a run that started at `start`.
    pub fn new(start: Instant, collector: Arc<Collector>, thread: usize) -> Self {
        Self {
            start,
            second: 0,
            histogram: new_histogram(),
            counts: SecondCounts::default(),
            statuses: vec![0; 1000],
            errors: [0; ErrorKind::ALL.len()],
            totals: ThreadTotals::default(),
            collector,
            thread,
        }
    }

    /// A response arrived at `done`, `latency` after it was sent (or due).
    #[inline]
    pub fn response(&mut self, done: Instant, latency: Duration, status: u16, received: u64) {
        self.roll(done);
        let micros = (latency.as_micros() as u64).clamp(1, HIGHEST_MICROS);
        // In range by the clamp, so recording cannot fail.
        let _ = self.histogram.record(micros);
        self.statuses[usize::from(status.min(999))] += 1;
        self.counts.requests += 1;
        self.counts.bytes += received;
        if status >= 400 {
            self.counts.failed += 1;
        }
        self.totals.requests += 1;
        self.totals.bytes_received += received;
    }

    /// A request failed without a response.
    #[inline]
    pub fn error(&mut self, done: Instant, kind: ErrorKind) {
        self.roll(done);
        self.errors[kind.index()] += 1;
        self.counts.requests += 1;
        self.counts.failed += 1;
        self.totals.requests += 1;
    }

    /// Bytes written for a request.
    #[inline]
    pub fn sent(&mut self, bytes: u64) {
        self.totals.bytes_sent += bytes;
    }

    /// Open model: a request was taken from the schedule and sent `lag` after it was due.
    #[inline]
    pub fn scheduled(&mut self, lag: Duration) {
        self.totals.scheduled += 1;
        if lag > LATE_AFTER {
            self.totals.late += 1;
        }
        if lag > self.totals.max_lag {
            self.totals.max_lag = lag;
        }
    }

    /// Publishes this thread's counts for the progress display.
    pub fn publish(&self) {
        let published = &self.collector.published[self.thread];
        published
            .requests
            .store(self.totals.requests, Ordering::Relaxed);
        let errors = self.errors.iter().sum();
        published.errors.store(errors, Ordering::Relaxed);
    }

    /// Starts a new second when `now` is past the current one.
    #[inline]
    fn roll(&mut self, now: Instant) {
        let second = now.saturating_duration_since(self.start).as_secs();
        if second != self.second {
            self.flush();
            self.second = second;
        }
    }

    /// Hands the current second to the collector.
    pub fn flush(&mut self) {
        if self.counts == SecondCounts::default() {
            return;
        }
        let mut encoded = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = V2Serializer::new().serialize(&self.histogram, &mut encoded);
        {
            let mut total = self
                .collector
                .total
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            // Same bounds on both sides, so adding cannot fail.
            let _ = total.add(&self.histogram);
        }
        self.collector
            .seconds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(SecondPart {
                second: self.second,
                counts: self.counts,
                histogram: encoded,
            });
        self.histogram.reset();
        self.counts = SecondCounts::default();
        self.publish();
    }

    /// Flushes the last second and returns the thread's totals.
    pub fn finish(&mut self) -> ThreadTotals {
        self.flush();
        self.publish();
        let mut totals = std::mem::take(&mut self.totals);
        totals.statuses = self
            .statuses
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(code, &n)| (code as u16, n))
            .collect();
        totals.errors = ErrorKind::ALL
            .iter()
            .filter(|k| self.errors[k.index()] > 0)
            .map(|&k| (k, self.errors[k.index()]))
            .collect();
        totals
    }
}

/// Decodes a V2 (optionally deflated) histogram.
pub fn decode_histogram(bytes: &[u8]) -> Result<Histogram<u64>, String> {
    Deserializer::new()
        .deserialize(&mut &bytes[..])
        .map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_reach_the_collector_and_totals_add_up() {
        let start = Instant::now();
        let collector = Arc::new(Collector::new(1));
        let mut recorder = Recorder::new(start, collector.clone(), 0);
        let ms = Duration::from_millis;
        recorder.response(start + ms(10), ms(5), 200, 100);
        recorder.response(start + ms(20), ms(7), 503, 50);
        recorder.error(start + ms(30), ErrorKind::Reset);
        recorder.response(start + ms(1500), ms(9), 200, 100);
        let totals = recorder.finish();
        assert_eq!(totals.requests, 4);
        assert_eq!(totals.bytes_received, 250);
        assert_eq!(totals.statuses, BTreeMap::from([(200, 2), (503, 1)]));
        assert_eq!(totals.errors, BTreeMap::from([(ErrorKind::Reset, 1)]));
        let seconds = collector.seconds.lock().unwrap();
        assert_eq!(seconds.len(), 2);
        assert_eq!(
            seconds[0].counts,
            SecondCounts {
                requests: 3,
                failed: 2,
                bytes: 150
            }
        );
        let first = decode_histogram(&seconds[0].histogram).unwrap();
        assert_eq!(first.len(), 2);
        assert_eq!(collector.total.lock().unwrap().len(), 3);
        assert_eq!(collector.progress(), (4, 1));
    }
}
