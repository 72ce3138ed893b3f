use std::time::{Duration, Instant};

use super::*;

const FULL: &str = r#"apiVersion: plat.dev/v1
kind: Service
metadata:
  name: payments-api
  owner: team-payments
  description: Takes payments
  lifecycle: production
  tags: [payments, pci]
template:
  source: builtin:service
  name: service
  version: 0.1.0
  answers:
    port: 8080
    language: rust
    with_database: true
    environments: [dev, prod]
pipeline:
  provider: github
  triggers:
    branches: [main]
    pullRequests: true
    tags: ["v*"]
  stages:
    - name: lint
      commands: ["cargo fmt --check", "cargo clippy -- -D warnings"]
    - name: test
      commands: ["cargo test"]
  requiredChecks: [lint, test]
infrastructure:
  image: {registry: ghcr.io/acme, repository: payments-api, tag: "1.0.0"}
  port: 8080
  replicas: 2
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 1, memory: 256Mi}
  probes:
    liveness: {path: /healthz, initialDelaySeconds: 5, periodSeconds: 10}
    readiness: {path: /readyz}
  env:
    RUST_LOG: info
  environments:
    - dev
    - name: prod
      replicas: 3
      resources:
        limits: {memory: 512Mi}
      env: {RUST_LOG: warn}
    - name: perf
      autoscaling: {minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70}
  services:
    - kind: postgres
      version: "16"
    - kind: redis
suppressions:
  - check: PLAT101
    reason: the load balancer terminates TLS
    expires: 2027-01-01
"#;

fn problems(text: &str) -> Vec<Problem> {
    parse(text).expect_err("manifest should be rejected")
}

/// `(line, column, message)` of each problem, for compact assertions.
fn located(text: &str) -> Vec<(usize, usize, String)> {
    problems(text)
        .into_iter()
        .map(|p| (p.line.unwrap_or(0), p.column.unwrap_or(0), p.message))
        .collect()
}

fn minimal(extra: &str) -> String {
    format!(
        "apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: demo\n  owner: team-demo\n{extra}"
    )
}

#[test]
fn full_manifest_round_trips() {
    let m = parse(FULL).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(m.metadata.lifecycle, Lifecycle::Production);
    assert_eq!(
        m.template.as_ref().unwrap().answers["port"],
        Answer::Integer(8080)
    );
    let infra = m.infrastructure.as_ref().unwrap();
    assert_eq!(
        infra
            .resources
            .as_ref()
            .unwrap()
            .limits
            .as_ref()
            .unwrap()
            .cpu,
        Some(Quantity("1".into()))
    );
    let text = to_yaml(&m).unwrap();
    assert!(
        text.starts_with("# Platform manifest of payments-api"),
        "{text}"
    );
    let again = parse(&text).unwrap_or_else(|p| panic!("{p:#?}\n{text}"));
    assert_eq!(again, m);
}

#[test]
fn environments_read_as_names_or_mappings_and_write_as_mappings() {
    let m = parse(&minimal(
        "infrastructure:\n  image: {registry: r.io, repository: demo}\n  port: 80\n  environments:\n    - dev\n    - name: prod\n      replicas: 3\n",
    ))
    .unwrap_or_else(|p| panic!("{p:#?}"));
    let envs = &m.infrastructure.as_ref().unwrap().environments;
    assert_eq!(envs[0], Environment::named("dev"));
    assert_eq!(envs[1].name, "prod");
    assert_eq!(envs[1].replicas, Some(3));
    let text = to_yaml(&m).unwrap();
    assert!(text.contains("- name: dev\n"), "{text}");
}

#[test]
fn reports_every_problem_with_line_and_column() {
    let text = "\
apiVersion: plat.dev/v1
kind: Service
metadata:
  name: Payments_API
  owner: team
infrastructure:
  image: {registry: r.io, repository: demo}
  port: 70000
  replica: 2
  environments:
    - dev
    - name: prod
      replicas: many
";
    let found = located(text);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_eq!(found[0].0, 4);
    assert_eq!(found[0].1, 9);
    assert!(found[0].2.contains("DNS-1123"), "{}", found[0].2);
    assert_eq!(
        found[1],
        (
            8,
            9,
            "`port` must be between 1 and 65535, found 70000".to_string()
        )
    );
    assert_eq!(
        found[2],
        (
            9,
            3,
            "unknown field `replica`; did you mean `replicas`?".to_string()
        )
    );
    assert_eq!(found[3].0, 13);
    assert_eq!(found[3].1, 17);
    assert!(
        found[3]
            .2
            .starts_with("`replicas` must be a whole number, found \"many\""),
        "{}",
        found[3].2
    );
    let paths: Vec<String> = problems(text).into_iter().map(|p| p.path).collect();
    assert_eq!(
        paths,
        [
            "metadata.name",
            "infrastructure.port",
            "infrastructure.replica",
            "infrastructure.environments[1].replicas"
        ]
    );
}

