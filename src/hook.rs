//! The git pre-commit hook: where it goes, what it says, and installing it next to
//! (or instead of) a hook someone else wrote.
//!
//! The hook lives in the repository's hooks directory: `core.hooksPath` when it is set
//! (relative values are relative to the work tree, as git runs hooks there), otherwise
//! `hooks/` in the *common* git directory, so a linked worktree shares the main one's hook.
//!
//! A hook keyhound wrote carries [`MARKER`]; anything else is foreign and is never
//! overwritten or deleted silently. `--force` moves a foreign hook to [`BACKUP_NAME`]
//! and replaces it; `--chain` moves it there too, and keyhound's hook runs it first.
//! `uninstall` removes only keyhound's hook and puts the backup back.
//!
//! The hook itself is a POSIX shell script (git runs hooks with `sh`, also on Windows)
//! that looks for the binary at commit time and *fails open* when it cannot find one:
//! a missing scanner must not block every commit, but it must say that nothing was scanned.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The line that identifies a hook written by keyhound.
pub const MARKER: &str = "# installed by keyhound";

/// The name, next to the hook, of the hook that was there before keyhound's.
pub const BACKUP_NAME: &str = "pre-commit.keyhound-backup";

/// The baseline file the hook passes to the scan when it exists at the top of the work tree.
pub const BASELINE_FILE: &str = ".keyhound-baseline.json";

const HOOK_NAME: &str = "pre-commit";

/// Why a hook could not be installed or removed.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// The directory is not inside a git repository.
    #[error("{}: not inside a git repository", path.display())]
    NotARepository {
        path: PathBuf,
        #[source]
        source: gix::Error,
    },
    /// `core.hooksPath` is set but cannot be interpolated (e.g. `~` without a home directory).
    #[error("cannot use core.hooksPath from the git configuration")]
    HooksPath(#[source] gix::Error),
    /// A pre-commit hook that keyhound did not write is in the way of `install`.
    #[error(
        "{}: a pre-commit hook that keyhound did not write is already installed; nothing was changed\n\
         \x20 to keep it and run it before keyhound:  keyhound hook install --chain\n\
         \x20 to replace it (it is kept as {BACKUP_NAME}):  keyhound hook install --force",
        hook.display()
    )]
    ForeignHook { hook: PathBuf },
    /// `uninstall` found a hook that keyhound did not write.
    #[error("{}: this pre-commit hook was not written by keyhound; leaving it alone", hook.display())]
    ForeignHookUninstall { hook: PathBuf },
    /// Moving a foreign hook aside would overwrite an earlier backup.
    #[error(
        "{}: a backup of an earlier pre-commit hook is already there and would be overwritten; \
         nothing was changed. Move it away (or back to {HOOK_NAME}) and run the command again",
        backup.display()
    )]
    BackupExists { backup: PathBuf },
    /// A file system operation on the hooks directory failed.
    #[error("{}: cannot {action}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: io::Error,
    },
}

/// Where a repository's pre-commit hook goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookPaths {
    /// The hooks directory.
    pub dir: PathBuf,
    /// Whether `core.hooksPath` chose `dir`.
    pub from_hooks_path: bool,
}

impl HookPaths {
    /// Finds the hooks directory of the repository containing `start`.
    pub fn discover(start: &Path) -> Result<HookPaths, HookError> {
        // Not isolated, unlike the scanners' repositories: core.hooksPath is often set in
        // the user's global configuration, and git honours it there.
        let repo = gix::discover(start).map_err(|source| HookError::NotARepository {
            path: start.to_path_buf(),
            source,
        })?;
        let configured = repo
            .config_snapshot()
            .trusted_path("core.hooksPath")
            .map_err(HookError::HooksPath)?
            .filter(|p| !p.as_os_str().is_empty());
        let (dir, from_hooks_path) = match configured {
            Some(path) => {
                let base = repo.workdir().unwrap_or_else(|| repo.git_dir());
                (base.join(path), true)
            }
            None => (repo.common_dir().join("hooks"), false),
        };
        let dir = std::path::absolute(&dir).map_err(|source| HookError::Io {
            path: dir.clone(),
            action: "make the hooks directory path absolute",
            source,
        })?;
        Ok(HookPaths {
            dir,
            from_hooks_path,
        })
    }

