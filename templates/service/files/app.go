package main

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// app holds what every request shares: readiness and the metrics.
type app struct {
	ready    atomic.Bool
	requests *counterVec
	duration *histogramVec
}

func newApp() *app {
	a := &app{
		requests: newCounterVec("http_requests_total",
			"HTTP requests served, by method, route and status code.",
			"method", "path", "code"),
		// 1 ms to about 16 s.
		duration: newHistogramVec("http_request_duration_seconds",
			"Time to answer an HTTP request, by method and route.",
			exponentialBuckets(0.001, 2, 15), "method", "path"),
	}
	a.ready.Store(true)
	return a
}

func (a *app) setReady(ready bool) { a.ready.Store(ready) }

// routes maps each path to its handler. The service's own routes are counted
// and timed by route (never the raw URL, so random URLs cannot create new
// series); probes and scrapes are not, so they do not dilute the error rate
// and latency the gate judges.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", a.observe("/", http.HandlerFunc(a.index)))
	mux.HandleFunc("/healthz", a.healthz)
	mux.HandleFunc("/readyz", a.readyz)
	mux.HandleFunc("/metrics", a.metrics)
	return mux
}

func (a *app) index(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("{{ name }}: " + {{ description | toJson }} + "\n"))
}

func (a *app) healthz(w http.ResponseWriter, _ *http.Request) {
	_, _ = w.Write([]byte("ok\n"))
}

func (a *app) readyz(w http.ResponseWriter, _ *http.Request) {
	if !a.ready.Load() {
		http.Error(w, "draining", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

func (a *app) metrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	a.requests.writeTo(w)
	a.duration.writeTo(w)
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (a *app) observe(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		path := route
		if rec.status == http.StatusNotFound {
			path = "unmatched"
		}
		method := knownMethod(r.Method)
		a.duration.observe(time.Since(started).Seconds(), method, path)
		a.requests.inc(method, path, strconv.Itoa(rec.status))
	})
}

// knownMethod keeps the method label to the standard methods: a client may
// send any token as a method, and each would be a new series.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}
