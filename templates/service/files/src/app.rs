//! The HTTP routes and their metrics: `/` (the service itself), `/healthz` (liveness: the
//! process answers), `/readyz` (readiness: it should get traffic) and `/metrics` (Prometheus).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State as AxumState};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of every request metric. `path` is the route template, never the raw URL, so a
/// scan of random URLs cannot blow up the number of series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    path: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    path: String,
}

/// Shared by every request: readiness and the metrics registry.
pub struct State {
    ready: AtomicBool,
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram>,
}

impl State {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by method, route and status code",
            requests.clone(),
        );
        // 1 ms to about 16 s.
        let duration = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            duration.clone(),
        );
        State {
            ready: AtomicBool::new(true),
            registry,
            requests,
            duration,
        }
    }

    /// Marks the instance ready or not (false while shutting down).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Relaxed);
    }
}

/// Every route. The service's own routes are counted and timed; probes and scrapes are
/// added after the metrics layer, so they do not dilute the error rate and latency the gate
/// judges.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(index))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), observe))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn index() -> &'static str {
    concat!(
        env!("CARGO_PKG_NAME"),
        ": ",
        env!("CARGO_PKG_DESCRIPTION"),
        "\n"
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(AxumState(state): AxumState<Arc<State>>) -> Response {
    if state.ready.load(Ordering::Relaxed) {
        "ready\n".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    }
}

async fn metrics(AxumState(state): AxumState<Arc<State>>) -> Response {
    let mut body = String::new();
    match prometheus_client::encoding::text::encode(&mut body, &state.registry) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Counts and times a request to a measured route.
async fn observe(
    AxumState(state): AxumState<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    // A client may send any token as a method; each would be a new series.
    let method = match *request.method() {
        Method::GET
        | Method::HEAD
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE
        | Method::OPTIONS => request.method().as_str().to_owned(),
        _ => "OTHER".to_owned(),
    };
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let route = RouteLabels { method, path };
    state
        .duration
        .get_or_create(&route)
        .observe(started.elapsed().as_secs_f64());
    state
        .requests
        .get_or_create(&RequestLabels {
            method: route.method,
            path: route.path,
            code: response.status().as_u16().to_string(),
        })
        .inc();
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use tower::ServiceExt;

    async fn get_text(app: &Router, uri: &str) -> (StatusCode, String) {
        let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn health_and_readiness_answer() {
        let state = Arc::new(State::new());
        let app = router(Arc::clone(&state));
        assert_eq!(get_text(&app, "/healthz").await.0, StatusCode::OK);
        assert_eq!(get_text(&app, "/readyz").await.0, StatusCode::OK);
        state.set_ready(false);
        assert_eq!(
            get_text(&app, "/readyz").await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(get_text(&app, "/healthz").await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn requests_are_counted_and_timed_by_route() {
        let app = router(Arc::new(State::new()));
        for _ in 0..3 {
            assert_eq!(get_text(&app, "/").await.0, StatusCode::OK);
        }
        get_text(&app, "/healthz").await;
        get_text(&app, "/metrics").await;
        let (status, text) = get_text(&app, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        for probe in ["/healthz", "/readyz", "/metrics"] {
            assert!(!text.contains(&format!("path=\"{probe}\"")), "{text}");
        }
        assert!(
            text.contains(r#"http_requests_total{method="GET",path="/",code="200"} 3"#),
            "{text}"
        );
        assert!(
            text.contains(r#"http_request_duration_seconds_count{method="GET",path="/"} 3"#),
            "{text}"
        );
        assert!(
            text.contains("http_request_duration_seconds_bucket{"),
            "{text}"
        );
    }
}
