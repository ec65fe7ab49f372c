//! {{ name }}: {{ description }}.
//!
//! `{{ name }}` serves HTTP on `$PORT` (default {{ port }}); `{{ name }} healthcheck` asks a running
//! instance for `/healthz` and exits 0 or 1, for the container's HEALTHCHECK (the runtime image has
//! no shell and no curl).

mod app;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const NAME: &str = env!("CARGO_PKG_NAME");
const DEFAULT_PORT: u16 = {{ port }};

fn port() -> u16 {
    std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(DEFAULT_PORT)
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("healthcheck") {
        return healthcheck(port());
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("{NAME}: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(port())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{NAME}: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(port: u16) -> std::io::Result<()> {
    let state = Arc::new(app::State::new());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))).await?;
    log("info", &format!("listening on {}", listener.local_addr()?));
    let draining = Arc::clone(&state);
    axum::serve(listener, app::router(Arc::clone(&state)))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Fail readiness first so the Service stops sending new requests, then drain.
            draining.set_ready(false);
            log("info", "shutting down");
        })
        .await
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or(()),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or(());
}

/// One JSON log line on stdout (`level`, `msg`), the shape Loki and Grafana parse.
fn log(level: &str, msg: &str) {
    let mut line = String::with_capacity(msg.len() + 32);
    line.push_str(r#"{"level":""#);
    line.push_str(level);
    line.push_str(r#"","msg":""#);
    for c in msg.chars() {
        match c {
            '"' => line.push_str(r#"\""#),
            '\\' => line.push_str(r"\\"),
            c if u32::from(c) < 0x20 => line.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => line.push(c),
        }
    }
    line.push_str(r#""}"#);
    println!("{line}");
}

/// `GET /healthz` on the local instance: success when it answers 200.
fn healthcheck(port: u16) -> ExitCode {
    let check = || -> std::io::Result<bool> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head)?;
        Ok(head.starts_with(b"HTTP/1.1 200"))
    };
    match check() {
        Ok(true) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
