//! Configuration, read from the environment at start-up:
//!
//! - `PORT`: port to listen on (default {{ port }}).
//! - `RUST_LOG`: log level, `error` to `trace` (default `{{ log_level }}`).
{%- if database == 'postgres' %}
//! - `DATABASE_URL`: PostgreSQL connection string.
{%- endif %}
{%- if cache == 'redis' %}
//! - `REDIS_URL`: Redis connection string.
{%- endif %}

/// Port used when the `PORT` environment variable is not set.
pub const DEFAULT_PORT: u16 = {{ port }};

/// Level logged when `RUST_LOG` is not set, or is not a level.
pub const DEFAULT_LOG_LEVEL: tracing::Level = tracing::Level::{{ log_level | upper }};

/// The service configuration.
///
/// Deliberately not `Debug`: connection strings hold passwords, and must not
/// end up in logs.
#[derive(Clone)]
pub struct Config {
    /// TCP port to listen on (`PORT`, default {{ port }}).
    pub port: u16,
    /// Lowest level logged (`RUST_LOG`: `error`, `warn`, `info`, `debug` or
    /// `trace`, default `{{ log_level }}`). Anything else, such as an
    /// `EnvFilter` directive, gives the default.
    pub log_level: tracing::Level,
{%- if database == 'postgres' %}
    /// PostgreSQL connection string (`DATABASE_URL`), e.g.
    /// `postgres://user:password@host:5432/db?sslmode=require`; `None` when
    /// unset or empty.
    pub database_url: Option<String>,
{%- endif %}
{%- if cache == 'redis' %}
    /// Redis connection string (`REDIS_URL`), e.g. `redis://host:6379/0`;
    /// `None` when unset or empty.
    pub redis_url: Option<String>,
{%- endif %}
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`, which gives the value of an
    /// environment variable (a fake environment in tests).
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let port = match lookup("PORT") {
            Some(value) => value
                .parse()
                .map_err(|e| format!("PORT={value:?} is not a valid port: {e}"))?,
            None => DEFAULT_PORT,
        };
        let log_level = lookup("RUST_LOG")
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(DEFAULT_LOG_LEVEL);
{%- if database == 'postgres' or cache == 'redis' %}
        Ok(Self {
            port,
            log_level,
{%- if database == 'postgres' %}
            database_url: lookup("DATABASE_URL").filter(|v| !v.is_empty()),
{%- endif %}
{%- if cache == 'redis' %}
            redis_url: lookup("REDIS_URL").filter(|v| !v.is_empty()),
{%- endif %}
        })
{%- else %}
        Ok(Self { port, log_level })
{%- endif %}
    }
}

#[cfg(test)]
mod tests {
    //! Reads the configuration from a fake environment.

    use std::collections::HashMap;

    use super::{Config, DEFAULT_LOG_LEVEL, DEFAULT_PORT};

    fn from(vars: &[(&str, &str)]) -> Result<Config, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|key| vars.get(key).cloned())
    }

    #[test]
    fn defaults() {
        let config = from(&[]).unwrap();
        assert_eq!(config.port, DEFAULT_PORT);
        assert_eq!(config.log_level, DEFAULT_LOG_LEVEL);
{%- if database == 'postgres' %}
        assert_eq!(config.database_url, None);
{%- endif %}
{%- if cache == 'redis' %}
        assert_eq!(config.redis_url, None);
{%- endif %}
    }

    #[test]
    fn port_from_environment() {
        let config = from(&[("PORT", "9090")]).unwrap();
        assert_eq!(config.port, 9090);
    }

    #[test]
    fn log_level_from_environment() {
        for (value, level) in [
            ("debug", tracing::Level::DEBUG),
            ("WARN", tracing::Level::WARN),
            (" trace ", tracing::Level::TRACE),
        ] {
            assert_eq!(from(&[("RUST_LOG", value)]).unwrap().log_level, level);
        }
        for value in ["", "loud", "info,hyper=warn"] {
            let config = from(&[("RUST_LOG", value)]).unwrap();
            assert_eq!(config.log_level, DEFAULT_LOG_LEVEL, "RUST_LOG={value:?}");
        }
    }
{%- if database == 'postgres' %}

    #[test]
    fn database_url_from_environment() {
        let config = from(&[("DATABASE_URL", "postgres://app:secret@db:5432/app")]).unwrap();
        assert_eq!(
            config.database_url.as_deref(),
            Some("postgres://app:secret@db:5432/app")
        );

        let config = from(&[("DATABASE_URL", "")]).unwrap();
        assert_eq!(config.database_url, None, "an empty DATABASE_URL is unset");
    }
{%- endif %}
{%- if cache == 'redis' %}

    #[test]
    fn redis_url_from_environment() {
        let config = from(&[("REDIS_URL", "redis://cache:6379/0")]).unwrap();
        assert_eq!(config.redis_url.as_deref(), Some("redis://cache:6379/0"));

        let config = from(&[("REDIS_URL", "")]).unwrap();
        assert_eq!(config.redis_url, None, "an empty REDIS_URL is unset");
    }
{%- endif %}

    #[test]
    fn invalid_port_is_an_error() {
        for port in ["http", "65536", "-1", ""] {
            match from(&[("PORT", port)]) {
                Ok(config) => panic!("PORT={port:?} was accepted as {}", config.port),
                Err(e) => assert!(e.contains("PORT"), "{e}"),
            }
        }
    }
}
