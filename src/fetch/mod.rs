//! Templates from git: URLs (`url`), the cache of bare repositories plat
//! fetches into (`cache`, `download`), what a ref names there (`refs`),
//! the network transports (smart HTTP on ureq and rustls, ssh through
//! OpenSSH), registered with libgit2 only when a network source is used,
//! so local runs never pay for them, and the one push plat makes
//! (`push`: a new service's first branch, `plat new --push`).

pub mod cache;
mod download;
pub mod push;
pub mod refs;
pub mod transport;

pub use cache::{Cache, Freshness, Resolved};
pub use refs::Want;
pub use transport::Network;

/// Hears what a fetch is doing, for a progress bar and notes on stderr.
/// Every method has a default that does nothing.
pub trait Reporter: Sync {
    /// A fetch from `url` (credential-free) begins.
    fn fetch_started(&self, _url: &str) {}
    /// Objects received so far, of `total`, and bytes.
    fn progress(&self, _received: usize, _total: usize, _bytes: usize) {}
    /// The fetch ended, well or not.
    fn fetch_finished(&self) {}
    /// Something the user should know: a fallback to the cache, a damaged
    /// entry fetched afresh.
    fn note(&self, _message: String) {}
}

/// A reporter that hears nothing.
pub struct Silent;

impl Reporter for Silent {}

/// A fetch (or push) that failed: the server could not be reached, refused, or
/// broke off. The message names the URL without credentials.
#[derive(Debug)]
pub struct FetchFailed(pub String);

impl std::fmt::Display for FetchFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchFailed {}
