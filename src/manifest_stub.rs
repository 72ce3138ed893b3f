//! TEMPORARY stand-in until the real manifest module lands.
pub const API_VERSION: &str = "plat.dev/v1";
#[derive(Debug, Clone)]
pub struct Manifest(serde_yaml::Value);
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
pub fn schema() -> serde_json::Value {
    serde_json::json!({})
}
pub fn parse(text: &str) -> Result<Manifest, Vec<Problem>> {
    serde_yaml::from_str(text).map(Manifest).map_err(|e| {
        vec![Problem {
            path: String::new(),
            line: None,
            column: None,
            message: e.to_string(),
        }]
    })
}
pub fn from_value(v: serde_yaml::Value) -> Result<Manifest, Vec<Problem>> {
    Ok(Manifest(v))
}
pub fn to_yaml(m: &Manifest) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(&m.0)?)
}
