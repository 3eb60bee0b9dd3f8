//! Removing secrets from git history: the expressions file for
//! `git filter-repo --replace-text` (`--purge-file`), and which files may be deleted
//! from history whole.
//!
//! **Whole-file deletion.** Deleting a file from every commit loses everything else in
//! it, so it is offered only for a file that is nothing but secrets:
//! - a key file: its name is a private key's (`*.pem`, `*.key`, `*.p8`, `*.ppk`,
//!   `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519`) and every secret found in it is a
//!   private key;
//! - a dotenv file (`.env`, `.env.*` but not `.env.example`, `.sample`, `.template`,
//!   `.dist`) that is still in HEAD or the working tree, read from there, where every
//!   line that is not blank or a `#` comment holds a secret found there.
//!
//! Every other file keeps its history with the secrets replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::occurrence::Occurrence;

/// Providers whose secrets are private keys.
const KEY_PROVIDERS: [&str; 3] = ["private-key", "ssh-key", "pgp-key"];
/// File names that hold one private key.
const KEY_FILE_NAMES: [&str; 4] = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"];
/// Extensions of files that hold keys.
const KEY_FILE_EXTENSIONS: [&str; 4] = ["pem", "key", "p8", "ppk"];
/// Dotenv suffixes of templates, which hold no real values.
const DOTENV_TEMPLATES: [&str; 5] = ["example", "sample", "template", "dist", "defaults"];
/// Largest dotenv file read to check it.
const MAX_DOTENV: u64 = 64 * 1024;

/// Paths (as reported) that hold nothing but secrets, sorted. `root` is the directory
/// the paths are relative to; without it no dotenv file is read, so none qualifies.
pub fn whole_secret_files(occurrences: &[Occurrence], root: Option<&Path>) -> Vec<String> {
    let mut by_path: BTreeMap<&str, Vec<&Occurrence>> = BTreeMap::new();
    for o in occurrences {
        if !o.path.is_empty() && o.path != "-" {
            by_path.entry(&o.path).or_default().push(o);
        }
    }
    by_path
        .into_iter()
        .filter(|(path, found)| is_key_file(path, found) || is_secret_dotenv(path, found, root))
        .map(|(path, _)| path.to_string())
        .collect()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_key_file(path: &str, found: &[&Occurrence]) -> bool {
    let name = file_name(path);
    let named = KEY_FILE_NAMES.contains(&name)
        || name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && KEY_FILE_EXTENSIONS.contains(&ext));
    named
        && found
            .iter()
            .all(|o| KEY_PROVIDERS.contains(&o.provider_id.as_str()))
}

fn is_secret_dotenv(path: &str, found: &[&Occurrence], root: Option<&Path>) -> bool {
    let name = file_name(path);
    let dotenv = name == ".env"
        || name
            .strip_prefix(".env.")
            .is_some_and(|suffix| !DOTENV_TEMPLATES.contains(&suffix));
    let Some(root) = root.filter(|_| dotenv) else {
        return false;
    };
    let file = root.join(path);
    let small = fs::metadata(&file).is_ok_and(|m| m.is_file() && m.len() <= MAX_DOTENV);
    let Some(text) = small.then(|| fs::read_to_string(&file).ok()).flatten() else {
        return false;
    };
    let secret_lines: BTreeSet<usize> = found
        .iter()
        .filter(|o| o.is_live())
        .map(|o| o.line)
        .collect();
    let mut content = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .peekable();
    content.peek().is_some() && content.all(|(i, _)| secret_lines.contains(&(i + 1)))
}

/// The `git filter-repo --replace-text` expressions for every full secret among
/// `occurrences`, one per distinct secret, sorted. Each replaces the secret with
/// `***REMOVED***`: a single-line secret as a `literal:`, a secret that spans lines (a
/// key block), has surrounding blanks or contains `==>` as an escaped `regex:` in which
/// each line break also matches CRLF.
pub fn expressions(occurrences: &[Occurrence]) -> Vec<String> {
    let secrets: BTreeSet<&str> = occurrences
        .iter()
        .filter_map(|o| o.secret.as_ref())
        .map(|s| s.expose())
        .filter(|s| !s.is_empty())
        .collect();
    let mut lines: Vec<String> = secrets.into_iter().map(expression).collect();
    lines.sort();
    lines.dedup();
    lines
}

fn expression(secret: &str) -> String {
    let plain =
        !secret.contains(['\n', '\r']) && !secret.contains("==>") && secret.trim() == secret;
    if plain {
        return format!("literal:{secret}==>***REMOVED***");
    }
    let mut regex = String::with_capacity(secret.len() * 2);
    let text = secret.replace("\r\n", "\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            regex.push_str("\\r?\\n");
        }
        for c in line.chars() {
            // Python's `re` reads a backslash before ASCII punctuation as that character.
            if c.is_ascii_punctuation() || c == ' ' {
                regex.push('\\');
            }
            match c {
                '\r' => regex.push_str("\\r"),
                '\t' => regex.push_str("\\t"),
                c => regex.push(c),
            }
        }
    }
    format!("regex:{regex}==>***REMOVED***")
}

/// Writes the expressions to `path`, readable and writable by its owner only (mode 0600,
/// also when the file existed: its mode is set before anything is written).
pub fn write_file(path: &Path, expressions: &[String]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    for line in expressions {
        writeln!(file, "{line}")?;
    }
    file.flush()
}

pub use crate::report::escape::shell as shell_quote;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_literal_or_escaped_regex() {
        assert_eq!(
            expression("sk_live_abc"),
            "literal:sk_live_abc==>***REMOVED***"
        );
        assert_eq!(
            expression("-----BEGIN K-----\nab+/=\n-----END K-----"),
            "regex:\\-\\-\\-\\-\\-BEGIN\\ K\\-\\-\\-\\-\\-\\r?\\nab\\+\\/\\=\\r?\\n\\-\\-\\-\\-\\-END\\ K\\-\\-\\-\\-\\-==>***REMOVED***"
        );
        assert_eq!(expression("a==>b"), "regex:a\\=\\=\\>b==>***REMOVED***");
    }
}
