//! Tests: scanning files, directories and stdin; output formats; redaction; exit codes.

use crate::util::{fake, finding_keys, TestEnv};

#[test]
fn finds_exact_rule_path_line_and_column() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Zq3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write(
        "src/config.py",
        format!("import os\n\nGITHUB = \"{pat}\"\n"),
    );
    env.write(
        "deploy/.env",
        format!("STRIPE_KEY={}\n", fake::stripe_live()),
    );
    env.write("README.md", "nothing to see here\n");
    let run = env.run(&["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(
        finding_keys(&run),
        vec![
            (
                "github-classic-pat".to_string(),
                "src/config.py".to_string(),
                3,
                11
            ),
            (
                "stripe-live-secret-key".to_string(),
                "deploy/.env".to_string(),
                1,
                12
            ),
        ]
    );
}

#[test]
fn clean_tree_exits_zero() {
    let env = TestEnv::new();
    env.write("main.rs", "fn main() { println!(\"hello\"); }\n");
    let run = env.run(&["scan", "."]);
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.contains("0 findings"), "{}", run.stdout);
}

#[test]
fn output_is_redacted_unless_show_secrets() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Ab3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    let stripe = fake::stripe_live();
    env.write("a.txt", format!("token={pat}\nkey: {stripe}\n"));
    for format in ["human", "json", "jsonl"] {
        let run = env.run(&["scan", ".", "--format", format]);
        assert_eq!(run.code, 1);
        for secret in [&pat, &stripe] {
            assert!(
                !run.stdout.contains(secret.as_str()),
                "{format} leaks a secret:\n{}",
                run.stdout
            );
            assert!(
                !run.stderr.contains(secret.as_str()),
                "{format} leaks on stderr"
            );
        }
        assert!(
            run.stdout.contains("ghp_…"),
            "{format} keeps the prefix:\n{}",
            run.stdout
        );
    }
    let shown = env.run(&["scan", ".", "--format", "json", "--show-secrets"]);
    assert!(shown.stdout.contains(&pat) && shown.stdout.contains(&stripe));
}

#[test]
fn json_shape_is_documented_version_one() {
    let env = TestEnv::new();
    env.write("k.env", format!("STRIPE={}\n", fake::stripe_live()));
    let run = env.run(&["scan", ".", "--format", "json"]);
    let all = run.json();
    let f = &all.as_array().expect("array")[0];
    for key in [
        "version",
        "rule",
        "rule_name",
        "provider",
        "provider_name",
        "severity",
        "confidence",
        "source",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "fingerprint",
        "secret",
        "entropy",
        "snippet",
        "commit",
        "in_head",
        "introduced",
    ] {
        assert!(f.get(key).is_some(), "missing {key} in {f}");
    }
    assert_eq!(f["version"], 1);
    assert_eq!(f["source"], "file");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["snippet"], "STRIPE=sk_live_…Lm8R");
    assert_eq!(f["end_column"], 8 + 40);
    assert_eq!(f["fingerprint"].as_str().expect("fingerprint").len(), 32);
}

#[test]
fn jsonl_has_one_finding_per_line() {
    let env = TestEnv::new();
    env.write(
        "a.txt",
        format!(
            "{}\n{}\n",
            fake::stripe_live(),
            fake::github_pat("Qw3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5")
        ),
    );
    let run = env.run(&["scan", "a.txt", "--format", "jsonl"]);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[1]["line"], 2);
}

#[test]
fn same_secret_in_two_files_is_one_fingerprint() {
    let env = TestEnv::new();
    let stripe = fake::stripe_live();
    env.write("a.py", format!("k = '{stripe}'\n"));
    env.write("b/c.yml", format!("key: {stripe}\n"));
    let run = env.run(&["scan", ".", "--format", "json"]);
    let all = run.json();
    let prints: Vec<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fp"))
        .collect();
    assert_eq!(prints.len(), 2);
    assert_eq!(prints[0], prints[1]);
    let human = env.run(&["scan", "."]);
    assert!(
        human
            .stdout
            .contains("2 findings (1 distinct secret) in 2 files"),
        "{}",
        human.stdout
    );
}

#[test]
fn stdin_is_scanned() {
    let env = TestEnv::new();
    let input = format!("export STRIPE={}\n", fake::stripe_live());
    let run = env.run_with_stdin(&["scan", "-", "--format", "json"], Some(input.as_bytes()));
    assert_eq!(run.code, 1);
    let all = run.json();
    assert_eq!(all[0]["path"], "-");
    assert_eq!(all[0]["source"], "stdin");
    assert_eq!(all[0]["column"], 15);
}

