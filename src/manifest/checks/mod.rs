//! The semantic checks of a typed manifest: what the types and the schema
//! cannot say (cross-references, uniqueness, quantities, dates, versions).
//! They also guard manifests built in memory, which never met the schema.
//! This file holds the walk over the document and its top-level sections;
//! the pipeline, the infrastructure and resource amounts have their own.

mod infrastructure;
mod pipeline;
pub(super) mod resources;

use std::collections::HashSet;

use super::patterns::{is_answer_key, is_check_id, is_dns_label};
use super::{Issue, Manifest, Metadata, Seg, Suppression, TemplateRef};

/// A path under construction: `P::default().key("metadata").key("name")`.
#[derive(Clone, Default)]
struct P(Vec<Seg>);

impl P {
    fn key(&self, key: &str) -> P {
        let mut path = self.0.clone();
        path.push(Seg::Key(key.to_string()));
        P(path)
    }

    fn index(&self, i: usize) -> P {
        let mut path = self.0.clone();
        path.push(Seg::Index(i));
        P(path)
    }
}

/// Collects the issues of one manifest, with the checks every section shares.
#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn report(&mut self, path: &P, message: String) {
        self.issues.push(Issue::new(path.0.clone(), message));
    }

    fn dns_label(&mut self, path: &P, what: &str, value: &str) {
        if !is_dns_label(value) {
            let mut message = format!(
                "{what} {value:?} is not a DNS-1123 label: use lowercase letters, digits and `-`, start with a letter, end with a letter or digit, at most 63 characters"
            );
            let suggestion = suggest_label(value);
            if is_dns_label(&suggestion) {
                message.push_str(&format!(" (e.g. `{suggestion}`)"));
            }
            self.report(path, message);
        }
    }

    fn not_blank(&mut self, path: &P, what: &str, value: &str) {
        if value.trim().is_empty() {
            self.report(path, format!("{what} must not be empty"));
        }
    }
}

/// Every semantic problem of `m`.
pub(super) fn check(m: &Manifest) -> Vec<Issue> {
    let mut c = Checker::default();
    let root = P::default();
    check_header(&mut c, &root, m);
    check_metadata(&mut c, &root.key("metadata"), &m.metadata);
    if let Some(t) = &m.template {
        check_template(&mut c, &root.key("template"), t);
    }
    if let Some(p) = &m.pipeline {
        pipeline::check_pipeline(&mut c, &root.key("pipeline"), p);
    }
    if let Some(infra) = &m.infrastructure {
        infrastructure::check_infrastructure(&mut c, &root.key("infrastructure"), infra);
    }
    check_suppressions(&mut c, &root.key("suppressions"), &m.suppressions);
    c.issues
}

fn check_header(c: &mut Checker, root: &P, m: &Manifest) {
    if m.api_version != super::API_VERSION {
        c.report(
            &root.key("apiVersion"),
            format!(
                "unsupported `apiVersion` {:?}; this plat reads `{}`",
                m.api_version,
                super::API_VERSION
            ),
        );
    }
    if m.kind != super::KIND {
        c.report(
            &root.key("kind"),
            format!(
                "unsupported `kind` {:?}; the only kind is `{}`",
                m.kind,
                super::KIND
            ),
        );
    }
}

fn check_metadata(c: &mut Checker, meta: &P, metadata: &Metadata) {
    c.dns_label(&meta.key("name"), "`name`", &metadata.name);
    c.not_blank(&meta.key("owner"), "`owner`", &metadata.owner);
    let mut tags = HashSet::new();
    for (i, tag) in metadata.tags.iter().enumerate() {
        c.not_blank(&meta.key("tags").index(i), "a tag", tag);
        if !tags.insert(tag) {
            c.report(
                &meta.key("tags").index(i),
                format!("tag {tag:?} is listed twice"),
            );
        }
    }
}

fn check_template(c: &mut Checker, path: &P, t: &TemplateRef) {
    c.not_blank(&path.key("source"), "`source`", &t.source);
    if let Ok(Some(url)) = crate::util::git_url::GitUrl::parse(&t.source) {
        if url.has_credentials() {
            c.report(
                &path.key("source"),
                format!("`source` holds credentials; write it without them (`{url}`) and let a credential helper or token supply them"),
            );
        }
        if t.commit.is_none() {
            c.report(
                &path.key("commit"),
                "a template from git needs the `commit` it was made from (40 hex digits); plat new records it".to_string(),
            );
        }
    }
    c.not_blank(&path.key("name"), "`name`", &t.name);
    if let Err(err) = semver::Version::parse(&t.version) {
        c.report(
            &path.key("version"),
            format!(
                "`version` {:?} is not a semantic version like `1.2.0`: {err}",
                t.version
            ),
        );
    }
    for key in t.answers.keys() {
        if !is_answer_key(key) {
            c.report(
                &path.key("answers").key(key),
                format!(
                    "answer {key:?} is not a variable name (lowercase letters, digits and `_`)"
                ),
            );
        }
    }
}

fn check_suppressions(c: &mut Checker, path: &P, suppressions: &[Suppression]) {
    for (i, s) in suppressions.iter().enumerate() {
        let path = path.index(i);
        if !is_check_id(&s.check) {
            c.report(
                &path.key("check"),
                format!("`check` {:?} is not a check ID like `PLAT101`", s.check),
            );
        }
        c.not_blank(
            &path.key("reason"),
            "`reason` (say why the finding is accepted)",
            &s.reason,
        );
    }
}

/// `Payments_API` -> `payments-api`: a DNS label close to what was written.
fn suggest_label(value: &str) -> String {
    let mut label = crate::util::slug::slug(value);
    label.truncate(63);
    label.truncate(label.trim_end_matches('-').len());
    label
}
