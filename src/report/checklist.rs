//! The rotation checklist: one item per distinct secret (grouped by fingerprint), most
//! urgent first, each with the provider's rotation steps, every place the secret was
//! found and the exact commands to clean it up.
//!
//! It is built from [`Occurrence`]s, which come either from a scan's findings or from a
//! saved JSON report, so `keyhound scan --checklist` and `keyhound checklist report.json`
//! give the same items. No full secret ever reaches it: occurrences hold the redacted form
//! only, and a report written with `--show-secrets` is redacted again on the way in.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::finding::redact::{quoted, sanitize, scrub_message, Secret, FULL_MASK};
use crate::finding::{Finding, Outcome};
use crate::rules::{Provider, RuleSet, Severity};

/// Version of the JSON checklist's shape.
pub const CHECKLIST_VERSION: u32 = 1;

/// The file the user is told to put the key in for `git filter-repo --replace-text`
/// (outside the repository, so it is never committed; keyhound never writes it).
const REPLACE_FILE: &str = "../keyhound-replace.txt";

/// A checklist that cannot be built from its inputs.
#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    #[error("not a keyhound JSON report: {0}")]
    Report(String),
    #[error("report entry {entry}: {message}")]
    Entry { entry: usize, message: String },
}

/// A commit that holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRef {
    pub commit: String,
    pub author_name: String,
    pub author_email: String,
    /// Author date, RFC 3339.
    pub date: String,
}

/// One place a secret was found: what a checklist is built from.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub rule_id: String,
    pub rule_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub severity: Severity,
    pub fingerprint: String,
    /// The secret, always redacted.
    pub redacted: String,
    pub path: String,
    pub line: usize,
    /// History findings: the commit the blob was found in.
    pub commit: Option<CommitRef>,
    /// History findings: whether the blob is still at that path in HEAD.
    pub in_head: Option<bool>,
    /// History findings: every (path, commit) that introduced the blob.
    pub introduced: Vec<(String, CommitRef)>,
    /// The encodings undone to find the secret here (`base64`), if it was encoded.
    pub encoding: Option<String>,
}

impl From<&Finding> for Occurrence {
    fn from(f: &Finding) -> Occurrence {
        let commit_ref = |c: &crate::provenance::CommitInfo| CommitRef {
            commit: c.commit.clone(),
            author_name: c.author_name.clone(),
            author_email: c.author_email.clone(),
            date: c.date.clone(),
        };
        Occurrence {
            rule_id: f.rule_id.clone(),
            rule_name: f.rule_name.clone(),
            provider_id: f.provider_id.clone(),
            provider_name: f.provider_name.clone(),
            severity: f.severity,
            fingerprint: f.fingerprint.clone(),
            redacted: f.secret.redacted(),
            path: f.path().to_string(),
            line: f.span.line,
            commit: f.provenance.commit().map(commit_ref),
            in_head: f.in_head,
            introduced: f
                .introduced
                .iter()
                .map(|i| (i.path.clone(), commit_ref(&i.commit)))
                .collect(),
            encoding: f.encoding.clone(),
        }
    }
}

/// The JSON report's finding object, as far as the checklist needs it (shape version 1;
/// unknown fields are ignored so that additions do not break old checklists).
#[derive(Deserialize)]
struct ReportEntry {
    version: u32,
    rule: String,
    rule_name: String,
    provider: String,
    provider_name: String,
    severity: String,
    /// Null for commit and tag messages, which have no path.
    #[serde(default)]
    path: Option<String>,
    line: usize,
    fingerprint: String,
    secret: String,
    #[serde(default)]
    commit: Option<CommitRef>,
    #[serde(default)]
    in_head: Option<bool>,
    #[serde(default)]
    introduced: Vec<ReportIntroduction>,
    #[serde(default)]
    encoding: Option<String>,
}

#[derive(Deserialize)]
struct ReportIntroduction {
    path: String,
    #[serde(flatten)]
    commit: CommitRef,
}

