//! `template.yaml`: what a template is, which variables it asks for, and how
//! its files are treated. Loading validates the whole definition and reports
//! every problem at once. Serde reads these types and schemars derives
//! template.yaml's JSON Schema from them (`schema`), so doc comments on
//! them are written for template authors.

use anyhow::{bail, Result};
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;

/// A parsed and checked `template.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "plat template definition (template.yaml)",
    description = "What a plat template is, what it asks and how its files are treated. Reference: docs/templates.md"
)]
pub struct Definition {
    /// The template's name: lowercase letters, digits and dashes.
    #[schemars(pattern(r"^[a-z0-9][a-z0-9_-]*$"))]
    pub name: String,
    /// One line shown by `plat templates list` and `plat templates show`.
    #[serde(default)]
    pub description: String,
    /// A semantic version (`1.2.0`), recorded in every project made from
    /// the template; raise it with every change.
    pub version: String,
    /// The questions the template asks, in order; defaults and `when` may
    /// use the answers before them. `name` (the NAME argument) is always
    /// there.
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// How files under `files/` are treated, by their path before
    /// rendering.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// This template's part of `platform.yaml` (`metadata` except `name`,
    /// `pipeline`, `infrastructure`); every string is a Tera template over
    /// the answers, and a list item `{if: EXPR, then: VALUE}` is VALUE when
    /// EXPR holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub manifest: Option<serde_yaml::Value>,
    /// Output paths moved since an earlier version, so `plat update` moves
    /// a service's file with its edits instead of deleting it and adding a
    /// fresh one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<Rename>,
    /// The template this one builds on (docs/templates.md, "Extending a
    /// template"): a built-in at a version (`service?ref=0.3.0`), a
    /// directory relative to this template (`../base`), or a git source at
    /// a tag or commit (`https://host/org/t.git//service?ref=v1.2.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Files of the parent this template replaces (paths under `files/`);
    /// any other file both write is an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// What `plat new` tells a person to do next, after `cd` into the
    /// project: shell lines rendered with the answers (`cargo test`,
    /// `go run .  # listens on {{ port }}`); an item `{if: EXPR, then: LINE
    /// or [LINES]}` only when EXPR holds. plat adds `plat doctor` and the
    /// git steps itself. A child without its own keeps its parent's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next_steps: Vec<super::next_steps::NextStep>,
}

/// A file that an earlier version wrote at `from` and this one writes at
/// `to`: output paths relative to the project root, rendered with Tera as
/// file names are.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// Where an earlier version wrote the file (an output path).
    pub from: String,
    /// Where this version writes it (an output path).
    pub to: String,
}

/// A variable's type: `string` (the default), `integer`, `boolean`,
/// `choice` (one of `choices`) or `multichoice` (a list of `choices`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    #[default]
    String,
    Integer,
    Boolean,
    Choice,
    Multichoice,
}

impl VarType {
    /// The type as template.yaml spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            VarType::String => "string",
            VarType::Integer => "integer",
            VarType::Boolean => "boolean",
            VarType::Choice => "choice",
            VarType::Multichoice => "multichoice",
        }
    }
}

/// One question a template asks.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// The key in templates, `--set`, values files and `PLAT_VAR_<NAME>`:
    /// a lowercase identifier.
    #[schemars(pattern(r"^[a-z_][a-z0-9_]*$"))]
    pub name: String,
    /// How answers are converted and checked.
    #[serde(default, rename = "type")]
    pub kind: VarType,
    /// A value of the type, or a string with Tera expressions over earlier
    /// variables (`"{{ name | slugify }}"`). Without one the variable is
    /// required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    /// The allowed values of a `choice` or `multichoice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// A regular expression a `string` answer must match whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The smallest `integer` answer allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// The largest `integer` answer allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// One line shown in prompts, `plat templates show` and errors.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// A Tera expression over earlier answers: when false, the variable is
    /// not asked and not defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Usable in files, never recorded in platform.yaml, asked without
    /// echo.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// Patterns of the templates this one extends: an answer must match
    /// these too (a child narrows, never widens).
    #[serde(skip)]
    pub inherited_patterns: Vec<String>,
}

