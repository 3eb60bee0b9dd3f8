//! The name filter: whether the variable a generic rule saw a value assigned to names a
//! secret (`DB_PASSWORD`, `apiKey`), only a key of unknown purpose (`key`, `other_key`), or a
//! setting about a secret (`PASSWORD_POLICY`, `TOKEN_ISSUER`, `SIGNING_KEY_ID`).

/// Words that, at the end of a variable name, say the value is a setting about a secret
/// (`PASSWORD_POLICY`, `TOKEN_ISSUER`, `SIGNING_KEY_ID`) rather than the secret itself.
const NON_SECRET_SUFFIXES: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "policy",
    "issuer",
    "url",
    "uri",
    "urls",
    "endpoint",
    "host",
    "type",
    "types",
    "file",
    "files",
    "path",
    "dir",
    "length",
    "len",
    "size",
    "count",
    "timeout",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "header",
    "field",
    "param",
    "format",
    "mode",
    "algorithm",
    "alg",
    "version",
    "prefix",
    "suffix",
    "hash",
    "env",
    "var",
    "label",
    "pattern",
    "regex",
    "min",
    "max",
    "enabled",
    "required",
    "manager",
    "provider",
    "store",
    "kind",
    "location",
    "ref",
    "arn",
    "digest",
    "limit",
    "rotation",
    "lifetime",
    "age",
    "scope",
    "scopes",
    "rule",
    "rules",
    "mask",
    "index",
    "hint",
    "question",
    "reset",
    "strength",
    "generator",
    "service",
    "class",
    "method",
    "module",
    "handler",
    "callback",
    "column",
    "table",
    "validator",
    "validation",
    "regexp",
    "input",
    "text",
    "message",
    "error",
    "title",
    "description",
    "placeholder",
    "template",
    "example",
    "fingerprint",
    "checksum",
    "iterations",
    "rounds",
    "cost",
    "encoding",
    "charset",
    "storage",
    "source",
    "keyid",
    "status",
    "state",
    "flag",
    "option",
    "options",
    "settings",
    "config",
    "uuid",
    "attribute",
];

/// Strong secret words: a variable name needs one of them for a generic rule to count.
const SECRET_WORD_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "credentials",
    "credential",
];

/// Words that, before `token`, name something that is not a credential: pagination
/// cursors, idempotency and CSRF tokens, change markers.
/// Words before `pass` that make it a stage of a process (a render or compiler pass), not
/// a password: `render_pass`, `shader_pass`, `first_pass`.
const PASS_NON_SECRET_QUALIFIERS: &[&str] = &[
    "render",
    "shader",
    "draw",
    "compute",
    "lighting",
    "light",
    "shadow",
    "depth",
    "geometry",
    "gbuffer",
    "post",
    "blur",
    "bloom",
    "opaque",
    "transparent",
    "deferred",
    "forward",
    "main",
    "first",
    "second",
    "third",
    "final",
    "last",
    "next",
    "prev",
    "previous",
    "single",
    "multi",
    "one",
    "two",
    "compile",
    "compiler",
    "build",
    "lint",
    "optimization",
    "opt",
    "analysis",
    "codegen",
    "transform",
    "lowering",
    "test",
    "check",
    "review",
    "boarding",
    "by",
    "mountain",
];

const TOKEN_NON_SECRET_QUALIFIERS: &[&str] = &[
    "next",
    "page",
    "pagination",
    "continuation",
    "sync",
    "cursor",
    "marker",
    "update",
    "idempotency",
    "client",
    "request",
    "csrf",
    "xsrf",
    "cancel",
    "resume",
    "change",
    "policy",
    "lex",
    "parse",
    "cancellation",
    "end",
    "start",
    "eof",
    "first",
    "last",
    "prev",
    "previous",
    "sequence",
    "starting",
    "verification",
    "forward",
    "backward",
];

/// Words that turn a following `key` into a secret's name (`api_key`, `signing_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "signing",
    "encryption",
    "master",
    "client",
    "app",
    "auth",
    "license",
    "consumer",
    "session",
    "shared",
    "webhook",
    "hmac",
    "jwt",
    "service",
    "account",
    "admin",
    "write",
    "subscription",
    "integration",
    "decryption",
    "cipher",
    "crypto",
    "aes",
    "cookie",
    "sign",
    "symmetric",
];

