//! Value filters of the generic rules: weak demo passwords, references to values held
//! elsewhere, digests and other public structures, and word-like values.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::any_of;

static REFERENCES: OnceLock<AhoCorasick> = OnceLock::new();

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
    if WEAK_PASSWORDS.iter().any(|w| lower == w.as_bytes()) {
        return true;
    }
    // A lowercase word and a few digits (`console123`, `minio2024`): a demo default.
    let letters = secret.iter().take_while(|b| b.is_ascii_lowercase()).count();
    let digits = secret.len() - letters;
    secret.len() <= 16
        && letters >= 3
        && (1..=4).contains(&digits)
        && secret[letters..].iter().all(u8::is_ascii_digit)
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
    // Short hex ids and hash prefixes. Longer hex is judged by its context (`digest_context`).
    if secret.len() < 20 && secret.iter().all(u8::is_ascii_hexdigit) {
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
        "sha1:",
        "sha384:",
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
    // A pinned image or action: `repo@sha256:…`, `actions/checkout@<40 hex>`.
    if memchr::memmem::find(&lower, b"@sha256:").is_some() {
        return true;
    }
    // A file or classpath reference to where the key is kept (`classpath:client.key`,
    // `file:/etc/app/tls.key`, `certs/server.pem`).
    const FILE_PREFIXES: &[&[u8]] = &[b"classpath:", b"classpath*:", b"file:", b"resource:"];
    const KEY_FILE_SUFFIXES: &[&[u8]] = &[
        b".key",
        b".pem",
        b".jks",
        b".p12",
        b".pfx",
        b".crt",
        b".cer",
        b".der",
        b".keystore",
        b".truststore",
        b".json",
        b".yaml",
        b".yml",
        b".txt",
        b".ppk",
        b".pub",
        b".asc",
        b".gpg",
    ];
    if FILE_PREFIXES.iter().any(|p| lower.starts_with(p))
        || KEY_FILE_SUFFIXES.iter().any(|x| lower.ends_with(x))
    {
        return true;
    }
    // bcrypt/argon/crypt hashes (also inside an htpasswd `user:$2y$…` line) are stored
    // digests, not credentials that grant access.
    const CRYPT_MARKERS: &[&[u8]] = &[
        b"$2a$",
        b"$2b$",
        b"$2y$",
        b"$argon2",
        b"$apr1$",
        b"$pbkdf2",
        b"$5$rounds",
        b"$6$rounds",
        b"{ssha}",
        b"{sha}",
        b"{ssha512}",
    ];
    CRYPT_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m).is_some())
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
    // kebab-case, snake_case, dotted and namespaced identifiers (`system:masters`,
    // `foo/bar-baz`): lowercase words between separators.
    let separator = |b: u8| matches!(b, b'-' | b'_' | b'.' | b'/' | b':');
    let separated = secret.iter().any(|&b| separator(b));
    let separator_or_digit = |b: u8| b.is_ascii_digit() || separator(b);
    let lower_identifier = secret
        .iter()
        .all(|&b| b.is_ascii_lowercase() || separator_or_digit(b));
    let upper_identifier = secret
        .iter()
        .all(|&b| b.is_ascii_uppercase() || separator_or_digit(b));
    if separated && (lower_identifier || upper_identifier) {
        let letters = secret.iter().filter(|b| b.is_ascii_alphabetic()).count();
        if letters * 10 >= secret.len() * 6 {
            return true;
        }
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

/// Words in a variable name that say its value is a digest or a revision, not a credential.
const DIGEST_NAME_WORDS: &[&str] = &[
    "sha",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "md5",
    "digest",
    "checksum",
    "hash",
    "integrity",
    "commit",
    "rev",
    "revision",
    "ref",
    "etag",
    "fingerprint",
    "crc",
    "blake2b",
    "blake3",
    "hmac256sum",
    "sum",
    "oid",
    "sri",
];

/// Whether the context of a hex value says it is a digest: the variable name holds a digest
/// word (`sha256`, `checksum`, `commit`, `etag`, …), or the value directly follows `@`,
/// `h1:`, `sha256:`/`sha512:`, or sits in an `integrity`/`uses:` field.
pub(super) fn digest_context(context: super::ValueContext<'_>) -> bool {
    if let Some(name) = context.name {
        let lower = name.to_ascii_lowercase();
        let digest_word = lower
            .split(|b| !b.is_ascii_alphanumeric())
            .any(|w| DIGEST_NAME_WORDS.iter().any(|d| w == d.as_bytes()))
            || camel_words(name).any(|w| DIGEST_NAME_WORDS.contains(&w.as_str()));
        if digest_word {
            return true;
        }
    }
    let before = context.before.to_ascii_lowercase();
    let trimmed = before.trim_ascii_end();
    const MARKERS: &[&[u8]] = &[
        b"@", b"h1:", b"sha1:", b"sha256:", b"sha512:", b"md5:", b"#",
    ];
    if MARKERS.iter().any(|m| trimmed.ends_with(m)) {
        return true;
    }
    let line_start = before.trim_ascii_start();
    line_start.starts_with(b"uses:") || line_start.starts_with(b"- uses:")
}

/// The lowercase words of a camelCase name (`fileSha256` → `file`, `sha256`).
fn camel_words(name: &[u8]) -> impl Iterator<Item = String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for &b in name {
        if !b.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if b.is_ascii_uppercase()
            && current
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_lowercase())
        {
            words.push(std::mem::take(&mut current));
        }
        current.push(b.to_ascii_lowercase() as char);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words.into_iter()
}

/// The text a standard base64 value encodes, when it is printable ASCII (`cGFzc3dvcmQ=` is
/// `password`). Random keys decode to binary and yield `None`.
pub(super) fn base64_text(value: &[u8]) -> Option<Vec<u8>> {
    let body_len = value.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let padding = value.len() - body_len;
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/');
    if value.len() < 8 || padding > 2 || !value[..body_len].iter().all(alphabet) {
        return None;
    }
    if padding > 0 && value.len() % 4 != 0 {
        return None;
    }
    let decoded = crate::matcher::checksum::base64url_decode(&value[..body_len])?;
    let printable = decoded
        .iter()
        .all(|&b| b.is_ascii_graphic() || b == b' ' || b == b'\n' || b == b'\r' || b == b'\t');
    printable.then(|| decoded.trim_ascii().to_vec())
}
