//! The manifest checks, in order, each the next one's prerequisite:
//! present (PLAT100), parses (PLAT101), supported apiVersion (PLAT103),
//! valid (PLAT102); and the owner (PLAT104).

use std::path::Path;

use super::{Location, ManifestDoc, Run};
use crate::manifest::{self, Manifest, Positions};
use crate::service::{Located, RepoState};

/// The manifest as far as it could be read.
pub(super) struct State {
    pub text: String,
    pub value: serde_yaml::Value,
    pub parsed: Option<Manifest>,
    /// Why the checks that need a valid manifest are skipped.
    pub blocked: Option<String>,
}

pub(super) fn read(run: &mut Run, located: &Located) -> State {
    let mut text = String::new();
    let mut value = serde_yaml::Value::Null;
    let mut parsed: Option<Manifest> = None;
    let mut blocked: Option<String> = None;
    match &located.manifest {
        None => {
            let top = located.searched.last().map(|p| p.display().to_string());
            let near = located
                .searched
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let msg = match (&located.repo, top) {
                (RepoState::Ready { .. } | RepoState::Unborn { .. }, Some(top)) if top != near => {
                    format!("no platform.yaml in `{near}` or any directory above it up to the repository root `{top}`")
                }
                (RepoState::Ready { .. } | RepoState::Unborn { .. }, _) => {
                    format!("no platform.yaml at the repository root `{near}`")
                }
                _ => format!(
                    "no platform.yaml in `{near}` (outside a git repository plat looks only there)"
                ),
            };
            run.fail("PLAT100", msg, None);
            run.skip(
                &["PLAT101", "PLAT102", "PLAT103"],
                "platform.yaml is missing (PLAT100)",
            );
            blocked = Some("platform.yaml is missing (PLAT100)".into());
        }
        Some(path) => {
            run.pass("PLAT100", "platform.yaml found");
            match text_of(path) {
                Err(msg) => {
                    run.fail(
                        "PLAT101",
                        msg,
                        Some(Location::file(crate::scaffold::MANIFEST_FILE)),
                    );
                }
                Ok(t) => text = t,
            }
            if !run.failed("PLAT101") {
                match parse_yaml(&text) {
                    Ok(v) => {
                        run.pass("PLAT101", "platform.yaml parses");
                        value = v;
                    }
                    Err(p) => {
                        run.fail(
                            "PLAT101",
                            format!("platform.yaml does not parse: {}", p.message),
                            Some(Location::at(crate::scaffold::MANIFEST_FILE, p.line)),
                        );
                    }
                }
            }
            if run.failed("PLAT101") {
                run.skip(
                    &["PLAT102", "PLAT103"],
                    "platform.yaml does not parse (PLAT101)",
                );
                blocked = Some("platform.yaml does not parse (PLAT101)".into());
            } else if let Some(msg) = api_version_problem(&value) {
                let positions = Positions::of(&text);
                let field = if msg.starts_with("kind") {
                    "kind"
                } else {
                    "apiVersion"
                };
                run.fail(
                    "PLAT103",
                    msg,
                    Some(Location::at(
                        crate::scaffold::MANIFEST_FILE,
                        positions.line(field),
                    )),
                );
                run.skip(
                    &["PLAT102"],
                    "platform.yaml's apiVersion is not supported (PLAT103)",
                );
                blocked = Some("platform.yaml's apiVersion is not supported (PLAT103)".into());
            } else {
                run.pass("PLAT103", format!("apiVersion {}", manifest::API_VERSION));
                match manifest::parse_loaded(&text, value.clone()) {
                    Ok(m) => {
                        run.pass("PLAT102", "platform.yaml is valid");
                        parsed = Some(m);
                    }
                    Err(problems) => {
                        for p in problems {
                            let field = if p.path.is_empty() {
                                String::new()
                            } else {
                                format!("`{}`: ", p.path)
                            };
                            run.fail(
                                "PLAT102",
                                format!("{field}{}", p.message),
                                Some(Location::at(crate::scaffold::MANIFEST_FILE, p.line)),
                            );
                        }
                        blocked = Some("platform.yaml is not valid (PLAT102)".into());
                    }
                }
            }
        }
    }

    State {
        text,
        value,
        parsed,
        blocked,
    }
}

fn text_of(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() > manifest::MAX_MANIFEST_BYTES {
        return Err(format!(
            "platform.yaml is {} bytes, more than the {} plat reads; is this the right file?",
            bytes.len(),
            manifest::MAX_MANIFEST_BYTES
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "platform.yaml is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// platform.yaml as a YAML mapping, or why not.
fn parse_yaml(text: &str) -> Result<serde_yaml::Value, manifest::Problem> {
    let whole = |message: &str, line| manifest::Problem {
        path: String::new(),
        line,
        column: None,
        message: message.into(),
    };
    match manifest::load_yaml(text)? {
        v @ serde_yaml::Value::Mapping(_) => Ok(v),
        serde_yaml::Value::Null => Err(whole(
            "the file is empty; it needs apiVersion, kind and metadata",
            None,
        )),
        _ => Err(whole("the document is not a mapping of fields", Some(1))),
    }
}

fn api_version_problem(value: &serde_yaml::Value) -> Option<String> {
    let api = value.get("apiVersion").and_then(|v| v.as_str());
    match api {
        None => {
            return Some(format!(
                "apiVersion is missing; add `apiVersion: {}`",
                manifest::API_VERSION
            ))
        }
        Some(v) if v != manifest::API_VERSION => {
            return Some(format!(
                "apiVersion `{v}` is not supported; this plat reads `{}`{}",
                manifest::API_VERSION,
                if v.starts_with("plat.dev/") {
                    " (a newer plat may read it)"
                } else {
                    ""
                }
            ))
        }
        _ => {}
    }
    match value.get("kind").and_then(|v| v.as_str()) {
        Some(manifest::KIND) => None,
        Some(k) => Some(format!(
            "kind `{k}` is not supported; platform.yaml describes a `{}`",
            manifest::KIND
        )),
        None => Some(format!("kind is missing; add `kind: {}`", manifest::KIND)),
    }
}

const PLACEHOLDERS: &[&str] = &[
    "todo",
    "tbd",
    "fixme",
    "changeme",
    "change-me",
    "owner",
    "team",
    "team-name",
    "my-team",
    "your-team",
    "example",
    "example-team",
    "unknown",
    "none",
    "nobody",
    "default",
    "placeholder",
    "xxx",
];

/// Whether an owner is a placeholder rather than a team.
fn is_placeholder(owner: &str) -> bool {
    let o = owner.trim().trim_start_matches('@').to_ascii_lowercase();
    let last = o.rsplit('/').next().unwrap_or(&o);
    o.is_empty()
        || o.contains(['<', '>', '{', '}'])
        || PLACEHOLDERS.contains(&last)
        || last.starts_with("todo")
        || last.starts_with("changeme")
        || last.chars().all(|c| c == 'x' || c == '-')
}

/// PLAT104.
pub(super) fn owner(run: &mut Run, doc: &ManifestDoc) {
    let owner = &doc.manifest.metadata.owner;
    if is_placeholder(owner) {
        run.fail(
            "PLAT104",
            format!("metadata.owner `{owner}` is a placeholder, not a team"),
            doc.at("metadata.owner"),
        );
    } else {
        run.pass("PLAT104", format!("owned by {owner}"));
    }
}
