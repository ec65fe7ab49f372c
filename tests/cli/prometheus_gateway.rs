//! A gateway in front of a real Prometheus, as clusters put one there:
//! kube-rbac-proxy (a bearer token or 401), a multi-tenant front (a tenant
//! header or 403), an nginx that only allows GET (405 to POST), an upstream
//! that is restarting (502), a slow path, TLS with a private CA, a
//! corporate forward proxy (absolute-form `GET http://host/…` requests), a
//! moved endpoint (308) and a front that closes idle connections.
//!
//! It is an in-process hyper server (HTTP/1.1 and h2) that logs every
//! request it receives, decides its answer, and forwards accepted requests
//! (method, path, query and form body unchanged) to the upstream Prometheus
//! with a small hyper client.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

/// How the gateway answers. The checks run in field order; the first one a
/// request fails decides its answer.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// Sleep this long before deciding every answer.
    pub delay: Option<Duration>,
    /// 401 unless `Authorization: Bearer TOKEN`.
    pub bearer_token: Option<String>,
    /// 403 unless this header (case-insensitive name) has exactly this value.
    pub required_header: Option<(String, String)>,
    /// Answer POSTs with this status (405, 501) instead of forwarding them.
    pub refuse_post: Option<u16>,
    /// 502 for this many requests that passed the checks above, then forward.
    pub fail_first: u64,
    /// 308 Permanent Redirect to this base URL plus the request's path and
    /// query, instead of forwarding.
    pub redirect_to: Option<String>,
    /// Close a connection without a word once it has been idle this long,
    /// as load balancers and proxies with an idle timeout do.
    pub idle_close: Option<Duration>,
}

/// What the gateway did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 401: no or the wrong bearer token.
    Unauthorized,
    /// 403: the required header is missing or wrong.
    Forbidden,
    /// The `refuse_post` status.
    Refused,
    /// 502 from `fail_first`.
    BadGateway,
    /// 308 from `redirect_to`.
    Redirected,
    /// Sent to Prometheus; its answer returned.
    Forwarded,
}

/// One request as the gateway received it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET`, `POST`…
    pub method: String,
    /// The path, such as `/api/v1/query`.
    pub path: String,
    /// The host an HTTP/1 absolute-form target named (`GET http://host/…`,
    /// what clients send to a forward proxy); None for origin-form.
    pub proxied_to: Option<String>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body (a form for POST).
    pub body: String,
    /// What the gateway answered.
    pub outcome: Outcome,
}

impl Seen {
    /// Every value of header `name`.
    pub fn header(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }
}

#[derive(Default)]
struct State {
    log: Mutex<Vec<Seen>>,
    passed: AtomicU64,
    handshakes_failed: AtomicU64,
    connections: AtomicU64,
    idle_closed: AtomicU64,
}

/// When a connection last finished a request, and how many it is serving.
struct Activity {
    last: Mutex<std::time::Instant>,
    in_flight: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            last: Mutex::new(std::time::Instant::now()),
            in_flight: AtomicU64::new(0),
        }
    }

    fn idle_for(&self) -> Option<Duration> {
        (self.in_flight.load(Ordering::SeqCst) == 0).then(|| self.last.lock().unwrap().elapsed())
    }
}

