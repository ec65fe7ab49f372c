"""{{ name }}: the WSGI application and its metrics.

Routes: ``/`` (the service), ``/healthz`` (liveness: the process answers), ``/readyz``
(readiness: 503 once ``App.ready`` is false) and ``/metrics`` (Prometheus).
"""

import json
import sys
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest

NAME = "{{ name }}"
DESCRIPTION = {{ description | toJson }}
ROUTES = ("/", "/healthz", "/readyz", "/metrics")
# Probes and scrapes are not measured: they would dilute the error rate and
# latency the gate judges.
UNMEASURED = ("/healthz", "/readyz", "/metrics")
# A client may send any token as a method; each would be a new series.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def log(level, msg):
    """One JSON log line on stdout (level, msg), the shape Loki and Grafana parse."""
    print(json.dumps({"level": level, "msg": msg}), file=sys.stdout, flush=True)


class App:
    """A WSGI application that counts and times requests by route."""

    def __init__(self):
        self.ready = True
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "HTTP requests served, by method, route and status code.",
            ["method", "path", "code"],
            registry=self.registry,
        )
        # 1 ms to about 16 s.
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route.",
            ["method", "path"],
            buckets=[0.001 * 2**i for i in range(15)],
            registry=self.registry,
        )

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET")
        method = method if method in METHODS else "OTHER"
        path = environ.get("PATH_INFO", "/")
        # The route, never the raw URL, so random URLs cannot create new series.
        route = path if path in ROUTES else "unmatched"
        status, headers, body = self.handle(route)
        start_response(status, headers)
        if route in UNMEASURED:
            return [body]
        self.duration.labels(method, route).observe(time.perf_counter() - started)
        self.requests.labels(method, route, status.split(" ", 1)[0]).inc()
        return [body]

    def handle(self, route):
        text = [("Content-Type", "text/plain; charset=utf-8")]
        if route == "/":
            return "200 OK", text, f"{NAME}: {DESCRIPTION}\n".encode()
        if route == "/healthz":
            return "200 OK", text, b"ok\n"
        if route == "/readyz":
            if self.ready:
                return "200 OK", text, b"ready\n"
            return "503 Service Unavailable", text, b"draining\n"
        if route == "/metrics":
            return "200 OK", [("Content-Type", CONTENT_TYPE_LATEST)], generate_latest(self.registry)
        return "404 Not Found", text, b"not found\n"
