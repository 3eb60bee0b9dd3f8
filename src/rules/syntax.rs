//! The serde mirror of a rule file (`rules/*.toml`). Nothing here is validated
//! beyond TOML's own types; [`super::RuleSet`] compiles and checks it.

use serde::Deserialize;

/// One rule file: the providers it describes and the rules that detect their secrets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSyntax {
    #[serde(default, rename = "provider")]
    pub providers: Vec<ProviderSyntax>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSyntax>,
}

/// Who issued a secret and how to rotate it: the facts behind the rotation checklist.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSyntax {
    pub id: String,
    pub name: String,
    /// Where a user revokes or rotates the key.
    pub revoke_url: String,
    /// The provider's documentation about its keys.
    pub docs_url: String,
    /// Short provider-specific steps, in order.
    pub steps: Vec<String>,
}

/// One detection rule as written in a file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub severity: String,
    pub confidence: String,
    /// Literals (matched ASCII-case-insensitively) one of which occurs in or near every match.
    /// May be empty for a rule with `paths`: it then runs on the whole of each matching file.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The pattern; group `secret` (or else group 1) is the secret itself.
    pub regex: String,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub checksum: Option<String>,
    /// Generic rules lose to provider rules, skip binary files and get the value filters.
    #[serde(default)]
    pub generic: bool,
    /// Extra patterns: a secret matching any of them is not reported.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Another rule that must match within `distance` bytes for this one to count.
    #[serde(default)]
    pub requires: Option<RequiresSyntax>,
    /// The rule runs only on text the decoding stage produced (for values a format always
    /// stores encoded, such as npm's base64 `_password`), never on the file's own text.
    #[serde(default)]
    pub decoded_only: bool,
    /// How many bytes after a keyword hit a match may extend (default 512).
    #[serde(default)]
    pub window: Option<usize>,
    /// Gitignore-style globs: the rule runs only on files whose path matches one of them.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The files in `paths` exist only to hold credentials: a weak value there is still
    /// reported (at low severity, with a note). Needs `paths`.
    #[serde(default)]
    pub credential_file: bool,
    /// The path the examples are scanned as (needed when the rule has `paths`).
    #[serde(default)]
    pub example_path: Option<String>,
    /// The credential this secret is one part of, when a credential is made of several
    /// secrets (an AWS access key id and its secret key): the rotation checklist groups
    /// parts with the same `id` found near each other into one item.
    #[serde(default)]
    pub credential: Option<CredentialSyntax>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// `credential = { id = "aws-access-key", part = "secret access key" }`: which credential
/// a rule's secret belongs to, and which part of it the secret is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSyntax {
    /// Names the credential; rules with the same id find parts of the same kind of credential.
    pub id: String,
    /// The part, as a reader names it (`access key ID`); two secrets of the same part are
    /// two credentials.
    pub part: String,
}

/// A companion rule that must match nearby, e.g. an AWS key id next to its secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiresSyntax {
    pub rule: String,
    #[serde(default = "default_requires_distance")]
    pub distance: usize,
}

fn default_requires_distance() -> usize {
    1024
}
