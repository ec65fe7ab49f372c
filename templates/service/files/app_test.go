package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(body)
}

func TestHealthAndReadiness(t *testing.T) {
	a := newApp()
	h := a.routes()
	if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz: %d", code)
	}
	if code, _ := get(t, h, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz: %d", code)
	}
	a.setReady(false)
	if code, _ := get(t, h, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining: %d", code)
	}
	if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz while draining: %d", code)
	}
}

func TestRequestsAreCountedAndTimedByRoute(t *testing.T) {
	h := newApp().routes()
	for i := 0; i < 3; i++ {
		if code, _ := get(t, h, "/"); code != http.StatusOK {
			t.Fatalf("/: %d", code)
		}
	}
	if code, _ := get(t, h, "/no/such/page"); code != http.StatusNotFound {
		t.Fatalf("unknown path: %d", code)
	}
	get(t, h, "/healthz")
	get(t, h, "/metrics")
	code, text := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, probe := range []string{"/healthz", "/readyz", "/metrics"} {
		if strings.Contains(text, `path="`+probe+`"`) {
			t.Errorf("%s is measured:\n%s", probe, text)
		}
	}
	for _, want := range []string{
		`http_requests_total{method="GET",path="/",code="200"} 3`,
		`http_requests_total{method="GET",path="unmatched",code="404"} 1`,
		`http_request_duration_seconds_count{method="GET",path="/"} 3`,
		`http_request_duration_seconds_bucket{method="GET",path="/",le="+Inf"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}
