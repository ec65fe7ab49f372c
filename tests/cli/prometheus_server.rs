//! A real Prometheus (Debian's 2.42 `prometheus` and `promtool`) for the gate
//! tests: deterministic data backfilled from OpenMetrics text, or live scrapes
//! of an exporter served in the test process; optionally behind basic auth.
//!
//! Historical data must be queried with an explicit `time=` inside it: an
//! instant query sees only samples up to 5 minutes (the lookback) old.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

use crate::support::tool;

/// The one password [`PrometheusServer::with_basic_auth`] accepts: its bcrypt
/// hash is [`PASSWORD_BCRYPT`].
pub const BASIC_AUTH_PASSWORD: &str = "opsctl-test-password";

/// bcrypt of [`BASIC_AUTH_PASSWORD`] at the minimum cost 4 (so that checking
/// it costs Prometheus well under a millisecond), made once with glibc's
/// crypt(3) through Perl, with a fixed salt:
/// `perl -e 'print crypt("opsctl-test-password", "\$2b\$04\$opsctlGateTestSaltSalte")'`
/// (`htpasswd -nbBC 4 USER PASSWORD` from apache2-utils makes an equivalent one).
const PASSWORD_BCRYPT: &str = "$2b$04$opsctlGateTestSaltSalebpoz4ebHz/w07eCsZ47lY1n7wXdCf9C";

/// How long Prometheus may take to log its port and then to become ready.
const STARTUP: Duration = Duration::from_secs(10);

/// OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: one
/// `# TYPE` line per family, every sample with a timestamp in seconds,
/// samples sorted by time within each series, no blank lines, `# EOF` last.
#[derive(Default)]
pub struct OpenMetrics {
    /// Family name (without `_total` for counters) → its type and series.
    families: BTreeMap<String, Family>,
}

struct Family {
    kind: &'static str,
    /// Series text (`name{labels}`) → samples by timestamp.
    series: BTreeMap<String, BTreeMap<i64, f64>>,
}

impl OpenMetrics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds samples `(unix seconds, value)` to one series of a gauge family.
    pub fn gauge(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        samples: impl IntoIterator<Item = (i64, f64)>,
    ) -> &mut Self {
        self.add("gauge", name, name, labels, samples)
    }

    /// Adds samples `(unix seconds, value)` to one series of a counter family;
    /// `name` is the sample name, which must end in `_total`.
    pub fn counter(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        samples: impl IntoIterator<Item = (i64, f64)>,
    ) -> &mut Self {
        let family = name
            .strip_suffix("_total")
            .unwrap_or_else(|| panic!("counter {name:?} must end in _total"));
        self.add("counter", family, name, labels, samples)
    }

    fn add(
        &mut self,
        kind: &'static str,
        family: &str,
        name: &str,
        labels: &[(&str, &str)],
        samples: impl IntoIterator<Item = (i64, f64)>,
    ) -> &mut Self {
        assert!(valid_name(name, true), "bad metric name {name:?}");
        let mut labels = labels.to_vec();
        labels.sort_unstable();
        let mut series = name.to_owned();
        if !labels.is_empty() {
            series.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                assert!(
                    valid_name(label, false) && !label.starts_with("__"),
                    "bad label name {label:?}"
                );
                if i > 0 {
                    assert_ne!(labels[i - 1].0, *label, "label {label:?} twice on {name}");
                    series.push(',');
                }
                let value = value
                    .replace('\\', r"\\")
                    .replace('"', r#"\""#)
                    .replace('\n', r"\n");
                write!(series, r#"{label}="{value}""#).unwrap();
            }
            series.push('}');
        }
        let entry = self
            .families
            .entry(family.to_owned())
            .or_insert_with(|| Family {
                kind,
                series: BTreeMap::new(),
            });
        assert_eq!(
            entry.kind, kind,
            "{family} is already a {}, not a {kind}",
            entry.kind
        );
        let points = entry.series.entry(series).or_default();
        for (ts, value) in samples {
            // Milliseconds by mistake would silently land in the year 55,000.
            assert!(
                (0..100_000_000_000).contains(&ts),
                "timestamp {ts} is not unix seconds"
            );
            // promtool silently keeps only the first of two samples at one time.
            assert!(
                points.insert(ts, value).is_none(),
                "two samples for {name} at {ts}"
            );
        }
        self
    }

    /// The file's text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (family, Family { kind, series }) in &self.families {
            writeln!(out, "# TYPE {family} {kind}").unwrap();
            for (series, points) in series {
                for (ts, value) in points {
                    writeln!(out, "{series} {} {ts}", number(*value)).unwrap();
                }
            }
        }
        out.push_str("# EOF\n");
        out
    }
}