/// Treatment of the files whose source paths match `paths`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Globs over paths under `files/`, before rendering (`*` within a
    /// segment, `**` across, `{a,b}` alternatives).
    pub paths: Vec<String>,
    /// A Tera expression: the files exist only when it is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_if: Option<String>,
    /// A Tera expression: the files are left out when it is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_if: Option<String>,
    /// Copy the files byte for byte, never rendered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub raw: bool,
    /// The files are a function of platform.yaml and the template version
    /// alone: they see only `manifest` (no answers), must carry `{{
    /// managed_header }}`, and `plat sync` renders them again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub managed: bool,
    /// A Tera expression giving a list: each file is rendered once per
    /// item, with the item bound to `as`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<String>,
    /// The name of the `for_each` item (default `item`).
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^[a-z_][a-z0-9_]*$"))]
    pub bind: Option<String>,
}

/// The variable holding `plat new`'s NAME argument.
pub const NAME_VAR: &str = "name";

impl Definition {
    /// Parses and checks `template.yaml`; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Definition> {
        let def = Definition::read(text, origin)?;
        let mut problems = def.problems();
        // A template that extends another may use the parent's variables:
        // its names are checked once the two are composed.
        if def.extends.is_none() {
            problems.extend(def.name_problems());
        }
        if !problems.is_empty() {
            bail!(InputError(format!(
                "{origin} is not a valid template definition:\n{}",
                crate::error::bullets(&problems)
            )));
        }
        Ok(def)
    }

    /// Makes sure `name` is the first variable, whether declared or not.
    fn normalise_name_var(&mut self) {
        match self.variables.iter().position(|v| v.name == NAME_VAR) {
            Some(0) => {}
            Some(i) => {
                let v = self.variables.remove(i);
                self.variables.insert(0, v);
            }
            None => self.variables.insert(
                0,
                Variable {
                    name: NAME_VAR.into(),
                    kind: VarType::String,
                    default: None,
                    choices: vec![],
                    pattern: None,
                    min: None,
                    max: None,
                    help: "name of the new project (the NAME argument)".into(),
                    when: None,
                    secret: false,
                    inherited_patterns: Vec::new(),
                },
            ),
        }
    }

    /// The variable called `name`, if the template declares it.
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }

    /// Reads `template.yaml` without checking it (`plat template lint`
    /// reports what [`Definition::problems`] and
    /// [`Definition::name_problems`] find, with their lines).
    pub fn read(text: &str, origin: &str) -> Result<Definition> {
        let mut def: Definition = crate::util::yaml::from_str(text, origin)?;
        def.normalise_name_var();
        Ok(def)
    }

    /// The names the definition's expressions use that they cannot see
    /// (`names`). Each message starts with the field, in backticks.
    pub fn name_problems(&self) -> Vec<String> {
        super::names::problems(self)
    }

    /// Every problem of the definition but its names, in the order of the
    /// file. Each message starts with the field, in backticks.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.header_problems(&mut out);
        let mut seen = std::collections::HashSet::new();
        for (i, v) in self.variables.iter().enumerate() {
            let at = format!("`variables[{}]` (`{}`)", i, v.name);
            let duplicate = !seen.insert(v.name.as_str());
            variable_problems(&at, v, duplicate, &mut out);
        }
        for (i, r) in self.rules.iter().enumerate() {
            rule_problems(i, r, &mut out);
        }
        renamed_problems(&self.renamed, &mut out);
        out
    }

    /// The template's own name and version.
    fn header_problems(&self, out: &mut Vec<String>) {
        if !is_template_name(&self.name) {
            out.push(format!(
                "`name`: `{}` must be lowercase letters, digits and dashes, starting with a letter or digit",
                self.name
            ));
        }
        if let Err(e) = semver::Version::parse(&self.version) {
            out.push(format!(
                "`version`: `{}` is not a semantic version like 1.2.0 ({e})",
                self.version
            ));
        }
    }
}

/// One variable, named `at` in messages: its name, and whether its
/// options fit its type.
fn variable_problems(at: &str, v: &Variable, duplicate: bool, out: &mut Vec<String>) {
    if !is_identifier(&v.name) {
        out.push(format!(
            "{at}: variable names are lowercase identifiers ([a-z_][a-z0-9_]*)"
        ));
    }
    if duplicate {
        out.push(format!("{at}: declared twice"));
    }
    let name_var_extras =
        v.kind != VarType::String || v.default.is_some() || v.when.is_some() || v.secret;
    if v.name == NAME_VAR && name_var_extras {
        out.push(format!(
            "{at}: `name` is the NAME argument: it may only have `pattern` and `help`"
        ));
    }
    choice_problems(at, v, out);
    pattern_problems(at, v, out);
    range_problems(at, v, out);
}