#[test]
fn missing_fields_point_at_their_parent() {
    let text = "apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: demo\n";
    let found = problems(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "metadata");
    assert_eq!((found[0].line, found[0].column), (Some(3), Some(1)));
    assert_eq!(
        found[0].message,
        "missing required field `owner` in `metadata`"
    );
}

#[test]
fn wrong_types_say_what_was_expected() {
    let found = located(&minimal(
        "pipeline:\n  provider: github\n  stages: lint\n  triggers: {pullRequests: yes}\n",
    ));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0],
        (8, 11, "`stages` must be a list, found \"lint\"".into())
    );
    assert_eq!(
        found[1],
        (
            9,
            28,
            "`pullRequests` must be true or false, found \"yes\"".into()
        )
    );
}

#[test]
fn numbers_where_text_is_expected_suggest_quoting() {
    let found = located(&minimal(
        "infrastructure:\n  image: {registry: r.io, repository: demo}\n  port: 80\n  services: [{kind: postgres, version: 16}]\n",
    ));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .2
            .contains("quote it if you meant the text: \"16\""),
        "{}",
        found[0].2
    );
}

#[test]
fn quoted_numbers_suggest_removing_the_quotes() {
    let found = located(&minimal(
        "infrastructure:\n  image: {registry: r.io, repository: demo}\n  port: \"8080\"\n",
    ));
    assert_eq!(
        found,
        [(
            8,
            9,
            "`port` must be a whole number, found \"8080\"; remove the quotes".into()
        )]
    );
}

#[test]
fn enums_list_the_choices_and_guess_typos() {
    let found = located(
        &minimal("pipeline:\n  provider: gihtub\n  stages: []\n")
            .replace("team-demo", "t\n  lifecycle: prod"),
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].0, 6);
    assert!(
        found[0]
            .2
            .contains("one of `experimental`, `production`, `deprecated`"),
        "{}",
        found[0].2
    );
    assert!(
        found[0].2.ends_with("did you mean `production`?"),
        "{}",
        found[0].2
    );
    assert!(
        found[1].2.ends_with("did you mean `github`?"),
        "{}",
        found[1].2
    );
}

#[test]
fn unknown_keys_without_a_close_match_list_the_fields() {
    let found = located(&minimal("colour: blue\n"));
    assert_eq!(found[0].0, 6);
    assert!(
        found[0]
            .2
            .starts_with("unknown field `colour`; expected one of"),
        "{}",
        found[0].2
    );
    let found =
        located(&minimal("required_checks: []\n").replace("required_checks", "  ownr: x\nextra"));
    assert!(
        found
            .iter()
            .any(|p| p.2 == "unknown field `ownr`; did you mean `owner`?"),
        "{found:#?}"
    );
}

#[test]
fn alias_bomb_fails_fast() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        doc.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let start = Instant::now();
    let found = problems(&doc);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("alias bomb"),
        "{}",
        found[0].message
    );
}

#[test]
fn deep_nesting_fails_without_overflow() {
    for doc in [
        "[".repeat(10_000),
        "a: ".to_string() + &"{b: ".repeat(10_000),
    ] {
        let found = problems(&doc);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("nested too deeply"),
            "{}",
            found[0].message
        );
        assert!(found[0].line.is_some());
    }
}

#[test]
fn a_megabyte_of_nesting_fails_fast() {
    let doc = "a: ".to_string() + &"{b: ".repeat((MAX_MANIFEST_BYTES - 8) / 4);
    let start = Instant::now();
    let found = problems(&doc);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].line, found[0].column),
        (Some(1), Some(4 + 127 * 4))
    );
    assert!(
        found[0].message.contains("nested too deeply"),
        "{}",
        found[0].message
    );
}

#[test]
fn deep_values_built_in_memory_are_refused_without_overflow() {
    let mut value = serde_yaml::Value::Null;
    for _ in 0..1000 {
        value = serde_yaml::Value::Sequence(vec![value]);
    }
    let mut map = serde_yaml::Mapping::new();
    map.insert("metadata".into(), value);
    let found = from_value(serde_yaml::Value::Mapping(map)).unwrap_err();
    assert!(found.iter().any(|p| p.path == "metadata"), "{found:#?}");
}

#[test]
fn duplicate_keys_are_refused() {
    let found = problems(&minimal("metadata:\n  name: again\n"));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("only once"),
        "{}",
        found[0].message
    );
    assert_eq!((found[0].line, found[0].column), (Some(6), Some(1)));
    let found = problems(&minimal(
        "pipeline:\n  provider: github\n  stages:\n    - {name: a, commands: [x], name: b}\n",
    ));
    assert_eq!(found[0].path, "pipeline.stages[0]");
    assert_eq!(found[0].message, "duplicate entry with key \"name\"; each key may appear only once in a mapping, remove one of them");
    assert_eq!((found[0].line, found[0].column), (Some(9), Some(32)));
}

