//! A remote's URL as plat requests it: parsed, its user info taken out
//! (kept apart as the first credentials to offer), and shown only without
//! it. Nothing here ever formats the user info.

use url::Url;

use super::auth::Secret;

/// The user info a URL carried (`https://user:password@host/...`),
/// percent-decoded.
#[derive(Clone, Default)]
pub(super) struct UrlUserinfo {
    pub(super) username: Option<String>,
    pub(super) password: Option<Secret>,
}

/// Parses the URL libgit2 hands the transport: http or https, a host,
/// and no user info left in the returned URL.
pub(super) fn parse(raw: &str) -> Result<(Url, UrlUserinfo), String> {
    let bad = || format!("`{}` is not a valid http(s) URL", redact(raw));
    let mut url = Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|d| d.into_owned())
            .map_err(|_| bad())
    };
    let username = Some(url.username())
        .filter(|u| !u.is_empty())
        .map(decode)
        .transpose()?;
    let password = url.password().map(decode).transpose()?.map(Secret::new);
    strip_userinfo(&mut url);
    url.set_fragment(None);
    Ok((url, UrlUserinfo { username, password }))
}

/// Removes user name and password from `url`.
pub(super) fn strip_userinfo(url: &mut Url) {
    // Both only fail for URLs without a host, which plat never requests.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

/// `base` with `tail` (`/info/refs?service=...`) appended to its path.
pub(super) fn join(base: &Url, tail: &str) -> Result<Url, String> {
    let mut text = base.clone();
    text.set_query(None);
    let joined = format!("{}{tail}", text.as_str().trim_end_matches('/'));
    Url::parse(&joined).map_err(|_| format!("cannot append `{tail}` to {}", shown(base)))
}

/// Where a request to `url` goes: scheme, host and port. Credentials are
/// only ever sent to the origin they were given for.
pub(super) fn origin(url: &Url) -> (String, String, u16) {
    (
        url.scheme().to_string(),
        url.host_str().unwrap_or_default().to_ascii_lowercase(),
        url.port_or_known_default().unwrap_or(0),
    )
}

/// `host` or `host:port` as people write it (the port only when it is
/// not the scheme's default).
pub(super) fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// `url` for messages: never with user info, query or fragment.
pub(super) fn shown(url: &Url) -> String {
    let mut url = url.clone();
    strip_userinfo(&mut url);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// A URL that may not even parse, for messages: whatever stands between
/// `://` and the last `@` of the authority is replaced.
pub(super) fn redact(raw: &str) -> String {
    let clean = super::printable(raw, 200);
    let Some(start) = clean.find("://").map(|i| i + 3) else {
        return clean;
    };
    let rest = &clean[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***@{}", &clean[..start], &rest[at + 1..]),
        None => clean,
    }
}

/// A redirect's target, resolved against the URL that answered with it:
/// http or https only, never from https down to http, and never with user
/// info (a server cannot hand plat credentials for somewhere else).
pub(super) fn redirect_target(from: &Url, location: &str) -> Result<Url, String> {
    let mut to = from.join(location).map_err(|_| {
        format!(
            "{} redirected to `{}`, which is not a URL",
            shown(from),
            redact(location)
        )
    })?;
    strip_userinfo(&mut to);
    if !matches!(to.scheme(), "http" | "https") || to.host_str().is_none() {
        return Err(format!(
            "{} redirected to {}, which is not an http(s) URL",
            shown(from),
            shown(&to)
        ));
    }
    if from.scheme() == "https" && to.scheme() != "https" {
        return Err(format!(
            "{} redirected to {}; plat does not follow a redirect from https to plain http",
            shown(from),
            shown(&to)
        ));
    }
    Ok(to)
}

/// The repository's base URL once `/info/refs` answered at `refs`: git
/// uses the redirected base for the requests that follow.
pub(super) fn base_of(refs: &Url) -> Result<Url, String> {
    let path = refs.path();
    let Some(base) = path.strip_suffix("/info/refs") else {
        return Err(format!(
            "the server redirected to {}, which is not a git repository's address",
            shown(refs)
        ));
    };
    let mut url = refs.clone();
    url.set_path(base);
    url.set_query(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_taken_out_and_decoded() {
        let (url, info) = parse("https://alice:p%40ss@git.example.com/org/repo.git").unwrap();
        assert_eq!(url.as_str(), "https://git.example.com/org/repo.git");
        assert_eq!(info.username.as_deref(), Some("alice"));
        assert_eq!(info.password.as_ref().map(Secret::expose), Some("p@ss"));
    }

    #[test]
    fn a_bad_url_is_shown_without_its_user_info() {
        let err = parse("https://alice:hunter2@exa mple.com/x").err().unwrap();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("https://***@exa mple.com/x"), "{err}");
        assert!(parse("ftp://example.com/x").is_err());
        assert!(parse("not a url").is_err());
    }

    #[test]
    fn redact_leaves_urls_without_user_info_alone() {
        assert_eq!(redact("https://h/a@b"), "https://h/a@b");
        assert_eq!(redact("https://u@h/a"), "https://***@h/a");
        assert_eq!(redact("plain"), "plain");
    }

    #[test]
    fn redirects_resolve_and_never_downgrade() {
        let from = Url::parse("https://a.example/r.git/info/refs?service=x").unwrap();
        let to = redirect_target(&from, "/moved/r.git/info/refs?service=x").unwrap();
        assert_eq!(
            to.as_str(),
            "https://a.example/moved/r.git/info/refs?service=x"
        );
        let to = redirect_target(&from, "https://u:p@b.example/r.git/info/refs").unwrap();
        assert_eq!(to.as_str(), "https://b.example/r.git/info/refs");
        assert!(redirect_target(&from, "http://a.example/r.git/info/refs").is_err());
        assert!(redirect_target(&from, "file:///etc/passwd").is_err());
        let base = base_of(&to).unwrap();
        assert_eq!(base.as_str(), "https://b.example/r.git");
        assert!(base_of(&Url::parse("https://b.example/login").unwrap()).is_err());
    }

    #[test]
    fn join_appends_to_the_path() {
        let base = Url::parse("https://h.example/r.git/").unwrap();
        let url = join(&base, "/info/refs?service=git-upload-pack").unwrap();
        assert_eq!(
            url.as_str(),
            "https://h.example/r.git/info/refs?service=git-upload-pack"
        );
        assert_eq!(authority(&Url::parse("http://h:8080/x").unwrap()), "h:8080");
    }
}