    /// The pre-commit hook.
    pub fn hook(&self) -> PathBuf {
        self.dir.join(HOOK_NAME)
    }

    /// Where a foreign hook is kept.
    pub fn backup(&self) -> PathBuf {
        self.dir.join(BACKUP_NAME)
    }
}

/// How to install.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    /// Replace a foreign hook, keeping it as the backup.
    pub force: bool,
    /// Keep a foreign hook as the backup and run it before keyhound.
    pub chain: bool,
    /// The binary doing the install; the hook falls back to it at commit time.
    pub installed_by: Option<PathBuf>,
}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// There was no pre-commit hook.
    New,
    /// keyhound's own hook was rewritten (chaining kept if it was on).
    Updated,
    /// A foreign hook was moved to the backup and replaced.
    Replaced,
    /// A foreign hook was moved to the backup and runs before keyhound.
    Chained,
}

/// The result of [`install`].
#[derive(Debug, Clone)]
pub struct InstallReport {
    pub paths: HookPaths,
    pub action: Installed,
    /// Whether the hook runs the backup first.
    pub chain: bool,
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// There was no pre-commit hook.
    NothingInstalled,
    /// keyhound's hook was removed.
    Removed,
    /// keyhound's hook was removed and the backup moved back in its place.
    Restored,
}

/// The result of [`uninstall`].
#[derive(Debug, Clone)]
pub struct UninstallReport {
    pub paths: HookPaths,
    pub action: Uninstalled,
}

/// Installs keyhound's pre-commit hook in the repository containing `repo`.
pub fn install(repo: &Path, opts: &InstallOptions) -> Result<InstallReport, HookError> {
    let paths = HookPaths::discover(repo)?;
    let (hook, backup) = (paths.hook(), paths.backup());
    fs::create_dir_all(&paths.dir).map_err(|source| HookError::Io {
        path: paths.dir.clone(),
        action: "create the hooks directory",
        source,
    })?;
    let (action, chain) = match read_hook(&hook)? {
        None => (Installed::New, opts.chain && exists(&backup)),
        Some(current) if is_keyhound_hook(&current) => {
            let chained = chain_enabled(&current);
            (
                Installed::Updated,
                (chained || opts.chain) && exists(&backup),
            )
        }
        Some(_) if !opts.force && !opts.chain => return Err(HookError::ForeignHook { hook }),
        Some(_) => {
            if exists(&backup) {
                return Err(HookError::BackupExists { backup });
            }
            rename(&hook, &backup, "move the existing hook to the backup")?;
            if opts.chain {
                (Installed::Chained, true)
            } else {
                (Installed::Replaced, false)
            }
        }
    };
    write_hook(&hook, &script(chain, opts.installed_by.as_deref()))?;
    Ok(InstallReport {
        paths,
        action,
        chain,
    })
}

/// Removes keyhound's pre-commit hook and restores the backup, if any.
pub fn uninstall(repo: &Path) -> Result<UninstallReport, HookError> {
    let paths = HookPaths::discover(repo)?;
    let (hook, backup) = (paths.hook(), paths.backup());
    let action = match read_hook(&hook)? {
        None => Uninstalled::NothingInstalled,
        Some(current) if !is_keyhound_hook(&current) => {
            return Err(HookError::ForeignHookUninstall { hook });
        }
        Some(_) => {
            fs::remove_file(&hook).map_err(|source| HookError::Io {
                path: hook.clone(),
                action: "remove the hook",
                source,
            })?;
            if exists(&backup) {
                rename(&backup, &hook, "restore the backup")?;
                Uninstalled::Restored
            } else {
                Uninstalled::Removed
            }
        }
    };
    Ok(UninstallReport { paths, action })
}

