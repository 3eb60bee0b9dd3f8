//! SARIF 2.1.0 output for GitHub code scanning, built with `serde-sarif` types.
//!
//! The contract, in one place:
//! - `tool.driver` lists one rule per rule that produced a result, with rotation help
//!   taken from the provider's facts (revoke URL, docs, steps), GitHub's
//!   `security-severity` and a default level;
//! - each result has one physical location (a relative, percent-encoded URI and a region),
//!   a message naming the provider and the secret as shown (redacted unless
//!   `--show-secrets`), and `partialFingerprints` derived from the rule and the secret's
//!   fingerprint, so an alert keeps its identity when lines move;
//! - history findings carry their commit, author, date and whether the blob is still in
//!   HEAD in the result's `properties`.
//!
//! Columns are counted in bytes, as everywhere in keyhound; they equal code points on
//! ASCII lines, which is where secrets live.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use serde_sarif::sarif;
use sha2::{Digest, Sha256};

use super::ReportOptions;
use crate::finding::{Finding, Outcome};
use crate::provenance::{short_id, Provenance};
use crate::rules::{Provider, RuleSet, Severity};

/// The schema the log declares (the OASIS 2.1.0 errata 01 schema).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Where users learn about the tool.
const INFORMATION_URI: &str = "https://github.com/keyhound/keyhound";
/// The key of our entry in `partialFingerprints`; bump the version if the derivation changes.
pub const FINGERPRINT_KEY: &str = "keyhound/v1";

/// Writes a SARIF log; rotation help comes from the providers in `rules` (so that
/// providers of user rule files are found too), falling back to generic advice.
pub fn write(
    outcome: &Outcome,
    rules: &RuleSet,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let log = build(outcome, rules, opts);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The whole log for `outcome`.
pub fn build(outcome: &Outcome, rules: &RuleSet, opts: &ReportOptions) -> sarif::Sarif {
    // One descriptor per rule that produced a result, sorted by id for stable output.
    let mut first_by_rule: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &outcome.findings {
        first_by_rule.entry(f.rule_id.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = first_by_rule
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let descriptors: Vec<sarif::ReportingDescriptor> = first_by_rule
        .values()
        .map(|f| descriptor(f, provider_for(rules, f)))
        .collect();
    let results: Vec<sarif::Result> = outcome
        .findings
        .iter()
        .map(|f| result(f, index[f.rule_id.as_str()], opts))
        .collect();

    let driver = sarif::ToolComponent::builder()
        .name("keyhound")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::from(driver))
        .results(results);
    // Suppressed findings are not results; their count by form goes in the run's properties.
    let run = if opts.suppressed.total() > 0 {
        let by_form: BTreeMap<&str, usize> = opts
            .suppressed
            .by_form()
            .map(|(form, n)| (form.as_str(), n))
            .collect();
        let mut props = BTreeMap::new();
        props.insert(
            "suppressed".to_string(),
            json!({"total": opts.suppressed.total(), "by_form": by_form}),
        );
        run.properties(
            sarif::PropertyBag::builder()
                .additional_properties(props)
                .build(),
        )
        .build()
    } else {
        run.build()
    };
    sarif::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The provider of a finding's rule, by id, if `rules` knows it.
fn provider_for<'r>(rules: &'r RuleSet, f: &Finding) -> Option<&'r Provider> {
    rules.providers.iter().find(|p| p.id == f.provider_id)
}

/// GitHub's `security-severity`: a CVSS-like score as a string.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF level for a severity.
pub fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium => sarif::ResultLevel::Warning,
        Severity::Low | Severity::Info => sarif::ResultLevel::Note,
    }
}

