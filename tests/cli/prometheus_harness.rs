//! The Prometheus harness itself: backfilled data answers queries at a fixed
//! time, a live scrape follows an exporter's value, basic auth is enforced.

use std::time::Duration;

use crate::prometheus_server::{
    BASIC_AUTH_PASSWORD, Exporter, OpenMetrics, PrometheusServer, http_get,
};

/// Ten minutes of requests at 15 s spacing from T0: 10/s answered 200 and
/// 1/s answered 500 (the reference's example, ratio of good ones 10/11).
const T0: i64 = 1_700_000_000;

fn requests() -> OpenMetrics {
    let mut data = OpenMetrics::new();
    for (code, per_second) in [("200", 10.0), ("500", 1.0)] {
        data.counter(
            "http_requests_total",
            &[("service", "app"), ("code", code)],
            (0..=40).map(|i| (T0 + 15 * i, per_second * 15.0 * i as f64)),
        );
    }
    // A gauge that steps from 0.25 to 0.75 halfway, given out of order.
    data.gauge(
        "canary_weight",
        &[("service", "app")],
        (0..=40)
            .rev()
            .map(|i| (T0 + 15 * i, if i < 20 { 0.25 } else { 0.75 })),
    );
    data
}

/// The single value of an instant query's vector result.
fn value(answer: &serde_json::Value) -> &str {
    let result = answer["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 1, "{answer}");
    result[0]["value"][1].as_str().unwrap()
}

#[test]
fn backfilled_data_answers_at_a_fixed_time() {
    let text = requests().text();
    assert!(text.starts_with("# TYPE canary_weight gauge\n"), "{text}");
    assert!(text.contains("\n# TYPE http_requests counter\n"), "{text}");
    assert!(
        text.contains("\nhttp_requests_total{code=\"500\",service=\"app\"} 15 1700000015\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\n# EOF\n") && !text.contains("\n\n"),
        "{text}"
    );

    let mut prometheus = PrometheusServer::with_data(&text);
    let ratio =
        r#"sum(rate(http_requests_total{code!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#;
    let end = T0 + 600;
    assert_eq!(
        value(&prometheus.query(ratio, Some(end))),
        "0.9090909090909091"
    );
    let weight = r#"canary_weight{service="app"}"#;
    assert_eq!(value(&prometheus.query(weight, Some(T0 + 200))), "0.25");
    assert_eq!(value(&prometheus.query(weight, Some(end))), "0.75");
    // Past the 5 minute lookback after the last sample: nothing.
    let later = prometheus.query(weight, Some(end + 301));
    assert_eq!(later["data"]["result"], serde_json::json!([]), "{later}");

    let addr = prometheus.url().strip_prefix("http://").unwrap().to_owned();
    prometheus.kill();
    prometheus.kill();
    let refused = http_get(&addr, "/-/ready", None);
    assert!(refused.is_err(), "still answering after kill");
}

#[test]
fn scraping_follows_an_exporter() {
    let exporter = Exporter::start();
    exporter.set(r#"deploy_ready{stage="canary"}"#, 1.0);
    let prometheus = PrometheusServer::scraping(&exporter.addr(), "500ms");
    // The first scrape takes over 5 s (see `PrometheusServer::scraping`).
    prometheus.wait_for_series(
        r#"deploy_ready{job="app",stage="canary"} == 1"#,
        Duration::from_secs(10),
    );
    exporter.set(r#"deploy_ready{stage="canary"}"#, f64::INFINITY);
    prometheus.wait_for_series(
        r#"deploy_ready{stage="canary"} == +Inf"#,
        Duration::from_secs(5),
    );
}

#[test]
fn basic_auth_refuses_strangers() {
    let prometheus =
        PrometheusServer::with_basic_auth(&requests().text(), "gate", BASIC_AUTH_PASSWORD);
    let addr = prometheus.url().strip_prefix("http://").unwrap().to_owned();
    let query = "/api/v1/query?query=up";
    for (path, credentials) in [
        (query, None),
        ("/-/ready", None),
        (query, Some(("gate", "wrong"))),
        (query, Some(("other", BASIC_AUTH_PASSWORD))),
    ] {
        let reply = http_get(&addr, path, credentials).unwrap();
        assert_eq!(reply.status, 401, "{path} {credentials:?}: {}", reply.body);
        assert_eq!(reply.body.trim(), "Unauthorized");
    }
    let reply = http_get(&addr, query, Some(("gate", BASIC_AUTH_PASSWORD))).unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The harness's own requests carry the credentials.
    let answer = prometheus.query(r#"canary_weight{service="app"}"#, Some(T0 + 600));
    assert_eq!(value(&answer), "0.75");
}