/// Reads a report written by `keyhound scan --format json` (or `jsonl`). Secrets in a
/// report written with `--show-secrets` are redacted again here.
pub fn occurrences_from_report(
    text: &str,
    rules: &RuleSet,
) -> Result<Vec<Occurrence>, ChecklistError> {
    let entries: Vec<serde_json::Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text)
            .map_err(|e| ChecklistError::Report(scrub_message(&e.to_string())))?
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(|e| ChecklistError::Report(scrub_message(&e.to_string())))?
    };
    entries
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let entry = i + 1;
            let err = |message: String| ChecklistError::Entry { entry, message };
            let e: ReportEntry =
                serde_json::from_value(value).map_err(|e| err(scrub_message(&e.to_string())))?;
            if e.version > super::json::JSON_VERSION {
                return Err(err(format!(
                    "shape version {} is newer than this keyhound reads ({})",
                    e.version,
                    super::json::JSON_VERSION
                )));
            }
            let severity = Severity::parse(&e.severity)
                .ok_or_else(|| err(format!("unknown severity {}", quoted(&e.severity))))?;
            let redacted = redact_again(&e.secret, &e.rule, rules);
            Ok(Occurrence {
                rule_id: e.rule,
                rule_name: e.rule_name,
                provider_id: e.provider,
                provider_name: e.provider_name,
                severity,
                fingerprint: e.fingerprint,
                redacted,
                path: e.path.unwrap_or_default(),
                line: e.line,
                commit: e.commit,
                in_head: e.in_head,
                introduced: e
                    .introduced
                    .into_iter()
                    .map(|i| (i.path, i.commit))
                    .collect(),
                encoding: e.encoding,
            })
        })
        .collect()
}

/// A report's `secret` is redacted unless it was written with `--show-secrets`; a full
/// secret is redacted here the way the scanner would have (keeping a known rule prefix).
fn redact_again(secret: &str, rule_id: &str, rules: &RuleSet) -> String {
    let tail_hidden = secret
        .rsplit_once('…')
        .is_some_and(|(_, tail)| tail.chars().count() <= 4);
    if secret.ends_with(FULL_MASK) || tail_hidden {
        return sanitize(secret);
    }
    let prefix = rules
        .rules
        .iter()
        .find(|r| r.id == rule_id && !r.generic)
        .and_then(|r| {
            r.keywords
                .iter()
                .filter(|k| secret.len() > k.len())
                .filter(|k| secret.as_bytes()[..k.len()].eq_ignore_ascii_case(k.as_bytes()))
                .map(String::len)
                .max()
        })
        .unwrap_or(0);
    Secret::new(secret.as_bytes(), prefix).redacted()
}

/// What a baseline says about a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// `open`, `rotated`, `false-positive` or `accepted`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Baseline statuses by fingerprint.
#[derive(Debug, Clone, Default)]
pub struct Statuses(HashMap<String, Status>);

impl Statuses {
    /// The statuses a baseline records, by fingerprint.
    pub fn from_baseline(baseline: &crate::baseline::Baseline) -> Statuses {
        use crate::baseline::Status as BaselineStatus;
        let mut statuses = Statuses::default();
        for e in &baseline.entries {
            let status = match e.status {
                BaselineStatus::Open => "open",
                BaselineStatus::Rotated => "rotated",
                BaselineStatus::FalsePositive => "false-positive",
                BaselineStatus::Accepted => "accepted",
            };
            let status = Status {
                status: status.to_string(),
                date: e.status_date.clone(),
                note: e.note.clone(),
            };
            statuses.insert(&e.fingerprint, status);
        }
        statuses
    }

    /// Records the status of a fingerprint. A fingerprint may be given several times
    /// (once per rule or location); a rotation recorded on any of them wins.
    pub fn insert(&mut self, fingerprint: &str, status: Status) {
        let rotated = self
            .0
            .get(fingerprint)
            .is_some_and(|s| s.status == "rotated");
        if !rotated {
            self.0.insert(fingerprint.to_string(), status);
        }
    }

    fn get(&self, fingerprint: &str) -> Option<&Status> {
        self.0.get(fingerprint)
    }
}

/// The whole checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub version: u32,
    /// Distinct secrets.
    pub secrets: usize,
    /// Secrets still in HEAD or the working tree.
    pub in_head: usize,
    /// Secrets only in git history.
    pub history_only: usize,
    /// Secrets the baseline marks rotated.
    pub rotated: usize,
    pub items: Vec<Item>,
}

