//! Tests: the README's examples work as written. The TOML blocks under "## Rules" are a
//! rule file that `keyhound rules check` must pass, and the block under "## Configuration"
//! is a `.keyhound.toml` that must load (with the README's rule file where it names one)
//! and take effect in a scan.

use crate::util::{self, assert_findings, TestEnv};

/// The fenced ```toml blocks of the README section whose heading starts with `heading`
/// (a `## ` heading; the section runs to the next `## `).
fn toml_blocks(heading: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(util::repo_root().join("README.md")).expect("read README.md");
    let start = readme
        .find(&format!("\n{heading}"))
        .unwrap_or_else(|| panic!("README.md has no {heading:?} section"));
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let mut blocks = Vec::new();
    let mut lines = section[..end].lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```toml" {
            let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            blocks.push(body.join("\n") + "\n");
        }
    }
    blocks
}

#[test]
fn readme_rule_file_example_passes_rules_check() {
    let blocks = toml_blocks("## Rules");
    assert_eq!(
        blocks.len(),
        1,
        "the Rules section's TOML blocks: {blocks:#?}"
    );
    let env = TestEnv::new();
    env.write("acme-rules.toml", &blocks[0]);
    let run = env.run(&["rules", "check", "acme-rules.toml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "2 rules OK\n");
}

#[test]
fn readme_config_example_loads_and_applies() {
    let config = toml_blocks("## Configuration");
    assert_eq!(config.len(), 1, "{config:#?}");
    let rules = toml_blocks("## Rules");
    let env = TestEnv::new();
    // The config names `ci/extra-rules.toml`: the README's own rule file.
    assert!(
        config[0].contains("\"ci/extra-rules.toml\""),
        "{}",
        config[0]
    );
    env.write("ci/extra-rules.toml", &rules[0]);
    env.write(".keyhound.toml", &config[0]);
    // The README rule's example key, once in a scanned file and once under the
    // allowlisted `docs/examples/**`; and a JWT, whose rule the config disables.
    let line = "ACME_TOKEN = \"acme_Q2v8Lr0XkTz4mB9pWc7sYh1dNf6uJe3a\"\n";
    env.write("app.env", line);
    env.write("docs/examples/setup.env", line);
    env.write(
        "token.txt",
        "jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWFkbWUtZXhhbXBsZSJ9.c2lnbmF0dXJlLWZvci10aGUtcmVhZG1lLXRlc3Q\n",
    );
    let (run, findings) = env.scan_json(&["--show-secrets", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_findings(
        &findings,
        &[(
            "app.env",
            1,
            15,
            "acme-api-key",
            "acme_Q2v8Lr0XkTz4mB9pWc7sYh1dNf6uJe3a",
            false,
        )],
    );
    // The same file given with --config from elsewhere loads too.
    let run = env.run(&[
        "scan",
        "--config",
        ".keyhound.toml",
        "app.env",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(util::finding_keys(&run)[0].0, "acme-api-key");
}
