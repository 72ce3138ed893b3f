//! Tokens from the environment, each for one host only: plat's own
//! `PLAT_GIT_TOKEN_<HOST>`, and the forges' usual variables for their own
//! hosts. A template source naming some other host never receives them.

use std::collections::BTreeMap;
use std::fmt;

use super::auth::Secret;

/// Tokens from the environment, each usable for one host only, so a
/// template source naming some other host never receives them.
#[derive(Clone, Default)]
pub struct Tokens {
    /// `PLAT_GIT_TOKEN_<HOST>`, by `<HOST>` as written in the variable's
    /// name (see [`token_variable`]).
    pub per_host: BTreeMap<String, String>,
    /// `GH_TOKEN`: github.com only.
    pub gh_token: Option<String>,
    /// `GITHUB_TOKEN`: github.com only.
    pub github_token: Option<String>,
    /// `GITLAB_TOKEN`: gitlab.com only.
    pub gitlab_token: Option<String>,
    /// `CI_JOB_TOKEN`: GitLab CI's job token, for `CI_SERVER_HOST` only.
    pub ci_job_token: Option<String>,
    /// `CI_SERVER_HOST`: the GitLab server running the CI job.
    pub ci_server_host: Option<String>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("Tokens")
            .field("per_host", &self.per_host.keys().collect::<Vec<_>>())
            .field("gh_token", &set(&self.gh_token))
            .field("github_token", &set(&self.github_token))
            .field("gitlab_token", &set(&self.gitlab_token))
            .field("ci_job_token", &set(&self.ci_job_token))
            .field("ci_server_host", &self.ci_server_host)
            .finish()
    }
}

/// The variable that holds plat's token for `host`: `PLAT_GIT_TOKEN_`
/// and the host upper-cased, `.` as `_` and `-` as `__` (Terraform's
/// `TF_TOKEN_` scheme). None for a host with other characters (an IPv6
/// address): such a host gets no token from the environment.
pub fn token_variable(host: &str) -> Option<String> {
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return None;
    }
    let key: String = host
        .to_ascii_uppercase()
        .chars()
        .map(|c| match c {
            '.' => "_".to_string(),
            '-' => "__".to_string(),
            c => c.to_string(),
        })
        .collect();
    Some(format!("PLAT_GIT_TOKEN_{key}"))
}

/// A token meant for one host: the variable it came from, the user name
/// the server expects with it (`fixed`: whatever the URL says), the token.
pub(super) struct HostToken {
    pub(super) variable: String,
    pub(super) user: &'static str,
    pub(super) fixed: bool,
    pub(super) token: Secret,
}

impl Tokens {
    /// The variables that would give a token for `host`.
    pub(super) fn variables_for(&self, host: &str) -> Vec<String> {
        let mut v: Vec<String> = token_variable(host).into_iter().collect();
        match host {
            "github.com" => v.extend(["GH_TOKEN".into(), "GITHUB_TOKEN".into()]),
            "gitlab.com" => v.push("GITLAB_TOKEN".into()),
            _ => {}
        }
        if self
            .ci_server_host
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(host))
        {
            v.push("CI_JOB_TOKEN".into());
        }
        v
    }

    /// The tokens set for `host`, most specific first.
    pub(super) fn for_host(&self, host: &str) -> Vec<HostToken> {
        let suffix = |var: &str| var.strip_prefix("PLAT_GIT_TOKEN_").map(str::to_string);
        self.variables_for(host)
            .into_iter()
            .filter_map(|variable| {
                let (value, user) = match variable.as_str() {
                    "GH_TOKEN" => (self.gh_token.clone(), "x-access-token"),
                    "GITHUB_TOKEN" => (self.github_token.clone(), "x-access-token"),
                    "GITLAB_TOKEN" => (self.gitlab_token.clone(), "oauth2"),
                    "CI_JOB_TOKEN" => (self.ci_job_token.clone(), "gitlab-ci-token"),
                    other => (
                        suffix(other).and_then(|k| self.per_host.get(&k).cloned()),
                        "plat",
                    ),
                };
                let token = Secret::new(value.filter(|t| !t.is_empty())?);
                let fixed = variable == "CI_JOB_TOKEN";
                Some(HostToken {
                    variable,
                    user,
                    fixed,
                    token,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_variables_are_per_host() {
        assert_eq!(
            token_variable("git.acme-corp.example").as_deref(),
            Some("PLAT_GIT_TOKEN_GIT_ACME__CORP_EXAMPLE")
        );
        assert_eq!(
            token_variable("127.0.0.1").as_deref(),
            Some("PLAT_GIT_TOKEN_127_0_0_1")
        );
        assert_eq!(token_variable("[::1]"), None);
    }

    #[test]
    fn tokens_only_go_to_their_host() {
        let tokens = Tokens {
            per_host: [("GIT_ACME_EXAMPLE".to_string(), "t1".to_string())].into(),
            gh_token: Some("gh".into()),
            github_token: Some("ghb".into()),
            gitlab_token: Some("gl".into()),
            ci_job_token: Some("ci".into()),
            ci_server_host: Some("git.acme.example".into()),
        };
        let names = |h: &str| -> Vec<String> {
            tokens.for_host(h).into_iter().map(|t| t.variable).collect()
        };
        assert_eq!(
            names("git.acme.example"),
            ["PLAT_GIT_TOKEN_GIT_ACME_EXAMPLE", "CI_JOB_TOKEN"]
        );
        assert_eq!(names("github.com"), ["GH_TOKEN", "GITHUB_TOKEN"]);
        assert_eq!(names("gitlab.com"), ["GITLAB_TOKEN"]);
        assert!(names("evil.example").is_empty());
        assert!(names("github.com.evil.example").is_empty());
    }

    #[test]
    fn debug_never_shows_a_token() {
        let tokens = Tokens {
            per_host: [("H".to_string(), "hunter2".to_string())].into(),
            gh_token: Some("hunter3".into()),
            ..Tokens::default()
        };
        let text = format!("{tokens:?}");
        assert!(!text.contains("hunter"), "{text}");
    }
}
