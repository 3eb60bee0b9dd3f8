//! Tests: values judged by their context, not their shape. Each test holds both sides of a
//! line: the false alarm that must stay quiet and its true twin that must still be found,
//! asserting exact rule, path, line and column.

use crate::util::{fake, Run, TestEnv};

/// A finding as (rule, path, line, column).
type Hit = (String, String, u64, u64);

fn hits(list: &[serde_json::Value]) -> Vec<Hit> {
    list.iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
            )
        })
        .collect()
}

/// Scans the whole test directory with `extra` arguments; fails on exit status 2.
fn scan(env: &TestEnv, extra: &[&str]) -> (Run, Vec<Hit>) {
    let mut args = vec!["."];
    args.extend_from_slice(extra);
    let (run, list) = env.scan_json(&args);
    assert_ne!(run.code, 2, "{}", run.stderr);
    (run, hits(&list))
}

/// The expected hit for `needle` on 1-based line `line` of `text` in `path`.
fn at(rule: &str, path: &str, text: &str, line: u64, needle: &str) -> Hit {
    let content = text
        .lines()
        .nth(line as usize - 1)
        .expect("line exists in the fixture");
    let column = content.find(needle).expect("needle on that line") as u64 + 1;
    (rule.to_string(), path.to_string(), line, column)
}

/// `token` with its last character changed, so its CRC32 no longer matches.
fn broken_checksum(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ASCII")
}

// ---------------------------------------------------------------- 1. failed format checks

#[test]
fn a_token_failing_its_checksum_is_no_secret_for_any_rule() {
    let env = TestEnv::new();
    let good = fake::github_pat("Q7mLr2XkTz4mB9pWc7sYh1dNf6uJe3");
    let bad = broken_checksum(&fake::github_pat("Zp4Wc8sYh2dNf7uJe3aQ9mLr5XkTz1"));
    let text = format!(
        "token = \"{bad}\"\ntoken = \"{good}\"\n\
         headers = {{\"Authorization\": \"Bearer {bad}\"}}\n\
         headers = {{\"Authorization\": \"Bearer {good}\"}}\n\
         GITHUB_TOKEN={bad}\n"
    );
    env.write("client.py", &text);
    let (run, found) = scan(&env, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        found,
        [
            at("github-classic-pat", "client.py", &text, 2, &good),
            at("github-classic-pat", "client.py", &text, 4, &good),
        ]
    );
}

#[test]
fn a_jwt_whose_header_is_not_json_is_no_secret_for_any_rule() {
    let env = TestEnv::new();
    // Header {"alg":"HS256","typ":"JWT"}; the broken one decodes to plain text.
    let payload = "eyJzdWIiOiAiU0E4MHJ0N3oiLCAiaWF0IjogMTcwMDAwMDAwMH0";
    let signature = "7lFNnuvhH4yL5yumxCIEYD5iAOERZwPDsZhxAJf27B-";
    let good = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.{signature}");
    let bad = format!("eyJub3QganNvbiBhdCBhbGwgcmVhbGx5.{payload}.{signature}");
    let text = format!(
        "session_token = \"{bad}\"\nsession_token = \"{good}\"\nAuthorization: Bearer {bad}\n"
    );
    env.write("session.txt", &text);
    let (_, found) = scan(&env, &[]);
    assert_eq!(found, [at("jwt-token", "session.txt", &text, 2, &good)]);
}

// ---------------------------------------------------------------- 2. key IDs are whole tokens

