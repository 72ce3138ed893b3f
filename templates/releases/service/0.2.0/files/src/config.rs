//! Configuration, read from the environment at start-up:
//!
//! - `PORT`: port to listen on (default {{ port }}).
//! - `RUST_LOG`: log level, `error` to `trace` (default `info`).
{%- if database == 'postgres' %}
//! - `DATABASE_URL`: PostgreSQL connection string.
{%- endif %}
{%- if cache == 'redis' %}
//! - `REDIS_URL`: Redis connection string.
{%- endif %}

/// Port used when the `PORT` environment variable is not set.
pub const DEFAULT_PORT: u16 = {{ port }};

/// The service configuration.
///
/// Deliberately not `Debug`: connection strings hold passwords, and must not
/// end up in logs.
#[derive(Clone)]
pub struct Config {
    /// TCP port to listen on (`PORT`, default {{ port }}).
    pub port: u16,
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
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let port = match lookup("PORT") {
            Some(value) => value
                .parse()
                .map_err(|e| format!("PORT={value:?} is not a valid port: {e}"))?,
            None => DEFAULT_PORT,
        };
{%- if database == 'postgres' or cache == 'redis' %}
        Ok(Self {
            port,
{%- if database == 'postgres' %}
            database_url: lookup("DATABASE_URL").filter(|v| !v.is_empty()),
{%- endif %}
{%- if cache == 'redis' %}
            redis_url: lookup("REDIS_URL").filter(|v| !v.is_empty()),
{%- endif %}
        })
{%- else %}
        Ok(Self { port })
{%- endif %}
    }
}