/// One distinct secret and what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub provider: String,
    pub provider_name: String,
    pub rule: String,
    pub rule_name: String,
    /// The secret, redacted.
    pub redacted: String,
    pub fingerprint: String,
    pub severity: Severity,
    /// Still in HEAD or the working tree (false: only in history).
    pub in_head: bool,
    /// The earliest commit holding the secret, for history findings.
    pub first_seen: Option<CommitRef>,
    pub locations: Vec<Location>,
    pub revoke_url: Option<String>,
    pub docs_url: Option<String>,
    /// The baseline's status for this secret, if any.
    pub status: Option<Status>,
    /// Rotated according to the baseline.
    pub done: bool,
    pub steps: Vec<Step>,
}

/// A place the secret is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: String,
    pub line: usize,
    /// The commit, for history findings.
    pub commit: Option<String>,
    /// How the secret is encoded there (`base64`, `base64>base64`), if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// One checkbox.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What kind of step: `revoke`, `provider`, `replace`, `store`, `remove`, `purge`, `audit`, `record`.
    pub id: &'static str,
    pub text: String,
    /// Commands to run, each after the sentence that introduces it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<StepCommand>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub done: bool,
}

/// A command inside a step.
#[derive(Debug, Clone, Serialize)]
pub struct StepCommand {
    pub label: String,
    pub command: String,
}

/// Writes the Markdown checklist for `outcome`, showing items `statuses` records as rotated done.
pub fn write_markdown(
    outcome: &Outcome,
    rules: &RuleSet,
    statuses: &Statuses,
    out: &mut dyn Write,
) -> io::Result<()> {
    let occurrences = outcome.findings.iter().map(Occurrence::from).collect();
    Checklist::build(occurrences, rules, statuses).write_markdown(out)
}

impl Checklist {
    /// Groups occurrences by fingerprint into items, most urgent first.
    pub fn build(occurrences: Vec<Occurrence>, rules: &RuleSet, statuses: &Statuses) -> Checklist {
        let mut groups: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
        for o in occurrences {
            groups.entry(o.fingerprint.clone()).or_default().push(o);
        }
        let mut items: Vec<Item> = groups
            .into_values()
            .map(|group| item(group, rules, statuses))
            .collect();
        items.sort_by(urgency);
        Checklist {
            version: CHECKLIST_VERSION,
            secrets: items.len(),
            in_head: items.iter().filter(|i| i.in_head).count(),
            history_only: items.iter().filter(|i| !i.in_head).count(),
            rotated: items.iter().filter(|i| i.done).count(),
            items,
        }
    }

    /// The JSON form, pretty-printed.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    /// The Markdown form.
    pub fn write_markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "# Rotation checklist\n")?;
        if self.items.is_empty() {
            writeln!(out, "No secrets found: nothing to rotate.")?;
            return Ok(());
        }
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let places: usize = self.items.iter().map(|i| i.locations.len()).sum();
        write!(
            out,
            "{} to rotate, found in {}: {} still in HEAD or the working tree, {} only in git history",
            plural(self.secrets, "secret", "secrets"),
            plural(places, "place", "places"),
            self.in_head,
            self.history_only,
        )?;
        if self.rotated > 0 {
            write!(out, "; {} already rotated", self.rotated)?;
        }
        writeln!(out, ".\n")?;
        writeln!(
            out,
            "Most urgent first: by severity, then keys still in HEAD, then the longest exposed. \
             Work through each item from top to bottom. This file never contains a full secret.\n"
        )?;
        for (n, item) in self.items.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            item.write_markdown(n + 1, out)?;
        }
        Ok(())
    }
}

/// Severity first, then live keys before history-only ones, then the longest exposed;
/// items already rotated go last.
fn urgency(a: &Item, b: &Item) -> Ordering {
    let date = |i: &Item| i.first_seen.as_ref().map(|c| c.date.clone());
    let key = |i: &Item| (i.done, Reverse(i.severity), !i.in_head);
    key(a)
        .cmp(&key(b))
        .then_with(|| match (date(a), date(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.locations.first().cmp(&b.locations.first()))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.commit.is_some(), &self.path, self.line, &self.commit).cmp(&(
            other.commit.is_some(),
            &other.path,
            other.line,
            &other.commit,
        ))
    }
}

