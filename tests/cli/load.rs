//! `opsctl load` against a real in-process HTTP server that counts what it
//! serves: counts, rates, latency under stalls, a server dying, Ctrl-C,
//! thresholds, baselines, merging, scenarios, HTTP/2, 10,000 connections,
//! the Job manifest, and bad input.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::http_server::{Behaviour, TestServer};
use crate::support::{Sandbox, assert_matches_schema, passes, tool};

const SCHEMA: &str = "load-result.schema.json";

/// Timing-sensitive tests take this, so the 10,000-connection test never
/// competes with them for the CPU.
static TIMING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    TIMING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `opsctl --no-config load ARGS -o json`, returning the exit code and the JSON.
fn load_json(s: &Sandbox, args: &[&str]) -> (i32, serde_json::Value) {
    let out = s
        .cmd()
        .args(["--no-config", "load"])
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, assert_matches_schema(SCHEMA, &out.stdout))
}

fn u(value: &serde_json::Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not an integer: {value}"))
}

fn f(value: &serde_json::Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn the_reported_count_equals_the_servers_count() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let (code, json) = load_json(&s, &[&server.url("/"), "-n", "5000", "-c", "20"]);
    assert_eq!(code, 0);
    assert_eq!(u(&json["summary"]["requests"]), 5000);
    assert_eq!(server.requests(), 5000);
    assert_eq!(json["status_codes"]["200"], 5000);
    assert_eq!(json["summary"]["error_rate"], 0.0);

    // Duration mode: every request the server saw is reported, no more.
    let before = server.requests();
    let (_, json) = load_json(&s, &[&server.url("/"), "-d", "1s", "-c", "10"]);
    assert_eq!(u(&json["summary"]["requests"]), server.requests() - before);
    let series_total: u64 = json["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| u(&s["requests"]))
        .sum();
    assert_eq!(series_total, u(&json["summary"]["requests"]));
}

#[test]
fn rate_1000_for_5s_sends_5000() {
    let _timing = exclusive();
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let started = Instant::now();
    let (code, json) = load_json(
        &s,
        &[&server.url("/"), "--rate", "1000", "-d", "5s", "-c", "50"],
    );
    let took = started.elapsed();
    assert_eq!(code, 0);
    let sent = server.requests();
    assert!((4950..=5050).contains(&sent), "server saw {sent} requests");
    assert_eq!(u(&json["summary"]["requests"]), sent);
    assert_eq!(json["test"]["model"], "open");
    assert!(took >= Duration::from_millis(4900), "finished in {took:?}");
    // Spread over five seconds, not bunched: every full second near 1,000.
    let series = json["series"].as_array().unwrap();
    for second in &series[..4] {
        let n = u(&second["requests"]);
        assert!(
            (950..=1050).contains(&n),
            "second {}: {n}",
            second["second"]
        );
    }
}

#[test]
fn a_stall_on_every_tenth_request_shows_in_p95_in_the_open_model() {
    let _timing = exclusive();
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour {
        slow_every: Some((10, Duration::from_millis(200))),
        ..Behaviour::default()
    });
    let (_, json) = load_json(
        &s,
        &[&server.url("/"), "--rate", "200", "-d", "3s", "-c", "100"],
    );
    let p95 = f(&json["summary"]["latency_ms"]["p95"]);
    assert!(p95 >= 200.0, "p95 {p95} ms");
    assert!(f(&json["summary"]["latency_ms"]["p50"]) < 50.0);
}

