//! Interactive answers with dialoguer, used only when stdin and stderr are
//! terminals and `--no-input` is off. The one file that asks questions.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use anyhow::{anyhow, Result};
use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};
use serde_json::Value;
use std::io::IsTerminal;

use crate::new::answers::Prompter;
use crate::template::definition::{VarType, Variable};

/// True when plat may ask questions.
pub fn can_prompt(no_input: bool) -> bool {
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

pub struct Dialoguer {
    theme: Box<dyn Theme>,
    term: Term,
}

impl Dialoguer {
    /// Prompts on stderr, coloured unless colours are off (`--color never`,
    /// `NO_COLOR`).
    pub fn new() -> Self {
        let coloured =
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
        Dialoguer {
            theme: if coloured {
                Box::new(ColorfulTheme::default())
            } else {
                Box::new(SimpleTheme)
            },
            term: Term::stderr(),
        }
    }
}

impl Prompter for Dialoguer {
    fn ask(
        &mut self,
        var: &Variable,
        default: Option<&Value>,
        error: Option<&str>,
    ) -> Result<Value> {
        if let Some(e) = error {
            let _ = self.term.write_line(&format!("  {e}"));
        }
        let prompt = if var.help.is_empty() {
            var.name.clone()
        } else {
            format!("{} ({})", var.name, var.help)
        };
        let fail = |e: dialoguer::Error| anyhow!("reading the answer for `{}`: {e}", var.name);
        let value = match var.kind {
            VarType::Boolean => {
                let d = default.and_then(Value::as_bool).unwrap_or(false);
                Value::Bool(
                    Confirm::with_theme(self.theme.as_ref())
                        .with_prompt(prompt)
                        .default(d)
                        .interact_on(&self.term)
                        .map_err(fail)?,
                )
            }
            VarType::Choice => {
                let d = default
                    .and_then(Value::as_str)
                    .and_then(|d| var.choices.iter().position(|c| c == d))
                    .unwrap_or(0);
                let i = Select::with_theme(self.theme.as_ref())
                    .with_prompt(prompt)
                    .items(&var.choices)
                    .default(d)
                    .interact_on(&self.term)
                    .map_err(fail)?;
                Value::String(var.choices[i].clone())
            }
            VarType::Multichoice => {
                let chosen: Vec<bool> = var
                    .choices
                    .iter()
                    .map(|c| {
                        default
                            .and_then(Value::as_array)
                            .is_some_and(|d| d.iter().any(|v| v.as_str() == Some(c)))
                    })
                    .collect();
                let picked = MultiSelect::with_theme(self.theme.as_ref())
                    .with_prompt(prompt)
                    .items(&var.choices)
                    .defaults(&chosen)
                    .interact_on(&self.term)
                    .map_err(fail)?;
                Value::Array(
                    picked
                        .into_iter()
                        .map(|i| Value::String(var.choices[i].clone()))
                        .collect(),
                )
            }
            VarType::String if var.secret => Value::String(
                Password::with_theme(self.theme.as_ref())
                    .with_prompt(prompt)
                    .allow_empty_password(default.is_some())
                    .interact_on(&self.term)
                    .map_err(fail)?,
            ),
            VarType::String | VarType::Integer => {
                let mut input =
                    Input::<String>::with_theme(self.theme.as_ref()).with_prompt(prompt);
                if let Some(d) = default {
                    input = input.default(match d {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                }
                let text = input.interact_text_on(&self.term).map_err(fail)?;
                if var.kind == VarType::Integer {
                    match text.trim().parse::<i64>() {
                        Ok(n) => Value::from(n),
                        Err(_) => Value::String(text),
                    }
                } else {
                    Value::String(text)
                }
            }
        };
        Ok(value)
    }
}
