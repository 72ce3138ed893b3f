//! PLAT602: whether the git source a service was made from has published
//! something newer: a tag with a higher version, or commits on the branch
//! it follows. Asks the server once per run (never with `--offline`); when
//! the server cannot be reached the cache answers, and when neither can the
//! check is skipped: the network being down never fails a run.

use std::path::Path;

use super::{ManifestDoc, Run};
use crate::doctor::check_id::CheckId;
use crate::fetch::refs::Upstream;
use crate::template::spec::Spec;

pub(in crate::doctor) fn check(run: &mut Run, root: &Path, doc: &ManifestDoc) {
    let id = CheckId::TemplateUpstream;
    let Some(rec) = &doc.manifest.template else {
        return run.skip_checks(&[id], "platform.yaml records no template");
    };
    if run.opts.template.is_some() {
        return run.skip_checks(&[id], "--template names the template to use");
    }
    let spec = match Spec::recorded(rec, root) {
        Ok(Spec::Git(spec)) => spec,
        Ok(_) => {
            // Nothing is published elsewhere: PLAT600 compares the version
            // of the built-in or local template with the recorded one.
            return run.pass(
                id,
                "the template is not from git; PLAT600 compares its version",
            );
        }
        Err(e) => return run.skip_checks(&[id], &format!("{e:#}")),
    };
    let Some(commit) = &rec.commit else {
        return run.skip_checks(&[id], "platform.yaml records no `template.commit`");
    };
    let (upstream, stale) = match run.opts.sources.upstream(&spec, commit) {
        Ok(answer) => answer,
        Err(e) => {
            return run.skip_checks(&[id], &format!("cannot tell: {e:#}"));
        }
    };
    let from_cache = stale
        .map(|why| format!(" (as far as plat knows: {why})"))
        .unwrap_or_default();
    let short = &commit[..commit.len().min(12)];
    let asked = rec.reference.as_deref();
    match upstream {
        Upstream::Pinned => run.pass(id, format!("pinned to commit {short}; nothing moves")),
        Upstream::Current => run.pass(
            id,
            format!(
                "{} is still commit {short}{from_cache}",
                asked.map_or("the default branch".to_string(), |r| format!("`{r}`"))
            ),
        ),
        Upstream::BranchMoved {
            branch,
            head,
            ahead,
        } => {
            let branch = branch.map_or("the default branch".to_string(), |b| {
                format!("branch `{b}`")
            });
            let head = head.to_string();
            run.fail(
                id,
                format!(
                    "{branch} of {} has moved on: {ahead} new commit{} since {short}, now at {}{from_cache}",
                    spec.url,
                    if ahead == 1 { "" } else { "s" },
                    &head[..12]
                ),
                doc.at("template.commit"),
            );
        }
        Upstream::NewerTags(tags) => {
            let shown: Vec<&str> = tags.iter().take(3).map(String::as_str).collect();
            run.fail(
                id,
                format!(
                    "{} of {} is newer than `{}`{from_cache}",
                    shown.join(", "),
                    spec.url,
                    asked.unwrap_or_default()
                ),
                doc.at("template.ref"),
            );
        }
        Upstream::Gone => {
            run.fail(
                id,
                format!(
                    "{} of {} no longer exists{from_cache}; the service still renders commit {short} while plat's cache holds it",
                    asked.map_or("the default branch".to_string(), |r| format!("`{r}`")),
                    spec.url
                ),
                doc.at("template.ref"),
            );
        }
    }
}
