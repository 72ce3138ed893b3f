//! Templates: where they come from (`source`), what `template.yaml` says
//! (`definition`) and how its rules treat files (`rules`), the Tera
//! environment (`tera_env`) and contexts (`context`) strings render with,
//! and rendering a whole project (`render`) into a plan (`plan`), every path
//! checked on its own (`pathcheck`) and with the others (`paths`); each
//! file's outcome on its own for `plat template lint` (`survey`); the JSON
//! Schema of template.yaml (`schema`). Pure: nothing here writes.

pub mod compose;
pub mod context;
pub mod definition;
pub mod names;
pub mod next_steps;
pub mod pathcheck;
pub mod paths;
pub mod plan;
pub mod render;
pub mod rules;
pub mod schema;
pub mod source;
pub mod spec;
pub mod tera_env;

pub use context::{Contexts, MANAGED_MARKER};
pub use definition::{Definition, NAME_VAR};
pub use plan::{FileKind, Plan, PlannedFile};
pub use render::{Engine, Scope};
pub use source::{Origin, Template};
