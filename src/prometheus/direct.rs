//! Plain-HTTP requests on hyper's connection API, for the usual in-cluster
//! Prometheus (`http://`, no proxy, no credentials in the URL).
//!
//! A gate sends its queries in short bursts from a process that lives for
//! milliseconds, so per-request layers cost as much as the wire: reqwest's
//! redirect, timeout and pool services, and a URL re-parse of every
//! response. Here a request is written on a pooled HTTP/1.1 connection
//! directly. Everything else (TLS, proxies, redirects) stays with reqwest;
//! [`Direct::for_address`] says when this path applies.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Proxy variables that apply to `http://` URLs; with any set, reqwest
/// decides (it also reads `NO_PROXY`).
const PROXY_VARIABLES: [&str; 4] = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"];

/// Probes for dead peers on idle pooled connections, as reqwest does by
/// default: long analyses keep connections idle between measurements,
/// often behind NAT.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(15);
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(15);
const KEEPALIVE_PROBES: u32 = 3;
const USER_TIMEOUT: Duration = Duration::from_secs(30);
/// An idle connection older than this is not reused (reqwest's pool idle
/// timeout): servers and load balancers close idle connections after a while,
/// and a request written just as they do fails.
const IDLE_LIMIT: Duration = Duration::from_secs(90);

/// Whether a proxy variable for `http://` URLs is set (then reqwest carries
/// the requests and decides, `NO_PROXY` included).
pub(super) fn proxy_variable_set() -> bool {
    PROXY_VARIABLES
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Why a request got no response.
#[derive(Debug)]
pub(super) enum Failure {
    /// The connection was not established within the connect timeout.
    ConnectTimeout,
    /// Connecting, writing or reading failed.
    Transport(Box<dyn std::error::Error + Send + Sync>),
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure::Transport(Box::new(error))
    }
}

/// Pooled HTTP/1.1 connections to one server.
#[derive(Debug)]
pub(super) struct Direct {
    /// Host name, resolved at each connect.
    host: String,
    /// The address when the URL names one: no resolver call.
    ip: Option<IpAddr>,
    port: u16,
    /// `Host` header: host, and the port when the URL names one.
    authority: HeaderValue,
    connect_timeout: Duration,
    /// Connections ready for another request, with when each went idle.
    idle: Mutex<Vec<(SendRequest<Full<Bytes>>, Instant)>>,
}

