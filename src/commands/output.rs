//! The one door to stdout: every command's data (reports, JSON, diffs,
//! dry-run plans) goes out here. Styles are stripped when colours are off.
//! A reader that went away (`plat doctor | head`) is not an error: output
//! stops quietly and the command ends as it would have, as git and ripgrep
//! do.
#![allow(clippy::disallowed_methods)]

use anyhow::{Context as _, Result};
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout's reader has gone: nothing more is written.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout.
pub fn print(text: &str) -> Result<()> {
    write(text.as_bytes())
}

/// The versioned JSON documents the commands print, each described by
/// `docs/schemas/NAME.vVERSION.schema.json` (docs/cli.md, "JSON
/// documents"). Adding an optional field keeps the version; renaming or
/// removing one, or changing its meaning, raises it. doctor's report keeps
/// its own version beside its builder (`doctor::report::json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    NewResult,
    UpdateResult,
    SyncResult,
    TemplatesList,
    TemplatesShow,
    TemplateLint,
    TemplateTest,
    ManifestValidation,
    CacheList,
    DoctorChecks,
}

impl Schema {
    #[cfg(test)]
    pub const ALL: [Schema; 10] = [
        Schema::NewResult,
        Schema::UpdateResult,
        Schema::SyncResult,
        Schema::TemplatesList,
        Schema::TemplatesShow,
        Schema::TemplateLint,
        Schema::TemplateTest,
        Schema::ManifestValidation,
        Schema::CacheList,
        Schema::DoctorChecks,
    ];

    /// The schema's name, its file's stem before the version.
    pub fn name(self) -> &'static str {
        match self {
            Schema::NewResult => "new-result",
            Schema::UpdateResult => "update-result",
            Schema::SyncResult => "sync-result",
            Schema::TemplatesList => "templates-list",
            Schema::TemplatesShow => "templates-show",
            Schema::TemplateLint => "template-lint",
            Schema::TemplateTest => "template-test",
            Schema::ManifestValidation => "manifest-validation",
            Schema::CacheList => "cache-list",
            Schema::DoctorChecks => "doctor-checks",
        }
    }

    /// The `schema_version` of every document printed under this schema.
    pub fn version(self) -> u32 {
        1
    }

    /// `new-result.v1.schema.json`, in docs/schemas/.
    #[cfg(test)]
    pub fn file(self) -> String {
        format!("{}.v{}.schema.json", self.name(), self.version())
    }
}

/// Writes `body`'s fields as a document of `schema`, `schema_version`
/// first.
pub fn document(schema: Schema, body: serde_json::Value) -> Result<()> {
    let serde_json::Value::Object(fields) = body else {
        anyhow::bail!("a {} document must be a JSON object", schema.name());
    };
    let mut doc = serde_json::Map::new();
    doc.insert("schema_version".into(), schema.version().into());
    doc.extend(fields);
    json(&serde_json::Value::Object(doc))
}

/// Writes one JSON document (and a newline) to stdout.
pub fn json(value: &serde_json::Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("encoding JSON")?;
    text.push('\n');
    write(text.as_bytes())
}

fn write(bytes: &[u8]) -> Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = anstream::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other.context("writing to standard output"),
    }
}

#[cfg(test)]
mod tests {
    use super::Schema;

    /// Every document the commands print has its schema published, at the
    /// version the documents carry.
    #[test]
    fn each_schema_is_published_at_its_version() {
        for schema in Schema::ALL {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs/schemas")
                .join(schema.file());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let text = doc.to_string();
            assert!(
                text.contains(&format!(
                    r#""schema_version":{{"const":{}}}"#,
                    schema.version()
                )),
                "{}: schema_version is not {}",
                schema.file(),
                schema.version()
            );
            assert_eq!(
                doc["$id"],
                format!("https://plat.dev/schemas/{}", schema.file())
            );
        }
    }
}
