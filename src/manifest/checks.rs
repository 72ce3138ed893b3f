//! The semantic checks of a typed manifest: what the types and the schema
//! cannot say (cross-references, uniqueness, quantities, dates, versions).
//! They also guard manifests built in memory, which never met the schema.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::{did_you_mean, Issue, Manifest, Seg};
use super::{Autoscaling, Environment, Infrastructure, Pipeline, Probe, Quantity, Resources};
use super::{CHECK_ID_PATTERN, DNS_LABEL_PATTERN, QUANTITY_PATTERN, STAGE_NAME_PATTERN};

static DNS_LABEL: LazyLock<&Regex> =
    LazyLock::new(|| super::regex(DNS_LABEL_PATTERN).expect("a schema pattern"));
static STAGE_NAME: LazyLock<&Regex> =
    LazyLock::new(|| super::regex(STAGE_NAME_PATTERN).expect("a schema pattern"));
static CHECK_ID: LazyLock<&Regex> =
    LazyLock::new(|| super::regex(CHECK_ID_PATTERN).expect("a schema pattern"));
static QUANTITY: LazyLock<&Regex> =
    LazyLock::new(|| super::regex(QUANTITY_PATTERN).expect("a schema pattern"));
static ENV_VAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*$").unwrap());
static ANSWER_KEY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z_][a-z0-9_]*$").unwrap());
static REPOSITORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$").unwrap()
});
static IMAGE_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$").unwrap());

/// A path under construction: `P::root().key("metadata").key("name")`.
#[derive(Clone, Default)]
struct P(Vec<Seg>);

impl P {
    fn key(&self, key: &str) -> P {
        let mut path = self.0.clone();
        path.push(Seg::Key(key.to_string()));
        P(path)
    }

    fn index(&self, i: usize) -> P {
        let mut path = self.0.clone();
        path.push(Seg::Index(i));
        P(path)
    }
}

#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn report(&mut self, path: &P, message: String) {
        self.issues.push(Issue::new(path.0.clone(), message));
    }

    fn dns_label(&mut self, path: &P, what: &str, value: &str) {
        if !DNS_LABEL.is_match(value) {
            let mut message = format!(
                "{what} {value:?} is not a DNS-1123 label: use lowercase letters, digits and `-`, start with a letter, end with a letter or digit, at most 63 characters"
            );
            let suggestion = suggest_label(value);
            if DNS_LABEL.is_match(&suggestion) {
                message.push_str(&format!(" (e.g. `{suggestion}`)"));
            }
            self.report(path, message);
        }
    }

    fn not_blank(&mut self, path: &P, what: &str, value: &str) {
        if value.trim().is_empty() {
            self.report(path, format!("{what} must not be empty"));
        }
    }
}

/// Every semantic problem of `m`.
pub(super) fn check(m: &Manifest) -> Vec<Issue> {
    let mut c = Checker::default();
    let root = P::default();
    if m.api_version != super::API_VERSION {
        c.report(
            &root.key("apiVersion"),
            format!(
                "unsupported `apiVersion` {:?}; this plat reads `{}`",
                m.api_version,
                super::API_VERSION
            ),
        );
    }
    if m.kind != super::KIND {
        c.report(
            &root.key("kind"),
            format!(
                "unsupported `kind` {:?}; the only kind is `{}`",
                m.kind,
                super::KIND
            ),
        );
    }
    let meta = root.key("metadata");
    c.dns_label(&meta.key("name"), "`name`", &m.metadata.name);
    c.not_blank(&meta.key("owner"), "`owner`", &m.metadata.owner);
    let mut tags = HashSet::new();
    for (i, tag) in m.metadata.tags.iter().enumerate() {
        c.not_blank(&meta.key("tags").index(i), "a tag", tag);
        if !tags.insert(tag) {
            c.report(
                &meta.key("tags").index(i),
                format!("tag {tag:?} is listed twice"),
            );
        }
    }
    if let Some(t) = &m.template {
        let path = root.key("template");
        c.not_blank(&path.key("source"), "`source`", &t.source);
        c.not_blank(&path.key("name"), "`name`", &t.name);
        if let Err(err) = semver::Version::parse(&t.version) {
            c.report(
                &path.key("version"),
                format!(
                    "`version` {:?} is not a semantic version like `1.2.0`: {err}",
                    t.version
                ),
            );
        }
        for key in t.answers.keys() {
            if !ANSWER_KEY.is_match(key) {
                c.report(
                    &path.key("answers").key(key),
                    format!(
                        "answer {key:?} is not a variable name (lowercase letters, digits and `_`)"
                    ),
                );
            }
        }
    }
    if let Some(p) = &m.pipeline {
        check_pipeline(&mut c, &root.key("pipeline"), p);
    }
    if let Some(infra) = &m.infrastructure {
        check_infrastructure(&mut c, &root.key("infrastructure"), infra);
    }
    for (i, s) in m.suppressions.iter().enumerate() {
        let path = root.key("suppressions").index(i);
        if !CHECK_ID.is_match(&s.check) {
            c.report(
                &path.key("check"),
                format!("`check` {:?} is not a check ID like `PLAT101`", s.check),
            );
        }
        c.not_blank(
            &path.key("reason"),
            "`reason` (say why the finding is accepted)",
            &s.reason,
        );
    }
    c.issues
}

