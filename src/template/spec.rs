//! What a template argument names: a built-in, a local directory, or a
//! template in a git repository, written the way Terraform writes module
//! sources: `URL[//path/in/repo][?ref=TAG|BRANCH|SHA]`, with the shorthands
//! `gh:org/repo` and `gl:group/repo` and the aliases of plat's config
//! (`sources: {acme: https://...}` makes `acme//service` work).

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::manifest::TemplateRef;
use crate::util::git_url::{redact, GitUrl};

/// A parsed template source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    Builtin(String),
    /// A built-in at the version platform.yaml records: that release when
    /// this plat carries it (sync and doctor render what the service was
    /// made from; only `plat update` moves it), else the current one.
    BuiltinAt {
        name: String,
        version: String,
    },
    Local(PathBuf),
    Git(GitSpec),
}

/// A template in a git repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitSpec {
    pub url: GitUrl,
    /// The template's directory in the repository, `/`-separated; empty
    /// for the repository's root.
    pub subdir: String,
    /// The tag, branch or commit asked for; none for the default branch.
    pub reference: Option<String>,
    /// The commit platform.yaml recorded: what sync and doctor render,
    /// whatever `reference` points at now.
    pub commit: Option<String>,
}

impl fmt::Display for GitSpec {
    /// `URL//subdir?ref=R`, without credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.url)?;
        if !self.subdir.is_empty() {
            write!(f, "//{}", self.subdir)?;
        }
        if let Some(r) = &self.reference {
            write!(f, "?ref={r}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::Builtin(name) | Spec::BuiltinAt { name, .. } => write!(f, "{name}"),
            Spec::Local(path) => write!(f, "{}", path.display()),
            Spec::Git(g) => write!(f, "{g}"),
        }
    }
}

/// Names that stand for git sources: plat's config `sources:`.
#[derive(Debug, Clone, Default)]
pub struct Aliases(pub BTreeMap<String, String>);

