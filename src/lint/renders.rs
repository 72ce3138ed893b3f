//! The template rendered with every combination of answers (`answers`),
//! as `plat new` would: answers that cannot be resolved and files that
//! fail to render (TL005) and `next_steps:` that do not (TL005), a
//! `manifest:` section that gives an invalid
//! platform.yaml (TL013), rendered paths that collide (TL006), differ only
//! by case (TL007), render empty where no rule says so (TL008) or are
//! refused (TL009). Each is reported once, with the first answers that
//! showed it.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use super::definition::Places;
use super::definition::FILE;
use super::finding::{Finding, LintId};
use crate::effects::deadline;
use crate::manifest::MANIFEST_FILE;
use crate::new::{answers, manifest};
use crate::template::paths::{self, render_name, Name};
use crate::template::render::Outcome;
use crate::template::rules::RuleGlobs;
use crate::template::{context, next_steps, Contexts, Engine, Template};

/// One template, rendered again and again.
pub struct Renders<'a> {
    pub template: &'a Template,
    pub engine: &'a Engine,
    pub globs: &'a RuleGlobs,
    pub places: &'a Places,
    /// Places (file, line, column) another finding already explains: a
    /// render failure there is not reported again.
    pub explained: &'a HashSet<(String, usize, usize)>,
    /// Each combination must render within this.
    pub timeout: Duration,
}

/// The findings so far, each (kind, file) once.
#[derive(Default)]
struct Found {
    findings: Vec<Finding>,
    seen: HashSet<(LintId, String)>,
}

impl Found {
    fn once(&mut self, finding: Finding) {
        if self.seen.insert((finding.id, finding.file.clone())) {
            self.findings.push(finding);
        }
    }
}

