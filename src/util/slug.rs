//! Slugs: lowercase ASCII letters and digits, words joined by `-`.

/// `Payments API v2!` -> `payments-api-v2`. Used by the `slugify` template
/// filter and to suggest a DNS label close to what was written.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(out.trim_end_matches('-').len());
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_keep_ascii_words() {
        assert_eq!(slug("Payments API v2"), "payments-api-v2");
        assert_eq!(slug("__Payments_API__"), "payments-api");
        assert_eq!(slug("Café ôle"), "caf-le");
        assert_eq!(slug("!!!"), "");
    }
}
