//! Words for the shell command lines plat shows people (next steps, how to
//! finish by hand), so that a path with a space or a quote pastes as one
//! word.

/// `word` as one POSIX shell word: as it is when it is plainly safe,
/// otherwise in single quotes.
pub fn word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./+:@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_paste_as_one() {
        assert_eq!(super::word("svc/api-1"), "svc/api-1");
        assert_eq!(super::word("my api"), "'my api'");
        assert_eq!(super::word("it's"), r"'it'\''s'");
        assert_eq!(super::word(""), "''");
    }
}
