//! `keyhound rules list` and `keyhound rules check`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::exit::ExitStatus;
use crate::matcher::{check_examples, Matcher};
use crate::rules::RuleSet;

/// Prints every rule, as a table or JSON.
pub fn list(files: &[PathBuf], json: bool) -> anyhow::Result<ExitStatus> {
    let set = RuleSet::with_files(files)?;
    if json {
        let rows: Vec<serde_json::Value> = set
            .rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "name": r.name,
                    "provider": set.provider(r).name,
                    "severity": r.severity,
                    "confidence": r.confidence,
                    "paths": r.paths.as_ref().map(|p| p.patterns()),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&rows)?;
        super::to_stdout(|out| writeln!(out, "{text}"))?;
    } else {
        super::to_stdout(|out| {
            writeln!(
                out,
                "{:<40} {:<24} {:<9} CONFIDENCE",
                "ID", "PROVIDER", "SEVERITY"
            )?;
            for r in &set.rules {
                writeln!(
                    out,
                    "{:<40} {:<24} {:<9} {}",
                    r.id,
                    set.provider(r).name,
                    r.severity.as_str(),
                    r.confidence.as_str()
                )?;
            }
            writeln!(out, "{} rules", set.rules.len())
        })?;
    }
    Ok(ExitStatus::Clean)
}

/// Loads `files` (or only the built-ins) and runs their examples; exit 2 on any failure.
pub fn check(files: &[PathBuf]) -> anyhow::Result<ExitStatus> {
    let set = RuleSet::for_check(files)?;
    let origins: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let checked = |origin: &str| origins.is_empty() || origins.iter().any(|o| o == origin);
    let count = set.rules.iter().filter(|r| checked(&r.origin)).count();
    let mut lines = Vec::new();
    let mut compile_errors = 0;
    for r in set.rules.iter().filter(|r| checked(&r.origin)) {
        if let Err(e) = r.regex.compile() {
            lines.push(format!("{}: rule \"{}\": {e}", r.origin, r.id));
            compile_errors += 1;
        }
    }
    let matcher = Matcher::new(Arc::new(set));
    let failures = check_examples(&matcher, checked);
    for f in &failures {
        // Name the example by position, not by its text: a user's examples may hold real keys.
        let what = if f.positive {
            format!("example did not match (examples[{}])", f.index)
        } else {
            format!("negative example matched (negative_examples[{}])", f.index)
        };
        let found = if f.found.is_empty() {
            "nothing".to_string()
        } else {
            f.found.join(", ")
        };
        lines.push(format!("{}: {what}; found: {found}", f.rule));
    }
    let status = if failures.is_empty() && compile_errors == 0 {
        lines.push(format!("{count} rules OK"));
        ExitStatus::Clean
    } else {
        lines.push(format!(
            "{} of the examples of {count} rules failed",
            failures.len()
        ));
        ExitStatus::Error
    };
    super::to_stdout(|out| lines.iter().try_for_each(|l| writeln!(out, "{l}")))?;
    Ok(status)
}
