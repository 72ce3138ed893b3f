//! `plat manifest schema` and `plat manifest validate`.

use anyhow::Result;
use serde_json::json;

use super::output::{self, Schema};
use super::ui::Ui;
use crate::cli::{Format, ManifestCommand};
use crate::error::{exit, InputError};
use crate::manifest;
use crate::util::read::{self, Input};
use std::path::Path;

/// Prints the schema, or validates one platform.yaml; problems are the
/// exit code.
pub fn run(cmd: ManifestCommand, ui: Ui) -> Result<u8> {
    match cmd {
        ManifestCommand::Schema => {
            output::json(&manifest::schema())?;
            Ok(exit::SUCCESS)
        }
        ManifestCommand::Validate { path, format } => {
            let shown = path.display().to_string();
            // A platform.yaml must not lead out of its own directory.
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            let inside = dir.join(path.file_name().unwrap_or_default());
            let text = read::open_in(&dir, &inside)
                .and_then(|f| f.read_all(Input::Manifest))
                .map_err(|r| r.into_error(&path, Input::Manifest))
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| {
                        InputError(format!("{shown} is not UTF-8 text; save it as UTF-8")).into()
                    })
                })
                .map_err(|e| {
                InputError(format!("{e}; pass the manifest's path, e.g. `plat manifest validate services/api/platform.yaml`"))
            })?;
            let problems = match manifest::parse(&text) {
                Ok(_) => Vec::new(),
                Err(problems) => problems,
            };
            match format {
                Format::Json => output::document(
                    Schema::ManifestValidation,
                    json!({
                        "file": shown,
                        "valid": problems.is_empty(),
                        "problems": problems.iter().map(|p| json!({
                            "path": p.path, "line": p.line, "column": p.column, "message": p.message,
                        })).collect::<Vec<_>>(),
                    }),
                )?,
                Format::Human => {
                    let mut out = String::new();
                    for p in &problems {
                        let sep = if p.line.is_some() { "" } else { " " };
                        out.push_str(&format!("{shown}:{sep}{p}\n"));
                    }
                    output::print(&out)?;
                    if problems.is_empty() {
                        ui.status("Valid", &shown);
                    } else {
                        ui.warn(format!(
                            "{shown}: {} problem{} found",
                            problems.len(),
                            if problems.len() == 1 { "" } else { "s" }
                        ));
                    }
                }
            }
            Ok(if problems.is_empty() {
                exit::SUCCESS
            } else {
                exit::PROBLEMS
            })
        }
    }
}
