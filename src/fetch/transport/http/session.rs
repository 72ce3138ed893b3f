//! One connection of libgit2 to one repository over smart HTTP, in
//! stateless RPC: the ref advertisement (`GET info/refs`, following
//! redirects as git does and keeping the redirected base), credentials
//! when the server asks, and each `POST git-upload-pack` (or, for a push,
//! `git-receive-pack`) after it.

use std::io::Read;
use url::Url;

use super::auth::{self, Attempts, Credential, Sources};
use super::endpoint::{self, UrlUserinfo};
use super::exchange::{self, Failure, GitService, Target};
use super::proxy::{self, Chosen};
use super::{git_http_config, printable, ResponseStream};
use crate::fetch::Network;

/// Redirects followed for one ref advertisement (git allows about as many).
const MAX_REDIRECTS: u32 = 10;

/// Largest ref advertisement plat reads: libgit2 keeps every ref in memory.
const MAX_ADVERTISEMENT: u64 = 128 * 1024 * 1024;

/// The state of one connection, shared by the streams libgit2 opens on it.
pub(super) struct Session {
    net: &'static Network,
    /// The URL as libgit2 gave it, without its user info, and that user info.
    original: Option<(Url, UrlUserinfo)>,
    /// Where the repository answered `info/refs`, after redirects.
    base: Option<Url>,
    auth: Option<Credential>,
    attempts: Option<Attempts>,
    agent: Option<(Option<Chosen>, ureq::Agent)>,
}

impl Session {
    pub(super) fn new(net: &'static Network) -> Session {
        Session {
            net,
            original: None,
            base: None,
            auth: None,
            attempts: None,
            agent: None,
        }
    }

    /// Takes in the URL libgit2 asks for (the first one sticks).
    pub(super) fn start(&mut self, raw: &str) -> Result<(), Failure> {
        if self.net.offline {
            return Err(Failure::new(format!(
                "plat is offline (--offline or PLAT_OFFLINE) and will not reach {}",
                endpoint::redact(raw)
            )));
        }
        if self.original.is_none() {
            self.original = Some(endpoint::parse(raw).map_err(Failure::new)?);
        }
        Ok(())
    }

    fn original_url(&self) -> Result<Url, Failure> {
        self.original
            .as_ref()
            .map(|(u, _)| u.clone())
            .ok_or_else(|| Failure::new("the http transport was used before it had a URL"))
    }

    /// `GET info/refs?service=...`: the ref advertisement, after any
    /// redirects and credentials it takes.
    pub(super) fn advertise(&mut self, service: GitService) -> Result<ResponseStream, Failure> {
        let tail = format!("/info/refs?service={}", service.program());
        let mut url = endpoint::join(&self.original_url()?, &tail).map_err(Failure::new)?;
        if self.auth.is_none() {
            self.auth = auth::remembered(&url);
        }
        let mut redirects = 0;
        loop {
            interrupted()?;
            let (response, target) = self.send(&url, None)?;
            match response.status().as_u16() {
                200 => {
                    expect_type(&response, &service.content_type("advertisement"), &url)?;
                    self.base = Some(endpoint::base_of(&url).map_err(Failure::new)?);
                    if let Some(credential) = self.credential_for(&url) {
                        auth::accepted(credential);
                    }
                    return Ok(stream(response, target, Some(MAX_ADVERTISEMENT)));
                }
                301 | 302 | 303 | 307 | 308 => {
                    redirects += 1;
                    url = self.redirect(&url, &response, redirects)?;
                }
                401 => self.authenticate(&url, 401)?,
                403 if self.credential_for(&url).is_some() => self.authenticate(&url, 403)?,
                status => return Err(status_failure(status, &url, service)),
            }
        }
    }

    /// `POST git-upload-pack` with `body` (libgit2's wants and haves), or
    /// `POST git-receive-pack` (the ref updates and their pack), at the
    /// base `info/refs` answered from.
    pub(super) fn rpc(
        &mut self,
        service: GitService,
        body: &[u8],
    ) -> Result<ResponseStream, Failure> {
        interrupted()?;
        let base = match &self.base {
            Some(base) => base.clone(),
            None => self.original_url()?,
        };
        let tail = format!("/{}", service.program());
        let url = endpoint::join(&base, &tail).map_err(Failure::new)?;
        let (response, target) = self.send(&url, Some((service, body)))?;
        let doing = service.doing();
        match response.status().as_u16() {
            200 => {
                expect_type(&response, &service.content_type("result"), &url)?;
                Ok(stream(response, target, None))
            }
            status @ (401 | 403) => Err(Failure::with_code(
                git2::ErrorCode::Auth,
                format!(
                    "{} refused plat's credentials for the {doing} itself (HTTP {status}) after accepting them for the list of refs",
                    endpoint::shown(&url)
                ),
            )),
            301 | 302 | 303 | 307 | 308 => Err(Failure::new(format!(
                "{} redirected the {doing} itself; like git, plat follows redirects only on the first request",
                endpoint::shown(&url)
            ))),
            status => Err(status_failure(status, &url, service)),
        }
    }

