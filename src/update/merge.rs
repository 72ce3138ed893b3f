//! One file's three versions, base (the template as the service was made
//! from it), theirs (the template's new version) and ours (the disk),
//! become one outcome and the bytes to write. Pure: no disk, no git
//! repository; text merges go through libgit2's `merge_file`.

use anyhow::{anyhow, Result};
use similar::{DiffOp, TextDiff};

/// What `plat update` does to one file. The JSON names are the kebab-case
/// variant names (docs/update.md lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Neither the template nor anyone else changed it, or the disk
    /// already holds the new version.
    Unchanged,
    /// Changed only by the template: the new version is written.
    Updated,
    /// Changed only locally: kept as it is.
    Kept,
    /// Changed on both sides, in different places: merged.
    Merged,
    /// Changed on both sides in the same lines: written with conflict
    /// markers, to be resolved by hand.
    Conflict,
    /// New in the template's version: written.
    Added,
    /// Removed by the template and never edited: deleted.
    Deleted,
    /// Deleted locally; the template changed it: stays deleted.
    KeptDeletedLocally,
    /// Removed by the template but edited locally: kept.
    KeptEdited,
    /// Moved by the template: written at its new path with the local
    /// edits, the old path deleted.
    Renamed,
    /// Binary or not UTF-8, changed on both sides: ours kept, theirs
    /// written beside it as `PATH.plat-new`.
    PlatNew,
    /// A managed file, rendered again from platform.yaml (as `plat sync`).
    Managed,
}

impl Outcome {
    /// The outcome as reports name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Updated => "updated",
            Outcome::Kept => "kept",
            Outcome::Merged => "merged",
            Outcome::Conflict => "conflict",
            Outcome::Added => "added",
            Outcome::Deleted => "deleted",
            Outcome::KeptDeletedLocally => "kept-deleted-locally",
            Outcome::KeptEdited => "kept-edited",
            Outcome::Renamed => "renamed",
            Outcome::PlatNew => "plat-new",
            Outcome::Managed => "managed",
        }
    }
}

/// What to do with one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave the disk as it is.
    Nothing,
    /// Write these bytes (whole, atomically).
    Write(Vec<u8>),
    /// Remove the file.
    Delete,
    /// Keep the file; write these bytes at `PATH.plat-new`.
    Beside(Vec<u8>),
}

/// One file's outcome and what it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub action: Action,
    /// Conflict blocks written (for `Conflict`).
    pub conflicts: usize,
}

impl Decision {
    fn of(outcome: Outcome, action: Action) -> Decision {
        Decision {
            outcome,
            action,
            conflicts: 0,
        }
    }
}

/// Labels written into conflict markers.
pub struct Labels<'a> {
    /// The base: `template service 0.2.0`.
    pub base: &'a str,
    /// The new version: `template service 0.3.0`.
    pub theirs: &'a str,
}

/// Decides one path from its three versions (None: no such file).
/// `base_known` is false when the base could not be had: a file both the
/// disk and the new version hold is then merged two ways, every
/// difference a conflict.
pub fn decide(
    base: Option<&[u8]>,
    theirs: Option<&[u8]>,
    ours: Option<&[u8]>,
    labels: &Labels,
) -> Result<Decision> {
    use Action::*;
    use Outcome::*;
    Ok(match (base, theirs, ours) {
        // The template did not change it: whatever the disk holds stays.
        (b, t, o) if b == t => match (b, o) {
            (Some(b), Some(o)) if b != o => Decision::of(Kept, Nothing),
            (Some(_), None) => Decision::of(KeptDeletedLocally, Nothing),
            _ => Decision::of(Unchanged, Nothing),
        },
        (_, t, o) if t == o => Decision::of(Unchanged, Nothing),
        // Added by the template.
        (None, Some(t), None) => Decision::of(Added, Write(t.to_vec())),
        (None, Some(t), Some(o)) => two_way(o, t, labels)?,
        // Removed by the template.
        (Some(_), None, None) => Decision::of(Unchanged, Nothing),
        (Some(b), None, Some(o)) if b == o => Decision::of(Deleted, Delete),
        (Some(_), None, Some(_)) => Decision::of(KeptEdited, Nothing),
        // Changed by the template.
        (Some(_), Some(_), None) => Decision::of(KeptDeletedLocally, Nothing),
        (Some(b), Some(t), Some(o)) if b == o => Decision::of(Updated, Write(t.to_vec())),
        (Some(b), Some(t), Some(o)) => three_way(b, o, t, labels)?,
        (None, None, _) => Decision::of(Unchanged, Nothing),
    })
}