fn descriptor(f: &Finding, provider: Option<&Provider>) -> sarif::ReportingDescriptor {
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        json!(security_severity(f.severity)),
    );
    props.insert("precision".to_string(), json!(f.confidence.as_str()));
    props.insert("provider".to_string(), json!(f.provider_id));
    let properties = sarif::PropertyBag::builder()
        .tags(vec![
            "security".to_string(),
            "secret".to_string(),
            format!("provider/{}", f.provider_id),
        ])
        .additional_properties(props)
        .build();
    let (help_text, help_markdown) = help(f, provider);
    let full = format!(
        "A {} issued by {} was found in the scanned files or their history. Anyone who can \
         read them can use it until it is revoked: rotate it at the provider, then remove it \
         from the code and the history. Severity {}, confidence {}.",
        f.rule_name,
        f.provider_name,
        f.severity.as_str(),
        f.confidence.as_str()
    );
    let builder = sarif::ReportingDescriptor::builder()
        .id(f.rule_id.as_str())
        .name(pascal_case(&f.rule_id))
        .short_description(message_string(&f.rule_name, None))
        .full_description(message_string(&full, None))
        .help(message_string(&help_text, Some(help_markdown)))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(f.severity).to_string()))
                .build(),
        )
        .properties(properties);
    match provider
        .map(|p| p.docs_url.as_str())
        .filter(|u| !u.is_empty())
    {
        Some(url) => builder.help_uri(url).build(),
        None => builder.build(),
    }
}

fn message_string(text: &str, markdown: Option<String>) -> sarif::MultiformatMessageString {
    match markdown {
        Some(md) => sarif::MultiformatMessageString::builder()
            .text(text)
            .markdown(md)
            .build(),
        None => sarif::MultiformatMessageString::builder()
            .text(text)
            .build(),
    }
}

/// How to rotate this provider's key, as plain text and as Markdown.
fn help(f: &Finding, provider: Option<&Provider>) -> (String, String) {
    let name = &f.provider_name;
    let mut steps: Vec<(String, String)> = Vec::new();
    match provider.filter(|p| !p.revoke_url.is_empty()) {
        Some(p) => steps.push((
            format!("Revoke or rotate the key at {name}: {}", p.revoke_url),
            format!("Revoke or rotate the key at {name}: <{}>", p.revoke_url),
        )),
        None => {
            let s = format!(
                "Revoke or rotate the key in the console of the service that issued it ({name})."
            );
            steps.push((s.clone(), s));
        }
    }
    for step in provider.map(|p| p.steps.as_slice()).unwrap_or_default() {
        steps.push((step.clone(), step.clone()));
    }
    let mark = "keyhound baseline mark FINGERPRINT rotated --note \"...\"";
    let generic = [
        "Issue a replacement with the least privilege it needs: one key per service and environment.".to_string(),
        "Store the replacement in a secret manager or CI secret and inject it at runtime; do not commit it.".to_string(),
        "Remove the key from the code in every place it appears.".to_string(),
        "If the repository was ever pushed, purge the key from history with git filter-repo. Every clone must then be re-cloned, and rewriting history does not un-leak a pushed key: revoking it does.".to_string(),
        "Check the provider's audit logs for use of the key since it was first committed.".to_string(),
    ];
    steps.extend(generic.into_iter().map(|s| (s.clone(), s)));
    steps.push((
        format!("Record the rotation: {mark}"),
        format!("Record the rotation: `{mark}`"),
    ));
    let intro = format!(
        "A leaked {} must be treated as compromised. To rotate it:",
        f.rule_name
    );
    let mut text = format!("{intro}\n");
    let mut markdown = format!("{intro}\n\n");
    for (i, (t, md)) in steps.iter().enumerate() {
        text.push_str(&format!("{}. {t}\n", i + 1));
        markdown.push_str(&format!("{}. {md}\n", i + 1));
    }
    if let Some(p) = provider.filter(|p| !p.docs_url.is_empty()) {
        text.push_str(&format!("\n{name} documentation: {}\n", p.docs_url));
        markdown.push_str(&format!("\n[{name} documentation]({})\n", p.docs_url));
    }
    markdown.push_str(
        "\n`keyhound scan --checklist ROTATION.md` writes these steps for each secret, with its paths and the exact `git filter-repo` command.\n",
    );
    (text, markdown)
}

