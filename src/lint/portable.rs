//! The template's own paths (`files/`, `partials/`), which a checkout of
//! the repository holding it must be able to hold on Windows too (TL010):
//! no `: * ? " < > |`, no trailing dot or space, no device name, no two
//! paths that differ only by case. A `|` in a file name's `{{ }}` is
//! written `!` (`template::paths::with_pipes`).

use std::collections::HashMap;

use super::finding::{Finding, LintId};
use crate::template::pathcheck::windows_problem;
use crate::template::paths::NAME_PIPE;
use crate::template::Template;

/// The first problem of each path, and each case-only clash.
pub fn check(template: &Template) -> Vec<Finding> {
    let paths: Vec<String> = template
        .files
        .iter()
        .map(|f| format!("files/{}", f.path))
        .chain(
            template
                .partials
                .iter()
                .map(|(n, _)| format!("partials/{n}")),
        )
        .collect();
    let mut findings = Vec::new();
    let mut folded: HashMap<String, &str> = HashMap::new();
    for path in &paths {
        if let Some(message) = path.split('/').find_map(segment_problem) {
            findings.push(Finding::new(LintId::UnportableSourcePath, path, message));
        }
        if let Some(other) = folded.insert(path.to_lowercase(), path) {
            findings.push(Finding::new(
                LintId::UnportableSourcePath,
                path,
                format!("`{path}` and `{other}` differ only by case: one file where case does not count (macOS, Windows)"),
            ));
        }
    }
    findings
}

/// Why Windows cannot hold the template file name segment `seg`.
fn segment_problem(seg: &str) -> Option<String> {
    let portable = with_bangs(seg);
    if portable != seg {
        return Some(format!(
            "`{seg}`: Windows cannot hold `|` in a file name; write `{portable}` (in a file name `{NAME_PIPE}` stands for `|`)"
        ));
    }
    windows_problem(seg)
}

/// `seg` with each `|` of its `{{ }}` and `{% %}`, outside quotes, written
/// as `!`.
fn with_bangs(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    let mut depth = 0usize;
    let mut quote = None;
    let mut chars = seg.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '{') if matches!(chars.peek(), Some('{' | '%')) => depth += 1,
            (None, '}' | '%') if depth > 0 && chars.peek() == Some(&'}') => depth -= 1,
            (None, '\'' | '"' | '`') if depth > 0 => quote = Some(c),
            (None, '|') if depth > 0 => {
                out.push(NAME_PIPE);
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_in_names_become_bangs_and_other_characters_are_named() {
        assert_eq!(
            with_bangs("{{ name | snake_case }}"),
            "{{ name ! snake_case }}"
        );
        assert_eq!(with_bangs("a|b"), "a|b");
        assert_eq!(
            with_bangs("{{ x | replace(from='|', to='-') }}"),
            "{{ x ! replace(from='|', to='-') }}"
        );
        assert!(segment_problem("{{ name | snake_case }}")
            .unwrap()
            .contains("write `{{ name ! snake_case }}`"));
        assert!(segment_problem("{{ name ! snake_case }}").is_none());
        assert!(segment_problem("aux.md").unwrap().contains("device name"));
        assert!(segment_problem("{{ \"x\" }}").unwrap().contains('"'));
        assert!(segment_problem("a|b").unwrap().contains("Windows"));
    }
}
