//! PLAT603: what `plat update` leaves for people to finish. A file it
//! merged with conflicts holds git's diff3 markers; a binary or non-UTF-8
//! file changed on both sides gets the template's version beside it as
//! `FILE.plat-new`. Either left in the service breaks the build or hides a
//! template change, so each is a failure until resolved.

use std::path::Path;

use super::{files, Run};
use crate::doctor::check_id::CheckId;
use crate::doctor::finding::Location;

/// The suffix `plat update` gives the template's version of a file it
/// could not merge.
const PLAT_NEW: &str = ".plat-new";

const RESOLVE: &str = "resolve the conflict: keep the lines you want and remove the `<<<<<<<`, `|||||||`, `=======` and `>>>>>>>` lines; check with `git diff`, then run plat doctor again";

/// PLAT603: one failure per conflict block and per `.plat-new` file in
/// the service's files, else one pass.
pub(in crate::doctor) fn check(run: &mut Run, root: &Path) {
    let id = CheckId::UpdateLeftovers;
    let listing = run.service_files(root);
    let mut searched = 0;
    for rel in listing.iter() {
        if let Some(original) = plat_new_of(rel) {
            run.fail(
                id,
                format!(
                    "{rel} holds the template's new version of {original}, which plat update could not merge (binary or not UTF-8)"
                ),
                Some(Location::file(rel.as_str())),
            )
            .remediation = Some(format!(
                "compare the two, keep what you want in {original}, delete {rel}, then run plat doctor again"
            ));
            continue;
        }
        // Only what plat reads as text (UTF-8, at most 4 MiB) is searched:
        // `plat update` leaves a binary file's conflict as FILE.plat-new.
        let Ok(text) = files::read_text(root, rel) else {
            continue;
        };
        searched += 1;
        for c in conflicts(&text) {
            run.fail(
                id,
                format!(
                    "{rel} has an unresolved merge conflict, lines {} to {}",
                    c.start, c.end
                ),
                Some(Location::at(rel.as_str(), Some(c.start))),
            )
            .remediation = Some(RESOLVE.into());
        }
    }
    run.pass_unless_failed(
        id,
        format!("no conflict markers or {PLAT_NEW} files ({searched} text files searched)"),
    );
}

/// `FILE` for a file named `FILE.plat-new`.
fn plat_new_of(rel: &str) -> Option<&str> {
    let original = rel.strip_suffix(PLAT_NEW)?;
    let name = original.rsplit('/').next().unwrap_or(original);
    (!name.is_empty()).then_some(original)
}

/// One conflict block: the 1-based lines of its `<<<<<<<` and `>>>>>>>`.
#[derive(Debug, PartialEq, Eq)]
struct Conflict {
    start: usize,
    end: usize,
}

/// A line that is one of git's conflict markers (the default size of 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// `<<<<<<< ours`
    Ours,
    /// `||||||| base`, in the diff3 style
    Base,
    /// `=======`
    Theirs,
    /// `>>>>>>> template 0.3.0`
    End,
}

fn marker(line: &str) -> Option<Marker> {
    // `=======` takes no label: with one it is text (an RST heading, say).
    if line == "=======" {
        return Some(Marker::Theirs);
    }
    let (kind, rest) = [
        ("<<<<<<<", Marker::Ours),
        ("|||||||", Marker::Base),
        (">>>>>>>", Marker::End),
    ]
    .into_iter()
    .find_map(|(m, kind)| line.strip_prefix(m).map(|rest| (kind, rest)))?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(kind)
}

/// The conflict blocks of `text`: `<<<<<<<`, optionally `|||||||`, then
/// `=======` and `>>>>>>>`, in that order. Markers out of that order (a
/// lone `=======` under a Markdown heading, a `>>>>>>>` with no start) are
/// text; a block left open at the end of the file is not reported.
fn conflicts(text: &str) -> Vec<Conflict> {
    if !text.contains("<<<<<<<") {
        return Vec::new();
    }
    let mut found = Vec::new();
    // The line of the open block's `<<<<<<<` and the last marker seen in it.
    let mut open: Option<(usize, Marker)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some(m) = marker(line) else { continue };
        open = match (open, m) {
            // A new start abandons a block that never closed.
            (_, Marker::Ours) => Some((n, Marker::Ours)),
            (Some((start, Marker::Ours)), Marker::Base) => Some((start, Marker::Base)),
            (Some((start, Marker::Ours | Marker::Base)), Marker::Theirs) => {
                Some((start, Marker::Theirs))
            }
            (Some((start, Marker::Theirs)), Marker::End) => {
                found.push(Conflict { start, end: n });
                None
            }
            // Anything else is out of order: text inside the block.
            (open, _) => open,
        };
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(usize, usize)> {
        conflicts(text).iter().map(|c| (c.start, c.end)).collect()
    }

    #[test]
    fn diff3_and_merge_style_blocks_are_found_with_their_lines() {
        let diff3 = "a\n<<<<<<< ours\nb\n||||||| base\nc\n=======\nd\n>>>>>>> template 0.3.0\ne\n";
        assert_eq!(blocks(diff3), [(2, 8)]);
        let merge = "<<<<<<<\nx\n=======\ny\n>>>>>>>\n\n<<<<<<< HEAD\n=======\n>>>>>>> main\n";
        assert_eq!(blocks(merge), [(1, 5), (7, 9)]);
        assert_eq!(blocks(&diff3.replace('\n', "\r\n")), [(2, 8)]);
    }

    #[test]
    fn markers_out_of_order_or_mislabelled_are_text() {
        // Markdown and RST heading underlines.
        assert_eq!(blocks("Title\n=======\n\ntext\n"), []);
        assert_eq!(blocks("Title\n=======\n>>>>>>> quoted\n"), []);
        // No start, wrong order, a block left open, longer or glued markers.
        assert_eq!(blocks(">>>>>>> x\n=======\n<<<<<<< y\n"), []);
        assert_eq!(blocks("<<<<<<< a\n>>>>>>> b\n=======\n"), []);
        assert_eq!(blocks("<<<<<<< a\n=======\nb\n"), []);
        assert_eq!(blocks("<<<<<<<< a\n=======\n>>>>>>> b\n"), []);
        assert_eq!(blocks("<<<<<<<a\n=======\n>>>>>>> b\n"), []);
        assert_eq!(blocks("<<<<<<< a\n======= x\n>>>>>>> b\n"), []);
        assert_eq!(blocks("<<<<<<< a\n  =======\n>>>>>>> b\n"), []);
        // `|||||||` after `=======` is text of the other side.
        assert_eq!(
            blocks("<<<<<<< a\n=======\n||||||| c\n>>>>>>> b\n"),
            [(1, 4)]
        );
        // A start that never closed gives way to the next one.
        assert_eq!(
            blocks("<<<<<<< a\nx\n<<<<<<< b\n=======\n>>>>>>> c\n"),
            [(3, 5)]
        );
    }

    #[test]
    fn plat_new_files_name_their_original() {
        assert_eq!(plat_new_of("src/logo.png.plat-new"), Some("src/logo.png"));
        assert_eq!(plat_new_of("logo.plat-new"), Some("logo"));
        assert_eq!(plat_new_of(".plat-new"), None);
        assert_eq!(plat_new_of("dir/.plat-new"), None);
        assert_eq!(plat_new_of("logo.png"), None);
    }
}