#[test]
fn oversized_and_empty_inputs_are_refused() {
    let big = format!("# {}\n", "x".repeat(MAX_MANIFEST_BYTES));
    assert!(problems(&big)[0].message.contains("more than the"));
    assert!(problems("")[0].message.contains("empty"));
    assert!(problems("# just a comment\n")[0].message.contains("empty"));
}

#[test]
fn other_api_versions_are_reported_alone() {
    let text = minimal("bogus: 1\n").replace("plat.dev/v1", "plat.dev/v2");
    let found = located(&text);
    assert_eq!(
        found,
        [(
            1,
            13,
            "unsupported `apiVersion` \"plat.dev/v2\"; this plat reads `plat.dev/v1`".into()
        )]
    );
}

#[test]
fn semantic_problems_are_located() {
    let text = minimal(
        "template: {source: x, name: t, version: one}
pipeline:
  provider: gitlab
  stages:
    - {name: lint, commands: [make lint]}
    - {name: lint, commands: [make test]}
  requiredChecks: [lint, tests]
infrastructure:
  image: {registry: 'https://r.io', repository: demo}
  port: 80
  resources:
    requests: {cpu: 2, memory: 128m}
    limits: {cpu: 1}
  environments: [dev, dev]
",
    );
    let found = located(&text);
    let summary: Vec<(usize, &str)> = found.iter().map(|p| (p.0, p.2.as_str())).collect();
    assert_eq!(found.len(), 7, "{summary:#?}");
    assert!(found[0]
        .2
        .starts_with("`version` \"one\" is not a semantic version"));
    assert_eq!((found[1].0, found[1].1), (11, 14));
    assert!(found[1].2.contains("defined twice"));
    assert_eq!(found[2].0, 12);
    assert_eq!(
        found[2].2,
        "required check \"tests\" is not a stage; the stages are `lint`"
    );
    assert!(found[3].2.contains("must not have a scheme"));
    assert_eq!(found[4].0, 17);
    assert!(
        found[4].2.contains("request 2 is more than its limit 1"),
        "{}",
        found[4].2
    );
    assert!(
        found[5].2.contains("did you mean `128Mi`?"),
        "{}",
        found[5].2
    );
    assert_eq!(found[6].0, 19);
    assert!(found[6].2.contains("listed twice"));
}

#[test]
fn expiry_dates_must_be_calendar_dates() {
    let text = minimal("suppressions:\n  - {check: PLAT101, reason: ok, expires: 2027-02-30}\n");
    let found = located(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .contains("must be a date written `YYYY-MM-DD`, found \"2027-02-30\""),
        "{found:?}"
    );
    let ok = parse(&minimal(
        "suppressions:\n  - {check: PLAT101, reason: ok, expires: 2028-02-29}\n",
    ))
    .unwrap();
    assert_eq!(
        ok.suppressions[0].expires.unwrap().to_string(),
        "2028-02-29"
    );
}

#[test]
fn environment_overrides_are_checked_against_the_base() {
    let text = minimal(
        "infrastructure:
  image: {registry: r.io, repository: demo}
  port: 80
  resources: {requests: {memory: 256Mi}, limits: {memory: 512Mi}}
  environments:
    - name: small
      resources: {limits: {memory: 128Mi}}
",
    );
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].path,
        "infrastructure.environments[0].resources.requests.memory"
    );
    assert!(
        found[0].message.contains("in environment \"small\""),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].line, Some(12));
}

#[test]
fn validate_checks_manifests_built_in_memory() {
    let mut m = parse(FULL).unwrap();
    assert!(m.validate().is_empty());
    m.metadata.name = "Bad Name".into();
    m.pipeline
        .as_mut()
        .unwrap()
        .required_checks
        .push("deploy".into());
    let found = m.validate();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].path, "metadata.name");
    assert!(
        found[0].message.contains("(e.g. `bad-name`)"),
        "{}",
        found[0].message
    );
    assert_eq!(found[1].path, "pipeline.requiredChecks[2]");
    assert_eq!(found[0].line, None);
}

#[test]
fn from_value_reports_problems_without_positions() {
    let value: serde_yaml::Value = serde_yaml::from_str(&minimal(
        "pipeline: {provider: github, stages: [], extra: 1}\n",
    ))
    .unwrap();
    let found = from_value(value).unwrap_err();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "pipeline.extra");
    assert_eq!(found[0].line, None);
    assert_eq!(found[0].to_string(), "pipeline.extra: unknown field `extra`; expected one of `provider`, `triggers`, `stages`, `requiredChecks`, `actions`, `plat`");
}

