//! `opsctl gate` against a real Prometheus: backfilled data with known
//! values evaluated with `--at`, a live scrape, failures of the server, and
//! Argo Rollouts AnalysisTemplates in the shapes Argo's docs show.

use std::time::Duration;

use serde_json::Value;

use crate::prometheus_server::{BASIC_AUTH_PASSWORD, Exporter, OpenMetrics, PrometheusServer};
use crate::support::{Sandbox, assert_matches_schema};

const SCHEMA: &str = "gate-result.schema.json";

/// Start of the backfilled data (2023-11-14T22:13:20Z); two hours at 15 s.
const T0: i64 = 1_700_000_000;
const STEP: i64 = 15;
const SAMPLES: i64 = 481;

fn times() -> impl Iterator<Item = i64> {
    (0..SAMPLES).map(|i| T0 + i * STEP)
}

/// A deterministic wobble in [-1, 1], so series are not constant.
fn wobble(i: i64, seed: i64) -> f64 {
    let x = ((i * 7919 + seed * 104_729) % 1000) as f64 / 1000.0;
    x * 2.0 - 1.0
}

/// The known data every backfilled test reads:
/// - `http_requests_total` of service `app`: 10/s of 200s and 1/s of 500s
///   (success ratio 0.9090909090909091); service `good`: 1000/s and 1/s.
/// - `latency_seconds{service="app"}`: 0.25 in the first hour, 0.75 after.
/// - `nan_gauge`: NaN throughout.
/// - Istio-style `istio_requests_total` and `http_latency_ms` for Argo's
///   example templates (service `checkout`).
/// - `request_seconds{version=…}`: canary around 0.30, baseline around 0.20,
///   `same` drawn like the baseline.
fn data() -> String {
    let mut om = OpenMetrics::new();
    let counter = |rate: f64| times().map(move |t| (t, rate * (t - T0) as f64));
    om.counter(
        "http_requests_total",
        &[("service", "app"), ("code", "200")],
        counter(10.0),
    )
    .counter(
        "http_requests_total",
        &[("service", "app"), ("code", "500")],
        counter(1.0),
    )
    .counter(
        "http_requests_total",
        &[("service", "good"), ("code", "200")],
        counter(1000.0),
    )
    .counter(
        "http_requests_total",
        &[("service", "good"), ("code", "500")],
        counter(1.0),
    )
    .gauge(
        "latency_seconds",
        &[("service", "app")],
        times().map(|t| (t, if t < T0 + 3600 { 0.25 } else { 0.75 })),
    )
    .gauge("nan_gauge", &[], times().map(|t| (t, f64::NAN)))
    .counter(
        "istio_requests_total",
        &[
            ("reporter", "source"),
            ("destination_service", "checkout"),
            ("response_code", "200"),
        ],
        counter(99.0),
    )
    .counter(
        "istio_requests_total",
        &[
            ("reporter", "source"),
            ("destination_service", "checkout"),
            ("response_code", "503"),
        ],
        counter(1.0),
    )
    .gauge(
        "http_latency_ms",
        &[("service", "checkout")],
        times().map(|t| (t, 400.0 + 100.0 * wobble(t, 1))),
    );
    for (version, center, seed) in [
        ("canary", 0.30, 2),
        ("baseline", 0.20, 3),
        ("same", 0.20, 4),
    ] {
        om.gauge(
            "request_seconds",
            &[("version", version)],
            times()
                .enumerate()
                .map(|(i, t)| (t, center + 0.02 * wobble(i as i64, seed))),
        );
    }
    om.text()
}

/// Runs `opsctl gate ARGS -o json` in the sandbox and returns the exit
/// code and the schema-checked status.
fn gate_json(s: &Sandbox, args: &[&str]) -> (i32, Value) {
    let out = s
        .cmd()
        .arg("gate")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        !out.stdout.is_empty(),
        "no JSON (exit {code}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, assert_matches_schema(SCHEMA, &out.stdout))
}

fn at(offset: i64) -> String {
    (T0 + offset).to_string()
}

fn metric<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["metricResults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no metric {name} in {status:#}"))
}

#[test]
fn pass_and_fail_at_a_past_instant_with_argo_values() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            r#"prometheus: {url}
args:
  - name: service
    value: app