impl Direct {
    /// The direct path for `base`, or `None` when reqwest must carry the
    /// requests: not `http`, or credentials in the URL. (The caller checks
    /// [`proxy_variable_set`].)
    pub(super) fn for_address(base: &url::Url, connect_timeout: Duration) -> Option<Self> {
        if base.scheme() != "http" || !base.username().is_empty() || base.password().is_some() {
            return None;
        }
        let (host, ip) = match base.host()? {
            url::Host::Domain(name) => (name.to_owned(), None),
            url::Host::Ipv4(ip) => (ip.to_string(), Some(IpAddr::V4(ip))),
            url::Host::Ipv6(ip) => (ip.to_string(), Some(IpAddr::V6(ip))),
        };
        let host_str = base.host_str()?;
        let authority = match base.port() {
            Some(port) => format!("{host_str}:{port}"),
            None => host_str.to_owned(),
        };
        Some(Self {
            host,
            ip,
            port: base.port_or_known_default()?,
            authority: HeaderValue::from_str(&authority).ok()?,
            connect_timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// The `Host` header value requests must carry.
    pub(super) fn authority(&self) -> &HeaderValue {
        &self.authority
    }

    /// Sends the request `make` builds and reads the whole answer. A pooled
    /// connection the server closed before the request went out is
    /// replaced by a new one, once (`make` builds the request again).
    pub(super) async fn send(
        &self,
        make: impl Fn() -> Request<Full<Bytes>>,
    ) -> Result<Response<Bytes>, Failure> {
        let mut fresh_only = false;
        loop {
            let pooled = if fresh_only {
                None
            } else {
                self.checkout().await
            };
            let reused = pooled.is_some();
            let mut sender = match pooled {
                Some(sender) => sender,
                None => self.connect().await?,
            };
            let response = match sender.send_request(make()).await {
                Ok(response) => response,
                Err(error) if reused && error.is_canceled() => {
                    fresh_only = true;
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            self.checkin(sender);
            return Ok(Response::from_parts(parts, body));
        }
    }

    /// An idle connection that is still open and not too old.
    async fn checkout(&self) -> Option<SendRequest<Full<Bytes>>> {
        loop {
            let (mut sender, since) = self.lock().pop()?;
            if since.elapsed() > IDLE_LIMIT {
                continue;
            }
            // Err: the server closed it while it sat idle.
            if sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    fn checkin(&self, sender: SendRequest<Full<Bytes>>) {
        if !sender.is_closed() {
            self.lock().push((sender, Instant::now()));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(SendRequest<Full<Bytes>>, Instant)>> {
        // A panic while holding the lock cannot leave the Vec inconsistent.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Connects to the host's addresses in turn, each with an equal share of
    /// what is left of the connect timeout (as hyper-util does), so one
    /// address that drops packets does not use it all.
    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let deadline = tokio::time::Instant::now() + self.connect_timeout;
        let addresses: Vec<SocketAddr> = match self.ip {
            Some(ip) => vec![SocketAddr::new(ip, self.port)],
            None => tokio::time::timeout_at(
                deadline,
                tokio::net::lookup_host((self.host.as_str(), self.port)),
            )
            .await
            .map_err(|_| Failure::ConnectTimeout)??
            .collect(),
        };
        let mut last = Failure::Transport(Box::new(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} resolved to no address", self.host),
        )));
        for (tried, address) in addresses.iter().enumerate() {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let share = left / u32::try_from(addresses.len() - tried).unwrap_or(u32::MAX);
            match tokio::time::timeout(share, connect_stream(*address)).await {
                Ok(Ok(stream)) => return self.handshake(stream).await,
                Ok(Err(error)) => last = error.into(),
                Err(_) => last = Failure::ConnectTimeout,
            }
        }
        Err(last)
    }

    async fn handshake(&self, stream: TcpStream) -> Result<SendRequest<Full<Bytes>>, Failure> {
        stream.set_nodelay(true)?;
        keep_alive(&stream);
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        // The connection task ends when the server closes or the last
        // sender is dropped; the runtime's end drops it otherwise.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }
}

/// Connects to `address`. A connection made within the `connect` call
/// itself (a local server, `kubectl port-forward`) is used at once, with no
/// trip through the event loop to learn that it is writable, a trip that
/// in a burst waits behind every other connection's. Otherwise it waits
/// for the socket to become writable, as tokio's own connect does.
async fn connect_stream(address: SocketAddr) -> std::io::Result<TcpStream> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType};
    let family = if address.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
    let socket = rustix::net::socket_with(family, SocketType::STREAM, flags, None)?;
    match rustix::net::connect(&socket, &address) {
        Ok(()) | Err(rustix::io::Errno::INPROGRESS) => {}
        Err(error) => return Err(error.into()),
    }
    let stream = TcpStream::from_std(std::net::TcpStream::from(socket))?;
    // A peer address means the handshake is done; ENOTCONN that it is not.
    if stream.peer_addr().is_err() {
        stream.writable().await?;
        if let Some(error) = stream.take_error()? {
            return Err(error);
        }
    }
    Ok(stream)
}

/// Best effort: a socket without keep-alive still works.
fn keep_alive(stream: &TcpStream) {
    use rustix::net::sockopt;
    let _ = sockopt::set_socket_keepalive(stream, true);
    let _ = sockopt::set_tcp_keepidle(stream, KEEPALIVE_IDLE);
    let _ = sockopt::set_tcp_keepintvl(stream, KEEPALIVE_INTERVAL);
    let _ = sockopt::set_tcp_keepcnt(stream, KEEPALIVE_PROBES);
    let _ = sockopt::set_tcp_user_timeout(stream, USER_TIMEOUT.as_millis() as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(address: &str) -> Option<Direct> {
        Direct::for_address(&url::Url::parse(address).unwrap(), Duration::from_secs(1))
    }

    #[test]
    fn only_plain_http_without_credentials_goes_direct() {
        let d = direct("http://127.0.0.1:9090/prefix/").unwrap();
        assert_eq!((d.host.as_str(), d.port), ("127.0.0.1", 9090));
        assert_eq!(d.authority(), "127.0.0.1:9090");
        let d = direct("http://prometheus/").unwrap();
        assert_eq!((d.host.as_str(), d.port), ("prometheus", 80));
        assert_eq!(d.authority(), "prometheus");
        let d = direct("http://[::1]:9090/").unwrap();
        assert_eq!((d.host.as_str(), d.port), ("::1", 9090));
        assert_eq!(d.authority(), "[::1]:9090");
        assert!(direct("https://prometheus/").is_none());
        assert!(direct("http://user:pass@prometheus/").is_none());
        assert!(direct("http://user@prometheus/").is_none());
    }

    /// A local HTTP/1.1 server on `bind`: answers every GET on a connection
    /// with `200 ok`, adding `Connection: close` (and closing) when
    /// `say_close`. Every open connection is closed without a word when the
    /// returned sender is sent to. Also returns the count of connections.
    async fn server(
        bind: &str,
        say_close: bool,
    ) -> (
        SocketAddr,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
        tokio::sync::watch::Sender<()>,
    ) {
        serve(
            tokio::net::TcpListener::bind(bind).await.unwrap(),
            say_close,
        )
    }

    /// [`server`] on a listener of the caller's.
    fn serve(
        listener: tokio::net::TcpListener,
        say_close: bool,
    ) -> (
        SocketAddr,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
        tokio::sync::watch::Sender<()>,
    ) {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let addr = listener.local_addr().unwrap();
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (close, closed) = tokio::sync::watch::channel(());
        let count = accepted.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                count.fetch_add(1, Ordering::SeqCst);
                // Only a close sent from now on concerns this connection.
                let mut closed = closed.clone();
                closed.borrow_and_update();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    loop {
                        let n = tokio::select! {
                            read = stream.read(&mut buf) => match read {
                                Ok(n @ 1..) => n,
                                _ => return,
                            },
                            _ = closed.changed() => return,
                        };
                        head.extend_from_slice(&buf[..n]);
                        if head.windows(4).any(|w| w == b"\r\n\r\n") {
                            head.clear();
                            let close = if say_close {
                                "Connection: close\r\n"
                            } else {
                                ""
                            };
                            let answer =
                                format!("HTTP/1.1 200 OK\r\n{close}Content-Length: 2\r\n\r\nok");
                            stream.write_all(answer.as_bytes()).await.unwrap();
                            if say_close {
                                return;
                            }
                        }
                    }
                });
            }
        });
        (addr, accepted, close)
    }

    fn get(authority: &HeaderValue) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(Bytes::new()));
        *request.uri_mut() = http::Uri::from_static("/api/v1/query?query=up");
        request
            .headers_mut()
            .insert(http::header::HOST, authority.clone());
        request
    }

