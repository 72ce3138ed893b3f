//! plat's one glob dialect, for template rules and policy paths alike.

/// A glob over `/`-separated paths: `*` stays within a segment, `**`
/// crosses them.
pub fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
}