#[test]
fn coordinated_omission_is_counted_when_connections_are_busy() {
    // One connection, 100/s, and a server that takes 50 ms: the generator
    // falls behind, and latency from the intended start grows far past the
    // 50 ms service time. The summary says the rate was not kept.
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour {
        delay: Some(Duration::from_millis(50)),
        ..Behaviour::default()
    });
    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            &server.url("/"),
            "--rate",
            "100",
            "-d",
            "2s",
            "-c",
            "1",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let json = assert_matches_schema(SCHEMA, &out.stdout);
    let p99 = f(&json["summary"]["latency_ms"]["p99"]);
    assert!(
        p99 > 1000.0,
        "p99 {p99} ms should include the queueing delay"
    );
    assert_eq!(json["schedule"]["kept_up"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not keep the rate"), "{stderr}");
}

#[test]
fn a_server_that_dies_mid_test_yields_counted_errors_and_the_threshold_exit_code() {
    let s = Sandbox::new();
    let mut server = TestServer::start(Behaviour::default());
    let url = server.url("/");
    let child = s
        .std_cmd()
        .args([
            "--no-config",
            "load",
            &url,
            "-d",
            "3s",
            "-c",
            "10",
            "--threshold",
            "error_rate<1%",
            "-o",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it serve for a while, then take it down mid-test.
    let waiting = Instant::now();
    while server.requests() < 100 && waiting.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    server.kill();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = assert_matches_schema(SCHEMA, &out.stdout);
    let errors = json["errors"].as_object().unwrap();
    let refused = errors.get("connect_refused").map_or(0, u);
    assert!(refused > 0, "errors: {errors:?}");
    assert!(u(&json["summary"]["responses"]) > 0);
    assert_eq!(json["thresholds"][0]["pass"], false);
}

#[test]
fn ctrl_c_prints_the_partial_summary_and_exits_130() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let child = s
        .std_cmd()
        .args([
            "--no-config",
            "load",
            &server.url("/"),
            "-d",
            "60s",
            "-c",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let started = Instant::now();
    // The shell's own kill: a minimal Debian has no /bin/kill.
    let status = Command::new("sh")
        .args(["-c", "kill -INT \"$1\"", "sh", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?} to stop",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(130));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("interrupted: partial results"), "{stdout}");
    assert!(stdout.contains("HTTP 200"), "{stdout}");
}

#[test]
fn thresholds_are_all_evaluated_and_any_failure_exits_1() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let url = server.url("/");
    let (code, json) = load_json(
        &s,
        &[
            &url,
            "-n",
            "500",
            "--threshold",
            "p95<2s",
            "--threshold",
            "error_rate<1%",
            "--threshold",
            "rps>=1",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        json["thresholds"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["pass"] == true)
    );

    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            &url,
            "-n",
            "500",
            "--threshold",
            "mean<1us",
            "--threshold",
            "error_rate<1%",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("mean<1us") && stdout.contains("FAIL"),
        "{stdout}"
    );
    assert!(
        stdout.contains("error_rate<1%") && stdout.contains("pass"),
        "{stdout}"
    );

    // 5xx answers count against the error rate.
    let failing = TestServer::start(Behaviour {
        status: Some(503),
        ..Behaviour::default()
    });
    let (code, json) = load_json(
        &s,
        &[
            &failing.url("/"),
            "-n",
            "100",
            "--threshold",
            "error_rate<1%",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["http_errors"], 100);
}

#[test]
fn a_regression_against_the_baseline_exits_1_with_a_side_by_side_table() {
    let s = Sandbox::new();
    let fast = TestServer::start(Behaviour::default());
    let baseline = s.work().join("baseline.json");
    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            &fast.url("/"),
            "-n",
            "300",
            "-c",
            "5",
            "--save",
        ])
        .arg(&baseline)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_matches_schema(SCHEMA, &std::fs::read(&baseline).unwrap());

    // The same service, now 20 ms slower per request.
    let slow = TestServer::start(Behaviour {
        delay: Some(Duration::from_millis(20)),
        ..Behaviour::default()
    });
    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            &slow.url("/"),
            "-n",
            "300",
            "-c",
            "5",
            "--baseline",
        ])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("baseline") && stdout.contains("p99") && stdout.contains("FAIL"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("regressed"));

    // Within a generous limit it passes.
    let (code, json) = load_json(
        &s,
        &[
            &fast.url("/"),
            "-n",
            "300",
            "-c",
            "5",
            "--baseline",
            baseline.to_str().unwrap(),
            "--max-regression",
            "p99=100000%,rps=100%",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["baseline"]["regressed"], false);
}

#[test]
fn load_report_merges_results_exactly() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let mut files = Vec::new();
    for i in 0..3 {
        let path = s.work().join(format!("r{i}.json"));
        s.cmd()
            .args([
                "--no-config",
                "load",
                &server.url("/"),
                "-n",
                "400",
                "-c",
                "4",
                "--save",
            ])
            .arg(&path)
            .assert()
            .success();
        files.push(path);
    }
    let out = s
        .cmd()
        .args(["--no-config", "load", "report", "-o", "json"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = assert_matches_schema(SCHEMA, &out.stdout);
    assert_eq!(json["summary"]["requests"], 1200);
    assert_eq!(json["merged_from"], 3);
    assert_eq!(json["test"]["connections"], 12);

    // The same results as one stream on stdin, as `kubectl logs` prints them.
    let mut stream = Vec::new();
    for file in &files {
        stream.extend(std::fs::read(file).unwrap());
    }
    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            "report",
            "-",
            "-o",
            "json",
            "--threshold",
            "requests==1200",
        ])
        .write_stdin(stream)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let piped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(piped["summary"], json["summary"]);

    // Junk among the pods' logs: the error says which document, exit 2.
    let out = s
        .cmd()
        .args(["--no-config", "load", "report", "-"])
        .write_stdin(b"panic: out of memory\n".to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin: result 1 is not JSON"));

    // Not a result: a clear error, exit 2.
    let bogus = s.write("work/bogus.json", "{\"hello\": 1}");
    let out = s
        .cmd()
        .args(["--no-config", "load", "report"])
        .arg(&bogus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an opsctl load result"));
}

#[test]
fn a_scenario_sends_weighted_requests_with_bodies_and_flags_override_it() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    s.write("work/body.json", "{\"name\":\"load\"}");
    let scenario = s.write(
        "work/load.yaml",
        &format!(
            "url: {}\nconnections: 4\nmax_requests: 100000\nheaders:\n  X-Test: yes\n\
             thresholds: [\"error_rate<1%\"]\nrequests:\n  - name: list\n    path: /items\n    weight: 3\n\
             \x20 - name: create\n    method: POST\n    path: /items/new\n    body_file: body.json\n",
            server.url("")
        ),
    );
    let (code, json) = load_json(&s, &["--scenario", scenario.to_str().unwrap(), "-n", "400"]);
    assert_eq!(code, 0);
    let by_path = server.by_path();
    assert_eq!(by_path.get("/items"), Some(&300), "{by_path:?}");
    assert_eq!(by_path.get("/items/new"), Some(&100), "{by_path:?}");
    assert_eq!(server.body_bytes(), 100 * 15);
    assert_eq!(json["test"]["requests"][1]["method"], "POST");
    assert_eq!(json["thresholds"][0]["threshold"], "error_rate<1%");
}

#[test]
fn http2_streams_are_counted_like_http1() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let (code, json) = load_json(
        &s,
        &[
            &server.url("/"),
            "--http2",
            "--streams",
            "4",
            "-c",
            "3",
            "-n",
            "2000",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(u(&json["summary"]["responses"]), 2000);
    assert_eq!(server.requests(), 2000);
    assert_eq!(json["test"]["http2"], true);
}

#[test]
fn tls_is_checked_unless_insecure_and_speaks_both_protocols() {
    let s = Sandbox::new();
    let server = TestServer::start_tls(Behaviour::default());
    let url = server.https_url("/");
    // A self-signed certificate: every request fails with a TLS error.
    let (code, json) = load_json(&s, &[&url, "-n", "20", "-c", "2"]);
    assert_eq!(code, 1);
    assert!(u(&json["errors"]["tls"]) > 0, "{}", json["errors"]);
    assert_eq!(server.requests(), 0);
    // --insecure accepts it, over HTTP/1.1 and over HTTP/2 (ALPN).
    let (code, json) = load_json(&s, &[&url, "-n", "500", "-c", "4", "--insecure"]);
    assert_eq!(code, 0, "{}", json["errors"]);
    assert_eq!(u(&json["summary"]["responses"]), 500);
    let (code, json) = load_json(
        &s,
        &[
            &url,
            "-n",
            "500",
            "-c",
            "2",
            "-k",
            "--http2",
            "--streams",
            "5",
        ],
    );
    assert_eq!(code, 0, "{}", json["errors"]);
    assert_eq!(u(&json["summary"]["responses"]), 500);
    assert_eq!(server.requests(), 1000);
}

#[test]
fn ten_thousand_connections_work_on_one_machine() {
    let _timing = exclusive();
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let (code, json) = load_json(
        &s,
        &[
            &server.url("/"),
            "-c",
            "10000",
            "-d",
            "4s",
            "--connect-timeout",
            "10s",
            "--timeout",
            "20s",
        ],
    );
    assert_eq!(code, 0, "errors: {}", json["errors"]);
    assert_eq!(json["errors"], serde_json::json!({}));
    assert!(u(&json["summary"]["responses"]) >= 10_000);
    assert_eq!(u(&json["summary"]["requests"]), server.requests());
}

#[test]
fn too_few_open_files_is_a_clear_error() {
    let s = Sandbox::new();
    let out = Command::new("sh")
        .args([
            "-c",
            "ulimit -n 256 && exec \"$0\" --no-config load http://127.0.0.1:9/ -c 1000 -d 1s",
            crate::support::OPSCTL,
        ])
        .current_dir(s.work())
        .env("HOME", s.home())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1000 connections need 1064 open files") && stderr.contains("ulimit -n"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_server_is_a_negative_verdict_not_a_crash() {
    let s = Sandbox::new();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            &format!("http://127.0.0.1:{port}/"),
            "-d",
            "1s",
            "-c",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no request got a response") && stderr.contains("connection refused"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("connection refused"));
}

#[test]
fn bad_input_is_refused_before_any_request_with_exit_2() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    let url = server.url("/");
    let broken = s.write("work/broken.yaml", "requests: [\n");
    let typo = s.write("work/typo.yaml", "conections: 5\n");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["localhost:8080".into()], "write the URL in full"),
        (vec!["ftp://x/".into()], "not http or https"),
        (vec![url.clone(), "-d".into(), "10".into()], "has no unit"),
        (
            vec![url.clone(), "--rate".into(), "fast".into()],
            "is not a rate",
        ),
        (
            vec![url.clone(), "--stages".into(), "30s".into()],
            "DURATION:RATE",
        ),
        (
            vec![url.clone(), "-H".into(), "NoColon".into()],
            "has no `:`",
        ),
        (
            vec![url.clone(), "--threshold".into(), "latency<1s".into()],
            "unknown metric",
        ),
        (
            vec![
                url.clone(),
                "--max-regression".into(),
                "p99".into(),
                "--baseline".into(),
                "missing.json".into(),
            ],
            "METRIC=PERCENT",
        ),
        (
            vec![url.clone(), "--baseline".into(), "missing.json".into()],
            "missing.json",
        ),
        (
            vec!["--scenario".into(), broken.display().to_string()],
            "line",
        ),
        (
            vec!["--scenario".into(), typo.display().to_string()],
            "unknown field `conections`",
        ),
        (
            vec![url.clone(), "-c".into(), "0".into()],
            "-c must be at least 1",
        ),
        (
            vec![url.clone(), "--body-file".into(), "nope.bin".into()],
            "cannot read the body file",
        ),
        (vec![], "give the URL to test"),
    ];
    for (args, expected) in cases {
        let out = s
            .cmd()
            .args(["--no-config", "load"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected `{expected}` in\n{stderr}"
        );
    }
    assert_eq!(server.requests(), 0, "bad input must not send anything");
}

#[test]
fn emit_job_prints_an_indexed_job_that_kubernetes_validate_accepts() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "--no-config",
            "load",
            "http://api.shop.svc:8080/items",
            "--rate",
            "1000",
            "-d",
            "2m",
            "-c",
            "100",
            "-H",
            "Authorization: Bearer t",
            "--threshold",
            "p99<500ms",
            "--emit-job",
            "--workers",
            "4",
            "--image",
            "registry.example.com/opsctl:0.1.0",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("completionMode: Indexed"));
    assert!(yaml.contains("parallelism: 4"));
    assert!(yaml.contains("rate: 250"), "{yaml}");
    assert!(yaml.contains("connections: 25"), "{yaml}");
    assert!(
        yaml.contains("opsctl load report - --threshold 'p99<500ms'"),
        "{yaml}"
    );
    let file = s.write("work/job.yaml", &yaml);
    let kubernetes_validate = tool("kubernetes-validate", "pip install kubernetes-validate");
    passes(
        Command::new(kubernetes_validate).arg("--strict").arg(&file),
        "kubernetes-validate --strict for the emitted Job",
    );
    // The ConfigMap's scenario is one opsctl reads back: run it locally.
    let server = TestServer::start(Behaviour::default());
    let scenario = yaml
        .split("load.yaml: |\n")
        .nth(1)
        .and_then(|rest| rest.split("---").next())
        .unwrap()
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("http://api.shop.svc:8080", &server.url(""))
        .replace("2m", "1s");
    let path = s.write("work/pod.yaml", &scenario);
    let (code, json) = load_json(&s, &["--scenario", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(json["test"]["rate"], 250.0);
    assert!(server.by_path().contains_key("/items"));
}

#[test]
fn validate_checks_the_test_and_sends_nothing() {
    let s = Sandbox::new();
    let server = TestServer::start(Behaviour::default());
    s.write(
        "work/load.yaml",
        &format!(
            "url: {}\nconnections: 4\nduration: 2s\nthresholds: [\"p95<200ms\"]\nrequests:\n  - name: a\n    path: /a\n    weight: 3\n  - name: b\n    method: POST\n    path: /b\n    body_file: body.json\n",
            server.url("")
        ),
    );
    s.write("work/body.json", "{}");
    s.cmd()
        .args(["load", "--scenario", "load.yaml", "--validate"])
        .assert()
        .success()
        .stdout(predicates::str::contains("valid:"))
        .stdout(predicates::str::contains("thresholds p95<200ms"));
    let out = s
        .cmd()
        .args([
            "load",
            "--scenario",
            "load.yaml",
            "--validate",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["test"]["requests"][1]["method"], "POST");
    assert_eq!(server.requests(), 0, "--validate sends nothing");

    // What would fail the run fails the validation, with exit 2.
    std::fs::remove_file(s.work().join("body.json")).unwrap();
    s.cmd()
        .args(["load", "--scenario", "load.yaml", "--validate"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("body.json"));
    s.write("work/body.json", "{}");
    s.cmd()
        .args([
            "load",
            "--scenario",
            "load.yaml",
            "--validate",
            "--threshold",
            "p95<",
        ])
        .assert()
        .code(2);
    assert_eq!(server.requests(), 0);
}