/// Both sides changed a file: merged when all three are text, else ours
/// is kept and theirs written beside it.
fn three_way(base: &[u8], ours: &[u8], theirs: &[u8], labels: &Labels) -> Result<Decision> {
    if !(is_text(base) && is_text(ours) && is_text(theirs)) {
        return Ok(Decision::of(
            Outcome::PlatNew,
            Action::Beside(theirs.to_vec()),
        ));
    }
    let (merged, conflicts) = merge_text(base, ours, theirs, labels)?;
    Ok(Decision {
        outcome: if conflicts == 0 {
            Outcome::Merged
        } else {
            Outcome::Conflict
        },
        action: Action::Write(merged),
        conflicts,
    })
}

/// Without a base (a file the template and the developer both added, or
/// a base that could not be had): every differing hunk is a conflict.
pub fn two_way(ours: &[u8], theirs: &[u8], labels: &Labels) -> Result<Decision> {
    let (Ok(o), Ok(t)) = (std::str::from_utf8(ours), std::str::from_utf8(theirs)) else {
        return Ok(Decision::of(
            Outcome::PlatNew,
            Action::Beside(theirs.to_vec()),
        ));
    };
    if o.contains('\0') || t.contains('\0') {
        return Ok(Decision::of(
            Outcome::PlatNew,
            Action::Beside(theirs.to_vec()),
        ));
    }
    let diff = TextDiff::from_lines(o, t);
    let (old, new) = (diff.old_slices(), diff.new_slices());
    let mut out = String::with_capacity(o.len() + t.len());
    let mut conflicts = 0;
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => {
                old[old_index..old_index + len]
                    .iter()
                    .for_each(|l| out.push_str(l));
            }
            _ => {
                let (o_range, t_range) = (op.old_range(), op.new_range());
                conflicts += 1;
                out.push_str("<<<<<<< ours\n");
                push_lines(&mut out, &old[o_range]);
                out.push_str("=======\n");
                push_lines(&mut out, &new[t_range]);
                out.push_str(&format!(">>>>>>> {}\n", labels.theirs));
            }
        }
    }
    Ok(Decision {
        outcome: if conflicts == 0 {
            Outcome::Unchanged
        } else {
            Outcome::Conflict
        },
        action: if conflicts == 0 {
            Action::Nothing
        } else {
            Action::Write(out.into_bytes())
        },
        conflicts,
    })
}

/// Appends lines, ending the last with a newline if it has none, so the
/// marker after it starts a line.
fn push_lines(out: &mut String, lines: &[&str]) {
    for l in lines {
        out.push_str(l);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

/// libgit2's three-way text merge, diff3 markers (the base shown), as
/// `git merge-file --diff3` writes them. Returns the text and the number
/// of conflict blocks in it.
pub fn merge_text(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels,
) -> Result<(Vec<u8>, usize)> {
    // merge_file does not initialise libgit2 itself.
    let _ = git2::Oid::from_bytes(&[0; 20]);
    let mut b = git2::MergeFileInput::new();
    b.content(base);
    let mut o = git2::MergeFileInput::new();
    o.content(ours);
    let mut t = git2::MergeFileInput::new();
    t.content(theirs);
    let mut opts = git2::MergeFileOptions::new();
    opts.style_diff3(true)
        .ancestor_label(labels.base)
        .our_label("ours")
        .their_label(labels.theirs);
    let result = git2::merge_file(&b, &o, &t, Some(&mut opts))
        .map_err(|e| anyhow!("merging: {}", e.message()))?;
    let merged = result.content().to_vec();
    let conflicts = if result.is_automergeable() {
        0
    } else {
        conflict_blocks(&merged)
    };
    Ok((
        merged,
        conflicts.max(usize::from(!result.is_automergeable())),
    ))
}

/// Conflict blocks in merged text: lines starting `<<<<<<< `.
pub fn conflict_blocks(text: &[u8]) -> usize {
    text.split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"<<<<<<< ") || *l == b"<<<<<<<")
        .count()
}

