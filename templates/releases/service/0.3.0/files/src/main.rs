//! {{ name }}: {{ description }}

use std::net::SocketAddr;

use {{ name | replace(from="-", to="_") }}::config::DEFAULT_LOG_LEVEL;
use {{ name | replace(from="-", to="_") }}::{router, AppState, Config};

#[tokio::main]
async fn main() {
    let config = Config::from_env();
    // An invalid configuration is logged too, at the default level.
    init_logging(config.as_ref().map_or(DEFAULT_LOG_LEVEL, |c| c.log_level));

    let config = match config {
        Ok(config) => config,
        Err(e) => {
            tracing::error!(error = %e, "invalid configuration");
            std::process::exit(2);
        }
    };

    if let Err(e) = serve(config).await {
        tracing::error!(error = %e, "server failed");
        std::process::exit(1);
    }
}

async fn serve(config: Config) -> std::io::Result<()> {
    let addr = SocketAddr::from(([0, 0, 0, 0], config.port));
    let state = AppState::default();
    let listener = tokio::net::TcpListener::bind(addr).await?;
{%- if database == 'postgres' or cache == 'redis' %}
    // Whether the backing services are configured, never their URLs: those
    // hold passwords.
{%- endif %}
    tracing::info!(
        %addr,
        version = env!("CARGO_PKG_VERSION"),
{%- if database == 'postgres' %}
        database_configured = config.database_url.is_some(),
{%- endif %}
{%- if cache == 'redis' %}
        redis_configured = config.redis_url.is_some(),
{%- endif %}
        "listening"
    );
{%- if database == 'postgres' %}
    if config.database_url.is_none() {
        tracing::warn!("DATABASE_URL is not set");
    }
{%- endif %}
{%- if cache == 'redis' %}
    if config.redis_url.is_none() {
        tracing::warn!("REDIS_URL is not set");
    }
{%- endif %}

    let draining = state.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            draining.set_ready(false);
            tracing::info!("shutdown signal received, draining connections");
        })
        .await?;

    tracing::info!("stopped");
    Ok(())
}

/// JSON logs on stdout, for records of at least `level` (`RUST_LOG`, see
/// `Config::log_level`).
fn init_logging(level: tracing::Level) {
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_max_level(level)
        .init();
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
