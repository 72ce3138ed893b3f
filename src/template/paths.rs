//! The file names of a rendered project: each name rendered and checked
//! (a file's under `files/`, a `renamed:` entry's), the whole set sorted
//! and checked (each path by [`pathcheck`], none twice, none both a file
//! and a directory), a rendered name refused with the variables it uses,
//! and which variables names use at all, so their values can be checked as
//! paths when they are answered. In a name, `!` stands for `|`
//! ([`with_pipes`]), so a template's own file names stay portable.

use anyhow::{bail, Result};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Display;
use tera::{Context, Tera};

use super::definition::Rename;
use super::pathcheck;
use super::source::Template;
use super::tera_env;
use crate::error::InputError;

/// Renders the name `text` (`what` in messages: "file name
/// `files/src/{{ name }}.rs`") with `ctx`; none when a segment renders
/// empty, which leaves the file out.
pub(crate) fn render_path(
    tera: &Tera,
    text: &str,
    ctx: &Context,
    what: &dyn Display,
) -> Result<Option<String>> {
    match render_name(tera, text, ctx, what)? {
        Name::Path(path) => Ok(Some(path)),
        Name::Dropped => Ok(None),
        Name::Unsafe(why) => bail!(InputError(why)),
    }
}

/// What a name renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Name {
    /// A path that is safe to write.
    Path(String),
    /// A segment rendered empty: the file is left out.
    Dropped,
    /// A path plat refuses to write, and why (naming `what`).
    Unsafe(String),
}

/// [`render_path`], telling a name plat refuses from one that fails to
/// render (the error).
pub(crate) fn render_name(
    tera: &Tera,
    text: &str,
    ctx: &Context,
    what: &dyn Display,
) -> Result<Name> {
    let source = text;
    let text = with_pipes(text);
    let render = |t: &str| {
        tera_env::render_str(tera, t, ctx).map_err(|e| InputError(format!("{what}: {e}")))
    };
    if text.contains("{%") || text.contains("{#") {
        // Tags, not just values: the name renders whole.
        let path = render(&text)?;
        if path.split('/').any(str::is_empty) {
            return Ok(Name::Dropped); // a segment left out by its condition
        }
        return Ok(checked(what, source, path));
    }
    // Each `{{ }}` of a name stands on its own, whatever it draws on (an
    // answer, the manifest, a `for_each` item): empty, it drops the file;
    // otherwise it must be a safe relative path, as an answered variable
    // used in a file name must be.
    let mut path = String::with_capacity(text.len());
    for piece in name_pieces(&text) {
        match piece {
            NamePiece::Text(t) => path.push_str(t),
            NamePiece::Value(expr) => {
                let value = render(expr)?;
                if value.is_empty() {
                    return Ok(Name::Dropped);
                }
                if let Err(e) = pathcheck::check_relative(&value) {
                    return Ok(Name::Unsafe(format!(
                        "{what} renders to an unsafe path: `{expr}` gives `{value}`, and {e}{}",
                        uses(source)
                    )));
                }
                path.push_str(&value);
            }
        }
    }
    if path.split('/').any(str::is_empty) {
        return Ok(Name::Dropped);
    }
    Ok(checked(what, source, path))
}

/// In a file or directory name, `!` stands for Tera's `|`, which Windows
/// cannot hold in a file name: `src/{{ name ! snake_case }}/app.py` is
/// `src/{{ name | snake_case }}/app.py`. A `!` inside quotes, or of `!=`,
/// is kept. Names written with `|` still render.
pub fn with_pipes(name: &str) -> Cow<'_, str> {
    if !name.contains(NAME_PIPE) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(start) = rest.find("{{").into_iter().chain(rest.find("{%")).min() {
        let close = if rest[start..].starts_with("{{") {
            "}}"
        } else {
            "%}"
        };
        let Some(len) = rest[start + 2..].find(close) else {
            break;
        };
        let end = start + 2 + len;
        out.push_str(&rest[..start + 2]);
        let mut quote = None;
        let expr = &rest[start + 2..end];
        for (i, c) in expr.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (None, '\'' | '"' | '`') => quote = Some(c),
                (None, NAME_PIPE) if !expr[i + 1..].starts_with('=') => {
                    out.push('|');
                    continue;
                }
                _ => {}
            }
            out.push(c);
        }
        out.push_str(close);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// What stands for `|` in a file name: see [`with_pipes`].
pub const NAME_PIPE: char = '!';

