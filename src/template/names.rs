//! The names a template's expressions use (`when` and defaults, rule
//! conditions and `for_each`, the `manifest:` section, `renamed:` paths),
//! checked when the template loads
//! against what each expression can see: a typo is a load error with "did
//! you mean", never a condition that is silently false or a field that
//! silently disappears.

use super::definition::{Definition, Rule};
use crate::util::suggest::did_you_mean;

/// What every expression sees besides the answers.
const BASE: &[&str] = &["plat_version", "template"];
/// Words of Tera's expression language that are not names.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "is", "if", "else", "true", "false", "True", "False", "none", "None",
    "null",
];

/// The root names `expr` looks up: not attributes (`a.b` gives `a`), not
/// filters or tests, not functions, not keyword arguments, not inside
/// string literals, not the names a list comprehension binds (`[s.kind
/// for s in services]` gives `services`).
pub fn roots(expr: &str) -> Vec<&str> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut bound = Vec::new();
    let mut binding = false;
    let mut i = 0;
    // The last significant character before the current token.
    let mut before = b' ';
    let mut after_is = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            let end = expr[i + 1..]
                .find(c as char)
                .map_or(bytes.len(), |e| i + 1 + e + 1);
            i = end;
            before = b'"';
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &expr[start..i];
            let next = expr[i..].trim_start();
            let call = next.starts_with('(');
            let kwarg = next.starts_with('=') && !next.starts_with("==");
            let is_test = after_is && word != "not";
            match word {
                "for" => binding = true,
                "in" => binding = false,
                _ if binding => bound.push(word),
                _ => {}
            }
            if !(KEYWORDS.contains(&word)
                || binding
                || word == "for"
                || before == b'.'
                || before == b'|'
                || call
                || kwarg
                || is_test)
            {
                out.push(word);
            }
            after_is = word == "is" || (after_is && word == "not");
            before = b'a';
            continue;
        }
        if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            before = b'0';
            continue;
        }
        if !c.is_ascii_whitespace() {
            before = c;
            after_is = false;
        }
        i += 1;
    }
    out.retain(|name| !bound.contains(name));
    out
}

/// The `{{ }}` expressions of a template string, when it has no tags
/// (a string with `{% %}` may bind names of its own and is not checked).
fn spans(text: &str) -> Vec<&str> {
    if text.contains("{%") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push(&rest[start + 2..start + 2 + len]);
        rest = &rest[start + 2 + len + 2..];
    }
    out
}

/// Every name an expression of `def` uses that it cannot see.
pub fn problems(def: &Definition) -> Vec<String> {
    let mut out = Vec::new();
    let vars: Vec<&str> = def.variables.iter().map(|v| v.name.as_str()).collect();
    for (i, v) in def.variables.iter().enumerate() {
        let known: Vec<&str> = BASE
            .iter()
            .copied()
            .chain(vars[..i].iter().copied())
            .collect();
        let earlier = "a variable declared before it";
        if let Some(when) = &v.when {
            let at = format!("`variables[{i}]` (`{}`): `when`", v.name);
            check(&at, when, &known, earlier, &vars, &mut out);
        }
        if let Some(serde_yaml::Value::String(default)) = &v.default {
            let at = format!("`variables[{i}]` (`{}`): `default`", v.name);
            for expr in spans(default) {
                check(&at, expr, &known, earlier, &vars, &mut out);
            }
        }
    }
    let binds: Vec<&str> = def
        .rules
        .iter()
        .filter(|r| r.for_each.is_some())
        .map(|r| r.bind.as_deref().unwrap_or("item"))
        .collect();
    for (i, r) in def.rules.iter().enumerate() {
        rule_problems(i, r, &vars, &binds, &mut out);
    }
    if let Some(section) = &def.manifest {
        let known: Vec<&str> = BASE.iter().copied().chain(vars.iter().copied()).collect();
        manifest_problems("manifest", section, &known, &mut out);
    }
    renamed_problems(def, &vars, &mut out);
    out
}

