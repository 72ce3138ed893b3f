//! Every endpoint the service serves (`/healthz`, `/readyz`, `/metrics`, and
//! an unknown route), driven in-process: no socket, no port.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

use {{ name | replace(from="-", to="_") }}::{app, router, AppState};

async fn get(app: Router, uri: &str) -> (StatusCode, Option<String>, String) {
    let response = app
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn healthz_is_ok() {
    let (status, content_type, body) = get(app(), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json, serde_json::json!({ "status": "ok" }));
}

#[tokio::test]
async fn readyz_is_ok_until_shutdown() {
    let state = AppState::default();
    let (status, _, _) = get(router(state.clone()), "/readyz").await;
    assert_eq!(status, StatusCode::OK);

    state.set_ready(false);
    let (status, _, _) = get(router(state), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn metrics_count_requests() {
    let state = AppState::default();
    get(router(state.clone()), "/healthz").await;
    get(router(state.clone()), "/does-not-exist").await;

    let (status, content_type, body) = get(router(state), "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    assert!(body.contains("# HELP http_requests_total "));
    assert!(body.contains("# TYPE http_requests_total counter\n"));
    // The two requests above plus this scrape.
    assert!(body.contains("\nhttp_requests_total 3\n"), "{body}");
}

#[tokio::test]
async fn unknown_route_is_404() {
    let (status, _, _) = get(app(), "/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
