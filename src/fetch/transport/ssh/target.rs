//! Where an ssh URL leads: the login, the host, the port and the
//! repository's path, from `ssh://[user@]host[:port]/path` (also
//! `git+ssh://`, `ssh+git://`) or git's scp-like `[user@]host:path`.
//! Everything is checked so that nothing in a URL can become an option of
//! ssh (git's fix for CVE-2017-1000117) or break out of the quoted path.

use anyhow::{bail, Result};

/// The URL schemes plat's ssh transport answers for.
pub const SCHEMES: [&str; 3] = ["ssh", "ssh+git", "git+ssh"];

/// An ssh destination and the repository on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub user: Option<String>,
    /// A host name, an alias from ssh's config, or an address (IPv6
    /// without its brackets).
    pub host: String,
    pub port: Option<u16>,
    /// The path the server's git-upload-pack opens: absolute for
    /// `ssh://` URLs, relative to the login's home for scp-like ones.
    pub path: String,
}

impl SshTarget {
    /// Parses an ssh URL as git does. The error never repeats a password.
    pub fn parse(url: &str) -> Result<SshTarget> {
        let target = match strip_scheme(url) {
            Some(rest) => hierarchical(rest)?,
            None if url.contains("://") => bail!("`{}` is not an ssh URL", redact(url)),
            None => scp_like(url)?,
        };
        target.check()?;
        Ok(target)
    }

    /// ssh's destination argument: `[user@]host`.
    pub fn destination(&self) -> String {
        match &self.user {
            Some(user) => format!("{user}@{}", self.host),
            None => self.host.clone(),
        }
    }

    /// The command line the server runs: `program '<path>'`, the path
    /// quoted for a POSIX shell exactly as git quotes it (`'` and `!`
    /// outside the quotes, escaped).
    pub fn remote_command(&self, program: &str) -> String {
        let mut out = format!("{program} '");
        for c in self.path.chars() {
            match c {
                '\'' | '!' => {
                    out.push_str("'\\");
                    out.push(c);
                    out.push('\'');
                }
                _ => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// Refuses what ssh would take for an option, and what no host, user
    /// or path holds.
    fn check(&self) -> Result<()> {
        let option = |what: &str, text: &str| -> Result<()> {
            if text.starts_with('-') {
                bail!("the ssh {what} `{text}` starts with `-`; plat refuses it, as git does, because ssh would take it for an option");
            }
            Ok(())
        };
        if self.host.is_empty() {
            bail!("the ssh URL names no host");
        }
        option("host", &self.host)?;
        if !self
            .host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_:%".contains(c))
        {
            bail!(
                "the ssh host `{}` has characters no host name has",
                printable(&self.host)
            );
        }
        if let Some(user) = &self.user {
            option("user", user)?;
            if user.is_empty() || user.chars().any(|c| c.is_control() || c.is_whitespace()) {
                bail!(
                    "the ssh user `{}` is empty or has spaces or control characters",
                    printable(user)
                );
            }
        }
        if self.path.is_empty() {
            bail!("the ssh URL names a host but no repository on it");
        }
        option("path", &self.path)?;
        if self.path.chars().any(char::is_control) {
            bail!(
                "the repository path `{}` has control characters",
                printable(&self.path)
            );
        }
        Ok(())
    }
}

fn strip_scheme(url: &str) -> Option<&str> {
    SCHEMES.iter().find_map(|scheme| {
        let (head, rest) = url.split_once("://")?;
        head.eq_ignore_ascii_case(scheme).then_some(rest)
    })
}

/// `[user@]host[:port]/path`, percent-decoded as git decodes URLs.
fn hierarchical(rest: &str) -> Result<SshTarget> {
    let Some(slash) = rest.find('/') else {
        bail!("the ssh URL names a host but no repository on it");
    };
    let (authority, path) = rest.split_at(slash);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| u.contains(':')) {
        bail!("an ssh URL cannot carry a password: ssh logs in with keys (ssh-agent, ~/.ssh/config); remove `:password` from the URL");
    }
    let (host, port) = split_port(hostport)?;
    let path = decode(path)?;
    // `ssh://host/~user/repo` names a path below a home directory.
    let path = match path.strip_prefix('/') {
        Some(home) if home.starts_with('~') => home.to_string(),
        _ => path,
    };
    Ok(SshTarget {
        user: userinfo.map(decode).transpose()?,
        host: decode(host)?,
        port,
        path,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_port(hostport: &str) -> Result<(&str, Option<u16>)> {
    let (host, port) = match hostport.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, after)) => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => bail!("the ssh host `{}` is not a host", printable(hostport)),
            },
            None => bail!(
                "the ssh host `{}` lacks its closing `]`",
                printable(hostport)
            ),
        },
        None => match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        },
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => bail!("`{}` is not a port number", printable(p)),
        },
    };
    Ok((host, port))
}

/// `[user@]host:path`; `[user@][v6]:path` for an IPv6 address. A single
/// letter before the colon is a Windows drive (`C:\x`), not a host.
fn scp_like(url: &str) -> Result<SshTarget> {
    let not_ssh = || anyhow::anyhow!("`{}` is not an ssh URL", printable(url));
    let (user, rest) = match url.split_once('@') {
        Some((u, rest)) if !u.contains(['/', ':']) => (Some(u), rest),
        _ => (None, url),
    };
    let (host, path) = match rest.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once("]:").ok_or_else(not_ssh)?,
        None => rest.split_once(':').ok_or_else(not_ssh)?,
    };
    let is_drive =
        user.is_none() && host.len() == 1 && host.chars().all(|c| c.is_ascii_alphabetic());
    if host.contains('/') || is_drive {
        return Err(not_ssh());
    }
    Ok(SshTarget {
        user: user.map(str::to_string),
        host: host.to_string(),
        port: None,
        path: path.to_string(),
    })
}

