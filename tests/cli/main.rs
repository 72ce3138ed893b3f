//! One test binary for every CLI test: each module drives the real `plat`
//! binary in a scratch directory with a scrubbed environment.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // tests set up environments and print diagnostics

mod support;

mod answers;
mod authoring;
mod builtin;
mod cmd;
mod doctor;
mod doctor_update;
mod extends;
mod git;
mod hostile;
mod interrupt;
mod lint;
mod manifest;
mod new;
mod pipe;
mod progress;
mod prompt;
mod rules;
mod safety;
mod servers;
mod shell;
mod sources;
mod sync;
mod typos;
mod update;
