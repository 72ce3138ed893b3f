//! plat: the golden path on the command line.
//!
//! Layers, lowest first; each uses only those below it
//! (docs/architecture.md draws them):
//! - `util`, `error`: YAML loading, hints, dates, globs; typed errors and
//!   exit codes.
//! - `manifest`: platform.yaml's types, schema and validation.
//! - `effects`: files written (staged or replaced whole), git, interrupts
//!   and deadlines.
//! - `template`: loading, rules and rendering a template into a plan.
//! - `new` (a new project), `service` (an existing one: locate, drift,
//!   sync), and on top of them `update`, `doctor`, `authoring` (a
//!   template's own tests, a new template) and, on top of `new`, `lint`
//!   (`plat template lint`).
//! - `cli` and `commands`: the rim. The only code that parses arguments,
//!   reads the environment, prompts, prints or decides the exit code.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod authoring;
pub mod cli;
mod commands;
pub mod doctor;
pub mod effects;
pub mod error;
pub mod fetch;
pub mod lint;
pub mod manifest;
pub mod new;
pub mod service;
pub mod template;
pub mod update;
pub mod util;

pub use commands::run;
