//! How far a long operation over many items (`doctor --all`, `update
//! --all`) has got, for whoever shows it: the core calls a [`Progress`],
//! the rim decides whether anything is drawn.

/// Hears how many items there are and how many are done. Every method has
/// a default that does nothing.
pub trait Progress: Sync {
    /// `n` more items were found.
    fn found(&self, _n: usize) {}
    /// `n` more items are done; `last` names the last of them.
    fn done(&self, _n: usize, _last: &str) {}
}

/// Nobody is watching.
pub struct Unwatched;

impl Progress for Unwatched {}
