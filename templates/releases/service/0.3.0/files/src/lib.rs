//! {{ name }}: the HTTP application, kept apart from `main` so tests can drive
//! it in-process.
//!
//! Endpoints:
//! - `GET /healthz`: liveness, 200 while the process is serving.
//! - `GET /readyz`: readiness, 200 until shutdown begins, then 503.
//! - `GET /metrics`: Prometheus text exposition.

pub mod config;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub use config::Config;

/// State shared by every request handler.
#[derive(Clone, Debug)]
pub struct AppState {
    requests: Arc<AtomicU64>,
    ready: Arc<AtomicBool>,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            requests: Arc::new(AtomicU64::new(0)),
            ready: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl AppState {
    /// Marks the service as not ready, so load balancers stop sending traffic
    /// while in-flight requests drain.
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    /// Number of requests handled so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// The application with fresh state.
pub fn app() -> Router {
    router(AppState::default())
}

/// The application over the given state.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Status>) {
    if state.ready.load(Ordering::SeqCst) {
        (StatusCode::OK, Json(Status { status: "ready" }))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Status {
                status: "shutting down",
            }),
        )
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "# HELP http_requests_total Total number of HTTP requests received.\n\
         # TYPE http_requests_total counter\n\
         http_requests_total {}\n",
        state.requests()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}

/// Counts every request and logs it once answered.
async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