/// Whether `contents` is a hook keyhound wrote.
pub fn is_keyhound_hook(contents: &[u8]) -> bool {
    contents
        .split(|&b| b == b'\n')
        .take(10)
        .any(|line| line.starts_with(MARKER.as_bytes()))
}

/// Whether a hook keyhound wrote runs the backup first.
fn chain_enabled(contents: &[u8]) -> bool {
    contents
        .split(|&b| b == b'\n')
        .any(|line| line == b"chain=1")
}

/// The hook's text. `chain`: run the backup first; `installed_by`: the binary to fall back
/// to when neither `$KEYHOUND` nor `keyhound` on PATH is usable.
pub fn script(chain: bool, installed_by: Option<&Path>) -> String {
    let installed_by = installed_by
        .map(|p| shell_quote(&shell_path(p)))
        .unwrap_or_else(|| "''".to_string());
    SCRIPT
        .replace("@CHAIN@", if chain { "1" } else { "0" })
        .replace("@INSTALLED_BY@", &installed_by)
        .replace("@BACKUP_NAME@", BACKUP_NAME)
        .replace("@BASELINE@", BASELINE_FILE)
        .replace("@ADVICE@", &blocked_advice("the staged changes contain"))
}

/// What a blocked commit says after the findings: `what` completes "commit blocked:
/// {what} the secrets listed above". Shared by the git hook and `keyhound hook run`
/// (the pre-commit framework's hook), so both give the same advice.
pub fn blocked_advice(what: &str) -> String {
    format!(
        "keyhound: commit blocked: {what} the secrets listed above.\n\
         \x20 - Remove each secret from the file and load it at run time instead, from an\n\
         \x20   environment variable or a secret manager. If it was ever pushed or shared,\n\
         \x20   revoke and rotate it as well.\n\
         \x20 - A false positive? Add a comment with `keyhound:allow` on that line\n\
         \x20   (or `keyhound:allow RULE-ID` to allow only that rule).\n\
         \x20 - Accepted findings: record them in the baseline, which this hook reads:\n\
         \x20     keyhound scan --write-baseline {BASELINE_FILE}\n\
         \x20 - To skip this check once (the secret will be committed): git commit --no-verify"
    )
}

/// A path as `sh` sees it (forward slashes, also for Git for Windows' shell).
fn shell_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// Quotes `s` for `sh`: single quotes, with embedded ones spliced in.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Reads the hook at `path`, `None` if there is none. A dangling symlink counts as a
/// hook: it is someone's, and must not be replaced silently.
fn read_hook(path: &Path) -> Result<Option<Vec<u8>>, HookError> {
    match crate::user_file::read(path, crate::user_file::MAX_HOOK) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound && !exists(path) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Some(Vec::new())),
        Err(source) => Err(HookError::Io {
            path: path.to_path_buf(),
            action: "read the existing hook",
            source,
        }),
    }
}

/// Whether anything (including a dangling symlink) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn rename(from: &Path, to: &Path, action: &'static str) -> Result<(), HookError> {
    fs::rename(from, to).map_err(|source| HookError::Io {
        path: from.to_path_buf(),
        action,
        source,
    })
}

