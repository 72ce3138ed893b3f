//! Safe YAML loading for every file plat reads: template.yaml, values files and
//! platform.yaml. Errors name the file, line and column, and explain the
//! hostile-input limits (alias expansion, nesting depth, duplicate keys).

use anyhow::{anyhow, bail, Result};
use saphyr_parser::{Event, Parser};
use serde::de::DeserializeOwned;

use crate::error::InputError;

/// Larger inputs are refused before parsing: no real manifest or answers file
/// comes near this, and it bounds the work a hostile file can cause.
pub const MAX_YAML_BYTES: usize = 1024 * 1024;

/// Deepest nesting of collections plat reads (the YAML loader's own limit).
pub const MAX_DEPTH: usize = 128;

/// Where `text` first nests collections more than `max` deep, if it does.
///
/// The YAML loader finds this too, but only after reading every event, in
/// time that grows with the square of the depth: a megabyte of `{a: ` would
/// take minutes. This pass stops at the first level too many, streams events
/// without expanding aliases, and keeps no stack.
pub fn too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    while let Some(result) = parser.next_event() {
        match result {
            Ok((Event::MappingStart(..) | Event::SequenceStart(..), span)) => {
                depth += 1;
                if depth > max {
                    return Some((span.start.line(), span.start.col() + 1));
                }
            }
            Ok((Event::MappingEnd | Event::SequenceEnd, _)) => depth = depth.saturating_sub(1),
            Ok((Event::StreamEnd, _)) => return None,
            Ok(_) => {}
            // saphyr's own nesting limit.
            Err(err) if err.info().contains("recursion limit") => {
                return Some((err.marker().line(), err.marker().col() + 1));
            }
            // Anything else is the YAML loader's to report.
            Err(_) => return None,
        }
    }
    None
}

/// The first YAML tag in `text` (`!!binary`, `!!python/object:...`,
/// `!<...>`), with its line and column. plat's files are plain data: a
/// tag changes what a value means, so plat refuses it.
pub fn first_tag(text: &str) -> Option<(usize, usize, String)> {
    if !text.contains('!') {
        return None;
    }
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let tag = match &event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, tag)
            | Event::MappingStart(_, tag) => tag,
            Event::StreamEnd => return None,
            _ => continue,
        };
        if let Some(t) = tag {
            let shown = match t.handle.as_str() {
                "" => format!("!<{}>", t.suffix),
                "tag:yaml.org,2002:" => format!("!!{}", t.suffix),
                handle => format!("{handle}{}", t.suffix),
            };
            return Some((span.start.line(), span.start.col() + 1, shown));
        }
    }
    None
}

/// Why a tag is refused, and what to write instead.
pub fn tag_message(tag: &str) -> String {
    let tag: String = tag.chars().take(40).collect();
    format!(
        "YAML tags such as `{tag}` are not allowed: plat reads plain data; write the value itself"
    )
}

/// [`too_deep`] for text that is usually shallow: a linear byte scan
/// bounds the nesting first (indentation, open brackets, `- ` runs), and
/// only text that could be deep pays for the exact pass.
pub fn too_deep_fast(text: &str, max: usize) -> Option<(usize, usize)> {
    let limit = max / 2;
    let mut brackets = 0usize;
    let mut suspicious = false;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let dashes = line
            .trim_start()
            .split("- ")
            .take_while(|s| s.is_empty())
            .count();
        for b in line.bytes() {
            match b {
                b'[' | b'{' => brackets += 1,
                b']' | b'}' => brackets = brackets.saturating_sub(1),
                _ => {}
            }
        }
        if indent > limit || dashes > limit / 2 || brackets > limit {
            suspicious = true;
            break;
        }
    }
    if suspicious {
        too_deep(text, max)
    } else {
        None
    }
}

/// Parses `text` (read from `origin`, used in messages) into `T`.
/// Every error is an [`InputError`]: the text is the user's.
pub fn from_str<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T> {
    if text.len() > MAX_YAML_BYTES {
        bail!(InputError(format!(
            "{origin}: file is {} bytes, more than the {} plat reads; is this the right file?",
            text.len(),
            MAX_YAML_BYTES
        )));
    }
    if let Some((line, column)) = too_deep_fast(text, MAX_DEPTH) {
        bail!(InputError(format!(
            "{origin}:{line}:{column}: the document is nested too deeply; plat reads at most {MAX_DEPTH} levels"
        )));
    }
    if let Some((line, column, tag)) = first_tag(text) {
        bail!(InputError(format!(
            "{origin}:{line}:{column}: {}",
            tag_message(&tag)
        )));
    }
    serde_yaml::from_str(text).map_err(|e| describe(&e, origin))
}

/// A YAML error's message without the " at line L column C" the loader
/// appends (plat shows the location its own way), in plat's words.
pub fn message(err: &serde_yaml::Error) -> String {
    let mut message = err.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    plain(&message)
}

/// Longest excerpt of a value an error quotes.
const EXCERPT: usize = 40;

