//! The manifest checks, in order, each the next one's prerequisite:
//! present (PLAT100), parses (PLAT101), supported apiVersion (PLAT103),
//! valid (PLAT102); and the owner (PLAT104).

use std::path::Path;

use super::{ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;
use crate::effects::git::RepoState;
use crate::manifest::{self, Document, Manifest, Positions, MANIFEST_FILE};
use crate::service::locate::Located;
use crate::util::read::{self, Input};

/// The manifest as far as it could be read.
pub(in crate::doctor) struct State {
    pub text: String,
    pub value: serde_yaml::Value,
    pub parsed: Option<Manifest>,
    /// Why the checks that need a valid manifest are skipped.
    pub blocked: Option<String>,
}

impl State {
    /// Nothing read: the checks that need the manifest wait for `failed`.
    fn blocked(failed: CheckId, reason: &str) -> State {
        State {
            text: String::new(),
            value: serde_yaml::Value::Null,
            parsed: None,
            blocked: Some(format!("{reason} ({failed})")),
        }
    }
}

/// PLAT100 to PLAT103, each the next one's prerequisite.
pub(in crate::doctor) fn read(run: &mut Run, located: &Located) -> State {
    checked(run, located).unwrap_or_else(|blocked| *blocked)
}

/// The state a failed check leaves the manifest in, boxed as the error of
/// the steps of [`read`].
type Blocked = Box<State>;

/// The checks in order; the first to fail ends the run of them with the
/// state its failure leaves.
fn checked(run: &mut Run, located: &Located) -> Result<State, Blocked> {
    let path = present(run, located)?;
    let (text, doc) = parses(run, &located.root, path)?;
    let doc = api_version(run, &text, doc)?;
    Ok(valid(run, text, doc))
}

/// PLAT100: platform.yaml's path.
fn present<'l>(run: &mut Run, located: &'l Located) -> Result<&'l Path, Blocked> {
    let Some(path) = &located.manifest else {
        run.fail(CheckId::ManifestPresent, missing(located), None);
        let reason = "platform.yaml is missing";
        run.skip_after(
            &[
                CheckId::ManifestParses,
                CheckId::ManifestValid,
                CheckId::ManifestApiVersion,
            ],
            CheckId::ManifestPresent,
            reason,
        );
        return Err(Box::new(State::blocked(CheckId::ManifestPresent, reason)));
    };
    run.pass(CheckId::ManifestPresent, "platform.yaml found");
    Ok(path)
}

/// PLAT101: platform.yaml's text and the YAML mapping it holds.
fn parses(run: &mut Run, root: &Path, path: &Path) -> Result<(String, Document), Blocked> {
    let parsed = text_of(root, path).and_then(|text| match parse_yaml(&text) {
        Ok(value) => Ok((text, value)),
        Err(p) => Err((
            format!("platform.yaml does not parse: {}", p.message),
            p.line,
        )),
    });
    match parsed {
        Ok(read) => {
            run.pass(CheckId::ManifestParses, "platform.yaml parses");
            Ok(read)
        }
        Err((message, line)) => {
            let reason = "platform.yaml does not parse";
            run.fail(
                CheckId::ManifestParses,
                message,
                Some(Location::at(MANIFEST_FILE, line)),
            );
            run.skip_after(
                &[CheckId::ManifestValid, CheckId::ManifestApiVersion],
                CheckId::ManifestParses,
                reason,
            );
            Err(Box::new(State::blocked(CheckId::ManifestParses, reason)))
        }
    }
}

/// PLAT103: this plat reads the manifest's apiVersion and kind. `doc`
/// is handed back, or its value kept in the blocked state for policy rules.
fn api_version(run: &mut Run, text: &str, doc: Document) -> Result<Document, Blocked> {
    let Some((field, msg)) = api_version_problem(&doc.value) else {
        run.pass(
            CheckId::ManifestApiVersion,
            format!("apiVersion {}", manifest::API_VERSION),
        );
        return Ok(doc);
    };
    let reason = "platform.yaml's apiVersion is not supported";
    let line = Positions::of(text).line(field);
    run.fail(
        CheckId::ManifestApiVersion,
        msg,
        Some(Location::at(MANIFEST_FILE, line)),
    );
    run.skip_after(
        &[CheckId::ManifestValid],
        CheckId::ManifestApiVersion,
        reason,
    );
    Err(Box::new(State {
        value: doc.value,
        ..State::blocked(CheckId::ManifestApiVersion, reason)
    }))
}

