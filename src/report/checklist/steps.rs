//! The steps: each credential's checkboxes (revoke, the provider's own steps, remove,
//! verify) and the one history clean-up for all of them. The sentences come from
//! [`crate::report::rotation`], shared with SARIF's help.

use std::collections::BTreeMap;

use super::markdown::code;
use super::model::{Context, History, Item, Step, DEFAULT_PURGE_FILE};
use super::occurrence::Occurrence;
use super::purge;
use crate::report::escape;
use crate::report::rotation;
use crate::rules::Provider;

/// A provider's own steps are listed once, for its most urgent item; later items of the
/// same provider point back to it instead of repeating them.
pub fn refer_to_earlier_provider_steps(items: &mut [Item]) {
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    for (n, item) in items.iter_mut().enumerate() {
        let Some(&earlier) = first.get(&item.provider) else {
            first.insert(item.provider.clone(), n + 1);
            continue;
        };
        item.first_of_provider = false;
        let text = rotation::same_provider_steps(&escape::markdown(&item.provider_name), earlier);
        let done = item.done;
        let mut referred = false;
        item.steps.retain_mut(|s| {
            if s.id != "provider" {
                return true;
            }
            if referred {
                return false;
            }
            referred = true;
            s.id = "provider-ref";
            s.text = text.clone();
            s.done = done;
            true
        });
    }
}

/// The key as the steps name it: the first part, redacted, in a code span.
fn handle(item: &Item) -> String {
    code(&item.parts[0].redacted)
}

/// The checkbox steps of one credential: revoke, the provider's steps, remove, verify.
pub fn steps(item: &Item, provider: Option<&Provider>) -> Vec<Step> {
    let step = |id, text: String| Step {
        id,
        text,
        commands: Vec::new(),
        note: None,
        done: item.done,
    };
    let name = escape::markdown(&item.provider_name);
    let mut steps = vec![step(
        "revoke",
        rotation::revoke(&handle(item), &name, item.revoke_url.as_deref()),
    )];
    steps.extend(
        rotation::provider_steps(provider)
            .into_iter()
            .map(|s| step("provider", s.to_string())),
    );
    steps.push(step("remove", remove_text(item)));
    steps.push(verify_step(item, step("verify", String::new())));
    steps
}

/// Where to take the key out of the code: every live path, once.
fn remove_text(item: &Item) -> String {
    let mut live: Vec<&str> = Vec::new();
    let mut stdin = false;
    for l in item.parts.iter().flat_map(|p| &p.locations) {
        match l.path.as_str() {
            "-" => stdin = true,
            "" => {}
            p if l.in_head && !live.contains(&p) => live.push(p),
            _ => {}
        }
    }
    let key = handle(item);
    let listed: Vec<String> = live.iter().map(|p| code(p)).collect();
    if !live.is_empty() {
        format!(
            "Remove {key} from {} and read the replacement from the environment or the secret manager.",
            listed.join(", ")
        )
    } else if stdin {
        format!("Remove {key} from the input that was piped to keyhound and read it from the environment instead.")
    } else {
        let mut gone: Vec<String> = Vec::new();
        for l in item.parts.iter().flat_map(|p| &p.locations) {
            let p = code(&l.path);
            if !l.path.is_empty() && !gone.contains(&p) {
                gone.push(p);
            }
        }
        let was = if gone.is_empty() {
            String::new()
        } else {
            format!(" (it was in {})", gone.join(", "))
        };
        format!("{key} is no longer in HEAD{was}: make sure no copy of it remains in code or configuration.")
    }
}

/// A check keyhound can do, then the baseline record.
fn verify_step(item: &Item, mut step: Step) -> Step {
    let history = item
        .parts
        .iter()
        .flat_map(|p| &p.locations)
        .any(|l| l.commit.is_some());
    let patterns: Vec<String> = item
        .parts
        .iter()
        .map(|p| format!("-e {}", p.fingerprint))
        .collect();
    let (scan, when) = if history {
        (
            "keyhound scan --history",
            "Once the history is cleaned up (last section), ",
        )
    } else {
        ("keyhound scan", "Once it is removed, ")
    };
    step.text = format!(
        "{when}check that keyhound no longer finds {} (the count is 0), then record the rotation in the baseline:",
        handle(item)
    );
    step.commands.push(format!(
        "{scan} --format jsonl . | grep -c {}",
        patterns.join(" ")
    ));
    step.commands.extend(
        item.parts
            .iter()
            .map(|p| rotation::record_command(&p.fingerprint)),
    );
    step
}

/// The history clean-up for all occurrences.
pub fn history(occurrences: &[Occurrence], ctx: &Context<'_>) -> History {
    let delete_paths = purge::whole_secret_files(occurrences, ctx.root);
    let messages = occurrences
        .iter()
        .any(|o| o.path.is_empty() || o.introduced.iter().any(|(p, _)| p.is_empty()));
    let file = ctx.purge_file.map_or(DEFAULT_PURGE_FILE, |(f, _)| f);
    let step = |id, text: String| Step {
        id,
        text,
        commands: Vec::new(),
        note: None,
        done: false,
    };
    let mut steps = Vec::new();
    steps.push(step(
        "purge-file",
        match ctx.purge_file {
            Some((path, n)) => format!(
                "keyhound wrote the expressions file {} ({n} {}). It holds the secrets in full: keep it outside the repository and delete it when done.",
                code(path),
                if n == 1 { "expression" } else { "expressions" }
            ),
            None => format!(
                "Have keyhound write the expressions file: add `--show-secrets --purge-file {DEFAULT_PURGE_FILE}` to the command that wrote this checklist. It holds the secrets in full: keep it outside the repository and delete it when done."
            ),
        },
    ));
    let quoted = purge::shell_quote(file);
    let mut command = format!("git filter-repo --replace-text {quoted}");
    if messages {
        command.push_str(&format!(" --replace-message {quoted}"));
    }
    if !delete_paths.is_empty() {
        command.push_str(" --invert-paths");
        for p in &delete_paths {
            command.push_str(&format!(" --path {}", purge::shell_quote(p)));
        }
    }
    let mut purge = step(
        "purge",
        "In a fresh clone, from the repository root, run once:".into(),
    );
    purge.commands.push(command);
    let kept = "every other file keeps its history, with each secret replaced by `***REMOVED***`";
    purge.note = Some(if delete_paths.is_empty() {
        "Every file keeps its history, with each secret replaced by `***REMOVED***`.".to_string()
    } else {
        let listed: Vec<String> = delete_paths.iter().map(|p| code(p)).collect();
        format!(
            "{} {} nothing but secrets, so {} deleted from every commit (HEAD included: add {} to `.gitignore`); {kept}.",
            listed.join(", "),
            if delete_paths.len() == 1 { "holds" } else { "hold" },
            if delete_paths.len() == 1 { "it is" } else { "they are" },
            if delete_paths.len() == 1 { "it" } else { "them" },
        )
    });
    steps.push(purge);
    let mut push = step(
        "push",
        "Push the rewritten history: `git push --force --all` and `git push --force --tags`."
            .into(),
    );
    push.note = Some(format!("Warning: {}", rotation::REWRITE_WARNING));
    steps.push(push);
    History {
        delete_paths,
        messages,
        purge_file: file.to_string(),
        purge_file_written: ctx.purge_file.is_some(),
        steps,
    }
}
