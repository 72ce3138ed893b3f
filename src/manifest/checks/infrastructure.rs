//! The semantic checks of `infrastructure`: the image reference, ports,
//! scaling, probes, environment variables, environments and backing
//! services. Resource amounts are checked in [`super::resources`].

use std::collections::{BTreeMap, HashSet};

use super::resources::{check_requests_within_limits, check_resources, overlay};
use super::{Checker, P};
use crate::manifest::patterns::{is_env_var, is_image_tag, is_repository};
use crate::manifest::{Autoscaling, BackingService, Environment, Image, Infrastructure};
use crate::manifest::{Probe, Probes};

pub(super) fn check_infrastructure(c: &mut Checker, path: &P, infra: &Infrastructure) {
    check_image(c, &path.key("image"), &infra.image);
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
        check_probes(c, &path.key("probes"), probes);
    }
    check_env(c, &path.key("env"), &infra.env);
    check_environments(c, &path.key("environments"), infra);
    check_services(c, &path.key("services"), &infra.services);
}

fn check_image(c: &mut Checker, image: &P, value: &Image) {
    c.not_blank(&image.key("registry"), "`registry`", &value.registry);
    if value.registry.contains("://") {
        c.report(
            &image.key("registry"),
            format!(
                "`registry` {:?} must not have a scheme; write just the host and path, e.g. `ghcr.io/acme`",
                value.registry
            ),
        );
    }
    if !is_repository(&value.repository) {
        c.report(
            &image.key("repository"),
            format!(
                "`repository` {:?} must be lowercase letters and digits, separated by `.`, `_`, `-` or `/`",
                value.repository
            ),
        );
    }
    if let Some(tag) = &value.tag {
        if !is_image_tag(tag) {
            c.report(
                &image.key("tag"),
                format!("`tag` {tag:?} must be letters, digits, `_`, `.` and `-`, at most 128 characters, not starting with `.` or `-`"),
            );
        }
    }
}

fn check_probes(c: &mut Checker, path: &P, probes: &Probes) {
    for (name, probe) in [
        ("liveness", &probes.liveness),
        ("readiness", &probes.readiness),
        ("startup", &probes.startup),
    ] {
        if let Some(probe) = probe {
            check_probe(c, &path.key(name), probe);
        }
    }
}

fn check_environments(c: &mut Checker, path: &P, infra: &Infrastructure) {
    let mut names = HashSet::new();
    for (i, env) in infra.environments.iter().enumerate() {
        let here = path.index(i);
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
}

fn check_services(c: &mut Checker, path: &P, services: &[BackingService]) {
    let mut names = HashSet::new();
    for (i, service) in services.iter().enumerate() {
        let here = path.index(i);
        if let Some(name) = &service.name {
            c.dns_label(&here.key("name"), "service name", name);
        }
        if let Some(version) = &service.version {
            c.not_blank(&here.key("version"), "`version`", version);
        }
        let name = service.effective_name();
        if !names.insert(name.clone()) {
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
        if !is_env_var(key) {
            c.report(
                &path.key(key),
                format!("{key:?} is not an environment variable name: use letters, digits and `_`, not starting with a digit"),
            );
        }
    }
}
