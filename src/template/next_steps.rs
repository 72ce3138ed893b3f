//! `next_steps:` of template.yaml: what `plat new` tells a person to do
//! after creating a project (build, test and run it), as shell lines
//! rendered with the answers. A line is a string, or `{if: EXPR, then:
//! LINE or [LINES]}` kept only when EXPR holds, as in `manifest:` lists.

use anyhow::Result;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tera::{Context, Tera};

use super::tera_env;
use crate::error::InputError;

/// One item of `next_steps:`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum NextStep {
    /// A shell line (Tera over the answers), e.g. `cargo run`; a comment
    /// after ` # ` explains it.
    Line(String),
    /// Lines printed only when `if` holds.
    When(Conditional),
}

/// `{if: EXPR, then: LINE or [LINES]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conditional {
    /// A Tera expression over the answers, e.g. `language == 'go'`.
    #[serde(rename = "if")]
    pub condition: String,
    /// The line or lines printed when it holds.
    pub then: Lines,
}

/// One line, or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Lines {
    One(String),
    Many(Vec<String>),
}

impl Lines {
    fn all(&self) -> &[String] {
        match self {
            Lines::One(line) => std::slice::from_ref(line),
            Lines::Many(lines) => lines,
        }
    }
}

/// The lines `steps` give with the answers in `ctx`, each rendered on
/// one line. An error names the item (`next_steps[2].if`).
pub fn render(steps: &[NextStep], tera: &Tera, ctx: &Context) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let at = format!("next_steps[{i}]");
        let (lines, at) = match step {
            NextStep::Line(line) => (std::slice::from_ref(line), at),
            NextStep::When(c) => {
                let holds = tera_env::eval_bool(tera, &c.condition, ctx)
                    .map_err(|e| InputError(format!("{at}.if: {e}")))?;
                if !holds {
                    continue;
                }
                (c.then.all(), format!("{at}.then"))
            }
        };
        for line in lines {
            let text = tera_env::render_str(tera, line, ctx)
                .map_err(|e| InputError(format!("{at}: {e}")))?;
            let text = text.trim();
            if text.contains('\n') {
                return Err(InputError(format!(
                    "{at}: renders to several lines (`{text}`); give each line its own item"
                ))
                .into());
            }
            if !text.is_empty() {
                out.push(text.to_string());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(yaml: &str) -> Vec<NextStep> {
        serde_yaml::from_str(yaml).unwrap()
    }

    fn ctx() -> Context {
        let mut ctx = Context::new();
        ctx.insert("language", "go");
        ctx.insert("port", &8080);
        ctx
    }

    #[test]
    fn conditions_choose_lines_and_answers_fill_them() {
        let s = steps(
            "- if: language == 'rust'\n  then: cargo run\n- if: language == 'go'\n  then: [go test ./..., 'go run .  # on {{ port }}']\n- make\n",
        );
        let out = render(&s, &tera_env::new_tera(), &ctx()).unwrap();
        assert_eq!(out, ["go test ./...", "go run .  # on 8080", "make"]);
    }

    #[test]
    fn errors_name_the_item() {
        let s = steps("- ok\n- '{{ nope }}'\n");
        let e = render(&s, &tera_env::new_tera(), &ctx()).unwrap_err();
        assert!(e.to_string().starts_with("next_steps[1]: "), "{e}");
        let s = steps("- if: language ==\n  then: x\n");
        let e = render(&s, &tera_env::new_tera(), &ctx()).unwrap_err();
        assert!(e.to_string().starts_with("next_steps[0].if: "), "{e}");
        let s = steps("- \"a{{ '\\n' }}b\"\n");
        let e = render(&s, &tera_env::new_tera(), &ctx()).unwrap_err();
        assert!(e.to_string().contains("several lines"), "{e}");
    }
}