fn check_pipeline(c: &mut Checker, path: &P, p: &Pipeline) {
    if p.stages.is_empty() {
        c.report(
            &path.key("stages"),
            "`stages` is empty; add at least one stage".into(),
        );
    }
    let mut names = HashSet::new();
    for (i, stage) in p.stages.iter().enumerate() {
        let here = path.key("stages").index(i);
        if !STAGE_NAME.is_match(&stage.name) {
            c.report(
                &here.key("name"),
                format!(
                    "stage name {:?} must be lowercase letters, digits, `-` and `_`, at most 63 characters",
                    stage.name
                ),
            );
        }
        if !names.insert(stage.name.as_str()) {
            c.report(
                &here.key("name"),
                format!(
                    "stage {:?} is defined twice; stage names must be unique",
                    stage.name
                ),
            );
        }
        if stage.commands.is_empty() {
            c.report(
                &here.key("commands"),
                "`commands` is empty; add at least one command".into(),
            );
        }
        for (j, command) in stage.commands.iter().enumerate() {
            c.not_blank(&here.key("commands").index(j), "a command", command);
        }
    }
    for (i, branch) in p.triggers.branches.iter().enumerate() {
        c.not_blank(
            &path.key("triggers").key("branches").index(i),
            "a branch",
            branch,
        );
    }
    let mut seen = HashSet::new();
    for (i, check) in p.required_checks.iter().enumerate() {
        let here = path.key("requiredChecks").index(i);
        if !names.contains(check.as_str()) {
            let mut stages: Vec<String> = Vec::new();
            for stage in &p.stages {
                let name = format!("`{}`", stage.name);
                if !stages.contains(&name) {
                    stages.push(name);
                }
            }
            let mut message = format!("required check {check:?} is not a stage");
            match did_you_mean(check, p.stages.iter().map(|s| s.name.as_str())) {
                Some(hint) => message.push_str(&format!("; did you mean `{hint}`?")),
                None if stages.is_empty() => message.push_str("; there are no stages"),
                None => message.push_str(&format!("; the stages are {}", stages.join(", "))),
            }
            c.report(&here, message);
        } else if !seen.insert(check.as_str()) {
            c.report(&here, format!("required check {check:?} is listed twice"));
        }
    }
}

