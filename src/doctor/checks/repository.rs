//! Repository checks: git, README, .gitignore, ownership and the catalog
//! entry.

use std::path::Path;

use super::{files, ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;
use crate::effects::git::RepoState;
use crate::service::locate::Located;

/// PLAT200 and PLAT201.
pub(in crate::doctor) fn git(run: &mut Run, located: &Located) {
    match &located.repo {
        RepoState::None => {
            run.fail(
                CheckId::GitRepository,
                format!(
                    "`{}` is not in a git repository",
                    located.searched.first().unwrap_or(&located.root).display()
                ),
                None,
            );
            run.skip_after(
                &[CheckId::GitHead],
                CheckId::GitRepository,
                "not a git repository",
            );
        }
        RepoState::Bare { git_dir } => {
            let f = run.fail(
                CheckId::GitRepository,
                format!(
                    "`{}` is a bare repository: it has history but no working tree to check",
                    git_dir.display()
                ),
                None,
            );
            f.remediation = Some(
                "run plat doctor in a clone: `git clone REPO service && plat doctor service`"
                    .into(),
            );
            run.skip_after(
                &[CheckId::GitHead],
                CheckId::GitRepository,
                "a bare repository",
            );
        }
        RepoState::Unborn { workdir } => {
            run.pass(
                CheckId::GitRepository,
                format!("git repository at `{}`", workdir.display()),
            );
            run.fail(
                CheckId::GitHead,
                "the repository has no commits yet (HEAD is unborn)",
                None,
            );
        }
        RepoState::Ready { workdir } => {
            run.pass(
                CheckId::GitRepository,
                format!("git repository at `{}`", workdir.display()),
            );
            run.pass(CheckId::GitHead, "HEAD has a commit");
        }
    }
}

/// PLAT202 and PLAT203.
pub(in crate::doctor) fn files(run: &mut Run, root: &Path) {
    let readme = std::fs::read_dir(root).ok().and_then(|dir| {
        dir.flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                let lower = n.to_ascii_lowercase();
                lower == "readme" || lower.starts_with("readme.")
            })
            .min()
    });
    match readme {
        Some(name) if root.join(&name).is_file() => {
            run.pass(CheckId::Readme, format!("{name} found"))
        }
        _ => {
            run.fail(
                CheckId::Readme,
                "no README in the service's directory",
                None,
            );
        }
    }
    if root.join(".gitignore").is_file() {
        run.pass(CheckId::Gitignore, ".gitignore found");
    } else {
        run.fail(
            CheckId::Gitignore,
            "no .gitignore in the service's directory",
            None,
        );
    }
}

/// Where GitHub and GitLab look for CODEOWNERS, in their order.
pub(in crate::doctor) const CODEOWNERS_PATHS: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// The CODEOWNERS file in use, if any.
pub(in crate::doctor) fn codeowners_file(root: &Path) -> Option<&'static str> {
    CODEOWNERS_PATHS
        .iter()
        .copied()
        .find(|p| files::exists(&root.join(p)))
}

/// Whether a CODEOWNERS text names `owner` on a rule line.
pub(in crate::doctor) fn names_owner(text: &str, owner: &str) -> bool {
    let want = format!("@{}", owner.trim_start_matches('@'));
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .any(|l| {
            let mut words = l.split_whitespace();
            words.next().is_some() && words.any(|w| w.eq_ignore_ascii_case(&want))
        })
}

/// PLAT204.
pub(in crate::doctor) fn codeowners(run: &mut Run, root: &Path, doc: &ManifestDoc) {
    let owner = &doc.manifest.metadata.owner;
    let Some(path) = codeowners_file(root) else {
        run.fail(
            CheckId::Codeowners,
            format!("no CODEOWNERS file; reviews are not routed to @{owner}"),
            None,
        )
        .remediation = Some(format!(
            "add a CODEOWNERS file with `* @{owner}` (`plat doctor --fix` does it)"
        ));
        return;
    };
    match files::read_text(root, path) {
        Ok(text) if names_owner(&text, owner) => {
            run.pass(CheckId::Codeowners, format!("{path} names @{owner}"))
        }
        Ok(_) => {
            run.fail(
                CheckId::Codeowners,
                format!("{path} does not name @{owner}, the owner in platform.yaml"),
                Some(Location::file(path)),
            )
            .remediation = Some(format!(
                "add `* @{owner}` to {path} (`plat doctor --fix` does it)"
            ));
        }
        Err(e) => {
            run.fail(CheckId::Codeowners, e, Some(Location::file(path)));
        }
    }
}

