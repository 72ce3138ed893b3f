//! `plat update --all DIR`: every service under a directory (a monorepo,
//! or a checkout of many repositories), repositories in parallel, one
//! outcome per service. With a branch, each repository that changes gets
//! one commit on a new branch, ready for a pull request; a repository with
//! uncommitted changes is never touched.

use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{apply, plan, Plan, UpdateRequest, Version};
use crate::effects::git::{branch, IdentityEnv, RepoState};
use crate::service::find::{search_root, walk};
use crate::service::locate::{locate, Located};
use crate::service::relative;
use crate::template::source::Sources;
use crate::util::progress::Progress;

/// How the fleet is updated.
#[derive(Debug, Clone, Default)]
pub struct FleetOptions {
    /// Decide and report, write nothing (`--check` or `--dry-run`).
    pub write: bool,
    pub allow_dirty: bool,
    /// `--branch NAME --commit`: one commit per repository on NAME.
    pub branch: Option<String>,
    pub identity: IdentityEnv,
    pub ceilings: Vec<PathBuf>,
    pub jobs: usize,
}

/// What happened to one service.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Status {
    UpToDate {
        version: Version,
    },
    /// `--check`/`--dry-run`: there is a newer version.
    Available {
        from: Version,
        to: Version,
    },
    Updated {
        from: Version,
        to: Version,
        /// Files written, removed or written beside.
        files: usize,
        conflicts: usize,
    },
    /// Not touched: why.
    Skipped {
        reason: String,
    },
    Failed {
        error: String,
    },
}

/// One service's line of the fleet report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServiceResult {
    /// Relative to the directory searched.
    pub path: String,
    #[serde(flatten)]
    pub status: Status,
    /// The repository's working tree, relative to the directory searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The commit made on the branch, with `--branch --commit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl ServiceResult {
    /// Whether this service keeps the run from succeeding: a conflict, a
    /// failure, a skip, or (without writing) an update waiting.
    pub fn fails(&self) -> bool {
        match &self.status {
            Status::UpToDate { .. } => false,
            Status::Updated { conflicts, .. } => *conflicts > 0,
            _ => true,
        }
    }
}

/// Services grouped by the repository around them (None: not in one).
type Groups = BTreeMap<Option<PathBuf>, Vec<Located>>;

/// Updates every service under `dir`; `progress` hears of the services
/// found, and of each repository's services once they are done.
pub fn update_all(
    dir: &Path,
    req: &UpdateRequest,
    sources: &Sources,
    opts: &FleetOptions,
    progress: &dyn Progress,
) -> Result<(PathBuf, Vec<ServiceResult>)> {
    let root = search_root(dir)?;
    let found = Mutex::new(Vec::new());
    walk(&root, opts.jobs.max(1), &|p| {
        if let Ok(mut f) = found.lock() {
            f.push(p);
        }
    });
    let mut groups = Groups::new();
    let mut results = Vec::new();
    let mut manifests = found.into_inner().unwrap_or_default();
    manifests.sort();
    progress.found(manifests.len());
    for m in manifests {
        match locate(&m, &opts.ceilings) {
            Ok(l) => groups
                .entry(l.repo.workdir().map(Path::to_path_buf))
                .or_default()
                .push(l),
            Err(e) => {
                let path = relative(m.parent().unwrap_or(&m), &root);
                progress.done(1, &path);
                results.push(ServiceResult {
                    path,
                    status: Status::Failed {
                        error: format!("{e:#}"),
                    },
                    repository: None,
                    commit: None,
                })
            }
        }
    }
    let queue = Mutex::new(groups.into_iter());
    let done = Mutex::new(results);
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1) {
            scope.spawn(|| loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some((workdir, services)) = next else {
                    break;
                };
                let out = repository(&root, workdir.as_deref(), &services, req, sources, opts);
                if let Some(last) = out.last() {
                    progress.done(out.len(), &last.path);
                }
                if let Ok(mut d) = done.lock() {
                    d.extend(out);
                }
            });
        }
    });
    let mut results = done.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((root, results))
}