/// The `renamed:` entries rendered with `ctx` (the context scaffolded file
/// names see) and checked as file names are: `(from, to)` output paths. An
/// entry one side of which renders to nothing, or both to the same path,
/// moves nothing here and is left out.
pub fn render_renamed(
    tera: &Tera,
    renamed: &[Rename],
    ctx: &Context,
) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(renamed.len());
    let mut moved = HashMap::new();
    for (i, r) in renamed.iter().enumerate() {
        let from = render_path(tera, &r.from, ctx, &format_args!("`renamed[{i}].from`"))?;
        let to = render_path(tera, &r.to, ctx, &format_args!("`renamed[{i}].to`"))?;
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if from == to {
            continue;
        }
        if let Some(j) = moved.insert(from.clone(), i) {
            bail!(InputError(format!(
                "`renamed[{j}]` and `renamed[{i}]` both move `{from}`; keep one entry for it"
            )));
        }
        out.push((from, to));
    }
    Ok(out)
}

/// A part of a name: literal text, or one `{{ expression }}`.
enum NamePiece<'a> {
    Text(&'a str),
    Value(&'a str),
}

/// A name cut into its literal text and its `{{ }}` expressions.
fn name_pieces(source: &str) -> Vec<NamePiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        if start > 0 {
            pieces.push(NamePiece::Text(&rest[..start]));
        }
        pieces.push(NamePiece::Value(&rest[start..start + len + 2]));
        rest = &rest[start + len + 2..];
    }
    if !rest.is_empty() {
        pieces.push(NamePiece::Text(rest));
    }
    pieces
}

/// Sorts `items` by path and checks the whole set: every path safe, no
/// path twice, no path both a file and a directory.
pub(crate) fn check_paths<T>(items: &mut [T], path: impl Fn(&T) -> &str) -> Result<()> {
    items.sort_by(|a, b| path(a).cmp(path(b)));
    let mut seen = HashSet::with_capacity(items.len());
    for it in items.iter() {
        let p = path(it);
        pathcheck::check_relative(p)?;
        if !seen.insert(p) {
            bail!(InputError(format!(
                "two template files render to the same path `{p}`"
            )));
        }
    }
    for it in items.iter() {
        check_parents(path(it), &seen)?;
    }
    Ok(())
}

/// Refuses `path` when one of its parent directories is also a file.
fn check_parents(path: &str, files: &HashSet<&str>) -> Result<()> {
    let mut end = 0;
    while let Some(i) = path[end..].find('/') {
        end += i;
        if files.contains(&path[..end]) {
            bail!(InputError(format!(
                "`{}` is both a file and a directory in the rendered project",
                &path[..end]
            )));
        }
        end += 1;
    }
    Ok(())
}

/// The rendered name, or why it is unsafe, naming the variables `text`
/// uses.
fn checked(what: &dyn Display, text: &str, rendered: String) -> Name {
    match pathcheck::check_relative(&rendered) {
        Ok(()) => Name::Path(rendered),
        Err(e) => Name::Unsafe(format!(
            "{what} renders to an unsafe path: {e}{}",
            uses(text)
        )),
    }
}

/// ` (it uses the variables a, b)` for a name, or nothing.
fn uses(source: &str) -> String {
    let mut vars = BTreeSet::new();
    variables_in(source, &mut vars);
    let vars: Vec<String> = vars.into_iter().collect();
    match vars.len() {
        0 => String::new(),
        1 => format!(" (it uses the variable {})", vars[0]),
        _ => format!(" (it uses the variables {})", vars.join(", ")),
    }
}

/// Variables used in file and directory names (and `renamed:` paths),
/// whose values must be safe as paths.
pub fn path_variables(template: &Template) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    for f in &template.files {
        variables_in(&f.path, &mut vars);
    }
    for r in &template.definition.renamed {
        variables_in(&r.from, &mut vars);
        variables_in(&r.to, &mut vars);
    }
    vars
}

