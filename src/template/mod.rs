//! Templates: where they come from (`source`), what `template.yaml` says
//! (`definition`) and how its rules treat files (`rules`), the Tera
//! environment (`tera_env`) and contexts (`context`) strings render with,
//! and rendering a whole project into a plan (`render`), every path checked
//! (`pathcheck`). Pure: nothing here writes.

pub mod context;
pub mod definition;
pub mod pathcheck;
pub mod render;
pub mod rules;
pub mod source;
pub mod tera_env;

pub use context::{Contexts, MANAGED_MARKER};
pub use definition::{Definition, NAME_VAR};
pub use render::{Engine, FileKind, Plan, PlannedFile, Scope};
pub use source::{Origin, Template};