impl Aliases {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// True when `text` names a directory rather than a built-in template
/// (once git sources are ruled out).
pub fn is_path(text: &str) -> bool {
    text.contains('/') || text.contains(std::path::MAIN_SEPARATOR) || text.starts_with('.')
}

impl Spec {
    /// Parses a template argument. `reference` is `--ref`, which may not
    /// contradict a `?ref=` in the text.
    pub fn parse(text: &str, aliases: &Aliases, reference: Option<&str>) -> Result<Spec> {
        let (body, query_ref) = split_query(text)?;
        let (base, subdir) = split_subdir(body);
        let git = match aliases.0.get(base) {
            Some(target) => Some(alias(base, target)?),
            None => git_base(base)?,
        };
        if git.is_none() && subdir.is_some() && !is_path(base) && !base.is_empty() {
            let known: Vec<&str> = aliases.names().collect();
            let hint = crate::util::suggest::did_you_mean(base, known.iter().copied())
                .map(|a| format!("did you mean `{a}`? "))
                .unwrap_or_default();
            bail!(InputError(format!(
                "no source alias `{base}` in plat's config (`sources:`); {hint}{}",
                if known.is_empty() {
                    "it defines none".to_string()
                } else {
                    format!("aliases: {}", known.join(", "))
                }
            )));
        }
        let Some(mut git) = git else {
            // A built-in at one of the releases this plat carries
            // (`--ref VERSION`, or `NAME?ref=VERSION` as `extends:` writes it).
            if let (Some(version), false) = (reference.or(query_ref), is_path(base)) {
                if query_ref.is_some() && reference.is_some() && query_ref != reference {
                    bail!(InputError(format!(
                        "`{}` asks for version `{}` but --ref says `{version}`; give one",
                        redact(text),
                        query_ref.unwrap_or_default()
                    )));
                }
                return builtin_at(base, version);
            }
            if query_ref.is_some() || reference.is_some() {
                bail!(InputError(format!(
                    "`{}` is not a git source, so it has no ref; refs apply to git URLs, gh:/gl: shorthands and the aliases in plat's config",
                    redact(text)
                )));
            }
            return Ok(if is_path(text) {
                Spec::Local(PathBuf::from(text))
            } else {
                Spec::Builtin(text.to_string())
            });
        };
        if let Some(sub) = subdir {
            git.subdir = join_subdir(&git.subdir, &check_subdir(sub, text)?);
        }
        git.reference = match (query_ref, reference) {
            (Some(a), Some(b)) if a != b => bail!(InputError(format!(
                "`{}` asks for ref `{a}` but --ref says `{b}`; give one",
                redact(text)
            ))),
            (a, b) => a.or(b).map(|r| check_ref(r, text)).transpose()?,
        };
        Ok(Spec::Git(git))
    }
}

impl Spec {
    /// The template platform.yaml's `template:` records; a relative
    /// directory is relative to the service at `service_root`.
    pub fn recorded(rec: &TemplateRef, service_root: &Path) -> Result<Spec> {
        if let Some(name) = rec.source.strip_prefix("builtin:") {
            return Ok(Spec::BuiltinAt {
                name: name.to_string(),
                version: rec.version.clone(),
            });
        }
        if let Some(url) = GitUrl::parse(&rec.source)? {
            return Ok(Spec::Git(GitSpec {
                url,
                subdir: rec.path.clone().unwrap_or_default(),
                reference: rec.reference.clone(),
                commit: rec.commit.clone(),
            }));
        }
        let path = Path::new(&rec.source);
        Ok(Spec::Local(if path.is_relative() {
            service_root.join(path)
        } else {
            path.to_path_buf()
        }))
    }
}

/// `base` with the relative path `rel` (`../x`) joined, `/`-separated;
/// an error if it climbs out of the repository.
pub fn join_relative(base: &str, rel: &str) -> std::result::Result<String, String> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{rel}` leads out of the repository"));
                }
            }
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// `--ref VERSION` on a built-in: that release, if this plat carries it.
fn builtin_at(name: &str, version: &str) -> Result<Spec> {
    let versions = crate::template::source::builtin_versions(name);
    if versions.is_empty() {
        return Ok(Spec::Builtin(name.to_string())); // loading names the problem
    }
    if !versions.iter().any(|v| v == version) {
        bail!(InputError(format!(
            "--ref {version}: this plat carries built-in `{name}` at {}; pick one of them",
            versions.join(", ")
        )));
    }
    Ok(Spec::BuiltinAt {
        name: name.to_string(),
        version: version.to_string(),
    })
}

/// `?ref=R` off the end; any other query is a mistake worth naming.
fn split_query(text: &str) -> Result<(&str, Option<&str>)> {
    let Some((body, query)) = text.rsplit_once('?') else {
        return Ok((text, None));
    };
    match query.split_once('=') {
        Some(("ref", r)) if !r.is_empty() => Ok((body, Some(r))),
        _ => bail!(InputError(format!(
            "`{}`: only `?ref=TAG|BRANCH|SHA` may follow a source, not `?{query}`",
            redact(text)
        ))),
    }
}

/// `base//path/in/repo`: the first `//` after any `scheme://`.
fn split_subdir(body: &str) -> (&str, Option<&str>) {
    let from = body.find("://").map_or(0, |i| i + 3);
    match body[from..].find("//") {
        Some(i) => (&body[..from + i], Some(&body[from + i + 2..])),
        None => (body, None),
    }
}

/// A repository named by a git URL or a `gh:`/`gl:` shorthand, with no
/// `//path` or `?ref=`: what `plat new --remote` takes. `Ok(None)` when
/// `text` has no such shape.
pub fn repository_url(text: &str) -> Result<Option<GitUrl>> {
    Ok(git_base(text)?.map(|git| git.url))
}

/// A shorthand or URL, with no subdirectory or ref yet.
fn git_base(base: &str) -> Result<Option<GitSpec>> {
    let url = if let Some(repo) = base.strip_prefix("gh:") {
        shorthand("gh", "github.com", repo)?
    } else if let Some(repo) = base.strip_prefix("gl:") {
        shorthand("gl", "gitlab.com", repo)?
    } else {
        match GitUrl::parse(base)? {
            Some(url) => url,
            None => return Ok(None),
        }
    };
    Ok(Some(GitSpec {
        url,
        subdir: String::new(),
        reference: None,
        commit: None,
    }))
}

/// `gh:org/repo` is `https://github.com/org/repo.git`.
fn shorthand(prefix: &str, host: &str, repo: &str) -> Result<GitUrl> {
    let repo = repo.trim_end_matches(".git");
    let parts: Vec<&str> = repo.split('/').collect();
    let valid = parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    if !valid {
        bail!(InputError(format!(
            "`{prefix}:{repo}` is not a repository; write `{prefix}:OWNER/REPO`, e.g. `{prefix}:acme/templates//service`"
        )));
    }
    let url = format!("https://{host}/{repo}.git");
    GitUrl::parse(&url)?.ok_or_else(|| anyhow::anyhow!("`{url}` did not parse"))
}

/// An alias from plat's config: a git source itself (a URL or shorthand,
/// perhaps with its own `//path`), never another alias.
fn alias(name: &str, target: &str) -> Result<GitSpec> {
    let (base, subdir) = split_subdir(target);
    let context = |e: anyhow::Error| {
        InputError(format!(
            "the source alias `{name}` in plat's config (`sources:`): {e}"
        ))
    };
    let mut git = git_base(base).map_err(context)?.ok_or_else(|| {
        InputError(format!(
            "the source alias `{name}` in plat's config (`sources:`) is `{}`, which is not a git URL; write e.g. `https://git.example.com/platform/templates.git`",
            redact(target)
        ))
    })?;
    if let Some(sub) = subdir {
        git.subdir = check_subdir(sub, target).map_err(context)?;
    }
    Ok(git)
}

fn join_subdir(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// A path inside the repository: relative, no `.`, `..` or empty segment.
fn check_subdir(sub: &str, text: &str) -> Result<String> {
    let sub = sub.trim_end_matches('/');
    let bad = sub.split('/').find(|seg| {
        seg.is_empty()
            || *seg == "."
            || *seg == ".."
            || seg.contains('\\')
            || seg.chars().any(char::is_control)
    });
    match bad {
        Some(seg) if !sub.is_empty() => {
            let seg = if seg.is_empty() {
                "empty".to_string()
            } else {
                format!("`{seg}`")
            };
            bail!(InputError(format!(
                "`{}`: the path after `//` must be a directory inside the repository (no {seg} segment), e.g. `//templates/service`",
                redact(text)
            )))
        }
        _ => Ok(sub.to_string()),
    }
}

/// A ref git could hold: a tag or branch name, or a hex commit.
fn check_ref(r: &str, text: &str) -> Result<String> {
    let name_ok = !r.starts_with('-')
        && git2::Reference::is_valid_name(&format!("refs/tags/{r}"))
        && !r.chars().any(char::is_whitespace);
    if !name_ok {
        bail!(InputError(format!(
            "`{}`: `{r}` cannot be a tag, branch or commit; refs are names like `v1.2.0` or `main`, or a commit's hex id",
            redact(text)
        )));
    }
    Ok(r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(text: &str) -> GitSpec {
        match Spec::parse(text, &aliases(), None).unwrap() {
            Spec::Git(g) => g,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn aliases() -> Aliases {
        Aliases(BTreeMap::from([
            (
                "acme".to_string(),
                "https://git.acme.example/platform/templates.git".to_string(),
            ),
            (
                "acme-svc".to_string(),
                "gh:acme/golden//services".to_string(),
            ),
        ]))
    }

    #[test]
    fn terraform_style_sources_split_into_url_path_and_ref() {
        let g = git("https://tok@git.acme.example/p/t.git//service/go?ref=v1.2.0");
        assert_eq!(g.url.to_string(), "https://git.acme.example/p/t.git");
        assert_eq!(g.subdir, "service/go");
        assert_eq!(g.reference.as_deref(), Some("v1.2.0"));
        assert_eq!(
            g.to_string(),
            "https://git.acme.example/p/t.git//service/go?ref=v1.2.0"
        );
        let g = git("git@github.com:acme/t.git//svc");
        assert_eq!(
            (g.url.to_string().as_str(), g.subdir.as_str()),
            ("git@github.com:acme/t.git", "svc")
        );
        assert_eq!(git("file:///srv/t.git").subdir, "");
    }

    #[test]
    fn shorthands_and_aliases_expand_to_urls() {
        assert_eq!(
            git("gh:acme/templates//svc").to_string(),
            "https://github.com/acme/templates.git//svc"
        );
        assert_eq!(
            git("gl:grp/sub/t?ref=main").to_string(),
            "https://gitlab.com/grp/sub/t.git?ref=main"
        );
        assert_eq!(
            git("acme//service").to_string(),
            "https://git.acme.example/platform/templates.git//service"
        );
        assert_eq!(
            git("acme-svc//go?ref=v2").to_string(),
            "https://github.com/acme/golden.git//services/go?ref=v2"
        );
        assert_eq!(git("acme").subdir, "");
    }

    #[test]
    fn builtins_and_paths_stay_what_they_were() {
        let a = aliases();
        assert_eq!(
            Spec::parse("service", &a, None).unwrap(),
            Spec::Builtin("service".into())
        );
        assert_eq!(
            Spec::parse("./tpl", &a, None).unwrap(),
            Spec::Local("./tpl".into())
        );
        assert_eq!(
            Spec::parse("/abs/tpl", &a, None).unwrap(),
            Spec::Local("/abs/tpl".into())
        );
    }

    #[test]
    fn the_ref_flag_agrees_with_the_query_or_stands_alone() {
        let a = aliases();
        let Spec::Git(g) = Spec::parse("acme//s", &a, Some("v1")).unwrap() else {
            panic!()
        };
        assert_eq!(g.reference.as_deref(), Some("v1"));
        assert!(Spec::parse("acme//s?ref=v1", &a, Some("v1")).is_ok());
        let err = Spec::parse("acme//s?ref=v1", &a, Some("v2"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--ref says `v2`"), "{err}");
        // A built-in takes a version it carries, and names the others.
        let err = Spec::parse("service", &a, Some("v2"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("this plat carries built-in `service` at 0.2.0, 0.3.0"),
            "{err}"
        );
        assert_eq!(
            Spec::parse("service", &a, Some("0.2.0")).unwrap(),
            Spec::BuiltinAt {
                name: "service".into(),
                version: "0.2.0".into()
            }
        );
        let err = Spec::parse("./tpl", &a, Some("v2"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a git source"), "{err}");
    }

    #[test]
    fn bad_parts_are_named() {
        let a = aliases();
        for (text, why) in [
            ("acme//../etc", "no `..` segment"),
            ("acme//a//b", "no empty segment"),
            ("acme?rev=x", "not `?rev=x`"),
            ("acme?ref=-x", "cannot be a tag"),
            ("acme?ref=a..b", "cannot be a tag"),
            ("gh:acme", "write `gh:OWNER/REPO`"),
            ("https://u:hunter2@h.example/t?x=1", "only `?ref="),
        ] {
            let err = Spec::parse(text, &a, None).unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
        let bad = Aliases(BTreeMap::from([("x".to_string(), "./local".to_string())]));
        let err = Spec::parse("x//s", &bad, None).unwrap_err().to_string();
        assert!(err.contains("alias `x`"), "{err}");
    }
}
