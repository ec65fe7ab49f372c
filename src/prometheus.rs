//! A Prometheus HTTP API client: instant and range queries against
//! Prometheus, Thanos, Mimir, Cortex or VictoriaMetrics (one API).
//!
//! Requests follow the Go client Argo Rollouts uses: a form-encoded POST,
//! falling back to GET when a proxy answers 405 or 501. Auth is a bearer
//! token (gateways such as Thanos querier behind kube-rbac-proxy) or basic
//! auth (Prometheus' own `--web.config.file`); extra headers carry tenants
//! (`X-Scope-OrgID`). Proxy variables (`HTTPS_PROXY`, `NO_PROXY`…) are
//! honoured. Every failure is a typed [`PromError`] whose text shows the
//! query and what the server said, because the caller turns it into an
//! Error measurement, not a crash.

mod direct;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, HeaderMap, HeaderName, HeaderValue,
    PROXY_AUTHORIZATION, USER_AGENT, WWW_AUTHENTICATE,
};
use http::{Method, StatusCode};
use http_body_util::Full;
use serde::Deserialize;

use direct::Direct;

/// How to reach and authenticate to the server.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Base URL, such as `http://prometheus:9090` or a path-prefixed
    /// `https://thanos.example.com/prometheus`.
    pub address: String,
    /// Client-side deadline for one request (Argo's `timeout`, default 30 s).
    pub timeout: Duration,
    /// Headers set on every request.
    pub headers: Vec<(String, String)>,
    /// Credentials.
    pub auth: Auth,
    /// Extra PEM CA certificates to trust.
    pub ca_file: Option<PathBuf>,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// `POST` (default; falls back to `GET` on 405/501) or `GET`.
    pub method: RequestMethod,
}

impl ClientConfig {
    /// A configuration with Argo's defaults for `address`.
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            timeout: Duration::from_secs(30),
            headers: Vec::new(),
            auth: Auth::None,
            ca_file: None,
            insecure: false,
            method: RequestMethod::Post,
        }
    }
}

/// Credentials sent with every request.
#[derive(Clone, PartialEq, Default)]
pub enum Auth {
    /// None.
    #[default]
    None,
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
    /// `Authorization: Basic …`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
}

impl std::fmt::Debug for Auth {
    // Credentials never reach logs or error chains.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer(*****)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}:*****)"),
        }
    }
}

/// How queries are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestMethod {
    /// Form-encoded POST, GET when the server refuses POST.
    #[default]
    Post,
    /// GET with the parameters in the URL.
    Get,
}

/// Why a query has no result.
#[derive(Debug, thiserror::Error)]
pub enum PromError {
    /// The client could not be built from the configuration.
    #[error("{0}")]
    Config(String),
    /// No connection (refused, reset, DNS, TLS).
    #[error("cannot reach Prometheus at {address}: {reason}")]
    Connect {
        /// The base address.
        address: String,
        /// The innermost cause.
        reason: String,
        /// Refused or dropped, which a restart or a blip explains; a bad
        /// certificate or an unknown host will fail the same way again.
        transient: bool,
    },
    /// No answer within the deadline.
    #[error("Prometheus at {address} did not answer within {seconds}s")]
    Timeout {
        /// The base address.
        address: String,
        /// The deadline.
        seconds: f64,
    },
    /// The API answered with an error envelope (400 `bad_data`, 422
    /// `execution`, 503 `timeout`…).
    #[error("Prometheus refused the query ({status} {error_type}): {error}\n  query: {query}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Prometheus' `errorType`.
        error_type: String,
        /// Prometheus' `error`.
        error: String,
        /// The PromQL sent.
        query: String,
    },
    /// A non-2xx answer without the API envelope (a proxy, auth, 5xx).
    #[error("Prometheus answered HTTP {status}: {body}")]
    Http {
        /// HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A 2xx answer that is not the API's JSON.
    #[error("Prometheus' answer is not the query API's JSON: {0}")]
    Decode(String),
}

