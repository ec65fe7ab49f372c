//! What a load test does, fully resolved: the target, the requests with
//! their weights, the load model and when to stop. Built by the command line
//! from flags and a scenario file; the engine takes it as it is.

use std::time::Duration;

use serde::Serialize;

use super::LoadError;
use super::schedule::Schedule;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Plain TCP.
    Http,
    /// TLS (rustls).
    Https,
}

/// The origin every request of a run goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// Host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// Port, defaulted from the scheme.
    pub port: u16,
    /// `host[:port]` as the Host header carries it.
    pub authority: String,
}

impl Target {
    /// `scheme://authority`.
    pub fn origin(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        format!("{scheme}://{}", self.authority)
    }
}

/// Splits an absolute `http(s)://` URL into its origin and its path with query.
pub fn parse_url(url: &str) -> Result<(Target, String), LoadError> {
    let bad = |reason: &str| LoadError::Url {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
    let scheme = match uri.scheme_str() {
        Some("http") => Scheme::Http,
        Some("https") => Scheme::Https,
        Some(other) => return Err(bad(&format!("scheme `{other}` is not http or https"))),
        None => {
            return Err(bad(
                "it has no scheme; write it in full, such as http://localhost:8080/",
            ));
        }
    };
    let authority = uri.authority().ok_or_else(|| bad("it has no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad(
            "user info in URLs is not sent; pass -H 'Authorization: …' instead",
        ));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    let port = authority.port_u16().unwrap_or(match scheme {
        Scheme::Http => 80,
        Scheme::Https => 443,
    });
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let path = if path.is_empty() {
        "/".to_owned()
    } else {
        path
    };
    Ok((
        Target {
            scheme,
            host: host.to_owned(),
            port,
            authority: authority.as_str().to_owned(),
        },
        path,
    ))
}

/// One kind of request the run sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    /// Name shown in reports (the path when the scenario gives none).
    pub name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path and query, starting with `/`.
    pub path: String,
    /// Headers in order; a `Host` header here replaces the URL's.
    pub headers: Vec<(String, String)>,
    /// Request body (empty for none).
    pub body: Vec<u8>,
    /// Relative weight among the run's requests (at least 1).
    pub weight: u32,
    /// Pause after each response before the connection sends again.
    pub think: Duration,
}

/// How load is generated.
#[derive(Debug, Clone)]
pub enum Model {
    /// Each connection sends its next request as soon as the last is answered.
    Closed,
    /// Requests start on a schedule, whether or not earlier ones were answered;
    /// latency counts from each request's intended start.
    Open(Schedule),
}

/// A whole load test, ready to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Where requests go.
    pub target: Target,
    /// What is sent, in weighted rotation.
    pub requests: Vec<RequestSpec>,
    /// Connections held open (HTTP/1.1) or opened for streams (HTTP/2).
    pub connections: usize,
    /// Concurrent HTTP/2 streams per connection.
    pub streams: usize,
    /// OS threads driving the connections.
    pub threads: usize,
    /// Closed or open model.
    pub model: Model,
    /// Stop after this long (the schedule's length in the open model).
    pub duration: Option<Duration>,
    /// Stop after this many requests.
    pub max_requests: Option<u64>,
    /// Limit on one request, from send to the last byte of the response.
    pub timeout: Duration,
    /// Limit on opening a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Speak HTTP/2 (prior knowledge on http://, ALPN on https://).
    pub http2: bool,
    /// Accept any TLS certificate.
    pub insecure: bool,
}

