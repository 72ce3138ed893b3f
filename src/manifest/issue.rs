//! A problem before it is located in the text: the path of the node it is
//! about, which part of that node, and the message. The checks produce
//! these; [`Problem`]s are made from them once positions are known.

use super::Problem;

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
}

/// Renders `metadata.name`, `stages[0]`, `env["a.b"]`.
pub(super) fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) if is_plain_key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Seg::Key(key) => out.push_str(&format!("[{key:?}]")),
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Which part of a mapping entry a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    /// The key itself (an unknown field).
    Key,
    /// The value: a scalar where it starts, a collection at its key.
    Value,
}

/// A problem before it is located in the text.
#[derive(Debug, Clone)]
pub(super) struct Issue {
    pub(super) path: Vec<Seg>,
    pub(super) at: At,
    pub(super) message: String,
}

impl Issue {
    /// An issue about a node's value, the usual case.
    pub(super) fn new(path: Vec<Seg>, message: String) -> Self {
        Issue {
            path,
            at: At::Value,
            message,
        }
    }

    /// The issue without a position, for manifests that have no text.
    pub(super) fn to_problem(&self) -> Problem {
        Problem {
            path: render_path(&self.path),
            line: None,
            column: None,
            message: self.message.clone(),
        }
    }
}