#[test]
fn key_ids_inside_digests_and_base64_are_not_found_but_whole_ones_are() {
    let env = TestEnv::new();
    let go_sum = "github.com/acme/logkit v1.2.2 h1:dj/LTAIJipwXRJpa3S9cgyRIKgOmkpWQOnI=\n\
                  github.com/acme/cloudsdk v1.31.11 h1:ExVMWEtJMje+AKIAZCS5PODV5I2QK3JH/bim6djJPEM=\n\
                  github.com/acme/stdr v1.4.0 h1:AKIAZCS5PODV5I2QK3JHkpeexm8YjS01WE7yW+c=\n";
    env.write("go.sum", go_sum);
    env.write(
        "package-lock.json",
        "{\"integrity\": \"sha512-0vs9p6l8PTYc1aoHA8EE+AIzawIUgOkXCl40mZJhGNsmN0kuTX1RvdVnWJGiwVg2YMWq7q6WgN6nhnD5JuLOcLjk03MPj5OF39xwONVA==\"}\n",
    );
    env.write(
        "index.html",
        "<script src=\"app.js\" integrity=\"sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC\"></script>\n\
         <img src=\"data:image/png;base64,0vs9p6l8PTYc1aoHA8EE/LTAIJipwXRJpa3S9cgyRIKgO+YMWq7q6WgN6nhnD5Ju\">\n",
    );
    let env_text = "AWS_ACCESS_KEY_ID=AKIAZCS5PODV5I2QK3JH\n\
                    ALIBABA_ACCESS_KEY_ID=\"LTAIJipwXRJpa3S9cgyRIKgO\"\n\
                    GOOGLE_API_KEY: AIzawIUgOkXCl40mZJhGNsmN0kuTX1RvdVnWJGi\n\
                    url = \"https://s3.amazonaws.com/b/o?X-Amz-Credential=AKIAZCS5PODV5I2QK3JH/20240101/us-east-1/s3/aws4_request\"\n";
    env.write("deploy.env", env_text);
    let (_, found) = scan(&env, &[]);
    assert_eq!(
        found,
        [
            at("aws-access-key-id", "deploy.env", env_text, 1, "AKIA"),
            at("alibaba-access-key-id", "deploy.env", env_text, 2, "LTAI"),
            at("gcp-api-key", "deploy.env", env_text, 3, "AIza"),
            at("aws-access-key-id", "deploy.env", env_text, 4, "AKIA"),
        ]
    );
}

// ---------------------------------------------------------------- 3. masks and templates

#[test]
fn masked_and_templated_values_are_not_secrets_in_any_format() {
    let masks = [
        "[FILTERED]",
        "[MASKED]",
        "[REDACTED]",
        "<redacted>",
        "***",
        "********",
        "xxxxxxxxxxxx…",
        "{{ db_password }}",
        "{{db_password}}",
        "%(db_password)s",
        "$(DB_PASSWORD)",
        "#{db_password}",
        "${DB_PASSWORD}",
        "<%= ENV['DB_PASSWORD'] %>",
        "[secure]",
        "***REMOVED***",
        "•••••••••",
    ];
    let forms = |value: &str| {
        vec![
            format!("password = \"{value}\""),
            format!("password: '{value}'"),
            format!("DB_PASSWORD={value}"),
            format!("  \"password\": \"{value}\","),
            format!("<password>{value}</password>"),
            format!("mysql --password={value} app"),
            format!("db_password: {value}"),
            format!("$cfg['db_password'] = '{value}';"),
            format!("dataSource.setPassword(\"{value}\");"),
            format!("Authorization: Bearer {value}"),
            format!("X-API-Key: {value}"),
            format!("Server=db;Database=app;User Id=app;Password={value};"),
            format!("postgres://app:{value}@db.acme.dev:5432/app"),
            format!("https://deploy:{value}@git.acme.dev/acme/app.git"),
        ]
    };
    let env = TestEnv::new();
    let negatives: Vec<String> = masks.iter().flat_map(|m| forms(m)).collect();
    env.write("masked.txt", negatives.join("\n") + "\n");
    // The true twin: the same forms with a random password are all found.
    let real = "S6k8vaFHjAvmUYkeSz7yiW";
    let positives = forms(real).join("\n") + "\n";
    env.write("real.txt", &positives);
    let (_, found) = scan(&env, &[]);
    let paths_lines: Vec<(&str, u64)> = found.iter().map(|h| (h.1.as_str(), h.2)).collect();
    assert_eq!(
        paths_lines,
        (1..=14).map(|l| ("real.txt", l)).collect::<Vec<_>>(),
        "{found:?}"
    );
}

// ---------------------------------------------------------------- 4. hex judged by context