/// A decoder's message in plat's words: no Rust type names (`struct
/// Definition`, `as u128`), and no quoted value longer than a short
/// excerpt (the file may hold what must not be printed whole).
pub fn plain(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        rest = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let quoted = &rest[..end.unwrap_or(rest.len())];
        if quoted.chars().count() > EXCERPT {
            out.extend(quoted.chars().take(EXCERPT));
            out.push('…');
        } else {
            out.push_str(quoted);
        }
        match end {
            Some(e) => {
                out.push('"');
                rest = &rest[e + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    rust_words(&out)
}

/// Rust's words for types, as serde's messages have them, in plat's.
fn rust_words(message: &str) -> String {
    let mut out = message
        .replace(" as u128", " (too large)")
        .replace(" as i128", " (too large)");
    for (rust, plat) in [
        ("expected struct ", "a mapping"),
        ("expected enum ", "one of its values"),
    ] {
        while let Some(i) = out.find(rust) {
            let name_end = out[i + rust.len()..]
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .map_or(out.len(), |e| i + rust.len() + e);
            out.replace_range(i..name_end, &format!("expected {plat}"));
        }
    }
    out
}

/// What to do about the loader's limits that protect against hostile
/// input, to follow its message; empty for other errors.
pub fn hint(err: &serde_yaml::Error) -> String {
    let message = err.to_string();
    if message.contains("repetition limit exceeded") {
        " (too many alias expansions: the file looks like an alias bomb; write the values out instead of nesting aliases)".into()
    } else if message.contains("recursion limit exceeded") {
        format!(" (the document is nested too deeply; plat reads at most {MAX_DEPTH} levels)")
    } else {
        String::new()
    }
}

/// Turns a YAML error into `origin:line:col: message`, with a hint for the
/// limits that protect against hostile input.
pub fn describe(err: &serde_yaml::Error, origin: &str) -> anyhow::Error {
    let mut hint = hint(err);
    if hint.is_empty() && err.to_string().contains("duplicate") {
        hint = " (each key may appear only once in a mapping; remove one of them)".into();
    }
    let message = self::message(err);
    anyhow!(InputError(match err.location() {
        Some(loc) => format!("{origin}:{}:{}: {message}{hint}", loc.line(), loc.column()),
        None => format!("{origin}: {message}{hint}"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn messages_use_plat_words_and_short_excerpts() {
        let long = "root:x:0:0:root:/root:/bin/bash daemon:x:1:1:daemon";
        let m = plain(&format!(
            "invalid type: string \"{long}\", expected struct Definition"
        ));
        assert_eq!(
            m,
            "invalid type: string \"root:x:0:0:root:/root:/bin/bash daemon:x…\", expected a mapping"
        );
        assert_eq!(
            plain("invalid type: integer `99999999999999999999` as u128, expected u16"),
            "invalid type: integer `99999999999999999999` (too large), expected u16"
        );
        assert_eq!(plain("say \"a \\\" b\" ok"), "say \"a \\\" b\" ok");
    }

    #[test]
    fn tags_are_refused_wherever_they_are() {
        for doc in [
            "owner: !!binary dGVhbQ==\n",
            "a: !!python/object:os.system x\n",
            "b: !<tag:yaml.org,2002:str> y\n",
            "- !!map {a: 1}\n",
        ] {
            let err = from_str::<serde_yaml::Value>(doc, "v.yaml")
                .unwrap_err()
                .to_string();
            assert!(err.contains("YAML tags such as"), "{doc}: {err}");
        }
        assert_eq!(first_tag("a: 'no!tags!here' # nor !here\n"), None);
    }

    #[test]
    fn names_file_line_and_column() {
        let err = from_str::<BTreeMap<String, u32>>("a: 1\nb: [\n", "values.yaml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("values.yaml:"), "{msg}");
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = from_str::<serde_yaml::Value>("a: 1\na: 2\n", "v.yaml").unwrap_err();
        assert!(err.to_string().contains("only once"), "{err}");
    }

    #[test]
    fn rejects_alias_bomb_quickly() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = from_str::<serde_yaml::Value>(&doc, "bomb.yaml").unwrap_err();
        assert!(err.to_string().contains("alias"), "{err}");
    }

    #[test]
    fn rejects_a_megabyte_of_flow_mappings_quickly() {
        let doc = "{b: ".repeat(250_000);
        let err = from_str::<serde_yaml::Value>(&doc, "deep.yaml").unwrap_err();
        assert!(err.to_string().contains("deep.yaml:1:"), "{err}");
    }

    #[test]
    fn rejects_deep_nesting_without_overflow() {
        let doc = "[".repeat(100_000);
        let err = from_str::<serde_yaml::Value>(&doc, "deep.yaml").unwrap_err();
        assert!(err.to_string().contains("nested too deeply"), "{err}");
    }
}

#[cfg(test)]
mod fast_tests {
    use super::too_deep_fast;

    #[test]
    fn the_fast_check_finds_deep_documents_and_passes_normal_ones() {
        let flow = format!("a: {}", "[".repeat(5000));
        assert!(too_deep_fast(&flow, 128).is_some());
        let block: String = (0..300)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        assert!(too_deep_fast(&block, 128).is_some());
        let dashes = format!("{}x\n", "- ".repeat(300));
        assert!(too_deep_fast(&dashes, 128).is_some());
        let workflow = "on:\n  push:\n    branches: [main]\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.sha }} {x}\n";
        assert_eq!(too_deep_fast(workflow, 128), None);
        // Suspicious but shallow: the exact pass clears it.
        let wide = format!("a: \"{}\"\n", "{".repeat(200));
        assert_eq!(too_deep_fast(&wide, 128), None);
    }
}
