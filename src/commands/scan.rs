//! `keyhound scan`: settings, rules, the pipeline over the inputs, then the stages that
//! turn findings into reports: allow-comments, baseline, report, checklist.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use crate::baseline;
use crate::config::{Inputs, ScanConfig};
use crate::config_file::Allowlist;
use crate::exit::ExitStatus;
use crate::finding::allow::{Form, Suppressed};
use crate::finding::Outcome;
use crate::matcher::Matcher;
use crate::messages::Messages;
use crate::pipeline::{self, Context};
use crate::progress::Progress;
use crate::provenance::Provenance;
use crate::report::{self, checklist, ReportOptions};
use crate::rules::RuleSet;
use crate::source::{git, stdin};

/// An error found before the scan started: the run stops, and says that nothing was
/// scanned (errors during the scan are reported and the scan goes on).
#[derive(Debug, thiserror::Error)]
#[error("{0:#} (nothing was scanned)")]
pub struct NotStarted(pub anyhow::Error);

/// Runs a scan and writes its reports; returns the exit status.
pub fn run(config: ScanConfig) -> anyhow::Result<ExitStatus> {
    let not_started = |e: anyhow::Error| NotStarted(e);
    let mut rules = RuleSet::with_files(&config.rule_files).map_err(|e| not_started(e.into()))?;
    config
        .rule_adjustments
        .apply(&mut rules)
        .map_err(|e| not_started(e.into()))?;
    config
        .rule_selection
        .apply(&mut rules)
        .map_err(|e| not_started(e.into()))?;
    // Read before scanning, so that a bad baseline fails fast.
    let mut known = config
        .baseline
        .as_deref()
        .map(baseline::Baseline::load)
        .transpose()
        .map_err(|e| not_started(e.into()))?;
    let matcher = Matcher::new(Arc::new(rules));
    if let Some(known) = &mut known {
        super::redact_notes(known, &matcher);
    }

    let progress = Progress::new(!config.quiet);
    let mut messages = Messages::new(config.quiet);
    messages.attach_progress(progress.clone());
    if let Some(asked) = config.threads_capped_from {
        messages.warn(format!(
            "--threads {asked} is more than {} per core can use; using {}",
            crate::config::THREADS_PER_CORE,
            config.walk.threads
        ));
    }
    let ctx = Context {
        matcher: &matcher,
        messages: &messages,
        progress: &progress,
        max_file_size: config.max_file_size,
        decode_depth: config.decode_depth,
    };
    progress.phase(match &config.inputs {
        Inputs::Stdin => "reading standard input",
        Inputs::Paths(_) => "scanning files",
        Inputs::Git { .. } => "opening the repository",
    });
    let mut outcome = match &config.inputs {
        Inputs::Stdin => {
            let bytes =
                stdin::read_all(config.max_file_size).context("cannot read standard input")?;
            pipeline::scan_one(&ctx, &bytes, Provenance::Stdin)
        }
        Inputs::Paths(paths) => pipeline::scan_paths(&ctx, paths, &config.walk)?,
        Inputs::Git { repo, mode } => pipeline::scan_git(&ctx, repo, mode, &config.walk)?,
    };
    progress.finish();
    if !config.show_secrets {
        outcome.redact_metadata();
        // Keys that no rule of this scan reported may still sit on a finding's line or in
        // a commit's metadata: look for them with every rule when the set was narrowed.
        if !outcome.findings.is_empty() {
            let narrowed = !config.rule_selection.is_empty() || config.rule_adjustments.narrows();
            let everything = narrowed
                .then(|| RuleSet::with_files(&config.rule_files).ok())
                .flatten()
                .map(|rules| Matcher::new(Arc::new(rules)));
            outcome.redact_with(everything.as_ref().unwrap_or(&matcher));
        }
    }

    outcome
        .findings
        .retain(|f| f.confidence >= config.min_confidence);
    let mut suppressed = suppress_allowed(&mut outcome, &config.allowlist);
    // Written before filtering: the new baseline records every current finding.
    if let Some(path) = &config.write_baseline {
        baseline::write(path, &outcome.findings)?;
    }
    // The checklist is the rotation ledger: it lists every secret found, with the ones the
    // baseline records as rotated shown done, so it is built before baselined findings go.
    let checklist_findings = match (&config.checklist, &known) {
        (Some(_), Some(_)) => Some(outcome.findings.clone()),
        _ => None,
    };
    if let Some(known) = &known {
        let known_findings = known.filter(&mut outcome, &messages);
        suppressed.add(Form::Baseline, known_findings);
    }

    let opts = ReportOptions {
        show_secrets: config.show_secrets,
        color: config.color,
        summary: !config.quiet,
        errors: messages.error_count(),
        suppressed,
    };
    let mut out = super::output(config.output.as_deref())?;
    // `keyhound scan | head -1`: the reader may go early; the status still tells the truth.
    let written = report::write(config.format, &outcome, matcher.rules(), &opts, &mut out);
    super::unless_closed(written.and_then(|()| out.flush()).map_err(Into::into))?;
    if let Some(path) = &config.checklist {
        let statuses = known
            .as_ref()
            .map(checklist::Statuses::from_baseline)
            .unwrap_or_default();
        let findings = checklist_findings.as_ref().unwrap_or(&outcome.findings);
        let keep = config.purge_file.is_some();
        let occurrences: Vec<checklist::Occurrence> = findings
            .iter()
            .map(|f| checklist::Occurrence::from_finding(f, keep))
            .collect();
        let purge = match &config.purge_file {
            Some(file) => Some(super::checklist::write_purge_file(file, &occurrences)?),
            None => None,
        };
        let root = match &config.inputs {
            Inputs::Git { repo, .. } => repo.clone(),
            _ => std::path::PathBuf::from("."),
        };
        let in_git = match &config.inputs {
            Inputs::Git { .. } => true,
            // A plain scan has history to clean only if a file with a finding is committed.
            Inputs::Paths(_) => git::any_committed(findings.iter().map(|f| Path::new(f.path()))),
            Inputs::Stdin => false,
        };
        let ctx = checklist::model::Context {
            rules: matcher.rules(),
            statuses: &statuses,
            root: Some(&root),
            purge_file: purge.as_ref().map(|(p, n)| (p.as_str(), *n)),
            in_git,
        };
        let mut file = super::output(Some(path))?;
        checklist::Checklist::build(occurrences, &ctx).write_markdown(&mut file)?;
        file.flush()?;
    }
    if config.format != report::Format::Human && !config.quiet {
        let mut summary = Vec::new();
        report::human::write_summary(&outcome, &opts, &mut summary)?;
        messages.warn_raw(&String::from_utf8_lossy(&summary));
    }
    let failing = match config.fail_on {
        Some(level) => outcome
            .findings
            .iter()
            .filter(|f| f.severity >= level)
            .count(),
        None => outcome.findings.len(),
    };
    if let Some(level) = config.fail_on {
        let below = outcome.findings.len() - failing;
        if below > 0 {
            let (total, verb) = (
                outcome.findings.len(),
                if below == 1 { "is" } else { "are" },
            );
            messages.warn_raw(&format!(
                "keyhound: {below} of {total} findings {verb} below --fail-on {level}: reported, not failing the run"
            ));
        }
    }
    Ok(ExitStatus::for_scan(
        failing,
        messages.failed(),
        config.findings_code,
    ))
}

/// Drops findings with an allow marker or in the config file's allowlist; returns how many
/// by form, for the summary.
fn suppress_allowed(outcome: &mut Outcome, allowlist: &Allowlist) -> Suppressed {
    let mut suppressed = Suppressed::default();
    outcome.findings.retain(|f| {
        if let Some(allow) = f.allow.as_ref().filter(|a| a.covers(&f.rule_id)) {
            suppressed.add(allow.form, 1);
            return false;
        }
        if allowlist.contains(f) {
            suppressed.add(Form::ConfigAllowlist, 1);
            return false;
        }
        true
    });
    suppressed
}
