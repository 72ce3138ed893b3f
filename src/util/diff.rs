//! Unified diffs between two versions of a file, as plat shows them
//! (`sync --dry-run`, `update --dry-run`, `template test`).

/// A unified diff from `old` to `new` with three lines of context, headed
/// `a` and `b`; empty when the texts are equal. Bytes that are not UTF-8
/// text give git's one line instead.
pub fn unified(old: &[u8], new: &[u8], a: &str, b: &str) -> String {
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        (Ok(old), Ok(new)) => similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(a, b)
            .to_string(),
        _ => format!("Binary files {a} and {b} differ\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn text_gets_hunks_and_bytes_one_line() {
        let d = unified(b"a\nb\n", b"a\nc\n", "a/x", "b/x");
        assert_eq!(d, "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
        assert_eq!(unified(b"same\n", b"same\n", "a/x", "b/x"), "");
        assert_eq!(
            unified(b"\xff", b"x", "a/x", "b/x"),
            "Binary files a/x and b/x differ\n"
        );
    }
}
