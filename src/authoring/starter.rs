//! The files of the template `plat template init` writes: the least a
//! template needs to be useful and valid, each part there once so an
//! author sees where things go. One variable besides `name`, a `manifest:`
//! section that makes a valid platform.yaml, a scaffolded file, a managed
//! file rendered from platform.yaml alone, and one test case.

/// Stands for the template's name in [`TEMPLATE_YAML`].
const NAME: &str = "@NAME@";

const TEMPLATE_YAML: &str = r#"# A plat template. docs/templates.md says what each field means;
# `plat template test` checks the cases under tests/.
name: @NAME@
description: "A new template: say here what a project made from it is"
version: 0.1.0

variables:
  - name: name
    pattern: '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$'
    help: The project's name, a DNS-1123 label (lowercase letters, digits, dashes)
  - name: owner
    default: "team-{{ name }}"
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
    help: Team that owns the project (a team slug, e.g. team-payments)

rules:
  # Rendered from platform.yaml alone, and kept in step by `plat sync`.
  - paths: [CODEOWNERS]
    managed: true

# This template's part of platform.yaml (docs/manifest.md).
manifest:
  metadata:
    owner: "{{ owner }}"
    description: "{{ name }}, made from the {{ template.name }} template"
"#;

const README: &str = r#"# {{ name }}

Owned by {{ owner }}. Made with plat from the `{{ template.name }}` template
(version {{ template.version }}); [`platform.yaml`](platform.yaml) describes
it to the platform, and `plat doctor` checks it.
"#;

const CODEOWNERS: &str = r#"# {{ managed_header }}
* @{{ manifest.metadata.owner }}
"#;

const ANSWERS: &str = r#"# The answers of this test case, as `plat new --values` reads them, and the
# project's name. `plat template test` renders the template with them and
# compares the project with expected/; `--bless` writes expected/ anew.
name: payments-api
owner: team-payments
"#;

/// The case the starter comes with.
pub const CASE: &str = "default";

/// Every file of the starter named `name` (a valid template name), by
/// path; the case's expected tree is rendered from them.
pub fn files(name: &str) -> Vec<(String, String)> {
    vec![
        ("template.yaml".into(), TEMPLATE_YAML.replace(NAME, name)),
        ("files/README.md".into(), README.into()),
        ("files/CODEOWNERS".into(), CODEOWNERS.into()),
        (format!("tests/{CASE}/answers.yaml"), ANSWERS.into()),
    ]
}
