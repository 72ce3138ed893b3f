//! Credentials for a server that answered 401, tried in order: the user
//! info of the URL as written, git's credential helpers, then a token from
//! the environment meant for that very host (and only over https). A
//! credential is only ever sent to the origin it was found for, and no
//! secret is ever formatted: messages name where plat looked, never what
//! it found.

use base64::Engine as _;
use std::fmt;
use std::sync::Mutex;
use url::Url;

use super::endpoint::{self, UrlUserinfo};
use super::tokens::Tokens;

/// Text that is never shown: `Debug` prints `***` and there is no
/// `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Secret(String);

impl Secret {
    pub(super) fn new(text: String) -> Secret {
        Secret(text)
    }

    /// The secret itself, for the one place that sends it.
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A user and password for one origin, and how to say where they came
/// from.
#[derive(Clone)]
pub(super) struct Credential {
    pub(super) origin: (String, String, u16),
    user: String,
    password: Secret,
    source: String,
}

impl Credential {
    /// The `Authorization` header's value.
    pub(super) fn header(&self) -> Secret {
        let pair = format!("{}:{}", self.user, self.password.expose());
        Secret::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ))
    }
}

/// Credentials a server accepted during this run, by origin, so a second
/// connection to it does not ask the helpers again.
static ACCEPTED: Mutex<Vec<Credential>> = Mutex::new(Vec::new());

/// Remembers that `credential` worked.
pub(super) fn accepted(credential: &Credential) {
    if let Ok(mut all) = ACCEPTED.lock() {
        all.retain(|c| c.origin != credential.origin);
        all.push(credential.clone());
    }
}

/// Credentials that worked for `url`'s origin earlier in this run.
pub(super) fn remembered(url: &Url) -> Option<Credential> {
    let origin = endpoint::origin(url);
    ACCEPTED
        .lock()
        .ok()?
        .iter()
        .find(|c| c.origin == origin)
        .cloned()
}

/// Where plat has looked for credentials for one origin, and what came of it.
pub(super) struct Attempts {
    origin: (String, String, u16),
    stage: Stage,
    in_flight: Option<String>,
    report: Vec<String>,
}

/// Which source [`Attempts::next`] asks next.
#[derive(Clone, Copy)]
enum Stage {
    Url,
    Helpers,
    /// The environment's tokens for the host, this many tried already.
    Tokens(usize),
    Done,
}

/// What the attempts may draw on for one 401.
pub(super) struct Sources<'a> {
    /// The URL that answered 401.
    pub(super) url: &'a Url,
    /// The user info of the URL as written, when `url` is its origin.
    pub(super) userinfo: Option<&'a UrlUserinfo>,
    pub(super) tokens: &'a Tokens,
}

impl Attempts {
    pub(super) fn new(url: &Url) -> Attempts {
        Attempts {
            origin: endpoint::origin(url),
            stage: Stage::Url,
            in_flight: None,
            report: Vec::new(),
        }
    }

    /// Whether these attempts are for `url`'s origin.
    pub(super) fn for_origin_of(&self, url: &Url) -> bool {
        self.origin == endpoint::origin(url)
    }

    /// The next credentials to offer; the previous ones (if any) were
    /// rejected. None when every source is spent.
    pub(super) fn next(&mut self, from: &Sources<'_>) -> Option<Credential> {
        if let Some(source) = self.in_flight.take() {
            self.report.push(format!("{source} (rejected)"));
        }
        loop {
            let found = match self.stage {
                Stage::Url => {
                    self.stage = Stage::Helpers;
                    self.url_userinfo(from)
                }
                Stage::Helpers => {
                    self.stage = Stage::Tokens(0);
                    self.helpers(from)
                }
                Stage::Tokens(tried) => {
                    self.stage = Stage::Done;
                    self.tokens(from, tried)
                }
                Stage::Done => return None,
            };
            if found.is_some() {
                return found;
            }
        }
    }

