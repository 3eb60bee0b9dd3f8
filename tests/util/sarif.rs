//! Validation of SARIF logs against the OASIS SARIF 2.1.0 JSON schema, vendored in
//! `tests/data/` so that the check runs everywhere the tests run.

use std::sync::OnceLock;

use serde_json::Value;

/// The schema, compiled once per test binary (formats such as `uri` checked too).
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = super::repo_root().join("tests/data/sarif-schema-2.1.0.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

/// Every way `log` breaks the SARIF 2.1.0 schema, as `instance path: message` lines.
pub fn schema_errors(log: &Value) -> Vec<String> {
    validator()
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Asserts that `log` is valid against the SARIF 2.1.0 schema.
pub fn assert_valid(log: &Value) {
    let errors = schema_errors(log);
    assert!(
        errors.is_empty(),
        "the SARIF log breaks the 2.1.0 schema:\n{}\n{log:#}",
        errors.join("\n")
    );
}

/// Parses `text` as JSON and asserts that it is a valid SARIF 2.1.0 log; returns it.
pub fn parse_valid(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    assert_valid(&log);
    log
}
