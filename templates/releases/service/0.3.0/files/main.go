// Command {{ name }}: {{ description }}
//
// Configuration, from the environment:
//   - PORT: port to listen on (default {{ port }}).
//   - LOG_LEVEL: debug, info, warn or error (default {{ log_level }}).
{%- if database == 'postgres' %}
//   - DATABASE_URL: PostgreSQL connection string.
{%- endif %}
{%- if cache == 'redis' %}
//   - REDIS_URL: Redis connection string.
{%- endif %}
//
// It logs JSON lines on stdout and stops gracefully on SIGTERM or SIGINT.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// version is the service version; override it at build time with
// -ldflags "-X main.version=1.2.3".
var version = "0.1.0"

// shutdownTimeout bounds how long in-flight requests may take to finish once
// a stop signal arrives. Keep it below the pod's termination grace period.
const shutdownTimeout = 10 * time.Second

func main() {
	os.Exit(run())
}

// run starts the service and blocks until it stops; it returns the process
// exit code: 0 after a graceful shutdown, 1 when serving fails, 2 on invalid
// configuration.
func run() int {
	log := NewLogger(os.Stdout, parseLevel(os.Getenv("LOG_LEVEL")))

	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		log.Error("invalid configuration", "error", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // from now on, a second signal kills the process at once
	}()

	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		log.Error("server failed", "error", err)
		return 1
	}
	log.Info("listening",
		"addr", ln.Addr().String(),
		"version", version,
{%- if database == 'postgres' %}
		"database_configured", cfg.DatabaseURL != "",
{%- endif %}
{%- if cache == 'redis' %}
		"redis_configured", cfg.RedisURL != "",
{%- endif %}
	)
{%- if database == 'postgres' %}
	if cfg.DatabaseURL == "" {
		log.Warn("DATABASE_URL is not set")
	}
{%- endif %}
{%- if cache == 'redis' %}
	if cfg.RedisURL == "" {
		log.Warn("REDIS_URL is not set")
	}
{%- endif %}

	if err := serve(ctx, ln, NewServer(log), log); err != nil {
		log.Error("server failed", "error", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// serve answers requests on ln until ctx is done, then stops accepting
// connections, marks the server not ready and waits up to shutdownTimeout for
// in-flight requests to finish.
func serve(ctx context.Context, ln net.Listener, srv *Server, log *Logger) error {
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}

	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}

	srv.SetReady(false)
	log.Info("shutdown signal received, draining connections")

	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