/// `choices` exactly when the variable is a choice or multichoice.
fn choice_problems(at: &str, v: &Variable, out: &mut Vec<String>) {
    let choice_like = matches!(v.kind, VarType::Choice | VarType::Multichoice);
    if choice_like && v.choices.is_empty() {
        out.push(format!("{at}: a {} needs `choices`", v.kind.as_str()));
    }
    if !choice_like && !v.choices.is_empty() {
        out.push(format!(
            "{at}: `choices` only applies to choice and multichoice variables"
        ));
    }
}

fn pattern_problems(at: &str, v: &Variable, out: &mut Vec<String>) {
    let Some(p) = &v.pattern else {
        return;
    };
    if v.kind != VarType::String {
        out.push(format!("{at}: `pattern` only applies to string variables"));
    } else if let Err(e) = Regex::new(p) {
        out.push(format!(
            "{at}: `pattern` is not a valid regular expression: {e}"
        ));
    }
}

fn range_problems(at: &str, v: &Variable, out: &mut Vec<String>) {
    if (v.min.is_some() || v.max.is_some()) && v.kind != VarType::Integer {
        out.push(format!("{at}: `min`/`max` only apply to integer variables"));
    }
    if let (Some(lo), Some(hi)) = (v.min, v.max) {
        if lo > hi {
            out.push(format!("{at}: `min` ({lo}) is greater than `max` ({hi})"));
        }
    }
}

/// `rules[i]`: valid globs, something to do, and options that go together.
fn rule_problems(i: usize, r: &Rule, out: &mut Vec<String>) {
    if r.paths.is_empty() {
        out.push(format!("`rules[{i}]`: `paths` is empty"));
    }
    for p in &r.paths {
        if let Err(e) = crate::util::glob::glob(p) {
            out.push(format!("`rules[{i}]`: `{p}` is not a valid glob: {e}"));
        }
    }
    if r.include_if.is_none()
        && r.exclude_if.is_none()
        && !r.raw
        && !r.managed
        && r.for_each.is_none()
    {
        out.push(format!(
            "`rules[{i}]`: a rule needs `include_if`, `exclude_if`, `raw`, `managed` or `for_each`"
        ));
    }
    if r.raw && r.managed {
        out.push(format!(
            "`rules[{i}]`: a managed file is rendered from the manifest, so it cannot be `raw`"
        ));
    }
    match (&r.for_each, &r.bind) {
        (None, Some(_)) => out.push(format!("`rules[{i}]`: `as` needs `for_each`")),
        (_, Some(b)) if !is_identifier(b) => out.push(format!(
            "`rules[{i}]`: `as: {b}` must be an identifier ([a-z_][a-z0-9_]*)"
        )),
        _ => {}
    }
}

/// `renamed:`: each side a relative output path, a move to somewhere
/// else, and each earlier path moved once.
fn renamed_problems(renamed: &[Rename], out: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    for (i, r) in renamed.iter().enumerate() {
        for (field, path) in [("from", &r.from), ("to", &r.to)] {
            if let Some(why) = output_path_problem(path) {
                out.push(format!("`renamed[{i}].{field}`: {why}"));
            }
        }
        if r.from == r.to {
            out.push(format!(
                "`renamed[{i}]`: `from` and `to` are both `{}`; remove the entry, or write the path the file had before in `from`",
                r.from
            ));
        }
        if !seen.insert(r.from.as_str()) {
            out.push(format!(
                "`renamed[{i}].from`: `{}` is moved twice; keep one entry for it, with the path it has now",
                r.from
            ));
        }
    }
}

/// Why `path`, before rendering, cannot be a project-relative output path.
fn output_path_problem(path: &str) -> Option<String> {
    if path.trim().is_empty() {
        return Some("is empty; write an output path such as `docs/runbook.md`".into());
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Some(format!(
            "`{path}` is absolute; write it relative to the project root (`{}`)",
            path.trim_start_matches(['/', '\\'])
        ));
    }
    let bad = |seg: &&str| seg.is_empty() || *seg == "." || *seg == "..";
    if let Some(seg) = path.split('/').find(bad) {
        let why = if seg.is_empty() {
            "has an empty segment (`//` or a trailing `/`)".to_string()
        } else {
            format!("has a `{seg}` segment")
        };
        return Some(format!(
            "`{path}` {why}; write the output path as plain segments from the project root, like `docs/runbook.md`"
        ));
    }
    None
}

