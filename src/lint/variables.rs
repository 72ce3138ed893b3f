//! Variables against their uses: a file that uses a name template.yaml
//! does not declare (TL003), a managed file that reads an answer, which it
//! cannot see (TL012), and a variable nothing uses (TL004). Expressions
//! of template.yaml itself are checked when it loads (`template::names`,
//! TL002); here they only count as uses.

use regex::Regex;
use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use super::definition::Places;
use super::expressions::{scan, Scan};
use super::finding::{Finding, LintId};
use crate::template::paths::with_pipes;
use crate::template::rules::RuleGlobs;
use crate::template::{Template, NAME_VAR};
use crate::util::suggest::did_you_mean;

/// What every scaffolded file sees besides the answers.
const SCAFFOLDED: &[&str] = &["manifest", "template", "plat_version"];
/// What a managed file sees: no answers.
const MANAGED: &[&str] = &["manifest", "template", "plat_version", "managed_header"];

/// `manifest.template.answers.NAME` (or `answers['NAME']`): a managed
/// file reading an answer through platform.yaml, as it should.
static RECORDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"answers\s*(?:\.\s*([a-z_][a-z0-9_]*)|\[\s*['"]([a-z_][a-z0-9_]*)['"]\s*\])"#)
        .expect("a valid pattern")
});

/// Every file's and partial's names against the declared variables, and
/// the variables nothing uses.
pub fn check(template: &Template, globs: &RuleGlobs, places: &Places) -> Vec<Finding> {
    let def = &template.definition;
    let vars: Vec<&str> = def.variables.iter().map(|v| v.name.as_str()).collect();
    let mut findings = Vec::new();
    let mut used = BTreeSet::new();
    let all_binds = binds(template, globs, None);
    for file in &template.files {
        let managed = globs.managed.is_match(&file.path);
        let mut visible: Vec<&str> = if managed {
            MANAGED.to_vec()
        } else {
            SCAFFOLDED.iter().chain(&vars).copied().collect()
        };
        visible.extend(binds(template, globs, Some(&file.path)));
        let shown = format!("files/{}", file.path);
        let name = with_pipes(&file.path);
        let name_scan = scan(&name);
        let name_uses = Text {
            shown: &shown,
            scan: &name_scan,
            positioned: false,
        };
        name_uses.check(&visible, &vars, managed, &mut used, &mut findings);
        if globs.raw.is_match(&file.path) {
            continue;
        }
        let Some(text) = file_text(file) else {
            continue;
        };
        let content = scan(&text);
        mark_recorded(&text, &mut used);
        let uses = Text {
            shown: &shown,
            scan: &content,
            positioned: true,
        };
        uses.check(&visible, &vars, managed, &mut used, &mut findings);
    }
    let everything: Vec<&str> = MANAGED
        .iter()
        .chain(&vars)
        .chain(&all_binds)
        .copied()
        .collect();
    for (name, text) in &template.partials {
        let content = scan(text);
        mark_recorded(text, &mut used);
        let shown = format!("partials/{name}");
        let uses = Text {
            shown: &shown,
            scan: &content,
            positioned: true,
        };
        uses.check(&everything, &vars, false, &mut used, &mut findings);
    }
    definition_uses(template, &mut used);
    for v in &def.variables {
        if v.name != NAME_VAR && !used.contains(v.name.as_str()) {
            findings.push(
                Finding::new(
                    LintId::UnusedVariable,
                    "template.yaml",
                    format!(
                        "variable `{}` is asked for but nothing uses it: no file, file name, rule, `manifest:` value, default or `when`",
                        v.name
                    ),
                )
                .at(places.variable(&v.name)),
            );
        }
    }
    findings
}

/// One scanned text: a file's contents, its name, or a partial.
struct Text<'s, 'a> {
    shown: &'s str,
    scan: &'s Scan<'a>,
    /// Lines and columns mean something (not for a file name).
    positioned: bool,
}

