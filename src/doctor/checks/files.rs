//! Reading the service's files for checks: bounded, UTF-8, with errors
//! that are findings rather than failures of the run.

use std::path::Path;

use crate::util::read::{self, Input};

/// Whether something is at `path`, whatever it is: a file that is there
/// but cannot be read is reported as such, not as missing.
pub(in crate::doctor) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The text of `root/rel`, or a message saying why it cannot be read:
/// through plat's one reading door (regular files inside the service,
/// at most 4 MiB).
pub(in crate::doctor) fn read_text(root: &Path, rel: &str) -> Result<String, String> {
    let bytes = read::open_in(root, &root.join(rel))
        .and_then(|f| f.read_all(Input::ServiceFile))
        .map_err(|r| r.message(Path::new(rel), Input::ServiceFile))?;
    String::from_utf8(bytes).map_err(|_| format!("{rel} is not UTF-8 text"))
}

/// Every document of a YAML stream, or the first error and its line.
/// Deep nesting is refused before the loader sees it (it takes time that
/// grows with the square of the depth).
pub(in crate::doctor) fn yaml_documents(
    text: &str,
) -> Result<Vec<serde_yaml::Value>, (String, Option<usize>)> {
    if let Some((line, _)) = crate::util::yaml::too_deep_fast(text, crate::util::yaml::MAX_DEPTH) {
        return Err((
            format!(
                "the document is nested more than {} levels deep",
                crate::util::yaml::MAX_DEPTH
            ),
            Some(line),
        ));
    }
    let mut docs = Vec::new();
    for de in serde_yaml::Deserializer::from_str(text) {
        match <serde_yaml::Value as serde::Deserialize>::deserialize(de) {
            Ok(serde_yaml::Value::Null) => {}
            Ok(v) => docs.push(v),
            Err(e) => {
                return Err((
                    crate::util::yaml::message(&e),
                    e.location().map(|l| l.line()),
                ))
            }
        }
    }
    Ok(docs)
}

/// 1-based line of the first line whose trimmed text starts with `needle`.
pub(in crate::doctor) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().trim_start_matches("- ").starts_with(needle))
        .map(|i| i + 1)
}
