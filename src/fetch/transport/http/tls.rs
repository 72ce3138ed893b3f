//! TLS for the https transport: rustls with ring, the platform's
//! certificate verifier (the system's trust store) plus the certificate
//! authorities the user names (`SSL_CERT_FILE`, `SSL_CERT_DIR`,
//! `GIT_SSL_CAINFO`, git's `http.sslCAInfo`), as a ureq connector. The
//! configuration is built at the first https connection, never before: a
//! run that fetches nothing over https pays nothing for it.

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// Largest certificate file plat reads.
const MAX_CA_FILE: u64 = 16 * 1024 * 1024;

/// Certificate authorities to trust besides the system's, each with the
/// setting that named it (for messages).
#[derive(Debug, Clone, Default)]
pub(super) struct ExtraRoots {
    pub(super) files: Vec<(&'static str, PathBuf)>,
    pub(super) dirs: Vec<(&'static str, PathBuf)>,
}

/// The rustls configuration of this process, built once.
static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();

fn client_config(roots: &ExtraRoots) -> Result<Arc<ClientConfig>, String> {
    CONFIG.get_or_init(|| build(roots)).clone()
}

fn build(roots: &ExtraRoots) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = load(roots)?;
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| format!("loading the system's certificate authorities: {e}"))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("setting up TLS: {e}"))?
        .dangerous() // the platform verifier is the safe one; rustls names any custom verifier so
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Every certificate in the named files and directories. A named file
/// that cannot be read, or holds no certificate, is an error naming it.
fn load(roots: &ExtraRoots) -> Result<Vec<CertificateDer<'static>>, String> {
    let mut certs = Vec::new();
    for (source, file) in &roots.files {
        let found =
            pem_file(file).map_err(|e| format!("{source} names {}: {e}", file.display()))?;
        if found.is_empty() {
            return Err(format!(
                "{source} names {}, which holds no certificate",
                file.display()
            ));
        }
        certs.extend(found);
    }
    for (source, dir) in &roots.dirs {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("{source} names {}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            // OpenSSL's directories also hold other files: skip what is not PEM.
            certs.extend(pem_file(&entry.path()).unwrap_or_default());
        }
    }
    Ok(certs)
}

/// The PEM certificates in `path` (a regular file of sane size).
fn pem_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject as _;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() || meta.len() > MAX_CA_FILE {
        return Err("not a certificate file".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CA_FILE)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect())
}

/// The ureq connector that wraps a connection to an https URL in TLS.
#[derive(Debug)]
pub(super) struct TlsConnector {
    pub(super) roots: ExtraRoots,
}

/// Why the TLS layer could not start, as ureq carries it.
#[derive(Debug)]
pub(super) struct SetupFailed(pub(super) String);

impl std::fmt::Display for SetupFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupFailed {}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let other = |e: String| ureq::Error::Other(Box::new(SetupFailed(e)));
        let config = client_config(&self.roots).map_err(other)?;
        let host = details.uri.host().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host)
            .map_err(|_| {
                other(format!(
                    "`{}` is not a host name TLS can check",
                    super::printable(host, 100)
                ))
            })?
            .to_owned();
        let conn = ClientConnection::new(config, name).map_err(|e| other(e.to_string()))?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        let mut stream = StreamOwned::new(conn, sock);
        stream.conn.complete_io(&mut stream.sock)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport { buffers, stream })))
    }
}

/// A TLS connection as a ureq transport.
pub(super) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = self.buffers.output().get(..amount).unwrap_or_default();
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