/// UTF-8 without NUL bytes: what plat merges line by line.
pub fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Labels = Labels {
        base: "template t 1.0.0",
        theirs: "template t 2.0.0",
    };

    fn d(b: Option<&str>, t: Option<&str>, o: Option<&str>) -> Decision {
        decide(
            b.map(str::as_bytes),
            t.map(str::as_bytes),
            o.map(str::as_bytes),
            &L,
        )
        .unwrap()
    }

    #[test]
    fn each_side_alone_wins() {
        assert_eq!(
            d(Some("a\n"), Some("a\n"), Some("a\n")).outcome,
            Outcome::Unchanged
        );
        assert_eq!(
            d(Some("a\n"), Some("a\n"), Some("x\n")).outcome,
            Outcome::Kept
        );
        let up = d(Some("a\n"), Some("b\n"), Some("a\n"));
        assert_eq!(up.outcome, Outcome::Updated);
        assert_eq!(up.action, Action::Write(b"b\n".to_vec()));
        assert_eq!(
            d(Some("a\n"), Some("b\n"), Some("b\n")).outcome,
            Outcome::Unchanged
        );
    }

    #[test]
    fn deletions_on_either_side() {
        assert_eq!(
            d(Some("a\n"), Some("b\n"), None).outcome,
            Outcome::KeptDeletedLocally
        );
        assert_eq!(
            d(Some("a\n"), Some("a\n"), None).outcome,
            Outcome::KeptDeletedLocally
        );
        assert_eq!(d(Some("a\n"), None, Some("a\n")).action, Action::Delete);
        assert_eq!(
            d(Some("a\n"), None, Some("x\n")).outcome,
            Outcome::KeptEdited
        );
        assert_eq!(d(Some("a\n"), None, None).outcome, Outcome::Unchanged);
    }

    #[test]
    fn additions() {
        assert_eq!(d(None, Some("n\n"), None).outcome, Outcome::Added);
        assert_eq!(
            d(None, Some("n\n"), Some("n\n")).outcome,
            Outcome::Unchanged
        );
        let both = d(None, Some("n\n"), Some("m\n"));
        assert_eq!(both.outcome, Outcome::Conflict);
        let Action::Write(text) = both.action else {
            panic!("{both:?}")
        };
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "<<<<<<< ours\nm\n=======\nn\n>>>>>>> template t 2.0.0\n"
        );
    }

    #[test]
    fn edits_in_different_places_merge() {
        let base = "one\ntwo\nthree\nfour\nfive\n";
        let ours = "one\nTWO\nthree\nfour\nfive\n";
        let theirs = "one\ntwo\nthree\nfour\nFIVE\n";
        let m = d(Some(base), Some(theirs), Some(ours));
        assert_eq!(m.outcome, Outcome::Merged);
        assert_eq!(
            m.action,
            Action::Write(b"one\nTWO\nthree\nfour\nFIVE\n".to_vec())
        );
    }

    #[test]
    fn edits_of_the_same_line_conflict_with_the_base_shown() {
        let m = d(Some("a\nb\nc\n"), Some("a\nT\nc\n"), Some("a\nO\nc\n"));
        assert_eq!(m.outcome, Outcome::Conflict);
        assert_eq!(m.conflicts, 1);
        let Action::Write(text) = m.action else {
            panic!()
        };
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("<<<<<<< ours\nO\n"), "{text}");
        assert!(text.contains("||||||| template t 1.0.0\nb\n"), "{text}");
        assert!(
            text.contains("=======\nT\n>>>>>>> template t 2.0.0\n"),
            "{text}"
        );
    }

    #[test]
    fn binary_changed_on_both_sides_goes_beside() {
        let m = decide(Some(b"\0a"), Some(b"\0b"), Some(b"\0c"), &L).unwrap();
        assert_eq!(m.outcome, Outcome::PlatNew);
        assert_eq!(m.action, Action::Beside(b"\0b".to_vec()));
        let latin1 = decide(Some(b"caf\xe9\n"), Some(b"cafe\n"), Some(b"caf\xe9!\n"), &L).unwrap();
        assert_eq!(latin1.outcome, Outcome::PlatNew);
    }

    #[test]
    fn two_way_marks_every_difference() {
        let m = two_way(b"a\nb\nc\nd\n", b"a\nB\nc\nD\n", &L).unwrap();
        assert_eq!(m.conflicts, 2);
        assert_eq!(
            two_way(b"same\n", b"same\n", &L).unwrap().outcome,
            Outcome::Unchanged
        );
    }
}