impl Plan {
    /// Checks the combination of settings, so the engine never sees a run
    /// that cannot end or cannot start.
    pub fn validate(&self) -> Result<(), LoadError> {
        let invalid = |reason: String| Err(LoadError::Plan(reason));
        if self.connections == 0 {
            return invalid("-c must be at least 1".into());
        }
        if self.streams == 0 {
            return invalid("--streams must be at least 1".into());
        }
        if self.threads == 0 {
            return invalid("--threads must be at least 1".into());
        }
        if self.requests.is_empty() {
            return invalid("the scenario has no requests".into());
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return invalid("timeouts must be longer than zero".into());
        }
        if self.duration.is_some_and(|d| d.is_zero()) {
            return invalid("the duration must be longer than zero".into());
        }
        if self.max_requests == Some(0) {
            return invalid("-n must be at least 1".into());
        }
        match &self.model {
            Model::Closed if self.duration.is_none() && self.max_requests.is_none() => {
                invalid("give -d DURATION or -n REQUESTS, or the run never ends".into())
            }
            Model::Open(schedule) if schedule.length().is_none() && self.max_requests.is_none() => {
                invalid("give -d DURATION or -n REQUESTS with --rate, or the run never ends".into())
            }
            Model::Open(schedule) if schedule.peak_rate() <= 0.0 => {
                invalid("the rate must be above zero".into())
            }
            _ => Ok(()),
        }
    }

    /// The order connections cycle through the requests: smooth weighted
    /// round-robin, so weights hold over any short window without a random
    /// number per request.
    pub fn rotation(&self) -> Vec<u16> {
        let weights: Vec<u64> = self
            .requests
            .iter()
            .map(|r| u64::from(r.weight.max(1)))
            .collect();
        let divisor = weights.iter().copied().fold(0, gcd);
        let weights: Vec<i64> = weights.iter().map(|w| (w / divisor) as i64).collect();
        let total: i64 = weights.iter().sum();
        // Long cycles only repeat the short one's proportions; cap the table.
        let length = total.min(10_000) as usize;
        let mut current = vec![0i64; weights.len()];
        let mut order = Vec::with_capacity(length);
        for _ in 0..length {
            for (c, w) in current.iter_mut().zip(&weights) {
                *c += w;
            }
            let (best, _) = current
                .iter()
                .enumerate()
                .max_by_key(|&(i, c)| (*c, std::cmp::Reverse(i)))
                .expect("at least one request");
            current[best] -= total;
            order.push(best as u16);
        }
        order
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: &str, weight: u32) -> RequestSpec {
        RequestSpec {
            name: name.into(),
            method: "GET".into(),
            path: "/".into(),
            headers: vec![],
            body: vec![],
            weight,
            think: Duration::ZERO,
        }
    }

    fn plan(requests: Vec<RequestSpec>) -> Plan {
        Plan {
            target: parse_url("http://127.0.0.1:1/").unwrap().0,
            requests,
            connections: 1,
            streams: 1,
            threads: 1,
            model: Model::Closed,
            duration: Some(Duration::from_secs(1)),
            max_requests: None,
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            http2: false,
            insecure: false,
        }
    }

    #[test]
    fn urls_split_into_origin_and_path() {
        let (target, path) = parse_url("http://localhost:8080/api/items?page=2").unwrap();
        assert_eq!(target.scheme, Scheme::Http);
        assert_eq!((target.host.as_str(), target.port), ("localhost", 8080));
        assert_eq!(target.authority, "localhost:8080");
        assert_eq!(path, "/api/items?page=2");
        let (target, path) = parse_url("https://[::1]").unwrap();
        assert_eq!((target.host.as_str(), target.port), ("::1", 443));
        assert_eq!(path, "/");
        for bad in [
            "localhost:8080",
            "ftp://x/",
            "http://",
            "http://u:p@h/",
            "http://a b/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn weights_interleave_smoothly() {
        let p = plan(vec![request("a", 3), request("b", 1)]);
        assert_eq!(p.rotation(), vec![0, 0, 1, 0]);
        let p = plan(vec![request("a", 50), request("b", 50)]);
        assert_eq!(p.rotation(), vec![0, 1]);
        let p = plan(vec![request("only", 7)]);
        assert_eq!(p.rotation(), vec![0]);
    }

    #[test]
    fn runs_that_cannot_end_are_refused() {
        let mut p = plan(vec![request("a", 1)]);
        p.duration = None;
        assert!(
            p.validate()
                .unwrap_err()
                .to_string()
                .contains("-d DURATION")
        );
        p.model = Model::Open(Schedule::constant(100.0, None));
        assert!(p.validate().unwrap_err().to_string().contains("--rate"));
        p.max_requests = Some(10);
        assert!(p.validate().is_ok());
    }
}