/// The services of one repository (or of none), one after another.
fn repository(
    root: &Path,
    workdir: Option<&Path>,
    services: &[Located],
    req: &UpdateRequest,
    sources: &Sources,
    opts: &FleetOptions,
) -> Vec<ServiceResult> {
    let repo_rel = workdir.map(|w| relative(w, root));
    let result = |l: &Located, status: Status| ServiceResult {
        path: relative(&l.root, root),
        status,
        repository: repo_rel.clone(),
        commit: None,
    };
    let committing = opts.write && opts.branch.is_some();
    if committing {
        if let Some(reason) = cannot_commit(workdir, services) {
            return services
                .iter()
                .map(|l| {
                    result(
                        l,
                        Status::Skipped {
                            reason: reason.clone(),
                        },
                    )
                })
                .collect();
        }
    }
    let mut out = Vec::new();
    let mut touched = Vec::new();
    let mut branched = false;
    for l in services {
        let planned = match plan(l, req, sources, None) {
            Ok(p) => p,
            Err(e) => {
                out.push(result(
                    l,
                    Status::Failed {
                        error: format!("{e:#}"),
                    },
                ));
                continue;
            }
        };
        let u = match planned {
            Plan::UpToDate(version) => {
                out.push(result(l, Status::UpToDate { version }));
                continue;
            }
            Plan::Update(u) if !opts.write => {
                out.push(result(
                    l,
                    Status::Available {
                        from: u.from.clone(),
                        to: u.to.clone(),
                    },
                ));
                continue;
            }
            Plan::Update(u) => u,
        };
        if let (Some(name), Some(w), false) = (&opts.branch, workdir, branched) {
            if let Err(e) = branch::start_branch(w, name) {
                out.push(result(
                    l,
                    Status::Failed {
                        error: format!("{e:#}"),
                    },
                ));
                return skip_rest(out, services, &result);
            }
            branched = true;
        }
        let written = (|| {
            if !opts.allow_dirty && !committing {
                apply::refuse_dirty(l, &u)?;
            }
            apply::apply(l, &u)
        })();
        match written {
            Ok(()) => {
                let prefix = workdir.and_then(|w| l.root.strip_prefix(w).ok());
                for f in u.touched() {
                    for p in apply::paths(f) {
                        touched.push(match prefix {
                            Some(pre) => relative(&pre.join(&p), Path::new("")),
                            None => p,
                        });
                    }
                }
                out.push(result(
                    l,
                    Status::Updated {
                        from: u.from.clone(),
                        to: u.to.clone(),
                        files: u.touched().count(),
                        conflicts: u.conflicts(),
                    },
                ));
            }
            Err(e) => out.push(result(
                l,
                Status::Failed {
                    error: format!("{e:#}"),
                },
            )),
        }
    }
    if let (true, Some(w), false) = (committing, workdir, touched.is_empty()) {
        let message = commit_message(&out);
        match branch::commit_paths(w, &touched, &message, &opts.identity) {
            Ok(commit) => {
                for r in out
                    .iter_mut()
                    .filter(|r| matches!(r.status, Status::Updated { .. }))
                {
                    r.commit = commit.clone();
                }
            }
            Err(e) => {
                for r in out
                    .iter_mut()
                    .filter(|r| matches!(r.status, Status::Updated { .. }))
                {
                    r.status = Status::Failed {
                        error: format!(
                            "the files were updated on branch {} but not committed: {e:#}",
                            opts.branch.as_deref().unwrap_or_default()
                        ),
                    };
                }
            }
        }
    }
    out
}

/// Why a repository cannot take a commit: none, or uncommitted work.
fn cannot_commit(workdir: Option<&Path>, services: &[Located]) -> Option<String> {
    let Some(w) = workdir else {
        return Some("not in a git repository; --commit needs one".into());
    };
    if services
        .iter()
        .any(|l| !matches!(l.repo, RepoState::Ready { .. }))
    {
        return Some("the repository has no commit to branch from".into());
    }
    match branch::uncommitted(w) {
        Ok(dirty) if dirty.is_empty() => None,
        Ok(dirty) => Some(format!(
            "the repository has uncommitted changes ({}{}); commit or stash them, then run again",
            dirty.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if dirty.len() > 3 { ", ..." } else { "" }
        )),
        Err(e) => Some(format!("{e:#}")),
    }
}

/// Every service not yet reported, skipped after the repository failed.
fn skip_rest(
    mut out: Vec<ServiceResult>,
    services: &[Located],
    result: &dyn Fn(&Located, Status) -> ServiceResult,
) -> Vec<ServiceResult> {
    for l in services.iter().skip(out.len()) {
        out.push(result(
            l,
            Status::Skipped {
                reason: "the repository's branch could not be made".into(),
            },
        ));
    }
    out
}

/// `plat update: svc 0.2.0 -> 0.3.0` and one line per service.
fn commit_message(results: &[ServiceResult]) -> String {
    let updated: Vec<(&str, &Version, &Version, usize)> = results
        .iter()
        .filter_map(|r| match &r.status {
            Status::Updated {
                from,
                to,
                conflicts,
                ..
            } => Some((r.path.as_str(), from, to, *conflicts)),
            _ => None,
        })
        .collect();
    let title = match updated.as_slice() {
        [(_, from, to, _)] => format!(
            "plat update: {} {} -> {}",
            from.name, from.version, to.version
        ),
        _ => format!("plat update: {} services", updated.len()),
    };
    let mut body = String::new();
    for (path, from, to, conflicts) in &updated {
        body.push_str(&format!("\n- {path}: {from} -> {to}"));
        if *conflicts > 0 {
            body.push_str(&format!(" ({conflicts} conflicts to resolve)"));
        }
    }
    format!("{title}\n{body}\n\nMade by plat update --all.\n")
}
