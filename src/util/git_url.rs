//! Git URLs as people write them: `https://`, `http://`, `ssh://`,
//! `git://`, `file://` and scp-like `user@host:path`. A URL may carry
//! credentials (`https://user:token@host/...`); they reach the transport
//! and nothing else: [`GitUrl`]'s `Display` is the public form, the one
//! recorded in platform.yaml, shown in messages and hashed into cache keys.

use anyhow::{bail, Result};
use std::fmt;

use crate::error::InputError;

/// How a URL reaches its repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Https,
    Http,
    Ssh,
    /// `user@host:path`: ssh, with a path relative to the login directory.
    Scp,
    Git,
    File,
}

impl Scheme {
    fn prefix(self) -> &'static str {
        match self {
            Scheme::Https => "https://",
            Scheme::Http => "http://",
            Scheme::Ssh => "ssh://",
            Scheme::Scp => "",
            Scheme::Git => "git://",
            Scheme::File => "file://",
        }
    }

    /// True when fetching goes over the network.
    pub fn is_network(self) -> bool {
        !matches!(self, Scheme::File)
    }
}

/// A parsed git URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitUrl {
    pub scheme: Scheme,
    /// As written (percent-encoded where the URL had it).
    user: Option<String>,
    password: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    /// The path on the server: starts with `/`, except for scp-like URLs.
    pub path: String,
}

impl GitUrl {
    /// Parses `text` if it has the shape of a git URL; `Ok(None)` when it
    /// has none (a built-in name, a local path), an error when it is one but
    /// broken.
    pub fn parse(text: &str) -> Result<Option<GitUrl>> {
        for scheme in [
            Scheme::Https,
            Scheme::Http,
            Scheme::Ssh,
            Scheme::Git,
            Scheme::File,
        ] {
            if let Some(rest) = strip_prefix_ignore_case(text, scheme.prefix()) {
                return parse_hierarchical(text, scheme, rest).map(Some);
            }
        }
        if let Some((scheme, _)) = text.split_once("://") {
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            {
                bail!(InputError(format!(
                    "`{}`: plat fetches templates over https://, http://, ssh://, git:// and file://, not `{scheme}://`",
                    redact(text)
                )));
            }
        }
        match scp_like(text) {
            Some(url) => check(&url).map(|()| Some(url)),
            None => Ok(None),
        }
    }

    /// The URL exactly as written, credentials included: for the
    /// transport, never for people or files.
    pub fn with_credentials(&self) -> String {
        let mut out = String::from(self.scheme.prefix());
        if let Some(user) = &self.user {
            out.push_str(user);
            if let Some(password) = &self.password {
                out.push(':');
                out.push_str(password);
            }
            out.push('@');
        }
        self.push_location(&mut out);
        out
    }

    /// True when the URL names a user or password that the public form
    /// leaves out.
    pub fn has_credentials(&self) -> bool {
        self.password.is_some() || (self.user.is_some() && !self.keeps_user())
    }

    /// ssh needs its user to reach the right account, and it is no secret;
    /// an https user is part of a credential.
    fn keeps_user(&self) -> bool {
        matches!(self.scheme, Scheme::Ssh | Scheme::Scp)
    }

    fn push_location(&self, out: &mut String) {
        if self.scheme == Scheme::Scp {
            out.push_str(&self.host);
            out.push(':');
            out.push_str(&self.path);
            return;
        }
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push_str(&format!(":{port}"));
        }
        out.push_str(&self.path);
    }

    /// A directory name for this repository in the cache: readable, and
    /// unique to the public URL (trailing `/` and `.git` aside).
    pub fn cache_key(&self) -> String {
        let public = self.to_string();
        let normal = public.trim_end_matches('/').trim_end_matches(".git");
        let hash = sha1_smol::Sha1::from(normal.to_ascii_lowercase())
            .digest()
            .to_string();
        let last = self
            .path
            .trim_end_matches('/')
            .rsplit(['/', ':'])
            .next()
            .unwrap_or("")
            .trim_end_matches(".git");
        let readable: String = format!("{}-{last}", self.host)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect();
        format!(
            "{}-{}",
            readable.trim_start_matches(['.', '-']),
            &hash[..12]
        )
    }
}

impl fmt::Display for GitUrl {
    /// The public form: no password, and no user except ssh's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from(self.scheme.prefix());
        if let (true, Some(user)) = (self.keeps_user(), &self.user) {
            out.push_str(user);
            out.push('@');
        }
        self.push_location(&mut out);
        f.write_str(&out)
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `scheme://[user[:password]@]host[:port]/path`.
fn parse_hierarchical(text: &str, scheme: Scheme, rest: &str) -> Result<GitUrl> {
    let broken = |why: &str| -> anyhow::Error {
        InputError(format!("`{}` is not a usable git URL: {why}", redact(text))).into()
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(info) => match info.split_once(':') {
            Some((u, p)) => (Some(u.to_string()), Some(p.to_string())),
            None => (Some(info.to_string()), None),
        },
    };
    let (host, port) = split_port(hostport).map_err(|why| broken(&why))?;
    if scheme == Scheme::File {
        if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
            return Err(broken(
                "a file:// URL names a path on this machine: file:///path/to/repo.git",
            ));
        }
        if path.len() < 2 {
            return Err(broken(
                "it names no repository; write file:///path/to/repo.git",
            ));
        }
        return Ok(GitUrl {
            scheme,
            user: None,
            password: None,
            host: String::new(),
            port: None,
            path: path.to_string(),
        });
    }
    check_host(&host).map_err(|why| broken(&why))?;
    if path.len() < 2 {
        return Err(broken("it names a server but no repository on it"));
    }
    check_text(path).map_err(|why| broken(&why))?;
    Ok(GitUrl {
        scheme,
        user,
        password,
        host,
        port,
        path: path.to_string(),
    })
}