/// Percent-decoding; the result must be UTF-8.
fn decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map_err(|_| anyhow::anyhow!("`{}` does not decode to UTF-8 text", printable(text)))
}

/// `text` with control characters escaped, for messages.
pub(super) fn printable(text: &str) -> String {
    text.chars()
        .flat_map(char::escape_debug)
        .collect::<String>()
        .replace("\\'", "'")
        .replace("\\\"", "\"")
}

/// A URL for a message: any `user:password@` becomes `user@`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return printable(url);
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((info, host)) => format!("{}@{host}", info.split(':').next().unwrap_or("")),
        None => authority.to_string(),
    };
    printable(&format!("{scheme}://{authority}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> SshTarget {
        SshTarget::parse(url).unwrap_or_else(|e| panic!("{url}: {e:#}"))
    }

    fn refused(url: &str) -> String {
        match SshTarget::parse(url) {
            Ok(t) => panic!("{url} was accepted as {t:?}"),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn ssh_urls_give_user_host_port_and_absolute_path() {
        let t = target("ssh://git@host.example:2222/org/t.git");
        assert_eq!(t.destination(), "git@host.example");
        assert_eq!(t.port, Some(2222));
        assert_eq!(t.path, "/org/t.git");
        let t = target("SSH://host.example/t");
        assert_eq!((t.user, t.port, t.path.as_str()), (None, None, "/t"));
        assert_eq!(target("git+ssh://h.example/t").host, "h.example");
        assert_eq!(target("ssh+git://h.example:/t").port, None);
    }

    #[test]
    fn ipv6_tilde_and_percent_escapes_decode_as_git_does() {
        let t = target("ssh://root@[::1]:22/srv/a.git");
        assert_eq!((t.destination().as_str(), t.port), ("root@::1", Some(22)));
        assert_eq!(target("ssh://h.example/~ada/t.git").path, "~ada/t.git");
        assert_eq!(target("ssh://h.example/a%20b/c%27d").path, "/a b/c'd");
        assert_eq!(target("ssh://h.example/100%").path, "/100%");
    }

    #[test]
    fn scp_like_urls_have_relative_paths_and_no_port() {
        let t = target("git@github.com:acme/t.git");
        assert_eq!(
            (t.destination().as_str(), t.path.as_str()),
            ("git@github.com", "acme/t.git")
        );
        assert_eq!(t.port, None);
        assert_eq!(target("plat-test:/srv/a.git").host, "plat-test");
        assert_eq!(target("git@[fe80::1%eth0]:t.git").host, "fe80::1%eth0");
        assert_eq!(target("git@host.example:a@b").path, "a@b");
    }

    #[test]
    fn option_injection_is_refused() {
        for url in [
            "ssh://-oProxyCommand=touch%20pwned/x",
            "ssh://-oProxyCommand=x/t",
            "ssh://-oProxyCommand=x@host.example/t",
            "-oProxyCommand=x:t",
            "host.example:-u",
            "ssh://%2doProxyCommand=x/t",
        ] {
            assert!(
                refused(url).contains("starts with `-`"),
                "{url}: {}",
                refused(url)
            );
        }
    }

    #[test]
    fn broken_or_foreign_urls_say_why() {
        for (url, why) in [
            ("ssh://host.example", "no repository"),
            ("ssh:///t", "no host"),
            ("ssh://h.example:99999/t", "not a port"),
            ("ssh://h.example:22x/t", "not a port"),
            ("ssh://[::1/t", "closing `]`"),
            ("ssh://h%0aevil/t", "characters no host name has"),
            ("ssh://a%20b@h.example/t", "spaces"),
            ("ssh://h.example/a%0ab", "control characters"),
            ("ssh://h.example/%ff", "UTF-8"),
            ("https://h.example/t", "not an ssh URL"),
            ("C:\\x", "not an ssh URL"),
            ("c:/x", "not an ssh URL"),
            ("dir/a:b", "not an ssh URL"),
            ("plain", "not an ssh URL"),
            ("host.example:", "no repository"),
        ] {
            let err = refused(url);
            assert!(err.contains(why), "{url}: {err}");
        }
    }

    #[test]
    fn passwords_are_refused_and_never_repeated() {
        let err = refused("ssh://git:hunter2@h.example/t");
        assert!(
            err.contains("password") && !err.contains("hunter2"),
            "{err}"
        );
        let err = refused("ftp://git:hunter2@h.example/t");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn paths_are_quoted_as_git_quotes_them() {
        let t = target("ssh://h.example/it's/a!b c");
        assert_eq!(
            t.remote_command("git-upload-pack"),
            r"git-upload-pack '/it'\''s/a'\!'b c'"
        );
        let t = target("h.example:$(touch x)`y`");
        assert_eq!(
            t.remote_command("git-upload-pack"),
            "git-upload-pack '$(touch x)`y`'"
        );
    }

    #[test]
    fn no_input_panics() {
        for url in [
            "",
            ":",
            "@",
            "@:",
            "[",
            "[]:",
            "ssh://",
            "ssh://@/",
            "ssh://[]:/x",
            "ssh://%",
            "ssh://%e2%82/x",
            "é:ü",
            "a@[b",
        ] {
            let _ = SshTarget::parse(url);
        }
    }
}
