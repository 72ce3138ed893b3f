//! `plat template init`: writes the starter template and says what to do
//! next.

use anyhow::Result;

use super::environment::Environment;
use super::new::RENDER_TIMEOUT;
use super::ui::{Ui, BOLD};
use crate::authoring::init::{self, InitRequest};
use crate::cli::TemplateInitArgs;
use crate::error::exit;

pub fn run(args: TemplateInitArgs, ui: Ui, env: &Environment) -> Result<u8> {
    let req = InitRequest {
        dir: args.dir,
        name: args.name,
        render_timeout: env.render_timeout(RENDER_TIMEOUT)?,
    };
    let done = init::init(&req)?;
    let dir = req.dir.display();
    ui.status(
        "Created",
        format!(
            "template {} in {dir} ({} files)",
            done.name,
            done.files.len()
        ),
    );
    for f in &done.files {
        ui.detail(f);
    }
    ui.say(format!(
        "\n{BOLD}Next steps{BOLD:#}\n  edit {dir}/template.yaml and {dir}/files/\n  plat template test {dir}           # the case in tests/default/\n  plat template test {dir} --bless   # after an intended change; review the diff\n  plat new {} payments-api",
        new_arg(&req.dir)
    ));
    Ok(exit::SUCCESS)
}

/// How `plat new` must name the directory: a path, not a built-in's name.
fn new_arg(dir: &std::path::Path) -> String {
    let text = dir.display().to_string();
    if text.contains('/') || text.starts_with('.') {
        text
    } else {
        format!("./{text}")
    }
}