impl Renders<'_> {
    /// Renders every combination and reports what went wrong.
    pub fn check(&self, combinations: &[Map<String, Value>]) -> Vec<Finding> {
        let mut found = Found::default();
        for combo in combinations {
            deadline::within(
                "rendering the template with each set of answers",
                self.timeout,
                || self.one(combo, &mut found),
            );
        }
        found.findings
    }

    /// One combination of answers.
    fn one(&self, combo: &Map<String, Value>, found: &mut Found) {
        let t = self.template;
        let tera = self.engine.tera();
        let base = context::base(t);
        let inputs = answers::Inputs {
            name: combo
                .get(crate::template::NAME_VAR)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            values: Some(("the lint's answers".into(), values(combo))),
            ..Default::default()
        };
        let path_vars = paths::path_variables(t);
        let resolved = answers::resolve(&t.definition, &inputs, None, tera, &base, &path_vars);
        let answers = match resolved {
            Ok(a) => a,
            Err(e) => {
                let message = format!("the answers cannot be resolved: {e:#}");
                let pos = self.variable_position(&message);
                return found.once(self.at(LintId::RenderFailure, FILE, message, pos, combo));
            }
        };
        let mut ctx = base;
        ctx.extend(answers.context());
        let manifest = match manifest::build(t, &answers, tera, &ctx) {
            Ok(m) => m,
            Err(e) => {
                let message = format!("{e:#}");
                let pos = manifest_field(&message)
                    .and_then(|f| self.places.at(&format!("manifest.{f}")))
                    .or_else(|| self.places.at("manifest"));
                let finding = self.at(LintId::InvalidManifest, FILE, message, pos, combo);
                return found.once(finding);
            }
        };
        if let Err(e) = next_steps::render(&t.definition.next_steps, tera, &ctx) {
            let message = format!("{e:#}");
            let pos = message
                .split_once(':')
                .and_then(|(item, _)| self.places.at(item))
                .or_else(|| self.places.at("next_steps"));
            found.once(self.at(LintId::RenderFailure, FILE, message, pos, combo));
        }
        let ctxs = Contexts::new(t, &manifest, ctx);
        self.renamed(&ctxs, combo, found);
        match self.engine.survey(t, &ctxs) {
            Ok(surveyed) => {
                let mut written = Vec::new();
                for s in surveyed {
                    let source = &t.files[s.index].path;
                    match s.outcome {
                        Outcome::Written(path) => written.push((path, s.index)),
                        Outcome::Excluded => {}
                        other => self.left_out(source, other, combo, found),
                    }
                }
                self.collisions(written, combo, found);
            }
            Err(e) => {
                let message = format!("{e:#}");
                let pos = rule_named(&message).and_then(|r| self.places.at(&r));
                found.once(self.at(LintId::RenderFailure, FILE, message, pos, combo));
            }
        }
    }

    /// A file that was not written, and why.
    fn left_out(
        &self,
        source: &str,
        outcome: Outcome,
        combo: &Map<String, Value>,
        found: &mut Found,
    ) {
        let file = format!("files/{source}");
        let finding = match outcome {
            Outcome::Failed(message) => {
                let pos = place_in(&message, &file);
                if pos.is_some_and(|(l, c)| self.explained.contains(&(file.clone(), l, c))) {
                    return;
                }
                self.at(LintId::RenderFailure, &file, message, pos, combo)
            }
            Outcome::UnsafeName(message) => {
                self.at(LintId::UnportableOutputPath, &file, message, None, combo)
            }
            Outcome::EmptyName if !source.contains("{%") && !self.conditional(source) => self.at(
                LintId::EmptyName,
                &file,
                "a `{{ }}` of the file name renders empty, so the file is left out, and no rule says when it exists",
                None,
                combo,
            ),
            _ => return,
        };
        found.once(finding);
    }

    /// Whether a rule's `include_if` or `exclude_if` decides when the file
    /// at `source` exists.
    fn conditional(&self, source: &str) -> bool {
        self.template
            .definition
            .rules
            .iter()
            .enumerate()
            .any(|(i, r)| {
                (r.include_if.is_some() || r.exclude_if.is_some())
                    && self.globs.per_rule[i].is_match(source)
            })
    }

    /// Two files at one path (or at platform.yaml, which plat writes), a
    /// path both a file and a directory, two paths that differ by case.
    fn collisions(
        &self,
        mut written: Vec<(String, usize)>,
        combo: &Map<String, Value>,
        found: &mut Found,
    ) {
        written.sort();
        let files = &self.template.files;
        let source = |i: usize| format!("files/{}", files[i].path);
        let mut at: HashMap<&str, usize> = HashMap::new();
        let mut folded: HashMap<String, &str> = HashMap::new();
        for (path, index) in &written {
            let clash = if path == MANIFEST_FILE {
                Some((
                    LintId::PathCollision,
                    format!("renders to `{MANIFEST_FILE}`, which plat writes itself from the `manifest:` section of template.yaml"),
                ))
            } else if let Some(other) = at.insert(path, *index) {
                Some((
                    LintId::PathCollision,
                    format!("renders to `{path}`, as `{}` does", source(other)),
                ))
            } else {
                folded.insert(path.to_lowercase(), path).map(|other| {
                    (
                        LintId::CaseCollision,
                        format!("renders to `{path}`, and another file to `{other}`: one file where case does not count (macOS, Windows)"),
                    )
                })
            };
            if let Some((id, message)) = clash {
                found.once(self.at(id, &source(*index), message, None, combo));
            }
        }
        for (path, index) in &written {
            for (end, _) in path.match_indices('/') {
                if let Some(other) = at.get(&path[..end]) {
                    let message = format!(
                        "renders to `{path}`, under `{}`, which `{}` writes as a file",
                        &path[..end],
                        source(*other)
                    );
                    found.once(self.at(
                        LintId::PathCollision,
                        &source(*index),
                        message,
                        None,
                        combo,
                    ));
                }
            }
        }
    }

    /// `renamed:` entries render as file names do.
    fn renamed(&self, ctxs: &Contexts, combo: &Map<String, Value>, found: &mut Found) {
        let tera = self.engine.tera();
        for (i, r) in self.template.definition.renamed.iter().enumerate() {
            for (side, text) in [("from", &r.from), ("to", &r.to)] {
                let field = format!("renamed[{i}].{side}");
                let what = format_args!("`{field}`");
                let (id, message) = match render_name(tera, text, &ctxs.full, &what) {
                    Ok(Name::Unsafe(m)) => (LintId::UnportableOutputPath, m),
                    Err(e) => (LintId::RenderFailure, format!("{e:#}")),
                    Ok(_) => continue,
                };
                let pos = self.places.value(&field);
                found.once(self.at(id, FILE, message, pos, combo));
            }
        }
    }

    /// Where the variable a message names first is declared.
    fn variable_position(&self, message: &str) -> Option<(usize, usize)> {
        let name = message.split("variable `").nth(1)?.split('`').next()?;
        self.places.variable(name)
    }

    fn at(
        &self,
        id: LintId,
        file: &str,
        message: impl Into<String>,
        pos: Option<(usize, usize)>,
        combo: &Map<String, Value>,
    ) -> Finding {
        Finding::new(id, file, message).at(pos).with_answers(combo)
    }
}

/// The answers as a values file would give them (all but `name`).
fn values(combo: &Map<String, Value>) -> BTreeMap<String, serde_yaml::Value> {
    combo
        .iter()
        .filter(|(k, _)| k.as_str() != crate::template::NAME_VAR)
        .filter_map(|(k, v)| Some((k.clone(), serde_yaml::to_value(v).ok()?)))
        .collect()
}

/// The field of platform.yaml the first problem of an invalid manifest
/// names (`infrastructure.port` from `  - infrastructure.port: ...`).
fn manifest_field(message: &str) -> Option<&str> {
    let first = message.split("\n  - ").nth(1)?;
    let (field, _) = first.split_once(": ")?;
    (!field.contains(' ')).then_some(field)
}

/// `rules[3]` from a message about one of the template's rules.
fn rule_named(message: &str) -> Option<String> {
    let start = message.find("rules[")?;
    let len = message[start..].find(']')? + 1;
    Some(message[start..start + len].to_string())
}

/// The line and column a render error gives for `file` (`file:3:14`).
fn place_in(message: &str, file: &str) -> Option<(usize, usize)> {
    let marker = format!("{file}:");
    message.match_indices(&marker).find_map(|(i, _)| {
        let mut parts = message[i + marker.len()..].splitn(3, ':');
        let line = parts.next()?.parse().ok()?;
        let column = parts
            .next()?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()?;
        Some((line, column))
    })
}
