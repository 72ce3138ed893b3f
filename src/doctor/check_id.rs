//! The built-in checks: one [`CheckId`] per check, with its stable code,
//! name, category, default severity and fix. docs/doctor.md documents the
//! same table; codes never change meaning, retired codes are never reused.

use super::finding::{Category, Severity};

/// One built-in check, as `plat doctor --list` shows it.
#[derive(Debug, Clone, Copy)]
pub struct CheckSpec {
    /// `PLAT101`: stable, in reports, policies and suppressions.
    pub code: &'static str,
    /// Kebab-case, for people and SARIF `rule.name`.
    pub name: &'static str,
    pub category: Category,
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

macro_rules! checks {
    ($(
        $id:ident $code:literal $name:literal $category:ident $severity:ident
            fixable: $fixable:literal, needs_manifest: $needs:literal,
            $summary:literal, $remediation:literal;
    )*) => {
        /// A built-in check. A typo in one is a compile error, not a check
        /// that silently matches nothing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CheckId { $($id),* }

        impl CheckId {
            /// Every built-in check, in code order.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$id),*];

            pub fn spec(self) -> &'static CheckSpec {
                match self {
                    $(CheckId::$id => &CheckSpec {
                        code: $code,
                        name: $name,
                        category: Category::$category,
                        severity: Severity::$severity,
                        summary: $summary,
                        remediation: $remediation,
                        fixable: $fixable,
                        needs_manifest: $needs,
                    }),*
                }
            }
        }
    };
}