metrics:
  - name: success-rate
    query: sum(rate(http_requests_total{{service="{{{{args.service}}}}",code!~"5.."}}[5m])) / sum(rate(http_requests_total{{service="{{{{args.service}}}}"}}[5m]))
    successCondition: result[0] >= 0.9
"#,
            url = prom.url()
        ),
    );
    let (code, status) = gate_json(&s, &["--at", &at(1800)]);
    assert_eq!(code, 0, "{status:#}");
    assert_eq!(status["phase"], "Successful");
    let m = metric(&status, "success-rate");
    assert_eq!(m["measurements"][0]["value"], "[0.9090909090909091]");
    assert_eq!(
        m["metadata"]["ResolvedPrometheusQuery"],
        "sum(rate(http_requests_total{service=\"app\",code!~\"5..\"}[5m])) / sum(rate(http_requests_total{service=\"app\"}[5m]))"
    );
    assert_eq!(
        m["measurements"][0]["startedAt"],
        "2023-11-14T22:43:20.000Z"
    );

    // The same spec with a stricter condition fails, and says why.
    let strict = std::fs::read_to_string(s.work().join("gate.yaml"))
        .unwrap()
        .replace(">= 0.9\n", ">= 0.95\n");
    s.write("work/strict.yaml", &strict);
    let (code, status2) = gate_json(&s, &["strict.yaml", "--at", &at(1800)]);
    assert_eq!(code, 1, "{status2:#}");
    assert_eq!(status2["phase"], "Failed");
    let m = metric(&status2, "success-rate");
    assert_eq!(m["phase"], "Failed");
    assert_eq!(m["message"], "failed (1) > failureLimit (0)");
    assert!(
        m["measurements"][0]["message"]
            .as_str()
            .unwrap()
            .contains("[0.9090909090909091] did not pass successCondition \"result[0] >= 0.95\""),
        "{m:#}"
    );
    assert!(
        status2["message"].as_str().unwrap().starts_with(
            "Metric \"success-rate\" assessed Failed due to failed (1) > failureLimit (0)"
        ),
        "{status2:#}"
    );

    // --args for another service; --arg for an unknown name is exit 2.
    let (code, _) = gate_json(
        &s,
        &["strict.yaml", "--at", &at(1800), "--arg", "service=good"],
    );
    assert_eq!(code, 0);
    let out = s
        .cmd()
        .args([
            "gate",
            "strict.yaml",
            "--at",
            &at(1800),
            "--arg",
            "servce=good",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `service`?"));
}

#[test]
fn failure_limit_is_reached_on_the_nth_measurement_of_a_replayed_analysis() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    // Every 10 minutes from 30 minutes in: 0.25 until the hour, then 0.75.
    // Measurements at +30m, +40m, +50m succeed; +60m onwards fail; with
    // failureLimit 2 the third failure (the 6th measurement) ends it.
    s.write(
        "work/gate.yaml",
        &format!(
            "prometheus: {}\nmetrics:\n  - name: latency\n    query: latency_seconds{{service=\"app\"}}\n    \
             interval: 10m\n    count: 9\n    failureLimit: 2\n    successCondition: result[0] < 0.5\n",
            prom.url()
        ),
    );
    let started = std::time::Instant::now();
    let (code, status) = gate_json(&s, &["--at", &at(1800)]);
    assert_eq!(code, 1, "{status:#}");
    let m = metric(&status, "latency");
    assert_eq!(
        (m["successful"].as_u64(), m["failed"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(m["count"], 6);
    assert_eq!(m["message"], "failed (3) > failureLimit (2)");
    let measurements = m["measurements"].as_array().unwrap();
    assert_eq!(measurements.len(), 6);
    assert_eq!(measurements[5]["startedAt"], "2023-11-14T23:33:20.000Z");
    assert_eq!(measurements[5]["value"], "[0.75]");
    assert_eq!(status["stopped"], "decided");
    // 50 minutes of analysis replayed without waiting.
    assert!(started.elapsed() < Duration::from_secs(10));

    // From the start: six good measurements, then three bad ones reach the limit.
    let (code, status) = gate_json(&s, &["--at", &at(0), "--junit", "gate.xml"]);
    assert_eq!(code, 1, "nine measurements reach the bad hour: {status:#}");
    let junit = std::fs::read_to_string(s.work().join("gate.xml")).unwrap();
    assert!(
        junit.contains("<testcase classname=\"opsctl.gate\" name=\"latency\""),
        "{junit}"
    );
    assert!(junit.contains("<failure type=\"Failed\""), "{junit}");
}

#[test]
fn inconclusive_empty_nan_and_string_results_follow_argo() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            r#"prometheus: {}
metrics:
  - name: between
    query: latency_seconds{{service="app"}}
    successCondition: result[0] < 0.1
    failureCondition: result[0] > 0.5
  - name: empty-guarded
    query: absent_metric_name
    successCondition: len(result) == 0 || result[0] >= 0.95
  - name: empty
    query: absent_metric_name
    successCondition: result[0] >= 0.95
    consecutiveErrorLimit: 0
    dryRun: true
  - name: nan
    query: nan_gauge
    successCondition: result[0] >= 0.95
    dryRun: true
  - name: nan-guarded
    query: nan_gauge
    successCondition: isNaN(result[0]) || result[0] >= 0.95
  - name: nan-failure-only
    query: nan_gauge
    failureCondition: result[0] < 0.95
  - name: scalar
    query: scalar(sum(latency_seconds))
    successCondition: result == 0.25
  - name: text
    query: '"hello"'
    dryRun: true
    consecutiveErrorLimit: 0
"#,
            prom.url()
        ),
    );
    let (code, status) = gate_json(&s, &["--at", &at(600)]);
    assert_eq!(code, 3, "{status:#}");
    assert_eq!(status["phase"], "Inconclusive");
    let phase = |name: &str| metric(&status, name)["phase"].as_str().unwrap().to_owned();
    assert_eq!(phase("between"), "Inconclusive");
    assert_eq!(phase("empty-guarded"), "Successful");
    assert_eq!(phase("empty"), "Error");
    let empty = &metric(&status, "empty")["measurements"][0];
    assert_eq!(empty["value"], "[]");
    assert!(
        empty["message"]
            .as_str()
            .unwrap()
            .contains("metric result is nil or empty"),
        "{empty:#}"
    );
    assert_eq!(phase("nan"), "Failed");
    assert_eq!(metric(&status, "nan")["measurements"][0]["value"], "[NaN]");
    assert_eq!(phase("nan-guarded"), "Successful");
    // Argo's trap: NaN < 0.95 is false, so a failure-only condition passes.
    assert_eq!(phase("nan-failure-only"), "Successful");
    assert_eq!(phase("scalar"), "Successful");
    assert_eq!(
        metric(&status, "scalar")["measurements"][0]["value"],
        "0.25"
    );
    assert_eq!(phase("text"), "Error");
    assert!(
        metric(&status, "text")["measurements"][0]["message"]
            .as_str()
            .unwrap()
            .contains("metric type not supported")
    );
    // Dry-run metrics are reported in their own summary.
    assert_eq!(status["dryRunSummary"]["count"], 3);
    assert_eq!(status["runSummary"]["inconclusive"], 1);
}