/// `host` and `:port`; IPv6 literals keep their brackets.
fn split_port(hostport: &str) -> std::result::Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(end) = hostport.strip_prefix('[').and_then(|h| h.find(']')) {
        let host = &hostport[..end + 2];
        (host, hostport[end + 2..].strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
                .ok_or_else(|| format!("`{p}` is not a port number"))?,
        ),
    };
    Ok((host.to_string(), port))
}

/// A host plat will hand to a transport: present, printable, and never
/// taken for an option (`-oProxyCommand=...`).
fn check_host(host: &str) -> std::result::Result<(), String> {
    if host.is_empty() {
        return Err("it names no host".into());
    }
    if host.starts_with('-') {
        return Err("a host may not start with `-`".into());
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-_[]:%".contains(c))
    {
        return Err("the host has characters no host name has".into());
    }
    Ok(())
}

fn check_text(path: &str) -> std::result::Result<(), String> {
    if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("it contains spaces or control characters".into());
    }
    Ok(())
}

/// `[user@]host:path`, git's scp-like syntax: a colon before any slash.
/// A bare `host:path` counts only when the host looks like one (a dot in
/// it), so a Windows drive or a local name with a colon stays a path.
fn scp_like(text: &str) -> Option<GitUrl> {
    let colon = text.find(':')?;
    if text[..colon].contains('/') || text[colon + 1..].is_empty() {
        return None;
    }
    let (user, host) = match text[..colon].rsplit_once('@') {
        Some((u, h)) => (Some(u.to_string()), h.to_string()),
        None => (None, text[..colon].to_string()),
    };
    let looks_like_host = user.is_some() || host.contains('.') || host == "localhost";
    if !looks_like_host || user.as_deref() == Some("") {
        return None;
    }
    Some(GitUrl {
        scheme: Scheme::Scp,
        user,
        password: None,
        host,
        port: None,
        path: text[colon + 1..].to_string(),
    })
}

/// Checks an scp-like URL's host and path the way [`parse_hierarchical`]
/// does; `scp_like` only recognises the shape.
fn check(url: &GitUrl) -> Result<()> {
    if url.scheme == Scheme::File {
        return Ok(());
    }
    check_host(&url.host)
        .and_then(|()| check_text(&url.path))
        .map_err(|why| InputError(format!("`{url}` is not a usable git URL: {why}")).into())
}

/// `text` with any `user:password@` removed: for messages about a URL that
/// may not even parse.
pub fn redact(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_string();
    };
    let end = text[start..].find('/').map_or(text.len(), |i| start + i);
    match text[start..end].rfind('@') {
        Some(at) => format!("{}{}", &text[..start], &text[start + at + 1..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> GitUrl {
        GitUrl::parse(text).unwrap().unwrap()
    }

    #[test]
    fn every_form_parses_and_prints_back_without_credentials() {
        for (text, public) in [
            (
                "https://github.com/acme/t.git",
                "https://github.com/acme/t.git",
            ),
            (
                "https://bot:s3cret@git.acme.example:8443/p/t.git",
                "https://git.acme.example:8443/p/t.git",
            ),
            ("https://token@host.example/p/t", "https://host.example/p/t"),
            ("http://127.0.0.1:8080/t.git", "http://127.0.0.1:8080/t.git"),
            (
                "ssh://git@host.example:2222/org/t.git",
                "ssh://git@host.example:2222/org/t.git",
            ),
            ("git@github.com:acme/t.git", "git@github.com:acme/t.git"),
            ("git://127.0.0.1:9418/t.git", "git://127.0.0.1:9418/t.git"),
            ("file:///srv/git/t.git", "file:///srv/git/t.git"),
            ("HTTPS://host.example/t", "https://host.example/t"),
        ] {
            assert_eq!(url(text).to_string(), public, "{text}");
        }
        let u = url("https://bot:s3cret@git.acme.example/p/t.git");
        assert!(u.has_credentials());
        assert_eq!(
            u.with_credentials(),
            "https://bot:s3cret@git.acme.example/p/t.git"
        );
        assert!(!url("ssh://git@h.example/t").has_credentials());
    }

    #[test]
    fn names_and_paths_are_not_urls() {
        for text in [
            "service",
            "./tpl",
            "../a/b",
            "/abs/path",
            "dir/sub",
            "C:\\x",
            "a:b/c",
        ] {
            assert_eq!(GitUrl::parse(text).unwrap(), None, "{text}");
        }
    }

    #[test]
    fn broken_urls_say_why_without_the_password() {
        for (text, why) in [
            ("ftp://h.example/t", "not `ftp://`"),
            ("https://", "no host"),
            ("https://host.example", "no repository"),
            ("https://u:hunter2@host.example:99999/t", "not a port"),
            ("ssh://-oProxyCommand=x/t", "may not start with `-`"),
            ("file://elsewhere/t.git", "on this machine"),
        ] {
            let err = GitUrl::parse(text).unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn cache_keys_are_readable_and_ignore_credentials_and_suffix() {
        let a = url("https://bot:x@git.acme.example/platform/templates.git").cache_key();
        let b = url("https://git.acme.example/platform/templates").cache_key();
        assert_eq!(a, b);
        assert!(a.starts_with("git.acme.example-templates-"), "{a}");
        assert!(!a.contains("bot"));
        assert_ne!(
            a,
            url("https://other.example/platform/templates").cache_key()
        );
    }

    #[test]
    fn redact_drops_userinfo_from_anything_url_shaped() {
        assert_eq!(redact("https://u:p@h/x"), "https://h/x");
        assert_eq!(redact("ftp://p@h"), "ftp://h");
        assert_eq!(redact("plain"), "plain");
    }
}
