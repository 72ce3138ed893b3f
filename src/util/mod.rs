//! Small pieces every layer uses: the one door for reading files, safe YAML
//! loading, "did you mean" hints, calendar dates, globs, slugs, diffs,
//! SARIF logs and the progress of long operations.

pub mod date;
pub mod diff;
pub mod git_url;
pub mod glob;
pub mod progress;
pub mod read;
pub mod sarif;
pub mod shell;
pub mod slug;
pub mod suggest;
pub mod yaml;
