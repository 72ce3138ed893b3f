//! The names a text of Tera looks up (a file, a partial, a file name, a
//! default), each with its line and column, and the names the text binds
//! itself (`set`, `for`), which are not answers. A reading for a linter,
//! not a parser: what it cannot place it leaves alone.

use std::collections::HashSet;

use crate::template::names::roots;

/// One name looked up, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use<'a> {
    pub name: &'a str,
    pub line: usize,
    pub column: usize,
}

/// What a text looks up and binds.
#[derive(Debug, Default)]
pub struct Scan<'a> {
    pub uses: Vec<Use<'a>>,
    /// Bound by the text itself: `{% set x %}`, `{% for a, b in ... %}`.
    pub locals: HashSet<&'a str>,
    /// The text defines components, whose arguments are names of their own.
    pub components: bool,
}

/// Names Tera itself provides.
const TERA_NAMES: &[&str] = &["loop", "self", "super"];

/// Reads every `{{ }}` and `{% %}` of `text` (comments and `raw` blocks
/// skipped).
pub fn scan(text: &str) -> Scan<'_> {
    let mut reader = Reader {
        text,
        lines: line_starts(text),
        scan: Scan::default(),
    };
    let mut i = 0;
    while let Some(rel) = text[i..].find('{') {
        let start = i + rel;
        match text.as_bytes().get(start + 1) {
            Some(b'{') | Some(b'%') => {
                let tag = text.as_bytes()[start + 1] == b'%';
                let Some(end) = closing(text, start + 2, tag) else {
                    break;
                };
                let inner = text[start + 2..end].trim_matches(['-', '~']);
                i = end + 2;
                if !tag {
                    reader.expression(inner);
                } else if let Some(after) = reader.tag(inner, i) {
                    i = after;
                }
            }
            Some(b'#') => {
                i = text[start + 2..]
                    .find("#}")
                    .map_or(text.len(), |e| start + 2 + e + 2);
            }
            _ => i = start + 1,
        }
    }
    reader.scan
}

struct Reader<'a> {
    text: &'a str,
    lines: Vec<usize>,
    scan: Scan<'a>,
}

impl<'a> Reader<'a> {
    /// The names `expr` (a slice of the text) looks up.
    fn expression(&mut self, expr: &'a str) {
        for name in roots(expr) {
            if TERA_NAMES.contains(&name) || name.starts_with("__") {
                continue;
            }
            let offset = name.as_ptr() as usize - self.text.as_ptr() as usize;
            let line = self.lines.partition_point(|&s| s <= offset);
            let column = self.text[self.lines[line - 1]..offset].chars().count() + 1;
            self.scan.uses.push(Use { name, line, column });
        }
    }

    /// A tag; where reading goes on when it skips a block (`raw`).
    fn tag(&mut self, inner: &'a str, after: usize) -> Option<usize> {
        let body = inner.trim_start();
        let word_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let (word, rest) = body.split_at(word_len);
        match word {
            "if" | "elif" => self.expression(rest),
            "for" => {
                let at = word_at(rest, "in")?;
                for bind in rest[..at].split(',') {
                    self.scan.locals.insert(bind.trim());
                }
                self.expression(&rest[at + 2..]);
            }
            "set" | "set_global" => {
                let rest = rest.trim_start();
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                self.scan.locals.insert(&rest[..len]);
                if let Some(eq) = rest[len..].find('=') {
                    self.expression(&rest[len + eq + 1..]);
                }
            }
            "component" => self.scan.components = true,
            "raw" => {
                let end = self.text[after..].find("endraw")?;
                let close = self.text[after + end..].find("%}")?;
                return Some(after + end + close + 2);
            }
            "" if body.starts_with('<') && !body.starts_with("</") => self.expression(body),
            _ => {}
        }
        None
    }
}

/// Where the `}}` (or, for a tag, `%}`) closing a block that opens
/// before `from` is: outside strings, and for `{{ }}` outside map
/// literals.
fn closing(text: &str, from: usize, tag: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut depth = 0usize;
    let mut i = from;
    while i + 1 < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'%' if tag && bytes[i + 1] == b'}' => return Some(i),
                b'{' if !tag => depth += 1,
                b'}' if !tag && depth > 0 => depth -= 1,
                b'}' if !tag && bytes[i + 1] == b'}' => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Where the word `word` stands on its own in `text`, outside strings.
fn word_at(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut quote = None;
    for (i, &c) in bytes.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, b'\'' | b'"' | b'`') => quote = Some(c),
            None => {
                let end = i + word.len();
                if bytes[i..].starts_with(word.as_bytes())
                    && (i == 0 || !ident(bytes[i - 1]))
                    && bytes.get(end).is_none_or(|&b| !ident(b))
                {
                    return Some(i);
                }
            }
        }
    }
    None
}

/// Byte offsets where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(&str, usize, usize)> {
        scan(text)
            .uses
            .iter()
            .map(|u| (u.name, u.line, u.column))
            .collect()
    }

    #[test]
    fn names_come_with_their_place() {
        assert_eq!(
            names("a {{ owner }}\n  {{- port | default(value=1) -}}"),
            [("owner", 1, 6), ("port", 2, 7)]
        );
        assert_eq!(
            names("{% if with_db and lang == 'go' %}x{% elif y %}{% endif %}"),
            [("with_db", 1, 7), ("lang", 1, 19), ("y", 1, 43)]
        );
        assert_eq!(names("{{ {'a': {'b': x}}['a'] }}"), [("x", 1, 16)]);
    }

    #[test]
    fn what_the_text_binds_is_local() {
        let s = scan("{% for k, v in pairs %}{{ k }}{{ loop.index }}{% endfor %}{% set n = count + 1 %}{{ n }}");
        let used: Vec<&str> = s.uses.iter().map(|u| u.name).collect();
        assert_eq!(used, ["pairs", "k", "count", "n"]);
        assert!(s.locals.contains("k") && s.locals.contains("v") && s.locals.contains("n"));
    }

    #[test]
    fn comments_raw_blocks_and_strings_are_not_read() {
        assert!(names("{# {{ a }} #}{% raw %}{{ b }}{% endraw %}{{ 'c }}' }}").is_empty());
        assert_eq!(
            names("{% include 'x' %}{% filter upper %}{{ d }}{% endfilter %}"),
            [("d", 1, 39)]
        );
    }
}
