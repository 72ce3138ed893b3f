//! Every file of a template rendered on its own, for `plat template lint`:
//! where [`Engine::render`] stops at the first file that fails, a survey
//! goes on and says what became of each (its path, left out and why, or
//! the error), so one run finds every problem.

use anyhow::Result;
use std::sync::Arc;
use tera::Context;

use super::{context_for, Engine, Output};
use crate::template::context::Contexts;
use crate::template::paths::{render_name, Name};
use crate::template::rules::{compile_rules, CompiledRules};
use crate::template::source::Template;

/// What became of one source file (one copy of it, under `for_each`) in
/// one render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surveyed {
    /// Into `template.files`.
    pub index: usize,
    pub managed: bool,
    pub outcome: Outcome,
}

/// How a file fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Rendered, name and contents, to this path.
    Written(String),
    /// Left out by a rule's `include_if` or `exclude_if`.
    Excluded,
    /// Left out because a segment of its name rendered empty.
    EmptyName,
    /// Its name renders to a path plat refuses to write; why.
    UnsafeName(String),
    /// A rule's condition, its name or its contents failed to render.
    Failed(String),
}

impl Engine {
    /// Renders every file of `template` with `ctxs` as `plat new` would,
    /// each on its own. An error only when the rules cannot be evaluated at
    /// all (a `for_each` that fails); `renamed:` is not rendered here.
    pub fn survey(&self, template: &Template, ctxs: &Contexts) -> Result<Vec<Surveyed>> {
        let rules = compile_rules(template, Arc::clone(&self.globs), &self.tera, ctxs, false)?;
        let mut out = Vec::with_capacity(template.files.len());
        for (index, file) in template.files.iter().enumerate() {
            let managed = rules.globs.managed.is_match(&file.path);
            let raw = rules.globs.raw.is_match(&file.path);
            for binding in rules.bindings(&file.path) {
                let ctx = context_for(ctxs, managed, binding.as_ref());
                let output = Output {
                    path: String::new(),
                    index,
                    managed,
                    raw,
                    binding,
                };
                out.push(Surveyed {
                    index,
                    managed,
                    outcome: self.fare(template, ctxs, &rules, output, &ctx),
                });
            }
        }
        Ok(out)
    }

    /// One file: its rules, its name, its contents.
    fn fare(
        &self,
        template: &Template,
        ctxs: &Contexts,
        rules: &CompiledRules,
        mut output: Output,
        ctx: &Context,
    ) -> Outcome {
        let source = &template.files[output.index].path;
        match rules.keeps(&self.tera, source, ctx, None, output.managed) {
            Ok(true) => {}
            Ok(false) => return Outcome::Excluded,
            Err(e) => return Outcome::Failed(format!("{e:#}")),
        }
        let what = format_args!("file name `files/{source}`");
        output.path = match render_name(&self.tera, source, ctx, &what) {
            Ok(Name::Path(path)) => path,
            Ok(Name::Dropped) => return Outcome::EmptyName,
            Ok(Name::Unsafe(why)) => return Outcome::UnsafeName(why),
            Err(e) => return Outcome::Failed(format!("{e:#}")),
        };
        match self.contents(template, ctxs, &output) {
            Ok(_) => Outcome::Written(output.path),
            Err(e) => Outcome::Failed(format!("{e:#}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::source::{Origin, SourceData, SourceFile};
    use crate::template::Definition;

    fn template(yaml: &str, files: &[(&str, &'static str)]) -> Template {
        Template {
            origin: Origin::Builtin("t".into()),
            definition: Definition::parse(yaml, "template.yaml").unwrap(),
            files: files
                .iter()
                .map(|(path, text)| SourceFile {
                    path: path.to_string(),
                    data: SourceData::Static(text.as_bytes()),
                    executable: false,
                })
                .collect(),
            partials: Vec::new(),
            parents: Vec::new(),
        }
    }

    #[test]
    fn every_file_fares_on_its_own() {
        let t = template(
            "name: t\nversion: 1.0.0\nvariables:\n  - {name: db, type: boolean, default: false}\nrules:\n  - {paths: [db.sql], include_if: db}\n",
            &[
                ("a.txt", "{{ name }}"),
                ("b.txt", "{{ nope }}"),
                ("db.sql", "x"),
                ("{{ '' }}/c.txt", "c"),
                ("{{ 'a:b' }}.txt", "d"),
                ("{{ name ! upper }}.md", "e"),
            ],
        );
        let engine = Engine::new(&t).unwrap();
        let mut answers = crate::template::context::base(&t);
        answers.insert("name", "api");
        answers.insert("db", &false);
        let manifest: crate::manifest::Manifest = crate::manifest::parse(
            "apiVersion: plat.dev/v1\nkind: Service\nmetadata: {name: api, owner: team-a}\n",
        )
        .unwrap();
        let ctxs = Contexts::new(&t, &manifest, answers);
        let fared: Vec<Outcome> = engine
            .survey(&t, &ctxs)
            .unwrap()
            .into_iter()
            .map(|s| s.outcome)
            .collect();
        assert_eq!(fared[0], Outcome::Written("a.txt".into()));
        assert!(
            matches!(&fared[1], Outcome::Failed(e) if e.contains("files/b.txt") && e.contains("nope")),
            "{fared:?}"
        );
        assert_eq!(fared[2], Outcome::Excluded);
        assert_eq!(fared[3], Outcome::EmptyName);
        assert!(
            matches!(&fared[4], Outcome::UnsafeName(e) if e.contains("Windows")),
            "{fared:?}"
        );
        assert_eq!(fared[5], Outcome::Written("API.md".into()));
    }
}
