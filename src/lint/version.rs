//! A version that did not change while the files did (TL014): the
//! template's tree at HEAD (a directory in a git work tree) or at the
//! commit linted (a git source) against its tree at the newest version tag
//! that commit descends from. A service records the version it was made
//! from, and `plat update` goes by versions: two different templates under
//! one version confuse both.

use git2::{Oid, Repository};
use std::path::{Path, PathBuf};

use super::definition::Places;
use super::definition::FILE;
use super::finding::{Finding, LintId};
use crate::effects::git;
use crate::fetch::Cache;
use crate::template::{Origin, Template};

/// The finding, when the template is in git and the version was not
/// raised since the newest version tag.
pub fn check(
    template: &Template,
    cache: Option<&Cache>,
    ceilings: &[PathBuf],
    places: &Places,
) -> Option<Finding> {
    let (repo, head, subdir) = match &template.origin {
        Origin::Local(root) => in_work_tree(root, ceilings)?,
        Origin::Git(spec) => {
            let repo = Repository::open_bare(cache?.entry(&spec.url)).ok()?;
            let head = Oid::from_str(spec.commit.as_deref()?).ok()?;
            (repo, head, spec.subdir.clone())
        }
        Origin::Builtin(_) => return None,
    };
    let (tag, tagged) = newest_tag(&repo, head)?;
    let now = tree_at(&repo, head, &subdir)?;
    let then = tree_at(&repo, tagged, &subdir)?;
    if now.id() == then.id() {
        return None;
    }
    let text = then
        .get_name("template.yaml")
        .and_then(|e| repo.find_blob(e.id()).ok())
        .map(|b| String::from_utf8_lossy(b.content()).into_owned())?;
    let old: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    let version = &template.definition.version;
    if old.get("version").and_then(|v| v.as_str()) != Some(version.as_str()) {
        return None;
    }
    Some(
        Finding::new(
            LintId::VersionNotBumped,
            FILE,
            format!(
                "the template's files changed since tag `{tag}`, but its version is still {version}; raise `version` before the next tag"
            ),
        )
        .at(places.at("version")),
    )
}

/// The repository of the work tree around `root`, its HEAD commit and
/// `root`'s path in it.
fn in_work_tree(root: &Path, ceilings: &[PathBuf]) -> Option<(Repository, Oid, String)> {
    let state = git::discover(root, ceilings);
    let workdir = state.workdir()?;
    let repo = Repository::open(workdir).ok()?;
    let head = repo.head().ok()?.peel_to_commit().ok()?.id();
    let rel = git::normalize(root);
    let rel = rel.strip_prefix(workdir).ok()?;
    let subdir = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Some((repo, head, subdir))
}

/// The tag with the highest version (`v1.2.0` or `1.2.0`) at `head` or
/// among its ancestors, and its commit.
fn newest_tag(repo: &Repository, head: Oid) -> Option<(String, Oid)> {
    let names = repo.tag_names(None).ok()?;
    (0..names.len())
        .filter_map(|i| names.get(i).ok().flatten())
        .filter_map(|name| {
            let version = semver::Version::parse(name.strip_prefix('v').unwrap_or(name)).ok()?;
            let commit = repo
                .revparse_single(&format!("refs/tags/{name}"))
                .ok()?
                .peel_to_commit()
                .ok()?
                .id();
            let reachable = commit == head || repo.graph_descendant_of(head, commit).ok()?;
            reachable.then(|| (version, name.to_string(), commit))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, name, commit)| (name, commit))
}

/// The tree at `subdir` of `commit` (its whole tree for "").
fn tree_at<'r>(repo: &'r Repository, commit: Oid, subdir: &str) -> Option<git2::Tree<'r>> {
    let tree = repo.find_commit(commit).ok()?.tree().ok()?;
    if subdir.is_empty() {
        return Some(tree);
    }
    let entry = tree.get_path(Path::new(subdir)).ok()?;
    repo.find_tree(entry.id()).ok()
}
