//! A [`Plan`]: every file a project will hold (path, bytes, mode, managed
//! or not), decided in memory before anything touches the disk. One plan
//! serves `new` (written through a staging directory), `--dry-run` and
//! JSON (printed), and drift checks (compared with the disk).

use anyhow::Result;
use std::borrow::Cow;
use std::collections::BTreeMap;

use super::paths::check_paths;

/// How a planned file's contents came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// Rendered with Tera.
    Rendered,
    /// Copied verbatim because a rule says `raw: true`.
    Raw,
    /// Copied verbatim because it is not UTF-8 text.
    Binary,
    /// Written by plat itself (platform.yaml).
    Generated,
}

impl FileKind {
    /// The kind as summaries and `--dry-run` name it.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Rendered => "rendered",
            FileKind::Raw => "raw",
            FileKind::Binary => "binary",
            FileKind::Generated => "generated",
        }
    }
}

/// One file of a plan.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Relative to the project root, `/`-separated, checked by `pathcheck`.
    pub path: String,
    /// Borrowed from the binary for built-in files copied verbatim.
    pub contents: Cow<'static, [u8]>,
    pub executable: bool,
    pub kind: FileKind,
    /// Re-rendered from platform.yaml by plat; not the developer's to edit.
    pub managed: bool,
}

/// Every file of a rendered project, in path order, every path checked.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// Adds a file plat writes itself, such as platform.yaml.
    pub fn add_generated(&mut self, path: &str, contents: Vec<u8>) -> Result<()> {
        self.files.push(PlannedFile {
            path: path.to_string(),
            contents: Cow::Owned(contents),
            executable: false,
            kind: FileKind::Generated,
            managed: false,
        });
        check_paths(&mut self.files, |f| f.path.as_str())
    }

    /// Files by kind, for summaries.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for f in &self.files {
            *out.entry(f.kind.as_str()).or_default() += 1;
        }
        out
    }
}
