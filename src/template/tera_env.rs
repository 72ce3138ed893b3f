//! The Tera environment every template string goes through: file contents,
//! file names, variable defaults, `when` conditions and manifest values.
//! It can read nothing from the machine (Tera 2 has no env or file
//! functions), autoescape is off, and its few built-in limits are joined by
//! output caps (see `render`) and a deadline (`effects::deadline`). Case
//! filters come from heck.

use anyhow::{anyhow, Result};
use tera::{Context, Kwargs, State, Tera};

use crate::error::InputError;

/// Largest single rendered file.
pub const MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// plat's filters, and no autoescaping: templates write code and
/// configuration, not HTML.
pub fn new_tera() -> Tera {
    use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| {
        crate::util::slug::slug(s)
    });
    tera.register_filter("kebab_case", |s: &str, _: Kwargs, _: &State| {
        s.to_kebab_case()
    });
    tera.register_filter("snake_case", |s: &str, _: Kwargs, _: &State| {
        s.to_snake_case()
    });
    tera.register_filter("shouty_snake_case", |s: &str, _: Kwargs, _: &State| {
        s.to_shouty_snake_case()
    });
    tera.register_filter("pascal_case", |s: &str, _: Kwargs, _: &State| {
        s.to_upper_camel_case()
    });
    tera.register_filter("camel_case", |s: &str, _: Kwargs, _: &State| {
        s.to_lower_camel_case()
    });
    tera.register_filter("json", |v: tera::Value, _: Kwargs, _: &State| {
        serde_json::to_string(&v).unwrap_or_default()
    });
    tera
}

/// Renders a one-off template string, e.g. a default or a file name.
pub fn render_str(tera: &Tera, input: &str, ctx: &Context) -> Result<String> {
    if !input.contains("{{") && !input.contains("{%") && !input.contains("{#") {
        return Ok(input.to_string());
    }
    tera.render_str(input, ctx, false)
        .map_err(|e| anyhow!(InputError(describe(&e))))
}

/// Evaluates a Tera expression (`when`, `include_if`, ...) as a boolean.
pub fn eval_bool(tera: &Tera, expr: &str, ctx: &Context) -> Result<bool> {
    let out = tera
        .render_str(&format!("{{% if {expr} %}}1{{% endif %}}"), ctx, false)
        .map_err(|e| anyhow!(InputError(format!("`{expr}`: {}", describe(&e)))))?;
    Ok(out == "1")
}

/// Evaluates a Tera expression to a typed value (through JSON).
pub fn eval_value(tera: &Tera, expr: &str, ctx: &Context) -> Result<serde_json::Value> {
    let out = tera
        .render_str(&format!("{{{{ ({expr}) | json }}}}"), ctx, false)
        .map_err(|e| anyhow!(InputError(format!("`{expr}`: {}", describe(&e)))))?;
    serde_json::from_str(&out).map_err(|e| anyhow!(InputError(format!("`{expr}`: {e}"))))
}

/// A Tera error with its whole chain: Tera puts the useful part (the
/// location and the reason) in the sources. Tera's own name for a string
/// rendered on its own is replaced by what plat was rendering.
pub fn describe(err: &tera::Error) -> String {
    describe_as(err, "the expression")
}

/// [`describe`], naming the source `name` (`files/README.md`).
pub fn describe_as(err: &tera::Error, name: &str) -> String {
    let mut out = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out.replace("__tera_one_off", name)
        .replace("//files/", "files/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(tpl: &str) -> String {
        let tera = new_tera();
        let mut ctx = Context::new();
        ctx.insert("n", "Payments API v2");
        render_str(&tera, tpl, &ctx).unwrap()
    }

    #[test]
    fn case_filters() {
        assert_eq!(render("{{ n | slugify }}"), "payments-api-v2");
        assert_eq!(render("{{ n | snake_case }}"), "payments_api_v2");
        assert_eq!(render("{{ n | kebab_case }}"), "payments-api-v2");
        assert_eq!(render("{{ n | pascal_case }}"), "PaymentsApiV2");
        assert_eq!(render("{{ n | camel_case }}"), "paymentsApiV2");
        assert_eq!(render("{{ n | shouty_snake_case }}"), "PAYMENTS_API_V2");
        assert_eq!(render("{{ n | json }}"), "\"Payments API v2\"");
    }

    #[test]
    fn errors_name_what_plat_rendered_not_teras_internals() {
        let tera = new_tera();
        let err = render_str(&tera, "{{ 1 / 0 }}", &Context::new())
            .unwrap_err()
            .to_string();
        assert!(!err.contains("__tera"), "{err}");
        assert!(err.contains("the expression:1:"), "{err}");
    }

    #[test]
    fn no_autoescape() {
        let tera = new_tera();
        let mut ctx = Context::new();
        ctx.insert("x", "<a & b>");
        assert_eq!(render_str(&tera, "{{ x }}", &ctx).unwrap(), "<a & b>");
    }

    #[test]
    fn typed_values() {
        let tera = new_tera();
        let mut ctx = Context::new();
        ctx.insert("lang", "go");
        ctx.insert("port", &8080);
        assert_eq!(
            eval_value(&tera, "port", &ctx).unwrap(),
            serde_json::json!(8080)
        );
        assert_eq!(
            eval_value(&tera, "{'go': ['go test ./...'], 'rust': []}[lang]", &ctx).unwrap(),
            serde_json::json!(["go test ./..."])
        );
    }

    #[test]
    fn conditions() {
        let tera = new_tera();
        let mut ctx = Context::new();
        ctx.insert("lang", "go");
        assert!(eval_bool(&tera, "lang == 'go'", &ctx).unwrap());
        assert!(!eval_bool(&tera, "lang == 'rust'", &ctx).unwrap());
    }
}