fn result(f: &Finding, rule_index: usize, opts: &ReportOptions) -> sarif::Result {
    let region = sarif::Region::builder()
        .start_line(as_i64(f.span.line))
        .start_column(as_i64(f.span.column))
        .end_line(as_i64(f.span.end_line))
        .end_column(as_i64(f.span.end_column))
        .build();
    let artifact = match (&f.provenance, f.provenance.file_path()) {
        (Provenance::Stdin, _) => Some(
            sarif::ArtifactLocation::builder()
                .uri(path_to_uri(f.path()))
                .description(sarif::Message::from("standard input"))
                .build(),
        ),
        (_, Some(path)) => Some(
            sarif::ArtifactLocation::builder()
                .uri(path_to_uri(path))
                .build(),
        ),
        (_, None) => None,
    };
    let location = match artifact {
        Some(artifact) => sarif::Location::builder()
            .physical_location(
                sarif::PhysicalLocation::builder()
                    .artifact_location(artifact)
                    .region(region)
                    .build(),
            )
            .build(),
        // A commit or tag message, or an unreachable blob, is no file: a logical location
        // names it (the message text says where in it).
        None => sarif::Location::builder()
            .logical_locations(vec![sarif::LogicalLocation::builder()
                .name(logical_name(&f.provenance))
                .kind(f.provenance.kind())
                .build()])
            .message(sarif::Message::from(
                format!(
                    "{}, line {}, column {}",
                    f.provenance.label(),
                    f.span.line,
                    f.span.column
                )
                .as_str(),
            ))
            .build(),
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        FINGERPRINT_KEY.to_string(),
        partial_fingerprint(&f.rule_id, &f.fingerprint),
    );
    sarif::Result::builder()
        .rule_id(f.rule_id.as_str())
        .rule_index(as_i64(rule_index))
        .level(level(f.severity))
        .message(sarif::Message::from(message(f, opts).as_str()))
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(result_properties(f))
        .build()
}

