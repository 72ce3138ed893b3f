//! Doctor reports as text for people (`human`), the versioned JSON
//! document (`json`), SARIF for code scanning (`sarif`) and Markdown for
//! pull requests (`markdown`). Reports are built from findings alone.

pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

pub use human::Human;
