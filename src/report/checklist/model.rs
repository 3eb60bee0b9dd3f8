//! The checklist's model. Occurrences (one secret at one place) with the same fingerprint
//! are one [`Part`]; parts of one credential found together are one [`Item`].
//!
//! **Grouping rule.** Rules that find the parts of a multi-secret credential say so in
//! their file (`credential = { id = "aws-access-key", part = "secret access key" }`).
//! Two parts with the same credential id and different part names are one credential
//! when one occurrence of each is in the same file version (same path and, for history,
//! same commit) at most [`PART_DISTANCE`] lines apart. Pairs are joined closest first, and
//! never so that one item would hold two secrets of the same part: a file with two AWS
//! key pairs gives two items, each id with its nearest secret. Everything else is one
//! item per secret. Credentials whose parts are one match (a URL with user and password,
//! a Twilio `SID:token` pair) are one secret already.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::occurrence::Occurrence;
use super::steps::{history, refer_to_earlier_provider_steps, steps};
use super::{Status, Statuses, CHECKLIST_VERSION};
use crate::provenance::CommitInfo;
use crate::report::rotation;
use crate::rules::{Provider, RuleSet, Severity};

/// Two parts of one credential are one item when they are at most this many lines apart
/// in the same file version.
pub const PART_DISTANCE: usize = 10;

/// The expressions file the checklist names when keyhound did not write one: outside the
/// repository, so that it is never committed.
pub const DEFAULT_PURGE_FILE: &str = "../keyhound-purge.txt";

/// What the checklist needs besides the occurrences.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub rules: &'a RuleSet,
    pub statuses: &'a Statuses,
    /// The directory reported paths are relative to, where a dotenv file is read to tell
    /// whether it holds nothing but secrets ([`purge::whole_secret_files`]); `None`: never read.
    pub root: Option<&'a Path>,
    /// The purge file keyhound wrote with this checklist, and how many expressions it holds.
    pub purge_file: Option<(&'a str, usize)>,
    /// Whether some secret can be in git history: a git scan, or a file with a finding that
    /// is committed. Otherwise the checklist has no history clean-up.
    pub in_git: bool,
}

/// The whole checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub version: u32,
    /// Items: credentials, each of one or more secrets.
    pub credentials: usize,
    /// Distinct secrets (fingerprints).
    pub secrets: usize,
    /// Places the secrets were found.
    pub places: usize,
    /// Credentials still in HEAD or the working tree.
    pub in_head: usize,
    /// Credentials only in git history.
    pub history_only: usize,
    /// Credentials the baseline marks rotated (every part).
    pub rotated: usize,
    /// Advice for every item, said once.
    pub advice: Vec<&'static str>,
    pub items: Vec<Item>,
    /// The one history clean-up for all items; `None` (JSON `null`) when the scanned
    /// secret can be in git history ([`Context::in_git`]).
    pub history: Option<History>,
}

/// One credential and what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// The rule's name for a one-secret credential; the provider and the parts otherwise.
    pub title: String,
    /// The credential id shared by the parts' rules, for a credential of several parts.
    pub credential: Option<String>,
    pub provider: String,
    pub provider_name: String,
    pub severity: Severity,
    /// Still in HEAD or the working tree (false: only in history).
    pub in_head: bool,
    /// The earliest commit holding any part, for history findings.
    pub first_seen: Option<CommitInfo>,
    pub parts: Vec<Part>,
    pub revoke_url: Option<String>,
    pub docs_url: Option<String>,
    /// The most urgent item of its provider: the one that lists the provider's steps
    /// (later items of the same provider refer to it).
    pub first_of_provider: bool,
    /// Every part is rotated according to the baseline.
    pub done: bool,
    pub steps: Vec<Step>,
}

/// One secret of a credential.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// What the secret is to its credential (`secret access key`), or the rule's name.
    pub name: String,
    pub rule: String,
    pub rule_name: String,
    /// The secret, redacted.
    pub redacted: String,
    pub fingerprint: String,
    pub locations: Vec<Location>,
    /// The baseline's status for this secret, if any.
    pub status: Option<Status>,
}

/// A place a secret is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// `-` for stdin, empty for a commit or tag message.
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// The commit, for history findings.
    pub commit: Option<String>,
    /// Still there in HEAD or the working tree.
    pub in_head: bool,
    /// How the secret is encoded there (`base64`, `base64>base64`), if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// One checkbox. `text` and `note` are inline Markdown (scanned text in them is escaped).
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// `revoke`, `provider` (or one `provider-ref` pointing to an earlier item of the same
    /// provider), `remove`, `verify`; for the history: `purge-file`, `purge`, `push`.
    pub id: &'static str,
    pub text: String,
    /// Shell commands, run in order after reading `text`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub done: bool,
}