/// PLAT102: the manifest against its schema, one failure per problem.
fn valid(run: &mut Run, text: String, doc: Document) -> State {
    let value = doc.value.clone();
    match manifest::parse_loaded(&text, doc) {
        Ok(m) => {
            run.pass(CheckId::ManifestValid, "platform.yaml is valid");
            State {
                text,
                value,
                parsed: Some(m),
                blocked: None,
            }
        }
        Err(problems) => {
            for p in problems {
                let field = if p.path.is_empty() {
                    String::new()
                } else {
                    format!("`{}`: ", p.path)
                };
                run.fail(
                    CheckId::ManifestValid,
                    format!("{field}{}", p.message),
                    Some(Location::at(MANIFEST_FILE, p.line)),
                );
            }
            State {
                text,
                value,
                ..State::blocked(CheckId::ManifestValid, "platform.yaml is not valid")
            }
        }
    }
}

/// Where plat looked for platform.yaml, for PLAT100.
fn missing(located: &Located) -> String {
    let top = located.searched.last().map(|p| p.display().to_string());
    let near = located
        .searched
        .first()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match (&located.repo, top) {
        (RepoState::Ready { .. } | RepoState::Unborn { .. }, Some(top)) if top != near => {
            format!("no platform.yaml in `{near}` or any directory above it up to the repository root `{top}`")
        }
        (RepoState::Ready { .. } | RepoState::Unborn { .. }, _) => {
            format!("no platform.yaml at the repository root `{near}`")
        }
        _ => {
            format!("no platform.yaml in `{near}` (outside a git repository plat looks only there)")
        }
    }
}

/// platform.yaml's text, or why it cannot be read (with no line).
fn text_of(root: &Path, path: &Path) -> Result<String, (String, Option<usize>)> {
    let bytes = read::open_in(root, path)
        .and_then(|f| f.read_all(Input::Manifest))
        .map_err(|r| (r.message(Path::new(MANIFEST_FILE), Input::Manifest), None))?;
    String::from_utf8(bytes).map_err(|e| {
        (
            format!(
                "platform.yaml is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
            None,
        )
    })
}

/// platform.yaml as a YAML mapping, or why not.
fn parse_yaml(text: &str) -> Result<Document, manifest::Problem> {
    let whole = |message: &str, line| manifest::Problem {
        path: String::new(),
        line,
        column: None,
        message: message.into(),
    };
    let doc = manifest::load_yaml(text)?;
    match doc.value {
        serde_yaml::Value::Mapping(_) => Ok(doc),
        serde_yaml::Value::Null => Err(whole(
            "the file is empty; it needs apiVersion, kind and metadata",
            None,
        )),
        _ => Err(whole("the document is not a mapping of fields", Some(1))),
    }
}

/// The field (`apiVersion` or `kind`) this plat cannot read, and why.
fn api_version_problem(value: &serde_yaml::Value) -> Option<(&'static str, String)> {
    let api = value.get("apiVersion").and_then(|v| v.as_str());
    let problem = match api {
        None => Some(format!(
            "apiVersion is missing; add `apiVersion: {}`",
            manifest::API_VERSION
        )),
        Some(v) if v != manifest::API_VERSION => Some(format!(
            "apiVersion `{v}` is not supported; this plat reads `{}`{}",
            manifest::API_VERSION,
            if v.starts_with("plat.dev/") {
                " (a newer plat may read it)"
            } else {
                ""
            }
        )),
        _ => None,
    };
    if let Some(p) = problem {
        return Some(("apiVersion", p));
    }
    let problem = match value.get("kind").and_then(|v| v.as_str()) {
        Some(manifest::KIND) => None,
        Some(k) => Some(format!(
            "kind `{k}` is not supported; platform.yaml describes a `{}`",
            manifest::KIND
        )),
        None => Some(format!("kind is missing; add `kind: {}`", manifest::KIND)),
    };
    problem.map(|p| ("kind", p))
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
pub(in crate::doctor) fn owner(run: &mut Run, doc: &ManifestDoc) {
    let owner = &doc.manifest.metadata.owner;
    if is_placeholder(owner) {
        run.fail(
            CheckId::OwnerNotPlaceholder,
            format!("metadata.owner `{owner}` is a placeholder, not a team"),
            doc.at("metadata.owner"),
        );
    } else {
        run.pass(CheckId::OwnerNotPlaceholder, format!("owned by {owner}"));
    }
}