impl PromError {
    /// Worth another try soon: the server may come back (refused, timeout,
    /// 502/503/504), unlike a bad query.
    pub fn is_transient(&self) -> bool {
        match self {
            PromError::Connect { transient, .. } => *transient,
            PromError::Timeout { .. } => true,
            PromError::Http { status, .. } => matches!(status, 502..=504),
            PromError::Api { status, .. } => *status == 503,
            PromError::Config(_) | PromError::Decode(_) => false,
        }
    }
}

/// One sample of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Unix seconds.
    pub time: f64,
    /// The value (`NaN` and `±Inf` kept).
    pub value: f64,
}

/// A series of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct InstantSeries {
    /// Labels (`__name__` included when Prometheus kept it).
    pub labels: BTreeMap<String, String>,
    /// Its value at the query time.
    pub sample: Sample,
}

/// A series of a range matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Samples in time order.
    pub samples: Vec<Sample>,
}

/// What a query returned, by `resultType`.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryData {
    /// `scalar`.
    Scalar(Sample),
    /// `vector`.
    Vector(Vec<InstantSeries>),
    /// `matrix`.
    Matrix(Vec<RangeSeries>),
    /// `string`.
    String(String),
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResponse {
    /// The result.
    pub data: QueryData,
    /// Server warnings (such as a partial response from Thanos).
    pub warnings: Vec<String>,
}

/// A client for one server; cheap to share between concurrent queries.
#[derive(Debug, Clone)]
pub struct Client {
    transport: Transport,
    /// `api/v1/query` and `api/v1/query_range` under the base address,
    /// joined once rather than parsed again for every query.
    query_url: url::Url,
    range_url: url::Url,
    address: String,
    timeout: Duration,
    /// Configured headers and `Authorization`, sent with every request.
    headers: HeaderMap,
    method: RequestMethod,
}

/// How requests reach the server.
#[derive(Debug, Clone)]
enum Transport {
    /// Plain HTTP without a proxy: hyper's connection API (see
    /// [`direct`]). A redirect is followed by reqwest, built on first need.
    Direct {
        pool: Arc<Direct>,
        redirects: Arc<LazyReqwest>,
    },
    /// TLS, proxies: reqwest.
    Reqwest(reqwest::Client),
}

/// The reqwest client that follows redirects answered on the direct path,
/// built only if one is (building it reads the system's CA store).
#[derive(Debug)]
struct LazyReqwest {
    config: ClientConfig,
    /// The configured CA file's certificates, read (and checked) up front.
    ca: Vec<reqwest::Certificate>,
    client: OnceLock<Result<reqwest::Client, String>>,
}

impl LazyReqwest {
    fn get(&self) -> Result<&reqwest::Client, PromError> {
        self.client
            .get_or_init(|| reqwest_client(&self.config, &self.ca, true).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| PromError::Config(e.clone()))
    }
}

