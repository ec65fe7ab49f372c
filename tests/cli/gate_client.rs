//! `opsctl gate`'s Prometheus client against what sits in front of
//! Prometheus in real clusters: a gateway (tests/cli/prometheus_gateway.rs)
//! that wants a bearer token or a tenant header, refuses POST, fails with
//! 502, answers slowly, speaks TLS with a private CA, or is a forward proxy;
//! behind it a real Prometheus. Every test checks what the gateway saw as
//! well as opsctl's exit code and JSON status.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::prometheus_gateway::{Behaviour, Gateway, Outcome};
use crate::prometheus_server::{OpenMetrics, PrometheusServer};
use crate::support::{Sandbox, assert_matches_schema};

/// 2023-11-14T22:13:20Z: one hour of `latency_seconds` from here.
const T0: i64 = 1_700_000_000;

/// Half an hour into the data, as `--at` takes it.
const AT: &str = "1700001800";

/// The bearer token the gateways want.
const TOKEN: &str = "s3cret-token";

/// The one series: `latency_seconds{service="app"}` 0.25 every 15 s for an hour.
fn data() -> String {
    let mut om = OpenMetrics::new();
    om.gauge(
        "latency_seconds",
        &[("service", "app")],
        (0..=240).map(|i| (T0 + i * 15, 0.25)),
    );
    om.text()
}

/// One metric that passes on the data (`result[0] < 0.5`).
const METRICS: &str = "metrics:\n  - name: latency\n    query: latency_seconds{service=\"app\"}\n    \
                       successCondition: result[0] < 0.5\n";

/// A sandbox whose gate.yaml is [`METRICS`] without an address.
fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("work/gate.yaml", METRICS);
    s
}

/// gate.yaml text whose `prometheus:` is the given mapping's YAML body.
fn spec_with(prometheus: &str) -> String {
    format!("prometheus: {{{prometheus}}}\n{METRICS}")
}

/// One `opsctl gate … --once --at AT -o json` run.
struct Run {
    code: i32,
    status: Value,
    stderr: String,
    took: Duration,
}

impl Run {
    fn measurement(&self) -> &Value {
        let m = &self.status["metricResults"][0];
        let list = m["measurements"].as_array().unwrap();
        assert_eq!(list.len(), 1, "one measurement: {:#}", self.status);
        &list[0]
    }

