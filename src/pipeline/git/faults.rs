//! What a git scan could not read, gathered while it runs and reported once at its end:
//! objects that a tree, a commit or the index names but the object database lacks (a
//! damaged repository, a partial clone), and commits whose author or date does not parse.
//! Neither stops the scan; a missing object makes it exit 2 (something was not scanned),
//! a malformed commit is a warning (its findings are reported without an author).

use std::sync::Mutex;

use gix::ObjectId;

use crate::pipeline::{Context, Stats};
use crate::source::git::GitError;

/// How many missing object ids the error message names.
const SHOWN: usize = 5;

/// Missing objects and malformed commits seen so far; shared by the scan's threads.
#[derive(Default)]
pub(super) struct Faults {
    missing: Mutex<Vec<ObjectId>>,
    malformed: Mutex<Vec<ObjectId>>,
    /// The repository is a partial clone (objects may be missing by design).
    partial: bool,
}

impl Faults {
    /// Notes whether `repo` is a partial clone, and warns once if it is.
    pub(super) fn new(ctx: &Context<'_>, repo: &gix::Repository) -> Faults {
        let partial = is_partial_clone(repo);
        if partial {
            ctx.messages.warn(
                "this is a partial clone, so objects it did not fetch (with `--filter`) are not \
                 scanned and are reported as missing; run `git fetch --refetch` without a filter \
                 (in GitHub Actions, drop `filter:` from actions/checkout) to scan everything",
            );
        }
        Faults {
            partial,
            ..Faults::default()
        }
    }

    /// Records that object `id` is not in the object database.
    pub(super) fn missing(&self, id: ObjectId) {
        self.missing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(id);
    }

    /// Reports `error`: an error about an object that `repo` does not have is recorded as
    /// missing (reported once, with the others, by [`Faults::finish`]); any other is an
    /// error now.
    pub(super) fn error(&self, ctx: &Context<'_>, repo: &gix::Repository, error: GitError) {
        match error {
            GitError::Malformed { id, message } => self.malformed(ctx, id, &message),
            error => match error.object() {
                Some(id) if !repo.has_object(id) => self.missing(id),
                _ => ctx.messages.error(error),
            },
        }
    }

    /// [`Faults::error`] for each of `errors`.
    pub(super) fn errors(&self, ctx: &Context<'_>, repo: &gix::Repository, errors: Vec<GitError>) {
        for e in errors {
            self.error(ctx, repo, e);
        }
    }

    /// Warns that commit `id` is malformed (`why`); each commit is reported once.
    pub(super) fn malformed(&self, ctx: &Context<'_>, id: ObjectId, why: &str) {
        let mut seen = self.malformed.lock().unwrap_or_else(|e| e.into_inner());
        if !seen.contains(&id) {
            seen.push(id);
            ctx.messages.warn(format!(
                "commit {id}: {why}; scanned all the same, its findings reported without what could not be read"
            ));
        }
    }

    /// Reports the missing objects in one error (how many, and the first few ids), and
    /// adds both counts to `stats`.
    pub(super) fn finish(self, ctx: &Context<'_>, stats: &mut Stats) {
        let mut missing = self.missing.into_inner().unwrap_or_else(|e| e.into_inner());
        missing.sort_unstable();
        missing.dedup();
        stats.malformed += self
            .malformed
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .len() as u64;
        if missing.is_empty() {
            return;
        }
        stats.missing += missing.len() as u64;
        let shown: Vec<String> = missing
            .iter()
            .take(SHOWN)
            .map(|id| id.to_string())
            .collect();
        let more = if missing.len() > SHOWN { ", …" } else { "" };
        let why = if self.partial {
            "not fetched by this partial clone"
        } else {
            "the repository is damaged; `git fsck` lists what is wrong"
        };
        ctx.messages.error(format!(
            "{} git object{} {} missing from the object database, so {} not scanned \
             ({why}): {}{more}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 {
                "it was"
            } else {
                "they were"
            },
            shown.join(", "),
        ));
    }
}

/// Whether `repo` is a partial clone: git records the promisor remote in the config
/// (`extensions.partialClone`, `remote.<name>.promisor`) and marks the packs it fetched
/// with a `.promisor` file.
fn is_partial_clone(repo: &gix::Repository) -> bool {
    let config = repo.config_snapshot();
    if config.string("extensions.partialClone").is_some() {
        return true;
    }
    let promisor_remote = repo.remote_names().iter().any(|name| {
        config
            .boolean(format!("remote.{name}.promisor").as_str())
            .unwrap_or(false)
    });
    if promisor_remote {
        return true;
    }
    let packs = repo.objects.store_ref().path().join("pack");
    std::fs::read_dir(packs).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "promisor"))
    })
}
