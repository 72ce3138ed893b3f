//! template.yaml on its own: its YAML, its schema (every problem at once,
//! where serde stops at the first) and its rules (`Definition::problems`),
//! TL001; the names its expressions use (`Definition::name_problems`),
//! TL002. Each finding is placed at the field its message names.

use super::finding::{Finding, LintId};
use crate::manifest::{self, Positions};
use crate::template::definition::is_identifier;
use crate::template::NAME_VAR;
use crate::template::{schema, Definition};

/// What template.yaml is called in findings.
pub const FILE: &str = "template.yaml";

/// Where things are in template.yaml's text.
pub struct Places {
    positions: Positions,
    /// The variables in the order the text declares them (plat moves
    /// `name` first, and adds it when it is not declared).
    declared: Vec<String>,
}

impl Places {
    pub fn of(text: &str) -> Places {
        let declared = serde_yaml::from_str::<serde_yaml::Value>(text)
            .ok()
            .and_then(|v| {
                let vars = v.get("variables")?.as_sequence()?.clone();
                Some(
                    vars.iter()
                        .map(|v| {
                            v.get("name")
                                .and_then(|n| n.as_str())
                                .unwrap_or_default()
                                .to_string()
                        })
                        .collect(),
                )
            })
            .unwrap_or_default();
        Places {
            positions: Positions::of(text),
            declared,
        }
    }

    /// The node at `path` (`rules[2].paths[0]`), or its nearest ancestor.
    pub fn at(&self, path: &str) -> Option<(usize, usize)> {
        self.positions.at(path)
    }

    /// Where the value at exactly `path` starts.
    pub fn value(&self, path: &str) -> Option<(usize, usize)> {
        self.positions.value(path)
    }

    /// The path of the declaration of the variable `name`, as the text
    /// numbers them.
    pub fn variable_path(&self, name: &str) -> Option<String> {
        let i = self.declared.iter().position(|d| d == name)?;
        Some(format!("variables[{i}]"))
    }

    /// Where the variable `name` is declared; `variables` for `name` when
    /// the text does not declare it.
    pub fn variable(&self, name: &str) -> Option<(usize, usize)> {
        match self.variable_path(name) {
            Some(path) => self.at(&path),
            None if name == NAME_VAR => self.at("variables"),
            None => None,
        }
    }
}

/// The findings about `text`, and the definition when it could be read.
pub fn check(text: &str, places: &Places) -> (Vec<Finding>, Option<Definition>) {
    let doc = match manifest::load_yaml(text) {
        Ok(doc) => doc,
        Err(p) => return (vec![problem(&p)], None),
    };
    let structure = manifest::check_structure(
        text,
        &doc.value,
        schema::schema(),
        "the template definition",
    );
    if !structure.is_empty() {
        return (structure.iter().map(problem).collect(), None);
    }
    let def = match Definition::read(text, FILE) {
        Ok(def) => def,
        Err(e) => {
            return (
                vec![Finding::new(
                    LintId::InvalidDefinition,
                    FILE,
                    format!("{e:#}"),
                )],
                None,
            )
        }
    };
    let located = |id, message: String| {
        let pos = locate(places, &message);
        Finding::new(id, FILE, message).at(pos)
    };
    let mut findings: Vec<Finding> = def
        .problems()
        .into_iter()
        .map(|m| located(LintId::InvalidDefinition, m))
        .collect();
    // A child's expressions may name its parent's variables: those are
    // checked on the composed template, when it loads.
    if def.extends.is_none() {
        findings.extend(
            def.name_problems()
                .into_iter()
                .map(|m| located(LintId::UnknownName, m)),
        );
    }
    (findings, Some(def))
}

fn problem(p: &manifest::Problem) -> Finding {
    let message = if p.path.is_empty() {
        p.message.clone()
    } else {
        format!("`{}`: {}", p.path, p.message)
    };
    let pos = p.line.map(|l| (l, p.column.unwrap_or(1)));
    Finding::new(LintId::InvalidDefinition, FILE, message).at(pos)
}

/// Where a message of the definition's checks points: it starts with the
/// field in backticks (`` `variables[2]` (`db`): `when` uses ... ``, the
/// variable named, as plat numbers them); a field of it named next is more
/// precise still.
fn locate(places: &Places, message: &str) -> Option<(usize, usize)> {
    let rest = message.strip_prefix('`')?;
    let (mut base, mut after) = rest.split_once('`')?;
    let declared: String;
    if let Some(named) = after.strip_prefix(" (`") {
        let (name, tail) = named.split_once("`)").unwrap_or((named, ""));
        after = tail;
        if let Some(path) = places.variable_path(name) {
            declared = path;
            base = &declared;
        } else if name == NAME_VAR {
            return places.variable(name);
        }
    }
    let field = after
        .strip_prefix(": `")
        .and_then(|f| f.split_once('`'))
        .map(|(f, _)| f)
        .filter(|f| is_identifier(f));
    field
        .and_then(|f| places.value(&format!("{base}.{f}")))
        .or_else(|| places.at(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<(LintId, Option<usize>, Option<usize>, String)> {
        check(text, &Places::of(text))
            .0
            .into_iter()
            .map(|f| (f.id, f.line, f.column, f.message))
            .collect()
    }

    #[test]
    fn every_schema_problem_at_once_with_its_place() {
        let got = findings("name: t\nversion: 1.0.0\nvarables: []\nvariables:\n  - name: x\n    type: text\n  - nme: y\n");
        let places: Vec<_> = got.iter().map(|f| (f.0, f.1, f.2)).collect();
        assert_eq!(
            places,
            [
                (LintId::InvalidDefinition, Some(3), Some(1)),
                (LintId::InvalidDefinition, Some(6), Some(11)),
                (LintId::InvalidDefinition, Some(7), Some(5)),
                (LintId::InvalidDefinition, Some(7), Some(5)),
            ],
            "{got:#?}"
        );
        assert!(got[0].3.contains("varables"), "{got:#?}");
    }

    #[test]
    fn rule_and_name_problems_point_at_their_field() {
        let got = findings("name: t\nversion: one\nvariables:\n  - name: db\n    type: boolean\n  - name: db_name\n    when: dbb\n");
        assert_eq!(got[0].0, LintId::InvalidDefinition);
        assert_eq!((got[0].1, got[0].2), (Some(2), Some(1)));
        assert_eq!(got[1].0, LintId::UnknownName);
        assert_eq!((got[1].1, got[1].2), (Some(7), Some(11)), "{got:#?}");
        assert!(got[1].3.contains("did you mean `db`?"), "{got:#?}");
        assert!(findings("name: t\nversion: 1.0.0\n").is_empty());
        let yaml = findings("name: [\n");
        assert_eq!(yaml[0].0, LintId::InvalidDefinition);
        assert!(yaml[0].1.is_some(), "{yaml:#?}");
    }
}