fn item(group: Vec<Occurrence>, rules: &RuleSet, statuses: &Statuses) -> Item {
    let first = &group[0];
    let provider = rules
        .rules
        .iter()
        .find(|r| r.id == first.rule_id)
        .map(|r| rules.provider(r))
        .or_else(|| rules.providers.iter().find(|p| p.id == first.provider_id));
    let severity = group
        .iter()
        .map(|o| o.severity)
        .max()
        .unwrap_or(first.severity);
    let in_head = group.iter().any(|o| o.in_head != Some(false));

    let mut locations: Vec<Location> = Vec::new();
    let mut commits: Vec<&CommitRef> = Vec::new();
    for o in &group {
        let mut add = |path: &str, commit: Option<&CommitRef>| {
            let loc = Location {
                path: path.to_string(),
                line: o.line,
                commit: commit.map(|c| c.commit.clone()),
                encoding: o.encoding.clone(),
            };
            if !locations.contains(&loc) {
                locations.push(loc);
            }
        };
        add(&o.path, o.commit.as_ref());
        commits.extend(o.commit.as_ref());
        for (path, c) in &o.introduced {
            add(path, Some(c));
            commits.push(c);
        }
    }
    locations.sort();
    let first_seen = commits
        .into_iter()
        .min_by(|a, b| a.date.cmp(&b.date))
        .cloned();
    let status = statuses.get(&first.fingerprint).cloned();
    let done = status.as_ref().is_some_and(|s| s.status == "rotated");

    let mut item = Item {
        provider: first.provider_id.clone(),
        provider_name: first.provider_name.clone(),
        rule: first.rule_id.clone(),
        rule_name: first.rule_name.clone(),
        redacted: first.redacted.clone(),
        fingerprint: first.fingerprint.clone(),
        severity,
        in_head,
        first_seen,
        locations,
        revoke_url: provider
            .map(|p| p.revoke_url.clone())
            .filter(|u| !u.is_empty()),
        docs_url: provider
            .map(|p| p.docs_url.clone())
            .filter(|u| !u.is_empty()),
        status,
        done,
        steps: Vec::new(),
    };
    item.steps = steps(&item, provider);
    item
}

/// The checkbox steps for one secret.
fn steps(item: &Item, provider: Option<&Provider>) -> Vec<Step> {
    let step = |id, text: String| Step {
        id,
        text,
        commands: Vec::new(),
        note: None,
        done: item.done,
    };
    let name = &item.provider_name;
    let mut steps = Vec::new();
    let mut revoke = match &item.revoke_url {
        Some(url) => step(
            "revoke",
            format!("Revoke or rotate the key at {name}: {url}"),
        ),
        None => step(
            "revoke",
            format!(
                "Revoke or rotate the key in the console of the service that issued it ({name})."
            ),
        ),
    };
    if let Some(docs) = &item.docs_url {
        revoke.note = Some(format!("{name} documentation: {docs}"));
    }
    steps.push(revoke);
    match provider {
        Some(p) => steps.extend(p.steps.iter().map(|s| step("provider", s.clone()))),
        None => steps.push(step(
            "provider",
            "Find out which account and service the key belongs to (its owner, the systems that use it) before revoking it, so the replacement reaches all of them.".into(),
        )),
    }
    steps.push(step(
        "replace",
        "Issue a replacement with the least privilege it needs: one key per service and environment, with an expiry if the provider supports it.".into(),
    ));
    steps.push(step(
        "store",
        "Store the replacement in a secret manager or CI secret (e.g. Vault, AWS Secrets Manager, GitHub Actions secrets) and inject it at runtime (environment variable or mounted file) instead of committing it.".into(),
    ));
    steps.push(remove_step(item, step("remove", String::new())));
    steps.push(purge_step(item, step("purge", String::new())));
    let since = match &item.first_seen {
        Some(c) => format!("since {}, when it was first committed", c.date),
        None => "since it was first written to the files above".into(),
    };
    steps.push(step(
        "audit",
        format!("Check {name}'s audit logs for use of the key {since}; treat any use you cannot explain as an incident."),
    ));
    let mut record = step(
        "record",
        "Record the rotation, so that the checklist shows this item as done and keyhound reports the key if it is committed again:".into(),
    );
    record.commands.push(StepCommand {
        label: String::new(),
        command: format!(
            "keyhound baseline mark {} rotated --note \"rotated on YYYY-MM-DD by NAME\"",
            item.fingerprint
        ),
    });
    steps.push(record);
    steps
}

