//! The text patterns of platform.yaml's fields. The JSON Schema publishes
//! them as regular expressions, for editors; plat checks them with the
//! small matchers here (compiling the expressions cost more than checking
//! a whole manifest), and a test holds each matcher equal to its expression.

/// A DNS-1123 label: the name Kubernetes gives services, namespaces and more.
pub const DNS_LABEL_PATTERN: &str = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$";
pub const STAGE_NAME_PATTERN: &str = r"^[a-z0-9][-_a-z0-9]{0,62}$";
/// A doctor check's ID: built-in `PLAT101`, or a policy's own (`ACME001`).
pub const CHECK_ID_PATTERN: &str = r"^[A-Z][A-Z0-9_]*[0-9]{3}$";
pub const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
pub const PROBE_PATH_PATTERN: &str = r"^/";
/// A git commit id in full: SHA-1 (40 hex digits) or SHA-256 (64).
pub const COMMIT_PATTERN: &str = r"^([0-9a-f]{40}|[0-9a-f]{64})$";
/// A git commit id as GitHub Actions pins it: SHA-1, 40 lowercase hex digits.
pub const ACTION_COMMIT_PATTERN: &str = r"^[0-9a-f]{40}$";
/// A Kubernetes resource quantity such as `100m`, `0.5`, `128Mi` or `1e3`.
pub const QUANTITY_PATTERN: &str =
    r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";

/// Whether `s` matches `pattern`, one of the patterns above; `None` for any
/// other pattern.
pub fn matches(pattern: &str, s: &str) -> Option<bool> {
    Some(match pattern {
        DNS_LABEL_PATTERN => is_dns_label(s),
        STAGE_NAME_PATTERN => is_stage_name(s),
        CHECK_ID_PATTERN => is_check_id(s),
        DATE_PATTERN => {
            let b = s.as_bytes();
            b.len() == 10
                && b.iter().enumerate().all(|(i, c)| match i {
                    4 | 7 => *c == b'-',
                    _ => c.is_ascii_digit(),
                })
        }
        PROBE_PATH_PATTERN => s.starts_with('/'),
        COMMIT_PATTERN => is_commit(s),
        ACTION_COMMIT_PATTERN => is_action_commit(s),
        QUANTITY_PATTERN => quantity_parts(s).is_some(),
        _ => return None,
    })
}

fn lower_or_digit(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// A commit an action is pinned to: 40 lowercase hex digits, as
/// `ACTION_COMMIT_PATTERN` says.
pub fn is_action_commit(s: &str) -> bool {
    s.len() == 40 && is_commit(s)
}

/// A full commit id, lowercase hex.
pub fn is_commit(s: &str) -> bool {
    matches!(s.len(), 40 | 64)
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

pub fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b, [first, ..] if first.is_ascii_lowercase())
        && b.len() <= 63
        && b.last().is_some_and(|c| lower_or_digit(*c))
        && b.iter().all(|c| lower_or_digit(*c) || *c == b'-')
}

pub fn is_stage_name(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b, [first, ..] if lower_or_digit(*first))
        && b.len() <= 63
        && b.iter()
            .all(|c| lower_or_digit(*c) || *c == b'-' || *c == b'_')
}

pub fn is_check_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 4
        && b[0].is_ascii_uppercase()
        && b[b.len() - 3..].iter().all(u8::is_ascii_digit)
        && b[1..b.len() - 3]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

/// An environment variable's name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_env_var(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b, [first, ..] if first.is_ascii_alphabetic() || *first == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A template variable's name: `[a-z_][a-z0-9_]*`.
pub fn is_answer_key(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b, [first, ..] if first.is_ascii_lowercase() || *first == b'_')
        && b.iter().all(|c| lower_or_digit(*c) || *c == b'_')
}

/// An image repository: `/`-separated components of lowercase letters and
/// digits, joined inside a component by single `.`, `_` or `-`.
pub fn is_repository(s: &str) -> bool {
    s.split('/').all(|part| {
        !part.is_empty()
            && part
                .split(['.', '_', '-'])
                .all(|run| !run.is_empty() && run.bytes().all(lower_or_digit))
    })
}

