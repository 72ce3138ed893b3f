//! Configuration, read from the environment at start-up:
//!
//! - `PORT`: port to listen on (default 9000).
//! - `RUST_LOG`: log level, `error` to `trace` (default `info`).

/// Port used when the `PORT` environment variable is not set.
pub const DEFAULT_PORT: u16 = 9000;

/// Level logged when `RUST_LOG` is not set, or is not a level.
pub const DEFAULT_LOG_LEVEL: tracing::Level = tracing::Level::INFO;

/// The service configuration.
///
/// Deliberately not `Debug`: connection strings hold passwords, and must not
/// end up in logs.
#[derive(Clone)]
pub struct Config {
    /// TCP port to listen on (`PORT`, default 9000).
    pub port: u16,
    /// Lowest level logged (`RUST_LOG`: `error`, `warn`, `info`, `debug` or
    /// `trace`, default `info`). Anything else, such as an
    /// `EnvFilter` directive, gives the default.
    pub log_level: tracing::Level,
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
        Ok(Self { port, log_level })
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