/// A metric name (with colons) or a label name (without).
fn valid_name(name: &str, colons: bool) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':');
    name.chars().next().is_some_and(|c| !c.is_ascii_digit()) && name.chars().all(ok)
}

/// A sample value as Prometheus' text formats spell it (Rust prints `inf`).
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        value.to_string()
    }
}

/// A real Prometheus process on a free loopback port, with its data in a
/// temp dir of its own; killed and the dir removed when dropped.
pub struct PrometheusServer {
    child: Option<Child>,
    addr: String,
    credentials: Option<(String, String)>,
    log: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    // Last: removed after the process is gone.
    dir: tempfile::TempDir,
}

impl PrometheusServer {
    /// Backfills `data` (OpenMetrics text) into a fresh TSDB with promtool and
    /// serves it: no scrape jobs, retention 100 years.
    pub fn with_data(data: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        backfill(dir.path(), data);
        Self::start(dir, "global: {scrape_interval: 15s}\n", None)
    }

    /// An empty TSDB that scrapes `http://TARGET/metrics` (`target` is
    /// "127.0.0.1:PORT") every `interval` (a Prometheus duration like "1s")
    /// as job "app". The first scrape comes 5 to 6 s after the start at best:
    /// Prometheus applies discovered targets on a fixed 5 s tick (its scrape
    /// manager's reload interval, which cannot be lowered), even static ones.
    pub fn scraping(target: &str, interval: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = format!(
            "global: {{scrape_interval: {interval}, scrape_timeout: {interval}}}\n\
             scrape_configs:\n\
             - job_name: app\n  \
               static_configs:\n  \
               - targets: ['{target}']\n"
        );
        Self::start(dir, &config, None)
    }

