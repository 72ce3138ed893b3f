//! "Did you mean" hints for misspelt names.

/// The closest candidate to `input`, if any is close enough to be a typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        assert_eq!(super::did_you_mean("prot", ["port", "owner"]), Some("port"));
        assert_eq!(super::did_you_mean("zzz", ["port", "owner"]), None);
    }
}
