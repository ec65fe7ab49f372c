//! The HTTP/1.1 hot path: a pre-built request written as one buffer, the
//! response head parsed in place with httparse, the body skipped by its
//! framing (Content-Length, chunked, or until close) without being copied.
//! One read buffer per connection, reused for every request: no allocation
//! per request.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::connect::io_error;
use crate::load::stats::ErrorKind;

/// The read buffer starts small (10,000 connections × 4 KiB = 40 MiB) and
/// grows for large heads or bodies.
const INITIAL_BUFFER: usize = 4 * 1024;
const BODY_BUFFER: usize = 64 * 1024;
/// A response head larger than this is refused as a protocol error.
const MAX_HEAD: usize = 1024 * 1024;
const MAX_HEADERS: usize = 100;

/// What the engine needs from a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Bytes received for it, head and body.
    pub bytes: u64,
    /// The server will close the connection after it.
    pub close: bool,
}

/// Why an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection had been idle and was gone before any byte of the
    /// response came back: safe to retry once on a new connection.
    Stale,
    /// A real error, counted against the run.
    Error(ErrorKind),
}

/// One HTTP/1.1 connection with its reusable read buffer.
#[derive(Debug)]
pub struct Http1<S> {
    stream: S,
    buf: Vec<u8>,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// Responses completed on this connection.
    served: u64,
    /// Bytes read since the current response began.
    read: u64,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Http1<S> {
    /// Wraps a fresh connection.
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            served: 0,
            read: 0,
        }
    }

    /// Sends `request` (a complete HTTP/1.1 message) and reads one response.
    /// `head_only` says the request was HEAD, whose response has no body.
    pub async fn exchange(&mut self, request: &[u8], head_only: bool) -> Result<Response, Failure> {
        self.read = 0;
        if let Err(err) = self.write(request).await {
            return Err(self.failure(&err));
        }
        let (status, framing, close) = loop {
            match self.parse_head(head_only) {
                Ok(Some(head)) => break head,
                Ok(None) => {}
                Err(kind) => return Err(Failure::Error(kind)),
            }
            if let Err(err) = self.fill().await {
                return Err(self.failure(&err));
            }
        };
        // A body without length ends when the server closes the connection.
        let close = close || matches!(framing, Framing::UntilClose);
        let io = |e: io::Error| Failure::Error(io_error(&e));
        match framing {
            Framing::None => {}
            Framing::Length(n) => self.skip(n).await.map_err(io)?,
            Framing::Chunked => self.skip_chunked().await?,
            Framing::UntilClose => self.skip_to_end().await.map_err(io)?,
        }
        self.served += 1;
        Ok(Response {
            status,
            bytes: self.read,
            close,
        })
    }

    async fn write(&mut self, request: &[u8]) -> io::Result<()> {
        self.stream.write_all(request).await?;
        // A no-op for TCP; TLS needs it to send the record.
        self.stream.flush().await
    }

    /// An I/O error before the response began is a stale keep-alive
    /// connection when this connection already served a response.
    fn failure(&self, err: &io::Error) -> Failure {
        let kind = io_error(err);
        if kind == ErrorKind::Reset && self.served > 0 && self.read == 0 {
            Failure::Stale
        } else {
            Failure::Error(kind)
        }
    }

    /// Parses a complete head from the buffer; `None` when more bytes are needed.
    fn parse_head(&mut self, head_only: bool) -> Result<Option<(u16, Framing, bool)>, ErrorKind> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut response = httparse::Response::new(&mut headers);
            let length = match response.parse(&self.buf[self.start..self.end]) {
                Ok(httparse::Status::Complete(length)) => length,
                Ok(httparse::Status::Partial) => return Ok(None),
                Err(_) => return Err(ErrorKind::Protocol),
            };
            let status = response.code.unwrap_or(0);
            let keep_alive_default = response.version == Some(1);
            let mut content_length = None;
            let mut chunked = false;
            let mut close = !keep_alive_default;
            for header in response.headers.iter() {
                let name = header.name;
                if name.eq_ignore_ascii_case("content-length") {
                    let value = std::str::from_utf8(header.value)
                        .ok()
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .ok_or(ErrorKind::Protocol)?;
                    content_length = Some(value);
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = ends_with_chunked(header.value);
                } else if name.eq_ignore_ascii_case("connection") {
                    if contains_token(header.value, b"close") {
                        close = true;
                    } else if contains_token(header.value, b"keep-alive") {
                        close = false;
                    }
                }
            }
            self.start += length;
            if (100..200).contains(&status) {
                if status == 101 {
                    return Err(ErrorKind::Protocol);
                }
                continue; // 100 Continue and friends precede the real response
            }
            let framing = if head_only || status == 204 || status == 304 {
                Framing::None
            } else if chunked {
                Framing::Chunked
            } else if let Some(n) = content_length {
                Framing::Length(n)
            } else {
                Framing::UntilClose
            };
            return Ok(Some((status, framing, close)));
        }
    }

    /// Reads more bytes after `end`, making room first.
    async fn fill(&mut self) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else if self.buf.len() < MAX_HEAD {
                self.buf.resize(self.buf.len() * 2, 0);
            } else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "response head too large",
                ));
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..]).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.end += n;
        self.read += n as u64;
        Ok(())
    }

    /// Consumes `n` body bytes.
    async fn skip(&mut self, mut n: u64) -> io::Result<()> {
        loop {
            let available = (self.end - self.start) as u64;
            if available >= n {
                self.start += n as usize;
                return Ok(());
            }
            n -= available;
            self.start = self.end;
            if n > self.buf.len() as u64 && self.buf.len() < BODY_BUFFER {
                self.buf.resize(BODY_BUFFER, 0);
            }
            self.fill().await?;
        }
    }

    /// Consumes a chunked body, trailers included.
    async fn skip_chunked(&mut self) -> Result<(), Failure> {
        let io = |e: io::Error| Failure::Error(io_error(&e));
        loop {
            let size = loop {
                match httparse::parse_chunk_size(&self.buf[self.start..self.end]) {
                    Ok(httparse::Status::Complete((used, size))) => {
                        self.start += used;
                        break size;
                    }
                    Ok(httparse::Status::Partial) => self.fill().await.map_err(io)?,
                    Err(_) => return Err(Failure::Error(ErrorKind::Protocol)),
                }
            };
            if size == 0 {
                return self.skip_trailers().await;
            }
            // The chunk and the CRLF after it.
            self.skip(size + 2).await.map_err(io)?;
        }
    }

    /// Trailer lines after the last chunk, up to the empty line.
    async fn skip_trailers(&mut self) -> Result<(), Failure> {
        loop {
            let pending = &self.buf[self.start..self.end];
            match pending.windows(2).position(|w| w == b"\r\n") {
                Some(at) => {
                    self.start += at + 2;
                    if at == 0 {
                        return Ok(());
                    }
                }
                None => self
                    .fill()
                    .await
                    .map_err(|e| Failure::Error(io_error(&e)))?,
            }
        }
    }

    /// A body without length: everything until the server closes.
    async fn skip_to_end(&mut self) -> io::Result<()> {
        loop {
            self.start = 0;
            self.end = 0;
            match self.fill().await {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

enum Framing {
    None,
    Length(u64),
    Chunked,
    UntilClose,
}

/// `Transfer-Encoding: gzip, chunked`: chunked is always the last coding.
fn ends_with_chunked(value: &[u8]) -> bool {
    value
        .rsplit(|&b| b == b',')
        .next()
        .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

fn contains_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token))
}

/// The bytes of one HTTP/1.1 request, built once per run.
pub fn build_request(
    method: &str,
    path: &str,
    authority: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<u8> {
    let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut wire = Vec::with_capacity(128 + body.len());
    wire.extend_from_slice(format!("{method} {path} HTTP/1.1\r\n").as_bytes());
    if !has("host") {
        wire.extend_from_slice(format!("Host: {authority}\r\n").as_bytes());
    }
    if !has("user-agent") {
        wire.extend_from_slice(
            concat!("User-Agent: opsctl/", env!("CARGO_PKG_VERSION"), "\r\n").as_bytes(),
        );
    }
    if !has("accept") {
        wire.extend_from_slice(b"Accept: */*\r\n");
    }
    for (name, value) in headers {
        wire.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    let needs_length = !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH");
    if needs_length && !has("content-length") && !has("transfer-encoding") {
        wire.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    wire.extend_from_slice(b"\r\n");
    wire.extend_from_slice(body);
    wire
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    /// Runs one exchange against canned server bytes.
    fn exchange(server_bytes: &'static [u8], head_only: bool) -> Result<Response, Failure> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client, mut server) = duplex(64);
            let serve = tokio::spawn(async move {
                let mut request = [0u8; 256];
                let _ = server.read(&mut request).await;
                // Dribble the response a few bytes at a time to exercise refills.
                for piece in server_bytes.chunks(7) {
                    server.write_all(piece).await.unwrap();
                }
            });
            let mut conn = Http1::new(client);
            let result = conn.exchange(b"GET / HTTP/1.1\r\n\r\n", head_only).await;
            serve.await.unwrap();
            result
        })
    }

    #[test]
    fn content_length_bodies_are_skipped() {
        let r = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false).unwrap();
        assert_eq!((r.status, r.bytes, r.close), (200, 43, false));
    }

    #[test]
    fn chunked_bodies_and_trailers_are_skipped() {
        let r = exchange(
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n!\r\n0\r\nX-Trailer: 1\r\n\r\n",
            false,
        )
        .unwrap();
        assert_eq!((r.status, r.close), (201, false));
    }

    #[test]
    fn interim_responses_and_close_are_understood() {
        let r = exchange(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            false,
        )
        .unwrap();
        assert_eq!((r.status, r.close), (503, true));
        let r = exchange(b"HTTP/1.0 200 OK\r\n\r\nuntil the end", false).unwrap();
        assert_eq!((r.status, r.close), (200, true));
        let r = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", true).unwrap();
        assert_eq!(r.status, 200);
    }

    #[test]
    fn broken_responses_are_protocol_errors_or_resets() {
        assert_eq!(
            exchange(b"NOT HTTP AT ALL\r\n\r\n", false),
            Err(Failure::Error(ErrorKind::Protocol))
        );
        assert_eq!(
            exchange(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false),
            Err(Failure::Error(ErrorKind::Protocol))
        );
        assert_eq!(
            exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false),
            Err(Failure::Error(ErrorKind::Reset))
        );
        assert_eq!(
            exchange(b"", false),
            Err(Failure::Error(ErrorKind::Reset)),
            "a fresh connection closed at once is an error, not stale"
        );
    }

    #[test]
    fn requests_carry_host_length_and_user_headers() {
        let wire = build_request(
            "POST",
            "/items?x=1",
            "api:8080",
            &[("X-Id".into(), "7".into())],
            b"{}",
        );
        let text = String::from_utf8(wire).unwrap();
        assert!(text.starts_with("POST /items?x=1 HTTP/1.1\r\nHost: api:8080\r\n"));
        assert!(text.contains("X-Id: 7\r\nContent-Length: 2\r\n\r\n{}"));
        let wire = build_request("GET", "/", "h", &[("host".into(), "other".into())], b"");
        let text = String::from_utf8(wire).unwrap();
        assert!(!text.contains("Host: h"));
        assert!(!text.contains("Content-Length"));
    }
}
