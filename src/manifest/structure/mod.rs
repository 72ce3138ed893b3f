//! Checks a YAML value against the manifest's JSON schema and collects every
//! problem, where serde would stop at the first. Handles the subset of JSON
//! Schema that schemars emits for the manifest types; a test keeps the two in
//! step. This file walks the value; alternatives (`anyOf`, `oneOf`) are in
//! [`branches`], the wording of what it finds in [`messages`].

mod branches;
mod messages;

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::{At, Issue, Seg, DATE_PATTERN, MAX_DEPTH};
use messages::{describe_pattern, not_one_of, scalar_text, show, unknown_field};

/// Keywords the walker understands (validation) or may ignore (annotations);
/// a test checks the generated schema uses no others.
#[cfg(test)]
pub(super) const KNOWN_KEYWORDS: &[&str] = &[
    "$ref",
    "$defs",
    "$schema",
    "title",
    "description",
    "default",
    "examples",
    "format",
    "type",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "minimum",
    "maximum",
    "minLength",
    "pattern",
];

/// Every structural problem of `value` against `schema` (the root schema).
pub(super) fn check(value: &Yaml, schema: &Json) -> Vec<Issue> {
    let mut walker = Walker::new(schema, "the manifest");
    if value.is_null() {
        walker.push(
            At::Value,
            "the manifest is empty; it needs at least `apiVersion`, `kind` and `metadata`".into(),
        );
    } else if !walker.wrong_header(value) {
        walker.check(schema, value, 0);
    }
    walker.issues
}

/// Every structural problem of another document plat reads (`document`
/// names it: "the template definition") against its schema.
pub(super) fn check_document(value: &Yaml, schema: &Json, document: &'static str) -> Vec<Issue> {
    let mut walker = Walker::new(schema, document);
    if value.is_null() {
        walker.push(At::Value, format!("{document} is empty"));
    } else {
        walker.check(schema, value, 0);
    }
    walker.issues
}

/// Walks a value and its schema together, keeping the path to the current node.
struct Walker<'s> {
    root: &'s Json,
    issues: Vec<Issue>,
    path: Vec<Seg>,
    /// What messages call the whole document.
    document: &'static str,
}

