//! One HTTP exchange with a git server through ureq: the agent (timeouts,
//! the chosen proxy, plat's TLS), the request, and what a failure says in
//! plat's words, with the URL never carrying credentials.

use std::io;
use std::time::Duration;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector as _, SocksConnector, TcpConnector,
};
use url::Url;

use super::auth::Secret;
use super::endpoint;
use super::proxy::Chosen;
use super::tls::{ExtraRoots, SetupFailed, TlsConnector};
use crate::fetch::Network;

/// What plat calls itself: git servers treat a `git/` agent as a git client.
const USER_AGENT: &str = concat!("git/2.0 (plat ", env!("CARGO_PKG_VERSION"), ")");

/// Response headers larger than this are refused.
const MAX_HEADERS: usize = 64 * 1024;

/// An agent for one proxy choice: ureq's own redirects and status errors
/// off (plat handles both), the network's timeouts (connecting, and each
/// read or write, so a fetch that keeps receiving data is never cut).
pub(super) fn agent(net: &Network, proxy: Option<&Chosen>, roots: &ExtraRoots) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy.map(|p| p.proxy.clone()))
        .timeout_resolve(Some(net.connect_timeout))
        .timeout_connect(Some(net.connect_timeout))
        .timeout_per_read(Some(net.idle_timeout))
        .timeout_per_write(Some(net.idle_timeout))
        .user_agent(USER_AGENT)
        .max_response_header_size(MAX_HEADERS)
        .build();
    let connector =
        ().chain(SocksConnector::default())
            .chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(TlsConnector {
                roots: roots.clone(),
            });
    ureq::Agent::with_parts(config, connector, DefaultResolver::default())
}

/// Which of git's services a connection speaks to: upload-pack to fetch,
/// receive-pack to push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::fetch::transport) enum GitService {
    UploadPack,
    ReceivePack,
}

impl GitService {
    /// `git-upload-pack`, `git-receive-pack`: the path of its POST and the
    /// `service=` of its ref advertisement.
    pub(super) fn program(self) -> &'static str {
        match self {
            GitService::UploadPack => "git-upload-pack",
            GitService::ReceivePack => "git-receive-pack",
        }
    }

    /// `application/x-git-upload-pack-<kind>`.
    pub(super) fn content_type(self, kind: &str) -> String {
        format!("application/x-{}-{kind}", self.program())
    }

    /// What the exchange does, for messages: `fetch`, `push`.
    pub(super) fn doing(self) -> &'static str {
        match self {
            GitService::UploadPack => "fetch",
            GitService::ReceivePack => "push",
        }
    }
}

/// A GET (`post` None) or a POST of a request body to `service`.
pub(super) fn send(
    agent: &ureq::Agent,
    url: &Url,
    auth: Option<&Secret>,
    post: Option<(GitService, &[u8])>,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    match post {
        None => {
            let mut request = agent.get(url.as_str()).header("Accept", "*/*");
            if let Some(auth) = auth {
                request = request.header("Authorization", auth.expose());
            }
            request.call()
        }
        Some((service, body)) => {
            let mut request = agent
                .post(url.as_str())
                .header("Content-Type", service.content_type("request"))
                .header("Accept", service.content_type("result"));
            if let Some(auth) = auth {
                request = request.header("Authorization", auth.expose());
            }
            request.send(body)
        }
    }
}

/// A failure of the transport: what to tell the user and the libgit2
/// error code that classifies it.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) code: git2::ErrorCode,
    pub(super) message: String,
}

impl Failure {
    pub(super) fn new(message: impl Into<String>) -> Failure {
        Failure {
            code: git2::ErrorCode::GenericError,
            message: message.into(),
        }
    }

