//! Resolving every variable of a template to a value: one path for all
//! sources (`--set` > values file > environment > prompt > default), one
//! validation for every value whatever its source, and one error listing
//! every problem at once. Where values come from is [`inputs`]; how each
//! is converted and checked is [`value`].

mod inputs;
mod value;

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use tera::{Context, Tera};

use crate::template::definition::{Definition, Variable, NAME_VAR};
use crate::template::tera_env;
use inputs::{check_unknown_keys, supplied_value};
use value::{check, Raw};

pub use inputs::{env_name, parse_values, secret_placeholder, Inputs, Source, ENV_PREFIX};

/// Asks for one value interactively.
pub trait Prompter {
    /// Asks for `var` until `check` accepts the answer, and returns the
    /// value `check` made of it. A rejected answer is never shown as
    /// accepted: the prompt shows `check`'s error and asks again.
    fn ask(&mut self, var: &Variable, default: Option<&Value>, check: &Check) -> Result<Value>;
}

/// The one check of a variable's answers, the same whatever their source:
/// converts to the variable's type, then its pattern, range, choices and
/// whether it may appear in a path.
pub struct Check<'a> {
    var: &'a Variable,
    path_vars: &'a BTreeSet<String>,
}

impl Check<'_> {
    /// Typed text, read as `--set KEY=TEXT` reads it.
    pub fn text(&self, text: &str) -> std::result::Result<Value, String> {
        check(self.var, Raw::Text(text.to_string()), self.path_vars).map_err(|e| e.to_string())
    }

    /// A structured answer: a yes or no, the choices picked.
    pub fn value(&self, value: Value) -> std::result::Result<Value, String> {
        check(self.var, Raw::Json(value), self.path_vars).map_err(|e| e.to_string())
    }
}

/// The resolved answers.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// Every defined variable, secrets included: the render context.
    pub values: Map<String, Value>,
    /// Names of secret variables: kept out of platform.yaml.
    pub secrets: BTreeSet<String>,
    /// Warnings to show the user (e.g. unused environment variables).
    pub warnings: Vec<String>,
}

impl Answers {
    /// The answers that may be recorded: all but secrets and `name`.
    pub fn recordable(&self) -> BTreeMap<String, Value> {
        self.values
            .iter()
            .filter(|(k, _)| !self.secrets.contains(*k) && k.as_str() != NAME_VAR)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The answers as template strings see them.
    pub fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (k, v) in &self.values {
            ctx.insert(k.clone(), v);
        }
        ctx
    }
}

/// Resolves all variables of `def`. `path_vars` are the variables used in
/// file names: their values must be safe as paths.
pub fn resolve(
    def: &Definition,
    inputs: &Inputs,
    mut prompter: Option<&mut dyn Prompter>,
    tera: &Tera,
    base: &Context,
    path_vars: &BTreeSet<String>,
) -> Result<Answers> {
    let mut r = Resolver {
        inputs,
        tera,
        path_vars,
        ctx: base.clone(),
        answers: Answers::default(),
        problems: Vec::new(),
        missing: Vec::new(),
    };
    check_unknown_keys(def, inputs, &mut r.problems, &mut r.answers.warnings);
    for var in &def.variables {
        r.variable(var, prompter.as_deref_mut())?;
    }
    if !r.missing.is_empty() {
        r.problems.push(missing_message(&r.missing));
    }
    if !r.problems.is_empty() {
        bail!(crate::error::InputError(r.problems.join("\n")));
    }
    Ok(r.answers)
}

/// The state of one resolution: variables are resolved in order, each
/// seeing the answers before it.
struct Resolver<'a> {
    inputs: &'a Inputs,
    tera: &'a Tera,
    path_vars: &'a BTreeSet<String>,
    /// The base context and every answer so far: what `when` and defaults
    /// render with.
    ctx: Context,
    answers: Answers,
    problems: Vec<String>,
    /// Required variables with no value and nobody to ask.
    missing: Vec<&'a Variable>,
}

