//! The answers a template is rendered with: every value of each choice,
//! multichoice and boolean variable at least once, and every pair of such
//! values together (a greedy pairwise cover, the same on every run), so a
//! file that breaks only for `language: go` with `ci: gitlab` shows;
//! defaults for the other variables and a fixed valid `name`.

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

use crate::template::definition::{Definition, VarType, Variable};
use crate::template::NAME_VAR;

/// Names tried, in order, for `name` and for a required string variable
/// without a default: the first that matches its pattern.
const NAMES: &[&str] = &["example-service", "example", "demo", "x", "a1"];

/// Each combination's answers, `name` first; the variables not in it take
/// their defaults.
pub fn combinations(def: &Definition) -> Vec<Map<String, Value>> {
    let factors: Vec<(&Variable, Vec<Value>)> = def
        .variables
        .iter()
        .filter(|v| v.name != NAME_VAR)
        .filter_map(|v| {
            let levels = levels(v);
            (!levels.is_empty()).then_some((v, levels))
        })
        .collect();
    let sizes: Vec<usize> = factors.iter().map(|(_, l)| l.len()).collect();
    let name = def
        .variable(NAME_VAR)
        .map_or(Value::from(NAMES[0]), text_value);
    pairwise(&sizes)
        .into_iter()
        .map(|row| {
            let mut answers = Map::new();
            answers.insert(NAME_VAR.to_string(), name.clone());
            for ((v, levels), level) in factors.iter().zip(row) {
                answers.insert(v.name.clone(), levels[level].clone());
            }
            answers
        })
        .collect()
}

/// The values a variable is rendered with: each of a choice's and a
/// boolean's; a multichoice's default, all its choices and each alone; a
/// value for a required variable that has no default; none otherwise
/// (its default).
fn levels(v: &Variable) -> Vec<Value> {
    match v.kind {
        VarType::Boolean => vec![Value::Bool(true), Value::Bool(false)],
        VarType::Choice => v.choices.iter().map(|c| Value::from(c.as_str())).collect(),
        VarType::Multichoice => {
            let mut sets: Vec<Vec<&str>> = Vec::new();
            if let Some(serde_yaml::Value::Sequence(d)) = &v.default {
                sets.push(d.iter().filter_map(|c| c.as_str()).collect());
            }
            sets.push(v.choices.iter().map(String::as_str).collect());
            sets.extend(v.choices.iter().map(|c| vec![c.as_str()]));
            let mut seen = BTreeSet::new();
            sets.into_iter()
                .filter(|s| seen.insert(s.clone()))
                .map(Value::from)
                .collect()
        }
        _ if v.default.is_some() => Vec::new(),
        VarType::Integer => {
            let lo = v.min.unwrap_or(i64::MIN);
            let hi = v.max.unwrap_or(i64::MAX);
            vec![Value::from(0i64.clamp(lo, hi.max(lo)))]
        }
        VarType::String => vec![text_value(v)],
    }
}

/// The first of [`NAMES`] that fits `v`'s pattern (the first anyway: the
/// answers then fail, and lint says so).
fn text_value(v: &Variable) -> Value {
    let pattern = v
        .pattern
        .as_deref()
        .and_then(|p| Regex::new(&format!("^(?:{p})$")).ok());
    let fits = |s: &&&str| pattern.as_ref().is_none_or(|re| re.is_match(s));
    Value::from(*NAMES.iter().find(fits).unwrap_or(&NAMES[0]))
}

/// Rows of levels (one per factor of `sizes`) in which every pair of
/// levels of two factors appears at least once, built in parameter order
/// (IPOG): all pairs of the two largest factors, then each further factor
/// (largest first) added to the rows with the level that covers most new
/// pairs, and the pairs still missing placed in rows with a free factor
/// or in new rows. The same rows every run.
pub fn pairwise(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&f| std::cmp::Reverse(sizes[f]));
    let sorted: Vec<usize> = order.iter().map(|&f| sizes[f]).collect();
    let rows = in_parameter_order(&sorted);
    rows.into_iter()
        .map(|row| {
            let mut out = vec![0; sizes.len()];
            for (i, &f) in order.iter().enumerate() {
                out[f] = row[i];
            }
            out
        })
        .collect()
}

