//! `plat doctor --fix`: the safe, mechanical repairs. Managed files come
//! back in step with platform.yaml (as `plat sync` does) and a missing
//! CODEOWNERS entry is added; scaffolded files are never touched.

use anyhow::{bail, Result};

use super::check_id::CheckId;
use super::checks::repository::{codeowners_file, names_owner};
use super::finding::ServiceReport;
use crate::error::InputError;
use crate::service::drift::{Change, ChangeKind, Upgrade};
use crate::service::locate::Located;
use crate::service::sync;
use crate::util::read::{self, Input};

/// What `--fix` changed.
pub struct Fixed {
    pub changes: Vec<Change>,
    pub upgrade: Option<Upgrade>,
}

/// The changes that repair `report`'s fixable findings.
pub fn plan(report: &ServiceReport) -> Result<Vec<Change>> {
    // Only drift that counts: a suppressed or disabled finding stays as it is.
    let mut changes: Vec<Change> = report
        .changes
        .iter()
        .filter(|c| {
            let id = match c.kind {
                ChangeKind::Update => CheckId::ManagedDrift,
                ChangeKind::Create => CheckId::ManagedMissing,
                ChangeKind::Remove => CheckId::ManagedStale,
            };
            report.findings.iter().any(|f| {
                f.id == id && f.counts() && f.location.as_ref().is_some_and(|l| l.path == c.path)
            })
        })
        .cloned()
        .collect();
    if let (true, Some(owner)) = (report.counts(CheckId::Codeowners), report.owner.as_deref()) {
        let path = codeowners_file(&report.root).unwrap_or("CODEOWNERS");
        let rendered = changes
            .iter()
            .find(|c| c.path == path && c.kind != ChangeKind::Remove)
            .is_some_and(|c| names_owner(&String::from_utf8_lossy(&c.new), owner));
        if !rendered {
            let full = report.root.join(path);
            let (kind, old) = match read::open_in(&report.root, &full)
                .and_then(|f| f.read_all(Input::ServiceFile))
            {
                Ok(old) => (ChangeKind::Update, old),
                Err(r) if r.is_missing() => (ChangeKind::Create, Vec::new()),
                Err(r) => return Err(r.into_error(&full, Input::ServiceFile)),
            };
            let Ok(text) = std::str::from_utf8(&old) else {
                bail!(InputError(format!(
                    "{path} is not UTF-8 text, so plat will not edit it; add `* @{owner}` to it by hand"
                )));
            };
            let new = with_owner(text, owner);
            changes.retain(|c| c.path != path);
            changes.push(Change {
                path: path.to_string(),
                kind,
                old,
                new: new.into_bytes(),
                executable: false,
            });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

/// CODEOWNERS with `* @owner` as its first rule, so the more specific
/// rules after it still win (the last matching rule applies).
fn with_owner(text: &str, owner: &str) -> String {
    let entry = format!("* @{}\n", owner.trim_start_matches('@'));
    let mut out = String::with_capacity(text.len() + entry.len());
    let mut inserted = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !inserted && !t.is_empty() && !t.starts_with('#') {
            out.push_str(&entry);
            inserted = true;
        }
        out.push_str(line);
    }
    if !inserted {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&entry);
    }
    out
}

/// Applies the fixes for `report` (refusing uncommitted files unless
/// `allow_dirty`).
pub fn apply(located: &Located, report: &ServiceReport, allow_dirty: bool) -> Result<Fixed> {
    let changes = plan(report)?;
    let upgrade = report
        .upgrade
        .clone()
        .filter(|_| report.counts(CheckId::TemplateVersion));
    sync::refuse_dirty(located, &changes, allow_dirty)?;
    sync::apply(located, &changes, upgrade.as_ref())?;
    Ok(Fixed { changes, upgrade })
}

#[cfg(test)]
mod tests {
    use super::with_owner;

    #[test]
    fn the_owner_entry_goes_first_after_comments() {
        assert_eq!(with_owner("", "team-a"), "* @team-a\n");
        assert_eq!(
            with_owner("# owners\n/docs @writers\n", "team-a"),
            "# owners\n* @team-a\n/docs @writers\n"
        );
        assert_eq!(
            with_owner("# only comments", "x"),
            "# only comments\n* @x\n"
        );
    }
}