/// Removing every secret from git history: one `git filter-repo` run for all items.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// Files that hold nothing but secrets, deleted from every commit.
    pub delete_paths: Vec<String>,
    /// A secret is in a commit or tag message, so messages are rewritten too.
    pub messages: bool,
    /// The expressions file the command reads.
    pub purge_file: String,
    /// Whether keyhound wrote that file with this checklist.
    pub purge_file_written: bool,
    pub steps: Vec<Step>,
}

/// A part while the checklist is built.
struct Draft {
    part: Part,
    /// The rule's credential id and its index in the rule set (the parts' order).
    credential: Option<String>,
    rank: usize,
    severity: Severity,
    provider_id: String,
    provider_name: String,
    occurrences: Vec<Occurrence>,
}

impl Checklist {
    /// Groups occurrences into parts and credentials, most urgent first.
    pub fn build(occurrences: Vec<Occurrence>, ctx: &Context<'_>) -> Checklist {
        let history = ctx.in_git.then(|| history(&occurrences, ctx));
        let drafts = drafts(occurrences, ctx);
        let mut items: Vec<Item> = credentials(&drafts)
            .into_iter()
            .map(|group| item(group.into_iter().map(|i| &drafts[i]).collect(), ctx))
            .collect();
        items.sort_by(urgency);
        refer_to_earlier_provider_steps(&mut items);
        let count = |f: &dyn Fn(&Item) -> bool| items.iter().filter(|i| f(i)).count();
        Checklist {
            version: CHECKLIST_VERSION,
            credentials: items.len(),
            secrets: drafts.len(),
            places: drafts.iter().map(|d| d.part.locations.len()).sum(),
            in_head: count(&|i| i.in_head),
            history_only: count(&|i| !i.in_head),
            rotated: count(&|i| i.done),
            advice: rotation::GENERAL_ADVICE.to_vec(),
            items,
            history,
        }
    }
}

/// One draft part per fingerprint.
fn drafts(occurrences: Vec<Occurrence>, ctx: &Context<'_>) -> Vec<Draft> {
    let mut by_fingerprint: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
    for o in occurrences {
        by_fingerprint
            .entry(o.fingerprint.clone())
            .or_default()
            .push(o);
    }
    by_fingerprint
        .into_values()
        .map(|group| {
            let first = &group[0];
            let rule = ctx.rules.rules.iter().position(|r| r.id == first.rule_id);
            let credential = rule.and_then(|i| ctx.rules.rules[i].credential.as_ref());
            let part = Part {
                name: credential.map_or_else(|| first.rule_name.clone(), |c| c.part.clone()),
                rule: first.rule_id.clone(),
                rule_name: first.rule_name.clone(),
                redacted: first.redacted.clone(),
                fingerprint: first.fingerprint.clone(),
                locations: locations(&group),
                status: ctx.statuses.get(&first.fingerprint).cloned(),
            };
            Draft {
                part,
                credential: credential.map(|c| c.id.clone()),
                rank: rule.unwrap_or(usize::MAX),
                severity: group
                    .iter()
                    .map(|o| o.severity)
                    .max()
                    .unwrap_or(first.severity),
                provider_id: first.provider_id.clone(),
                provider_name: first.provider_name.clone(),
                occurrences: group,
            }
        })
        .collect()
}

/// Every place of a secret, once each: live places first, then by path and line.
fn locations(group: &[Occurrence]) -> Vec<Location> {
    let mut locations: Vec<Location> = Vec::new();
    for o in group {
        let mut add = |path: &str, commit: Option<&CommitInfo>, in_head: bool| {
            let loc = Location {
                path: path.to_string(),
                line: o.line,
                commit: commit.map(|c| c.commit.clone()),
                in_head,
                encoding: o.encoding.clone(),
            };
            if !locations
                .iter()
                .any(|l| (&l.path, l.line, &l.commit) == (&loc.path, loc.line, &loc.commit))
            {
                locations.push(loc);
            }
        };
        add(&o.path, o.commit.as_ref(), o.is_live());
        for (path, c) in &o.introduced {
            add(path, Some(c), false);
        }
    }
    locations.sort_by(|a, b| {
        (!a.in_head, &a.path, a.line, &a.commit).cmp(&(!b.in_head, &b.path, b.line, &b.commit))
    });
    locations
}

