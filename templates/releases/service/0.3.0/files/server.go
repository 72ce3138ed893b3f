package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// Server is the HTTP application, kept apart from main so that tests can drive
// it in-process.
//
// Endpoints:
//   - GET /healthz: liveness, 200 while the process is serving.
//   - GET /readyz: readiness, 200 until shutdown begins, then 503.
//   - GET /metrics: Prometheus text exposition.
type Server struct {
	log      *Logger
	requests atomic.Uint64
	ready    atomic.Bool
}

// NewServer returns a ready server logging to log.
func NewServer(log *Logger) *Server {
	s := &Server{log: log}
	s.ready.Store(true)
	return s
}

// SetReady marks the service ready or not; /readyz answers 503 when it is not,
// so that load balancers stop sending traffic while in-flight requests drain.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// Requests is the number of requests received so far.
func (s *Server) Requests() uint64 { return s.requests.Load() }

// Handler is the application: every route, wrapped in request counting and
// logging.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", get(s.healthz))
	mux.HandleFunc("/readyz", get(s.readyz))
	mux.HandleFunc("/metrics", get(s.metrics))
	return s.track(mux)
}

type status struct {
	Status string `json:"status"`
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, status{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.ready.Load() {
		writeJSON(w, http.StatusOK, status{Status: "ready"})
		return
	}
	writeJSON(w, http.StatusServiceUnavailable, status{Status: "shutting down"})
}

func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintf(w, "# HELP http_requests_total Total number of HTTP requests received.\n"+
		"# TYPE http_requests_total counter\n"+
		"http_requests_total %d\n", s.Requests())
}

// track counts every request and logs it once answered.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		started := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", rec.status,
			"elapsed_ms", float64(time.Since(started).Microseconds())/1000,
		)
	})
}

// get restricts h to GET (and HEAD) requests, answering 405 to the others.
func get(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// statusRecorder remembers the status code written through it.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController (Go 1.20+) the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