impl Text<'_, '_> {
    /// Records the variables used, and a finding for the first use of
    /// each name the text cannot see.
    fn check(
        &self,
        visible: &[&str],
        vars: &[&str],
        managed: bool,
        used: &mut BTreeSet<String>,
        findings: &mut Vec<Finding>,
    ) {
        let mut reported = HashSet::new();
        for u in &self.scan.uses {
            if vars.contains(&u.name) {
                used.insert(u.name.to_string());
            }
            let local = self.scan.locals.contains(u.name);
            let component = self.scan.components || u.name.starts_with(char::is_uppercase);
            if local || component || visible.contains(&u.name) || !reported.insert(u.name) {
                continue;
            }
            let (id, message) = if managed && vars.contains(&u.name) {
                (
                    LintId::ManagedReadsAnswers,
                    format!(
                        "this managed file reads the answer `{0}`, which it cannot see: managed files render from platform.yaml alone; read `manifest.template.answers.{0}` or a manifest field instead",
                        u.name
                    ),
                )
            } else {
                let hint = did_you_mean(u.name, vars.iter().chain(visible).copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                (
                    LintId::UndeclaredVariable,
                    format!(
                        "uses `{}`, which is not a variable of the template{}{hint}",
                        u.name,
                        if managed {
                            " (a managed file sees `manifest`, `template`, `plat_version` and `managed_header`)"
                        } else {
                            ""
                        }
                    ),
                )
            };
            let pos = self.positioned.then_some((u.line, u.column));
            findings.push(Finding::new(id, self.shown, message).at(pos));
        }
    }
}

/// The `for_each` names the file at `path` sees (every rule's, for none).
fn binds<'t>(template: &'t Template, globs: &RuleGlobs, path: Option<&str>) -> Vec<&'t str> {
    template
        .definition
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            r.for_each.is_some() && path.is_none_or(|p| globs.per_rule[*i].is_match(p))
        })
        .map(|(_, r)| r.bind.as_deref().unwrap_or("item"))
        .collect()
}

/// A file's text when it is rendered at all: UTF-8 without NUL.
fn file_text(file: &crate::template::source::SourceFile) -> Option<String> {
    let bytes = file.bytes().ok()?;
    let text = String::from_utf8(bytes.into_owned()).ok()?;
    (!text.contains('\0')).then_some(text)
}

/// Answers read through platform.yaml's `template.answers`.
fn mark_recorded(text: &str, used: &mut BTreeSet<String>) {
    for c in RECORDED.captures_iter(text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2)) {
            used.insert(m.as_str().to_string());
        }
    }
}

/// The names template.yaml's own expressions use: `when`, defaults, rule
/// conditions and `for_each`, the `manifest:` section, `renamed:`.
fn definition_uses(template: &Template, used: &mut BTreeSet<String>) {
    let def = &template.definition;
    let mut expressions: Vec<&str> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for v in &def.variables {
        expressions.extend(v.when.as_deref());
        if let Some(serde_yaml::Value::String(d)) = &v.default {
            texts.push(d.clone());
        }
    }
    for r in &def.rules {
        expressions.extend(
            [&r.include_if, &r.exclude_if, &r.for_each]
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
    }
    for r in &def.renamed {
        texts.push(with_pipes(&r.from).into_owned());
        texts.push(with_pipes(&r.to).into_owned());
    }
    if let Some(section) = &def.manifest {
        manifest_strings(section, &mut expressions, &mut texts);
    }
    for e in expressions {
        for name in crate::template::names::roots(e) {
            used.insert(name.to_string());
        }
    }
    for t in &texts {
        for u in scan(t).uses {
            used.insert(u.name.to_string());
        }
        mark_recorded(t, used);
    }
}

/// Every string of the `manifest:` section: `if` conditions are
/// expressions, the rest templates.
fn manifest_strings<'a>(
    value: &'a serde_yaml::Value,
    expressions: &mut Vec<&'a str>,
    texts: &mut Vec<String>,
) {
    use serde_yaml::Value as Y;
    match value {
        Y::String(s) => texts.push(s.clone()),
        Y::Sequence(items) => items
            .iter()
            .for_each(|v| manifest_strings(v, expressions, texts)),
        Y::Mapping(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    (Some("if"), Some(cond)) => expressions.push(cond),
                    _ => manifest_strings(v, expressions, texts),
                }
            }
        }
        Y::Tagged(t) => manifest_strings(&t.value, expressions, texts),
        _ => {}
    }
}