impl Client {
    /// Checks the address and builds the HTTP client (TLS roots, CA, proxy).
    pub fn new(config: &ClientConfig) -> Result<Self, PromError> {
        let base = parse_address(&config.address)?;
        let direct = if direct::proxy_variable_set() {
            None
        } else {
            Direct::for_address(&base, connect_timeout(config.timeout))
        };
        // A CA file that cannot be read is reported now, on either path.
        let ca = ca_certificates(config)?;
        let transport = match direct {
            Some(pool) => Transport::Direct {
                pool: Arc::new(pool),
                redirects: Arc::new(LazyReqwest {
                    config: config.clone(),
                    ca,
                    client: OnceLock::new(),
                }),
            },
            None => Transport::Reqwest(reqwest_client(config, &ca, base.scheme() == "https")?),
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &config.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| PromError::Config(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                PromError::Config(format!("the value of header `{name}` is not valid"))
            })?;
            headers.insert(name, value);
        }
        if let Some(value) = authorization(&config.auth)? {
            headers.insert(AUTHORIZATION, value);
        }
        let join = |endpoint: &str| {
            base.join(endpoint)
                .map_err(|e| PromError::Config(format!("bad address: {e}")))
        };
        Ok(Self {
            transport,
            query_url: join("api/v1/query")?,
            range_url: join("api/v1/query_range")?,
            address: config.address.clone(),
            timeout: config.timeout,
            headers,
            method: config.method,
        })
    }

    /// The base address as configured.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// An instant query, evaluated at `time` (unix seconds) or the server's now.
    pub async fn query(&self, promql: &str, time: Option<f64>) -> Result<QueryResponse, PromError> {
        let mut params = vec![("query", promql.to_owned())];
        if let Some(t) = time {
            params.push(("time", format_time(t)));
        }
        self.call(&self.query_url, promql, &params).await
    }

    /// A range query from `start` to `end` (inclusive, unix seconds) every `step`.
    pub async fn query_range(
        &self,
        promql: &str,
        start: f64,
        end: f64,
        step: Duration,
    ) -> Result<QueryResponse, PromError> {
        let params = vec![
            ("query", promql.to_owned()),
            ("start", format_time(start)),
            ("end", format_time(end)),
            // Seconds as a float: every Prometheus-compatible server reads it,
            // unlike Go-style durations such as `1.5s`.
            ("step", format!("{}", step.as_secs_f64())),
        ];
        self.call(&self.range_url, promql, &params).await
    }

    async fn call(
        &self,
        url: &url::Url,
        promql: &str,
        params: &[(&str, String)],
    ) -> Result<QueryResponse, PromError> {
        let form = encode_form(params);
        let (status, body) = match self.method {
            RequestMethod::Get => self.send(Method::GET, url, &form).await?,
            RequestMethod::Post => {
                let (status, body) = self.send(Method::POST, url, &form).await?;
                if status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_IMPLEMENTED
                {
                    self.send(Method::GET, url, &form).await?
                } else {
                    (status, body)
                }
            }
        };
        decode(status, &body, promql)
    }

    /// One request: the parameters (`form`, already encoded) in the URL for
    /// GET, in the body for POST.
    async fn send(
        &self,
        method: Method,
        url: &url::Url,
        form: &str,
    ) -> Result<(StatusCode, Bytes), PromError> {
        match &self.transport {
            Transport::Direct { pool, redirects } => {
                let started = Instant::now();
                let answer = self.send_direct(pool, &method, url, form).await?;
                let Some(next) = redirect(&answer, url, &method) else {
                    let (parts, body) = answer.into_parts();
                    return Ok((parts.status, body));
                };
                // One deadline for the whole chain, as reqwest keeps it.
                let left = self.timeout.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(self.timed_out());
                }
                let client = redirects.get()?;
                let mut headers = self.headers.clone();
                if next.cross_host {
                    forget_credentials(&mut headers);
                }
                let body = next.keeps_body.then(|| form.to_owned());
                self.send_reqwest(client, next.method, next.url, body, headers, Some(left))
                    .await
            }
            Transport::Reqwest(client) => {
                let (url, body) = if method == Method::GET {
                    let mut url = url.clone();
                    url.set_query(Some(form));
                    (url, None)
                } else {
                    (url.clone(), Some(form.to_owned()))
                };
                self.send_reqwest(client, method, url, body, self.headers.clone(), None)
                    .await
            }
        }
    }

    async fn send_direct(
        &self,
        pool: &Direct,
        method: &Method,
        url: &url::Url,
        form: &str,
    ) -> Result<http::Response<Bytes>, PromError> {
        let path = &url[url::Position::BeforePath..url::Position::AfterPath];
        let (target, body) = if *method == Method::GET {
            (format!("{path}?{form}"), Bytes::new())
        } else {
            (path.to_owned(), Bytes::copy_from_slice(form.as_bytes()))
        };
        // The path and query of a parsed URL: always a valid request target.
        let uri = http::Uri::try_from(target)
            .map_err(|e| PromError::Config(format!("bad request target: {e}")))?;
        let make = || {
            let mut request = http::Request::new(Full::new(body.clone()));
            *request.method_mut() = method.clone();
            *request.uri_mut() = uri.clone();
            let headers = request.headers_mut();
            headers.insert(HOST, pool.authority().clone());
            headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
            if *method != Method::GET {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM));
            }
            for (name, value) in &self.headers {
                headers.insert(name, value.clone());
            }
            request
        };
        match tokio::time::timeout(self.timeout, pool.send(make)).await {
            Err(_) | Ok(Err(direct::Failure::ConnectTimeout)) => Err(self.timed_out()),
            Ok(Err(direct::Failure::Transport(error))) => Err(self.unreachable(error.as_ref())),
            Ok(Ok(answer)) => Ok(answer),
        }
    }

    /// A request through reqwest; `timeout` replaces the client's deadline
    /// (what is left of it after a redirect).
    async fn send_reqwest(
        &self,
        client: &reqwest::Client,
        method: Method,
        url: url::Url,
        body: Option<String>,
        mut headers: HeaderMap,
        timeout: Option<Duration>,
    ) -> Result<(StatusCode, Bytes), PromError> {
        if body.is_some() {
            // A configured Content-Type wins, as it did with reqwest's form().
            headers
                .entry(CONTENT_TYPE)
                .or_insert(HeaderValue::from_static(FORM));
        }
        let mut request = client.request(method, url).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(|e| self.reqwest_failure(&e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.reqwest_failure(&e))?;
        Ok((status, body))
    }

    fn reqwest_failure(&self, error: &reqwest::Error) -> PromError {
        if error.is_timeout() {
            self.timed_out()
        } else {
            self.unreachable(error)
        }
    }

    fn timed_out(&self) -> PromError {
        PromError::Timeout {
            address: self.address.clone(),
            seconds: self.timeout.as_secs_f64(),
        }
    }

    fn unreachable(&self, error: &(dyn std::error::Error + 'static)) -> PromError {
        PromError::Connect {
            address: self.address.clone(),
            reason: innermost(error),
            transient: dropped_connection(error),
        }
    }
}

const USER_AGENT_VALUE: &str = concat!("opsctl/", env!("CARGO_PKG_VERSION"));
const FORM: &str = "application/x-www-form-urlencoded";

/// reqwest's connect deadline: the request's, at most 10 s.
fn connect_timeout(timeout: Duration) -> Duration {
    timeout.min(Duration::from_secs(10))
}

/// The reqwest client for TLS, proxies and redirects, trusting `ca` as
/// well. `native_roots`: trust the system's CAs (reading them costs
/// milliseconds, so only for https).
fn reqwest_client(
    config: &ClientConfig,
    ca: &[reqwest::Certificate],
    native_roots: bool,
) -> Result<reqwest::Client, PromError> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(connect_timeout(config.timeout))
        .user_agent(USER_AGENT_VALUE)
        .danger_accept_invalid_certs(config.insecure)
        .tls_built_in_native_certs(native_roots);
    for cert in ca {
        builder = builder.add_root_certificate(cert.clone());
    }
    builder
        .build()
        .map_err(|e| PromError::Config(format!("cannot build the HTTP client: {e}")))
}