/// Words that may follow a secret word at the end of a name (`SECRET_KEY_BASE`, `PASSWORD_VALUE`).
const SECRET_TRAILERS: &[&str] = &[
    "value",
    "b64",
    "base64",
    "hex",
    "raw",
    "plain",
    "plaintext",
    "base",
    "enc",
    "encrypted",
    "prod",
    "production",
    "live",
    "dev",
    "staging",
    "test",
];

/// What a variable name says about the value assigned to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameVerdict {
    /// The name says secret: `DB_PASSWORD`, `apiKey`, `hmac_key`, `session_salt`.
    Secret,
    /// A key of unstated purpose (`key`, `other_key`): a secret only if the value is clearly random.
    Key,
    /// A setting about a secret or no secret at all: `PASSWORD_POLICY`, `cache_key`, `tokenizer`.
    Not,
}

/// Words that, before `key`, say the key is not a credential: database and cache keys,
/// lookup and translation keys, public keys and key fingerprints (`GPG_KEY` holds a 40-hex
/// fingerprint in many Dockerfiles).
const KEY_NON_SECRET_QUALIFIERS: &[&str] = &[
    "cache",
    "primary",
    "foreign",
    "sort",
    "partition",
    "range",
    "row",
    "composite",
    "unique",
    "idempotency",
    "dedup",
    "dedupe",
    "deduplication",
    "routing",
    "object",
    "s3",
    "map",
    "lookup",
    "dict",
    "i18n",
    "translation",
    "locale",
    "message",
    "label",
    "list",
    "item",
    "index",
    "storage",
    "db",
    "table",
    "column",
    "field",
    "attribute",
    "property",
    "prop",
    "registry",
    "hot",
    "short",
    "shortcut",
    "keyboard",
    "public",
    "pub",
    "gpg",
    "pgp",
    "host",
    "known",
    "group",
    "metric",
    "event",
    "query",
    "search",
    "state",
    "store",
    "redis",
    "memo",
    "react",
    "render",
    "component",
    "natural",
    "surrogate",
    "lock",
    "bucket",
    "file",
    "site",
    "publishable",
    "recaptcha",
    "captcha",
];

/// What a variable name (as matched by a generic rule) says: its last word (ignoring
/// trailing digits and a trailer such as `_value`) must be a secret word for [`NameVerdict::Secret`].
pub fn name_verdict(name: &[u8]) -> NameVerdict {
    let words = split_words(name);
    let mut end = words.len();
    if end > 1
        && SECRET_TRAILERS.contains(&words[end - 1].trim_end_matches(|c: char| c.is_ascii_digit()))
    {
        end -= 1;
    }
    let Some(last) = end
        .checked_sub(1)
        .map(|i| words[i].trim_end_matches(|c: char| c.is_ascii_digit()))
    else {
        return NameVerdict::Not;
    };
    if NON_SECRET_SUFFIXES.contains(&last) {
        return NameVerdict::Not;
    }
    let before = end.checked_sub(2).map(|i| words[i].as_str());
    if last == "token" && before.is_some_and(|w| TOKEN_NON_SECRET_QUALIFIERS.contains(&w)) {
        return NameVerdict::Not;
    }
    if last == "pass" && before.is_some_and(|w| PASS_NON_SECRET_QUALIFIERS.contains(&w)) {
        return NameVerdict::Not;
    }
    let secret = SECRET_WORD_ENDINGS.iter().any(|e| last.ends_with(e))
        || matches!(last, "pass" | "auth" | "hmac")
        || (last == "key" && before.is_some_and(|w| KEY_QUALIFIERS.contains(&w)));
    if secret {
        return NameVerdict::Secret;
    }
    // A salt is often a fixed label (`b"app:HKDF:v1"`); only a random one is kept.
    let key = matches!(last, "key" | "keys") || last == "salt";
    if key && !before.is_some_and(|w| KEY_NON_SECRET_QUALIFIERS.contains(&w)) {
        return NameVerdict::Key;
    }
    NameVerdict::Not
}

/// Splits `DB_PASSWORD`, `apiKey`, `x-api-key`, `client.secret` into lowercase words.
fn split_words(name: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for &b in name {
        if !b.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if b.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
        current.push(b.to_ascii_lowercase() as char);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}
