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

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Deserialize;

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
    http: reqwest::Client,
    /// `api/v1/query` and `api/v1/query_range` under the base address,
    /// joined once rather than parsed again for every query.
    query_url: reqwest::Url,
    range_url: reqwest::Url,
    address: String,
    timeout: Duration,
    headers: reqwest::header::HeaderMap,
    auth: Auth,
    method: RequestMethod,
}

impl Client {
    /// Checks the address and builds the HTTP client (TLS roots, CA, proxy).
    pub fn new(config: &ClientConfig) -> Result<Self, PromError> {
        let base = parse_address(&config.address)?;
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("opsctl/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(config.insecure)
            // Reading the system's CA store costs milliseconds per run; a
            // plain-HTTP server (the usual in-cluster Prometheus) needs none.
            .tls_built_in_native_certs(base.scheme() == "https");
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                PromError::Config(format!("cannot read CA file {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                PromError::Config(format!("{} holds no PEM certificate: {e}", path.display()))
            })?;
            if certs.is_empty() {
                return Err(PromError::Config(format!(
                    "{} holds no PEM certificate",
                    path.display()
                )));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|e| PromError::Config(format!("cannot build the HTTP client: {e}")))?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &config.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| PromError::Config(format!("`{name}` is not a valid header name")))?;
            let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                PromError::Config(format!("the value of header `{name}` is not valid"))
            })?;
            headers.insert(name, value);
        }
        let join = |endpoint: &str| {
            base.join(endpoint)
                .map_err(|e| PromError::Config(format!("bad address: {e}")))
        };
        Ok(Self {
            http,
            query_url: join("api/v1/query")?,
            range_url: join("api/v1/query_range")?,
            address: config.address.clone(),
            timeout: config.timeout,
            headers,
            auth: config.auth.clone(),
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
        url: &reqwest::Url,
        promql: &str,
        params: &[(&str, String)],
    ) -> Result<QueryResponse, PromError> {
        let (status, body) = match self.method {
            RequestMethod::Get => self.send(Method::GET, url, params).await?,
            RequestMethod::Post => {
                let (status, body) = self.send(Method::POST, url, params).await?;
                if status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_IMPLEMENTED
                {
                    self.send(Method::GET, url, params).await?
                } else {
                    (status, body)
                }
            }
        };
        decode(status, &body, promql)
    }

    async fn send(
        &self,
        method: Method,
        url: &reqwest::Url,
        params: &[(&str, String)],
    ) -> Result<(StatusCode, bytes::Bytes), PromError> {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .headers(self.headers.clone());
        request = if method == Method::GET {
            request.query(params)
        } else {
            request.form(params)
        };
        request = match &self.auth {
            Auth::None => request,
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::Basic { username, password } => request.basic_auth(username, Some(password)),
        };
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| self.transport(e))?;
        Ok((status, body))
    }

    fn transport(&self, error: reqwest::Error) -> PromError {
        if error.is_timeout() {
            return PromError::Timeout {
                address: self.address.clone(),
                seconds: self.timeout.as_secs_f64(),
            };
        }
        PromError::Connect {
            address: self.address.clone(),
            reason: innermost(&error),
            transient: dropped_connection(&error),
        }
    }
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
pub fn parse_address(address: &str) -> Result<reqwest::Url, PromError> {
    let bad = |why: &str| PromError::Config(format!("Prometheus address `{address}` {why}"));
    let mut url = reqwest::Url::parse(address.trim()).map_err(|e| {
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
    result: serde_json::Value,
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
    let bad = |e: serde_json::Error| PromError::Decode(format!("{} result: {e}", "query"));
    Ok(match data.result_type.as_str() {
        "scalar" => {
            let (time, value): (f64, String) = serde_json::from_value(data.result).map_err(bad)?;
            QueryData::Scalar(Sample {
                time,
                value: parse_value(&value)?,
            })
        }
        "string" => {
            let (_, text): (f64, String) = serde_json::from_value(data.result).map_err(bad)?;
            QueryData::String(text)
        }
        "vector" => {
            let series: Vec<WireInstant> = serde_json::from_value(data.result).map_err(bad)?;
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
            let series: Vec<WireRange> = serde_json::from_value(data.result).map_err(bad)?;
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
            StatusCode::SERVICE_UNAVAILABLE,
            br#"{"status":"error","errorType":"timeout","error":"query timed out"}"#,
            "q",
        )
        .unwrap_err();
        assert!(e.is_transient());
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