    fn message(&self) -> String {
        self.measurement()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Exit 0, Successful, the data's value.
    fn assert_passed(&self) {
        assert_eq!(self.code, 0, "{:#}\n{}", self.status, self.stderr);
        assert_eq!(self.status["phase"], "Successful");
        assert_eq!(self.measurement()["phase"], "Successful");
        assert_eq!(self.measurement()["value"], "[0.25]");
    }

    /// Exit 3, an Error run whose one measurement says `needle`.
    fn assert_error(&self, needle: &str) {
        assert_eq!(self.code, 3, "{:#}\n{}", self.status, self.stderr);
        assert_eq!(self.status["phase"], "Error");
        assert_eq!(self.status["metricResults"][0]["error"], 1);
        assert_eq!(self.measurement()["phase"], "Error");
        assert!(
            self.message().contains(needle),
            "{needle:?} not in {:?}",
            self.message()
        );
    }
}

fn gate(s: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let started = Instant::now();
    let out = s
        .cmd()
        .envs(env.iter().copied())
        .arg("gate")
        .args(args)
        .args(["--once", "--at", AT, "-o", "json"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.stdout.is_empty(), "no JSON (exit {code}): {stderr}");
    Run {
        code,
        status: assert_matches_schema("gate-result.schema.json", &out.stdout),
        stderr,
        took,
    }
}

#[test]
fn a_bearer_token_from_a_file_or_the_environment_gets_through_and_a_wrong_one_is_401() {
    let prom = PrometheusServer::with_data(&data());
    let gw = Gateway::start(
        &prom.url(),
        Behaviour {
            bearer_token: Some(TOKEN.to_owned()),
            ..Behaviour::default()
        },
    );
    let url = gw.url();
    let s = sandbox();
    // Files end in a newline (`kubectl create token … > token`): trimmed.
    s.write("work/token", &format!("{TOKEN}\n"));
    s.write("work/wrong-token", "not-the-token\n");

    let run = gate(&s, &["--prometheus", &url, "--token-file", "token"], &[]);
    run.assert_passed();
    let seen = gw.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("authorization"), [format!("Bearer {TOKEN}")]);
    assert_eq!(seen[0].outcome, Outcome::Forwarded);

    let run = gate(
        &s,
        &["--prometheus", &url],
        &[("OPSCTL_PROMETHEUS_TOKEN", TOKEN)],
    );
    run.assert_passed();
    assert_eq!(gw.seen()[1].outcome, Outcome::Forwarded);

    // The file wins over the variable.
    let run = gate(
        &s,
        &["--prometheus", &url, "--token-file", "token"],
        &[("OPSCTL_PROMETHEUS_TOKEN", "not-the-token")],
    );
    run.assert_passed();

    // The spec's own bearerTokenEnv.
    s.write(
        "work/spec-token.yaml",
        &spec_with(&format!("address: {url}, bearerTokenEnv: PROM_TOKEN")),
    );
    let run = gate(&s, &["spec-token.yaml"], &[("PROM_TOKEN", TOKEN)]);
    run.assert_passed();
    assert_eq!(gw.seen().len(), 4);
    assert!(gw.seen().iter().all(|r| r.outcome == Outcome::Forwarded));

    // No token: one 401 (not retried), an Error measurement, exit 3.
    let run = gate(&s, &["--prometheus", &url], &[]);
    run.assert_error("401");
    assert!(run.message().contains("Unauthorized"), "{}", run.message());
    let seen = gw.seen();
    assert_eq!(seen.len(), 5);
    assert!(seen[4].header("authorization").is_empty());
    assert_eq!(seen[4].outcome, Outcome::Unauthorized);

    // A wrong token, from the file or the variable: the same.
    let run = gate(
        &s,
        &["--prometheus", &url, "--token-file", "wrong-token"],
        &[],
    );
    run.assert_error("401");
    let run = gate(
        &s,
        &["--prometheus", &url],
        &[("OPSCTL_PROMETHEUS_TOKEN", "not-the-token")],
    );
    run.assert_error("401");
    let seen = gw.seen();
    assert_eq!(seen.len(), 7);
    for r in &seen[5..] {
        assert_eq!(r.header("authorization"), ["Bearer not-the-token"]);
        assert_eq!(r.outcome, Outcome::Unauthorized);
    }
    // The tokens never show in the report.
    assert!(
        !run.status.to_string().contains("not-the-token") && !run.stderr.contains("not-the-token")
    );
}

#[test]
fn tenant_headers_from_flags_and_specs_reach_the_gateway() {
    let prom = PrometheusServer::with_data(&data());
    let gw = Gateway::start(
        &prom.url(),
        Behaviour {
            required_header: Some(("X-Scope-OrgID".to_owned(), "tenant-a".to_owned())),
            ..Behaviour::default()
        },
    );
    let url = gw.url();
    let s = sandbox();

    // Without the header: 403, not retried.
    let run = gate(&s, &["--prometheus", &url], &[]);
    run.assert_error("403");
    assert_eq!(gw.trace(), [("POST".to_owned(), Outcome::Forbidden)]);

    let run = gate(
        &s,
        &["--prometheus", &url, "-H", "X-Scope-OrgID: tenant-a"],
        &[],
    );
    run.assert_passed();
    assert_eq!(gw.seen()[1].header("x-scope-orgid"), ["tenant-a"]);

    // An Argo template's provider.prometheus.headers, as Argo writes them.
    let template = |tenant: &str| {
        format!(
            r#"apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: latency
spec:
  metrics:
  - name: latency
    successCondition: result[0] < 0.5
    provider:
      prometheus:
        address: {url}
        headers:
        - key: X-Scope-OrgID
          value: {tenant}
        query: latency_seconds{{service="app"}}
"#
        )
    };
    s.write("work/template.yaml", &template("tenant-a"));
    let run = gate(&s, &["template.yaml"], &[]);
    run.assert_passed();
    assert_eq!(gw.seen()[2].header("X-Scope-OrgID"), ["tenant-a"]);

    // -H replaces the template's header of the same name (any case): one value.
    s.write("work/other-tenant.yaml", &template("tenant-b"));
    let run = gate(&s, &["other-tenant.yaml"], &[]);
    run.assert_error("403");
    let run = gate(
        &s,
        &["other-tenant.yaml", "-H", "x-scope-orgid: tenant-a"],
        &[],
    );
    run.assert_passed();
    assert_eq!(gw.seen()[4].header("X-Scope-OrgID"), ["tenant-a"]);

    // gate.yaml's `prometheus.headers` mapping.
    s.write(
        "work/mapping.yaml",
        &spec_with(&format!(
            "address: {url}, headers: {{X-Scope-OrgID: tenant-a}}"
        )),
    );
    let run = gate(&s, &["mapping.yaml"], &[]);
    run.assert_passed();
    assert_eq!(gw.seen()[5].header("x-scope-orgid"), ["tenant-a"]);

    let outcomes: Vec<Outcome> = gw.seen().iter().map(|r| r.outcome).collect();
    use Outcome::{Forbidden as F, Forwarded as W};
    assert_eq!(outcomes, [F, W, W, F, W, W]);
}

#[test]
fn post_refused_with_405_or_501_falls_back_to_get_and_method_get_sends_only_gets() {
    let prom = PrometheusServer::with_data(&data());
    let s = sandbox();

    // An open gateway sees one form POST with the query and the time.
    let open = Gateway::start(&prom.url(), Behaviour::default());
    gate(&s, &["--prometheus", &open.url()], &[]).assert_passed();
    let seen = open.seen();
    assert_eq!(open.trace(), [("POST".to_owned(), Outcome::Forwarded)]);
    assert_eq!(seen[0].path, "/api/v1/query");
    assert_eq!(
        seen[0].header("content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert!(
        seen[0].body.contains("query=latency_seconds") && seen[0].body.contains("time=1700001800"),
        "{}",
        seen[0].body
    );

    for status in [405, 501] {
        let gw = Gateway::start(
            &prom.url(),
            Behaviour {
                refuse_post: Some(status),
                ..Behaviour::default()
            },
        );
        let run = gate(&s, &["--prometheus", &gw.url()], &[]);
        run.assert_passed();
        assert_eq!(
            gw.trace(),
            [
                ("POST".to_owned(), Outcome::Refused),
                ("GET".to_owned(), Outcome::Forwarded)
            ],
            "{status}"
        );
        assert_eq!(gw.seen()[1].path, "/api/v1/query");
        assert!(gw.seen()[1].body.is_empty());

        // `method: GET` never tries POST.
        s.write(
            "work/get.yaml",
            &spec_with(&format!("address: {}, method: GET", gw.url())),
        );
        gate(&s, &["get.yaml"], &[]).assert_passed();
        assert_eq!(gw.trace()[2..], [("GET".to_owned(), Outcome::Forwarded)]);
    }
}

#[test]
fn a_502_is_retried_twice_within_the_measurement_then_reported() {
    let prom = PrometheusServer::with_data(&data());
    let s = sandbox();

    // Twice 502, then the answer: one Successful measurement, no error.
    let gw = Gateway::start(
        &prom.url(),
        Behaviour {
            fail_first: 2,
            ..Behaviour::default()
        },
    );
    let run = gate(&s, &["--prometheus", &gw.url()], &[]);
    run.assert_passed();
    let m = &run.status["metricResults"][0];
    assert_eq!(
        (m["count"].as_u64(), m["error"].as_u64()),
        (Some(1), Some(0))
    );
    use Outcome::{BadGateway as B, Forwarded as W};
    let outcomes: Vec<Outcome> = gw.seen().iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [B, B, W]);
    // The pauses were waited: 250 ms + 750 ms.
    assert!(run.took >= Duration::from_secs(1), "{:?}", run.took);

    // Always 502: three tries, then one Error measurement quoting it.
    let down = Gateway::start(
        &prom.url(),
        Behaviour {
            fail_first: u64::MAX,
            ..Behaviour::default()
        },
    );
    let run = gate(&s, &["--prometheus", &down.url()], &[]);
    run.assert_error("502");
    assert!(run.message().contains("Bad Gateway"), "{}", run.message());
    let outcomes: Vec<Outcome> = down.seen().iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [B, B, B]);
}

