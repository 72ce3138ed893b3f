//! JUnit XML, as GitLab, Jenkins, Azure Pipelines and others read test
//! reports: a `<testsuite>` per service, a `<testcase>` per check (its
//! findings together), `<failure>` when a finding counts against the
//! service, `<skipped>` when the check did not run or its failure is
//! suppressed. Element and attribute names follow the JUnit schema that
//! Jenkins publishes (junit-10.xsd).

use std::fmt::Write as _;

use super::scope::{Placed, Scope};
use crate::doctor::finding::{Finding, ServiceReport, Status};

/// What became of one check in one service.
enum Outcome {
    Passed,
    Failed {
        kind: &'static str,
        message: String,
        details: String,
    },
    Skipped(String),
}

struct Case {
    name: String,
    classname: String,
    outcome: Outcome,
}

/// The JUnit document of the services in `scope`.
pub fn junit(scope: &Scope) -> String {
    let placed = scope.placed(|f| f.counts());
    let suites: Vec<(&ServiceReport, Vec<Case>)> = scope
        .services
        .iter()
        .map(|(r, _)| (*r, cases(r, &placed)))
        .collect();
    let count = |pick: fn(&Outcome) -> bool| -> usize {
        suites
            .iter()
            .flat_map(|(_, cs)| cs)
            .filter(|c| pick(&c.outcome))
            .count()
    };
    let tests = count(|_| true);
    let failures = count(|o| matches!(o, Outcome::Failed { .. }));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"plat doctor\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for (r, cases) in &suites {
        suite(&mut out, r, cases);
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite(out: &mut String, r: &ServiceReport, cases: &[Case]) {
    let failures = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed { .. }))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Skipped(_)))
        .count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" file=\"{}\">",
        attr(&service_name(r)),
        cases.len(),
        attr(&r.root.display().to_string()),
    );
    for c in cases {
        let head = format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            attr(&c.name),
            attr(&c.classname)
        );
        match &c.outcome {
            Outcome::Passed => {
                let _ = writeln!(out, "{head}/>");
            }
            Outcome::Skipped(why) => {
                let _ = writeln!(
                    out,
                    "{head}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    attr(why)
                );
            }
            Outcome::Failed {
                kind,
                message,
                details,
            } => {
                let _ = writeln!(
                    out,
                    "{head}>\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>",
                    attr(message),
                    text(details)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n");
}

fn service_name(r: &ServiceReport) -> String {
    r.name
        .clone()
        .unwrap_or_else(|| "(no manifest)".to_string())
}

/// One case per check of the service, in report order.
fn cases(r: &ServiceReport, placed: &[Placed]) -> Vec<Case> {
    let mut ids: Vec<&str> = Vec::new();
    for f in &r.findings {
        if !ids.contains(&f.id.as_str()) {
            ids.push(f.id.as_str());
        }
    }
    ids.into_iter()
        .map(|id| {
            let findings: Vec<&Finding> =
                r.findings.iter().filter(|f| f.id.as_str() == id).collect();
            let first = findings[0];
            let failing: Vec<&Placed> = placed
                .iter()
                .filter(|p| std::ptr::eq(p.service, r) && p.finding.id.as_str() == id)
                .collect();
            Case {
                name: format!("{id} {}", first.name),
                classname: format!("{}.{}", service_name(r), first.category.as_str()),
                outcome: outcome(&findings, &failing),
            }
        })
        .collect()
}

fn outcome(findings: &[&Finding], failing: &[&Placed]) -> Outcome {
    if let Some(worst) = failing.iter().map(|p| p.finding.severity).max() {
        let message = match failing {
            [one] => one.finding.message.clone(),
            many => format!("{} findings", many.len()),
        };
        let mut details = String::new();
        for p in failing {
            let f = p.finding;
            let _ = writeln!(
                details,
                "{}:{}: {} {}",
                p.path,
                p.line,
                f.severity.as_str(),
                f.message
            );
            if let Some(fix) = &f.remediation {
                let _ = writeln!(details, "  fix: {fix}");
            }
        }
        return Outcome::Failed {
            kind: worst.as_str(),
            message,
            details,
        };
    }
    if findings.iter().any(|f| f.status == Status::Pass) {
        return Outcome::Passed;
    }
    let f = findings[0];
    match &f.suppressed {
        Some(s) => Outcome::Skipped(format!("suppressed: {}", s.reason)),
        None => Outcome::Skipped(f.message.clone()),
    }
}

/// Text XML 1.0 can hold: characters it forbids (most controls) become
/// U+FFFD.
fn xml_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(|c| match c {
        '\t' | '\n' | '\r' => c,
        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
        c => c,
    })
}

/// An attribute value, escaped (line breaks kept as character references).
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in xml_chars(s) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Element text, escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in xml_chars(s) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_xml_reserves_and_drops_what_it_forbids() {
        assert_eq!(attr("a<b>&\"c'\n"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;");
        assert_eq!(
            text("x < y && \u{1b}[31m"),
            "x &lt; y &amp;&amp; \u{FFFD}[31m"
        );
    }
}
