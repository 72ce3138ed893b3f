//! platform.yaml's text as a YAML value, within plat's limits: size,
//! nesting, no tags (plain data only, as documented). A number too large
//! for any field does not stop the load: it is replaced and reported as
//! one problem among all the others.

use std::borrow::Cow;

use super::{positions, Problem, MAX_MANIFEST_BYTES};
use crate::util::yaml::{self, MAX_DEPTH};

/// platform.yaml as a YAML value, with the problems found while loading
/// that did not stop it.
pub struct Document {
    pub value: serde_yaml::Value,
    pub(super) early: Vec<Problem>,
}

/// Numbers too large that one load replaces before it gives up.
const MAX_REPLACED: usize = 64;

/// The text as a value, or the one problem that stops it.
pub fn load_yaml(text: &str) -> Result<Document, Problem> {
    let whole = |message: String, at: Option<(usize, usize)>| Problem {
        path: String::new(),
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
        message,
    };
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(whole(
            format!(
                "the file is {} bytes, more than the {MAX_MANIFEST_BYTES} plat reads; is this the right file?",
                text.len()
            ),
            None,
        ));
    }
    if let Some(at) = yaml::too_deep_fast(text, MAX_DEPTH) {
        return Err(whole(
            format!("the document is nested too deeply; plat reads at most {MAX_DEPTH} levels"),
            Some(at),
        ));
    }
    if let Some((line, column, tag)) = yaml::first_tag(text) {
        return Err(whole(yaml::tag_message(&tag), Some((line, column))));
    }
    let mut text = Cow::Borrowed(text);
    let mut early = Vec::new();
    for _ in 0..=MAX_REPLACED {
        match serde_yaml::from_str(&text) {
            Ok(value) => return Ok(Document { value, early }),
            Err(err) => match too_large(&err, &text) {
                Some((problem, replaced)) if early.len() < MAX_REPLACED => {
                    early.push(problem);
                    text = Cow::Owned(replaced);
                }
                _ => return Err(problem(&err, &text)),
            },
        }
    }
    unreachable!("the loop returns")
}

/// A number too large for any of plat's integers: the problem, and the
/// text with the number replaced by `~` (padded, so positions hold).
fn too_large(err: &serde_yaml::Error, text: &str) -> Option<(Problem, String)> {
    let message = err.to_string();
    if !message.contains(" as u128") && !message.contains(" as i128") {
        return None;
    }
    let loc = err.location()?;
    let start = offset(text, loc.line(), loc.column())?;
    let len = text[start..]
        .bytes()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'_'))
        .count();
    if len == 0 {
        return None;
    }
    let number = &text[start..start + len];
    let path = message
        .find(": invalid type")
        .map(|i| message[..i].to_string())
        .unwrap_or_default();
    let problem = Problem {
        path,
        line: Some(loc.line()),
        column: Some(loc.column()),
        message: format!("{number} is too large a number for any field of platform.yaml"),
    };
    let mut replaced = String::with_capacity(text.len());
    replaced.push_str(&text[..start]);
    replaced.push('~');
    replaced.push_str(&" ".repeat(len - 1));
    replaced.push_str(&text[start + len..]);
    Some((problem, replaced))
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let within = text[start..]
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map(|(i, _)| i)?;
    Some(start + within)
}

/// A YAML error as a problem, located as precisely as possible.
fn problem(err: &serde_yaml::Error, text: &str) -> Problem {
    let mut message = yaml::message(err);
    let mut path = String::new();
    let mut position = err.location().map(|l| (l.line(), l.column()));
    let hint = yaml::hint(err);
    if !hint.is_empty() {
        message.push_str(&hint);
    } else if let Some(i) = message.find("duplicate entry") {
        // The loader names the mapping and points at its start; point at the repeated key.
        if i >= 2 {
            path = message[..i - 2].to_string();
            message.drain(..i);
        }
        message.push_str("; each key may appear only once in a mapping, remove one of them");
        if let Some(at) = position {
            position = positions::Index::build(text).duplicate_key(at).or(position);
        }
    }
    Problem {
        path,
        line: position.map(|p| p.0),
        column: position.map(|p| p.1),
        message,
    }
}
