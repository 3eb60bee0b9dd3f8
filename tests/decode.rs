//! Tests: secrets one encoding step away (base64, hex, percent, JS escapes, entities,
//! nested), credential containers (Docker, Kubernetes, npm, HTTP Basic), UTF-16 and
//! classic-Mac text, in every scan mode and output format.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::Value;

use crate::util::{fake, TestEnv};

/// The README's fingerprint: the first 128 bits of SHA-256 of the secret, in hex.
fn fingerprint(secret: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(secret.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// `(rule, path, line, column, encoding)` of each finding, sorted.
fn keys(findings: &[Value]) -> Vec<(String, String, u64, u64, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["encoding"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn key(
    rule: &str,
    path: &str,
    line: u64,
    column: u64,
    encoding: &str,
) -> (String, String, u64, u64, String) {
    (rule.into(), path.into(), line, column, encoding.into())
}

/// 1-based byte column of `needle` on its line in `text`.
fn column_of(text: &str, needle: &str) -> u64 {
    let at = text.find(needle).expect("needle in text");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (at - line_start + 1) as u64
}

const REGISTRY_PASSWORD: &str = "Hq7vR2mXk9TzL4wPc8NbJ3sYd6FgA1eU"; // keyhound:allow (fake)

#[test]
fn docker_config_auths_and_dockercfg() {
    let env = TestEnv::new();
    let auth = b64(&format!("ci-deployer:{REGISTRY_PASSWORD}"));
    let config = format!(
        "{{\n  \"auths\": {{\n    \"registry.acmecorp.io\": {{\n      \"auth\": \"{auth}\"\n    }}\n  }},\n  \"credsStore\": \"\"\n}}\n"
    );
    env.write(".docker/config.json", &config);
    let legacy =
        format!("{{\"quay.io\": {{\"auth\": \"{auth}\", \"email\": \"ci@acmecorp.io\"}}}}\n");
    env.write(".dockercfg", &legacy);
    let (run, findings) = env.scan_json(&[".docker/config.json", ".dockercfg"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        keys(&findings),
        vec![
            key(
                "docker-registry-auth",
                ".docker/config.json",
                4,
                column_of(&config, &auth),
                "base64"
            ),
            key(
                "docker-registry-auth",
                ".dockercfg",
                1,
                column_of(&legacy, &auth),
                "base64"
            ),
        ]
    );
    // The fingerprint is the decoded password's, the same in both files.
    assert_eq!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
    assert_eq!(findings[0]["secret"], "…A1eU");
}

#[test]
fn docker_config_placeholders_are_not_findings() {
    let env = TestEnv::new();
    let config = format!(
        "{{\"auths\": {{\n\"a.io\": {{\"auth\": \"{}\"}},\n\"b.io\": {{\"auth\": \"{}\"}},\n\"c.io\": {{\"auth\": \"\"}},\n\"d.io\": {{\"identitytoken\": \"<token>\"}}\n}}}}\n",
        b64("user:password"),
        b64("ci:${REGISTRY_PASSWORD}"),
    );
    env.write("config.json", config);
    let (run, findings) = env.scan_json(&["config.json"]);
    assert_eq!(run.code, 0, "{findings:?}");
}

#[test]
fn kubernetes_pull_secret_is_one_finding_at_depth_two() {
    let env = TestEnv::new();
    let inner = b64(&format!("robot$pull:{REGISTRY_PASSWORD}"));
    let json = format!(
        "{{\"auths\": {{\"harbor.acmecorp.io\": {{\"username\": \"robot$pull\", \"password\": \"{REGISTRY_PASSWORD}\", \"auth\": \"{inner}\"}}}}}}"
    );
    let outer = b64(&json);
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: harbor-pull\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {outer}\n"
    );
    env.write("k8s/pull-secret.yaml", &manifest);
    let (run, findings) = env.scan_json(&["k8s"]);
    assert_eq!(run.code, 1);
    let column = column_of(&manifest, &outer);
    assert_eq!(
        keys(&findings),
        vec![key(
            "docker-registry-auth",
            "k8s/pull-secret.yaml",
            7,
            column,
            "base64>base64"
        )]
    );
    // Depth 1 decodes the JSON but not the `auth` inside it: the password field is found.
    let (_, depth1) = env.scan_json(&["k8s", "--decode-depth", "1"]);
    assert_eq!(
        keys(&depth1),
        vec![key(
            "generic-secret-assignment",
            "k8s/pull-secret.yaml",
            7,
            column,
            "base64"
        )]
    );
    // Depth 0 turns decoding off.
    let (run0, depth0) = env.scan_json(&["k8s", "--decode-depth", "0"]);
    assert_eq!(run0.code, 0, "{depth0:?}");
}

#[test]
fn kubernetes_secret_data_and_string_data() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Kd8Lq2Vm5Rx9Tb3Nc7Pw4Hs1Jf6Zg0");
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  stripe-key: {}\n  db-password: {}\n  username: {}\n  empty: \"\"\n  from-env: {}\nstringData:\n  github-token: {pat}\n",
        b64(&fake::stripe_live()),
        b64("Wq4!zR8#mK2@vT6x"),
        b64("app-user"),
        b64("${DB_PASSWORD}"),
    );
    env.write("secret.yaml", &manifest);
    let (run, findings) = env.scan_json(&["secret.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        keys(&findings),
        vec![
            key("generic-secret-unquoted", "secret.yaml", 8, 16, "base64"),
            key("github-classic-pat", "secret.yaml", 13, 17, ""),
            key("stripe-live-secret-key", "secret.yaml", 7, 15, "base64"),
        ]
    );
}

#[test]
fn kubeconfig_client_key_data_is_a_private_key() {
    let env = TestEnv::new();
    let body: String = (0..12)
        .map(|i| {
            format!(
                "{}\n",
                &"MIIEpAIBAAKCAQEAu9vR3xQ7kLm2Tn8Yw4Zp6Hc1Jd5Fg0Bs3Xe7Va9Wq2Kr8Ny4Mt6Lp1Oz5Ux3Ci"
                    .repeat(2)[i..i + 64]
            )
        })
        .collect();
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b64("-----BEGIN CERTIFICATE-----\nnot a secret\n-----END CERTIFICATE-----\n"),
        b64(&pem)
    );
    env.write("kubeconfig", &kubeconfig);
    let (run, findings) = env.scan_json(&["kubeconfig"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        keys(&findings),
        vec![key("pem-rsa-private-key", "kubeconfig", 7, 22, "base64")]
    );
}

#[test]
fn npmrc_legacy_auth_and_password() {
    let env = TestEnv::new();
    let npmrc = format!(
        "registry=https://registry.acmecorp.io/npm/\n//registry.acmecorp.io/npm/:_auth={}\n//registry.acmecorp.io/npm/:_password={}\nalways-auth=true\n",
        b64(&format!("deploy:{REGISTRY_PASSWORD}")),
        b64("Zx9Kw3Lp7$Qm2Rt5V"),
    );
    env.write(".npmrc", &npmrc);
    let (run, findings) = env.scan_json(&[".npmrc"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        keys(&findings),
        vec![
            key("npm-legacy-auth", ".npmrc", 2, 35, "base64"),
            key("npm-legacy-password", ".npmrc", 3, 39, "base64"),
        ]
    );
    // The whole decoded password, `$` included.
    assert_eq!(
        findings[1]["fingerprint"].as_str(),
        Some(fingerprint("Zx9Kw3Lp7$Qm2Rt5V").as_str())
    );
    let negative = TestEnv::new();
    negative.write(
        ".npmrc",
        format!(
            "//r.io/:_auth=${{NPM_AUTH}}\n//r.io/:_password={}\n",
            b64("password")
        ),
    );
    let (run, findings) = negative.scan_json(&[".npmrc"]);
    assert_eq!(run.code, 0, "{findings:?}");
}

#[test]
fn basic_authorization_header_reports_the_decoded_pair_once() {
    let env = TestEnv::new();
    let token = b64("reporting:Nx4Lj7Ev6Sz9Jq2Pw5");
    let script = format!(
        "#!/bin/sh\ncurl -s -H \"Authorization: Basic {token}\" https://ci.acmecorp.io/job/deploy\ncurl -H \"Authorization: Basic {}\" https://example.com\n",
        b64("user:password")
    );
    env.write("deploy.sh", &script);
    let (run, findings) = env.scan_json(&["deploy.sh"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        keys(&findings),
        vec![key(
            "http-basic-auth-credentials",
            "deploy.sh",
            2,
            column_of(&script, &token),
            "base64"
        )]
    );
}

#[test]
fn every_encoding_is_decoded_and_placed_on_the_encoded_text() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Rt5Vx8Nb2Kc6Pw9Hs3Jd7Fg1Zq4Lm0");
    let hex: String = pat.bytes().map(|b| format!("{b:02x}")).collect();
    let percent = pat.replace('_', "%5F");
    let js = pat.replace('_', "\\u005f");
    let entity = pat.replace('_', "&#95;");
    let url_safe = URL_SAFE_NO_PAD.encode(format!("token={pat}"));
    let text = format!(
        "hex = \"{hex}\"\nurl = \"https://api.acmecorp.io/hook?t={percent}&x=1\"\njs = \"{js}\"\n<token>{entity}</token>\nu = {url_safe}\n"
    );
    env.write("encoded.txt", &text);
    let (run, findings) = env.scan_json(&["encoded.txt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let got = keys(&findings);
    assert_eq!(
        got,
        vec![
            key("github-classic-pat", "encoded.txt", 1, 8, "hex"),
            // The URL component holding the escapes, not the whole URL.
            key(
                "github-classic-pat",
                "encoded.txt",
                2,
                column_of(&text, &percent),
                "percent"
            ),
            key("github-classic-pat", "encoded.txt", 3, 7, "json"),
            key("github-classic-pat", "encoded.txt", 4, 8, "entity"),
            key("github-classic-pat", "encoded.txt", 5, 5, "base64"),
        ]
    );
    // One secret, one fingerprint, whatever the encoding.
    let fingerprints: std::collections::BTreeSet<_> = findings
        .iter()
        .map(|f| f["fingerprint"].to_string())
        .collect();
    assert_eq!(fingerprints.len(), 1);
}

#[test]
fn wrapped_base64_over_lines() {
    let env = TestEnv::new();
    let payload = format!(
        "# generated\nGITHUB_TOKEN={}\nSTRIPE={}\nLOG_LEVEL=debug and some padding text to make lines\n",
        fake::github_pat("Wm3Qp8Lx2Rv6Tn9Kb4Hc7Jd1Fs5Zg0"),
        fake::stripe_live()
    );
    let encoded = b64(&payload);
    let wrapped: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect();
    let yaml = format!("env.b64: |\n  {}\nnext: value\n", wrapped.join("\n  "));
    env.write("values.yaml", &yaml);
    let (run, findings) = env.scan_json(&["values.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        keys(&findings),
        vec![
            key("github-classic-pat", "values.yaml", 2, 3, "base64"),
            key("stripe-live-secret-key", "values.yaml", 2, 3, "base64"),
        ]
    );
    assert_eq!(
        findings[0]["end_line"].as_u64(),
        Some(1 + wrapped.len() as u64)
    );
}

#[test]
fn binary_data_uris_cost_nothing_and_yield_nothing() {
    let env = TestEnv::new();
    let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    png.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let notebook = format!(
        "{{\"outputs\": [{{\"data\": {{\"image/png\": \"{}\"}}}}]}}\n",
        STANDARD.encode(&png)
    );
    env.write("plot.ipynb", notebook);
    let (run, findings) = env.scan_json(&["plot.ipynb"]);
    assert_eq!(run.code, 0, "{findings:?}");
}

#[test]
fn plain_and_base64_copies_are_one_checklist_item() {
    let env = TestEnv::new();
    let key_text = fake::stripe_live();
    env.write("a.env", format!("STRIPE_KEY={key_text}\n"));
    env.write(
        "b.yaml",
        format!("kind: Secret\ndata:\n  stripe: {}\n", b64(&key_text)),
    );
    let run = env.run(&[
        "scan",
        ".",
        "--format",
        "json",
        "--checklist",
        "ROTATION.md",
    ]);
    assert_eq!(run.code, 1);
    let findings = run.json();
    let findings = findings.as_array().expect("array");
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
    let checklist = std::fs::read_to_string(env.path().join("ROTATION.md")).expect("checklist");
    assert_eq!(
        checklist.matches("Revoke or rotate").count(),
        1,
        "{checklist}"
    );
    assert!(checklist.contains("b.yaml:3"), "{checklist}");
}

#[test]
fn no_output_holds_the_secret_or_its_encoding() {
    let env = TestEnv::new();
    let auth = b64(&format!("ci-deployer:{REGISTRY_PASSWORD}"));
    env.write(
        "config.json",
        format!("{{\"auths\": {{\"r.io\": {{\"auth\": \"{auth}\"}}}}}}\n"),
    );
    for format in ["human", "json", "jsonl", "sarif"] {
        let run = env.run(&[
            "scan",
            "config.json",
            "--format",
            format,
            "--checklist",
            "R.md",
        ]);
        assert_eq!(run.code, 1);
        if format == "sarif" {
            run.sarif();
        }
        let checklist = std::fs::read_to_string(env.path().join("R.md")).expect("checklist");
        for out in [&run.stdout, &run.stderr, &checklist] {
            assert!(!out.contains(REGISTRY_PASSWORD), "{format}: {out}");
            assert!(!out.contains(&auth[..20]), "{format}: {out}");
        }
    }
    let human = env.run(&["scan", "config.json"]);
    assert!(
        human
            .stdout
            .contains("docker-registry-auth  container-registry  …A1eU  [decoded: base64]"),
        "{}",
        human.stdout
    );
    let sarif = env
        .run(&["scan", "config.json", "--format", "sarif"])
        .sarif();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["encoding"], "base64");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

#[test]
fn utf16_files_are_text() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Hs6Jd0Fg5Zq3Lm8Rt2Vx7Nb4Kc9Pw1");
    let script = format!("# deploy.ps1\r\n$headers = @{{ Authorization = \"token {pat}\" }}\r\n");
    env.write("deploy.ps1", utf16le(&script, true));
    env.write("nobom.ps1", utf16le(&script, false));
    let mut be = vec![0xFE, 0xFF];
    for unit in script.encode_utf16() {
        be.extend_from_slice(&unit.to_be_bytes());
    }
    env.write("be.ps1", be);
    let (run, findings) = env.scan_json(&["."]);
    assert_eq!(run.code, 1);
    let column = column_of(&script, &pat);
    assert_eq!(
        keys(&findings),
        vec![
            key("github-classic-pat", "be.ps1", 2, column, "utf-16be"),
            key("github-classic-pat", "deploy.ps1", 2, column, "utf-16le"),
            key("github-classic-pat", "nobom.ps1", 2, column, "utf-16le"),
        ]
    );
    assert_eq!(
        findings[0]["snippet"],
        "$headers = @{ Authorization = \"token ghp_…\" }"
            .replace("ghp_…", &format!("ghp_…{}", &pat[pat.len() - 4..]))
    );
}

#[test]
fn classic_mac_line_ends_count_as_lines() {
    let env = TestEnv::new();
    env.write(
        "old.cfg",
        format!(
            "# settings\rname = demo\rSTRIPE_KEY = {}\r",
            fake::stripe_live()
        ),
    );
    let (_, findings) = env.scan_json(&["old.cfg"]);
    assert_eq!(
        keys(&findings),
        vec![key("stripe-live-secret-key", "old.cfg", 3, 14, "")]
    );
}

#[test]
fn stdin_staged_and_history_decode_too() {
    let env = TestEnv::new();
    let encoded = b64(&format!("STRIPE_KEY={}", fake::stripe_live()));
    let line = format!("blob: {encoded}\n");
    let run = env.run_with_stdin(&["scan", "-", "--format", "json"], Some(line.as_bytes()));
    assert_eq!(
        keys(run.json().as_array().expect("array")),
        vec![key("stripe-live-secret-key", "-", 1, 7, "base64")]
    );

    env.git_init();
    env.write("values.yaml", &line);
    env.git(&["add", "values.yaml"]);
    let (run, staged) = env.scan_json(&["--staged", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        keys(&staged),
        vec![key("stripe-live-secret-key", "values.yaml", 1, 7, "base64")]
    );

    env.commit_all("add values", "2024-03-01T10:00:00Z");
    std::fs::remove_file(env.path().join("values.yaml")).expect("remove");
    env.commit_all("remove values", "2024-03-02T10:00:00Z");
    let (run, history) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        keys(&history),
        vec![key("stripe-live-secret-key", "values.yaml", 1, 7, "base64")]
    );
    assert_eq!(history[0]["in_head"], false);
}

#[test]
fn jwt_parts_are_left_to_the_jwt_rule() {
    let env = TestEnv::new();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"7f3a9c","name":"Demo User","iat":1700000000}"#);
    let token = format!("{header}.{payload}.Qm9kZ2VkU2lnbmF0dXJlVmFsdWVGb3JUZXN0aW5nT25seQ");
    env.write("TokenTests.java", format!("String token = \"{token}\";\n"));
    let (_, findings) = env.scan_json(&["TokenTests.java"]);
    assert!(
        findings.iter().all(|f| f["encoding"].is_null()),
        "{findings:?}"
    );
}