    /// [`Self::with_data`] behind basic auth: only `user` with
    /// [`BASIC_AUTH_PASSWORD`] gets in (Prometheus needs a bcrypt hash, made
    /// once for that password). Every path answers 401 without them, `/-/ready`
    /// too; this harness's own requests send them.
    pub fn with_basic_auth(data: &str, user: &str, password: &str) -> Self {
        assert_eq!(
            password, BASIC_AUTH_PASSWORD,
            "the hard-coded bcrypt hash is for BASIC_AUTH_PASSWORD only"
        );
        assert!(
            valid_name(user, false),
            "keep the user name plain YAML: {user:?}"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        backfill(dir.path(), data);
        std::fs::write(
            dir.path().join("web.yml"),
            format!("basic_auth_users:\n  {user}: '{PASSWORD_BCRYPT}'\n"),
        )
        .unwrap();
        Self::start(
            dir,
            "global: {scrape_interval: 15s}\n",
            Some((user.to_owned(), password.to_owned())),
        )
    }

    fn start(dir: tempfile::TempDir, config: &str, credentials: Option<(String, String)>) -> Self {
        let config_file = dir.path().join("prometheus.yml");
        std::fs::write(&config_file, config).unwrap();
        let mut cmd = Command::new(prometheus());
        cmd.current_dir(dir.path())
            .arg(format!("--config.file={}", config_file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            // Retention counts back from the newest block: keep old data.
            .arg("--storage.tsdb.retention.time=100y")
            .arg("--web.listen-address=127.0.0.1:0")
            // The chosen port is only in the info-level "Listening on" line.
            .arg("--log.level=info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if credentials.is_some() {
            cmd.arg(format!(
                "--web.config.file={}",
                dir.path().join("web.yml").display()
            ));
        }
        let mut child = cmd.spawn().expect("start prometheus");
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let reader_log = log.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut port_tx = Some(port_tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = listening_address(&line)
                    && let Some(tx) = port_tx.take()
                {
                    let _ = tx.send(addr.to_owned());
                }
                let mut log = reader_log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut server = Self {
            child: Some(child),
            addr: String::new(),
            credentials,
            log,
            stderr_reader: Some(stderr_reader),
            dir,
        };
        // The reader drops the sender at EOF: a Prometheus that exits early
        // (bad flags, config or data) fails here at once.
        match port_rx.recv_timeout(STARTUP) {
            Ok(addr) => server.addr = addr,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                server.fail(&format!("Prometheus did not listen within {STARTUP:?}"))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                server.fail("Prometheus exited before it listened")
            }
        }
        let deadline = Instant::now() + STARTUP;
        loop {
            match server.try_get("/-/ready") {
                Ok(reply) if reply.status == 200 => break,
                Ok(reply) if Instant::now() > deadline => server.fail(&format!(
                    "Prometheus not ready: {} {}",
                    reply.status, reply.body
                )),
                Err(e) if Instant::now() > deadline => {
                    server.fail(&format!("Prometheus not ready: {e}"))
                }
                _ => {}
            }
            if let Some(status) = server
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                // Its whole log: the reader ends at the closed pipe.
                if let Some(reader) = server.stderr_reader.take() {
                    let _ = reader.join();
                }
                server.fail(&format!("Prometheus exited ({status}) before it was ready"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// "http://127.0.0.1:PORT".
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server now (for "Prometheus is down" tests); its port then
    /// refuses connections. Idempotent.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
    }

    /// GET `path_and_query` (with this server's credentials, if any).
    pub fn try_get(&self, path_and_query: &str) -> std::io::Result<HttpReply> {
        let credentials = self
            .credentials
            .as_ref()
            .map(|(user, password)| (user.as_str(), password.as_str()));
        http_get(&self.addr, path_and_query, credentials)
    }

    /// An instant query at `time` (unix seconds; None: now) that must succeed:
    /// Prometheus' whole JSON answer (`{"status":"success","data":…}`).
    pub fn query(&self, expr: &str, time: Option<i64>) -> serde_json::Value {
        let mut path = format!("/api/v1/query?query={}", url_encode(expr));
        if let Some(time) = time {
            write!(path, "&time={time}").unwrap();
        }
        let reply = self
            .try_get(&path)
            .unwrap_or_else(|e| self.fail(&format!("query {expr:?}: {e}")));
        if reply.status != 200 {
            self.fail(&format!("query {expr:?}: {} {}", reply.status, reply.body));
        }
        serde_json::from_str(&reply.body).unwrap_or_else(|e| {
            self.fail(&format!("query {expr:?}: not JSON ({e}): {}", reply.body))
        })
    }

    /// Blocks until an instant query (at now) for `expr` has a non-empty
    /// result, polling for up to `timeout`; panics with Prometheus' last
    /// answer and its log.
    pub fn wait_for_series(&self, expr: &str, timeout: Duration) {
        let path = format!("/api/v1/query?query={}", url_encode(expr));
        let deadline = Instant::now() + timeout;
        loop {
            let last = match self.try_get(&path) {
                Ok(reply) => {
                    let found = reply.status == 200
                        && serde_json::from_str::<serde_json::Value>(&reply.body)
                            .ok()
                            .and_then(|v| v["data"]["result"].as_array().map(|r| !r.is_empty()))
                            .unwrap_or(false);
                    if found {
                        return;
                    }
                    format!("{} {}", reply.status, reply.body)
                }
                Err(e) => e.to_string(),
            };
            if Instant::now() > deadline {
                let targets = self
                    .try_get("/api/v1/targets")
                    .map_or_else(|e| e.to_string(), |reply| reply.body);
                self.fail(&format!(
                    "no series for {expr:?} within {timeout:?}; last answer: {last}\n\
                     targets: {targets}"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Panics with `what` and Prometheus' log so far.
    fn fail(&self, what: &str) -> ! {
        let log = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        panic!(
            "{what}\nPrometheus in {} on {}, its log:\n{log}",
            self.dir.path().display(),
            self.addr
        );
    }
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `promtool tsdb create-blocks-from openmetrics` of `data` into `dir/data`.
fn backfill(dir: &Path, data: &str) {
    let input = dir.join("data.om");
    std::fs::write(&input, data).unwrap();
    let out = Command::new(tool("promtool", "it apt-installs prometheus"))
        .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
        .arg(&input)
        .arg(dir.join("data"))
        .output()
        .expect("run promtool");
    assert!(
        out.status.success(),
        "promtool could not backfill: {}{}\ninput:\n{data}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn prometheus() -> PathBuf {
    tool("prometheus", "it apt-installs prometheus")
}

/// The address in Prometheus' `msg="Listening on" address=127.0.0.1:PORT`
/// line (not its earlier "Start listening for connections" line, which shows
/// the requested port 0).
fn listening_address(line: &str) -> Option<&str> {
    let rest = line.split_once(r#"msg="Listening on" "#)?.1;
    let addr = rest.split_once("address=")?.1;
    Some(addr.split_whitespace().next().unwrap_or(addr))
}

/// An HTTP answer: status and body.
pub struct HttpReply {
    pub status: u16,
    pub body: String,
}

/// A blocking HTTP/1.0 GET of `http://ADDR/PATH` (HTTP/1.0, so the answer is
/// never chunked and ends when the server closes the connection).
pub fn http_get(
    addr: &str,
    path_and_query: &str,
    basic_auth: Option<(&str, &str)>,
) -> std::io::Result<HttpReply> {
    let socket = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other(format!("no address for {addr}")))?;
    let mut stream = TcpStream::connect_timeout(&socket, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!("GET {path_and_query} HTTP/1.0\r\nHost: {addr}\r\n");
    if let Some((user, password)) = basic_auth {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        write!(request, "Authorization: Basic {token}\r\n").unwrap();
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no HTTP header end in {text:?}")))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line in {head:?}")))?;
    Ok(HttpReply {
        status,
        body: body.to_owned(),
    })
}

/// Percent-encodes a query parameter value.
fn url_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            write!(out, "%{byte:02X}").unwrap();
        }
    }
    out
}

/// A tiny exporter served in the test process: `GET /metrics` answers
/// Prometheus' text format with the values the test set. Stopped when dropped.
pub struct Exporter {
    addr: String,
    values: Arc<Mutex<BTreeMap<String, f64>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Exporter {
    pub fn start() -> Self {
        let values = Arc::new(Mutex::new(BTreeMap::new()));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = mpsc::channel();
        let served = values.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let accept = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let values = served.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |req| metrics(values.clone(), req));
                            let _ = auto::Builder::new(TokioExecutor::new())
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                };
                tokio::select! {
                    () = accept => {}
                    _ = stop_rx => {}
                }
            });
            drop(runtime);
        });
        Self {
            addr: addr_rx.recv().unwrap().to_string(),
            values,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// "127.0.0.1:PORT", a scrape target.
    pub fn addr(&self) -> String {
        self.addr.clone()
    }

    /// Sets a sample, `series` as the text format writes it before the value:
    /// `name` or `name{label="value",…}`.
    pub fn set(&self, series: &str, value: f64) {
        self.values.lock().unwrap().insert(series.to_owned(), value);
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn metrics(
    values: Arc<Mutex<BTreeMap<String, f64>>>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.uri().path() != "/metrics" {
        let mut response = Response::new(Full::new(Bytes::from_static(b"not found\n")));
        *response.status_mut() = hyper::StatusCode::NOT_FOUND;
        return Ok(response);
    }
    let mut body = String::new();
    for (series, value) in values.lock().unwrap().iter() {
        writeln!(body, "{series} {}", number(*value)).unwrap();
    }
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
