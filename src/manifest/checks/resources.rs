//! Resource amounts: every CPU and memory quantity must parse and use a
//! suffix that fits what it counts, and requests must not exceed limits,
//! also once an environment's overrides are laid over the defaults.

use super::{Checker, P};
use crate::manifest::patterns::quantity_parts;
use crate::manifest::{Quantity, ResourceList, Resources};

pub(super) fn check_resources(c: &mut Checker, path: &P, resources: &Resources) {
    for (list_name, list) in [
        ("requests", &resources.requests),
        ("limits", &resources.limits),
    ] {
        let Some(list) = list else { continue };
        check_list(c, &path.key(list_name), list);
    }
}

fn check_list(c: &mut Checker, here: &P, list: &ResourceList) {
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

fn bad_quantity(name: &str, q: &Quantity) -> String {
    format!(
        "`{name}` {:?} is not a quantity; write a number with an optional suffix, e.g. `250m`, `0.5`, `128Mi`, `1Gi`",
        q.0
    )
}

/// `base` with the amounts `over` sets replaced.
pub(super) fn overlay(base: Option<&Resources>, over: &Resources) -> Resources {
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

pub(super) fn check_requests_within_limits(
    c: &mut Checker,
    path: &P,
    r: &Resources,
    context: &str,
) {
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
pub(in crate::manifest) fn parse_quantity(q: &Quantity) -> Option<f64> {
    let (number, suffix) = quantity_parts(&q.0)?;
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
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