/// An image tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
pub fn is_image_tag(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(b, [first, ..] if first.is_ascii_alphanumeric() || *first == b'_')
        && b.len() <= 128
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// A quantity's number and its suffix (an exponent like `e3`, or a unit),
/// or `None` if `s` is not a quantity.
pub fn quantity_parts(s: &str) -> Option<(&str, Option<&str>)> {
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let int = digits(s);
    let mut end = int;
    if s[end..].starts_with('.') {
        let frac = digits(&s[end + 1..]);
        if int == 0 && frac == 0 {
            return None;
        }
        end += 1 + frac;
    } else if int == 0 {
        return None;
    }
    let (number, suffix) = s.split_at(end);
    if suffix.is_empty() {
        return Some((number, None));
    }
    const UNITS: &[&str] = &[
        "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
    ];
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.strip_prefix(['-', '+']).unwrap_or(e))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
    (exponent || UNITS.contains(&suffix)).then_some((number, Some(suffix)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each matcher agrees with its published expression on every string
    /// of a corpus built to probe the edges.
    #[test]
    fn matchers_agree_with_the_published_expressions() {
        let mut corpus: Vec<String> = [
            "",
            "a",
            "A",
            "-",
            "_",
            "/",
            ".",
            "a-",
            "-a",
            "a-b",
            "a_b",
            "9",
            "9a",
            "a9",
            "payments-api",
            "Payments",
            "PLAT101",
            "ACME_X001",
            "PLAT10",
            "P001",
            "A1B002",
            "plat101",
            "PLAT1O1",
            "2026-01-01",
            "2026-1-01",
            "2026-01-01x",
            "20260-1-01",
            "/healthz",
            "healthz",
            "//",
            "100m",
            "0.5",
            ".5",
            "5.",
            ".",
            "1e3",
            "1E3",
            "1e",
            "1E",
            "1e-3",
            "1e+",
            "128Mi",
            "1Ki",
            "1ki",
            "1 Mi",
            "1.2.3",
            "-1",
            "1mi",
            "Mi",
            "0",
            "00",
            "1Ei",
            "3n",
            "3u",
            "1x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        corpus.push("a".repeat(63));
        corpus.push("0123456789abcdef0123456789abcdef01234567".into());
        corpus.push("0123456789abcdef0123456789abcdef0123456".into());
        corpus.push("0123456789ABCDEF0123456789abcdef01234567".into());
        corpus.push("0123456789abcdeg0123456789abcdef01234567".into());
        corpus.push("f".repeat(64));
        corpus.push("f".repeat(41));
        corpus.push("a".repeat(64));
        corpus.push(format!("a{}", "-".repeat(61)));
        corpus.push(format!("a{}b", "-".repeat(61)));
        corpus.push(format!("0{}", "_".repeat(62)));
        corpus.push(format!("0{}", "_".repeat(63)));
        for pattern in [
            DNS_LABEL_PATTERN,
            STAGE_NAME_PATTERN,
            CHECK_ID_PATTERN,
            DATE_PATTERN,
            PROBE_PATH_PATTERN,
            COMMIT_PATTERN,
            ACTION_COMMIT_PATTERN,
            QUANTITY_PATTERN,
        ] {
            let re = regex::Regex::new(pattern).unwrap();
            for s in &corpus {
                assert_eq!(
                    matches(pattern, s),
                    Some(re.is_match(s)),
                    "{pattern} on {s:?}"
                );
            }
        }
        assert_eq!(matches("^x$", "x"), None);
        corpus.extend(
            [
                "ghcr.io/acme",
                "acme/payments-api",
                "a.b_c-d",
                "a..b",
                "a/",
                "/a",
                "a//b",
                "A",
                "a__b",
                "_a",
                "PATH",
                "_x1",
                "1x",
                "x y",
                "v1.2.3",
                ".v1",
                "-v1",
                "latest",
            ]
            .map(String::from),
        );
        corpus.push("t".repeat(128));
        corpus.push("t".repeat(129));
        type Matcher = fn(&str) -> bool;
        let checks: [(&str, Matcher); 4] = [
            (r"^[A-Za-z_][A-Za-z0-9_]*$", is_env_var),
            (r"^[a-z_][a-z0-9_]*$", is_answer_key),
            (
                r"^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$",
                is_repository,
            ),
            (r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", is_image_tag),
        ];
        for (pattern, check) in checks {
            let re = regex::Regex::new(pattern).unwrap();
            for s in &corpus {
                assert_eq!(check(s), re.is_match(s), "{pattern} on {s:?}");
            }
        }
    }
}
