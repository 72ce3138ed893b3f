//! Smart HTTP for libgit2 on ureq and rustls. (Being built: issue 10.)

use anyhow::Result;

/// What the HTTP transport reads from the environment: proxies,
/// certificates and tokens.
#[derive(Debug, Clone, Default)]
pub struct HttpSettings {}

/// Registers `http` and `https` with libgit2.
pub(super) fn register() -> Result<()> {
    Ok(())
}
