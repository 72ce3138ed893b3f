//! Reads the configuration from a fake environment.

use std::collections::HashMap;

use {{ name | replace(from="-", to="_") }}::config::{Config, DEFAULT_PORT};

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
