//! What a ref names in a cached repository: a commit id, a tag, a branch,
//! or (none given) the remote's default branch; and the answer when it
//! names nothing.

use anyhow::Result;
use git2::{Oid, Repository};

use crate::error::InputError;
use crate::util::suggest::did_you_mean;

/// What to check out of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// The commit platform.yaml pinned: never moves.
    Commit(String),
    /// A tag, branch or commit id; `None` for the default branch.
    Ref(Option<String>),
}

/// How a ref was found in a cached repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A commit id or a tag: what it names never changes, so the cache is
    /// the answer.
    Fixed(Oid),
    /// A branch (or the default branch): the cache may be behind.
    Moving(Oid),
}

impl Found {
    pub fn commit(self) -> Oid {
        match self {
            Found::Fixed(c) | Found::Moving(c) => c,
        }
    }
}

/// Looks `want` up in `repo`; `None` when the repository lacks it.
pub fn lookup(repo: &Repository, want: &Want) -> Option<Found> {
    match want {
        Want::Commit(id) => commit_by_id(repo, id).map(Found::Fixed),
        Want::Ref(None) => head(repo).map(Found::Moving),
        Want::Ref(Some(r)) => {
            if let Some(c) = peel(repo, &format!("refs/tags/{r}")) {
                return Some(Found::Fixed(c));
            }
            if let Some(c) = peel(repo, &format!("refs/heads/{r}")) {
                return Some(Found::Moving(c));
            }
            commit_by_id(repo, r).map(Found::Fixed)
        }
    }
}

/// The commit a full or abbreviated (at least 7 digits) hex id names.
fn commit_by_id(repo: &Repository, id: &str) -> Option<Oid> {
    if id.len() < 7 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let object = repo.revparse_single(id).ok()?;
    object.peel_to_commit().ok().map(|c| c.id())
}

fn peel(repo: &Repository, name: &str) -> Option<Oid> {
    let r = repo.find_reference(name).ok()?;
    r.peel_to_commit().ok().map(|c| c.id())
}

/// The commit the default branch (HEAD) points at.
fn head(repo: &Repository) -> Option<Oid> {
    repo.head().ok()?.peel_to_commit().ok().map(|c| c.id())
}

/// The repository's tags (newest version first when they are versions)
/// and branches.
pub fn names(repo: &Repository) -> (Vec<String>, Vec<String>) {
    let list = |prefix: &str| -> Vec<String> {
        repo.references_glob(&format!("{prefix}*"))
            .map(|refs| {
                refs.flatten()
                    .filter_map(|r| r.name().ok().map(|n| n[prefix.len()..].to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut tags = list("refs/tags/");
    sort_versions(&mut tags);
    let mut branches = list("refs/heads/");
    branches.sort();
    (tags, branches)
}

/// Newest first: semantic versions (a leading `v` allowed) by version,
/// then the rest by name.
pub fn sort_versions(tags: &mut [String]) {
    let version = |t: &str| semver::Version::parse(t.strip_prefix('v').unwrap_or(t)).ok();
    tags.sort_by(|a, b| match (version(a), version(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    });
}

/// The error for a ref the repository lacks: the nearest tag or branch,
/// and what there is.
pub fn missing(repo: &Repository, want: &Want, source: &str) -> anyhow::Error {
    let (tags, branches) = names(repo);
    let listed = |v: &[String]| -> String {
        match v.len() {
            0 => "none".to_string(),
            n if n > 8 => format!("{} and {} more", v[..8].join(", "), n - 8),
            _ => v.join(", "),
        }
    };
    let what = match want {
        Want::Commit(c) => format!("commit `{c}` (recorded in platform.yaml) is not in {source}; it may have been force-pushed away"),
        Want::Ref(None) => format!("{source} has no default branch (an empty repository?)"),
        Want::Ref(Some(r)) => {
            let hint = did_you_mean(r, tags.iter().chain(&branches).map(String::as_str))
                .filter(|s| s != r)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            format!("{source} has no tag, branch or commit `{r}`; {hint}")
        }
    };
    InputError(format!(
        "{what} tags: {}; branches: {}",
        listed(&tags),
        listed(&branches)
    ))
    .into()
}

/// Writes every ref of `repo` as one `packed-refs` text, peeled tags
/// included: the form the cache keeps refs in, so one rename replaces
/// them all.
pub fn packed_refs(repo: &Repository) -> Result<String> {
    let mut refs: Vec<(String, Oid, Option<Oid>)> = Vec::new();
    for r in repo.references()? {
        let r = r?;
        let (Ok(name), Some(target)) = (r.name(), r.target()) else {
            continue;
        };
        let peeled = r
            .peel(git2::ObjectType::Commit)
            .ok()
            .map(|o| o.id())
            .filter(|p| *p != target);
        refs.push((name.to_string(), target, peeled));
    }
    refs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    for (name, target, peeled) in refs {
        out.push_str(&format!("{target} {name}\n"));
        if let Some(p) = peeled {
            out.push_str(&format!("^{p}\n"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_sort_newest_first_and_names_after() {
        let mut tags: Vec<String> = ["v1.2.0", "latest", "v1.10.0", "1.9.0", "v2.0.0-rc.1"]
            .map(String::from)
            .to_vec();
        super::sort_versions(&mut tags);
        assert_eq!(
            tags,
            ["v2.0.0-rc.1", "v1.10.0", "1.9.0", "v1.2.0", "latest"]
        );
    }
}
