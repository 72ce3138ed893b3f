//! The infrastructure files of the built-in `service`, read by the tools
//! that read them: every Terraform file exactly as `terraform fmt` leaves
//! it, and every environment's directory built by `kubectl kustomize` with
//! each of its files in the build. Over a broad set of answers (environment
//! subsets, backing services, registries) and of platform.yaml's optional
//! fields (autoscaling, fixed tags, named services, other environments),
//! wider than the golden path's eight cases.
//!
//! terraform and kubectl are the machine's, or the pinned ones
//! `scripts/infra-tools` installs (scripts/test puts them on PATH); without
//! them these tests fail and say so, never skip.

use crate::support::*;
use std::io::ErrorKind;
use std::path::Path;
use std::process::{Command, Stdio};

/// Answers given to `plat new` (every case is `--no-input --no-git`).
const ANSWERS: &[(&str, &[&str])] = &[
    ("defaults", &[]),
    ("dev-postgres", &["environments=dev", "database=postgres"]),
    ("staging-redis", &["environments=staging", "cache=redis"]),
    (
        "prod-data-gitlab",
        &[
            "environments=prod",
            "database=postgres",
            "cache=redis",
            "ci=gitlab",
        ],
    ),
    (
        "dev-staging-gitlab",
        &["environments=dev,staging", "ci=gitlab"],
    ),
    ("dev-prod-redis", &["environments=dev,prod", "cache=redis"]),
    (
        "staging-prod-postgres",
        &["environments=staging,prod", "database=postgres"],
    ),
    (
        "ecr-data",
        &[
            "registry=123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "database=postgres",
            "cache=redis",
        ],
    ),
    (
        "ecr-path-staging",
        &[
            "registry=123456789012.dkr.ecr.eu-west-1.amazonaws.com/team-x",
            "environments=staging",
        ],
    ),
    (
        "typescript-system-port",
        &[
            "language=typescript",
            "system=payments",
            "port=65535",
            "database=postgres",
        ],
    ),
];

/// platform.yaml's `infrastructure:` written over a default service, then
/// `plat sync`: optional fields the answers never produce.
const MANIFESTS: &[(&str, &str)] = &[
    (
        "service-autoscaling-bare-environments",
        "infrastructure:
  image: {registry: ghcr.io/acme, repository: svc}
  port: 8080
  autoscaling: {minReplicas: 2, maxReplicas: 6}
  environments: [dev, staging, prod]
",
    ),
    (
        "per-environment-overrides-fixed-tag",
        "infrastructure:
  image: {registry: ghcr.io/acme, repository: svc, tag: '1.2.3'}
  port: 8080
  replicas: 3
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: '1', memory: 512Mi}
  probes:
    liveness: {path: /healthz, initialDelaySeconds: 5}
    readiness: {path: /readyz, periodSeconds: 5}
    startup: {path: /healthz, failureThreshold: 30}
  env: {LOG_FORMAT: json, FEATURE_X: 'on'}
  environments:
    - {name: dev, replicas: 1, env: {LOG_FORMAT: text}}
    - {name: staging, autoscaling: {minReplicas: 1, maxReplicas: 3}}
    - name: prod
      approval: true
      autoscaling: {minReplicas: 4, maxReplicas: 20, targetCpuUtilization: 60}
      resources: {limits: {memory: 1Gi}}
",
    ),
    (
        "named-services-every-kind-ecr",
        "infrastructure:
  image: {registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com/platform, repository: svc}
  port: 9000
  environments: [dev, prod]
  services:
    - {kind: postgres, name: orders, version: '15'}
    - {kind: postgres, name: ledger-archive}
    - {kind: redis, name: sessions, version: '6'}
    - {kind: redis, version: '7'}
    - {kind: mysql}
    - {kind: kafka, name: events}
    - {kind: rabbitmq}
    - {kind: mongodb}
",
    ),
    (
        "other-environment-names",
        "infrastructure:
  image: {registry: registry.gitlab.com/acme/group, repository: svc}
  port: 8080
  replicas: 2
  environments:
    - sandbox
    - qa
    - {name: production, approval: true}
    - {name: eu-central}
  services:
    - {kind: postgres}
    - {kind: redis}
",
    ),
    (
        "one-environment-not-dev",
        "infrastructure:
  image: {registry: ghcr.io/acme, repository: svc}
  port: 8080
  environments: [qa]
  services: [{kind: redis, version: '7'}]
",
    ),
    (
        "only-what-is-required",
        "infrastructure:
  image: {registry: ghcr.io/acme, repository: svc}
  port: 8080
",
    ),
];

