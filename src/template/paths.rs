//! The file names of a rendered project taken together: the whole set
//! sorted and checked (each path by [`pathcheck`], none twice, none both a
//! file and a directory), a rendered name refused with the variables it
//! uses, and which variables file names use at all, so their values can
//! be checked as paths when they are answered.

use anyhow::{bail, Result};
use std::collections::{BTreeSet, HashSet};

use super::pathcheck;
use super::source::Template;
use crate::error::InputError;

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

/// Refuses a rendered file name that is unsafe, naming the variables the
/// name uses.
pub(crate) fn check_rendered_path(source: &str, rendered: &str) -> Result<()> {
    let Err(e) = pathcheck::check_relative(rendered) else {
        return Ok(());
    };
    bail!(InputError(format!(
        "file name `files/{source}` renders to an unsafe path: {e}{}",
        uses(source)
    )))
}

/// ` (it uses the variables a, b)` for a file name, or nothing.
pub(crate) fn uses(source: &str) -> String {
    let mut vars = BTreeSet::new();
    variables_in(source, &mut vars);
    let vars: Vec<String> = vars.into_iter().collect();
    match vars.len() {
        0 => String::new(),
        1 => format!(" (it uses the variable {})", vars[0]),
        _ => format!(" (it uses the variables {})", vars.join(", ")),
    }
}

/// Variables used in file and directory names, whose values must be safe
/// as paths.
pub fn path_variables(template: &Template) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    for f in &template.files {
        variables_in(&f.path, &mut vars);
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
    fn path_variables_are_found_in_names() {
        let mut vars = BTreeSet::new();
        variables_in("src/{{ module }}/{{name|snake_case}}.rs", &mut vars);
        assert_eq!(vars.into_iter().collect::<Vec<_>>(), ["module", "name"]);
    }
}
