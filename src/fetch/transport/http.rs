//! Smart HTTP for libgit2 on ureq and rustls, registered for `http://`
//! and `https://` (stateless RPC, shaped like the git2-curl crate): the
//! ref advertisement and upload-pack to fetch; receive-pack to push, only
//! under a [`super::PushPermit`] (`plat new --push`).
//! Certificates, proxies and credentials work as for git (docs/networks.md,
//! "https"); no credential is ever shown in a message.

mod auth;
mod endpoint;
mod exchange;
mod proxy;
mod session;
mod tls;
mod tokens;

use anyhow::Result;
use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream, Transport};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

pub use proxy::ProxyEnv;
pub use tokens::{token_variable, Tokens};

use exchange::{Failure, GitService, Target};
use session::Session;
use tls::ExtraRoots;

/// What the HTTP transport reads from the environment: proxies,
/// certificates and tokens. Its `Debug` shows no secret.
#[derive(Debug, Clone, Default)]
pub struct HttpSettings {
    /// The proxy variables.
    pub proxy: ProxyEnv,
    /// `SSL_CERT_FILE`: certificate authorities (PEM) to trust besides
    /// the system's.
    pub ssl_cert_file: Option<PathBuf>,
    /// `SSL_CERT_DIR`: directories of such certificates.
    pub ssl_cert_dirs: Vec<PathBuf>,
    /// `GIT_SSL_CAINFO`: as git's `http.sslCAInfo`, which it overrides.
    pub git_ssl_cainfo: Option<PathBuf>,
    /// Tokens for particular hosts.
    pub tokens: Tokens,
}

/// Largest request body plat sends: libgit2's wants and haves for a
/// fetch, a new service's first commit for a push.
fn max_request(service: GitService) -> usize {
    match service {
        GitService::UploadPack => 32 * 1024 * 1024,
        GitService::ReceivePack => 128 * 1024 * 1024,
    }
}

/// What plat takes from git's configuration, read once, at the first
/// http request.
struct GitHttpConfig {
    /// `http.proxy` (empty: no proxy, even from the environment).
    proxy: Option<String>,
    /// Certificate authorities from the environment and `http.sslCAInfo`,
    /// `http.sslCAPath`.
    roots: ExtraRoots,
}

fn git_http_config() -> &'static GitHttpConfig {
    static CONFIG: OnceLock<GitHttpConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let http = &super::settings().http;
        let git = git2::Config::open_default().ok();
        let string = |key: &str| git.as_ref().and_then(|c| c.get_string(key).ok());
        let path = |key: &str| git.as_ref().and_then(|c| c.get_path(key).ok());
        let mut roots = ExtraRoots::default();
        if let Some(file) = &http.ssl_cert_file {
            roots.files.push(("SSL_CERT_FILE", file.clone()));
        }
        match (&http.git_ssl_cainfo, path("http.sslCAInfo")) {
            (Some(file), _) => roots.files.push(("GIT_SSL_CAINFO", file.clone())),
            (None, Some(file)) => roots.files.push(("git's http.sslCAInfo", file)),
            (None, None) => {}
        }
        for dir in &http.ssl_cert_dirs {
            roots.dirs.push(("SSL_CERT_DIR", dir.clone()));
        }
        if let Some(dir) = path("http.sslCAPath") {
            roots.dirs.push(("git's http.sslCAPath", dir));
        }
        GitHttpConfig {
            proxy: string("http.proxy"),
            roots,
        }
    })
}

/// Registers `http` and `https` with libgit2.
pub(super) fn register() -> Result<()> {
    // SAFETY: called once, inside `transport::register`'s OnceLock, before
    // any fetch creates a transport.
    unsafe {
        git2::transport::register("https", factory)?;
        git2::transport::register("http", factory)?;
    }
    Ok(())
}

fn factory(remote: &git2::Remote<'_>) -> Result<Transport, git2::Error> {
    let session = Arc::new(Mutex::new(Session::new(super::settings())));
    Transport::smart(remote, true, HttpTransport { session })
}

