//! One test binary for every CLI test: each module drives the real `plat`
//! binary in a scratch directory with a scrubbed environment.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // tests set up environments and print diagnostics

mod support;

mod answers;
mod authoring;
mod builtin;
mod ci_formats;
mod ci_reports;
mod cmd;
mod docs;
mod doctor;
mod doctor_update;
mod extends;
mod git;
mod hostile;
mod infra;
mod interrupt;
mod lint;
mod manifest;
mod new;
mod next_steps;
mod pipe;
mod pipeline;
mod progress;
mod prompt;
mod push;
mod rules;
mod safety;
mod schemas;
mod servers;
mod shell;
mod sources;
mod sync;
mod typos;
mod update;
