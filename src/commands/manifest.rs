//! `plat manifest schema` and `plat manifest validate`.

use anyhow::{Context, Result};
use serde_json::json;

use crate::cli::{Format, ManifestCommand};
use crate::error::exit;
use crate::manifest;
use crate::ui::Ui;

pub fn run(cmd: ManifestCommand, ui: Ui) -> Result<u8> {
    match cmd {
        ManifestCommand::Schema => {
            super::print_json(&manifest::schema())?;
            Ok(exit::SUCCESS)
        }
        ManifestCommand::Validate { path, format } => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("reading {shown}; pass the manifest's path, e.g. `plat manifest validate services/api/platform.yaml`")
            })?;
            let problems = match manifest::parse(&text) {
                Ok(_) => Vec::new(),
                Err(problems) => problems,
            };
            match format {
                Format::Json => super::print_json(&json!({
                    "file": shown,
                    "valid": problems.is_empty(),
                    "problems": problems.iter().map(|p| json!({
                        "path": p.path, "line": p.line, "column": p.column, "message": p.message,
                    })).collect::<Vec<_>>(),
                }))?,
                Format::Human => {
                    for p in &problems {
                        if p.line.is_some() {
                            println!("{shown}:{p}");
                        } else {
                            println!("{shown}: {p}");
                        }
                    }
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