/// Variable and `as` names: lowercase identifiers, which Tera can name
/// and which map one to one onto `PLAT_VAR_*` environment variables.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// A template's own name: what `plat new` and catalogues call it.
pub fn is_template_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '0'..='9'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_problem_at_once() {
        let err = Definition::parse(
            "name: Bad Name\nversion: one\nvariables:\n  - name: x\n    type: choice\n  - name: x\n",
            "template.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`name`"), "{err}");
        assert!(err.contains("semantic version"), "{err}");
        assert!(err.contains("needs `choices`"), "{err}");
        assert!(err.contains("declared twice"), "{err}");
    }

    #[test]
    fn name_variable_always_comes_first() {
        let def = Definition::parse(
            "name: t\nversion: 1.0.0\nvariables:\n  - name: owner\n    default: x\n",
            "template.yaml",
        )
        .unwrap();
        assert_eq!(def.variables[0].name, "name");
        assert_eq!(def.variables[1].name, "owner");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = Definition::parse("name: t\nversion: 1.0.0\nvarables: []\n", "template.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("varables"), "{err}");
    }

    fn renamed_problems_of(renamed: &str) -> String {
        Definition::parse(
            &format!("name: t\nversion: 1.0.0\nrenamed:\n{renamed}"),
            "template.yaml",
        )
        .unwrap_err()
        .to_string()
    }

    #[test]
    fn renamed_entries_are_read() {
        let def = Definition::parse(
            "name: t\nversion: 1.0.0\nrenamed:\n  - from: RUNBOOK.md\n    to: 'docs/{{ name }}-runbook.md'\n",
            "template.yaml",
        )
        .unwrap();
        assert_eq!(
            def.renamed,
            [Rename {
                from: "RUNBOOK.md".into(),
                to: "docs/{{ name }}-runbook.md".into()
            }]
        );
        let def = Definition::parse("name: t\nversion: 1.0.0\n", "template.yaml").unwrap();
        assert!(def.renamed.is_empty());
    }

    #[test]
    fn renamed_paths_must_be_relative_output_paths() {
        let err = renamed_problems_of(
            "  - {from: '', to: a}\n  - {from: /etc/x, to: b}\n  - {from: c, to: ../d}\n  - {from: e//f, to: g}\n  - {from: ./h, to: i}\n",
        );
        assert!(err.contains("`renamed[0].from`: is empty"), "{err}");
        assert!(
            err.contains("`renamed[1].from`: `/etc/x` is absolute"),
            "{err}"
        );
        assert!(
            err.contains("relative to the project root (`etc/x`)"),
            "{err}"
        );
        assert!(
            err.contains("`renamed[2].to`: `../d` has a `..` segment"),
            "{err}"
        );
        assert!(
            err.contains("`renamed[3].from`: `e//f` has an empty segment"),
            "{err}"
        );
        assert!(
            err.contains("`renamed[4].from`: `./h` has a `.` segment"),
            "{err}"
        );
    }

    #[test]
    fn renamed_moves_each_path_once_and_somewhere_else() {
        let err = renamed_problems_of(
            "  - {from: a, to: a}\n  - {from: b, to: c}\n  - {from: b, to: d}\n",
        );
        assert!(
            err.contains("`renamed[0]`: `from` and `to` are both `a`"),
            "{err}"
        );
        assert!(
            err.contains("`renamed[2].from`: `b` is moved twice"),
            "{err}"
        );
        assert!(!err.contains("renamed[1]"), "{err}");
    }

    #[test]
    fn renamed_entries_name_only_what_file_names_see() {
        let err = Definition::parse(
            "name: t\nversion: 1.0.0\nvariables:\n  - name: module\n    default: m\nrenamed:\n  - {from: 'src/{{ modul }}.rs', to: 'src/{{ module }}/mod.rs'}\n",
            "template.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(
                "`renamed[0].from` uses `modul`, which is not a variable; did you mean `module`?"
            ),
            "{err}"
        );
        assert!(!err.contains("renamed[0].to"), "{err}");
        let err = Definition::parse(
            "name: t\nversion: 1.0.0\nrenamed:\n  - {from: x, to: y, by: z}\n",
            "template.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("by"), "{err}");
    }
}
