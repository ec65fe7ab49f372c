//! The load engine's HTTP/1.1 hot path allocates nothing per request: a
//! counting global allocator watches a run of 2,000 and a run of 8,000
//! requests against a real HTTP/1.1 keep-alive server in another process
//! (Python's http.server), and the extra 6,000 requests may cost only the
//! handful of allocations that depend on elapsed time (one per second per
//! thread), not one per request.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use opsctl::load::engine;
use opsctl::load::scenario::Scenario;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// The system allocator, counted (stats_alloc keeps the unsafe glue).
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// A keep-alive HTTP/1.1 server in a Python child process.
struct PythonServer {
    child: Child,
    port: u16,
}

impl PythonServer {
    fn start() -> Self {
        let script = r#"
import http.server, socket, socketserver
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        # Head and body go out in two writes; without this, Nagle and
        # delayed ACKs hold every response for 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "6")
        self.end_headers()
        self.wfile.write(b"hello\n")
    def log_message(self, *args):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs (scripts/test installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the server prints its port");
        Self { child, port }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Allocations made by a whole `engine::run` of `requests` requests.
fn allocations_for(port: u16, requests: u64) -> u64 {
    let scenario = Scenario {
        url: Some(format!("http://127.0.0.1:{port}/")),
        connections: Some(4),
        threads: Some(1),
        max_requests: Some(requests),
        ..Scenario::default()
    };
    let (plan, _) = scenario.plan(1).unwrap();
    let region = Region::new(GLOBAL);
    let run = engine::run(&plan, &mut |_| {}).unwrap();
    let change = region.change();
    assert_eq!(run.totals.requests, requests);
    assert_eq!(run.totals.statuses.get(&200), Some(&requests));
    (change.allocations + change.reallocations) as u64
}

#[test]
fn the_http1_hot_path_does_not_allocate_per_request() {
    let server = PythonServer::start();
    std::thread::sleep(Duration::from_millis(100));
    // Warm up once, so lazy statics are not charged to the first run.
    allocations_for(server.port, 100);
    let small = allocations_for(server.port, 2_000);
    let large = allocations_for(server.port, 8_000);
    let extra = large.saturating_sub(small);
    assert!(
        extra < 300,
        "6,000 more requests cost {extra} more allocations ({small} for 2,000, {large} for 8,000)"
    );
}
