//! What a CI report covers (one service, or every service of `--all`) and
//! where each finding is, as CI systems want it: a `/`-separated path
//! relative to the repository root, a line (1 when the whole file is
//! meant), and a fingerprint that is the same on the next run and unique
//! in the report. SARIF, Code Quality, GitHub annotations and JUnit share it.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::doctor::all::AllReport;
use crate::doctor::finding::{Finding, ServiceReport};
use crate::manifest::MANIFEST_FILE;

/// The services of one report, each with the directory its paths are
/// relative to (`None`: the service's own directory).
pub struct Scope<'a> {
    pub services: Vec<(&'a ServiceReport, Option<PathBuf>)>,
}

/// A finding with its place in the report.
pub struct Placed<'a> {
    pub service: &'a ServiceReport,
    pub finding: &'a Finding,
    /// Relative to the report's base, `/`-separated.
    pub path: String,
    /// 1-based; 1 when the finding is about the whole file.
    pub line: usize,
    /// `ID:path:message`, readable; the same finding has it on every run.
    pub key: String,
    /// 32 hex digits: a hash of `key`, told apart from an identical
    /// finding earlier in the report by its occurrence.
    pub fingerprint: String,
}

impl<'a> Scope<'a> {
    /// One service: paths from its repository's root, as code scanning
    /// and merge requests expect (outside a repository, from the service).
    pub fn one(r: &'a ServiceReport) -> Scope<'a> {
        Scope {
            services: vec![(r, r.repository.clone())],
        }
    }

    /// `--all`: paths from the repository's root when every service is in
    /// the same one (a monorepo), else from the `--all` directory.
    pub fn all(a: &'a AllReport) -> Scope<'a> {
        let first = a.services.first().and_then(|r| r.repository.clone());
        let base = match first {
            Some(repo)
                if a.services
                    .iter()
                    .all(|r| r.repository.as_ref() == Some(&repo)) =>
            {
                repo
            }
            _ => a.root.clone(),
        };
        Scope {
            services: a.services.iter().map(|r| (r, Some(base.clone()))).collect(),
        }
    }

    /// The findings `keep` accepts, in report order, with their places.
    pub fn placed(&self, keep: impl Fn(&Finding) -> bool) -> Vec<Placed<'a>> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for (r, base) in &self.services {
            for f in r.findings.iter().filter(|f| keep(f)) {
                let path = path_of(r, f, base.as_ref());
                let key = format!("{}:{}:{}", f.id, path, f.message);
                let n = seen.entry(key.clone()).or_default();
                *n += 1;
                let mut hashed = key.clone();
                if *n > 1 {
                    hashed.push_str(&format!("\0{n}"));
                }
                let fingerprint =
                    sha1_smol::Sha1::from(hashed).digest().to_string()[..32].to_string();
                out.push(Placed {
                    service: r,
                    finding: f,
                    line: f.location.as_ref().and_then(|l| l.line).unwrap_or(1).max(1),
                    path,
                    key,
                    fingerprint,
                });
            }
        }
        out
    }
}

/// Where a finding is, relative to `base`; a finding about the whole
/// service points at its manifest.
fn path_of(r: &ServiceReport, f: &Finding, base: Option<&PathBuf>) -> String {
    let rel = f
        .location
        .as_ref()
        .map(|l| l.path.clone())
        .unwrap_or_else(|| MANIFEST_FILE.to_string());
    match base {
        Some(b) => crate::service::relative(&r.root.join(&rel), b),
        None => rel,
    }
}