#[test]
fn a_slow_gateway_hits_the_client_timeout_of_the_spec() {
    let prom = PrometheusServer::with_data(&data());
    let gw = Gateway::start(
        &prom.url(),
        Behaviour {
            delay: Some(Duration::from_secs(3)),
            ..Behaviour::default()
        },
    );
    let s = sandbox();
    s.write(
        "work/gate.yaml",
        &spec_with(&format!("address: {}, timeout: 1s", gw.url())),
    );
    let run = gate(&s, &[], &[]);
    run.assert_error("did not answer within 1s");
    // A timeout is transient: three tries of 1 s, 250 ms and 750 ms apart.
    assert_eq!(gw.seen().len(), 3);
    assert!(
        run.took >= Duration::from_secs(3) && run.took < Duration::from_secs(10),
        "{:?}",
        run.took
    );
}

#[test]
fn tls_with_a_private_ca_needs_cacert_or_insecure() {
    let prom = PrometheusServer::with_data(&data());
    let gw = Gateway::start_tls(&prom.url(), Behaviour::default());
    let url = gw.https_url();
    let s = sandbox();
    s.write("work/ca.pem", &gw.ca_pem());

    let run = gate(&s, &["--prometheus", &url, "--cacert", "ca.pem"], &[]);
    run.assert_passed();
    assert_eq!(gw.trace(), [("POST".to_owned(), Outcome::Forwarded)]);

    // Unknown issuer: no request gets through.
    let run = gate(&s, &["--prometheus", &url], &[]);
    run.assert_error("certificate");
    assert!(
        run.message()
            .contains(&format!("cannot reach Prometheus at {url}")),
        "{}",
        run.message()
    );
    assert_eq!(gw.seen().len(), 1);
    assert!(gw.handshakes_failed() >= 1);

    let run = gate(&s, &["--prometheus", &url, "-k"], &[]);
    run.assert_passed();
    let run = gate(&s, &["--prometheus", &url, "--insecure"], &[]);
    run.assert_passed();

    // The spec's caFile, relative to the spec.
    s.write(
        "work/tls.yaml",
        &spec_with(&format!("address: {url}, caFile: ca.pem")),
    );
    gate(&s, &["tls.yaml"], &[]).assert_passed();
    assert_eq!(gw.seen().len(), 4);
    assert!(gw.seen().iter().all(|r| r.outcome == Outcome::Forwarded));
}

