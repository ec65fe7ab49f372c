//! The HTTP/2 path, on hyper's connection-level client: one handshake per
//! connection, `--streams` concurrent request loops sharing it. hyper builds
//! a request and a header map per send, so HTTP/2 allocates per request
//! where HTTP/1.1 does not (ADR 0006).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};

use super::connect::{Stream, io_error};
use crate::load::stats::ErrorKind;

/// A request ready to be cloned onto the wire.
#[derive(Debug, Clone)]
pub struct Template {
    /// Method, URI (with scheme and authority), headers.
    pub parts: http::request::Parts,
    /// The body, shared by reference count.
    pub body: Bytes,
}

/// Builds a template from a request's parts.
pub fn template(
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Template, String> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        // HTTP/2 carries the host in :authority and has no connection headers.
        if ["host", "connection", "keep-alive", "transfer-encoding"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
        {
            continue;
        }
        builder = builder.header(name, value);
    }
    let (parts, ()) = builder.body(()).map_err(|e| e.to_string())?.into_parts();
    Ok(Template {
        parts,
        body: Bytes::copy_from_slice(body),
    })
}

/// An open HTTP/2 connection's request handle.
pub type Sender = SendRequest<Full<Bytes>>;

/// Performs the HTTP/2 handshake and spawns the connection driver on the
/// current thread's runtime.
pub async fn handshake(stream: Stream) -> Result<Sender, ErrorKind> {
    let (sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(stream))
        .await
        .map_err(|e| classify(&e))?;
    tokio::spawn(async move {
        // Its errors reach the streams as failed sends.
        let _ = connection.await;
    });
    Ok(sender)
}

/// What one stream exchange produced.
pub enum Outcome {
    /// A response: status and bytes received (body plus an estimate of the
    /// head, since hyper hides the compressed frame sizes).
    Response(u16, u64),
    /// The request failed.
    Error(ErrorKind),
    /// The connection is gone; the request was not sent.
    Closed,
}

/// Sends one request and drains its response body.
pub async fn exchange(sender: &mut Sender, template: &Template) -> Outcome {
    if sender.ready().await.is_err() {
        return Outcome::Closed;
    }
    let request =
        http::Request::from_parts(template.parts.clone(), Full::new(template.body.clone()));
    let response = match sender.send_request(request).await {
        Ok(response) => response,
        Err(err) => return Outcome::Error(classify(&err)),
    };
    let status = response.status().as_u16();
    let mut bytes: u64 = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().len() + v.len()) as u64)
        .sum();
    let mut body = response.into_body();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    bytes += data.len() as u64;
                }
            }
            Err(err) => return Outcome::Error(classify(&err)),
        }
    }
    Outcome::Response(status, bytes)
}

fn classify(err: &hyper::Error) -> ErrorKind {
    if err.is_timeout() {
        return ErrorKind::Timeout;
    }
    if err.is_parse() || err.is_user() {
        return ErrorKind::Protocol;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return io_error(io);
        }
        source = cause.source();
    }
    if err.is_closed() || err.is_canceled() || err.is_incomplete_message() {
        ErrorKind::Reset
    } else {
        ErrorKind::Protocol
    }
}