#[test]
fn a_bad_query_is_an_error_measurement_with_prometheus_words() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            "prometheus: {}\nmetrics:\n  - name: broken\n    query: sum(rate(http_requests_total[5m])\n    \
             successCondition: result[0] > 0\n",
            prom.url()
        ),
    );
    let (code, status) = gate_json(&s, &["--at", &at(600), "--once"]);
    assert_eq!(code, 3, "{status:#}");
    assert_eq!(status["phase"], "Error");
    let message = metric(&status, "broken")["measurements"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("400 bad_data"), "{message}");
    assert!(message.contains("parse error"), "{message}");
    assert!(
        message.contains("query: sum(rate(http_requests_total[5m])"),
        "{message}"
    );
}

#[test]
fn prometheus_down_reaches_the_consecutive_error_limit_and_exits_3() {
    let mut prom = PrometheusServer::with_data(&data());
    let url = prom.url();
    prom.kill();
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            "prometheus: {url}\nmetrics:\n  - name: up\n    query: up\n    interval: 1m\n    count: 3\n"
        ),
    );
    let (code, status) = gate_json(&s, &["--at", &at(600)]);
    assert_eq!(code, 3, "{status:#}");
    assert_eq!(status["phase"], "Error");
    let m = metric(&status, "up");
    // Argo's default consecutiveErrorLimit 4: the fifth error in a row.
    assert_eq!(m["error"], 5);
    assert_eq!(
        m["message"],
        "consecutiveErrors (5) > consecutiveErrorLimit (4)"
    );
    let first = &m["measurements"][0];
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains(&format!("cannot reach Prometheus at {url}")),
        "{first:#}"
    );
    // Errors are retried after Argo's 10 s, in replayed time.
    assert_eq!(
        m["measurements"][1]["startedAt"],
        "2023-11-14T22:23:30.000Z"
    );
    // Human output names the reason too.
    let out = s.cmd().args(["gate", "--at", &at(600)]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Gate Error"), "{text}");
}

