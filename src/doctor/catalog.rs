//! The built-in checks: stable IDs, names, default severities and the fix
//! for each. docs/doctor.md documents the same table; IDs never change
//! meaning, retired IDs are never reused.

use super::Severity;

/// One built-in check.
#[derive(Debug, Clone, Copy)]
pub struct CheckSpec {
    pub id: &'static str,
    /// Kebab-case, for people and SARIF `rule.name`.
    pub name: &'static str,
    pub category: &'static str,
    pub severity: Severity,
    /// What the check wants to be true, one line.
    pub summary: &'static str,
    /// How to get there, when the finding does not say more.
    pub remediation: &'static str,
    /// `plat doctor --fix` can repair it.
    pub fixable: bool,
    /// Needs a valid platform.yaml: skipped when the manifest checks fail.
    pub needs_manifest: bool,
}

const fn check(
    id: &'static str,
    name: &'static str,
    category: &'static str,
    severity: Severity,
    summary: &'static str,
    remediation: &'static str,
    fixable: bool,
) -> CheckSpec {
    CheckSpec {
        id,
        name,
        category,
        severity,
        summary,
        remediation,
        fixable,
        needs_manifest: !matches!(
            id.as_bytes(),
            b"PLAT100"
                | b"PLAT101"
                | b"PLAT102"
                | b"PLAT103"
                | b"PLAT200"
                | b"PLAT201"
                | b"PLAT202"
                | b"PLAT203"
                | b"PLAT400"
                | b"PLAT401"
        ),
    }
}

use Severity::{Error, Warning};

pub const CHECKS: &[CheckSpec] = &[
    check("PLAT100", "manifest-present", "manifest", Error,
        "the service has a platform.yaml",
        "create the service with `plat new`, or write platform.yaml by hand (`plat manifest schema` prints its JSON Schema)", false),
    check("PLAT101", "manifest-parses", "manifest", Error,
        "platform.yaml is well-formed YAML holding a mapping",
        "fix the YAML syntax at the reported line", false),
    check("PLAT102", "manifest-valid", "manifest", Error,
        "platform.yaml is valid against the manifest schema",
        "fix the field at the reported line; `plat manifest validate` lists every problem", false),
    check("PLAT103", "manifest-api-version", "manifest", Error,
        "platform.yaml has a supported apiVersion and kind",
        "set `apiVersion: plat.dev/v1` and `kind: Service`, or upgrade plat if the manifest is newer", false),
    check("PLAT104", "owner-not-placeholder", "manifest", Error,
        "metadata.owner names a real team",
        "set metadata.owner to the slug of the team that owns the service, e.g. team-payments", false),
    check("PLAT200", "git-repository", "repository", Error,
        "the service is in a git repository with a working tree",
        "run `git init` and commit the service, or run plat doctor inside a clone", false),
    check("PLAT201", "git-head", "repository", Warning,
        "the repository has at least one commit",
        "commit the service: `git add -A && git commit -m 'Initial commit'`", false),
    check("PLAT202", "readme", "repository", Warning,
        "the service has a README",
        "add a README.md saying what the service does and how to run it", false),
    check("PLAT203", "gitignore", "repository", Warning,
        "the service has a .gitignore",
        "add a .gitignore for the language's build output", false),
    check("PLAT204", "codeowners", "repository", Error,
        "CODEOWNERS names the manifest's owner",
        "add `* @OWNER` to CODEOWNERS (`plat doctor --fix` does it)", true),
    check("PLAT205", "catalog-info", "repository", Error,
        "catalog-info.yaml agrees with platform.yaml (name, owner, lifecycle)",
        "run `plat sync` to re-render catalog-info.yaml, or edit it to match platform.yaml", false),
    check("PLAT300", "pipeline-files", "pipeline", Error,
        "the CI files for the manifest's provider exist",
        "run `plat sync` to write the pipeline from platform.yaml", true),
    check("PLAT301", "pipeline-stages", "pipeline", Error,
        "every stage in pipeline.stages has a job in the CI files",
        "run `plat sync`, or add a job named after the stage", false),
    check("PLAT302", "production-gated", "pipeline", Error,
        "deploys to production need an approval",
        "set `approval: true` on the production environment in platform.yaml and run `plat sync`", false),
    check("PLAT400", "dockerfile", "infrastructure", Error,
        "the service has a Dockerfile",
        "add a Dockerfile that builds the service's image", false),
    check("PLAT401", "dockerfile-non-root", "infrastructure", Error,
        "the image's final stage runs as a non-root user",
        "add `USER 10001:10001` (any non-zero UID) after the last FROM", false),
    check("PLAT402", "kubernetes-environments", "infrastructure", Error,
        "every environment in platform.yaml has Kubernetes manifests with a Deployment",
        "run `plat sync` to write deploy/k8s/ENVIRONMENT from platform.yaml", true),
    check("PLAT403", "kubernetes-probes", "infrastructure", Error,
        "every container has liveness and readiness probes",
        "set infrastructure.probes in platform.yaml and run `plat sync`, or add the probes", false),
    check("PLAT404", "kubernetes-resources", "infrastructure", Error,
        "every container sets CPU and memory limits",
        "set infrastructure.resources.limits in platform.yaml and run `plat sync`, or add the limits", false),
    check("PLAT405", "kubernetes-port", "infrastructure", Error,
        "the container port equals infrastructure.port",
        "run `plat sync`, or make containerPort equal infrastructure.port", false),
    check("PLAT500", "managed-drift", "drift", Error,
        "every managed file equals what plat renders from platform.yaml",
        "run `plat sync` to re-render it from platform.yaml (change platform.yaml, not the managed file)", true),
    check("PLAT501", "managed-missing", "drift", Error,
        "every managed file exists",
        "run `plat sync` to write it", true),
    check("PLAT502", "managed-stale", "drift", Warning,
        "no managed file is left over that platform.yaml no longer renders",
        "run `plat sync` to remove it", true),
    check("PLAT600", "template-version", "template", Warning,
        "the service is on the newest version of its template",
        "run `plat sync` to re-render the managed files with the newer template", true),
    check("PLAT601", "template-available", "template", Warning,
        "the template platform.yaml records can be loaded",
        "pass --template PATH to say where the template is now", false),
    check("PLAT700", "suppression-expired", "suppressions", Warning,
        "no suppression in platform.yaml has expired",
        "fix the finding and remove the suppression, or extend its `expires` date with a reason", false),
    check("PLAT701", "suppression-unknown", "suppressions", Warning,
        "every suppression names a check that exists",
        "correct the check ID or remove the suppression", false),
];

pub fn find(id: &str) -> Option<&'static CheckSpec> {
    CHECKS.iter().find(|c| c.id == id)
}