/// A running gateway; stopped (all connections closed) when dropped.
pub struct Gateway {
    addr: SocketAddr,
    ca_pem: Option<String>,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Gateway {
    /// A plain-HTTP gateway forwarding to `upstream` (`http://127.0.0.1:PORT`,
    /// as [`crate::prometheus_server::PrometheusServer::url`] gives it).
    pub fn start(upstream: &str, behaviour: Behaviour) -> Self {
        Self::serve(upstream, behaviour, None, None)
    }

    /// The same gateway behind TLS: a fresh private CA (its PEM is
    /// [`Self::ca_pem`]) signs a certificate for `localhost` and `127.0.0.1`;
    /// h2 and http/1.1 are offered by ALPN.
    pub fn start_tls(upstream: &str, behaviour: Behaviour) -> Self {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "opsctl test gateway CA");
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), ca.der().clone()],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Self::serve(
            upstream,
            behaviour,
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
            Some(ca.pem()),
        )
    }

    fn serve(
        upstream: &str,
        behaviour: Behaviour,
        tls: Option<tokio_rustls::TlsAcceptor>,
        ca_pem: Option<String>,
    ) -> Self {
        let upstream: SocketAddr = upstream
            .strip_prefix("http://")
            .unwrap_or(upstream)
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|e| panic!("upstream {upstream:?} is not http://IP:PORT: {e}"));
        let state = Arc::new(State::default());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let server_state = state.clone();
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
                        server_state.connections.fetch_add(1, Ordering::SeqCst);
                        let state = server_state.clone();
                        let behaviour = behaviour.clone();
                        let tls = tls.clone();
                        tokio::spawn(async move {
                            // The service takes `state` and `activity`; these
                            // stay for the handshake and idle-close counts.
                            let counters = state.clone();
                            let idle_close = behaviour.idle_close;
                            let activity = Arc::new(Activity::new());
                            let watched = activity.clone();
                            let service = service_fn(move |req| {
                                let activity = activity.clone();
                                activity.in_flight.fetch_add(1, Ordering::SeqCst);
                                let answered =
                                    answer(state.clone(), behaviour.clone(), upstream, req);
                                async move {
                                    let reply = answered.await;
                                    *activity.last.lock().unwrap() = std::time::Instant::now();
                                    activity.in_flight.fetch_sub(1, Ordering::SeqCst);
                                    reply
                                }
                            });
                            let serve = async {
                                let builder = auto::Builder::new(TokioExecutor::new());
                                match tls {
                                    None => {
                                        let _ = builder
                                            .serve_connection(TokioIo::new(stream), service)
                                            .await;
                                    }
                                    Some(acceptor) => match acceptor.accept(stream).await {
                                        Ok(stream) => {
                                            let _ = builder
                                                .serve_connection(TokioIo::new(stream), service)
                                                .await;
                                        }
                                        Err(_) => {
                                            counters
                                                .handshakes_failed
                                                .fetch_add(1, Ordering::SeqCst);
                                        }
                                    },
                                }
                            };
                            let Some(idle) = idle_close else {
                                return serve.await;
                            };
                            // Dropping the connection future closes the socket.
                            let watch = async {
                                loop {
                                    tokio::time::sleep(idle / 4).await;
                                    if watched.idle_for().is_some_and(|t| t >= idle) {
                                        counters.idle_closed.fetch_add(1, Ordering::SeqCst);
                                        return;
                                    }
                                }
                            };
                            tokio::select! {
                                () = serve => {}
                                () = watch => {}
                            }
                        });
                    }
                };
                tokio::select! {
                    () = accept => {}
                    _ = stop_rx => {}
                }
            });
            // Dropping the runtime drops every connection task: sockets close.
            drop(runtime);
        });
        Self {
            addr: addr_rx.recv().unwrap(),
            ca_pem,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// "http://127.0.0.1:PORT".
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// "https://localhost:PORT", by the certificate's name (TLS gateways).
    pub fn https_url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }

    /// "127.0.0.1:PORT".
    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    /// The PEM of the CA that signed a TLS gateway's certificate.
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone().expect("a TLS gateway")
    }

    /// Every request received so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.log.lock().unwrap().clone()
    }

    /// `(method, outcome)` of every request so far, for terse assertions.
    pub fn trace(&self) -> Vec<(String, Outcome)> {
        self.seen()
            .into_iter()
            .map(|s| (s.method, s.outcome))
            .collect()
    }

    /// TLS handshakes that failed (a client that rejected the certificate).
    pub fn handshakes_failed(&self) -> u64 {
        self.state.handshakes_failed.load(Ordering::SeqCst)
    }

    /// Connections accepted.
    pub fn connections(&self) -> u64 {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Connections closed by `idle_close`.
    pub fn idle_closed(&self) -> u64 {
        self.state.idle_closed.load(Ordering::SeqCst)
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Reply = Response<Full<Bytes>>;

fn reply(status: u16, headers: &[(&'static str, &'static str)], body: &'static str) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(*name, hyper::header::HeaderValue::from_static(value));
    }
    response
}

async fn answer(
    state: Arc<State>,
    behaviour: Behaviour,
    upstream: SocketAddr,
    req: Request<hyper::body::Incoming>,
) -> Result<Reply, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    // Over h2 every request has an authority; only HTTP/1's absolute form
    // is a proxy request.
    let proxied_to = (parts.version != hyper::Version::HTTP_2)
        .then(|| parts.uri.authority().map(|a| a.to_string()))
        .flatten();
    let header_is = |name: &str, want: &str| {
        let values: Vec<_> = parts.headers.get_all(name).iter().collect();
        values.len() == 1 && values[0].as_bytes() == want.as_bytes()
    };
    // Decided on arrival (the delay does not change it), so a client that
    // gives up during the delay is logged all the same.
    let outcome = if behaviour
        .bearer_token
        .as_ref()
        .is_some_and(|t| !header_is("authorization", &format!("Bearer {t}")))
    {
        Outcome::Unauthorized
    } else if behaviour
        .required_header
        .as_ref()
        .is_some_and(|(name, value)| !header_is(name, value))
    {
        Outcome::Forbidden
    } else if behaviour.refuse_post.is_some() && parts.method == hyper::Method::POST {
        Outcome::Refused
    } else if state.passed.fetch_add(1, Ordering::SeqCst) < behaviour.fail_first {
        Outcome::BadGateway
    } else if behaviour.redirect_to.is_some() {
        Outcome::Redirected
    } else {
        Outcome::Forwarded
    };
    state.log.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        proxied_to,
        headers: parts.headers.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        outcome,
    });
    if let Some(delay) = behaviour.delay {
        tokio::time::sleep(delay).await;
    }
    Ok(match outcome {
        Outcome::Unauthorized => reply(
            401,
            &[("www-authenticate", "Bearer realm=\"prometheus\"")],
            "Unauthorized\n",
        ),
        Outcome::Forbidden => reply(403, &[], "Forbidden: unknown tenant\n"),
        Outcome::Refused => reply(
            behaviour.refuse_post.unwrap(),
            &[("allow", "GET")],
            "<html><body><h1>Method Not Allowed</h1></body></html>\n",
        ),
        Outcome::BadGateway => reply(
            502,
            &[("content-type", "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>\n",
        ),
        Outcome::Redirected => {
            let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let location = format!(
                "{}{target}",
                behaviour.redirect_to.unwrap().trim_end_matches('/')
            );
            let mut r = reply(308, &[], "Permanent Redirect\n");
            r.headers_mut().insert(
                hyper::header::LOCATION,
                hyper::header::HeaderValue::from_str(&location).unwrap(),
            );
            r
        }
        Outcome::Forwarded => forward(upstream, &parts, body).await.unwrap_or_else(|e| {
            let mut r = Response::new(Full::new(Bytes::from(format!("upstream: {e}\n"))));
            *r.status_mut() = StatusCode::BAD_GATEWAY;
            r
        }),
    })
}

/// Sends the request on to Prometheus over a fresh HTTP/1.1 connection:
/// same method, path, query and body; Prometheus' answer comes back as is.
async fn forward(
    upstream: SocketAddr,
    parts: &hyper::http::request::Parts,
    body: Bytes,
) -> Result<Reply, Box<dyn std::error::Error + Send + Sync>> {
    let stream = tokio::net::TcpStream::connect(upstream).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut request = Request::builder()
        .method(parts.method.clone())
        .uri(target)
        .header(hyper::header::HOST, upstream.to_string());
    if let Some(kind) = parts.headers.get(hyper::header::CONTENT_TYPE) {
        request = request.header(hyper::header::CONTENT_TYPE, kind);
    }
    let response = sender.send_request(request.body(Full::new(body))?).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    let mut out = Response::new(Full::new(body));
    *out.status_mut() = parts.status;
    if let Some(kind) = parts.headers.get(hyper::header::CONTENT_TYPE) {
        out.headers_mut()
            .insert(hyper::header::CONTENT_TYPE, kind.clone());
    }
    Ok(out)
}
