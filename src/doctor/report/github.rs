//! GitHub Actions workflow commands: one annotation per failure that
//! counts (`::error file=PATH,line=N,title=ID name::message`; warnings as
//! `::warning`, infos as `::notice`), escaped as GitHub's toolkit escapes
//! them, then one plain summary line. The runner turns the commands into
//! annotations on the files of the run and the pull request.

use std::fmt::Write as _;

use super::human::score_line;
use super::scope::Scope;
use crate::doctor::finding::{Severity, Summary};

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// A command's message, as `@actions/core` escapes it (`escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value (`escapeProperty`): `:` and `,` would end it.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations of the services in `scope`, and the summary line.
pub fn github(scope: &Scope, strict: bool) -> String {
    let mut out = String::new();
    let mut summary = Summary::default();
    for (r, _) in &scope.services {
        summary.add(&r.summary());
    }
    for p in scope.placed(|f| f.counts()) {
        let f = p.finding;
        let mut message = f.message.clone();
        if let Some(fix) = &f.remediation {
            message.push_str(". Fix: ");
            message.push_str(fix);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},title={}::{}",
            command(f.severity),
            escape_property(&p.path),
            p.line,
            escape_property(&format!("{} {}", f.id, f.name)),
            escape_data(&message)
        );
    }
    let services = match scope.services.len() {
        1 => String::new(),
        n => format!(" {n} services,"),
    };
    let _ = writeln!(
        out,
        "plat doctor:{services} {}",
        anstream::adapter::strip_str(&score_line(&summary, strict))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