/// The certificates of the configured CA file (none without one).
fn ca_certificates(config: &ClientConfig) -> Result<Vec<reqwest::Certificate>, PromError> {
    let Some(path) = &config.ca_file else {
        return Ok(Vec::new());
    };
    let pem = std::fs::read(path)
        .map_err(|e| PromError::Config(format!("cannot read CA file {}: {e}", path.display())))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        PromError::Config(format!("{} holds no PEM certificate: {e}", path.display()))
    })?;
    if certs.is_empty() {
        return Err(PromError::Config(format!(
            "{} holds no PEM certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// The `Authorization` header for `auth`, marked sensitive.
fn authorization(auth: &Auth) -> Result<Option<HeaderValue>, PromError> {
    use base64::Engine as _;
    let text = match auth {
        Auth::None => return Ok(None),
        Auth::Bearer(token) => format!("Bearer {token}"),
        Auth::Basic { username, password } => format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
        ),
    };
    let mut value = HeaderValue::from_str(&text).map_err(|_| {
        PromError::Config("the credentials hold characters not allowed in a header".to_owned())
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

/// The request a redirect asks for, as reqwest would send it (it follows
/// any further hops itself): 301 and 302 turn a POST into a bodiless GET,
/// 303 always does, 307 and 308 repeat the request; `Authorization` goes
/// only to the same host and port.
struct Redirect {
    method: Method,
    url: url::Url,
    keeps_body: bool,
    cross_host: bool,
}

/// Removes what reqwest removes when a redirect leaves the host.
fn forget_credentials(headers: &mut HeaderMap) {
    for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, WWW_AUTHENTICATE] {
        headers.remove(name);
    }
    headers.remove("cookie2");
}

/// `None` when `answer` is not a redirect to follow.
fn redirect(answer: &http::Response<Bytes>, from: &url::Url, method: &Method) -> Option<Redirect> {
    let (method, keeps_body) = match answer.status() {
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND if *method == Method::POST => {
            (Method::GET, false)
        }
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => (method.clone(), false),
        StatusCode::SEE_OTHER => (Method::GET, false),
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => {
            (method.clone(), *method != Method::GET)
        }
        _ => return None,
    };
    let location = answer
        .headers()
        .get(http::header::LOCATION)?
        .to_str()
        .ok()?;
    let url = from.join(location).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let cross_host = url.host_str() != from.host_str()
        || url.port_or_known_default() != from.port_or_known_default();
    Some(Redirect {
        method,
        url,
        keeps_body,
        cross_host,
    })
}

/// `application/x-www-form-urlencoded`, for a URL query or a POST body.
fn encode_form(params: &[(&str, String)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        form.append_pair(name, value);
    }
    form.finish()
}

/// Whether a transport error is a refused, reset or cut connection (worth
/// retrying), rather than a TLS or name-resolution failure.
fn dropped_connection(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind;
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
                    | ErrorKind::TimedOut
            );
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_closed() || h.is_canceled())
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// The most specific cause of a transport error ("Connection refused"
/// rather than "error sending request").
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut last = error;
    while let Some(next) = last.source() {
        last = next;
    }
    let text = last.to_string();
    // io::Error spells "Connection refused (os error 111)".
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Checks an address the way Argo does (scheme and host required) and
/// makes its path end in `/` so endpoints join under a prefix.
pub fn parse_address(address: &str) -> Result<url::Url, PromError> {
    let bad = |why: &str| PromError::Config(format!("Prometheus address `{address}` {why}"));
    let mut url = url::Url::parse(address.trim()).map_err(|e| {
        bad(&format!(
            "is not a URL ({e}); write it like http://prometheus:9090"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Unix seconds with millisecond precision, as Prometheus stores them.
fn format_time(t: f64) -> String {
    format!("{:.3}", t)
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    /// Kept as text until `resultType` says what it holds: decoded once,
    /// into its own type, with no `Value` tree in between.
    result: Box<serde_json::value::RawValue>,
}

#[derive(Deserialize)]
struct WireInstant {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: Option<(f64, String)>,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// Turns an HTTP answer into a response or the error it reports.
fn decode(status: StatusCode, body: &[u8], promql: &str) -> Result<QueryResponse, PromError> {
    let envelope: Option<Envelope> = serde_json::from_slice(body).ok();
    match envelope {
        Some(env) if env.status == "error" || !status.is_success() => Err(PromError::Api {
            status: status.as_u16(),
            error_type: env.error_type.unwrap_or_else(|| "error".into()),
            error: env.error.unwrap_or_else(|| "(no message)".into()),
            query: promql.to_owned(),
        }),
        Some(env) => {
            let data = env
                .data
                .ok_or_else(|| PromError::Decode("`data` is missing".into()))?;
            Ok(QueryResponse {
                data: decode_data(data)?,
                warnings: env.warnings,
            })
        }
        None if !status.is_success() => Err(PromError::Http {
            status: status.as_u16(),
            body: body_excerpt(body),
        }),
        None => Err(PromError::Decode(body_excerpt(body))),
    }
}

fn decode_data(data: Data) -> Result<QueryData, PromError> {
    // Positions in serde's message count from the start of `data.result`.
    let bad = |e: serde_json::Error| {
        PromError::Decode(format!(
            "the {} in `data.result` is malformed: {e}",
            data.result_type
        ))
    };
    Ok(match data.result_type.as_str() {
        "scalar" => {
            let (time, value): (f64, String) =
                serde_json::from_str(data.result.get()).map_err(bad)?;
            QueryData::Scalar(Sample {
                time,
                value: parse_value(&value)?,
            })
        }
        "string" => {
            let (_, text): (f64, String) = serde_json::from_str(data.result.get()).map_err(bad)?;
            QueryData::String(text)
        }
        "vector" => {
            let series: Vec<WireInstant> = serde_json::from_str(data.result.get()).map_err(bad)?;
            let mut out = Vec::with_capacity(series.len());
            for s in series {
                // Native histogram samples carry no `value`; Argo ignores them too.
                let Some((time, value)) = s.value else {
                    continue;
                };
                out.push(InstantSeries {
                    labels: s.metric,
                    sample: Sample {
                        time,
                        value: parse_value(&value)?,
                    },
                });
            }
            QueryData::Vector(out)
        }
        "matrix" => {
            let series: Vec<WireRange> = serde_json::from_str(data.result.get()).map_err(bad)?;
            let mut out = Vec::with_capacity(series.len());
            for s in series {
                let samples = s
                    .values
                    .iter()
                    .map(|(time, value)| {
                        Ok(Sample {
                            time: *time,
                            value: parse_value(value)?,
                        })
                    })
                    .collect::<Result<Vec<_>, PromError>>()?;
                out.push(RangeSeries {
                    labels: s.metric,
                    samples,
                });
            }
            QueryData::Matrix(out)
        }
        other => return Err(PromError::Decode(format!("unknown resultType `{other}`"))),
    })
}

/// Sample values are strings: decimals, `NaN`, `+Inf`, `-Inf`.
fn parse_value(text: &str) -> Result<f64, PromError> {
    text.parse()
        .map_err(|_| PromError::Decode(format!("`{text}` is not a sample value")))
}

fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.chars().count() > 300 {
        format!("{}…", text.chars().take(300).collect::<String>())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_prefixed_paths_kept() {
        assert_eq!(
            parse_address("http://prom:9090").unwrap().as_str(),
            "http://prom:9090/"
        );
        assert_eq!(
            parse_address("https://thanos.example.com/prometheus")
                .unwrap()
                .join("api/v1/query")
                .unwrap()
                .as_str(),
            "https://thanos.example.com/prometheus/api/v1/query"
        );
        for bad in ["prom:9090", "ftp://prom", "", "http://"] {
            assert!(parse_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_result_type_decodes() {
        let ok = |body: &str| decode(StatusCode::OK, body.as_bytes(), "q").unwrap();
        let v = ok(
            r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"a":"b"},"value":[1700000000.5,"0.25"]},
            {"metric":{},"value":[1700000000.5,"NaN"]},
            {"metric":{},"value":[1700000000.5,"+Inf"]}]}}"#,
        );
        let QueryData::Vector(series) = v.data else {
            panic!()
        };
        assert_eq!(series[0].sample.value, 0.25);
        assert!(series[1].sample.value.is_nan());
        assert_eq!(series[2].sample.value, f64::INFINITY);
        let s =
            ok(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"0.000000001"]}}"#);
        assert_eq!(
            s.data,
            QueryData::Scalar(Sample {
                time: 1.0,
                value: 1e-9
            })
        );
        let m = ok(
            r#"{"status":"success","warnings":["partial"],"data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[1,"1"],[2,"-Inf"]]}]}}"#,
        );
        assert_eq!(m.warnings, vec!["partial".to_owned()]);
        let QueryData::Matrix(series) = m.data else {
            panic!()
        };
        assert_eq!(series[0].samples[1].value, f64::NEG_INFINITY);
        let t = ok(r#"{"status":"success","data":{"resultType":"string","result":[1,"hi"]}}"#);
        assert_eq!(t.data, QueryData::String("hi".into()));
    }

    #[test]
    fn errors_keep_what_the_server_said() {
        let e = decode(
            StatusCode::BAD_REQUEST,
            br#"{"status":"error","errorType":"bad_data","error":"1:6: parse error"}"#,
            "rate(x",
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("400 bad_data") && text.contains("1:6: parse error"));
        assert!(text.contains("query: rate(x"), "{text}");
        assert!(!e.is_transient());
        let e = decode(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>", "q").unwrap_err();
        assert!(matches!(e, PromError::Http { status: 502, .. }) && e.is_transient());
        let e = decode(StatusCode::OK, b"not json", "q").unwrap_err();
        assert!(matches!(e, PromError::Decode(_)));
        let e = decode(
            StatusCode::OK,
            br#"{"status":"success","data":{"resultType":"vector","result":[{"value":["x","1"]}]}}"#,
            "q",
        )
        .unwrap_err();
        assert!(matches!(e, PromError::Decode(_)));
        let text = e.to_string();
        assert!(
            text.contains("the vector in `data.result` is malformed")
                && text.contains("expected f64")
                && text.contains("column 14"),
            "{text}"
        );
        let e = decode(
            StatusCode::SERVICE_UNAVAILABLE,
            br#"{"status":"error","errorType":"timeout","error":"query timed out"}"#,
            "q",
        )
        .unwrap_err();
        assert!(e.is_transient());
    }

    fn moved(status: u16, location: &str) -> http::Response<Bytes> {
        http::Response::builder()
            .status(status)
            .header(http::header::LOCATION, location)
            .body(Bytes::new())
            .unwrap()
    }

    #[test]
    fn redirects_are_followed_as_reqwest_follows_them() {
        let from = url::Url::parse("http://prom:9090/api/v1/query").unwrap();
        let follow = |status, location, method: Method| {
            redirect(&moved(status, location), &from, &method)
                .map(|r| (r.method, r.url.to_string(), r.keeps_body, r.cross_host))
        };
        let same = "http://prom:9090/v2/api/v1/query";
        assert_eq!(
            follow(308, "/v2/api/v1/query", Method::POST),
            Some((Method::POST, same.to_owned(), true, false))
        );
        assert_eq!(
            follow(307, "/v2/api/v1/query?q=1", Method::GET),
            Some((Method::GET, format!("{same}?q=1"), false, false))
        );
        for status in [301, 302, 303] {
            assert_eq!(
                follow(
                    status,
                    "https://prom.example.com/api/v1/query",
                    Method::POST
                ),
                Some((
                    Method::GET,
                    "https://prom.example.com/api/v1/query".to_owned(),
                    false,
                    true
                ))
            );
        }
        // The same host on another port is another origin for credentials.
        assert!(follow(308, "http://prom:9091/", Method::POST).unwrap().3);
        assert!(follow(300, "/elsewhere", Method::POST).is_none());
        assert!(follow(304, "/elsewhere", Method::GET).is_none());
        assert!(follow(308, "ftp://prom/", Method::POST).is_none());
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer t"),
            ("cookie", "session=1"),
            ("cookie2", "x"),
            ("proxy-authorization", "Basic eA=="),
            ("x-scope-orgid", "team-a"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        forget_credentials(&mut headers);
        assert_eq!(
            headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            ["x-scope-orgid"]
        );
        let no_location = http::Response::builder()
            .status(308)
            .body(Bytes::new())
            .unwrap();
        assert!(redirect(&no_location, &from, &Method::POST).is_none());
    }

    #[test]
    fn forms_and_credentials_encode_as_reqwest_encoded_them() {
        assert_eq!(
            encode_form(&[
                ("query", "rate(x{a=\"b c\"}[5m]) / 2".into()),
                ("time", "1.5".into())
            ]),
            "query=rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29+%2F+2&time=1.5"
        );
        assert_eq!(authorization(&Auth::None).unwrap(), None);
        let bearer = authorization(&Auth::Bearer("t0k".into())).unwrap().unwrap();
        assert_eq!(bearer, "Bearer t0k");
        assert!(bearer.is_sensitive());
        let basic = Auth::Basic {
            username: "user".into(),
            password: "pa:ss".into(),
        };
        assert_eq!(
            authorization(&basic).unwrap().unwrap(),
            "Basic dXNlcjpwYTpzcw=="
        );
        assert!(authorization(&Auth::Bearer("line\nbreak".into())).is_err());
    }

    #[test]
    fn credentials_stay_out_of_debug_output() {
        let text = format!(
            "{:?}",
            Auth::Basic {
                username: "u".into(),
                password: "hunter2".into()
            }
        );
        assert!(!text.contains("hunter2"));
        assert!(!format!("{:?}", Auth::Bearer("tok".into())).contains("tok"));
    }
}
