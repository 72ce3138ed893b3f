//! The long explanation of each built-in check: its section of
//! docs/doctor.md, embedded at build time, so `plat doctor --explain`, the
//! SARIF rules' descriptions and help, and the documentation are one text.

use regex::{Captures, Regex};
use std::sync::LazyLock;

use super::check_id::CheckId;
use crate::error::InputError;
use crate::util::suggest::did_you_mean;

const DOCTOR_MD: &str = include_str!("../../docs/doctor.md");

/// Where docs/ is published: links in reports point there.
pub const DOCS_DIR: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs");
/// docs/doctor.md as published.
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/doctor.md");

/// GitHub shows at most this many characters of a rule's
/// `fullDescription` ("SARIF support for code scanning").
pub const FULL_DESCRIPTION_LIMIT: usize = 1024;

/// `plat100`: the anchor of a check's section (`<a id="plat100"></a>`).
pub fn anchor(id: CheckId) -> String {
    id.code().to_lowercase()
}

/// The absolute address of a check's section.
pub fn help_uri(id: CheckId) -> String {
    format!("{DOCS_URL}#{}", anchor(id))
}

/// A check's section as docs/doctor.md writes it: from its `### PLAT...`
/// heading to the next check's anchor or the next `##` heading.
pub fn section(id: CheckId) -> Option<&'static str> {
    let marker = format!("<a id=\"{}\"></a>\n", anchor(id));
    let start = DOCTOR_MD.find(&marker)? + marker.len();
    let rest = &DOCTOR_MD[start..];
    let end = ["\n<a id=\"", "\n## "]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    let text = rest[..end].trim();
    text.starts_with(&format!("### {}: ", id.code()))
        .then_some(text)
}

/// The section without its heading line.
fn body(id: CheckId) -> &'static str {
    let s = section(id).unwrap_or_default();
    s.split_once('\n')
        .map(|(_, b)| b.trim())
        .unwrap_or_default()
}

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\(([^)\s]+)\)").expect("valid regex"));

/// Links made absolute, so they work wherever the text is shown (a code
/// scanning alert, a terminal).
fn absolute_links(md: &str) -> String {
    LINK.replace_all(md, |c: &Captures| {
        let target = &c[2];
        let url = if target.contains("://") {
            target.to_string()
        } else if let Some(fragment) = target.strip_prefix('#') {
            format!("{DOCS_URL}#{fragment}")
        } else {
            format!("{DOCS_DIR}/{target}")
        };
        format!("[{}]({url})", &c[1])
    })
    .into_owned()
}

/// Markdown without its markup for links and bold.
fn plain(md: &str) -> String {
    LINK.replace_all(md, "$1").replace("**", "")
}

/// The section's body as Markdown, links absolute: SARIF `help.markdown`.
pub fn markdown(id: CheckId) -> String {
    absolute_links(body(id))
}

/// The section's body as plain text: SARIF `help.text`.
pub fn text(id: CheckId) -> String {
    plain(body(id))
}

/// The section's opening paragraphs as one line of plain text, as many as
/// fit GitHub's limit (the first one cut short if it alone does not):
/// SARIF `fullDescription`.
pub fn full_description(id: CheckId) -> String {
    let mut out = String::new();
    for paragraph in body(id).split("\n\n") {
        let line = plain(&paragraph.split_whitespace().collect::<Vec<_>>().join(" "));
        let joined = if out.is_empty() {
            line
        } else {
            format!("{out} {line}")
        };
        if joined.chars().count() > FULL_DESCRIPTION_LIMIT {
            if out.is_empty() {
                out = joined
                    .chars()
                    .take(FULL_DESCRIPTION_LIMIT - 1)
                    .chain(['…'])
                    .collect();
            }
            break;
        }
        out = joined;
    }
    out
}

/// The check a code names, in any case (`plat302` is PLAT302).
pub fn parse(code: &str) -> Result<CheckId, InputError> {
    let upper = code.trim().to_uppercase();
    CheckId::parse(&upper).ok_or_else(|| {
        let hint = did_you_mean(&upper, CheckId::ALL.iter().map(|c| c.code()))
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        InputError(format!(
            "`{code}` is not a built-in check{hint}; `plat doctor --list` lists them (a policy's own rules are explained in its file)"
        ))
    })
}

/// `plat doctor --explain CODE`: the check's heading, its section of
/// docs/doctor.md with links made absolute, and where it is published.
pub fn explain(id: CheckId) -> String {
    let spec = id.spec();
    format!(
        "{}: {}\n\n{}\n\ndefault severity: {}; category: {}; fixable by --fix: {}\n{}\n",
        spec.code,
        spec.name,
        markdown(id),
        spec.severity.as_str(),
        spec.category.as_str(),
        if spec.fixable { "yes" } else { "no" },
        help_uri(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every check plat knows has its section in docs/doctor.md, under its
    /// anchor, with a body; the descriptions fit GitHub's limit.
    #[test]
    fn every_check_has_its_section() {
        for &id in CheckId::ALL {
            let s = section(id).unwrap_or_else(|| panic!("no section for {id} in docs/doctor.md"));
            assert!(
                s.starts_with(&format!("### {}: {}\n", id.code(), id.spec().name)),
                "{id}: {s}"
            );
            assert!(!body(id).is_empty(), "{id}: empty section");
            let full = full_description(id);
            assert!(!full.is_empty() && full.chars().count() <= FULL_DESCRIPTION_LIMIT);
            assert!(!markdown(id).contains("](#"), "{id}: relative link left");
        }
    }

    #[test]
    fn sections_end_before_the_next_check() {
        let s = section(CheckId::ProductionGated).unwrap();
        assert!(s.contains("required reviewers"));
        assert!(!s.contains("PLAT400: dockerfile"));
        let last = section(CheckId::SuppressionUnknown).unwrap();
        assert!(!last.contains("## Statuses"));
    }

    #[test]
    fn links_become_absolute_and_plain_text_drops_them() {
        let md = "see [How](#how) and [manifest.md](manifest.md) or [x](https://e.com/a)";
        assert_eq!(
            absolute_links(md),
            format!("see [How]({DOCS_URL}#how) and [manifest.md]({DOCS_DIR}/manifest.md) or [x](https://e.com/a)")
        );
        assert_eq!(plain("**a** [b](#c)"), "a b");
    }

    #[test]
    fn codes_parse_in_any_case_and_typos_get_a_hint() {
        assert_eq!(parse("plat302").unwrap(), CheckId::ProductionGated);
        let err = parse("PLAT32").unwrap_err().0;
        assert!(err.contains("did you mean `PLAT302`?"), "{err}");
        assert!(parse("nonsense").unwrap_err().0.contains("--list"));
    }
}