#[test]
fn terraform_fmt_and_kubectl_kustomize_accept_every_answer_combination() {
    let mut problems = Vec::new();
    for (case, sets) in ANSWERS {
        let s = Scratch::new();
        new_service(&s, sets);
        problems.extend(check(case, &s.join("svc")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn terraform_fmt_and_kubectl_kustomize_accept_optional_manifest_fields() {
    let mut problems = Vec::new();
    for (case, infrastructure) in MANIFESTS {
        let s = Scratch::new();
        new_service(&s, &[]);
        let manifest = s.read("svc/platform.yaml");
        let at = manifest
            .find("\ninfrastructure:\n")
            .expect("platform.yaml has an infrastructure section");
        s.write(
            "svc/platform.yaml",
            &format!("{}\n{infrastructure}", &manifest[..at]),
        );
        for dir in ["svc/deploy", "svc/infra"] {
            std::fs::remove_dir_all(s.join(dir)).unwrap();
        }
        let r = run(s.plat().args(["sync", "--allow-dirty", "svc"]));
        assert_eq!(r.code, 0, "{case}: plat sync\n{}{}", r.stdout, r.stderr);
        problems.extend(check(case, &s.join("svc")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The checks fail on Terraform that `terraform fmt` would change and on a
/// directory that leaves one of its files out of the build: they do not
/// pass whatever they are given.
#[test]
fn unformatted_terraform_and_a_file_left_out_of_the_build_are_reported() {
    let s = Scratch::new();
    new_service(&s, &["environments=dev"]);
    s.write(
        "svc/deploy/k8s/dev/extra.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    );
    s.edit(
        "svc/infra/variables.tf",
        "contains([\"dev\"], var.environment)",
        "contains([\"dev\"],var.environment)",
    );
    let problems = check("edited", &s.join("svc"));
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains("terraform fmt")
            && problems[0].contains("+    condition     = contains([\"dev\"], var.environment)")
    );
    assert!(
        problems[1].contains("deploy/k8s/dev") && problems[1].contains("in its files"),
        "{problems:#?}"
    );
}

/// `plat new service svc` with `sets` into `svc/`.
fn new_service(s: &Scratch, sets: &[&str]) {
    let mut cmd = s.plat();
    cmd.args([
        "new",
        "service",
        "svc",
        "--no-input",
        "--no-git",
        "--output",
        "svc",
    ]);
    for set in sets {
        cmd.args(["--set", set]);
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "plat new {sets:?}\n{}{}", r.stdout, r.stderr);
}

/// What terraform and kubectl find wrong with the service at `dir`, one
/// entry per problem, each naming the case.
fn check(case: &str, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let fmt = tool(
        "terraform",
        &["fmt", "-check", "-diff", "-recursive", "-no-color", "infra"],
        dir,
    );
    if fmt.code != 0 {
        problems.push(format!(
            "{case}: terraform fmt -check -diff -recursive infra: exit {}; the template must render what terraform fmt writes\n{}{}",
            fmt.code, fmt.stdout, fmt.stderr
        ));
    }
    for env in subdirectories(&dir.join("deploy/k8s")) {
        let rel = format!("deploy/k8s/{env}");
        let built = tool("kubectl", &["kustomize", &rel], dir);
        if built.code != 0 {
            problems.push(format!(
                "{case}: kubectl kustomize {rel}: exit {}\n{}",
                built.code, built.stderr
            ));
            continue;
        }
        // Every object of every file but kustomization.yaml is in the build.
        let in_files: usize = std::fs::read_dir(dir.join(&rel))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap() != "kustomization.yaml")
            .map(|p| objects(&std::fs::read_to_string(p).unwrap()))
            .sum();
        let in_build = objects(&built.stdout);
        if in_build != in_files {
            problems.push(format!(
                "{case}: kubectl kustomize {rel}: {in_build} objects in the build, {in_files} in its files; kustomization.yaml must list every file\n{}",
                built.stdout
            ));
        }
    }
    problems
}

/// Top-level `kind:` lines: one per Kubernetes object.
fn objects(yaml: &str) -> usize {
    yaml.lines().filter(|l| l.starts_with("kind: ")).count()
}

fn subdirectories(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `program` (terraform or kubectl) in `dir`; a missing one fails the
/// test with how to get it.
fn tool(program: &str, args: &[&str], dir: &Path) -> Run {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null");
    match cmd.output() {
        Ok(out) => Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "{program} is not on PATH: these tests check generated services with it. \
             scripts/test puts one there; by hand, `scripts/infra-tools` installs a pinned one \
             and prints the directory to put first on PATH"
        ),
        Err(e) => panic!("running {program}: {e}"),
    }
}