fn check_infrastructure(c: &mut Checker, path: &P, infra: &Infrastructure) {
    let image = path.key("image");
    c.not_blank(&image.key("registry"), "`registry`", &infra.image.registry);
    if infra.image.registry.contains("://") {
        c.report(
            &image.key("registry"),
            format!(
                "`registry` {:?} must not have a scheme; write just the host and path, e.g. `ghcr.io/acme`",
                infra.image.registry
            ),
        );
    }
    if !REPOSITORY.is_match(&infra.image.repository) {
        c.report(
            &image.key("repository"),
            format!(
                "`repository` {:?} must be lowercase letters and digits, separated by `.`, `_`, `-` or `/`",
                infra.image.repository
            ),
        );
    }
    if let Some(tag) = &infra.image.tag {
        if !IMAGE_TAG.is_match(tag) {
            c.report(
                &image.key("tag"),
                format!("`tag` {tag:?} must be letters, digits, `_`, `.` and `-`, at most 128 characters, not starting with `.` or `-`"),
            );
        }
    }
    if infra.port == 0 {
        c.report(
            &path.key("port"),
            "`port` must be between 1 and 65535, found 0".into(),
        );
    }
    check_scaling(c, path, infra.replicas, infra.autoscaling.as_ref());
    if let Some(resources) = &infra.resources {
        check_resources(c, &path.key("resources"), resources);
        check_requests_within_limits(c, &path.key("resources"), resources, "");
    }
    if let Some(probes) = &infra.probes {
        let probes_path = path.key("probes");
        for (name, probe) in [
            ("liveness", &probes.liveness),
            ("readiness", &probes.readiness),
            ("startup", &probes.startup),
        ] {
            if let Some(probe) = probe {
                check_probe(c, &probes_path.key(name), probe);
            }
        }
    }
    check_env(c, &path.key("env"), &infra.env);
    let mut names = HashSet::new();
    for (i, env) in infra.environments.iter().enumerate() {
        let here = path.key("environments").index(i);
        check_environment(c, &here, env, infra);
        if !names.insert(env.name.as_str()) {
            c.report(
                &here.key("name"),
                format!(
                    "environment {:?} is listed twice; environment names must be unique",
                    env.name
                ),
            );
        }
    }
    let mut services = HashSet::new();
    for (i, service) in infra.services.iter().enumerate() {
        let here = path.key("services").index(i);
        if let Some(name) = &service.name {
            c.dns_label(&here.key("name"), "service name", name);
        }
        if let Some(version) = &service.version {
            c.not_blank(&here.key("version"), "`version`", version);
        }
        let name = service.effective_name();
        if !services.insert(name.clone()) {
            c.report(
                &here,
                format!("a second service named {name:?}; give one of them a different `name`"),
            );
        }
    }
}

fn check_environment(c: &mut Checker, path: &P, env: &Environment, infra: &Infrastructure) {
    c.dns_label(&path.key("name"), "environment name", &env.name);
    check_scaling(c, path, env.replicas, env.autoscaling.as_ref());
    check_env(c, &path.key("env"), &env.env);
    if let Some(resources) = &env.resources {
        check_resources(c, &path.key("resources"), resources);
        let effective = overlay(infra.resources.as_ref(), resources);
        let context = format!(" in environment {:?}", env.name);
        check_requests_within_limits(c, &path.key("resources"), &effective, &context);
    }
}

fn check_scaling(
    c: &mut Checker,
    path: &P,
    replicas: Option<u32>,
    autoscaling: Option<&Autoscaling>,
) {
    if replicas == Some(0) {
        c.report(
            &path.key("replicas"),
            "`replicas` must be at least 1, found 0".into(),
        );
    }
    let Some(a) = autoscaling else { return };
    let here = path.key("autoscaling");
    if replicas.is_some() {
        c.report(
            &path.key("replicas"),
            "set either `replicas` or `autoscaling`, not both: autoscaling decides the number of instances".into(),
        );
    }
    if a.min_replicas == 0 {
        c.report(
            &here.key("minReplicas"),
            "`minReplicas` must be at least 1, found 0".into(),
        );
    }
    if a.max_replicas < a.min_replicas {
        c.report(
            &here.key("maxReplicas"),
            format!(
                "`maxReplicas` ({}) must be at least `minReplicas` ({})",
                a.max_replicas, a.min_replicas
            ),
        );
    }
    if let Some(target) = a.target_cpu_utilization {
        if !(1..=100).contains(&target) {
            c.report(
                &here.key("targetCpuUtilization"),
                format!("`targetCpuUtilization` must be between 1 and 100, found {target}"),
            );
        }
    }
}