/// The object a message or blob finding is in: a commit id, a tag name or a blob id.
fn logical_name(p: &Provenance) -> String {
    match p {
        Provenance::CommitMessage { commit } => commit.commit.clone(),
        Provenance::TagMessage { tag } => tag.name.clone(),
        Provenance::Object { blob } => blob.clone(),
        other => other.path().to_string(),
    }
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The result message: provider, rule and the secret as the user allowed it to be shown.
fn message(f: &Finding, opts: &ReportOptions) -> String {
    let mut text = format!(
        "{} ({}) found: {}.",
        f.rule_name,
        f.provider_name,
        f.secret.shown(opts.show_secrets)
    );
    if let Some(chain) = &f.encoding {
        text.push_str(&format!(" Found after decoding {chain}."));
    }
    if let Some(note) = &f.note {
        text.push_str(&format!(" Note: {note}."));
    }
    let sanitize = crate::finding::redact::sanitize;
    match &f.provenance {
        Provenance::Commit { commit: c, .. } => {
            let author = sanitize(&c.author_name);
            text.push_str(&format!(
                " Committed in {} by {author} on {}",
                short_id(&c.commit),
                c.date
            ));
            text.push_str(match f.in_head {
                Some(false) => "; no longer at this path in HEAD, still in history.",
                _ => "; at this path in HEAD.",
            });
        }
        Provenance::CommitMessage { commit: c } => text.push_str(&format!(
            " In the message of commit {} by {} on {}.",
            short_id(&c.commit),
            sanitize(&c.author_name),
            c.date
        )),
        Provenance::TagMessage { tag } => text.push_str(&format!(
            " In the message of annotated tag {} by {} on {}.",
            sanitize(&tag.name),
            sanitize(&tag.tagger_name),
            tag.date
        )),
        _ => {}
    }
    text.push_str(" Revoke it at the provider, then remove it from the code and history.");
    text
}

/// What SARIF has no field for: the secret's fingerprint and, for history findings,
/// the commit that introduced it.
fn result_properties(f: &Finding) -> sarif::PropertyBag {
    let mut props: BTreeMap<String, Value> = BTreeMap::new();
    props.insert("fingerprint".into(), json!(f.fingerprint));
    props.insert("provider".into(), json!(f.provider_id));
    props.insert("severity".into(), json!(f.severity.as_str()));
    props.insert("confidence".into(), json!(f.confidence.as_str()));
    props.insert("source".into(), json!(f.provenance.kind()));
    if let Some(chain) = &f.encoding {
        props.insert("encoding".into(), json!(chain));
    }
    if let Some(note) = &f.note {
        props.insert("note".into(), json!(note));
    }
    if let Some(c) = f.provenance.commit() {
        props.insert("commit".into(), json!(c.commit));
        props.insert("author_name".into(), json!(c.author_name));
        props.insert("author_email".into(), json!(c.author_email));
        props.insert("date".into(), json!(c.date));
    }
    if let Some(in_head) = f.in_head {
        props.insert("in_head".into(), json!(in_head));
    }
    if let Some(tag) = f.provenance.tag() {
        props.insert("tag".into(), json!(tag));
    }
    if let Provenance::Object { blob } = &f.provenance {
        props.insert("blob".into(), json!(blob));
    }
    sarif::PropertyBag::builder()
        .additional_properties(props)
        .build()
}

/// `rule id + fingerprint` hashed: stable across runs and line moves, distinct per rule,
/// and one more hash away from the secret.
pub fn partial_fingerprint(rule_id: &str, fingerprint: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update(b":");
    hasher.update(fingerprint.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `github-classic-pat` -> `GithubClassicPat`, the identifier style SARIF suggests for names.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// Bytes escaped in a URI path: all but RFC 3986's unreserved characters and `/`.
const URI_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A report path as a URI reference: `/`-separated, relative paths stay relative (GitHub
/// resolves them against the repository root), absolute ones become `file://` URIs, and
/// every byte outside the unreserved set and `/` is percent-encoded (`a b` -> `a%20b`).
pub fn path_to_uri(path: &str) -> String {
    let mut path = path.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    let absolute = path.starts_with('/');
    let b = path.as_bytes();
    let is_drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/';
    let encoded = utf8_percent_encode(&path, URI_ESCAPED).to_string();
    if absolute {
        format!("file://{encoded}")
    } else if is_drive {
        // `C:/x` keeps its colon so that it reads as a Windows drive.
        format!("file:///{}:{}", &path[..1], &encoded[4..])
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(path_to_uri("config/app.env"), "config/app.env");
        assert_eq!(path_to_uri("./dir name/a b.env"), "dir%20name/a%20b.env");
        assert_eq!(path_to_uri("sub\\x#1.txt"), "sub/x%231.txt");
        assert_eq!(path_to_uri("c:secret"), "c%3Asecret");
        assert_eq!(path_to_uri("C:\\src\\a b"), "file:///C:/src/a%20b");
        assert_eq!(path_to_uri("/tmp/a b"), "file:///tmp/a%20b");
        assert_eq!(path_to_uri("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(path_to_uri("-"), "-");
    }

    #[test]
    fn names_and_levels() {
        assert_eq!(pascal_case("github-classic-pat"), "GithubClassicPat");
        assert_eq!(security_severity(Severity::Critical), "9.5");
        assert_eq!(level(Severity::Medium), sarif::ResultLevel::Warning);
        assert_eq!(level(Severity::Info), sarif::ResultLevel::Note);
    }

    #[test]
    fn partial_fingerprints_depend_on_rule_and_secret() {
        let a = partial_fingerprint("r1", "00ff");
        assert_eq!(a.len(), 64);
        assert_ne!(a, partial_fingerprint("r2", "00ff"));
        assert_ne!(a, partial_fingerprint("r1", "00fe"));
    }
}
