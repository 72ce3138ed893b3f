//! What template strings see: `plat_version` and `template` always; the
//! answers for scaffolded files; for managed files only what platform.yaml
//! gives, so a service can render them again from its manifest alone.

use tera::Context;

use super::source::Template;
use crate::manifest::Manifest;

/// Text every managed file must contain (in a comment, usually through
/// `{{ managed_header }}`), so people and `plat doctor` can tell them apart.
pub const MANAGED_MARKER: &str = "Managed by plat";

/// The context every template string sees besides the answers.
pub fn base(template: &Template) -> Context {
    let mut ctx = Context::new();
    ctx.insert("plat_version", env!("CARGO_PKG_VERSION"));
    ctx.insert(
        "template",
        &serde_json::json!({
            "name": template.definition.name,
            "version": template.definition.version,
        }),
    );
    ctx
}

/// The two contexts a template renders with.
pub struct Contexts {
    /// Answers, `manifest`, `template`, `plat_version`: scaffolded files.
    pub full: Context,
    /// Only `manifest`, `template`, `plat_version`, `managed_header`:
    /// managed files, whose content must follow from platform.yaml alone.
    pub managed: Context,
}

impl Contexts {
    /// For a new project: `answers` is [`base`] with the answers added.
    pub fn new(template: &Template, manifest: &Manifest, answers: Context) -> Contexts {
        let mut full = answers;
        full.insert("manifest", manifest);
        Contexts {
            full,
            managed: Contexts::managed_context(template, manifest),
        }
    }

    /// For rendering only the managed files again (drift, sync).
    pub fn managed_only(template: &Template, manifest: &Manifest) -> Contexts {
        Contexts {
            full: Context::new(),
            managed: Contexts::managed_context(template, manifest),
        }
    }

    fn managed_context(template: &Template, manifest: &Manifest) -> Context {
        let mut managed = base(template);
        managed.insert("manifest", manifest);
        managed.insert(
            "managed_header",
            &format!(
                "{MANAGED_MARKER} from platform.yaml (template {} {}). Do not edit: change platform.yaml instead.",
                template.definition.name, template.definition.version
            ),
        );
        managed
    }
}