#[test]
fn hex_keys_are_found_and_hex_digests_are_not() {
    let env = TestEnv::new();
    let hmac = "f11acb581ccbe24acecf651f096d705d2fce8dc25d3022f46ed10585417b7f3e";
    let base = "fd3d66c68628237fa0956af05a7a08668c9f1e5e312ee7ec960ba77394b6d9697ee321dc4cb93cad4001cba0335ee19dc24958942520810edcc1bceaaef4d384";
    let client = "f023ff6c9e536c049a4b0efd72a3b8371f02bb64";
    let key40 = "RDYKKjKLiDsu880vov4qHZbudFrgHcO4fPMvw2EX";
    let keys = format!(
        "WEBHOOK_SECRET = \"{hmac}\"\nsecret_key_base: {base}\nGITHUB_CLIENT_SECRET={client}\n\
         session_salt = \"{hmac}\"\nkey: {key40}\nsigning_key = '{client}'\n"
    );
    env.write("keys.txt", &keys);
    let sha256 = "159c04bb4613c6d9823f7bf4a2af7862aa6e498ddfe0ee924969e232bb2dd87c";
    let sha1 = "0679657bddc10ea3e4fed44b9dcbc4185e948a78";
    env.write(
        "digests.txt",
        format!(
            "checksum = \"{sha256}\"\ntoken_sha256 = \"{sha256}\"\nimage: registry.acme.dev/app@sha256:{sha256}\n\
             - uses: actions/checkout@{sha1}\nGIT_COMMIT={sha1}\nsecret_digest: {sha256}\n\
             etag: \"{sha1}\"\ncache_key = \"{sha1}\"\nkey: 0123456789abcdef0123456789abcdef01234567\n"
        ),
    );
    let (_, found) = scan(&env, &[]);
    assert_eq!(
        found,
        [
            at("generic-secret-assignment", "keys.txt", &keys, 1, hmac),
            // Rails' own rule claims a 128-hex `secret_key_base`.
            at("rails-secret-key-base", "keys.txt", &keys, 2, base),
            // A 40-hex `*_CLIENT_SECRET` under a GitHub name is GitHub's own rule.
            at("github-oauth-client-secret", "keys.txt", &keys, 3, client),
            at("generic-secret-assignment", "keys.txt", &keys, 4, hmac),
            at("generic-key-assignment", "keys.txt", &keys, 5, key40),
            at("generic-key-assignment", "keys.txt", &keys, 6, client),
        ]
    );
}

// ---------------------------------------------------------------- 5. placeholder words by chance

#[test]
fn placeholder_words_inside_random_bodies_do_not_drop_real_keys() {
    let env = TestEnv::new();
    let gh_todo = fake::github_pat("Todo8Lr0XkTz4mB9pWc7sYh1dNf6uJ");
    let gh_test = fake::github_pat("q8TESTr0XkTz4mB9pWc7sYh1dNf6uJ");
    let real = format!(
        "GH_TOKEN={gh_todo}\ngh = \"{gh_test}\"\n\
         SLACK_BOT_TOKEN=xoxb-284710593-582910473-FAKE9q8L7dDPDC8ishl793yACw\n\
         AWS_ACCESS_KEY_ID=AKIAQ7TESTM2ZR4LX5YN\nAWS_ACCESS_KEY_ID=AKIAJ2ABCDEQ4ZR7L5YN\n"
    );
    env.write("real.env", &real);
    env.write(
        "docs.env",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n\
         SLACK_BOT_TOKEN=xoxb-000000000000-000000000000-xxxxxxxxxxxxxxxxxxxxxxxx\n\
         STRIPE_SECRET_KEY=sk_live_FAKEFAKEFAKEFAKEFAKEFAKE\n\
         GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    );
    let (_, found) = scan(&env, &[]);
    assert_eq!(
        found,
        [
            at("github-classic-pat", "real.env", &real, 1, "ghp_"),
            at("github-classic-pat", "real.env", &real, 2, "ghp_"),
            at("slack-bot-token", "real.env", &real, 3, "xoxb-"),
            at("aws-access-key-id", "real.env", &real, 4, "AKIA"),
            at("aws-access-key-id", "real.env", &real, 5, "AKIA"),
        ]
    );
}

