//! Dynamic completion: a shell that sourced plat's registration script
//! (`plat completions SHELL`, or `COMPLETE=SHELL plat`) calls plat back with
//! `COMPLETE` set and the words of the command line, and plat answers with
//! the candidates: template names (built-ins, then the templates of the
//! catalogues in plat's config), and for `--set` the variables of the
//! template already on the line. Completion reads only the disk: git
//! sources come from plat's cache or not at all; it never fetches, never
//! prompts and prints no errors, since whatever it prints is a candidate.
#![allow(clippy::disallowed_methods)] // the current directory, for the shell's words

use clap::{ArgMatches, CommandFactory as _};
use clap_complete::engine::{
    ArgValueCompleter, CompletionCandidate, PathCompleter, ValueCompleter as _,
};
use clap_complete::env::{CompleteEnv, Shells};
use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::config::{self, Config};
use super::environment::Environment;
use crate::cli::Cli;
use crate::error::exit;
use crate::fetch::{refs, Cache, Freshness, Silent};
use crate::service::drift;
use crate::service::locate::locate;
use crate::service::sync;
use crate::template::definition::{VarType, Variable, NAME_VAR};
use crate::template::source::{self, Sources, Template};
use crate::template::spec::{Aliases, Spec};

/// The environment variable that turns a run into a completion request.
const VAR: &str = "COMPLETE";

/// The words of the command line being completed, as the shell sent them.
static WORDS: OnceLock<Vec<OsString>> = OnceLock::new();
/// How plat was called (`argv[0]`): the program the scripts call back.
static PROGRAM: OnceLock<OsString> = OnceLock::new();

/// Answers a completion request when `COMPLETE` is set: the registration
/// script (no words) or the candidates (words after `--`); None when this
/// is an ordinary run.
pub fn respond(args: &[OsString]) -> Option<u8> {
    // How plat was run, for the path `plat completions` registers.
    if let Some(first) = args.first() {
        let _ = PROGRAM.set(first.clone());
    }
    // An ordinary run: nothing more to do.
    std::env::var_os(VAR)?;
    if let Some(dash) = args.iter().position(|a| a == "--") {
        let _ = WORDS.set(args[dash + 1..].to_vec());
    }
    let cwd = std::env::current_dir().ok();
    match CompleteEnv::with_factory(command)
        .var(VAR)
        .bin("plat")
        .try_complete(args.iter().cloned(), cwd.as_deref())
    {
        Ok(true) => Some(exit::SUCCESS),
        Ok(false) => None,
        Err(e) => {
            let _ = e.print();
            Some(exit::INPUT)
        }
    }
}

/// The registration script for `shell`: what `COMPLETE=SHELL plat` prints.
/// It calls plat back on every TAB, so it never goes stale as templates
/// change; only a new plat may change how it is called.
pub fn registration(shell: clap_complete::Shell) -> std::io::Result<Vec<u8>> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let completer = shells
        .completer(&name)
        .ok_or_else(|| std::io::Error::other(format!("no dynamic completion for {name}")))?;
    let mut script = Vec::new();
    completer.write_registration(VAR, "plat", "plat", &program(), &mut script)?;
    Ok(script)
}

/// How the registration script calls plat: as it was called, a relative
/// path made absolute (as clap_complete does for `COMPLETE=SHELL plat`).
fn program() -> String {
    let called = PROGRAM
        .get()
        .cloned()
        .unwrap_or_else(|| OsString::from("plat"));
    let mut path = std::path::PathBuf::from(called);
    if path.components().count() > 1 {
        if let Ok(cwd) = std::env::current_dir() {
            path = cwd.join(path);
        }
    }
    path.to_string_lossy().into_owned()
}

/// plat's command line with its completers attached: the template
/// arguments complete template names (or paths), `--set` the variables of
/// the template on the line.
pub fn command() -> clap::Command {
    let template = |a: clap::Arg| a.add(ArgValueCompleter::new(template_names));
    Cli::command()
        .mut_subcommand("new", |c| {
            // Changing an argument moves it last: the positionals keep
            // their places by index.
            c.mut_arg("template", |a| template(a).index(1))
                .mut_arg("name", |a| a.index(2))
                .mut_arg("set", |a| a.add(ArgValueCompleter::new(set_values)))
        })
        .mut_subcommand("templates", |c| {
            c.mut_subcommand("show", |c| c.mut_arg("template", template))
        })
        .mut_subcommand("template", |c| {
            c.mut_subcommand("lint", |c| c.mut_arg("template", template))
        })
        .mut_subcommand("update", |c| {
            c.mut_arg("to", |a| a.add(ArgValueCompleter::new(update_targets)))
        })
        .mut_subcommand("doctor", |c| c.mut_arg("template", template))
        .mut_subcommand("sync", |c| c.mut_arg("template", template))
}

/// What a template argument may be: a path when the word starts like one,
/// else the built-ins and the catalogues' templates (from the cache).
fn template_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(text) = current.to_str() else {
        return Vec::new();
    };
    if text.starts_with(['.', '/', '~']) {
        return PathCompleter::dir().complete(current);
    }
    let (_, config, sources) = offline();
    let mut names: Vec<CompletionCandidate> = source::builtin_names()
        .into_iter()
        .map(|name| {
            let about = source::load_builtin(name)
                .map(|t| t.definition.description)
                .unwrap_or_default();
            candidate(name, &about)
        })
        .collect();
    for text in &config.catalogs {
        let Ok(spec) = config.catalogue(text, &sources) else {
            continue;
        };
        if let Ok(catalogue) = sources.catalogue(&spec) {
            names.extend(catalogue.templates.into_iter().map(|(source, t)| {
                let about = t.map(|t| t.definition.description).unwrap_or_default();
                candidate(&source, &about)
            }));
        }
    }
    names.retain(|c| c.get_value().to_string_lossy().starts_with(text));
    if text.contains('/') {
        names.extend(PathCompleter::dir().complete(current));
    }
    names
}

