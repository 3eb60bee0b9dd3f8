//! Filters that reject matches which have a secret's shape but are not secrets:
//! documented examples, placeholders, references to variables, digests, UUIDs,
//! weak demo passwords, and names that contain a secret-ish word but hold a setting.
//!
//! [`is_placeholder`] applies to every rule; the rest apply to generic rules only,
//! where the regex knows little about the value.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::entropy::shannon;

/// Words that mark a value as a stand-in rather than a key, in any rule.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "dummy",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "insert",
    "replace",
    "xxxx",
    "****",
    "…", // a value already redacted (by keyhound or another tool)
    "...",
    "<",
    ">",
    "fake",
    "sample",
    "todo",
    "fixme",
];

/// Whether a matched secret is obviously a placeholder (applies to all rules).
pub fn is_placeholder(secret: &[u8]) -> bool {
    // Long random blocks (key bodies) contain short words like "todo" by chance.
    if secret.len() > 100 {
        return false;
    }
    let lower = secret.to_ascii_lowercase();
    if any_of(&PLACEHOLDERS, PLACEHOLDER_WORDS, &lower) {
        return true;
    }
    mostly_one_byte(secret) || has_run(secret, 6) || has_sequence(&lower, 5)
}

/// True when `n` consecutive letters or digits appear in order (`abcde`, `vwxyz`, `34567`):
/// documentation keys typed by hand, vanishingly rare in random ones.
fn has_sequence(lower: &[u8], n: usize) -> bool {
    lower.windows(n).any(|w| {
        w[0].is_ascii_alphanumeric()
            && w.windows(2)
                .all(|p| p[1] == p[0] + 1 && p[1].is_ascii_alphanumeric())
    })
}

/// True when some byte repeats `n` times in a row (`000000`, `xxxxxx`).
fn has_run(secret: &[u8], n: usize) -> bool {
    secret.windows(n).any(|w| w.iter().all(|&b| b == w[0]))
}

