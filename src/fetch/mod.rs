//! Templates from git: what a source string names, the cache of bare
//! repositories plat fetches into, and the network transports (smart HTTP
//! on ureq and rustls, ssh through OpenSSH), registered with libgit2 only
//! when a network source is used, so local runs never pay for them.

pub mod transport;

pub use transport::Network;