    fn offer(&mut self, user: &str, password: Secret, source: String) -> Option<Credential> {
        self.in_flight = Some(source.clone());
        Some(Credential {
            origin: self.origin.clone(),
            user: user.to_string(),
            password,
            source,
        })
    }

    fn url_userinfo(&mut self, from: &Sources<'_>) -> Option<Credential> {
        let info = from.userinfo.cloned().unwrap_or_default();
        match (info.username, info.password) {
            (user, Some(password)) => {
                let user = user.unwrap_or_default();
                self.offer(&user, password, "the user and password in the URL".into())
            }
            (Some(_), None) => {
                self.report
                    .push("the URL (a user name, no password)".into());
                None
            }
            (None, None) => {
                self.report.push("the URL (no credentials)".into());
                None
            }
        }
    }

    fn helpers(&mut self, from: &Sources<'_>) -> Option<Credential> {
        let config = git2::Config::open_default().ok();
        let configured = config.as_ref().is_some_and(|c| {
            c.entries(Some(r"^credential\..*helper$"))
                .map(|mut e| e.next().is_some())
                .unwrap_or(false)
        });
        let Some(config) = config.filter(|_| configured) else {
            self.report
                .push("git's credential helpers (none configured)".into());
            return None;
        };
        let user = from.userinfo.and_then(|i| i.username.as_deref());
        let found = git2::CredentialHelper::new(&endpoint::shown(from.url))
            .config(&config)
            .username(user)
            .execute();
        match found {
            Some((user, password)) => self.offer(
                &user,
                Secret::new(password),
                "git's credential helpers".into(),
            ),
            None => {
                self.report
                    .push("git's credential helpers (they gave none)".into());
                None
            }
        }
    }

    fn tokens(&mut self, from: &Sources<'_>, tried: usize) -> Option<Credential> {
        let host = from.url.host_str().unwrap_or_default().to_ascii_lowercase();
        let tokens = from.tokens.for_host(&host);
        if tried == 0 && tokens.is_empty() {
            let vars = from.tokens.variables_for(&host);
            self.report.push(match vars.is_empty() {
                true => format!("a token (none can be set for {host})"),
                false => format!("a token ({} not set)", vars.join(", ")),
            });
            return None;
        }
        if tried == 0 && from.url.scheme() != "https" {
            let vars: Vec<_> = tokens.iter().map(|t| t.variable.clone()).collect();
            self.report.push(format!(
                "a token ({} set, but tokens are only sent over https)",
                vars.join(", ")
            ));
            return None;
        }
        let token = tokens.into_iter().nth(tried)?;
        self.stage = Stage::Tokens(tried + 1);
        let user = from
            .userinfo
            .and_then(|i| i.username.clone())
            .filter(|_| !token.fixed)
            .unwrap_or_else(|| token.user.to_string());
        self.offer(&user, token.token, token.variable)
    }

    /// The message for a server that accepted none of the credentials:
    /// what plat tried, and how to give it some. Names no secret.
    pub(super) fn failure(&mut self, url: &Url, status: u16, tokens: &Tokens) -> String {
        if let Some(source) = self.in_flight.take() {
            self.report.push(format!("{source} (rejected)"));
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut ways =
            vec!["store them with a git credential helper (`git help credentials`)".to_string()];
        let vars = tokens.variables_for(&host);
        if !vars.is_empty() {
            ways.push(format!(
                "set {} to a token (sent over https only)",
                vars.join(" or ")
            ));
        }
        format!(
            "{} needs credentials (HTTP {status}) and none was accepted; plat tried {}; to give plat credentials, {} (docs/networks.md)",
            endpoint::shown(url),
            self.report.join(", "),
            ways.join(", or ")
        )
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("origin", &self.origin)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let text = format!("{:?}", Secret::new("hunter4".into()));
        assert!(!text.contains("hunter"), "{text}");
    }
}