/// True when a single byte makes up at least 60% of a value of 8+ bytes (`aaaaaaaa`, `0000…1`).
fn mostly_one_byte(secret: &[u8]) -> bool {
    if secret.len() < 8 {
        return false;
    }
    let mut counts = [0usize; 256];
    for &b in secret {
        counts[b as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    max * 10 >= secret.len() * 6
}

static PLACEHOLDERS: OnceLock<AhoCorasick> = OnceLock::new();
static REFERENCES: OnceLock<AhoCorasick> = OnceLock::new();
static SELF_DESCRIBING: OnceLock<AhoCorasick> = OnceLock::new();

/// Whether `haystack` contains any of `words`: one automaton pass instead of one
/// substring search per word (these run on every candidate match).
fn any_of(cell: &OnceLock<AhoCorasick>, words: &[&str], haystack: &[u8]) -> bool {
    cell.get_or_init(|| AhoCorasick::new(words).expect("filter words are plain literals"))
        .is_match(haystack)
}

/// Passwords that documentation and local development defaults use; never real secrets.
const WEAK_PASSWORDS: &[&str] = &[
    "password",
    "passw0rd",
    "password1",
    "password123",
    "pass",
    "pass123",
    "secret",
    "secret123",
    "admin",
    "admin123",
    "administrator",
    "root",
    "toor",
    "test",
    "test123",
    "testing",
    "guest",
    "user",
    "username",
    "postgres",
    "mysql",
    "redis",
    "mongo",
    "mongodb",
    "rabbitmq",
    "guest123",
    "changeit",
    "letmein",
    "welcome",
    "qwerty",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "default",
    "demo",
    "local",
    "localhost",
    "dev",
    "development",
    "sa",
    "mypassword",
    "mysecret",
    "supersecret",
    "topsecret",
    "s3cr3t",
    "p@ssw0rd",
    "p@ssword",
    "foobar",
    "foo",
    "bar",
    "abc123",
    "none",
    "null",
    "nil",
    "empty",
    "true",
    "false",
    "undefined",
    "hunter2",
    "docker",
    "vagrant",
    "ubuntu",
    "oracle",
    "sqlserver",
    "airflow",
    "keycloak",
    "minio",
    "minioadmin",
    "minio123",
    "elastic",
    "changeme123",
    "token",
    "apikey",
    "api_key",
    "secretkey",
];

/// Whether a generic value is a well-known weak or default password.
pub fn is_weak_password(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    WEAK_PASSWORDS.iter().any(|w| lower == w.as_bytes())
}

/// Markers of a reference to a value held elsewhere (environment, template, config lookup).
const REFERENCE_MARKERS: &[&str] = &[
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "#{",
    "<%",
    "%>",
    "process.env",
    "os.environ",
    "getenv",
    "env[",
    "env.",
    "env(",
    "secrets.",
    "vault:",
    "ssm:",
    "arn:aws",
    "system.getenv",
    "config.",
    "settings.",
    "configuration[",
    "@value",
    "valuefrom",
    "secretkeyref",
    "%s",
    "%v",
    "%d",
    "()",
    "this.",
    "self.",
];

/// Whether a generic value refers to a secret instead of containing one.
pub fn is_reference(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    if any_of(&REFERENCES, REFERENCE_MARKERS, &lower) {
        return true;
    }
    // `$NAME`, `%NAME%`, `@NAME@`: shell, Windows and build-tool variables.
    let s = secret;
    if s.first() == Some(&b':') {
        return true;
    }
    // Template interpolation: `{name}`, f"share-{id}", `{current_phrase}`.
    if let Some(open) = s.iter().position(|&b| b == b'{') {
        if let Some(close) = s[open..].iter().position(|&b| b == b'}') {
            let inner = &s[open + 1..open + close];
            if !inner.is_empty()
                && inner
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            {
                return true;
            }
        }
    }
    // Indexing into a structure: `Shards[-1].ShardId`, `config["key"]`.
    if s.contains(&b'[') && s.contains(&b']') && s.contains(&b'.') {
        return true;
    }
    if s.len() > 1 && s[0] == b'$' && (s[1].is_ascii_alphabetic() || s[1] == b'_') {
        return true;
    }
    if s.len() > 2
        && (s[0] == b'%' && s[s.len() - 1] == b'%' || s[0] == b'@' && s[s.len() - 1] == b'@')
    {
        return true;
    }
    // A dotted identifier path (`config.db.password`, `req.body.token`) is code, not a value.
    let identifier_path = s.contains(&b'.')
        && s.split(|&b| b == b'.').all(|part| {
            !part.is_empty()
                && part.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
                && part[0].is_ascii_alphabetic()
        });
    identifier_path
}

/// Whether a generic value is a digest, an id or some other public structure:
/// git SHAs and sha256/512 hex, UUIDs, lockfile integrity strings, URLs, paths, data URIs.
pub fn is_structured_non_secret(secret: &[u8]) -> bool {
    let all_hex = secret.iter().all(u8::is_ascii_hexdigit);
    // Digests (40/56/64/96/128) and short hex ids or hash prefixes (under 20).
    if all_hex && (matches!(secret.len(), 40 | 56 | 64 | 96 | 128) || secret.len() < 20) {
        return true;
    }
    if is_uuid(secret) {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    const PREFIXES: &[&str] = &[
        "sha1-",
        "sha256-",
        "sha384-",
        "sha512-",
        "sha256:",
        "sha512:",
        "md5:",
        "h1:",
        // Keys that are public by design: Stripe publishable, Mapbox public tokens.
        "pk_live_",
        "pk_test_",
        "pk.ey",
        "http://",
        "https://",
        "file://",
        "data:",
        "/",
        "./",
        "../",
        "~/",
        "git@",
        "arn:",
        "projects/",
    ];
    if PREFIXES.iter().any(|p| lower.starts_with(p.as_bytes())) {
        return true;
    }
    // bcrypt/argon/crypt hashes are stored digests, not credentials that grant access.
    lower.starts_with(b"$2a$") || lower.starts_with(b"$2b$") || lower.starts_with(b"$argon2")
}

/// Canonical 8-4-4-4-12 hex UUID.
pub fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether a generic value looks like an ordinary word or identifier rather than a random key:
/// `strict`, `my_token_name`, `SomeClassName`, `Bearer`.
pub fn is_wordlike(secret: &[u8]) -> bool {
    let has_digit = secret.iter().any(u8::is_ascii_digit);
    let has_upper = secret.iter().any(u8::is_ascii_uppercase);
    let has_lower = secret.iter().any(u8::is_ascii_lowercase);
    let has_symbol = secret.iter().any(|b| !b.is_ascii_alphanumeric());
    let classes = [has_digit, has_upper, has_lower, has_symbol]
        .iter()
        .filter(|&&c| c)
        .count();
    if classes < 2 {
        return true;
    }
    // Letters only: words and CamelCase have few capitals; random strings about half.
    // Short letters-only values (`OpenIDCode`, `AWSAccessKeyId`) are names, not keys.
    if secret.iter().all(u8::is_ascii_alphabetic) {
        if secret.len() < 16 {
            return true;
        }
        let upper = secret.iter().filter(|b| b.is_ascii_uppercase()).count();
        return upper * 10 < secret.len() * 3 || upper * 10 > secret.len() * 7;
    }
    // kebab-case, snake_case and dotted identifiers: lowercase words between separators.
    let separated = secret.iter().any(|&b| matches!(b, b'-' | b'_' | b'.'));
    let separator_or_digit = |b: u8| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.');
    let lower_identifier = secret
        .iter()
        .all(|&b| b.is_ascii_lowercase() || separator_or_digit(b));
    let upper_identifier = secret
        .iter()
        .all(|&b| b.is_ascii_uppercase() || separator_or_digit(b));
    if separated && (lower_identifier || upper_identifier) {
        let letters = secret.iter().filter(|b| b.is_ascii_alphabetic()).count();
        return letters * 10 >= secret.len() * 6;
    }
    is_path(secret)
}

/// A relative file path: `/`-separated segments that are each lowercase words or file names.
fn is_path(secret: &[u8]) -> bool {
    secret.contains(&b'/')
        && secret.split(|&b| b == b'/').all(|seg| {
            seg.iter().all(|&b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            })
        })
}

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
    "label",
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
    "salt",
    "iterations",
    "rounds",
    "cost",
    "encoding",
    "charset",
    "storage",
    "source",
    "key_id",
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
    "secret_name",
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

/// Whether a variable name (as matched by a generic rule) names a secret: its last word
/// (ignoring trailing digits and a trailer such as `_value`) must be a secret word.
pub fn is_secret_name(name: &[u8]) -> bool {
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
        return false;
    };
    if NON_SECRET_SUFFIXES.contains(&last) {
        return false;
    }
    if last == "token" && end > 1 && TOKEN_NON_SECRET_QUALIFIERS.contains(&words[end - 2].as_str())
    {
        return false;
    }
    SECRET_WORD_ENDINGS.iter().any(|e| last.ends_with(e))
        || last == "pass"
        || last == "auth"
        || (last == "key" && end > 1 && KEY_QUALIFIERS.contains(&words[end - 2].as_str()))
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

/// All checks a generic rule's value goes through; `true` means "reject".
pub fn reject_generic_value(secret: &[u8], min_entropy: Option<f64>) -> bool {
    let lower = secret.to_ascii_lowercase();
    // A value that spells out what it is ("webdavgeneratedpassword2", "my-secret-token").
    const SELF_DESCRIBING_WORDS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "localhost",
        "127.0.0.1",
    ];
    let self_describing = any_of(&SELF_DESCRIBING, SELF_DESCRIBING_WORDS, &lower);
    self_describing
        || has_sequence(&lower, 4)
        || secret.len() < 8
        || is_weak_password(secret)
        || is_reference(secret)
        || is_structured_non_secret(secret)
        || is_wordlike(secret)
        || shannon(secret) < min_entropy.unwrap_or(3.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in [
            "DB_PASSWORD",
            "apiKey",
            "x-api-key",
            "client_secret",
            "GITHUB_TOKEN",
            "secret_key_base",
            "authToken",
            "passwd",
        ] {
            assert!(is_secret_name(yes.as_bytes()), "{yes}");
        }
        for no in [
            "PASSWORD_POLICY",
            "TOKEN_ISSUER",
            "SIGNING_KEY_ID",
            "cache_key",
            "tokenizer",
            "author",
            "monkey",
            "token_type",
            "passwordHash",
        ] {
            assert!(!is_secret_name(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn values() {
        for no in [
            "your_api_key_here",
            "${API_KEY}",
            "process.env.TOKEN",
            "changeme",
            "xxxxxxxxxxxx",
            "REDACTED",
            "password",
            "d41d8cd98f00b204e9800998ecf8427e0dc0ffee",
            "123e4567-e89b-12d3-a456-426614174000",
            "sha512-abc",
            "strict",
            "config.db.password",
            "$API_TOKEN",
        ] {
            assert!(
                reject_generic_value(no.as_bytes(), Some(3.0)) || is_placeholder(no.as_bytes()),
                "{no}"
            );
        }
        for yes in ["Vq7#mP2x!Lr9", "a8F3kL2qZ9xW4mN7", "hK8s2Lp0Qw9Zx3Mv"] {
            assert!(
                !reject_generic_value(yes.as_bytes(), Some(3.0)) && !is_placeholder(yes.as_bytes()),
                "{yes}"
            );
        }
    }
}