#[test]
fn a_certificate_error_is_not_retried() {
    // The README retries "connection refused, timeouts and 502–504"; an
    // untrusted certificate will not fix itself within a second.
    let prom = PrometheusServer::with_data(&data());
    let gw = Gateway::start_tls(&prom.url(), Behaviour::default());
    let s = sandbox();
    let run = gate(&s, &["--prometheus", &gw.https_url()], &[]);
    run.assert_error("certificate");
    assert_eq!(
        gw.handshakes_failed(),
        1,
        "took {:?}: {}",
        run.took,
        run.message()
    );
}

#[test]
fn http_proxy_is_honoured_for_loopback_too_and_no_proxy_bypasses_it() {
    let prom = PrometheusServer::with_data(&data());
    // The proxy forwards whatever host is asked for to the one Prometheus.
    let proxy = Gateway::start(&prom.url(), Behaviour::default());
    let direct = Gateway::start(&prom.url(), Behaviour::default());
    let s = sandbox();
    let proxy_url = proxy.url();

    // A name only the proxy can resolve: the query went through it.
    let run = gate(
        &s,
        &["--prometheus", "http://prometheus.invalid:9090"],
        &[("HTTP_PROXY", &proxy_url)],
    );
    run.assert_passed();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].proxied_to.as_deref(),
        Some("prometheus.invalid:9090")
    );
    assert_eq!(seen[0].outcome, Outcome::Forwarded);

    // No implicit bypass for 127.0.0.1: without NO_PROXY it is proxied too.
    let run = gate(
        &s,
        &["--prometheus", &direct.url()],
        &[("http_proxy", &proxy_url)],
    );
    run.assert_passed();
    assert_eq!(proxy.seen().len(), 2);
    assert_eq!(
        proxy.seen()[1].proxied_to.as_deref(),
        Some(direct.addr().as_str())
    );
    assert!(direct.seen().is_empty());

    // NO_PROXY names it: straight to the gateway, in origin form.
    let run = gate(
        &s,
        &["--prometheus", &direct.url()],
        &[("HTTP_PROXY", &proxy_url), ("NO_PROXY", "127.0.0.1")],
    );
    run.assert_passed();
    assert_eq!(proxy.seen().len(), 2);
    let seen = direct.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].proxied_to, None);
}