/// Writes the hook to a temporary file of its own in the hooks directory, makes it
/// executable, syncs it, then renames it over the hook, so a commit running concurrently
/// never sees half a script and two installs at once never share a file.
fn write_hook(hook: &Path, text: &str) -> Result<(), HookError> {
    use std::io::Write;
    let dir = hook.parent().unwrap_or(Path::new("."));
    let io_err = |action| {
        let path = dir.to_path_buf();
        move |source| HookError::Io {
            path,
            action,
            source,
        }
    };
    let mut tmp = tempfile::Builder::new()
        .prefix("pre-commit.keyhound-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err("create a temporary file for the new hook"))?;
    tmp.write_all(text.as_bytes())
        .map_err(io_err("write the new hook"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o755))
            .map_err(io_err("make the new hook executable"))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(io_err("write the new hook"))?;
    tmp.persist(hook).map_err(|e| HookError::Io {
        path: hook.to_path_buf(),
        action: "move the new hook into place",
        source: e.error,
    })?;
    Ok(())
}

/// The hook. Git runs it from the top of the work tree with no arguments.
const SCRIPT: &str = r#"#!/bin/sh
# installed by keyhound: scans staged changes for secrets before each commit.
# Remove with `keyhound hook uninstall`; skip once with `git commit --no-verify`.
# `keyhound hook install` rewrites this file: edit the settings below, not the logic.

# The keyhound binary that installed this hook; used when $KEYHOUND is unset
# and `keyhound` is not on PATH.
installed_by=@INSTALLED_BY@
# 1: run the hook that was here before keyhound (@BACKUP_NAME@) first.
chain=@CHAIN@

say() { printf 'keyhound: %s\n' "$*" >&2; }

usable() {
    case $1 in
        */*) [ -f "$1" ] && [ -x "$1" ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

if [ "$chain" = 1 ]; then
    previous="$(dirname "$0")/@BACKUP_NAME@"
    if [ -f "$previous" ] && [ -x "$previous" ]; then
        "$previous" "$@"
        status=$?
        if [ "$status" -ne 0 ]; then
            say "the previous pre-commit hook ($previous) failed with status $status; commit blocked"
            exit "$status"
        fi
    elif [ -e "$previous" ]; then
        say "warning: not running $previous: it is not an executable file"
    fi
fi

keyhound=
if [ -n "${KEYHOUND:-}" ]; then
    if usable "$KEYHOUND"; then
        keyhound=$KEYHOUND
    else
        say "warning: KEYHOUND=$KEYHOUND is not an executable; looking for keyhound elsewhere"
    fi
fi
if [ -z "$keyhound" ] && usable keyhound; then
    keyhound=keyhound
fi
if [ -z "$keyhound" ] && [ -n "$installed_by" ] && usable "$installed_by"; then
    keyhound=$installed_by
fi
if [ -z "$keyhound" ]; then
    say "warning: keyhound was not found, so this commit was NOT scanned for secrets."
    say "  looked for: \$KEYHOUND, keyhound on PATH${installed_by:+, $installed_by}"
    say "  install keyhound or set KEYHOUND=/path/to/keyhound; to stop this hook: keyhound hook uninstall (or delete $0)"
    exit 0
fi

if [ -f @BASELINE@ ]; then
    "$keyhound" scan --staged --quiet --baseline @BASELINE@
else
    "$keyhound" scan --staged --quiet
fi
status=$?

case $status in
    0)
        exit 0
        ;;
    1)
        cat >&2 <<'EOF'

@ADVICE@
EOF
        exit 1
        ;;
    *)
        say "error: the secret scan of the staged changes failed (status $status); commit blocked."
        say "  fix the problem reported above, or skip the check once with: git commit --no-verify"
        exit 2
        ;;
esac
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_is_recognised_only_near_the_top() {
        let ours = script(false, None);
        assert!(is_keyhound_hook(ours.as_bytes()));
        assert!(!is_keyhound_hook(b"#!/bin/sh\nexec lint-staged\n"));
        let late = format!("{}{MARKER}\n", "#\n".repeat(20));
        assert!(!is_keyhound_hook(late.as_bytes()));
    }

    #[test]
    fn chain_setting_round_trips() {
        assert!(chain_enabled(script(true, None).as_bytes()));
        assert!(!chain_enabled(script(false, None).as_bytes()));
    }

    #[test]
    fn installed_by_path_is_single_quoted() {
        let text = script(false, Some(Path::new("/opt/it's here/keyhound")));
        assert!(
            text.contains(r"installed_by='/opt/it'\''s here/keyhound'"),
            "{text}"
        );
        assert!(script(false, None).contains("installed_by=''\n"));
    }

    #[test]
    fn no_placeholder_is_left() {
        let text = script(true, Some(Path::new("/k")));
        for placeholder in [
            "@CHAIN@",
            "@INSTALLED_BY@",
            "@BACKUP_NAME@",
            "@BASELINE@",
            "@ADVICE@",
        ] {
            assert!(
                !text.contains(placeholder),
                "{placeholder} left in the hook"
            );
        }
    }
}
