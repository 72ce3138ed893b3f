//! The JSON Schema of `template.yaml`, so editors and plat agree: derived
//! from the types plat reads it into (`definition`) and committed as
//! docs/schemas/template.schema.json (a test keeps the two equal), which
//! plat embeds. `plat template schema` prints it and `plat template lint`
//! checks template.yaml against it, every problem with its line.

use std::sync::LazyLock;

/// The schema (draft 2020-12) of template.yaml.
pub fn schema() -> &'static serde_json::Value {
    &SCHEMA
}

static SCHEMA: LazyLock<serde_json::Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../docs/schemas/template.schema.json"))
        .expect("the committed schema is JSON")
});

/// The schema as schemars derives it from the types.
#[cfg(test)]
fn derived() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<super::Definition>()
        .to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded schema is the one the types derive. After changing a
    /// type, bless it with `PLAT_UPDATE_GOLDEN=1 cargo test --lib schema`
    /// and review the diff of docs/schemas/template.schema.json.
    #[test]
    #[allow(clippy::disallowed_methods)]
    fn the_committed_template_schema_is_the_derived_one() {
        let derived = derived();
        if std::env::var_os("PLAT_UPDATE_GOLDEN").is_some() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/docs/schemas/template.schema.json"
            );
            let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
            return;
        }
        assert!(
            *schema() == derived,
            "docs/schemas/template.schema.json is not what the types derive; bless it with PLAT_UPDATE_GOLDEN=1 cargo test --lib schema"
        );
    }

    #[test]
    fn the_template_schema_is_strict_and_knows_every_field() {
        let s = schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["required"], serde_json::json!(["name", "version"]));
        for field in ["variables", "rules", "manifest", "renamed"] {
            assert!(s["properties"].get(field).is_some(), "{field}");
        }
        assert_eq!(s["$defs"]["Variable"]["additionalProperties"], false);
        assert_eq!(s["$defs"]["Rule"]["additionalProperties"], false);
    }
}