checks! {
    ManifestPresent "PLAT100" "manifest-present" Manifest Error fixable: false, needs_manifest: false,
        "the service has a platform.yaml",
        "create the service with `plat new`, or write platform.yaml by hand (`plat manifest schema` prints its JSON Schema)";
    ManifestParses "PLAT101" "manifest-parses" Manifest Error fixable: false, needs_manifest: false,
        "platform.yaml is well-formed YAML holding a mapping",
        "fix the YAML syntax at the reported line";
    ManifestValid "PLAT102" "manifest-valid" Manifest Error fixable: false, needs_manifest: false,
        "platform.yaml is valid against the manifest schema",
        "fix the field at the reported line; `plat manifest validate` lists every problem";
    ManifestApiVersion "PLAT103" "manifest-api-version" Manifest Error fixable: false, needs_manifest: false,
        "platform.yaml has a supported apiVersion and kind",
        "set `apiVersion: plat.dev/v1` and `kind: Service`, or upgrade plat if the manifest is newer";
    OwnerNotPlaceholder "PLAT104" "owner-not-placeholder" Manifest Error fixable: false, needs_manifest: true,
        "metadata.owner names a real team",
        "set metadata.owner to the slug of the team that owns the service, e.g. team-payments";
    GitRepository "PLAT200" "git-repository" Repository Error fixable: false, needs_manifest: false,
        "the service is in a git repository with a working tree",
        "run `git init` and commit the service, or run plat doctor inside a clone";
    GitHead "PLAT201" "git-head" Repository Warning fixable: false, needs_manifest: false,
        "the repository has at least one commit",
        "commit the service: `git add -A && git commit -m 'Initial commit'`";
    Readme "PLAT202" "readme" Repository Warning fixable: false, needs_manifest: false,
        "the service has a README",
        "add a README.md saying what the service does and how to run it";
    Gitignore "PLAT203" "gitignore" Repository Warning fixable: false, needs_manifest: false,
        "the service has a .gitignore",
        "add a .gitignore for the language's build output";
    Codeowners "PLAT204" "codeowners" Repository Error fixable: true, needs_manifest: true,
        "CODEOWNERS names the manifest's owner",
        "add `* @OWNER` to CODEOWNERS (`plat doctor --fix` does it)";
    CatalogInfo "PLAT205" "catalog-info" Repository Error fixable: false, needs_manifest: true,
        "catalog-info.yaml agrees with platform.yaml (name, owner, lifecycle)",
        "run `plat sync` to re-render catalog-info.yaml, or edit it to match platform.yaml";
    PipelineFiles "PLAT300" "pipeline-files" Pipeline Error fixable: true, needs_manifest: true,
        "the CI files for the manifest's provider exist",
        "run `plat sync` to write the pipeline from platform.yaml";
    PipelineStages "PLAT301" "pipeline-stages" Pipeline Error fixable: false, needs_manifest: true,
        "every stage in pipeline.stages has a job in the CI files",
        "run `plat sync`, or add a job named after the stage";
    ProductionGated "PLAT302" "production-gated" Pipeline Error fixable: false, needs_manifest: true,
        "deploys to production need an approval",
        "set `approval: true` on the production environment in platform.yaml and run `plat sync`";
    Dockerfile "PLAT400" "dockerfile" Infrastructure Error fixable: false, needs_manifest: false,
        "the service has a Dockerfile",
        "add a Dockerfile that builds the service's image";
    DockerfileNonRoot "PLAT401" "dockerfile-non-root" Infrastructure Error fixable: false, needs_manifest: false,
        "the image's final stage runs as a non-root user",
        "add `USER 10001:10001` (any non-zero UID) after the last FROM";
    KubernetesEnvironments "PLAT402" "kubernetes-environments" Infrastructure Error fixable: true, needs_manifest: true,
        "every environment in platform.yaml has Kubernetes manifests with a Deployment",
        "run `plat sync` to write deploy/k8s/ENVIRONMENT from platform.yaml";
    KubernetesProbes "PLAT403" "kubernetes-probes" Infrastructure Error fixable: false, needs_manifest: true,
        "every container has liveness and readiness probes",
        "set infrastructure.probes in platform.yaml and run `plat sync`, or add the probes";
    KubernetesResources "PLAT404" "kubernetes-resources" Infrastructure Error fixable: false, needs_manifest: true,
        "every container sets CPU and memory limits",
        "set infrastructure.resources.limits in platform.yaml and run `plat sync`, or add the limits";
    KubernetesPort "PLAT405" "kubernetes-port" Infrastructure Error fixable: false, needs_manifest: true,
        "the container port equals infrastructure.port",
        "run `plat sync`, or make containerPort equal infrastructure.port";
    ManagedDrift "PLAT500" "managed-drift" Drift Error fixable: true, needs_manifest: true,
        "every managed file equals what plat renders from platform.yaml",
        "run `plat sync` to re-render it from platform.yaml (change platform.yaml, not the managed file)";
    ManagedMissing "PLAT501" "managed-missing" Drift Error fixable: true, needs_manifest: true,
        "every managed file exists",
        "run `plat sync` to write it";
    ManagedStale "PLAT502" "managed-stale" Drift Warning fixable: true, needs_manifest: true,
        "no managed file is left over that platform.yaml no longer renders",
        "run `plat sync` to remove it";
    TemplateVersion "PLAT600" "template-version" Template Warning fixable: true, needs_manifest: true,
        "the service is on the newest version of its template",
        "run `plat update` to bring the whole service to the newer version, keeping your edits; `plat sync` / `plat doctor --fix` only re-renders the managed files";
    TemplateAvailable "PLAT601" "template-available" Template Warning fixable: false, needs_manifest: true,
        "the template platform.yaml records can be loaded",
        "pass --template PATH to say where the template is now";
    TemplateUpstream "PLAT602" "template-upstream" Template Warning fixable: false, needs_manifest: true,
        "nothing newer is published at the git source the service was made from",
        "run `plat update` (or `plat update --to TAG`) to move the service on, keeping your edits";
    UpdateLeftovers "PLAT603" "update-leftovers" Template Error fixable: false, needs_manifest: false,
        "no merge conflict markers or .plat-new files are left in the service",
        "resolve each conflict and remove its marker lines, keep what you want of each FILE.plat-new in FILE and delete it; check with `git diff`, then run plat doctor again";
    SuppressionExpired "PLAT700" "suppression-expired" Suppressions Warning fixable: false, needs_manifest: true,
        "no suppression in platform.yaml has expired",
        "fix the finding and remove the suppression, or extend its `expires` date with a reason";
    SuppressionUnknown "PLAT701" "suppression-unknown" Suppressions Warning fixable: false, needs_manifest: true,
        "every suppression names a check that exists",
        "correct the check ID or remove the suppression";
}

impl CheckId {
    /// `PLAT101`.
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    /// The check with this code, e.g. from a policy or a suppression.
    pub fn parse(code: &str) -> Option<CheckId> {
        CheckId::ALL.iter().copied().find(|c| c.code() == code)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::CheckId;

    #[test]
    fn codes_are_unique_sorted_and_parse_back() {
        let codes: Vec<&str> = CheckId::ALL.iter().map(|c| c.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for c in CheckId::ALL {
            assert_eq!(CheckId::parse(c.code()), Some(*c));
        }
        assert_eq!(CheckId::parse("PLAT999"), None);
    }

    /// docs/doctor.md's table has a row per check, with its name and
    /// severity: the docs cannot forget a check or disagree with plat.
    #[test]
    fn the_documented_table_is_the_catalogue() {
        let docs = include_str!("../../docs/doctor.md");
        let rows: Vec<Vec<&str>> = docs
            .lines()
            .filter(|l| l.starts_with("| PLAT"))
            .map(|l| l.split('|').map(str::trim).collect())
            .collect();
        let documented: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[1], r[2], r[3])).collect();
        let actual: Vec<(&str, &str, &str)> = CheckId::ALL
            .iter()
            .map(|c| {
                let s = c.spec();
                (s.code, s.name, s.severity.as_str())
            })
            .collect();
        assert_eq!(documented, actual);
    }
}