/// The variables named at the start of each `{{ }}` in `text`.
fn variables_in(text: &str, vars: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        let end = rest.find("}}").unwrap_or(rest.len());
        let ident: String = rest[..end]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !ident.is_empty() {
            vars.insert(ident);
        }
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(paths: &[&str]) -> Result<Vec<String>> {
        let mut p: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        check_paths(&mut p, |f| f.as_str())?;
        Ok(p)
    }

    #[test]
    fn check_paths_sorts_and_accepts_distinct_paths() {
        let paths = check(&["b", "a/b", "a-b", "a/c/d"]).unwrap();
        assert_eq!(paths, ["a-b", "a/b", "a/c/d", "b"]);
    }

    #[test]
    fn check_paths_rejects_duplicates_and_file_directory_clashes() {
        let err = check(&["a", "b", "a"]).unwrap_err().to_string();
        assert!(err.contains("same path `a`"), "{err}");
        let err = check(&["a/b", "a/b/c"]).unwrap_err().to_string();
        assert!(
            err.contains("`a/b` is both a file and a directory"),
            "{err}"
        );
    }

    #[test]
    fn a_bang_in_a_name_is_a_pipe() {
        assert_eq!(
            with_pipes("src/{{ name ! snake_case }}/app.py"),
            "src/{{ name | snake_case }}/app.py"
        );
        assert_eq!(
            with_pipes("{{ a ! replace(from='!', to='-') ! upper }}!{% if x != 1 %}y{% endif %}"),
            "{{ a | replace(from='!', to='-') | upper }}!{% if x != 1 %}y{% endif %}"
        );
        assert_eq!(with_pipes("README!.md"), "README!.md");
        let mut ctx = Context::new();
        ctx.insert("name", "Payments API");
        let tera = tera_env::new_tera();
        let what = format_args!("file name");
        for text in [
            "src/{{ name ! snake_case }}/app.py",
            "src/{{ name | snake_case }}/app.py",
        ] {
            assert_eq!(
                render_path(&tera, text, &ctx, &what).unwrap().as_deref(),
                Some("src/payments_api/app.py")
            );
        }
        assert_eq!(
            render_name(&tera, "{{ name }}:x", &ctx, &what).unwrap(),
            Name::Unsafe(
                "file name renders to an unsafe path: `Payments API:x`: `:` in `Payments API:x` is not allowed in a file name on Windows (it uses the variable name)".into()
            )
        );
    }

    #[test]
    fn path_variables_are_found_in_names() {
        let mut vars = BTreeSet::new();
        variables_in("src/{{ module }}/{{name|snake_case}}.rs", &mut vars);
        assert_eq!(vars.into_iter().collect::<Vec<_>>(), ["module", "name"]);
    }

    #[test]
    fn path_variables_include_those_of_renamed_paths() {
        let definition = crate::template::Definition::parse(
            "name: t\nversion: 1.0.0\nvariables:\n  - {name: area, default: x}\nrenamed:\n  - {from: 'docs/{{ area }}.md', to: docs/area.md}\n",
            "template.yaml",
        )
        .unwrap();
        let template = Template {
            origin: crate::template::Origin::Builtin("t".into()),
            definition,
            files: Vec::new(),
            partials: Vec::new(),
            parents: Vec::new(),
        };
        assert_eq!(
            path_variables(&template).into_iter().collect::<Vec<_>>(),
            ["area"]
        );
    }

    fn renames(pairs: &[(&str, &str)]) -> Vec<Rename> {
        pairs
            .iter()
            .map(|(f, t)| Rename {
                from: f.to_string(),
                to: t.to_string(),
            })
            .collect()
    }

    fn render(pairs: &[(&str, &str)], name: &str) -> Result<Vec<(String, String)>> {
        let mut ctx = Context::new();
        ctx.insert("name", name);
        ctx.insert("language", "go");
        render_renamed(&tera_env::new_tera(), &renames(pairs), &ctx)
    }

    #[test]
    fn renamed_paths_render_as_file_names_do() {
        let got = render(
            &[
                ("RUNBOOK.md", "docs/runbook.md"),
                (
                    "src/{{ name | snake_case }}/cfg.py",
                    "src/{{ name | snake_case }}/config.py",
                ),
            ],
            "payments-api",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                ("RUNBOOK.md".to_string(), "docs/runbook.md".to_string()),
                (
                    "src/payments_api/cfg.py".to_string(),
                    "src/payments_api/config.py".to_string()
                ),
            ]
        );
    }

    #[test]
    fn renamed_entries_that_render_to_nothing_or_to_themselves_are_left_out() {
        let got = render(
            &[
                ("{% if language == 'rust' %}a.rs{% endif %}", "b.rs"),
                ("{{ name }}.md", "{{ name | kebab_case }}.md"),
                ("x/{{ missing | default(value='') }}/y", "z"),
            ],
            "api",
        )
        .unwrap();
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn renamed_paths_are_checked_as_rendered_file_names_are() {
        let err = render(&[("docs/{{ name }}.md", "b.md")], "../etc")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "`renamed[0].from` renders to an unsafe path: `{{ name }}` gives `../etc`"
            ),
            "{err}"
        );
        assert!(err.contains("(it uses the variable name)"), "{err}");
        let err = render(&[("a", "{% if true %}b/.git/c{% endif %}")], "api")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`renamed[0].to` renders to an unsafe path"),
            "{err}"
        );
        assert!(err.contains(".git"), "{err}");
        let err = render(&[("a", "{{ nope }}")], "api")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("`renamed[0].to`: "), "{err}");
    }

    #[test]
    fn renamed_paths_that_render_alike_are_refused() {
        let err = render(&[("{{ name }}.md", "a.md"), ("api.md", "b.md")], "api")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`renamed[0]` and `renamed[1]` both move `api.md`"),
            "{err}"
        );
    }
}