impl<'a> Resolver<'a> {
    /// Resolves `var`, recording its value or what stopped it. Only a
    /// failing prompt ends the whole resolution.
    fn variable(
        &mut self,
        var: &'a Variable,
        prompter: Option<&mut (dyn Prompter + '_)>,
    ) -> Result<()> {
        // Once something is wrong, a `when` or default that fails most
        // likely depends on that: it is skipped, not reported again.
        let degraded = !self.problems.is_empty() || !self.missing.is_empty();
        if !self.applies(var, degraded) {
            self.warn_unused(var);
            return Ok(());
        }
        let supplied = supplied_value(var, self.inputs);
        if var.secret && supplied.is_none() && self.inputs.secret_placeholders {
            self.record(var, Value::String(secret_placeholder(&var.name)));
            return Ok(());
        }
        let default = self.default_of(var, degraded);
        // A default that could not be computed (most likely from an answer
        // that was itself invalid) is not a missing value: that answer's
        // problem is the one to report.
        let unknowable = default.is_none() && var.default.is_some();
        let value = match supplied {
            Some((raw, source)) => self.checked(var, raw, &source),
            None => match prompter {
                Some(p) => Some(ask(p, var, default.as_ref(), self.path_vars)?),
                None if unknowable => None,
                None => self.defaulted(var, default),
            },
        };
        if let Some(value) = value {
            self.record(var, value);
        }
        Ok(())
    }

    /// Whether `var` is asked at all: its `when`, if any, holds.
    fn applies(&mut self, var: &Variable, degraded: bool) -> bool {
        let Some(when) = &var.when else {
            return true;
        };
        match tera_env::eval_bool(self.tera, when, &self.ctx) {
            Ok(holds) => holds,
            Err(_) if degraded => false,
            Err(e) => {
                self.problems
                    .push(format!("variable `{}`: its `when` failed: {e}", var.name));
                false
            }
        }
    }

    /// An answer given on purpose (`--set`, a values file) to a variable
    /// whose `when` is false is not used: say so.
    fn warn_unused(&mut self, var: &Variable) {
        let Some((_, source)) = supplied_value(var, self.inputs) else {
            return;
        };
        if matches!(source, Source::Set | Source::ValuesFile(_)) {
            self.answers.warnings.push(format!(
                "ignoring `{}` from {source}: the variable is not asked, because its `when` (`{}`) is false",
                var.name,
                var.when.as_deref().unwrap_or_default()
            ));
        }
    }

    fn default_of(&mut self, var: &Variable, degraded: bool) -> Option<Value> {
        match compute_default(var, self.tera, &self.ctx) {
            Ok(d) => d,
            Err(_) if degraded => None,
            Err(e) => {
                self.problems.push(e.to_string());
                None
            }
        }
    }

    /// With nobody to ask, the default is the answer; without one the
    /// variable is missing.
    fn defaulted(&mut self, var: &'a Variable, default: Option<Value>) -> Option<Value> {
        match default {
            Some(d) => self.checked(var, Raw::Json(d), &Source::Default),
            None => {
                self.missing.push(var);
                None
            }
        }
    }

    /// The value if it passes every check; otherwise the problem is
    /// recorded, naming where the value came from.
    fn checked(&mut self, var: &Variable, raw: Raw, source: &Source) -> Option<Value> {
        match check(var, raw, self.path_vars) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems
                    .push(format!("variable `{}` from {source}: {e}", var.name));
                None
            }
        }
    }

    fn record(&mut self, var: &Variable, value: Value) {
        self.ctx.insert(var.name.clone(), &value);
        if var.secret {
            self.answers.secrets.insert(var.name.clone());
        }
        self.answers.values.insert(var.name.clone(), value);
    }
}

/// Asks until the answer passes every check. The prompter checks as it
/// asks; its answer is checked once more here, so no prompter can let an
/// invalid value through.
fn ask(
    p: &mut dyn Prompter,
    var: &Variable,
    default: Option<&Value>,
    path_vars: &BTreeSet<String>,
) -> Result<Value> {
    let check = Check { var, path_vars };
    let answer = p.ask(var, default, &check)?;
    check.value(answer).map_err(|e| {
        anyhow!(crate::error::InputError(format!(
            "variable `{}` from the prompt: {e}",
            var.name
        )))
    })
}

/// One message for every required variable left without a value, with
/// the ways to supply them.
fn missing_message(missing: &[&Variable]) -> String {
    let mut msg = format!(
        "{} required variable{} {} no value, and plat will not prompt (no terminal, or --no-input):",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" },
        if missing.len() == 1 { "has" } else { "have" },
    );
    for v in missing {
        msg.push_str(&format!("\n  {} ({})", v.name, v.kind.as_str()));
        if !v.help.is_empty() {
            msg.push_str(&format!(": {}", v.help));
        }
    }
    msg.push_str(&format!(
        "\npass each with --set KEY=VALUE, in a --values file, or as {ENV_PREFIX}<KEY>"
    ));
    msg
}

/// A variable's default, its strings rendered with the answers so far.
fn compute_default(var: &Variable, tera: &Tera, ctx: &Context) -> Result<Option<Value>> {
    let Some(default) = &var.default else {
        return Ok(None);
    };
    let value = match default {
        serde_yaml::Value::String(s) => {
            let rendered = tera_env::render_str(tera, s, ctx).map_err(|e| {
                anyhow!(
                    "variable `{}`: its default `{s}` failed to render: {e}",
                    var.name
                )
            })?;
            Value::String(rendered)
        }
        other => serde_json::to_value(other).map_err(|e| {
            anyhow!(
                "variable `{}`: its default is not a plain value: {e}",
                var.name
            )
        })?,
    };
    Ok(Some(value))
}
