//! The semantic checks of `pipeline`: stage names unique and well formed,
//! every stage runs something, required checks name real stages, action
//! pins are full commits, the plat job says where plat comes from.

use std::collections::{BTreeMap, HashSet};

use super::{Checker, P};
use crate::manifest::patterns::{is_action_commit, is_stage_name};
use crate::manifest::{did_you_mean, ActionPin, Pipeline, PlatTool, Stage};

pub(super) fn check_pipeline(c: &mut Checker, path: &P, p: &Pipeline) {
    if p.stages.is_empty() {
        c.report(
            &path.key("stages"),
            "`stages` is empty; add at least one stage".into(),
        );
    }
    check_stages(c, &path.key("stages"), &p.stages);
    for (i, branch) in p.triggers.branches.iter().enumerate() {
        c.not_blank(
            &path.key("triggers").key("branches").index(i),
            "a branch",
            branch,
        );
    }
    check_required(
        c,
        &path.key("requiredChecks"),
        &p.required_checks,
        &p.stages,
    );
    check_actions(c, &path.key("actions"), &p.actions);
    if let Some(plat) = &p.plat {
        check_plat(c, &path.key("plat"), plat);
    }
}

fn check_actions(c: &mut Checker, path: &P, actions: &BTreeMap<String, ActionPin>) {
    for (action, pin) in actions {
        let here = path.key(action);
        let parts: Vec<&str> = action.split('/').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty() || p.contains('@')) {
            c.report(
                &here,
                format!("{action:?} is not an action repository; write it `owner/repo`, e.g. `actions/checkout` (without `@` or a path)"),
            );
        }
        c.not_blank(
            &here.key("version"),
            "`version` (the release tag the commit is)",
            &pin.version,
        );
        if !is_action_commit(&pin.commit) {
            c.report(
                &here.key("commit"),
                format!(
                    "the pin of {action} must be a full commit SHA (40 lowercase hex digits), found {:?}; look it up with `git ls-remote https://github.com/{action} refs/tags/{}`",
                    pin.commit, pin.version
                ),
            );
        }
    }
}

fn check_plat(c: &mut Checker, path: &P, plat: &PlatTool) {
    if plat.image.is_none() && plat.install.is_none() {
        c.report(
            path,
            "`plat` needs `image` (a container image with plat) or `install` (a shell command that installs it), or both".into(),
        );
    }
    if let Some(image) = &plat.image {
        c.not_blank(&path.key("image"), "`image`", image);
    }
    if let Some(install) = &plat.install {
        c.not_blank(&path.key("install"), "`install`", install);
    }
}

fn check_stages(c: &mut Checker, path: &P, stages: &[Stage]) {
    let mut names = HashSet::new();
    for (i, stage) in stages.iter().enumerate() {
        let here = path.index(i);
        if !is_stage_name(&stage.name) {
            c.report(
                &here.key("name"),
                format!(
                    "stage name {:?} must be lowercase letters, digits, `-` and `_`, at most 63 characters",
                    stage.name
                ),
            );
        }
        if !names.insert(stage.name.as_str()) {
            c.report(
                &here.key("name"),
                format!(
                    "stage {:?} is defined twice; stage names must be unique",
                    stage.name
                ),
            );
        }
        if stage.commands.is_empty() {
            c.report(
                &here.key("commands"),
                "`commands` is empty; add at least one command".into(),
            );
        }
        for (j, command) in stage.commands.iter().enumerate() {
            c.not_blank(&here.key("commands").index(j), "a command", command);
            if command.contains("${{") {
                c.report(
                    &here.key("commands").index(j),
                    "a command must not contain `${{ ... }}`: GitHub pastes the expression into the script before the shell runs it (script injection); use the shell's own variables (`$GITHUB_REF_NAME`) or `env:` in a hand-written job instead".into(),
                );
            }
        }
    }
}

fn check_required(c: &mut Checker, path: &P, required: &[String], stages: &[Stage]) {
    let names: HashSet<&str> = stages.iter().map(|s| s.name.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, check) in required.iter().enumerate() {
        let here = path.index(i);
        if !names.contains(check.as_str()) {
            c.report(&here, not_a_stage(check, stages));
        } else if !seen.insert(check.as_str()) {
            c.report(&here, format!("required check {check:?} is listed twice"));
        }
    }
}

/// Names the likely stage, or lists them all, so the fix is obvious.
fn not_a_stage(check: &str, stages: &[Stage]) -> String {
    let mut names: Vec<String> = Vec::new();
    for stage in stages {
        let name = format!("`{}`", stage.name);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut message = format!("required check {check:?} is not a stage");
    match did_you_mean(check, stages.iter().map(|s| s.name.as_str())) {
        Some(hint) => message.push_str(&format!("; did you mean `{hint}`?")),
        None if names.is_empty() => message.push_str("; there are no stages"),
        None => message.push_str(&format!("; the stages are {}", names.join(", "))),
    }
    message
}