/// Paths the secret is in, once each, without stdin.
fn paths(item: &Item, history: bool) -> Vec<&str> {
    let mut paths: Vec<&str> = Vec::new();
    for l in &item.locations {
        if l.path != "-"
            && !l.path.is_empty()
            && (history || l.commit.is_none() || item.in_head)
            && !paths.contains(&l.path.as_str())
        {
            paths.push(&l.path);
        }
    }
    paths
}

fn remove_step(item: &Item, mut step: Step) -> Step {
    let listed = |ps: &[&str]| ps.iter().map(|p| code(p)).collect::<Vec<_>>().join(", ");
    let here = paths(item, false);
    let stdin = item.locations.iter().any(|l| l.path == "-");
    step.text = if !item.in_head {
        format!(
            "It is no longer in HEAD; make sure no copy of it remains in the code or in configuration (it was in {}).",
            listed(&paths(item, true))
        )
    } else if here.is_empty() && stdin {
        "Remove the key from the input that was piped to keyhound, and read it from the environment instead.".into()
    } else {
        format!(
            "Remove the key from the code and read the replacement from the environment or the secret manager instead, in every place it appears: {}.",
            listed(&here)
        )
    };
    step
}

fn purge_step(item: &Item, mut step: Step) -> Step {
    step.text = "If the repository was ever pushed or shared, purge the key from git history with git filter-repo (run it in a fresh clone, from the repository root).".into();
    let all = paths(item, true);
    if !all.is_empty() {
        let args: Vec<String> = all
            .iter()
            .map(|p| format!("--path {}", shell_quote(p)))
            .collect();
        step.commands.push(StepCommand {
            label: "Remove the files from every commit:".into(),
            command: format!("git filter-repo --invert-paths {}", args.join(" ")),
        });
    }
    step.commands.push(StepCommand {
        label: format!(
            "{}put the key on one line of a file outside the repository (for example {}; this checklist never contains it), then run:",
            if all.is_empty() { "To replace only the key, " } else { "Or, to keep the files and replace only the key, " },
            code(REPLACE_FILE)
        ),
        command: format!("git filter-repo --replace-text {REPLACE_FILE}"),
    });
    // A commit or tag message (a location without a path) is rewritten separately.
    if item.locations.iter().any(|l| l.path.is_empty()) {
        step.commands.push(StepCommand {
            label: "The key is also in a commit or tag message; with the same file, rewrite the messages:".into(),
            command: format!("git filter-repo --replace-message {REPLACE_FILE}"),
        });
    }
    step.note = Some(
        "Warning: rewriting history changes every commit id, so every clone and fork must be re-cloned; and it does not un-leak a key that was already pushed: only revoking it (first step) does. Delete the replace file afterwards.".into(),
    );
    step
}

impl Item {
    fn write_markdown(&self, n: usize, out: &mut dyn Write) -> io::Result<()> {
        let done = match &self.status {
            Some(s) if self.done => format!(
                " (rotated on {})",
                s.date.as_deref().unwrap_or("an unrecorded date")
            ),
            _ => String::new(),
        };
        writeln!(
            out,
            "## {n}. {} {} ({}){done}\n",
            text(&self.rule_name),
            code(&self.redacted),
            self.severity
        )?;
        writeln!(
            out,
            "- **Provider:** {} ({})",
            text(&self.provider_name),
            code(&self.provider)
        )?;
        writeln!(
            out,
            "- **Rule:** {} ({})",
            code(&self.rule),
            text(&self.rule_name)
        )?;
        writeln!(
            out,
            "- **Key:** {} (fingerprint {})",
            code(&self.redacted),
            code(&self.fingerprint)
        )?;
        writeln!(out, "- **Severity:** {}", self.severity)?;
        let exposure = if self.in_head {
            "still in HEAD or the working tree"
        } else {
            "only in git history (removed from HEAD)"
        };
        writeln!(out, "- **Exposure:** {exposure}")?;
        if let Some(c) = &self.first_seen {
            writeln!(
                out,
                "- **First seen:** commit {} by {} ({}) on {}",
                code(short(&c.commit)),
                untrusted(&c.author_name),
                untrusted(&c.author_email),
                untrusted(&c.date)
            )?;
        }
        if let Some(s) = &self.status {
            let mut line = format!("- **Baseline status:** {}", untrusted(&s.status));
            if let Some(d) = &s.date {
                line.push_str(&format!(" on {}", untrusted(d)));
            }
            if let Some(note) = &s.note {
                line.push_str(&format!(" ({})", untrusted(note)));
            }
            writeln!(out, "{line}")?;
        }
        writeln!(out, "- **Locations ({}):**", self.locations.len())?;
        for l in &self.locations {
            let place = if l.path == "-" {
                "(standard input)".to_string()
            } else if l.path.is_empty() {
                format!("message, line {}", l.line)
            } else {
                code(&format!("{}:{}", l.path, l.line))
            };
            let place = match &l.encoding {
                Some(chain) => format!("{place} (encoded: {})", text(chain)),
                None => place,
            };
            match &l.commit {
                Some(c) => writeln!(out, "  - {place} in commit {}", code(short(c)))?,
                None => writeln!(out, "  - {place}")?,
            }
        }
        writeln!(out, "\n**Steps:**\n")?;
        for s in &self.steps {
            s.write_markdown(out)?;
        }
        Ok(())
    }
}