#[test]
fn problems_display_position_path_and_message() {
    let p = Problem {
        path: "infrastructure.port".into(),
        line: Some(8),
        column: Some(9),
        message: "bad".into(),
    };
    assert_eq!(p.to_string(), "8:9: infrastructure.port: bad");
    let root = Problem {
        path: String::new(),
        line: None,
        column: None,
        message: "bad".into(),
    };
    assert_eq!(root.to_string(), "bad");
}

#[test]
fn schema_is_strict_and_lists_the_choices() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["title"].as_str().unwrap().contains("platform.yaml"));
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["$defs"]["Infrastructure"]["additionalProperties"],
        false
    );
    assert_eq!(schema["properties"]["apiVersion"]["enum"][0], API_VERSION);
    let text = schema.to_string();
    for choice in [
        "\"experimental\"",
        "\"production\"",
        "\"deprecated\"",
        "\"github\"",
        "\"gitlab\"",
        "\"postgres\"",
    ] {
        assert!(text.contains(choice), "{choice} missing");
    }
}

#[test]
fn schema_uses_only_keywords_the_checker_understands() {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, sub) in map {
                    match key.as_str() {
                        "properties" | "$defs" => {
                            sub.as_object().unwrap().values().for_each(|s| walk(s, out))
                        }
                        "default" | "examples" | "enum" | "const" => {}
                        _ => {
                            if !structure::KNOWN_KEYWORDS.contains(&key.as_str()) {
                                out.push(key.clone());
                            }
                            walk(sub, out);
                        }
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut unknown = Vec::new();
    walk(&schema(), &mut unknown);
    assert!(
        unknown.is_empty(),
        "the structural checker ignores {unknown:?}"
    );
}

#[test]
fn quantities_parse() {
    let q = |s: &str| checks::resources::parse_quantity(&Quantity(s.into()));
    assert_eq!(q("100m"), Some(0.1));
    assert_eq!(q("128Mi"), Some(128.0 * 1024.0 * 1024.0));
    assert_eq!(q("1e3"), Some(1000.0));
    assert_eq!(q(".5"), Some(0.5));
    assert_eq!(q("1.5Gi"), Some(1.5 * 1024.0 * 1024.0 * 1024.0));
    for bad in ["", "-1", "1mi", "Mi", "1 Mi", "1.2.3"] {
        assert_eq!(q(bad), None, "{bad}");
    }
}

#[test]
fn every_schema_pattern_has_a_matcher() {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(p) = m.get("pattern").and_then(|p| p.as_str()) {
                    out.push(p.to_string());
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut patterns = Vec::new();
    walk(&schema(), &mut patterns);
    assert!(patterns.len() >= 6, "{patterns:?}");
    for p in patterns {
        assert!(
            super::patterns::matches(&p, "").is_some(),
            "pattern {p} has no matcher in patterns.rs"
        );
    }
}

/// The embedded schema is the one the types derive. After changing a type,
/// bless it with `PLAT_UPDATE_GOLDEN=1 cargo test --lib schema` and review
/// the diff of docs/schemas/platform.v1.schema.json.
#[test]
#[allow(clippy::disallowed_methods)]
fn the_committed_schema_is_the_derived_one() {
    let derived = super::derived_schema();
    if std::env::var_os("PLAT_UPDATE_GOLDEN").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/schemas/platform.v1.schema.json"
        );
        let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
        return;
    }
    assert!(
        schema() == derived,
        "docs/schemas/platform.v1.schema.json is not what the types derive; bless it with PLAT_UPDATE_GOLDEN=1 cargo test --lib schema"
    );
}

#[test]
fn action_pins_and_the_plat_tool_are_checked_in_memory_too() {
    let value: serde_yaml::Value = serde_yaml::from_str(&minimal(
        "pipeline:\n  provider: github\n  stages: [{name: lint, commands: [make]}]\n  plat: {}\n",
    ))
    .unwrap();
    let mut m: Manifest = serde_yaml::from_value(value).unwrap();
    let p = m.pipeline.as_mut().unwrap();
    p.actions.insert(
        "actions/checkout@v6".into(),
        ActionPin {
            version: " ".into(),
            commit: "de0fac2e".into(),
        },
    );
    let found = m.validate();
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            r#"pipeline.actions["actions/checkout@v6"]"#,
            r#"pipeline.actions["actions/checkout@v6"].version"#,
            r#"pipeline.actions["actions/checkout@v6"].commit"#,
            "pipeline.plat",
        ],
        "{found:#?}"
    );
    assert!(found[2].message.contains("40 lowercase hex digits"));
}