impl<'s> Walker<'s> {
    fn new(root: &'s Json, document: &'static str) -> Walker<'s> {
        Walker {
            root,
            issues: Vec::new(),
            path: Vec::new(),
            document,
        }
    }

    fn push(&mut self, at: At, message: String) {
        self.issues.push(Issue {
            path: self.path.clone(),
            at,
            message,
        });
    }

    /// Reports an `apiVersion` or `kind` other than plat's. A different
    /// one is a different format: its other problems would only be noise.
    fn wrong_header(&mut self, value: &Yaml) -> bool {
        let Some(map) = value.as_mapping() else {
            return false;
        };
        let mut wrong = false;
        for (key, wanted) in [("apiVersion", super::API_VERSION), ("kind", super::KIND)] {
            if let Some(found) = map.get(key) {
                if found.as_str() != Some(wanted) {
                    self.path.push(Seg::Key(key.into()));
                    self.push(
                        At::Value,
                        format!(
                            "unsupported `{key}` {}; this plat reads `{wanted}`",
                            show(found)
                        ),
                    );
                    self.path.pop();
                    wrong = true;
                }
            }
        }
        wrong
    }

    /// The schema a `$ref` points to, or `schema` itself.
    fn resolve(&self, schema: &'s Json) -> &'s Json {
        let mut schema = schema;
        // Bounded: schemars never chains references, but a loop must not hang.
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Json::as_str) else {
                break;
            };
            match reference
                .strip_prefix("#/$defs/")
                .and_then(|name| self.root.get("$defs")?.get(name))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn check(&mut self, schema: &'s Json, value: &Yaml, depth: usize) {
        if depth > MAX_DEPTH {
            self.push(
                At::Value,
                "the document is nested too deeply; plat reads at most 128 levels".into(),
            );
            return;
        }
        let schema = self.resolve(schema);
        if let Yaml::Tagged(tagged) = value {
            self.push(
                At::Value,
                format!(
                    "YAML tags like `{}` are not supported; remove the tag",
                    tagged.tag
                ),
            );
            return;
        }
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            if !self.check_branches(branches, value, depth) {
                return;
            }
        }
        if let Some(all) = schema.get("allOf").and_then(Json::as_array) {
            for sub in all {
                self.check(sub, value, depth + 1);
            }
        }
        if !self.check_type(schema, value) || !self.check_choices(schema, value) {
            return;
        }
        match value {
            Yaml::Number(n) => self.check_number(schema, n.as_f64().unwrap_or(f64::NAN), value),
            Yaml::String(s) => self.check_string(schema, s),
            Yaml::Sequence(items) => self.check_sequence(schema, items, depth),
            Yaml::Mapping(map) => self.check_mapping(schema, map, depth),
            _ => {}
        }
    }

    /// Whether `value` has a type `schema` allows; reports it if not.
    fn check_type(&mut self, schema: &Json, value: &Yaml) -> bool {
        let Some(types) = schema.get("type") else {
            return true;
        };
        if type_matches(types, value) {
            return true;
        }
        self.push(
            At::Value,
            messages::wrong_type(&self.subject(), types, value),
        );
        false
    }

    /// Whether `value` is in the schema's `enum` and equals its `const`;
    /// reports the first that fails.
    fn check_choices(&mut self, schema: &Json, value: &Yaml) -> bool {
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
            if !allowed.iter().any(|a| same(value, a)) {
                let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
                self.push(At::Value, not_one_of(&self.subject(), &names, value));
                return false;
            }
        }
        if let Some(constant) = schema.get("const") {
            if !same(value, constant) {
                let names: Vec<&str> = constant.as_str().into_iter().collect();
                self.push(At::Value, not_one_of(&self.subject(), &names, value));
                return false;
            }
        }
        true
    }

    fn check_number(&mut self, schema: &Json, n: f64, value: &Yaml) {
        let min = schema.get("minimum").and_then(Json::as_f64);
        let max = schema.get("maximum").and_then(Json::as_f64);
        let below = min.is_some_and(|m| n < m);
        let above = max.is_some_and(|m| n > m);
        if below || above {
            let bound = match (min, max) {
                (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => unreachable!("a bound was crossed"),
            };
            self.push(
                At::Value,
                format!(
                    "{} must be {bound}, found {}",
                    self.subject(),
                    scalar_text(value)
                ),
            );
        }
    }

    fn check_string(&mut self, schema: &'s Json, s: &str) {
        if let Some(min) = schema.get("minLength").and_then(Json::as_u64) {
            if (s.chars().count() as u64) < min {
                self.push(At::Value, format!("{} must not be empty", self.subject()));
                return;
            }
        }
        if let Some(pattern) = schema.get("pattern").and_then(Json::as_str) {
            // Patterns are plat's own constants; an invalid one is skipped, not fatal.
            if let Some(matched) = super::patterns::matches(pattern, s) {
                let calendar =
                    pattern != DATE_PATTERN || crate::util::date::Date::parse(s).is_some();
                if !matched || !calendar {
                    self.push(
                        At::Value,
                        format!(
                            "{} must be {}, found {s:?}",
                            self.subject(),
                            describe_pattern(pattern)
                        ),
                    );
                }
            }
        }
    }

    fn check_sequence(&mut self, schema: &'s Json, items: &[Yaml], depth: usize) {
        if let Some(min) = schema.get("minItems").and_then(Json::as_u64) {
            if (items.len() as u64) < min {
                self.push(
                    At::Value,
                    format!("{} needs at least {min} item(s)", self.subject()),
                );
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.path.push(Seg::Index(i));
                self.check(item_schema, item, depth + 1);
                self.path.pop();
            }
        }
    }

    fn check_mapping(&mut self, schema: &'s Json, map: &serde_yaml::Mapping, depth: usize) {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        for (key, item) in map {
            let Some(name) = key.as_str() else {
                self.path.push(Seg::Key(scalar_text(key)));
                self.push(
                    At::Key,
                    format!("keys must be text, found {}; quote the key", show(key)),
                );
                self.path.pop();
                continue;
            };
            self.path.push(Seg::Key(name.to_string()));
            if let Some(sub) = properties.and_then(|p| p.get(name)) {
                self.check(sub, item, depth + 1);
            } else {
                match additional {
                    Some(Json::Bool(false)) => {
                        let known: Vec<&str> = properties
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        self.push(At::Key, unknown_field(name, &known));
                    }
                    Some(sub) if sub.is_object() => self.check(sub, item, depth + 1),
                    _ => {}
                }
            }
            self.path.pop();
        }
        self.check_required(schema, map);
    }

    fn check_required(&mut self, schema: &Json, map: &serde_yaml::Mapping) {
        if let Some(required) = schema.get("required").and_then(Json::as_array) {
            for field in required.iter().filter_map(Json::as_str) {
                if !map.contains_key(field) {
                    let place = if self.path.is_empty() {
                        self.document.to_string()
                    } else {
                        self.subject()
                    };
                    self.push(
                        At::Value,
                        format!("missing required field `{field}` in {place}"),
                    );
                }
            }
        }
    }

    /// How messages name the value at the current path: `port`, `stages[1]`.
    fn subject(&self) -> String {
        let start = self
            .path
            .iter()
            .rposition(|s| matches!(s, Seg::Key(_)))
            .unwrap_or(0);
        let tail = super::render_path(&self.path[start..]);
        if tail.is_empty() {
            self.document.into()
        } else {
            format!("`{tail}`")
        }
    }
}

/// Whether `value` has one of the schema's `type`s.
fn type_matches(types: &Json, value: &Yaml) -> bool {
    let is = |t: &str| match (t, value) {
        ("null", Yaml::Null) => true,
        ("boolean", Yaml::Bool(_)) => true,
        ("string", Yaml::String(_)) => true,
        ("array", Yaml::Sequence(_)) => true,
        ("object", Yaml::Mapping(_)) => true,
        ("number", Yaml::Number(n)) => n.as_f64().is_some_and(f64::is_finite),
        ("integer", Yaml::Number(n)) => n.is_i64() || n.is_u64(),
        (_, Yaml::Tagged(_)) => false,
        _ => false,
    };
    match types {
        Json::String(t) => is(t),
        Json::Array(ts) => ts.iter().filter_map(Json::as_str).any(is),
        _ => true,
    }
}

/// Whether a YAML scalar equals a JSON `enum`/`const` entry.
fn same(value: &Yaml, json: &Json) -> bool {
    match (value, json) {
        (Yaml::String(a), Json::String(b)) => a == b,
        (Yaml::Bool(a), Json::Bool(b)) => a == b,
        (Yaml::Null, Json::Null) => true,
        (Yaml::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        _ => false,
    }
}