// ---------------------------------------------------------------- 6. windows and anchors

const ANCHORED_RULES: &str = r#"
[[provider]]
id = "acme"
name = "Acme"
revoke_url = "https://acme.example/keys"
docs_url = "https://acme.example/docs"
steps = ["Revoke the key in the Acme console.", "Check the Acme audit log."]

[[rule]]
id = "acme-line-key"
name = "Acme key at a line start"
provider = "acme"
severity = "high"
confidence = "medium"
keywords = ["acme_key"]
regex = '''(?m)^[a-z]*acme_key=(?P<secret>[A-Za-z0-9]{24})'''
examples = ['acme_key=Q7mLr2XkTz4mB9pWc7sYh1dN']
negative_examples = ['# acme_key=Q7mLr2XkTz4mB9pWc7sYh1dN']

[[rule]]
id = "acme-word-key"
name = "Acme key after a word boundary"
provider = "acme"
severity = "high"
confidence = "medium"
keywords = ["acmeid"]
regex = '''\b[a-z]{0,600}acmeid:(?P<secret>[A-Za-z0-9]{24})'''
examples = ['acmeid:Q7mLr2XkTz4mB9pWc7sYh1dN']
negative_examples = ['_acmeid:Q7mLr2XkTz4mB9pWc7sYh1dN']
"#;

#[test]
fn anchors_see_the_whole_line_when_the_keyword_is_far_into_it() {
    let env = TestEnv::new();
    env.write("acme.toml", ANCHORED_RULES);
    let long = "x".repeat(400);
    let text = format!(
        "# {long}acme_key=Q7mLr2XkTz4mB9pWc7sYh1dN\n{long}acme_key=Z3vLr2XkTz4mB9pWc7sYh1dQ\n\
         _{long}acmeid:R8mLr2XkTz4mB9pWc7sYh1dP\n {long}acmeid:W2mLr2XkTz4mB9pWc7sYh1dK\n"
    );
    env.write("minified.txt", &text);
    let (_, found) = env.scan_json(&["minified.txt", "--rules", "acme.toml"]);
    assert_eq!(
        hits(&found),
        [
            at("acme-line-key", "minified.txt", &text, 2, "Z3vL"),
            at("acme-word-key", "minified.txt", &text, 4, "W2mL"),
        ]
    );
}

// ---------------------------------------------------------------- 7. PEM headers with trailing text

#[test]
fn pem_headers_followed_by_other_text_are_found() {
    let env = TestEnv::new();
    let body = fake::pem_body();
    let block = |header_tail: &str| {
        format!(
            "-----BEGIN RSA PRIVATE KEY-----{header_tail}\n{body}\n-----END RSA PRIVATE KEY-----\n"
        )
    };
    env.write("comment.pem", block(" # test only"));
    env.write("crlf.pem", block("\r"));
    env.write("spaces.pem", block("   "));
    env.write("quoted.py", format!("KEY = \"\"\"{}\"\"\"\n", block("\"")));
    // A header with a note but no key body is not a key.
    env.write(
        "doc.md",
        "-----BEGIN RSA PRIVATE KEY----- # paste yours here\n...\n-----END RSA PRIVATE KEY-----\n",
    );
    let (_, found) = scan(&env, &[]);
    let expected: Vec<Hit> = [
        ("comment.pem", 1),
        ("crlf.pem", 1),
        ("quoted.py", 10),
        ("spaces.pem", 1),
    ]
    .iter()
    .map(|(p, c)| ("pem-rsa-private-key".to_string(), p.to_string(), 1, *c))
    .collect();
    assert_eq!(found, expected);
}

// ---------------------------------------------------------------- confidence

