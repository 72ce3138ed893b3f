//! A template's test cases: each directory under `tests/` holds
//! `answers.yaml` (the answers, as `plat new --values` reads them, and the
//! project's `name`) and `expected/` (the whole project, platform.yaml
//! included). A case renders exactly as `plat new` plans it: no prompt, no
//! environment, nothing written.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::InputError;
use crate::new::answers::{self, Inputs};
use crate::new::{self, Prepared};
use crate::template::{Definition, Origin, Plan, Template, NAME_VAR};
use crate::util::read::{self, Input};

/// Where a template keeps its cases, beside `files/`; plat never loads it
/// as part of the template.
pub const TESTS_DIR: &str = "tests";
/// A case's answers.
pub const ANSWERS_FILE: &str = "answers.yaml";
/// A case's expected project.
pub const EXPECTED_DIR: &str = "expected";

/// One test case of a template.
#[derive(Debug, Clone)]
pub struct Case {
    /// The name of its directory under `tests/`.
    pub name: String,
    pub dir: PathBuf,
}

impl Case {
    /// The case `name` of the template in `root`.
    pub fn new(root: &Path, name: &str) -> Case {
        Case {
            name: name.to_string(),
            dir: root.join(TESTS_DIR).join(name),
        }
    }

    pub fn expected(&self) -> PathBuf {
        self.dir.join(EXPECTED_DIR)
    }

    /// `tests/NAME`, as messages name the case.
    pub fn shown(&self) -> String {
        format!("{TESTS_DIR}/{}", self.name)
    }
}

/// A case's render: the plan, and the warnings resolving its answers left.
pub struct Rendered {
    pub plan: Plan,
    pub warnings: Vec<String>,
}

/// The cases of the template in `root` (`shown` names it in messages), in
/// name order; those named in `only`, when it names any.
pub fn find(root: &Path, shown: &str, only: &[String]) -> Result<Vec<Case>> {
    let tests = root.join(TESTS_DIR);
    let how = format!(
        "a case is a directory `{TESTS_DIR}/NAME/` holding {ANSWERS_FILE} (the answers, as for `plat new --values`, and `name:` the project's name); write one, then run `plat template test {shown} --bless` to render its {EXPECTED_DIR}/ and review it"
    );
    let entries = match std::fs::read_dir(&tests) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(InputError(format!(
            "{shown} has no {TESTS_DIR}/ directory: no test cases; {how}"
        ))),
        other => other.with_context(|| format!("reading {}", tests.display()))?,
    };
    let mut cases = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", tests.display()))?;
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_dir && !name.starts_with('.') {
            cases.push(Case::new(root, &name));
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    if cases.is_empty() {
        bail!(InputError(format!(
            "{shown}/{TESTS_DIR}/ holds no test case; {how}"
        )));
    }
    if only.is_empty() {
        return Ok(cases);
    }
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let unknown: Vec<String> = only
        .iter()
        .filter(|n| !names.contains(&n.as_str()))
        .map(|n| {
            let hint = crate::util::suggest::did_you_mean(n, names.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            format!("--case `{n}`: {shown} has no such case{hint}")
        })
        .collect();
    if !unknown.is_empty() {
        bail!(InputError(format!(
            "{}\nits cases: {}",
            unknown.join("\n"),
            names.join(", ")
        )));
    }
    cases.retain(|c| only.contains(&c.name));
    Ok(cases)
}

/// The case's answers: `name` is the project's name, the others answer
/// variables as a values file does.
pub fn inputs(case: &Case) -> Result<Inputs> {
    let path = case.dir.join(ANSWERS_FILE);
    if !path.exists() {
        bail!(InputError(format!(
            "{} has no {ANSWERS_FILE}; write the case's answers there, with `name:` the project's name",
            case.shown()
        )));
    }
    let text = read::read_text(&path, Input::Values)?;
    let origin = format!("{}/{ANSWERS_FILE}", case.shown());
    let mut values = answers::parse_values(&text, &origin)?;
    let name = match values.remove(NAME_VAR) {
        Some(serde_yaml::Value::String(name)) => name,
        Some(_) => bail!(InputError(format!(
            "{origin}: `{NAME_VAR}` must be a string: the project's name, which `plat new` takes as NAME"
        ))),
        None => bail!(InputError(format!(
            "{origin}: no `{NAME_VAR}`; give the project's name, which `plat new` takes as NAME (`{NAME_VAR}: payments-api`)"
        ))),
    };
    Ok(Inputs {
        name,
        values: Some((origin, values)),
        ..Inputs::default()
    })
}

/// Renders `case` as `plat new` plans it, within `render_timeout`.
/// platform.yaml records the template as [`stand_in`], so an expected tree
/// is the same wherever the template is checked out.
pub fn render(template: &Template, case: &Case, render_timeout: Duration) -> Result<Rendered> {
    let inputs = inputs(case)?;
    let mut template = template.clone();
    template.origin = stand_in(&template.definition);
    let prepared: Prepared = new::prepare(&inputs, template, None)?;
    let plan = new::plan(&prepared, render_timeout)?;
    Ok(Rendered {
        plan,
        warnings: prepared.answers.warnings,
    })
}

/// Where a case's platform.yaml says the template came from: `./NAME`, the
/// template's name, instead of the directory's absolute path.
pub fn stand_in(def: &Definition) -> Origin {
    Origin::Local(PathBuf::from(format!("./{}", def.name)))
}
