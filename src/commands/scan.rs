//! `keyhound scan`: load rules, run the pipeline over the inputs, report.

use std::sync::Arc;

use anyhow::Context as _;

use crate::config::{Inputs, ScanConfig};
use crate::exit::ExitStatus;
use crate::matcher::Matcher;
use crate::messages::Messages;
use crate::pipeline::{self, Context};
use crate::progress::Progress;
use crate::provenance::Provenance;
use crate::report::{self, ReportOptions};
use crate::rules::RuleSet;
use crate::source::stdin;

/// Runs a scan and writes its report; returns the exit status.
pub fn run(config: ScanConfig) -> anyhow::Result<ExitStatus> {
    let rules = RuleSet::with_files(&config.rule_files)?;
    let matcher = Matcher::new(Arc::new(rules));
    let progress = Progress::new(!config.quiet);
    let mut messages = Messages::new(config.quiet);
    messages.attach_progress(progress.clone());
    let ctx = Context {
        matcher: &matcher,
        messages: &messages,
        progress: &progress,
        max_file_size: config.max_file_size,
    };
    let outcome = match &config.inputs {
        Inputs::Stdin => {
            let bytes =
                stdin::read_all(config.max_file_size).context("cannot read standard input")?;
            pipeline::scan_one(&ctx, &bytes, Provenance::Stdin)
        }
        Inputs::Paths(paths) => pipeline::scan_paths(&ctx, paths, &config.walk)?,
    };
    progress.finish();

    let opts = ReportOptions {
        show_secrets: config.show_secrets,
        color: config.color,
        errors: messages.error_count(),
        suppressed: 0,
    };
    let mut out = super::output(config.output.as_deref())?;
    report::write(config.format, &outcome, &opts, &mut out)?;
    out.flush()?;
    if config.format != report::Format::Human && !config.quiet {
        let mut summary = Vec::new();
        report::human::write_summary(&outcome, &opts, &mut summary)?;
        messages.warn_raw(&String::from_utf8_lossy(&summary));
    }
    Ok(ExitStatus::for_scan(
        outcome.findings.len(),
        messages.failed(),
    ))
}
