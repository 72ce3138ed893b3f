//! Which proxy a request goes through, decided as git decides it: git's
//! `http.proxy` if set (empty: no proxy), else the environment
//! (`https_proxy`/`HTTPS_PROXY` for https, `http_proxy`/`HTTP_PROXY` for
//! http, then `all_proxy`/`ALL_PROXY`), and no proxy for a host that
//! `NO_PROXY` names, by curl's rules. ureq never reads the environment
//! itself: the proxy is given to it explicitly.

use std::fmt;
use std::net::IpAddr;
use url::Url;

use super::endpoint;

/// Proxy variables as the environment has them (the lower-case spelling
/// wins over the upper-case one, as in curl and git).
#[derive(Clone, Default)]
pub struct ProxyEnv {
    /// `https_proxy` / `HTTPS_PROXY`: for https URLs.
    pub https: Option<String>,
    /// `http_proxy` / `HTTP_PROXY`: for plain http URLs.
    pub http: Option<String>,
    /// `all_proxy` / `ALL_PROXY`: for both, when the one above is unset.
    pub all: Option<String>,
    /// `no_proxy` / `NO_PROXY`: hosts reached directly.
    pub no_proxy: Option<String>,
}

impl fmt::Debug for ProxyEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<String>| v.as_deref().map(endpoint::redact);
        f.debug_struct("ProxyEnv")
            .field("https", &shown(&self.https))
            .field("http", &shown(&self.http))
            .field("all", &shown(&self.all))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// The proxy chosen for a URL.
#[derive(Clone)]
pub(super) struct Chosen {
    pub(super) proxy: ureq::Proxy,
    /// `scheme://host:port`, for messages (never its credentials).
    pub(super) shown: String,
}

impl PartialEq for Chosen {
    fn eq(&self, other: &Chosen) -> bool {
        self.proxy.uri() == other.proxy.uri()
            && self.proxy.username() == other.proxy.username()
            && self.proxy.password() == other.proxy.password()
    }
}

/// The proxy for `url`, if any. `git_proxy` is git's `http.proxy`.
pub(super) fn choose(
    env: &ProxyEnv,
    git_proxy: Option<&str>,
    url: &Url,
) -> Result<Option<Chosen>, String> {
    let (source, raw) = match git_proxy {
        Some(p) => ("git's http.proxy", p),
        None => {
            let (name, value) = match url.scheme() {
                "https" => ("https_proxy", &env.https),
                _ => ("http_proxy", &env.http),
            };
            match value.as_deref().map(|v| (name, v)) {
                Some(found) => found,
                None => match env.all.as_deref() {
                    Some(all) => ("all_proxy", all),
                    None => return Ok(None),
                },
            }
        }
    };
    let raw = raw.trim();
    let host = url.host_str().unwrap_or_default();
    if raw.is_empty() || env.no_proxy.as_deref().is_some_and(|n| bypassed(n, host)) {
        return Ok(None);
    }
    build(raw, source).map(Some)
}

/// A proxy from its URL (`http://` when no scheme is written).
fn build(raw: &str, source: &str) -> Result<Chosen, String> {
    let full = match raw.contains("://") {
        true => raw.to_string(),
        false => format!("http://{raw}"),
    };
    let bad = |why: &str| format!("{source} is `{}`: {why}", endpoint::redact(raw));
    let url = Url::parse(&full).map_err(|_| bad("not a proxy URL"))?;
    if !matches!(
        url.scheme(),
        "http" | "https" | "socks4" | "socks4a" | "socks5" | "socks5h"
    ) {
        return Err(bad("plat supports http, https and socks proxies"));
    }
    let proxy = ureq::Proxy::new(&full).map_err(|_| bad("not a proxy URL"))?;
    Ok(Chosen {
        proxy,
        shown: format!("{}://{}", url.scheme(), endpoint::authority(&url)),
    })
}

/// Whether `no_proxy` (comma- or space-separated) names `host`: `*` names
/// every host; a name matches itself and its subdomains (a leading `.` is
/// ignored); an address matches itself or a `network/bits` range.
pub(super) fn bypassed(no_proxy: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    no_proxy
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| names(entry, &host))
}

fn names(entry: &str, host: &str) -> bool {
    if entry == "*" {
        return true;
    }
    let entry = entry.to_ascii_lowercase();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return match entry.split_once('/') {
            Some((net, bits)) => in_range(ip, net, bits),
            None => entry.trim_start_matches('[').trim_end_matches(']').parse() == Ok(ip),
        };
    }
    let entry = entry
        .trim_start_matches('*')
        .trim_start_matches('.')
        .trim_end_matches('.');
    !entry.is_empty()
        && (host == entry || host.strip_suffix(entry).is_some_and(|p| p.ends_with('.')))
}

/// Whether `ip` lies in `net/bits`.
fn in_range(ip: IpAddr, net: &str, bits: &str) -> bool {
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let shift = width - bits;
    shift >= 128 || (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_follows_curl() {
        assert!(bypassed("*", "anything.example"));
        assert!(bypassed("example.com", "example.com"));
        assert!(bypassed("example.com", "git.example.com"));
        assert!(bypassed(".example.com", "git.example.com"));
        assert!(bypassed(".example.com", "example.com"));
        assert!(bypassed("*.example.com", "git.example.com"));
        assert!(!bypassed("example.com", "notexample.com"));
        assert!(bypassed("a.test, Example.COM", "EXAMPLE.com"));
        assert!(bypassed("127.0.0.1", "127.0.0.1"));
        assert!(!bypassed("0.0.1", "127.0.0.1"));
        assert!(bypassed("10.0.0.0/8", "10.1.2.3"));
        assert!(!bypassed("10.0.0.0/8", "11.1.2.3"));
        assert!(bypassed("::1", "[::1]"));
        assert!(bypassed("fd00::/8", "[fd12::1]"));
        assert!(!bypassed("", "example.com"));
    }

    #[test]
    fn git_config_wins_and_no_proxy_applies_to_it() {
        let env = ProxyEnv {
            https: Some("http://env.proxy:3128".into()),
            no_proxy: Some("internal.example".into()),
            ..ProxyEnv::default()
        };
        let url = Url::parse("https://github.com/o/r.git").unwrap();
        let env_choice = choose(&env, None, &url).unwrap().unwrap();
        assert_eq!(env_choice.shown, "http://env.proxy:3128");
        let git = choose(&env, Some("u:secret@git.proxy:8080"), &url)
            .unwrap()
            .unwrap();
        assert_eq!(git.shown, "http://git.proxy:8080");
        assert!(choose(&env, Some(""), &url).unwrap().is_none());
        let inside = Url::parse("https://internal.example/o/r.git").unwrap();
        assert!(choose(&env, Some("git.proxy:8080"), &inside)
            .unwrap()
            .is_none());
        let plain = Url::parse("http://github.com/o/r.git").unwrap();
        assert!(choose(&env, None, &plain).unwrap().is_none());
    }

    #[test]
    fn a_bad_proxy_is_named_without_its_password() {
        let env = ProxyEnv {
            all: Some("ftp://u:hunter2@p:21".into()),
            ..ProxyEnv::default()
        };
        let url = Url::parse("https://h.example/r.git").unwrap();
        let err = choose(&env, None, &url).err().unwrap();
        assert!(
            !err.contains("hunter2") && err.contains("all_proxy"),
            "{err}"
        );
    }
}