    /// One request, through the proxy chosen for `url`, with the
    /// credentials held for `url`'s origin (and only for it).
    fn send(
        &mut self,
        url: &Url,
        body: Option<(GitService, &[u8])>,
    ) -> Result<(ureq::http::Response<ureq::Body>, Target), Failure> {
        let git = git_http_config();
        let chosen =
            proxy::choose(&self.net.http.proxy, git.proxy.as_deref(), url).map_err(Failure::new)?;
        let target = Target {
            url: url.clone(),
            proxy: chosen.as_ref().map(|c| c.shown.clone()),
            connect_timeout: self.net.connect_timeout,
            idle_timeout: self.net.idle_timeout,
        };
        let auth = self.credential_for(url).map(Credential::header);
        let agent = self.agent_for(chosen);
        exchange::send(agent, url, auth.as_ref(), body)
            .map(|r| (r, target.clone()))
            .map_err(|e| exchange::describe(e, &target))
    }

    /// The agent for `chosen`, kept while the proxy choice stays the same
    /// so the requests of one fetch share a connection.
    fn agent_for(&mut self, chosen: Option<Chosen>) -> &ureq::Agent {
        if self.agent.as_ref().is_some_and(|(c, _)| *c != chosen) {
            self.agent = None;
        }
        let net = self.net;
        let (_, agent) = self.agent.get_or_insert_with(|| {
            let agent = exchange::agent(net, chosen.as_ref(), &git_http_config().roots);
            (chosen, agent)
        });
        agent
    }

    fn credential_for(&self, url: &Url) -> Option<&Credential> {
        let origin = endpoint::origin(url);
        self.auth.as_ref().filter(|c| c.origin == origin)
    }

    /// Moves on to the next credentials for `url`'s origin, or fails
    /// saying what was tried.
    fn authenticate(&mut self, url: &Url, status: u16) -> Result<(), Failure> {
        if !self.attempts.as_ref().is_some_and(|a| a.for_origin_of(url)) {
            self.attempts = Some(Attempts::new(url));
        }
        let origin = endpoint::origin(url);
        let userinfo = self
            .original
            .as_ref()
            .filter(|(u, _)| endpoint::origin(u) == origin)
            .map(|(_, info)| info);
        let tokens = &self.net.http.tokens;
        let Some(attempts) = self.attempts.as_mut() else {
            return Err(Failure::new("no credentials to try"));
        };
        match attempts.next(&Sources {
            url,
            userinfo,
            tokens,
        }) {
            Some(credential) => {
                self.auth = Some(credential);
                Ok(())
            }
            None => Err(Failure::with_code(
                git2::ErrorCode::Auth,
                attempts.failure(url, status, tokens),
            )),
        }
    }

    fn redirect(
        &self,
        from: &Url,
        response: &ureq::http::Response<ureq::Body>,
        count: u32,
    ) -> Result<Url, Failure> {
        if count > MAX_REDIRECTS {
            return Err(Failure::new(format!(
                "{} redirected more than {MAX_REDIRECTS} times; check the URL",
                endpoint::shown(&self.original_url()?)
            )));
        }
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Failure::new(format!(
                    "{} redirected without saying where",
                    endpoint::shown(from)
                ))
            })?;
        endpoint::redirect_target(from, location).map_err(Failure::new)
    }
}

/// A body read as a stream, at most `limit` bytes.
fn stream(
    response: ureq::http::Response<ureq::Body>,
    target: Target,
    limit: Option<u64>,
) -> ResponseStream {
    ResponseStream::new(
        Box::new(response.into_body().into_reader()) as Box<dyn Read + Send>,
        target,
        limit,
    )
}

/// Checks the response is what git's smart protocol sends, so a login
/// page or a dumb server gets a clear message instead of a parse failure.
fn expect_type(
    response: &ureq::http::Response<ureq::Body>,
    expected: &str,
    url: &Url,
) -> Result<(), Failure> {
    let given = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = given
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == expected {
        return Ok(());
    }
    let shown = endpoint::shown(url);
    Err(Failure::new(match essence.as_str() {
        "text/html" => format!(
            "{shown} answered with a web page, not a git repository (a wrong URL, or a login page in the way?)"
        ),
        "" => format!("{shown} does not speak git's smart HTTP protocol (no content type)"),
        other => format!(
            "{shown} answered `{}`, not git's smart HTTP protocol (plat does not support \"dumb\" HTTP servers)",
            printable(other, 80)
        ),
    }))
}

fn status_failure(status: u16, url: &Url, service: GitService) -> Failure {
    let shown = endpoint::shown(url);
    match status {
        403 if service == GitService::ReceivePack => Failure::with_code(
            git2::ErrorCode::Auth,
            format!("{shown}: pushing is forbidden (HTTP 403): the server lets nobody push there without credentials, or the credentials it was given may only read"),
        ),
        404 => Failure::with_code(
            git2::ErrorCode::NotFound,
            format!("{shown}: no git repository there (HTTP 404); check the URL"),
        ),
        403 => Failure::with_code(
            git2::ErrorCode::Auth,
            format!("{shown}: access forbidden (HTTP 403)"),
        ),
        _ => {
            let reason = ureq::http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("unexpected status");
            Failure::new(format!(
                "{shown}: the server answered HTTP {status} ({reason})"
            ))
        }
    }
}

fn interrupted() -> Result<(), Failure> {
    crate::effects::interrupt::check()
        .map_err(|_| Failure::with_code(git2::ErrorCode::User, "interrupted"))
}
