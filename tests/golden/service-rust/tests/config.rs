//! Reads the configuration from a fake environment.

use std::collections::HashMap;

use payments_api::config::{Config, DEFAULT_PORT};

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
}

#[test]
fn port_from_environment() {
    let config = from(&[("PORT", "9090")]).unwrap();
    assert_eq!(config.port, 9090);
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