#[test]
fn gitignore_keyhoundignore_and_no_ignore() {
    let env = TestEnv::new();
    let stripe = fake::stripe_live();
    env.write(".gitignore", "ignored.txt\n");
    env.write(".keyhoundignore", "fixtures/\n");
    env.write("ignored.txt", format!("{stripe}\n"));
    env.write("fixtures/f.txt", format!("{stripe}\n"));
    env.write(".git/config", format!("{stripe}\n"));
    env.write("kept.txt", format!("{stripe}\n"));
    let run = env.run(&["scan", ".", "--format", "json"]);
    let paths: Vec<String> = finding_keys(&run).into_iter().map(|k| k.1).collect();
    assert_eq!(paths, vec!["kept.txt"]);
    let all = env.run(&["scan", ".", "--format", "json", "--no-ignore"]);
    let mut paths: Vec<String> = finding_keys(&all).into_iter().map(|k| k.1).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec!["fixtures/f.txt", "ignored.txt", "kept.txt"],
        ".git/ is never scanned"
    );
}

#[test]
fn binary_files_get_prefixed_rules_only() {
    let env = TestEnv::new();
    let mut bytes = vec![0u8, 1, 2, 3];
    bytes.extend_from_slice(
        format!("\0{}\0password = \"Zq8!vR2m#Lw9xK\"\0", fake::stripe_live()).as_bytes(),
    );
    env.write("app.bin", &bytes);
    let run = env.run(&["scan", ".", "--format", "json"]);
    let keys = finding_keys(&run);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0].0, "stripe-live-secret-key");
}