    async fn ask(pool: &Direct) -> Bytes {
        match pool.send(|| get(pool.authority())).await {
            Ok(answer) => answer.into_body(),
            Err(failure) => panic!("{failure:?}"),
        }
    }

    #[tokio::test]
    async fn connections_are_reused_and_replaced_once_the_server_closed_them() {
        use std::sync::atomic::Ordering;
        let (addr, accepted, close) = server("127.0.0.1:0", false).await;
        let pool = direct(&format!("http://{addr}/")).unwrap();
        assert_eq!(ask(&pool).await, "ok");
        assert_eq!(ask(&pool).await, "ok");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "kept alive and reused");
        // The server drops the idle connection (as an idle timeout does); the
        // next request gets a new one instead of an error.
        close.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(ask(&pool).await, "ok");
        assert_eq!(accepted.load(Ordering::SeqCst), 2);

        let (addr, accepted, _close) = server("127.0.0.1:0", true).await;
        let pool = direct(&format!("http://{addr}/")).unwrap();
        assert_eq!(ask(&pool).await, "ok");
        assert_eq!(ask(&pool).await, "ok");
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "Connection: close is honoured"
        );
    }

    #[tokio::test]
    async fn a_name_is_resolved_and_its_addresses_tried_in_turn() {
        // `localhost` may resolve to ::1 first; only 127.0.0.1 listens, so
        // a refused address must lead on to the next one.
        let (addr, _, _close) = server("127.0.0.1:0", false).await;
        let pool = direct(&format!("http://localhost:{}/", addr.port())).unwrap();
        assert_eq!(
            pool.authority(),
            format!("localhost:{}", addr.port()).as_str()
        );
        assert_eq!(ask(&pool).await, "ok");
        let pool = direct("http://name.invalid:9090/").unwrap();
        match pool.send(|| get(pool.authority())).await {
            Err(Failure::Transport(error)) => assert!(
                error.to_string().contains("lookup") || error.to_string().contains("resolve"),
                "{error}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_transport_failure() {
        // Bound, then closed: nothing listens on the port.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let pool = direct(&format!("http://{addr}/")).unwrap();
        match pool.send(|| get(pool.authority())).await {
            Err(Failure::Transport(error)) => {
                let io = error.downcast_ref::<std::io::Error>().unwrap();
                assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
            }
            other => panic!("{other:?}"),
        }
    }

    /// A listener with room for one connection in its accept queue
    /// (backlog 0), already holding one nobody accepted: the kernel drops
    /// the next SYN, so a connect to it stays in progress until the SYN is
    /// sent again (after about a second) into a queue with room.
    fn full_listener() -> (std::net::TcpListener, std::net::TcpStream) {
        use rustix::net::{AddressFamily, SocketFlags, SocketType};
        let socket = rustix::net::socket_with(
            AddressFamily::INET,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        rustix::net::bind(&socket, &SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        rustix::net::listen(&socket, 0).unwrap();
        let listener = std::net::TcpListener::from(socket);
        let queued = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        (listener, queued)
    }

    #[tokio::test]
    async fn a_connection_not_made_at_once_is_awaited_within_the_connect_timeout() {
        let (listener, _queued) = full_listener();
        let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let pool = Direct::for_address(&url, Duration::from_millis(300)).unwrap();
        match pool.send(|| get(pool.authority())).await {
            Err(Failure::ConnectTimeout) => {}
            other => panic!("a connect that never completes must time out: {other:?}"),
        }

        // Connecting while the queue is full, then the server starts
        // accepting (the queued connection first): the connect completes
        // on the SYN's retry and the request is answered.
        let pool = Direct::for_address(&url, Duration::from_secs(10)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let started = Instant::now();
        let (answer, _server) = tokio::join!(ask(&pool), async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            serve(listener, false)
        });
        assert_eq!(answer, "ok");
        assert!(
            started.elapsed() >= Duration::from_millis(200),
            "the connect waited for the server, {:?}",
            started.elapsed()
        );
    }
}