#[test]
fn once_takes_one_measurement_and_dry_run_always_exits_0() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            "prometheus: {}\nmetrics:\n  - name: latency\n    query: latency_seconds\n    interval: 5m\n    \
             failureLimit: 3\n    successCondition: result[0] < 0.5\n",
            prom.url()
        ),
    );
    // Unbounded without --once or --timeout is refused up front.
    let out = s.cmd().args(["gate", "--at", &at(4000)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--timeout"));
    // --once judges the one measurement alone, despite failureLimit 3.
    let (code, status) = gate_json(&s, &["--once", "--at", &at(4000)]);
    assert_eq!(code, 1, "{status:#}");
    assert_eq!(status["mode"], "once");
    assert_eq!(
        metric(&status, "latency")["measurements"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (code, status) = gate_json(&s, &["--once", "--at", &at(4000), "--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(status["phase"], "Failed");
    assert_eq!(status["dryRun"], true);
    // A background metric under --timeout: 4 failures tolerated in 20 minutes.
    let (code, status) = gate_json(&s, &["--timeout", "20m", "--at", &at(4000)]);
    assert_eq!(code, 1, "failed (4) > failureLimit (3) at +15m: {status:#}");
    let (code, status) = gate_json(&s, &["--timeout", "12m", "--at", &at(4000)]);
    assert_eq!(code, 0, "three failures tolerated: {status:#}");
    assert_eq!(status["stopped"], "timeLimit");
}

#[test]
fn argo_analysis_templates_run_unchanged() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    // 1. Success rate, background analysis (docs/features/analysis.md).
    s.write(
        "work/success-rate.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  args:
  - name: service-name
  metrics:
  - name: success-rate
    interval: 5m
    # NOTE: prometheus queries return results in the form of a vector.
    # So it is common to access the index 0 of the returned array to obtain the value
    successCondition: result[0] >= 0.95
    failureLimit: 3
    provider:
      prometheus:
        address: http://prometheus.example.com:9090
        timeout: 40
        headers:
        - key: X-Scope-OrgID
          value: tenant_a
        query: |
          sum(irate(
            istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}",response_code!~"5.*"}[5m]
          )) /
          sum(irate(
            istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}"}[5m]
          ))
"#,
    );
    let url = prom.url();
    let (code, status) = gate_json(
        &s,
        &[
            "success-rate.yaml",
            "--prometheus",
            &url,
            "--arg",
            "service-name=checkout",
            "--at",
            &at(1800),
            "--timeout",
            "30m",
        ],
    );
    assert_eq!(code, 0, "{status:#}");
    let m = metric(&status, "success-rate");
    assert_eq!(m["successful"], 6, "{m:#}");
    assert_eq!(status["stopped"], "timeLimit");
    assert_eq!(
        status["sources"][0],
        "AnalysisTemplate/success-rate (success-rate.yaml)"
    );
    // The required arg is named when missing.
    let out = s
        .cmd()
        .args(["gate", "success-rate.yaml", "--prometheus", &url, "--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("argument \"service-name\" was not supplied"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // 2. Inline single measurement, with a defaulted arg in the address and
    //    an error-count failureCondition in dry-run with retention rules.
    s.write(
        "work/inline.yaml",
        &format!(
            r#"apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata:
  name: inline
spec:
  args:
  - name: service-name
  - name: prometheus-port
    value: "{port}"
  metrics:
  - name: success-rate
    successCondition: result[0] >= 0.95
    provider:
      prometheus:
        address: "http://127.0.0.1:{{{{args.prometheus-port}}}}"
        query: |
          sum(irate(istio_requests_total{{reporter="source",destination_service=~"{{{{args.service-name}}}}",response_code!~"5.*"}}[5m])) /
          sum(irate(istio_requests_total{{reporter="source",destination_service=~"{{{{args.service-name}}}}"}}[5m]))
  - name: total-5xx-errors
    interval: 5m
    count: 3
    failureCondition: result[0] >= 10
    failureLimit: 3
    provider:
      prometheus:
        address: "http://127.0.0.1:{{{{args.prometheus-port}}}}"
        query: |
          sum(irate(istio_requests_total{{reporter="source",destination_service=~"{{{{args.service-name}}}}",response_code=~"5.*"}}[5m]))
  dryRun:
  - metricName: total-5xx-errors
  measurementRetention:
  - metricName: .*
    limit: 2
"#,
            port = url.rsplit(':').next().unwrap()
        ),
    );
    let (code, status) = gate_json(
        &s,
        &[
            "inline.yaml",
            "--arg",
            "service-name=checkout",
            "--at",
            &at(1800),
        ],
    );
    assert_eq!(code, 0, "{status:#}");
    assert_eq!(metric(&status, "success-rate")["count"], 1);
    let errors = metric(&status, "total-5xx-errors");
    assert_eq!(errors["dryRun"], true);
    assert_eq!(errors["count"], 3);
    assert_eq!(
        errors["measurements"].as_array().unwrap().len(),
        2,
        "retention 2"
    );

    // 3. Range query with an `all` condition (docs/analysis/prometheus.md).
    s.write(
        "work/range.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: range-query-example
spec:
  args:
  - name: service-name
  - name: lookback-duration
    value: 5m
  metrics:
  - name: success-rate
    successCondition: "all(result, # < 1000)"
    failureLimit: 3
    provider:
      prometheus:
        rangeQuery:
          # See https://expr-lang.org/docs/language-definition#date-functions
          # for value date functions
          # The start point to query from
          start: 'now() - duration("{{args.lookback-duration}}")'
          # The end point to query to
          end: 'now()'
          # Query resolution width
          step: 1m
        address: http://prometheus.example.com:9090
        query: http_latency_ms{service="{{args.service-name}}"}
"#,
    );
    let (code, status) = gate_json(
        &s,
        &[
            "range.yaml",
            "--prometheus",
            &url,
            "--arg",
            "service-name=checkout",
            "--at",
            &at(1800),
        ],
    );
    assert_eq!(code, 0, "{status:#}");
    let value = metric(&status, "success-rate")["measurements"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        value.matches(',').count(),
        5,
        "6 samples over 5m at 1m: {value}"
    );
    let (code, _) = gate_json(
        &s,
        &[
            "range.yaml",
            "--prometheus",
            &url,
            "--arg",
            "service-name=checkout",
            "--arg",
            "lookback-duration=10m",
            "--at",
            &at(1800),
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn templates_compose_from_sibling_files_and_value_from_args_need_arg() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    s.write(
        "work/analysis/base.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata:
  name: base-latency
spec:
  args:
  - name: service
  metrics:
  - name: latency
    successCondition: result[0] < 0.5
    provider:
      prometheus:
        query: latency_seconds{service="{{args.service}}"}
"#,
    );
    s.write(
        "work/analysis/canary.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: canary
spec:
  templates:
  - templateName: base-latency
    clusterScope: true
  args:
  - name: service
  - name: api-token
    valueFrom:
      secretKeyRef:
        name: prometheus-token
        key: token
  metrics:
  - name: errors
    successCondition: result[0] < 2
    provider:
      prometheus:
        query: sum(rate(http_requests_total{service="{{args.service}}",code="500",token!="{{args.api-token}}"}[5m]))
"#,
    );
    let url = prom.url();
    let out = s
        .cmd()
        .args([
            "gate",
            "analysis/canary.yaml",
            "--prometheus",
            &url,
            "--arg",
            "service=app",
            "--once",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("secretKeyRef prometheus-token/token")
            && stderr.contains("--arg api-token=VALUE"),
        "{stderr}"
    );
    let (code, status) = gate_json(
        &s,
        &[
            "analysis/canary.yaml",
            "--prometheus",
            &url,
            "--arg",
            "service=app",
            "--arg",
            "api-token=hunter2",
            "--once",
            "--at",
            &at(600),
        ],
    );
    assert_eq!(code, 0, "{status:#}");
    let names: Vec<&str> = status["metricResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["errors", "latency"]);
    // The secret never shows.
    let text = status.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("token!=\\\"*****\\\""), "{text}");
}

#[test]
fn canary_and_baseline_are_compared_with_mann_whitney() {
    let prom = PrometheusServer::with_data(&data());
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            r#"prometheus: {}
metrics:
  - name: slower-canary
    range: 10m
    step: 15s
    compare:
      canary: request_seconds{{version="canary"}}
      baseline: request_seconds{{version="baseline"}}
      direction: increase
      allowedIncrease: 1.1
  - name: same
    range: 10m
    step: 15s
    compare:
      canary: request_seconds{{version="same"}}
      baseline: request_seconds{{version="baseline"}}
"#,
            prom.url()
        ),
    );
    let (code, status) = gate_json(&s, &["--at", &at(3600)]);
    assert_eq!(code, 1, "{status:#}");
    let slower = metric(&status, "slower-canary");
    assert_eq!(slower["phase"], "Failed");
    let c = &slower["measurements"][0]["comparison"];
    assert_eq!(c["classification"], "High");
    assert_eq!(c["canaryCount"], 41);
    assert!(c["pValue"].as_f64().unwrap() < 0.001, "{c:#}");
    assert!(c["effectSize"].as_f64().unwrap() > 1.4, "{c:#}");
    let same = metric(&status, "same");
    assert_eq!(same["phase"], "Successful", "{same:#}");
    assert_eq!(
        same["measurements"][0]["comparison"]["classification"],
        "Pass"
    );
}

#[test]
fn basic_auth_and_headers_reach_prometheus() {
    let prom = PrometheusServer::with_basic_auth(&data(), "gate", BASIC_AUTH_PASSWORD);
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        "metrics:\n  - name: latency\n    query: latency_seconds\n    successCondition: result[0] < 0.5\n",
    );
    let url = prom.url();
    let (code, status) = gate_json(&s, &["--prometheus", &url, "--at", &at(600)]);
    assert_eq!(code, 3, "no credentials: {status:#}");
    assert!(
        metric(&status, "latency")["measurements"][0]["message"]
            .as_str()
            .unwrap()
            .contains("401"),
        "{status:#}"
    );
    let out = s
        .cmd()
        .env("OPSCTL_PROMETHEUS_PASSWORD", BASIC_AUTH_PASSWORD)
        .args([
            "gate",
            "--prometheus",
            &url,
            "--user",
            "gate",
            "-H",
            "X-Scope-OrgID: tenant-a",
            "--at",
            &at(600),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The same credentials from the spec, the password from a variable.
    s.write(
        "work/auth.yaml",
        &format!(
            "prometheus:\n  address: {url}\n  basicAuth: {{username: gate, passwordEnv: PROM_PASSWORD}}\n\
             metrics:\n  - name: latency\n    query: latency_seconds\n    successCondition: result[0] < 0.5\n"
        ),
    );
    let out = s
        .cmd()
        .env("PROM_PASSWORD", BASIC_AUTH_PASSWORD)
        .args(["gate", "auth.yaml", "--at", &at(600)])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_live_prometheus_scraping_an_exporter_gates_now() {
    let exporter = Exporter::start();
    exporter.set("app_error_ratio", 0.002);
    let prom = PrometheusServer::scraping(&exporter.addr(), "1s");
    prom.wait_for_series("app_error_ratio", Duration::from_secs(30));
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        &format!(
            "prometheus: {}\nmetrics:\n  - name: errors\n    query: app_error_ratio\n    \
             successCondition: result[0] < 0.01\n  - name: up\n    query: up{{job=\"app\"}}\n    \
             successCondition: all(result, {{# == 1}})\n",
            prom.url()
        ),
    );
    let (code, status) = gate_json(&s, &["--once"]);
    assert_eq!(code, 0, "{status:#}");
    assert_eq!(
        metric(&status, "errors")["measurements"][0]["value"],
        "[0.002]"
    );
    // The exporter goes bad; within a few scrapes the gate fails.
    exporter.set("app_error_ratio", 0.2);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (code, status) = gate_json(&s, &["--once"]);
        if code == 1 {
            assert_eq!(
                metric(&status, "errors")["measurements"][0]["value"],
                "[0.2]"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never failed: {status:#}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Runs `opsctl gate` on a spec that must be refused; returns stderr.
fn refused(spec: &str) -> String {
    let s = Sandbox::new();
    s.write("work/gate.yaml", spec);
    let out = s
        .cmd()
        .args(["gate", "--prometheus", "http://127.0.0.1:9", "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{spec}\n{stderr}");
    assert!(out.stdout.is_empty());
    stderr
}

#[test]
fn bad_specs_exit_2_with_file_line_and_column() {
    let e = refused("metrics:\n  - name: a\n    query: up\n    sucessCondition: result[0] < 1\n");
    assert!(e.contains("gate.yaml:4:5: unknown field `sucessCondition` in a metric; did you mean `successCondition`?"), "{e}");
    let e = refused(
        "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: x}\nspec:\n  metrics:\n  - name: a\n    successCondition: result[0] < 1\n",
    );
    assert!(
        e.contains("gate.yaml:6:5: metric `a`: no provider specified"),
        "{e}"
    );
    let e =
        refused("metrics:\n  - name: a\n    query: up\n    interval: 5 minutes\n    count: 2\n");
    assert!(
        e.contains("gate.yaml:4:15: interval: `5 minutes` is not a duration"),
        "{e}"
    );
    let e = refused("metrics:\n  - name: a\n    query: up\n    successCondition: result[0] <> 1\n");
    assert!(e.contains("gate.yaml:4:34:"), "{e}");
    assert!(e.contains("successCondition `result[0] <> 1`"), "{e}");
    let e = refused("metrics:\n  - name: a\n    query: up\n    successCondition: let x = 1; x\n");
    assert!(e.contains("gate.yaml:4:23:"), "{e}");
    let e = refused("metrics:\n  - name: a\n    query: up\n    count: 3\n");
    assert!(e.contains("count > 1 needs an interval"), "{e}");
    let e = refused(
        "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: x}\nspec:\n  metrics:\n  - name: a\n    provider:\n      web: {url: http://x}\n",
    );
    assert!(
        e.contains("gate.yaml:8:7:") && e.contains("`web` provider is not supported"),
        "{e}"
    );
    let e = refused("metrics:\n  - name: a\n    query: up{a=\"{{args.nope}}\"}\n");
    assert!(e.contains("failed to resolve {{args.nope}}"), "{e}");
    let e = refused("metrics: [\n");
    assert!(e.contains("gate.yaml:"), "{e}");
    let e = refused("metrics:\n  - name: a\n    query: up\n  - name: a\n    query: up\n");
    assert!(e.contains("duplicate metric name `a`"), "{e}");
    let e = refused("metrics:\n  - name: a\n    query: up\ndryRun:\n  - metricName: nomatch\n");
    assert!(e.contains("Rule didn't match any metric name(s)"), "{e}");
    // A missing file and a missing address are exit 2 too.
    let s = Sandbox::new();
    let out = s.cmd().args(["gate", "--once"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read gate.yaml"));
    s.write("work/gate.yaml", "metrics:\n  - name: a\n    query: up\n");
    let out = s.cmd().args(["gate", "--once"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("prometheus address is not configured"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn validate_checks_without_querying_and_opsctl_toml_supplies_the_address() {
    let s = Sandbox::new();
    s.write(
        "work/gate.yaml",
        "args:\n  - {name: svc, value: checkout}\nmetrics:\n  - name: a\n    query: up{svc=\"{{args.svc}}\"}\n    successCondition: result[0] == 1\n",
    );
    let out = s
        .cmd()
        .args(["gate", "--validate", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["metrics"][0]["queries"][0], "up{svc=\"checkout\"}");
    let prom = PrometheusServer::with_data(&data());
    s.write(
        "work/opsctl.toml",
        &format!("[gate]\nprometheus = \"{}\"\n", prom.url()),
    );
    s.write(
        "work/gate.yaml",
        "metrics:\n  - name: a\n    query: latency_seconds\n    successCondition: result[0] < 0.5\n",
    );
    let (code, status) = gate_json(&s, &["--once", "--at", &at(60)]);
    assert_eq!(code, 0, "{status:#}");
    assert_eq!(metric(&status, "a")["address"], prom.url());
}