/// The software catalog's entry for the service.
const CATALOG_FILE: &str = "catalog-info.yaml";

/// PLAT205: catalog-info.yaml's name, owner and lifecycle.
pub(in crate::doctor) fn catalog_info(run: &mut Run, root: &Path, doc: &ManifestDoc) {
    let Some((text, docs)) = catalog_documents(run, root) else {
        return;
    };
    let m = &doc.manifest.metadata;
    let Some(entity) = docs.iter().find(|d| {
        d.get("metadata")
            .and_then(|md| md.get("name"))
            .and_then(|n| n.as_str())
            == Some(m.name.as_str())
    }) else {
        run.fail(
            CheckId::CatalogInfo,
            format!(
                "{CATALOG_FILE} has no entity named `{}` (metadata.name)",
                m.name
            ),
            Some(Location::at(CATALOG_FILE, files::line_of(&text, "name:"))),
        );
        return;
    };
    catalog_owner(run, &text, entity, &m.owner);
    catalog_lifecycle(run, &text, entity, m.lifecycle.as_str());
    run.pass_unless_failed(
        CheckId::CatalogInfo,
        format!("{CATALOG_FILE} agrees with platform.yaml (name, owner, lifecycle)"),
    );
}

/// catalog-info.yaml's text and documents; PLAT205 fails when it is
/// missing, unreadable or does not parse.
fn catalog_documents(run: &mut Run, root: &Path) -> Option<(String, Vec<serde_yaml::Value>)> {
    if !files::exists(&root.join(CATALOG_FILE)) {
        run.fail(
            CheckId::CatalogInfo,
            format!("no {CATALOG_FILE}; the service is missing from the software catalog"),
            None,
        );
        return None;
    }
    let text = match files::read_text(root, CATALOG_FILE) {
        Ok(t) => t,
        Err(e) => {
            run.fail(CheckId::CatalogInfo, e, Some(Location::file(CATALOG_FILE)));
            return None;
        }
    };
    match files::yaml_documents(&text) {
        Ok(docs) => Some((text, docs)),
        Err((msg, line)) => {
            run.fail(
                CheckId::CatalogInfo,
                format!("{CATALOG_FILE} does not parse: {msg}"),
                Some(Location::at(CATALOG_FILE, line)),
            );
            None
        }
    }
}

/// A string under the entity's `spec`.
fn spec_field(entity: &serde_yaml::Value, key: &str) -> Option<String> {
    entity
        .get("spec")
        .and_then(|s| s.get(key))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// `value` quoted as code, or `missing`.
fn shown_or_missing(value: Option<String>) -> String {
    value.map(|v| format!("`{v}`")).unwrap_or("missing".into())
}

/// PLAT205 fails unless `spec.owner` is the manifest's owner, with or
/// without Backstage's `group:` and `default/` prefixes.
fn catalog_owner(run: &mut Run, text: &str, entity: &serde_yaml::Value, want: &str) {
    let owner = spec_field(entity, "owner");
    let owner_ok = owner.as_deref().is_some_and(|o| {
        let o = o.strip_prefix("group:").unwrap_or(o);
        let o = o.strip_prefix("default/").unwrap_or(o);
        o == want
    });
    if !owner_ok {
        run.fail(
            CheckId::CatalogInfo,
            format!(
                "{CATALOG_FILE} spec.owner is {}, platform.yaml says `{want}`",
                shown_or_missing(owner)
            ),
            Some(Location::at(CATALOG_FILE, files::line_of(text, "owner:"))),
        );
    }
}

/// PLAT205 fails unless `spec.lifecycle` is the manifest's lifecycle.
fn catalog_lifecycle(run: &mut Run, text: &str, entity: &serde_yaml::Value, want: &str) {
    let lifecycle = spec_field(entity, "lifecycle");
    if lifecycle.as_deref() != Some(want) {
        run.fail(
            CheckId::CatalogInfo,
            format!(
                "{CATALOG_FILE} spec.lifecycle is {}, platform.yaml says `{want}`",
                shown_or_missing(lifecycle)
            ),
            Some(Location::at(
                CATALOG_FILE,
                files::line_of(text, "lifecycle:"),
            )),
        );
    }
}