#[test]
fn min_confidence_trades_recall_for_quiet() {
    let env = TestEnv::new();
    let token = fake::github_pat("Q7mLr2XkTz4mB9pWc7sYh1dNf6uJe3");
    let text = format!(
        "GH_TOKEN={token}\nWEBHOOK_SECRET=S6k8vaFHjAvmUYkeSz7yiWq2Lx\nDB_PASSWORD=Zq8!vR2m#Lw9xK\n\
         key: RDYKKjKLiDsu880vov4qHZbudFrgHcO4fPMvw2EX\n"
    );
    env.write("app.env", &text);
    let confidences = |level: &str| -> Vec<(u64, String)> {
        let (run, list) = env.scan_json(&[".", "--min-confidence", level]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        list.iter()
            .map(|f| {
                (
                    f["line"].as_u64().expect("line"),
                    f["confidence"].as_str().expect("confidence").to_string(),
                )
            })
            .collect()
    };
    let all = confidences("low");
    assert_eq!(
        all,
        [
            (1, "high".to_string()),
            (2, "medium".to_string()),
            (3, "low".to_string()),
            (4, "low".to_string()),
        ]
    );
    assert_eq!(confidences("medium"), all[..2]);
    assert_eq!(confidences("high"), all[..1]);
    let bad = env.run(&["scan", ".", "--min-confidence", "certain"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

// ---------------------------------------------------------------- references, hashes, encodings

#[test]
fn file_references_hashes_typed_and_encoded_demo_values_are_not_secrets() {
    let env = TestEnv::new();
    env.write(
        "not-secrets.yaml",
        "password: cGFzc3dvcmQ=\n\
         secret: ZXhhbXBsZS1hcHAtc2VjcmV0\n\
         private-key: \"classpath:ssl/test-client.key\"\n\
         tls_private_key = \"certs/server.pem\"\n\
         htpasswd: registry_user:$2y$10$9L4Tc0DJbFFMB6RdSCunrOpTHdwhid4ktBJmLD00bYgqk\n\
         AppServerPrivateKey = \"a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234\"\n\
         CONSOLE_SECRET_KEY: console123\n\
         kubectl --token=foo/system:masters get pods\n",
    );
    // The twins: base64 of random bytes, base64 of a random password, a random key in the
    // same fields.
    let real = "password: DW+x5H1ZyHTzH9XjLo01CkTMRKWfKkVEaI3Opqni\n\
                secret: a21mQ1FHTUh3MnFRSk5KMEIyVVU2YmN0\n\
                private-key: \"Zq8vR2mLw9xKp4Tn6Vb1Xc3Ym5Hs7Jd0\"\n\
                AppServerPrivateKey = \"e16230a06f1a63d33724caa0f5891f5cbc05767f8205c17ed7af42a30dd938a6\"\n";
    env.write("secrets.yaml", real);
    let (_, found) = scan(&env, &[]);
    assert_eq!(
        found,
        [
            at("generic-secret-unquoted", "secrets.yaml", real, 1, "DW+x"),
            at("generic-secret-unquoted", "secrets.yaml", real, 2, "a21m"),
            at("generic-secret-assignment", "secrets.yaml", real, 3, "Zq8v"),
            at("generic-secret-assignment", "secrets.yaml", real, 4, "e162"),
        ]
    );
}

#[test]
fn a_secret_delimited_by_its_url_is_found_after_a_slash() {
    // Only prefixed key IDs must be whole tokens: a password the regex finds between
    // `user/` and `@` in an Oracle JDBC URL is still a password.
    let env = TestEnv::new();
    let text = "url = \"jdbc:oracle:thin:scott/Zq8vR2mLw9xKp4Tn@db.acme.dev:1521/orcl\"\n";
    env.write("db.properties", text);
    let (_, found) = scan(&env, &[]);
    assert_eq!(
        found,
        [at("jdbc-oracle-password", "db.properties", text, 1, "Zq8v")]
    );
}

#[test]
fn a_jwt_split_over_string_concatenation_yields_no_spliced_generic_value() {
    // The payload segment decodes on its own; the generic rule must not take the header
    // plus the first decoded character for a value.
    let env = TestEnv::new();
    env.write(
        "TokenTests.java",
        "String token = \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAiU0E4MHJ0N3oiLCAiaWF0IjogMTcwMDAwMDAwMH0\"\n    + \".7lFNnuvhH4yL5yumxCIEYD5iAOERZwPDsZhxAJf27B-\";\n",
    );
    let (run, found) = scan(&env, &[]);
    assert_eq!((run.code, found), (0, vec![]), "{}", run.stderr);
}

// ---------------------------------------------------------------- 8. several assignments on a line

/// Shell and Dockerfile lines set several variables at once; a secret in the second or
/// third assignment is found at its own column, and references or stand-ins in the same
/// position are not. With the paired AWS rule switched off, the generic rule still reports
/// the secret next to an access key id, so no output shows it in full.
#[test]
fn every_assignment_on_a_shell_line_is_judged() {
    let env = TestEnv::new();
    let script = "#!/bin/sh\n\
        DB_USER=app DB_PASSWORD=Zq8vR2mLw9xKpT4n ./bin/migrate\n\
        export REGION=eu-west-1 SERVICE_TOKEN=kR7vT2wX9zQ4mL8pN3bY\n\
        DB_USER=app DB_PASSWORD=$DB_PASSWORD ./bin/migrate\n\
        make deploy CI_API_KEY=changeme REGION=eu\n\
        connect(user=app, password=get_password(), host=db)\n";
    env.write("deploy.sh", script);
    let docker = "FROM alpine:3\n\
        ENV APP_ENV=prod S3_KEY=AKIAZ7Q4VX2MNB6TLP3R S3_SECRET=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\n";
    env.write("Dockerfile", docker);
    let (run, found) = scan(&env, &["--disable-rule", "aws-secret-access-key-paired"]);
    let inline = "generic-secret-inline-assignment";
    assert_eq!(
        found,
        [
            at("aws-access-key-id", "Dockerfile", docker, 2, "AKIAZ7"),
            at(inline, "Dockerfile", docker, 2, "q8Rz2L"),
            at(inline, "deploy.sh", script, 2, "Zq8vR2"),
            at(inline, "deploy.sh", script, 3, "kR7vT2"),
        ]
    );
    for secret in [
        "Zq8vR2mLw9xKpT4n",
        "kR7vT2wX9zQ4mL8pN3bY",
        "q8Rz2LmV7xKp4TnW9bYc3HdF6JsQ1aEu5GkN0oPi",
    ] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
}

// ---------------------------------------------------------------- 9. names ending in `pass`

/// `DB_PASS`, `SMTP_PASS`, `$db_pass`, `db-pass` name passwords as surely as `PASSWORD`
/// does, in plain text and base64 in a Kubernetes `Secret`; words that merely contain
/// `pass` (`compass`, `passenger`) do not.
#[test]
fn names_ending_in_pass_are_password_names() {
    let env = TestEnv::new();
    let dotenv =
        "DB_USER=app\nDB_PASS=AOZysREINJ1so4HM78ox3c8z\nSMTP_PASS=\"k2J9xQwLm4Rt8Vb6Nc1Zp7Ys\"\n\
                  COMPASS=Q8wE4rT6yU2iO9pA3sD7fG1h\n";
    env.write(".env", dotenv);
    let php = "<?php\n$db_pass = \"Wm3Lq8Rt2Vx6Kp9Nb4Zc7Hy1\";\n$passenger = \"Wm3Lq8Rt2Vx6Kp9Nb4Zc7Hy1\";\n";
    env.write("cfg.php", php);
    // base64 of "AOZysREINJ1so4HM78ox3c8z"
    let k8s = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  db-pass: QU9aeXNSRUlOSjFzbzRITTc4b3gzYzh6\n";
    env.write("k8s/secret.yaml", k8s);
    let (_, found) = scan(&env, &[]);
    assert_eq!(
        found,
        [
            at("generic-secret-unquoted", ".env", dotenv, 2, "AOZys"),
            at("generic-secret-assignment", ".env", dotenv, 3, "k2J9x"),
            at("generic-secret-assignment", "cfg.php", php, 2, "Wm3Lq"),
            at(
                "generic-secret-unquoted",
                "k8s/secret.yaml",
                k8s,
                6,
                "QU9ae"
            ),
        ]
    );
}
