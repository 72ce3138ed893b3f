//! Field paths of manifest rules (`infrastructure.environments[*].name`):
//! parsing the text a policy writes and finding the values it reaches.

use serde_yaml::Value;

/// A `field:` of a manifest rule, such as `infrastructure.environments[*].name`.
#[derive(Debug, Clone)]
pub struct FieldPath {
    pub text: String,
    pub segments: Vec<Seg>,
}

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
    Each,
}

impl FieldPath {
    /// The path `p` names, or the rule problem to report for it.
    pub(super) fn parse(p: String) -> Result<FieldPath, String> {
        match parse_field(&p) {
            Some(segments) => Ok(FieldPath { text: p, segments }),
            None => Err(format!(
                "{p:?} is not a field path like `metadata.owner` or `infrastructure.environments[*].name`"
            )),
        }
    }

    /// The values at this path in `root`, each with its rendered path;
    /// `None` values are missing fields.
    pub fn resolve(&self, root: &Value) -> Vec<(String, Option<Value>)> {
        let mut frontier: Vec<(String, Option<&Value>)> = vec![(String::new(), Some(root))];
        for seg in &self.segments {
            frontier = frontier
                .into_iter()
                .flat_map(|(at, v)| step(seg, at, v))
                .collect();
        }
        frontier
            .into_iter()
            .map(|(at, v)| (at, v.filter(|v| !v.is_null()).cloned()))
            .collect()
    }
}

/// Where one segment leads from the value at `at`: a missing value stays
/// missing, `[*]` fans out over a sequence and reaches nothing in a null.
fn step<'v>(seg: &Seg, at: String, v: Option<&'v Value>) -> Vec<(String, Option<&'v Value>)> {
    match (seg, v) {
        (Seg::Key(k), Some(v)) => {
            let at = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            vec![(at, v.get(k.as_str()))]
        }
        (Seg::Index(i), Some(v)) => vec![(format!("{at}[{i}]"), v.get(*i))],
        (Seg::Each, Some(Value::Sequence(items))) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{at}[{i}]"), Some(item)))
            .collect(),
        (Seg::Each, Some(Value::Null) | None) => Vec::new(),
        (Seg::Each, Some(_)) => vec![(at, None)],
        (_, None) => vec![(at, None)],
    }
}

/// `a.b[2].c[*]` as segments; `None` when it is not a field path.
fn parse_field(p: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    for part in p.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Seg::Key(key.to_string()));
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = &r[..end];
            out.push(if inner == "*" {
                Seg::Each
            } else {
                Seg::Index(inner.parse().ok()?)
            });
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_parse_and_resolve() {
        assert_eq!(
            parse_field("a.b[2].c[*]"),
            Some(vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(2),
                Seg::Key("c".into()),
                Seg::Each
            ])
        );
        assert_eq!(parse_field("a..b"), None);
        assert_eq!(parse_field("a[x]"), None);
        let doc: Value = serde_yaml::from_str("envs: [{name: a}, {name: b, x: 1}]").unwrap();
        let got = FieldPath::parse("envs[*].x".into()).unwrap().resolve(&doc);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], ("envs[0].x".to_string(), None));
        assert_eq!(got[1].1, Some(Value::from(1)));
    }
}
