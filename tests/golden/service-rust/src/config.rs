//! Configuration, read from the environment at start-up:
//!
//! - `PORT`: port to listen on (default 9000).
//! - `RUST_LOG`: log level, `error` to `trace` (default `info`).

/// Port used when the `PORT` environment variable is not set.
pub const DEFAULT_PORT: u16 = 9000;

/// The service configuration.
///
/// Deliberately not `Debug`: connection strings hold passwords, and must not
/// end up in logs.
#[derive(Clone)]
pub struct Config {
    /// TCP port to listen on (`PORT`, default 9000).
    pub port: u16,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`, which gives the value of an
    /// environment variable (a fake environment in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let port = match lookup("PORT") {
            Some(value) => value
                .parse()
                .map_err(|e| format!("PORT={value:?} is not a valid port: {e}"))?,
            None => DEFAULT_PORT,
        };
        Ok(Self { port })
    }
}