#[test]
fn oversized_files_are_skipped_and_reported() {
    let env = TestEnv::new();
    env.write(
        "big.txt",
        format!("{}\n{}", fake::stripe_live(), "x".repeat(2000)),
    );
    let run = env.run(&["scan", ".", "--max-file-size", "1K"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("big.txt: skipped"), "{}", run.stderr);
    assert!(
        run.stdout.contains("1 file skipped over --max-file-size"),
        "{}",
        run.stdout
    );
}

#[test]
fn invalid_utf8_is_scanned_as_bytes_with_byte_columns() {
    let env = TestEnv::new();
    let mut bytes = b"\xff\xfe caf\xe9 ".to_vec();
    bytes.extend_from_slice(fake::stripe_live().as_bytes());
    bytes.push(b'\n');
    env.write("latin1.txt", &bytes);
    let run = env.run(&["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()[0]["column"], 9);
}

/// A write-only kernel setting: reading it is refused to every user, root included.
#[cfg(target_os = "linux")]
const WRITE_ONLY: &str = "/proc/sys/vm/drop_caches";

/// A file that cannot be read is an error naming it (exit 2), and the findings elsewhere
/// are still reported. Root reads a file whatever its mode (CI runs as root), so there the
/// unreadable file is a link, followed, to a write-only kernel setting instead.
#[cfg(unix)]
#[test]
fn unreadable_file_warns_and_exits_two() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let locked = env.write("locked.txt", "secret stuff");
    env.write("open.txt", format!("{}\n", fake::stripe_live()));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut args = vec!["scan", ".", "--format", "json"];
    if std::fs::read(&locked).is_ok() {
        #[cfg(not(target_os = "linux"))]
        {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "skipping unreadable_file_warns_and_exits_two: running as root, where \
                     file modes are not enforced"
                );
            }
            return;
        }
        #[cfg(target_os = "linux")]
        {
            assert!(
                std::fs::read(WRITE_ONLY).is_err(),
                "{WRITE_ONLY} is readable: the test needs another file unreadable to root"
            );
            std::fs::remove_file(&locked).expect("remove");
            std::os::unix::fs::symlink(WRITE_ONLY, &locked).expect("symlink");
            args.push("--follow");
        }
    }
    let run = env.run(&args);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("locked.txt"), "{}", run.stderr);
    assert_eq!(
        run.json().as_array().expect("array").len(),
        1,
        "other findings are still reported"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_with_follow() {
    let env = TestEnv::new();
    env.write("d/a.txt", format!("{}\n", fake::stripe_live()));
    std::os::unix::fs::symlink(env.path().join("d"), env.path().join("d/loop")).expect("symlink");
    let plain = env.run(&["scan", ".", "--format", "json"]);
    assert_eq!(
        plain.code, 1,
        "links are not followed by default: {}",
        plain.stderr
    );
    let followed = env.run(&["scan", ".", "--follow", "--format", "json"]);
    // A loop is a warning (the files under it are scanned once), not an error.
    assert_eq!(followed.code, 1, "{}", followed.stderr);
    assert!(
        followed
            .stderr
            .contains("keyhound: warning: d/loop: symbolic link loop back to d, not followed"),
        "{}",
        followed.stderr
    );
    assert_eq!(followed.json().as_array().expect("array").len(), 1);

    // A loop back to the scan root names it as ".", not as an empty path.
    std::os::unix::fs::symlink("..", env.path().join("d/up")).expect("symlink");
    let root = env.run(&["scan", ".", "--follow", "-q"]);
    assert!(
        root.stderr
            .contains("keyhound: warning: d/up: symbolic link loop back to ., not followed"),
        "{}",
        root.stderr
    );
}

#[test]
fn missing_path_is_an_error() {
    let env = TestEnv::new();
    let run = env.run(&["scan", "does-not-exist"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("does-not-exist: no such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn hard_negatives_produce_nothing() {
    let env = TestEnv::new();
    env.write(
        "negatives.env",
        [
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
            "API_KEY=your_api_key_here",
            "TOKEN=<API_KEY>",
            "SECRET=xxxxxxxxxxxxxxxx",
            "PASSWORD=changeme",
            "CLIENT_SECRET=REDACTED",
            "DB_PASSWORD=${DB_PASSWORD}",
            "PASSWORD_POLICY=strict",
            "TOKEN_ISSUER=https://login.acme.dev/",
            "SIGNING_KEY_ID=3",
            "STRIPE_PUBLISHABLE=pk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
            "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
            "COMMIT_SHA=4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "IDEMPOTENCY_KEY=123e4567-e89b-12d3-a456-426614174000",
        ]
        .join("\n"),
    );
    env.write(
        "code.js",
        "const token = process.env.TOKEN;\nconst password = \"password\";\nconst key = '{{ secrets.TOKEN }}';\n",
    );
    env.write(
        "package-lock.json",
        "\"integrity\": \"sha512-Kq5sNDZfkBJ3D0cBsJ0u8Vq4hM6XH0QJH2JfT9xQGzL8pMWc2vB9RZlJ0dB4Hq5wWqQ2kZ3y8YbN1xR7uT6mA==\"\n",
    );
    let run = env.run(&["scan", ".", "--format", "json"]);
    assert_eq!(run.json(), serde_json::json!([]), "stderr: {}", run.stderr);
    assert_eq!(run.code, 0);
}

#[test]
fn data_uris_and_minified_javascript_are_not_secrets() {
    // Deterministic pseudo-random bytes, base64-encoded, as an inlined image and font.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..3000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u8
        })
        .collect();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b64: String = bytes
        .chunks(3)
        .flat_map(|c| {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            (0..4).map(move |i| ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char)
        })
        .collect();
    let env = TestEnv::new();
    env.write("site.css", format!(".logo{{background:url(data:image/png;base64,{b64})}}\n@font-face{{src:url(data:font/woff2;base64,{b64})}}\n"));
    env.write(
        "app.min.js",
        "function a(t){return fetch(u,{headers:{Authorization:\"Bearer \"+t,\"X-Api-Key\":e.apiKey}})}var token=n.token||\"\",password=o.password;".repeat(40),
    );
    let run = env.run(&["scan", ".", "--format", "json"]);
    assert_eq!(run.json(), serde_json::json!([]));
    assert_eq!(run.code, 0);
}

#[test]
fn lockfiles_references_and_public_values_are_not_secrets() {
    let env = TestEnv::new();
    env.write(
        "go.sum",
        "github.com/davecgh/go-spew v1.1.1 h1:vj9j/u1bqnvCEfJOwUhtlOARqs3+rkHYY13jYWTU97c=\n",
    );
    env.write(
        "Cargo.lock",
        "[[package]]\nname = \"aho-corasick\"\nchecksum = \"8e60d3430d3a69478ad0993f19238d2df97c507009a52b3c10addcd7f6bcb916\"\n",
    );
    env.write(
        "settings.py",
        [
            "CACHE_KEY = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"",
            "GIT_COMMIT = \"4b825dc642cb6eb9a060e54bf8d69288fbee4904\"",
            "RECAPTCHA_SITE_KEY = \"6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI\"",
            "STRIPE_PUBLISHABLE_KEY = \"pk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWxYz\"",
            "MAPBOX_TOKEN = \"pk.eyJ1IjoiYWNtZSIsImEiOiJjbGFiY2RlZjAwMDAxMnFxcHd4eXZ6In0.Zk3Lm8Rt2Vx7Nb4Kc9Pw1H\"",
            "SECRET_KEY = os.environ[\"SECRET_KEY\"]",
            "API_TOKEN = ENV.fetch(\"API_TOKEN\")",
            "password = config.get(\"db\", \"password\")",
            "idempotency_token = \"550e8400-e29b-41d4-a716-446655440000\"",
            "NextToken = \"eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==\"",
            "secret = \"ghp_…x9Qa\"  # a redacted value from a report",
        ]
        .join("\n"),
    );
    env.write(
        "deploy.yaml",
        "env:\n  - name: API_KEY\n    valueFrom:\n      secretKeyRef:\n        name: app-secrets\n        key: api-key\n  password: \"{{ .Values.db.password }}\"\n  token: ${{ secrets.GITHUB_TOKEN }}\n",
    );
    let run = env.run(&["scan", ".", "--format", "json"]);
    assert_eq!(run.json(), serde_json::json!([]), "stderr: {}", run.stderr);
}