/// `update --to`: the versions of the service's template newer than the
/// one platform.yaml records, newest first: the releases of a built-in
/// this plat carries, or the tags of a git source in plat's cache.
fn update_targets(current: &OsStr) -> Vec<CompletionCandidate> {
    let text = current.to_str().unwrap_or_default();
    let mut versions = recorded_targets().unwrap_or_default();
    versions.retain(|v| v.starts_with(text));
    versions.into_iter().map(CompletionCandidate::new).collect()
}

fn recorded_targets() -> Option<Vec<String>> {
    let line = line()?;
    let (_, update) = line.subcommand().filter(|(name, _)| *name == "update")?;
    let dir = update
        .try_get_one::<PathBuf>("path")
        .ok()
        .flatten()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let (env, _, sources) = offline();
    let located = locate(&dir, &env.ceilings).ok()?;
    let (_, manifest) = sync::read_manifest(&located.root, located.manifest.as_ref()?).ok()?;
    let recorded = manifest.template?;
    let newer = |v: &String| {
        let bare = v.strip_prefix('v').unwrap_or(v);
        drift::order(&recorded.version, bare) == std::cmp::Ordering::Less
    };
    let mut versions = match Spec::recorded(&recorded, &located.root).ok()? {
        Spec::Builtin(name) | Spec::BuiltinAt { name, .. } => {
            source::builtin_versions(&name).into_iter().rev().collect()
        }
        Spec::Git(git) => {
            let latest = sources
                .cache
                .as_ref()?
                .latest(&git.url, sources.freshness, &sources.network, &Silent)
                .ok()?;
            refs::names(&latest.repo).0
        }
        Spec::Local(_) => Vec::new(),
    };
    versions.retain(newer);
    Some(versions)
}

/// `--set`: `KEY=` for each variable not set yet; after `KEY=`, the
/// choices of a choice or boolean variable.
fn set_values(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(text) = current.to_str() else {
        return Vec::new();
    };
    let Some(template) = template_on_line() else {
        return Vec::new();
    };
    let variables = &template.definition.variables;
    if let Some((key, value)) = text.split_once('=') {
        let Some(var) = variables.iter().find(|v| v.name == key) else {
            return Vec::new();
        };
        return choices(var)
            .into_iter()
            .filter(|c| c.starts_with(value))
            .map(|c| CompletionCandidate::new(format!("{key}={c}")))
            .collect();
    }
    let given = already_set();
    variables
        .iter()
        .filter(|v| v.name != NAME_VAR && v.name.starts_with(text) && !given.contains(&v.name))
        .map(|v| candidate(&format!("{}=", v.name), &v.help))
        .collect()
}

fn choices(var: &Variable) -> Vec<String> {
    match var.kind {
        VarType::Boolean => vec!["true".into(), "false".into()],
        VarType::Choice => var.choices.clone(),
        _ => Vec::new(),
    }
}

fn candidate(value: &str, help: &str) -> CompletionCandidate {
    let first = help.lines().next().unwrap_or_default();
    CompletionCandidate::new(value)
        .help((!first.is_empty()).then(|| clap::builder::StyledStr::from(first.to_string())))
}

/// The command line being completed, parsed as far as it goes.
fn line() -> Option<ArgMatches> {
    let words = WORDS.get()?;
    command()
        .ignore_errors(true)
        .try_get_matches_from(words)
        .ok()
}

/// The template `plat new` names on the line, if it loads without the
/// network.
fn template_on_line() -> Option<Template> {
    let line = line()?;
    let (_, new) = line.subcommand().filter(|(name, _)| *name == "new")?;
    let text = new.try_get_one::<String>("template").ok()??;
    let reference = new
        .try_get_one::<String>("reference")
        .ok()
        .flatten()
        .cloned();
    let (_, _, sources) = offline();
    let spec = sources.parse(text, reference.as_deref()).ok()?;
    sources.load(&spec).ok()
}

/// The keys `--set` already answers on the line.
fn already_set() -> BTreeSet<String> {
    let Some(line) = line() else {
        return BTreeSet::new();
    };
    let Some((_, new)) = line.subcommand() else {
        return BTreeSet::new();
    };
    new.try_get_many::<String>("set")
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .filter_map(|kv| kv.split_once('=').map(|(k, _)| k.to_string()))
        .collect()
}

/// plat's config and template sources for completing: offline, silent,
/// git sources from the cache alone. A config that does not load is no
/// config: completion has nowhere to say why.
fn offline() -> (Environment, Config, Sources) {
    let env = Environment::read();
    let config = config::load(&env).unwrap_or_default();
    let mut network = env.network(true).unwrap_or_default();
    network.offline = true;
    let sources = Sources {
        aliases: Aliases(config.sources.clone()),
        cache: env.cache_dir().map(Cache::new),
        freshness: Freshness {
            offline: true,
            refresh: false,
        },
        network,
        reporter: Arc::new(Silent),
    };
    (env, config, sources)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_completers_attach_to_arguments_that_exist() {
        super::command().debug_assert();
    }

    #[test]
    fn every_shell_has_a_registration_script() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
            clap_complete::Shell::Elvish,
        ] {
            let script = super::registration(shell).unwrap();
            assert!(
                String::from_utf8_lossy(&script).contains("COMPLETE"),
                "{shell}"
            );
        }
    }
}