impl Step {
    /// `- [ ] text`, then its commands and note as indented blocks of the same list item.
    fn write_markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        let mark = if self.done { "x" } else { " " };
        writeln!(out, "- [{mark}] {}", text(&self.text))?;
        let mut blocks = Vec::new();
        for c in &self.commands {
            if !c.label.is_empty() {
                blocks.push(text(&c.label));
            }
            blocks.push(format!("```sh\n{}\n```", sanitize(&c.command)));
        }
        blocks.extend(self.note.as_deref().map(text));
        for block in &blocks {
            writeln!(out)?;
            for line in block.lines() {
                writeln!(out, "  {line}")?;
            }
        }
        if !blocks.is_empty() {
            writeln!(out)?;
        }
        Ok(())
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// Scanned text (paths, names) made safe for a terminal and a single Markdown line.
fn text(s: &str) -> String {
    sanitize(s)
}

/// Text from scanned data or a ledger (author names and emails, dates, notes) as plain
/// Markdown text: the characters that open emphasis, links, images, code, tables or
/// headings are backslash-escaped and `<`, `>`, `&` become entities, so the text cannot
/// inject a link, an image or HTML when the checklist is rendered (the GitHub Action
/// posts it to the job summary). Bare URLs stay visible text.
fn untrusted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in sanitize(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span that holds any text, backticks included.
fn code(s: &str) -> String {
    let s = sanitize(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Quotes a path for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    let s = sanitize(s);
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./+,:@%=".contains(&b));
    if plain {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("config/app.env"), "config/app.env");
        assert_eq!(shell_quote("a b/it's"), "'a b/it'\\''s'");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(
            untrusted("[a](https://x.test) <img>"),
            "\\[a\\]\\(https://x.test\\) &lt;img&gt;"
        );
    }

    #[test]
    fn full_secrets_in_reports_are_redacted_again() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let full = "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"; // keyhound:allow (fake)
        assert_eq!(
            redact_again(full, "github-classic-pat", &rules),
            "ghp_…0Wxe"
        );
        assert_eq!(
            redact_again("ghp_…0Wxe", "github-classic-pat", &rules),
            "ghp_…0Wxe"
        );
        assert_eq!(
            redact_again("AKIA********", "aws-access-key-id", &rules),
            "AKIA********"
        );
        assert_eq!(redact_again("hunter2hunter2", "unknown", &rules), FULL_MASK);
    }

    #[test]
    fn a_rotation_recorded_on_any_entry_wins() {
        let status = |s: &str| Status {
            status: s.to_string(),
            date: None,
            note: None,
        };
        let mut statuses = Statuses::default();
        statuses.insert("aa", status("rotated"));
        statuses.insert("aa", status("open"));
        statuses.insert("bb", status("open"));
        statuses.insert("bb", status("accepted"));
        assert_eq!(
            statuses.get("aa").map(|s| s.status.as_str()),
            Some("rotated")
        );
        assert_eq!(
            statuses.get("bb").map(|s| s.status.as_str()),
            Some("accepted")
        );
    }
}