/// The subtransport libgit2 drives: one per connection.
struct HttpTransport {
    session: Arc<Mutex<Session>>,
}

fn lock(session: &Mutex<Session>) -> Result<std::sync::MutexGuard<'_, Session>, Failure> {
    session
        .lock()
        .map_err(|_| Failure::new("the http transport failed earlier in this fetch"))
}

impl SmartSubtransport for HttpTransport {
    fn action(
        &self,
        url: &str,
        action: Service,
    ) -> Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        let stream = || -> Result<Box<dyn SmartSubtransportStream>, Failure> {
            let mut session = lock(&self.session)?;
            session.start(url)?;
            let service = match action {
                Service::UploadPackLs | Service::UploadPack => GitService::UploadPack,
                Service::ReceivePackLs | Service::ReceivePack if super::may_push() => {
                    GitService::ReceivePack
                }
                Service::ReceivePackLs | Service::ReceivePack => {
                    return Err(Failure::new(super::READ_ONLY))
                }
            };
            match action {
                Service::UploadPackLs | Service::ReceivePackLs => {
                    Ok(Box::new(session.advertise(service)?))
                }
                Service::UploadPack | Service::ReceivePack => Ok(Box::new(RpcStream {
                    session: Arc::clone(&self.session),
                    service,
                    request: Vec::new(),
                    response: None,
                })),
            }
        };
        stream().map_err(Failure::into_git)
    }

    fn close(&self) -> Result<(), git2::Error> {
        Ok(())
    }
}

/// A response body as libgit2 reads it: errors in plat's words, an
/// interrupt noticed at the next read, at most `remaining` bytes.
pub(super) struct ResponseStream {
    reader: Box<dyn Read + Send>,
    target: Target,
    remaining: Option<u64>,
}

impl ResponseStream {
    fn new(reader: Box<dyn Read + Send>, target: Target, limit: Option<u64>) -> ResponseStream {
        ResponseStream {
            reader,
            target,
            remaining: limit,
        }
    }
}

impl Read for ResponseStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if crate::effects::interrupt::check().is_err() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        let want = match self.remaining {
            Some(0) => {
                return Err(Failure::new(format!(
                    "{} sent more than plat reads for a list of refs",
                    endpoint::shown(&self.target.url)
                ))
                .into_io())
            }
            Some(left) => buf.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
            None => buf.len(),
        };
        let n = self
            .reader
            .read(&mut buf[..want])
            .map_err(|e| exchange::describe_io(e, &self.target).into_io())?;
        if let Some(left) = &mut self.remaining {
            *left = left.saturating_sub(n as u64);
        }
        Ok(n)
    }
}

impl Write for ResponseStream {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("the list of refs takes no request body"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One `POST git-upload-pack` or `git-receive-pack`: libgit2 writes the
/// request, then reads the answer; the request is sent at the first read.
struct RpcStream {
    session: Arc<Mutex<Session>>,
    service: GitService,
    request: Vec<u8>,
    response: Option<ResponseStream>,
}

impl Read for RpcStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.response.is_none() {
            let response = lock(&self.session)
                .and_then(|mut s| s.rpc(self.service, &self.request))
                .map_err(Failure::into_io)?;
            self.request = Vec::new();
            self.response = Some(response);
        }
        match &mut self.response {
            Some(response) => response.read(buf),
            None => Ok(0),
        }
    }
}

impl Write for RpcStream {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.response.is_some() {
            return Err(io::Error::other("the request was already sent"));
        }
        let max = max_request(self.service);
        if self.request.len().saturating_add(data.len()) > max {
            return Err(io::Error::other(format!(
                "the {} request grew over {} MiB",
                self.service.doing(),
                max / 1024 / 1024
            )));
        }
        self.request.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `text` fit for a message: control characters (a server's bytes, a NUL)
/// as `?`, at most `max` characters.
pub(in crate::fetch) fn printable(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}