/// `renamed:` paths render as file names do: they see every variable and
/// `manifest`.
fn renamed_problems(def: &Definition, vars: &[&str], out: &mut Vec<String>) {
    let known: Vec<&str> = BASE
        .iter()
        .copied()
        .chain(["manifest"])
        .chain(vars.iter().copied())
        .collect();
    for (i, r) in def.renamed.iter().enumerate() {
        for (field, text) in [("from", &r.from), ("to", &r.to)] {
            let text = super::paths::with_pipes(text);
            for expr in spans(&text) {
                let at = format!("`renamed[{i}].{field}`");
                check(&at, expr, &known, "a variable", vars, out);
            }
        }
    }
}

/// A rule's conditions and `for_each`: managed files see only the
/// manifest, scaffolded ones every variable too.
fn rule_problems(i: usize, r: &Rule, vars: &[&str], binds: &[&str], out: &mut Vec<String>) {
    let mut known: Vec<&str> = BASE.to_vec();
    known.extend(["manifest", "managed_header"]);
    known.extend(binds);
    let what = if r.managed {
        "something a managed file sees (`manifest`, `template`, `plat_version`)"
    } else {
        known.extend(vars);
        "a variable"
    };
    for (field, expr) in [
        ("include_if", &r.include_if),
        ("exclude_if", &r.exclude_if),
        ("for_each", &r.for_each),
    ] {
        if let Some(expr) = expr {
            check(
                &format!("`rules[{i}].{field}`"),
                expr,
                &known,
                what,
                vars,
                out,
            );
        }
    }
}

/// Every string of the `manifest:` section, and the conditions of its
/// `{if, then}` items.
fn manifest_problems(at: &str, value: &serde_yaml::Value, known: &[&str], out: &mut Vec<String>) {
    use serde_yaml::Value as Y;
    match value {
        Y::String(s) => {
            for expr in spans(s) {
                check(&format!("`{at}`"), expr, known, "a variable", known, out);
            }
        }
        Y::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let here = format!("{at}[{i}]");
                if let Some(cond) = item.get("if").and_then(|c| c.as_str()) {
                    check(
                        &format!("`{here}.if`"),
                        cond,
                        known,
                        "a variable",
                        known,
                        out,
                    );
                }
                manifest_problems(&here, item, known, out);
            }
        }
        Y::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or_default();
                if key == "if" {
                    continue;
                }
                manifest_problems(&format!("{at}.{key}"), v, known, out);
            }
        }
        Y::Tagged(t) => manifest_problems(at, &t.value, known, out),
        _ => {}
    }
}

/// One problem per name of `expr` that is not among `known`.
fn check(
    at: &str,
    expr: &str,
    known: &[&str],
    what: &str,
    candidates: &[&str],
    out: &mut Vec<String>,
) {
    for name in roots(expr) {
        if known.contains(&name) {
            continue;
        }
        let hint = did_you_mean(name, candidates.iter().chain(known).copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        out.push(format!("{at} uses `{name}`, which is not {what}{hint}"));
    }
}

#[cfg(test)]
mod tests {
    use super::roots;

    #[test]
    fn roots_are_the_names_an_expression_looks_up() {
        assert_eq!(roots("with_db"), ["with_db"]);
        assert_eq!(roots("not with_db and lang == 'go'"), ["with_db", "lang"]);
        assert_eq!(roots("manifest.infrastructure.environments"), ["manifest"]);
        assert_eq!(roots("envs | join(sep=',') | upper"), ["envs"]);
        assert_eq!(roots("x is defined and y is not odd"), ["x", "y"]);
        assert_eq!(roots("range(end=n) | length > 2"), ["n"]);
        assert_eq!(roots("'db' in features or \"a b\" == x"), ["features", "x"]);
        assert_eq!(roots("{'go': a, 'rust': b}[lang]"), ["a", "b", "lang"]);
        assert_eq!(roots("1.5 + count"), ["count"]);
        assert_eq!(roots("true or none"), Vec::<&str>::new());
        assert_eq!(
            roots("svc.kind not in [s.kind for s in services[:loop.index0]]"),
            ["svc", "services", "loop"]
        );
        assert_eq!(
            roots("[p[f].port for f in fields if p[f] is defined] | unique"),
            ["p", "fields", "p"]
        );
        assert_eq!(roots("a if b else c"), ["a", "b", "c"]);
    }
}