/// [`pairwise`] for factors largest first; a level left free is 0.
fn in_parameter_order(sizes: &[usize]) -> Vec<Vec<usize>> {
    match sizes {
        [] => return vec![Vec::new()],
        [n] => return (0..*n).map(|l| vec![l]).collect(),
        _ => {}
    }
    let mut rows: Vec<Vec<Option<usize>>> = (0..sizes[0])
        .flat_map(|a| (0..sizes[1]).map(move |b| vec![Some(a), Some(b)]))
        .collect();
    for p in 2..sizes.len() {
        let mut uncovered: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
        for q in 0..p {
            for vq in 0..sizes[q] {
                for v in 0..sizes[p] {
                    uncovered.insert((q, vq, v));
                }
            }
        }
        // Horizontal: each row gets the level covering most new pairs.
        for row in &mut rows {
            let gain = |v: usize| {
                (0..p)
                    .filter(|&q| row[q].is_some_and(|vq| uncovered.contains(&(q, vq, v))))
                    .count()
            };
            let v = (0..sizes[p])
                .max_by_key(|&v| (gain(v), std::cmp::Reverse(v)))
                .unwrap_or(0);
            for (q, level) in row.iter().enumerate() {
                if let Some(vq) = level {
                    uncovered.remove(&(q, *vq, v));
                }
            }
            row.push(Some(v));
        }
        // Vertical: what is still missing goes where a factor is free.
        for (q, vq, v) in uncovered {
            if rows.iter().any(|r| r[q] == Some(vq) && r[p] == Some(v)) {
                continue;
            }
            let free = rows.iter_mut().find(|r| {
                (r[p] == Some(v) && r[q].is_none()) || (r[p].is_none() && r[q] == Some(vq))
            });
            match free {
                Some(r) => {
                    r[q] = Some(vq);
                    r[p] = Some(v);
                }
                None => {
                    let mut r = vec![None; p + 1];
                    r[q] = Some(vq);
                    r[p] = Some(v);
                    rows.push(r);
                }
            }
        }
    }
    rows.into_iter()
        .map(|r| r.into_iter().map(|l| l.unwrap_or(0)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers_every_pair(sizes: &[usize], rows: &[Vec<usize>]) -> bool {
        (0..sizes.len()).all(|i| {
            (i + 1..sizes.len()).all(|j| {
                (0..sizes[i])
                    .all(|a| (0..sizes[j]).all(|b| rows.iter().any(|r| r[i] == a && r[j] == b)))
            })
        })
    }

    #[test]
    fn pairwise_covers_every_pair_in_few_rows_the_same_way_each_time() {
        for sizes in [
            vec![2, 2],
            vec![2, 2, 2],
            vec![4, 4, 2, 2, 2, 5],
            vec![3; 10],
            vec![2; 20],
        ] {
            let rows = pairwise(&sizes);
            assert!(covers_every_pair(&sizes, &rows), "{sizes:?}");
            assert_eq!(rows, pairwise(&sizes));
        }
        assert_eq!(pairwise(&[3]), [[0], [1], [2]]);
        assert_eq!(pairwise(&[]), [Vec::<usize>::new()]);
        // As few rows as the two largest factors need, where that is
        // possible; far fewer than every combination otherwise.
        assert_eq!(pairwise(&[2, 2, 2]).len(), 4);
        assert_eq!(pairwise(&[4, 4, 2, 2, 2, 5]).len(), 20);
        assert!(pairwise(&[2; 20]).len() <= 16);
        assert!(pairwise(&[3; 10]).len() <= 20);
    }

    #[test]
    fn every_value_of_every_variable_is_rendered() {
        let def = Definition::parse(
            "name: t\nversion: 1.0.0\nvariables:\n  - {name: name, pattern: '[a-z]+'}\n  - {name: lang, type: choice, choices: [rust, go, python]}\n  - {name: envs, type: multichoice, choices: [dev, prod], default: [dev]}\n  - {name: db, type: boolean, default: false}\n  - {name: owner, default: x}\n  - {name: port, type: integer, min: 1024}\n  - {name: team}\n",
            "template.yaml",
        )
        .unwrap();
        let combos = combinations(&def);
        assert!(combos.iter().all(|c| c["name"] == "example"));
        for (var, value) in [
            ("lang", serde_json::json!("rust")),
            ("lang", serde_json::json!("python")),
            ("envs", serde_json::json!(["dev", "prod"])),
            ("envs", serde_json::json!(["prod"])),
            ("db", serde_json::json!(true)),
            ("db", serde_json::json!(false)),
        ] {
            assert!(combos.iter().any(|c| c[var] == value), "{var}={value}");
        }
        assert!(combos.iter().all(|c| !c.contains_key("owner")));
        assert!(combos
            .iter()
            .all(|c| c["port"] == 1024 && c["team"] == "example-service"));
    }
}