/// Groups draft indices into credentials (see the module doc for the rule).
fn credentials(drafts: &[Draft]) -> Vec<Vec<usize>> {
    let mut edges: Vec<(usize, usize, usize)> = Vec::new();
    for (i, a) in drafts.iter().enumerate() {
        for (j, b) in drafts.iter().enumerate().skip(i + 1) {
            let same = a.credential.is_some() && a.credential == b.credential;
            if !same || a.part.name == b.part.name {
                continue;
            }
            let distance = a
                .occurrences
                .iter()
                .flat_map(|x| b.occurrences.iter().map(move |y| (x, y)))
                .filter(|(x, y)| x.container() == y.container())
                .map(|(x, y)| x.line.abs_diff(y.line))
                .min();
            if let Some(d) = distance.filter(|d| *d <= PART_DISTANCE) {
                edges.push((d, i, j));
            }
        }
    }
    edges.sort_unstable();
    // Each draft starts as its own group; a group is joined to another only when their
    // part names do not overlap.
    let mut group: Vec<usize> = (0..drafts.len()).collect();
    for (_, i, j) in edges {
        let (gi, gj) = (group[i], group[j]);
        if gi == gj {
            continue;
        }
        let names = |g: usize| -> BTreeSet<&str> {
            (0..drafts.len())
                .filter(|&k| group[k] == g)
                .map(|k| drafts[k].part.name.as_str())
                .collect()
        };
        if names(gi).is_disjoint(&names(gj)) {
            for g in group.iter_mut().filter(|g| **g == gj) {
                *g = gi;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, g) in group.into_iter().enumerate() {
        groups.entry(g).or_default().push(k);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_by_key(|&k| (drafts[k].rank, drafts[k].part.fingerprint.clone()));
    }
    groups
}

/// One credential from its parts (in order).
fn item(parts: Vec<&Draft>, ctx: &Context<'_>) -> Item {
    let first = parts[0];
    let provider = provider(ctx.rules, &first.part.rule, &first.provider_id);
    let occurrences = || parts.iter().flat_map(|d| d.occurrences.iter());
    let first_seen = occurrences()
        .flat_map(|o| o.commit.iter().chain(o.introduced.iter().map(|(_, c)| c)))
        // By date (RFC 3339, UTC, so text order is time order): a report read back has
        // no `time`, and the scan and the report must give the same checklist.
        .min_by(|a, b| a.date.cmp(&b.date))
        .cloned();
    let title = match parts.as_slice() {
        [one] => one.part.rule_name.clone(),
        many => {
            let names: Vec<&str> = many.iter().map(|d| d.part.name.as_str()).collect();
            format!("{} {}", first.provider_name, names.join(" + "))
        }
    };
    let mut item = Item {
        title,
        credential: (parts.len() > 1)
            .then(|| first.credential.clone())
            .flatten(),
        provider: first.provider_id.clone(),
        provider_name: first.provider_name.clone(),
        severity: parts
            .iter()
            .map(|d| d.severity)
            .max()
            .unwrap_or(first.severity),
        in_head: occurrences().any(Occurrence::is_live),
        first_seen,
        parts: parts.iter().map(|d| d.part.clone()).collect(),
        revoke_url: rotation::revoke_url(provider).map(str::to_string),
        docs_url: rotation::docs_url(provider).map(str::to_string),
        first_of_provider: true,
        done: parts
            .iter()
            .all(|d| d.part.status.as_ref().is_some_and(Status::rotated)),
        steps: Vec::new(),
    };
    item.steps = steps(&item, provider);
    item
}

/// The provider of a rule, by rule id, else by provider id.
fn provider<'r>(rules: &'r RuleSet, rule_id: &str, provider_id: &str) -> Option<&'r Provider> {
    rules
        .rules
        .iter()
        .find(|r| r.id == rule_id)
        .map(|r| rules.provider(r))
        .or_else(|| rules.providers.iter().find(|p| p.id == provider_id))
}

/// Severity first, then live credentials before history-only ones, then the longest
/// exposed; items already rotated go last.
fn urgency(a: &Item, b: &Item) -> Ordering {
    let date = |i: &Item| i.first_seen.as_ref().map(|c| c.date.clone());
    let key = |i: &Item| (i.done, Reverse(i.severity), !i.in_head);
    let place = |i: &Item| {
        i.parts
            .first()
            .and_then(|p| p.locations.first())
            .map(|l| (l.path.clone(), l.line))
    };
    key(a)
        .cmp(&key(b))
        .then_with(|| match (date(a), date(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| place(a).cmp(&place(b)))
        .then_with(|| a.parts[0].fingerprint.cmp(&b.parts[0].fingerprint))
}