fn check_probe(c: &mut Checker, path: &P, probe: &Probe) {
    if !probe.path.starts_with('/') {
        c.report(
            &path.key("path"),
            format!("`path` {:?} must start with `/`", probe.path),
        );
    }
    if probe.port == Some(0) {
        c.report(
            &path.key("port"),
            "`port` must be between 1 and 65535, found 0".into(),
        );
    }
    for (name, value) in [
        ("periodSeconds", probe.period_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("failureThreshold", probe.failure_threshold),
    ] {
        if value == Some(0) {
            c.report(
                &path.key(name),
                format!("`{name}` must be at least 1, found 0"),
            );
        }
    }
}

fn check_env(c: &mut Checker, path: &P, env: &BTreeMap<String, String>) {
    for key in env.keys() {
        if !ENV_VAR.is_match(key) {
            c.report(
                &path.key(key),
                format!("{key:?} is not an environment variable name: use letters, digits and `_`, not starting with a digit"),
            );
        }
    }
}

fn check_resources(c: &mut Checker, path: &P, resources: &Resources) {
    for (list_name, list) in [
        ("requests", &resources.requests),
        ("limits", &resources.limits),
    ] {
        let Some(list) = list else { continue };
        let here = path.key(list_name);
        if let Some(cpu) = &list.cpu {
            match parse_quantity(cpu) {
                None => c.report(&here.key("cpu"), bad_quantity("cpu", cpu)),
                Some(_) if cpu.0.ends_with('i') => c.report(
                    &here.key("cpu"),
                    format!("`cpu` {:?} uses a byte suffix; CPU is counted in cores (`2`) or thousandths of a core (`500m`)", cpu.0),
                ),
                Some(_) => {}
            }
        }
        if let Some(memory) = &list.memory {
            match parse_quantity(memory) {
                None => c.report(&here.key("memory"), bad_quantity("memory", memory)),
                Some(bytes) if memory.0.ends_with(['m', 'u', 'n']) => c.report(
                    &here.key("memory"),
                    format!(
                        "`memory` {:?} is {bytes} bytes (`m` means thousandths); did you mean `{}Mi`?",
                        memory.0,
                        memory.0.trim_end_matches(['m', 'u', 'n'])
                    ),
                ),
                Some(_) => {}
            }
        }
    }
}

fn bad_quantity(name: &str, q: &Quantity) -> String {
    format!(
        "`{name}` {:?} is not a quantity; write a number with an optional suffix, e.g. `250m`, `0.5`, `128Mi`, `1Gi`",
        q.0
    )
}

/// `base` with the amounts `over` sets replaced.
fn overlay(base: Option<&Resources>, over: &Resources) -> Resources {
    let mut out = base.cloned().unwrap_or_default();
    for (target, source) in [
        (&mut out.requests, &over.requests),
        (&mut out.limits, &over.limits),
    ] {
        let Some(source) = source else { continue };
        let target = target.get_or_insert_with(Default::default);
        if source.cpu.is_some() {
            target.cpu.clone_from(&source.cpu);
        }
        if source.memory.is_some() {
            target.memory.clone_from(&source.memory);
        }
    }
    out
}

fn check_requests_within_limits(c: &mut Checker, path: &P, r: &Resources, context: &str) {
    let (Some(requests), Some(limits)) = (&r.requests, &r.limits) else {
        return;
    };
    for (name, request, limit) in [
        ("cpu", &requests.cpu, &limits.cpu),
        ("memory", &requests.memory, &limits.memory),
    ] {
        let (Some(request), Some(limit)) = (request, limit) else {
            continue;
        };
        if let (Some(rq), Some(lm)) = (parse_quantity(request), parse_quantity(limit)) {
            if rq > lm {
                c.report(
                    &path.key("requests").key(name),
                    format!(
                        "`{name}` request {request} is more than its limit {limit}{context}; raise the limit or lower the request"
                    ),
                );
            }
        }
    }
}

/// The amount a quantity stands for (cores or bytes), or `None` if it is not one.
pub(super) fn parse_quantity(q: &Quantity) -> Option<f64> {
    let caps = QUANTITY.captures(&q.0)?;
    let number: f64 = caps.get(1)?.as_str().parse().ok()?;
    let factor = match caps.get(3).map(|m| m.as_str()) {
        None => 1.0,
        Some(s) if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse().ok()?),
        Some(s) => match s {
            "n" => 1e-9,
            "u" => 1e-6,
            "m" => 1e-3,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "P" => 1e15,
            "E" => 1e18,
            "Ki" => 1024f64,
            "Mi" => 1024f64.powi(2),
            "Gi" => 1024f64.powi(3),
            "Ti" => 1024f64.powi(4),
            "Pi" => 1024f64.powi(5),
            "Ei" => 1024f64.powi(6),
            _ => return None,
        },
    };
    let value = number * factor;
    value.is_finite().then_some(value)
}

/// `Payments_API` -> `payments-api`: a DNS label close to what was written.
fn suggest_label(value: &str) -> String {
    let mut label = crate::util::slug::slug(value);
    label.truncate(63);
    label.truncate(label.trim_end_matches('-').len());
    label
}
