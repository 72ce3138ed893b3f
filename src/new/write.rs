//! Writing a plan: every file into a staging directory beside the target,
//! the first commit made there, then one rename into place. `--force` into
//! an existing directory stages the same way and moves only the template's
//! files. An error or interrupt at any point removes the staging directory.
//! `--remote` becomes `origin` with the first commit, in the same step.

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

use super::{not_empty, NewRequest};
use crate::effects::git::{self, Committed, GitOutcome, RepoState};
use crate::effects::staging::{self, Staging, TargetState};
use crate::error::InputError;
use crate::template::Plan;

/// Writes `plan` as `req` says; `message` is the first commit's.
pub fn write(req: &NewRequest, plan: &Plan, message: &str) -> Result<GitOutcome> {
    let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
    let state = staging::target_state(&req.target)?;
    if state == TargetState::NonEmpty {
        if !req.force {
            bail!(InputError(not_empty(req)));
        }
        staging::check_obstacles(&req.target, &paths)?;
    }
    let repository = enclosing_repository(req);
    let mut staged = Staging::beside(&req.target)?;
    for f in &plan.files {
        staged.write_file(&f.path, &f.contents, f.executable)?;
    }
    let files = committed(plan);
    let commit = |dir: &Path| -> Result<GitOutcome> {
        let outcome = git::first_commit(dir, &req.branch, &files, message, &req.identity)?;
        if let Some(remote) = &req.remote {
            git::remote::add_origin(dir, &remote.url.to_string())?;
        }
        Ok(outcome)
    };
    // A new repository is built in the staging directory, so it is part of
    // the all-or-nothing step; `--force` into an existing directory adds
    // the files after they are moved.
    let fresh = state != TargetState::NonEmpty;
    let new_repo = req.git && repository.is_none();
    let mut outcome = match repository {
        Some(repository) => GitOutcome::InsideRepository { repository },
        None => GitOutcome::Disabled,
    };
    if new_repo && fresh {
        outcome = commit(staged.path())?;
    }
    if fresh {
        staged.publish(&req.target)?;
    } else {
        staged.move_into(&req.target, &paths)?;
        if new_repo {
            outcome = commit(&req.target)?;
        }
    }
    Ok(outcome)
}

/// The repository the target lies in, if any and if git is on: plat
/// then makes no repository of its own.
fn enclosing_repository(req: &NewRequest) -> Option<PathBuf> {
    match git::enclosing(&req.target, &req.ceilings) {
        _ if !req.git => None,
        RepoState::None => None,
        RepoState::Bare { git_dir } => Some(git_dir),
        RepoState::Unborn { workdir } | RepoState::Ready { workdir } => Some(workdir),
    }
}

/// The plan's files as the first commit holds them.
fn committed(plan: &Plan) -> Vec<Committed<'_>> {
    plan.files
        .iter()
        .map(|f| Committed {
            path: &f.path,
            contents: &f.contents,
            executable: f.executable,
        })
        .collect()
}
