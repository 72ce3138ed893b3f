package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func newTestServer() *Server {
	return NewServer(NewLogger(io.Discard, LevelInfo))
}

// do sends one request to h in-process: no socket, no port.
func do(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestHealthzIsOK(t *testing.T) {
	rec := do(t, newTestServer().Handler(), http.MethodGet, "/healthz")

	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want %d", rec.Code, http.StatusOK)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body.String(), err)
	}
	if len(body) != 1 || body["status"] != "ok" {
		t.Errorf("body = %v, want status ok", body)
	}
}

func TestReadyzIsOKUntilShutdown(t *testing.T) {
	srv := newTestServer()
	h := srv.Handler()

	if rec := do(t, h, http.MethodGet, "/readyz"); rec.Code != http.StatusOK {
		t.Fatalf("before shutdown: status = %d, want %d", rec.Code, http.StatusOK)
	}

	srv.SetReady(false)
	if rec := do(t, h, http.MethodGet, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("during shutdown: status = %d, want %d", rec.Code, http.StatusServiceUnavailable)
	}
}

func TestMetricsCountRequests(t *testing.T) {
	h := newTestServer().Handler()
	do(t, h, http.MethodGet, "/healthz")
	do(t, h, http.MethodGet, "/does-not-exist")

	rec := do(t, h, http.MethodGet, "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want %d", rec.Code, http.StatusOK)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type = %q, want the Prometheus text format", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		"# HELP http_requests_total ",
		"# TYPE http_requests_total counter\n",
		// The two requests above plus this scrape.
		"\nhttp_requests_total 3\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body does not contain %q:\n%s", want, body)
		}
	}
}

func TestUnknownRouteIs404(t *testing.T) {
	if rec := do(t, newTestServer().Handler(), http.MethodGet, "/nope"); rec.Code != http.StatusNotFound {
		t.Fatalf("status = %d, want %d", rec.Code, http.StatusNotFound)
	}
}

func TestOnlyGetIsAllowed(t *testing.T) {
	rec := do(t, newTestServer().Handler(), http.MethodPost, "/healthz")
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d, want %d", rec.Code, http.StatusMethodNotAllowed)
	}
	if allow := rec.Header().Get("Allow"); allow != "GET, HEAD" {
		t.Errorf("Allow = %q, want %q", allow, "GET, HEAD")
	}
}

// TestServeStopsGracefully runs the real server on a random port and stops
// it as a stop signal would.
func TestServeStopsGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newTestServer()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, srv, srv.log) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want %d", resp.StatusCode, http.StatusOK)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the context was cancelled")
	}
	if do(t, srv.Handler(), http.MethodGet, "/readyz").Code != http.StatusServiceUnavailable {
		t.Error("/readyz should answer 503 once shutdown has begun")
	}
}
