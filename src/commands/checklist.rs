//! `keyhound checklist REPORT`: the rotation checklist rebuilt from a saved JSON report,
//! optionally marking the items a baseline records as rotated, and writing the purge
//! file. Also the purge-file glue that `scan --checklist` shares.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

use crate::baseline::Baseline;
use crate::cli::{ChecklistArgs, ChecklistFormat};
use crate::exit::ExitStatus;
use crate::messages::Messages;
use crate::report::checklist::model::Context;
use crate::report::checklist::{purge, Checklist, Occurrence, Statuses};
use crate::report::json::read_report;
use crate::rules::RuleSet;
use crate::source::git;

/// The error for `--purge-file` without `--show-secrets`.
pub const PURGE_NEEDS_SHOW_SECRETS: &str =
    "--purge-file writes every secret in full, so it needs --show-secrets as well";

/// Reads the report (and baseline), writes the checklist (and the purge file).
pub fn run(args: ChecklistArgs) -> anyhow::Result<ExitStatus> {
    if args.purge_file.is_some() && !args.show_secrets {
        anyhow::bail!(PURGE_NEEDS_SHOW_SECRETS);
    }
    let rules = std::sync::Arc::new(RuleSet::builtin()?);
    let report = read(&args.report, "report")?;
    let cannot_read = || {
        format!(
            "{}: cannot read the report (write one with `keyhound scan --format json`)",
            args.report.display()
        )
    };
    let entries = read_report(&report).with_context(cannot_read)?;
    let keep = args.purge_file.is_some();
    let occurrences = Occurrence::from_report(entries, &rules, keep).with_context(cannot_read)?;
    let statuses = match &args.baseline {
        Some(path) => {
            let mut baseline = Baseline::load(path)?;
            let matcher = crate::matcher::Matcher::new(rules.clone());
            super::redact_notes(&mut baseline, &matcher);
            Statuses::from_baseline(&baseline)
        }
        None => Statuses::default(),
    };
    let purge = match &args.purge_file {
        Some(path) => {
            let redacted = occurrences.iter().filter(|o| o.secret.is_none()).count();
            if redacted > 0 {
                anyhow::bail!(
                    "{}: {redacted} of {} entries hold a redacted secret, so no purge file can be written from it; \
                     write the report with `keyhound scan --format json --show-secrets`",
                    args.report.display(),
                    occurrences.len()
                );
            }
            Some(write_purge_file(path, &occurrences)?)
        }
        None => None,
    };
    let ctx = Context {
        rules: &rules,
        statuses: &statuses,
        root: Some(Path::new(".")),
        purge_file: purge.as_ref().map(|(p, n)| (p.as_str(), *n)),
        // A report from a history scan names commits; one from a plain scan has history to
        // clean if a file with a finding is committed (paths are read from here).
        in_git: occurrences.iter().any(|o| o.commit.is_some())
            || git::any_committed(occurrences.iter().map(|o| Path::new(o.path.as_str()))),
    };
    let checklist = Checklist::build(occurrences, &ctx);
    let mut out = super::output(args.output.as_deref())?;
    let written = match args.format {
        ChecklistFormat::Markdown => checklist.write_markdown(&mut out),
        ChecklistFormat::Json => checklist.write_json(&mut out),
    };
    super::unless_closed(written.and_then(|()| out.flush()).map_err(Into::into))?;
    Ok(ExitStatus::Clean)
}

/// Writes the `git filter-repo` expressions for the full secrets among `occurrences` to
/// `path` (mode 0600) and warns, even under `--quiet`, that the file holds secrets.
/// Returns the path as shown and the number of expressions.
pub fn write_purge_file(
    path: &Path,
    occurrences: &[Occurrence],
) -> anyhow::Result<(String, usize)> {
    let expressions = purge::expressions(occurrences);
    purge::write_file(path, &expressions)
        .with_context(|| format!("{}: cannot write the purge file", path.display()))?;
    let shown = path.display().to_string();
    Messages::new(false).warn(format!(
        "{shown} holds {} {} in full (mode 0600), for `git filter-repo --replace-text`: keep it out of the repository and delete it when done",
        expressions.len(),
        if expressions.len() == 1 { "secret" } else { "secrets" }
    ));
    Ok((shown, expressions.len()))
}

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    crate::user_file::read_to_string(path, crate::user_file::MAX_REPORT)
        .with_context(|| format!("{}: cannot read the {what} file", path.display()))
}
