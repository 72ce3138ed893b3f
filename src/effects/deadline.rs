//! Deadlines for work a hostile template could make endless (rendering,
//! checking). The work runs under [`within`]; the rim watches [`expired`]
//! and, when the time is up, abandons the work (see `interrupt::abandon`):
//! a stuck render cannot be stopped from inside, only left behind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::InputError;

#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    task: &'static str,
    timeout: Duration,
}

static CURRENT: Mutex<Option<Deadline>> = Mutex::new(None);
/// Work in progress that the deadline does not count: fetches, which have
/// their own timeouts.
static PAUSED: AtomicUsize = AtomicUsize::new(0);

/// Runs `work` (`task` names it in the error) with a deadline of `timeout`.
/// An enclosing deadline stays in force.
pub fn within<T>(task: &'static str, timeout: Duration, work: impl FnOnce() -> T) -> T {
    let set = {
        let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
        let outer = current.is_some();
        if !outer {
            *current = Some(Deadline {
                at: Instant::now() + timeout,
                task,
                timeout,
            });
        }
        !outer
    };
    let result = work();
    if set {
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
    result
}

/// Runs `work` (a fetch: the network has its own timeouts, and a slow
/// server is no endless template) without the clock running: the
/// current deadline moves back by the time it took.
pub fn paused<T>(work: impl FnOnce() -> T) -> T {
    PAUSED.fetch_add(1, Ordering::SeqCst);
    let start = Instant::now();
    let result = work();
    if let Some(d) = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        d.at += start.elapsed();
    }
    PAUSED.fetch_sub(1, Ordering::SeqCst);
    result
}

/// When the current deadline falls, if one is set and running.
pub fn next() -> Option<Instant> {
    if PAUSED.load(Ordering::SeqCst) > 0 {
        return None;
    }
    CURRENT.lock().ok().and_then(|c| c.map(|d| d.at))
}

/// The error for a deadline that has passed, if it has.
pub fn expired() -> Option<anyhow::Error> {
    if PAUSED.load(Ordering::SeqCst) > 0 {
        return None;
    }
    let d = (*CURRENT.lock().ok()?)?;
    (Instant::now() >= d.at).then(|| {
        InputError(format!(
            "{} took longer than {} seconds; the template probably loops without end (check its `for` loops and components); nothing was written",
            d.task,
            d.timeout.as_secs_f64()
        ))
        .into()
    })
}
