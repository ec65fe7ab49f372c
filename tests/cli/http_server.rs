//! A real HTTP server in the test process (hyper, HTTP/1.1 and h2c) that
//! counts what it serves, for checking `opsctl load` against the truth.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

/// How the server answers.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// Every `n`th request (counting from 1) sleeps this long before answering.
    pub slow_every: Option<(u64, Duration)>,
    /// Every request sleeps this long.
    pub delay: Option<Duration>,
    /// Answer with this status instead of 200.
    pub status: Option<u16>,
    /// With a 401 status: ask for HTTP basic credentials (`WWW-Authenticate`).
    pub basic_challenge: bool,
}

/// A running server; stopped (all connections closed) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    /// The self-signed certificate's PEM, for a TLS server.
    cert_pem: Option<String>,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    requests: AtomicU64,
    by_path: Mutex<BTreeMap<String, u64>>,
    body_bytes: AtomicU64,
    authorizations: Mutex<Vec<String>>,
}

impl TestServer {
    pub fn start(behaviour: Behaviour) -> Self {
        Self::serve(behaviour, None)
    }

    /// The same server behind TLS with a fresh self-signed certificate for
    /// `localhost`, offering h2 and http/1.1 by ALPN.
    pub fn start_tls(behaviour: Behaviour) -> Self {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
        let mut config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let mut server = Self::serve(
            behaviour,
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
        );
        server.cert_pem = Some(cert.cert.pem());
        server
    }

    fn serve(behaviour: Behaviour, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        raise_open_files();
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
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                socket.set_reuseaddr(true).unwrap();
                socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
                // Room for 10,000 connects arriving at once.
                let listener = socket.listen(16_384).unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let accept = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let state = server_state.clone();
                        let behaviour = behaviour.clone();
                        let tls = tls.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |req| {
                                answer(state.clone(), behaviour.clone(), req)
                            });
                            let builder = auto::Builder::new(TokioExecutor::new());
                            match tls {
                                None => {
                                    let _ = builder
                                        .serve_connection(TokioIo::new(stream), service)
                                        .await;
                                }
                                Some(acceptor) => {
                                    if let Ok(stream) = acceptor.accept(stream).await {
                                        let _ = builder
                                            .serve_connection(TokioIo::new(stream), service)
                                            .await;
                                    }
                                }
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
            cert_pem: None,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The https:// URL by the certificate's name (for a TLS server).
    pub fn https_url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    /// The certificate a TLS server presents, as PEM (trusted as its own CA).
    pub fn cert_pem(&self) -> &str {
        self.cert_pem.as_deref().expect("not a TLS server")
    }

    /// Requests answered (or started, for slow ones) so far.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Requests by path.
    pub fn by_path(&self) -> BTreeMap<String, u64> {
        self.state.by_path.lock().unwrap().clone()
    }

    /// Every `Authorization` header received, in order.
    pub fn authorizations(&self) -> Vec<String> {
        self.state.authorizations.lock().unwrap().clone()
    }

    /// Request body bytes received.
    pub fn body_bytes(&self) -> u64 {
        self.state.body_bytes.load(Ordering::SeqCst)
    }

    /// Stops listening and closes every connection: the server "dies".
    pub fn kill(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn answer(
    state: Arc<State>,
    behaviour: Behaviour,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let n = state.requests.fetch_add(1, Ordering::SeqCst) + 1;
    *state
        .by_path
        .lock()
        .unwrap()
        .entry(req.uri().path().to_owned())
        .or_default() += 1;
    if let Some(value) = req.headers().get(hyper::header::AUTHORIZATION) {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        state.authorizations.lock().unwrap().push(value);
    }
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().len())
        .unwrap_or(0);
    state.body_bytes.fetch_add(body as u64, Ordering::SeqCst);
    if let Some((every, pause)) = behaviour.slow_every
        && n.is_multiple_of(every)
    {
        tokio::time::sleep(pause).await;
    }
    if let Some(delay) = behaviour.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = Response::new(Full::new(Bytes::from_static(b"hello, world\n")));
    if let Some(status) = behaviour.status {
        *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
        if status == 401 && behaviour.basic_challenge {
            response.headers_mut().insert(
                hyper::header::WWW_AUTHENTICATE,
                hyper::header::HeaderValue::from_static("Basic realm=\"templates\""),
            );
        }
    }
    Ok(response)
}

/// The test process serves up to 10,000 connections: lift its own limit.
fn raise_open_files() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            },
        );
    }
}
