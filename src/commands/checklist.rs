//! `keyhound checklist REPORT`: the rotation checklist rebuilt from a saved JSON report,
//! optionally marking the items a baseline records as rotated.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

use crate::baseline::Baseline;
use crate::cli::{ChecklistArgs, ChecklistFormat};
use crate::exit::ExitStatus;
use crate::report::checklist::{occurrences_from_report, Checklist, Statuses};
use crate::rules::RuleSet;

/// Reads the report (and baseline), writes the checklist.
pub fn run(args: ChecklistArgs) -> anyhow::Result<ExitStatus> {
    let rules = RuleSet::builtin()?;
    let report = read(&args.report, "report")?;
    let occurrences = occurrences_from_report(&report, &rules).with_context(|| {
        format!(
            "{}: cannot read the report (write one with `keyhound scan --format json`)",
            args.report.display()
        )
    })?;
    let statuses = match &args.baseline {
        Some(path) => Statuses::from_baseline(&Baseline::load(path)?),
        None => Statuses::default(),
    };
    let checklist = Checklist::build(occurrences, &rules, &statuses);
    let mut out = super::output(args.output.as_deref())?;
    let written = match args.format {
        ChecklistFormat::Markdown => checklist.write_markdown(&mut out),
        ChecklistFormat::Json => checklist.write_json(&mut out),
    };
    super::unless_closed(written.and_then(|()| out.flush()).map_err(Into::into))?;
    Ok(ExitStatus::Clean)
}

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    crate::user_file::read_to_string(path, crate::user_file::MAX_REPORT)
        .with_context(|| format!("{}: cannot read the {what} file", path.display()))
}
