//! Interactive answers with dialoguer, used only when stdin and stderr are
//! terminals and `--no-input` is off. The one file that asks questions.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use anyhow::{anyhow, Result};
use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};
use serde_json::Value;
use std::io::IsTerminal;

use crate::new::answers::{Check, Prompter};
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
    fn ask(&mut self, var: &Variable, default: Option<&Value>, check: &Check) -> Result<Value> {
        let prompt = if var.help.is_empty() {
            var.name.clone()
        } else {
            format!("{} ({})", var.name, var.help)
        };
        match var.kind {
            VarType::Boolean => self.confirm(var, prompt, default, check),
            VarType::Choice => self.select(var, prompt, default, check),
            VarType::Multichoice => self.multi_select(var, prompt, default, check),
            VarType::String if var.secret => self.password(var, prompt, default, check),
            VarType::String | VarType::Integer => self.input(var, prompt, default, check),
        }
    }
}

impl Dialoguer {
    /// A yes/no question; no default means no.
    fn confirm(
        &self,
        var: &Variable,
        prompt: String,
        default: Option<&Value>,
        check: &Check,
    ) -> Result<Value> {
        let d = default.and_then(Value::as_bool).unwrap_or(false);
        let yes = Confirm::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .default(d)
            .interact_on(&self.term)
            .map_err(|e| failed(var, e))?;
        checked(var, check.value(Value::Bool(yes)))
    }

    /// One of the choices, starting on the default (else the first).
    fn select(
        &self,
        var: &Variable,
        prompt: String,
        default: Option<&Value>,
        check: &Check,
    ) -> Result<Value> {
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
        checked(var, check.value(Value::String(var.choices[i].clone())))
    }

    /// Any of the choices, the default's already ticked; asked again
    /// while the pick fails the check.
    fn multi_select(
        &self,
        var: &Variable,
        prompt: String,
        default: Option<&Value>,
        check: &Check,
    ) -> Result<Value> {
        let mut chosen: Vec<bool> = var
            .choices
            .iter()
            .map(|c| {
                default
                    .and_then(Value::as_array)
                    .is_some_and(|d| d.iter().any(|v| v.as_str() == Some(c)))
            })
            .collect();
        loop {
            let picked = MultiSelect::with_theme(self.theme.as_ref())
                .with_prompt(&prompt)
                .items(&var.choices)
                .defaults(&chosen)
                .report(false)
                .interact_on(&self.term)
                .map_err(|e| failed(var, e))?;
            let names: Vec<&str> = picked.iter().map(|&i| var.choices[i].as_str()).collect();
            match check.value(Value::from(names.clone())) {
                Ok(v) => {
                    let mut line = String::new();
                    let _ = self
                        .theme
                        .format_multi_select_prompt_selection(&mut line, &prompt, &names);
                    let _ = self.term.write_line(&line);
                    return Ok(v);
                }
                Err(e) => {
                    let _ = self.term.write_line(&format!("  {e}"));
                    chosen = (0..var.choices.len())
                        .map(|i| picked.contains(&i))
                        .collect();
                }
            }
        }
    }

    /// A secret, not echoed; empty only when a default stands behind it.
    fn password(
        &self,
        var: &Variable,
        prompt: String,
        default: Option<&Value>,
        check: &Check,
    ) -> Result<Value> {
        let defaulted = default.is_some();
        let text = Password::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty_password(defaulted)
            .validate_with(|text: &String| -> Result<(), String> {
                if text.is_empty() && defaulted {
                    return Ok(());
                }
                check.text(text).map(|_| ())
            })
            .interact_on(&self.term)
            .map_err(|e| failed(var, e))?;
        match default {
            // Enter on an empty line takes the default, as for other questions.
            Some(d) if text.is_empty() => checked(var, check.value(d.clone())),
            _ => checked(var, check.text(&text)),
        }
    }

    /// A line of text, checked as `--set` would check it before it is
    /// accepted: a rejected line shows why and is asked again.
    fn input(
        &self,
        var: &Variable,
        prompt: String,
        default: Option<&Value>,
        check: &Check,
    ) -> Result<Value> {
        let mut input = Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .validate_with(|text: &String| check.text(text).map(|_| ()));
        if let Some(d) = default {
            input = input.default(match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        let text = input
            .interact_text_on(&self.term)
            .map_err(|e| failed(var, e))?;
        checked(var, check.text(&text))
    }
}

/// An answer the prompt already accepted fails the check only if the
/// prompt and the check disagree: say so rather than loop.
fn checked(var: &Variable, answer: std::result::Result<Value, String>) -> Result<Value> {
    answer.map_err(|e| anyhow!("the answer for `{}`: {e}", var.name))
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
