//! Doctor reports as text for people (`human`), the versioned JSON
//! document (`json`), Markdown for pull requests (`markdown`), and what CI
//! systems read: SARIF for code scanning (`sarif`), GitLab Code Quality
//! (`codequality`), GitHub workflow annotations (`github`) and JUnit XML
//! (`junit`), the last four placing findings the same way (`scope`).
//! Reports are built from findings alone.

pub mod codequality;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod scope;

pub use human::Human;
pub use scope::Scope;
