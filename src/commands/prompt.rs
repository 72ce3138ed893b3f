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

/// Asks on the terminal: one theme and one terminal for every question
/// of a run.
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
        match var.kind {
            VarType::Boolean => self.confirm(var, prompt, default),
            VarType::Choice => self.select(var, prompt, default),
            VarType::Multichoice => self.multi_select(var, prompt, default),
            VarType::String if var.secret => self.password(var, prompt, default),
            VarType::String | VarType::Integer => self.input(var, prompt, default),
        }
    }
}

impl Dialoguer {
    /// A yes/no question; no default means no.
    fn confirm(&self, var: &Variable, prompt: String, default: Option<&Value>) -> Result<Value> {
        let d = default.and_then(Value::as_bool).unwrap_or(false);
        let yes = Confirm::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .default(d)
            .interact_on(&self.term)
            .map_err(|e| failed(var, e))?;
        Ok(Value::Bool(yes))
    }

    /// One of the choices, starting on the default (else the first).
    fn select(&self, var: &Variable, prompt: String, default: Option<&Value>) -> Result<Value> {
        let d = default
            .and_then(Value::as_str)
            .and_then(|d| var.choices.iter().position(|c| c == d))
            .unwrap_or(0);
        let i = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&var.choices)
            .default(d)
            .interact_on(&self.term)
            .map_err(|e| failed(var, e))?;
        Ok(Value::String(var.choices[i].clone()))
    }

    /// Any of the choices, the default's already ticked.
    fn multi_select(
        &self,
        var: &Variable,
        prompt: String,
        default: Option<&Value>,
    ) -> Result<Value> {
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
            .map_err(|e| failed(var, e))?;
        Ok(Value::Array(
            picked
                .into_iter()
                .map(|i| Value::String(var.choices[i].clone()))
                .collect(),
        ))
    }

    /// A secret, not echoed; empty only when a default stands behind it.
    fn password(&self, var: &Variable, prompt: String, default: Option<&Value>) -> Result<Value> {
        let text = Password::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty_password(default.is_some())
            .interact_on(&self.term)
            .map_err(|e| failed(var, e))?;
        Ok(Value::String(text))
    }

    /// A line of text. An integer that does not parse stays text, so the
    /// answer's check can say what is wrong and ask again.
    fn input(&self, var: &Variable, prompt: String, default: Option<&Value>) -> Result<Value> {
        let mut input = Input::<String>::with_theme(self.theme.as_ref()).with_prompt(prompt);
        if let Some(d) = default {
            input = input.default(match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        let text = input
            .interact_text_on(&self.term)
            .map_err(|e| failed(var, e))?;
        if var.kind != VarType::Integer {
            return Ok(Value::String(text));
        }
        Ok(match text.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(text),
        })
    }
}

fn failed(var: &Variable, e: dialoguer::Error) -> anyhow::Error {
    anyhow!("reading the answer for `{}`: {e}", var.name)
}

/// Standard input to its end, as text (`--values -`): it holds answers, so
/// nothing is asked there afterwards.
pub fn read_stdin_text(input: crate::util::read::Input) -> anyhow::Result<String> {
    crate::util::read::read_stream_text(
        std::io::stdin().lock(),
        std::path::Path::new("standard input"),
        input,
    )
}
