//! Where each node of a manifest is in its text: a path -> line and column
//! index built from saphyr-parser's marked events. Only text that the safe
//! YAML parse already accepted gets here, and the walk keeps its own stack,
//! so no input can make it recurse.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser};

use super::{render_path, At, Issue, Problem, Seg};

/// 1-based line and column.
type Pos = (usize, usize);

#[derive(Debug, Clone, Copy)]
struct Loc {
    /// The mapping key that holds the node, if it is a mapping value.
    key: Option<Pos>,
    /// Where the node itself starts.
    value: Pos,
    collection: bool,
}

/// Positions of the nodes of one document, by rendered path.
#[derive(Debug, Default)]
pub(super) struct Index {
    nodes: HashMap<String, Loc>,
    /// `(mapping start, key)` of every key that repeats an earlier one.
    duplicates: Vec<(Pos, Pos)>,
}

/// An open collection during the walk.
enum Frame {
    Map {
        start: Pos,
        seen: HashSet<String>,
        expecting_key: bool,
        key: Option<(String, Pos)>,
    },
    Seq {
        next: usize,
    },
}

/// The walk's state while an [`Index`] is built from the event stream.
#[derive(Default)]
struct Builder {
    index: Index,
    frames: Vec<Frame>,
    /// The path of the innermost open collection; the root has no segment.
    path: Vec<Seg>,
    /// Per open frame, whether opening it pushed a segment onto `path`.
    segs_pushed: Vec<bool>,
    /// Depth inside a complex (non-scalar) mapping key, which has no path.
    skip: usize,
}

impl Builder {
    /// A collection ends.
    fn close(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        self.frames.pop();
        if self.segs_pushed.pop() == Some(true) {
            self.path.pop();
        }
    }

    /// A scalar, alias or collection start: a key, or a node to record.
    fn node(&mut self, event: &Event<'_>, pos: Pos, opens: bool) {
        if self.skip > 0 {
            if opens {
                self.skip += 1;
            }
            return;
        }
        let Some((seg, key_pos)) = self.place(event, pos, opens) else {
            return;
        };
        if let Some(seg) = &seg {
            self.path.push(seg.clone());
        }
        self.index
            .nodes
            .entry(render_path(&self.path))
            .or_insert(Loc {
                key: key_pos,
                value: pos,
                collection: opens,
            });
        if opens {
            self.frames.push(match event {
                Event::MappingStart(..) => Frame::Map {
                    start: pos,
                    seen: HashSet::new(),
                    expecting_key: true,
                    key: None,
                },
                _ => Frame::Seq { next: 0 },
            });
            self.segs_pushed.push(seg.is_some());
        } else if seg.is_some() {
            self.path.pop();
        }
    }

    /// The path segment of a node in the innermost open collection, and
    /// where its key is; `None` when the node is itself a mapping key,
    /// which is remembered for the value that follows.
    fn place(
        &mut self,
        event: &Event<'_>,
        pos: Pos,
        opens: bool,
    ) -> Option<(Option<Seg>, Option<Pos>)> {
        match self.frames.last_mut() {
            None => Some((None, None)),
            Some(Frame::Map {
                start,
                seen,
                expecting_key,
                key,
            }) if *expecting_key => {
                *expecting_key = false;
                *key = match event {
                    Event::Scalar(text, ..) => {
                        if !seen.insert(text.to_string()) {
                            self.index.duplicates.push((*start, pos));
                        }
                        Some((text.to_string(), pos))
                    }
                    _ => None,
                };
                if opens {
                    self.skip = 1;
                }
                None
            }
            Some(Frame::Map {
                expecting_key, key, ..
            }) => {
                *expecting_key = true;
                match key.take() {
                    Some((name, key_pos)) => Some((Some(Seg::Key(name)), Some(key_pos))),
                    // The value of a complex key: unreachable by any path.
                    None => Some((Some(Seg::Key("\u{0}complex".into())), None)),
                }
            }
            Some(Frame::Seq { next }) => {
                *next += 1;
                Some((Some(Seg::Index(*next - 1)), None))
            }
        }
    }
}

impl Index {
    /// Indexes the first document of `text`. Parts saphyr cannot read (it
    /// and the YAML loader disagree only on corner cases) are left out, and
    /// problems there are located at their nearest indexed ancestor.
    pub(super) fn build(text: &str) -> Index {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        while let Some(Ok((event, span))) = parser.next_event() {
            let pos = (span.start.line(), span.start.col() + 1);
            let opens = match &event {
                Event::Scalar(..) | Event::Alias(_) => false,
                Event::MappingStart(..) | Event::SequenceStart(..) => true,
                Event::MappingEnd | Event::SequenceEnd => {
                    builder.close();
                    continue;
                }
                Event::DocumentEnd | Event::StreamEnd => break,
                _ => continue,
            };
            builder.node(&event, pos, opens);
        }
        builder.index
    }

    /// Where the repeated key of the mapping starting at `map` is; the YAML
    /// loader only reports where the mapping starts.
    pub(super) fn duplicate_key(&self, map: Pos) -> Option<Pos> {
        self.duplicates
            .iter()
            .find(|(start, _)| *start == map)
            .or_else(|| self.duplicates.iter().find(|(_, key)| *key >= map))
            .map(|(_, key)| *key)
    }

    /// Where the node at `path` (rendered, as in `metadata.owner`) starts:
    /// its key when it has one. Falls back to the nearest known ancestor.
    pub(super) fn find(&self, path: &str) -> Option<Pos> {
        let mut path = path;
        loop {
            if let Some(loc) = self.nodes.get(path) {
                return Some(loc.key.unwrap_or(loc.value));
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }

    /// Where the value at exactly `path` starts.
    pub(super) fn value(&self, path: &str) -> Option<Pos> {
        self.nodes.get(path).map(|loc| loc.value)
    }

    /// The issue as a problem, at the position of its node or of the
    /// nearest ancestor the index knows.
    pub(super) fn locate(&self, issue: &Issue) -> Problem {
        let mut problem = issue.to_problem();
        let mut path = issue.path.as_slice();
        let mut at = issue.at;
        loop {
            if let Some(loc) = self.nodes.get(&render_path(path)) {
                let pos = match (at, loc.key) {
                    (At::Key, Some(key)) => key,
                    (At::Value, Some(key)) if loc.collection => key,
                    _ => loc.value,
                };
                problem.line = Some(pos.0);
                problem.column = Some(pos.1);
                return problem;
            }
            match path.split_last() {
                Some((_, parent)) => {
                    path = parent;
                    at = At::Value;
                }
                None => return problem,
            }
        }
    }
}
