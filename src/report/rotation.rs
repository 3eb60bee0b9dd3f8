//! How to rotate a leaked key, in words: the one place that turns a provider's facts
//! (revoke URL, steps) and keyhound's general advice into sentences. The rotation
//! checklist and SARIF's rule help both read from here, so they never disagree.

use crate::rules::Provider;

/// Advice that holds for every credential. The checklist says it once, at the top.
pub const GENERAL_ADVICE: [&str; 3] = [
    "Issue each replacement with the least privilege it needs: one credential per service and environment, with an expiry where the provider supports it.",
    "Keep replacements in a secret manager or CI secret store (Vault, AWS Secrets Manager, GitHub Actions secrets) and inject them at runtime as environment variables or mounted files; never commit them.",
    "Check each provider's audit logs for use of the key since it was first committed, and treat any use you cannot explain as an incident.",
];

/// What rewriting history costs and what it cannot do.
pub const REWRITE_WARNING: &str = "Rewriting history changes every commit id, so every clone and fork must be re-cloned; and it does not un-leak a key that was already pushed: only revoking it does.";

/// The provider step for a provider keyhound knows nothing about.
pub const UNKNOWN_PROVIDER_STEP: &str = "Find out which account and service the key belongs to (its owner, the systems that use it) before revoking it, so the replacement reaches all of them.";

/// The first step: revoke or rotate `key` (`the key`, or the redacted key) at the
/// provider. `url` is the provider's revoke page (already formatted for the output, e.g.
/// `<https://…>` in Markdown).
pub fn revoke(key: &str, provider_name: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => format!("Revoke or rotate {key} ({provider_name}): {url}"),
        None => format!(
            "Revoke or rotate {key} in the console of the service that issued it ({provider_name})."
        ),
    }
}

/// The step that stands for a provider's steps already listed for an earlier item.
pub fn same_provider_steps(provider_name: &str, item: usize) -> String {
    format!("Do the other {provider_name} steps of item {item} for this key too.")
}

/// The provider's revoke page, if it has one.
pub fn revoke_url(provider: Option<&Provider>) -> Option<&str> {
    provider
        .map(|p| p.revoke_url.as_str())
        .filter(|u| !u.is_empty())
}

/// The provider's documentation about its keys, if it has any.
pub fn docs_url(provider: Option<&Provider>) -> Option<&str> {
    provider
        .map(|p| p.docs_url.as_str())
        .filter(|u| !u.is_empty())
}

/// The provider's own steps, in order; for an unknown provider, the one step that finds
/// out whose key it is.
pub fn provider_steps(provider: Option<&Provider>) -> Vec<&str> {
    match provider.filter(|p| !p.steps.is_empty()) {
        Some(p) => p.steps.iter().map(String::as_str).collect(),
        None => vec![UNKNOWN_PROVIDER_STEP],
    }
}

/// The step that takes the key out of the code.
pub const REMOVE_STEP: &str =
    "Remove the key from the code in every place it appears and read the replacement from the environment or the secret manager.";

/// The step that takes the key out of git history.
pub const PURGE_STEP: &str =
    "If the repository was ever pushed or shared, remove the key from git history with `git filter-repo --replace-text`, once for all keys, after revoking them.";

/// The command that records a rotation in the baseline.
pub fn record_command(fingerprint: &str) -> String {
    format!("keyhound baseline mark {fingerprint} rotated --note \"rotated on YYYY-MM-DD by NAME\"")
}