#[test]
fn a_moved_endpoint_is_followed_with_the_same_method_and_form() {
    let prom = PrometheusServer::with_data(&data());
    let target = Gateway::start(&prom.url(), Behaviour::default());
    let moved = Gateway::start(
        &prom.url(),
        Behaviour {
            redirect_to: Some(target.url()),
            ..Behaviour::default()
        },
    );
    let s = sandbox();
    gate(&s, &["--prometheus", &moved.url()], &[]).assert_passed();
    assert_eq!(moved.trace(), [("POST".to_owned(), Outcome::Redirected)]);
    assert_eq!(target.trace(), [("POST".to_owned(), Outcome::Forwarded)]);
    let (asked, followed) = (&moved.seen()[0], &target.seen()[0]);
    assert_eq!(followed.path, "/api/v1/query");
    assert_eq!(followed.body, asked.body);
    assert!(
        followed.body.contains("query=latency_seconds"),
        "{}",
        followed.body
    );
}

#[test]
fn connections_a_front_closed_while_idle_are_replaced_between_measurements() {
    let prom = PrometheusServer::with_data(&data());
    let gw = Gateway::start(
        &prom.url(),
        Behaviour {
            idle_close: Some(Duration::from_millis(200)),
            ..Behaviour::default()
        },
    );
    let s = Sandbox::new();
    // Real time (no --at), so a query that needs no data.
    s.write(
        "work/gate.yaml",
        "metrics:\n  - name: steady\n    query: vector(0.25)\n    interval: 1s\n    count: 3\n    \
         successCondition: result[0] < 0.5\n",
    );
    let out = s
        .cmd()
        .args(["gate", "--prometheus", &gw.url(), "-o", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let status = assert_matches_schema("gate-result.schema.json", &out.stdout);
    let metric = &status["metricResults"][0];
    assert_eq!(
        (metric["successful"].as_u64(), metric["error"].as_u64()),
        (Some(3), Some(0)),
        "{status:#}"
    );
    assert_eq!(gw.trace().len(), 3);
    assert!(gw.trace().iter().all(|(_, o)| *o == Outcome::Forwarded));
    // Each measurement after the first found its connection closed.
    assert!(gw.idle_closed() >= 2, "{} closed", gw.idle_closed());
    assert_eq!(gw.connections(), 3);
}

#[test]
fn a_ca_file_that_is_missing_or_holds_no_certificate_is_exit_2_for_http_and_https() {
    let s = sandbox();
    s.write("work/bad.pem", "not a certificate\n");
    // Nothing listens there: the CA file is checked before any query.
    for url in ["http://127.0.0.1:1", "https://127.0.0.1:1"] {
        for (file, says) in [
            ("missing.pem", "cannot read CA file missing.pem"),
            ("bad.pem", "bad.pem holds no PEM certificate"),
        ] {
            let out = s
                .cmd()
                .args(["gate", "--prometheus", url, "--cacert", file, "--once"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{url} {file}: {stderr}");
            assert!(stderr.contains(says), "{url} {file}: {stderr}");
        }
    }
}