    pub(super) fn with_code(code: git2::ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// libgit2 copies the message into a C string: no NUL may be in it.
    fn text(&self) -> String {
        self.message.replace('\0', "")
    }

    pub(super) fn into_git(self) -> git2::Error {
        git2::Error::new(self.code, git2::ErrorClass::Net, self.text())
    }

    pub(super) fn into_io(self) -> io::Error {
        let kind = match self.code {
            git2::ErrorCode::User => io::ErrorKind::Interrupted,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, self.text())
    }
}

/// What was being reached, to say so when it fails.
#[derive(Clone)]
pub(super) struct Target {
    pub(super) url: Url,
    pub(super) proxy: Option<String>,
    pub(super) connect_timeout: Duration,
    pub(super) idle_timeout: Duration,
}

/// `err` in plat's words.
pub(super) fn describe(err: ureq::Error, at: &Target) -> Failure {
    use ureq::Timeout;
    let host = endpoint::authority(&at.url);
    let via = at
        .proxy
        .as_ref()
        .map(|p| format!(" through the proxy {p}"))
        .unwrap_or_default();
    match err {
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => Failure::new(format!(
            "connecting to {host}{via} timed out after {}; PLAT_CONNECT_TIMEOUT_MS sets how long plat waits",
            human(at.connect_timeout)
        )),
        ureq::Error::Timeout(_) => idle(&host, &via, at),
        ureq::Error::HostNotFound => Failure::new(format!("cannot find the host {host}{via}")),
        ureq::Error::ConnectProxyFailed(reason) => Failure::new(format!(
            "the proxy{} did not connect plat to {host}: {}",
            at.proxy.as_ref().map(|p| format!(" {p}")).unwrap_or_default(),
            super::printable(&reason, 200)
        )),
        ureq::Error::LargeResponseHeader(..) => Failure::new(format!(
            "{host} sent response headers larger than {} KiB",
            MAX_HEADERS / 1024
        )),
        ureq::Error::Protocol(e) => Failure::new(format!(
            "{host}{via} sent a malformed HTTP response ({})",
            super::printable(&e.to_string(), 200)
        )),
        ureq::Error::Io(e) => io_failure(e, &host, &via, at),
        ureq::Error::Other(e) => match e.downcast::<SetupFailed>() {
            Ok(setup) => Failure::new(setup.0),
            Err(e) => Failure::new(format!("{host}{via}: {}", super::printable(&e.to_string(), 200))),
        },
        other => Failure::new(format!(
            "{host}{via}: {}",
            super::printable(&other.to_string(), 200)
        )),
    }
}

/// An error while reading a response body, in plat's words.
pub(super) fn describe_io(err: io::Error, at: &Target) -> Failure {
    if err.kind() == io::ErrorKind::Interrupted {
        return Failure::with_code(git2::ErrorCode::User, "interrupted");
    }
    describe(ureq::Error::from(err), at)
}

fn io_failure(e: io::Error, host: &str, via: &str, at: &Target) -> Failure {
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return tls_failure(tls, host);
    }
    let what = match e.kind() {
        io::ErrorKind::ConnectionRefused => "refused the connection".to_string(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            "closed the connection".to_string()
        }
        io::ErrorKind::UnexpectedEof => {
            "closed the connection before the answer was complete".into()
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => return idle(host, via, at),
        _ => super::printable(&e.to_string(), 200),
    };
    Failure::new(format!("{host}{via}: {what}"))
}

fn tls_failure(e: &rustls::Error, host: &str) -> Failure {
    let why = super::printable(&e.to_string(), 200);
    let message = match e {
        rustls::Error::InvalidCertificate(_) => format!(
            "the certificate of {host} is not trusted ({why}); if the server uses a private certificate authority, name its certificate in SSL_CERT_FILE or git's http.sslCAInfo"
        ),
        _ => format!("TLS with {host} failed: {why}"),
    };
    Failure::with_code(git2::ErrorCode::Certificate, message)
}

fn idle(host: &str, via: &str, at: &Target) -> Failure {
    Failure::new(format!(
        "{host}{via} sent nothing for {}; PLAT_NETWORK_TIMEOUT_MS sets how long plat waits",
        human(at.idle_timeout)
    ))
}

/// `1.5s`, `250ms`.
fn human(d: Duration) -> String {
    match d.as_millis() {
        ms if ms < 1000 => format!("{ms}ms"),
        ms if ms % 1000 == 0 => format!("{}s", ms / 1000),
        ms => format!("{:.1}s", ms as f64 / 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        assert_eq!(human(Duration::from_secs(30)), "30s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn a_message_never_carries_a_nul() {
        let f = Failure::new("bad\0byte");
        assert_eq!(f.into_git().message(), "badbyte");
    }
}
