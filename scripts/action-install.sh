#!/usr/bin/env bash
# The install step of the keyhound GitHub Action (action.yml): puts a keyhound binary at
# $KEYHOUND_ROOT/bin/keyhound (keyhound.exe on Windows).
#
# It downloads the release archive of the action's own version (the version in the
# action's Cargo.toml) for this runner, and runs it only after its SHA-256 matches the
# release's checksum file. A checksum that does not match, or a download that fails for
# any reason other than "not found", stops the job: it is never silently replaced by a
# build. Only when the release has no binary for this runner (or there is no such
# release, e.g. an unreleased branch) does it build with `cargo install --locked`.
#
# Environment (all but the first two have defaults, so it runs the same locally;
# tests/hook/action.rs serves a fake release from a loopback HTTP server):
#   ACTION_PATH             the action's checkout ($GITHUB_ACTION_PATH)
#   KEYHOUND_ROOT           where to install (bin/ is created in it)
#   KEYHOUND_RELEASE_URL    base of the release downloads
#                           (default https://github.com/keyhound/keyhound/releases/download)
#   KEYHOUND_VERSION        the version to download (default: the action's Cargo.toml)
#   RUNNER_OS, RUNNER_ARCH  as on a runner (Linux|macOS|Windows, X64|ARM64)
#   GITHUB_OUTPUT           receives binary=<path> and source=release|cargo|cache
set -uo pipefail

action_path=${ACTION_PATH:?ACTION_PATH must be the directory of the action}
root=${KEYHOUND_ROOT:?KEYHOUND_ROOT must be the install directory}
base_url=${KEYHOUND_RELEASE_URL:-https://github.com/keyhound/keyhound/releases/download}
base_url=${base_url%/}

say() { echo "keyhound install: $*"; }
fail() {
    echo "::error title=keyhound::$*"
    exit 2
}
set_output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        echo "$1=$2" >>"$GITHUB_OUTPUT"
    fi
}
sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

version=${KEYHOUND_VERSION:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n1)}
[ -n "$version" ] || fail "cannot read the version from $action_path/Cargo.toml"
tag="v${version#v}"

exe=keyhound
case ${RUNNER_OS:-$(uname -s)}:${RUNNER_ARCH:-$(uname -m)} in
    Linux:X64 | Linux:x86_64) target=x86_64-unknown-linux-musl ;;
    Linux:ARM64 | Linux:aarch64) target=aarch64-unknown-linux-musl ;;
    macOS:X64 | Darwin:x86_64) target=x86_64-apple-darwin ;;
    macOS:ARM64 | Darwin:arm64) target=aarch64-apple-darwin ;;
    Windows:X64) target=x86_64-pc-windows-msvc exe=keyhound.exe ;;
    *) target= ;;
esac
binary="$root/bin/$exe"

if [ -x "$binary" ]; then
    say "using the cached $binary"
    set_output binary "$binary"
    set_output source cache
    exit 0
fi

# Downloads $1 to $2. Returns 0 when downloaded, 1 when the server says 404 (no such
# asset), and stops the job on any other failure.
download() {
    local code
    code=$(curl --silent --show-error --location --retry 3 --retry-connrefused \
        --output "$2" --write-out '%{http_code}' "$1")
    local status=$?
    if [ "$status" -eq 0 ] && [ "$code" = 200 ]; then
        return 0
    fi
    if [ "$code" = 404 ]; then
        return 1
    fi
    fail "downloading $1 failed (curl status $status, HTTP ${code:-none}); not falling back to a build"
}

# The SHA-256 that the checksum file $2 (sha256sum format, text or binary mode) lists for $1.
checksum_of() {
    local hash name
    while read -r hash name; do
        if [ "${name#\*}" = "$1" ]; then
            echo "$hash"
            return
        fi
    done <"$2"
}

from_release() {
    local archive ext work sums expected actual
    ext=tar.gz
    [ "$exe" = keyhound.exe ] && ext=zip
    archive="keyhound-$tag-$target.$ext"
    work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyhound-download.XXXXXX") || exit 2
    sums="keyhound-$tag-SHA256SUMS"
    download "$base_url/$tag/$sums" "$work/$sums" || return 1
    download "$base_url/$tag/$archive" "$work/$archive" || return 1
    expected=$(checksum_of "$archive" "$work/$sums")
    [ -n "$expected" ] || fail "$sums of $tag has no entry for $archive; refusing to run an unverified binary"
    actual=$(sha256 "$work/$archive")
    if [ "$actual" != "$expected" ]; then
        fail "SHA-256 mismatch for $archive from $base_url/$tag: expected $expected, got $actual; refusing to run it"
    fi
    say "$archive: SHA-256 $actual verified against $sums"
    mkdir -p "$work/x" "$root/bin" || exit 2
    if [ "$ext" = zip ]; then
        unzip -q "$work/$archive" -d "$work/x" || fail "cannot unpack $archive"
    else
        tar -xzf "$work/$archive" -C "$work/x" || fail "cannot unpack $archive"
    fi
    [ -f "$work/x/$exe" ] || fail "$archive has no $exe at its top"
    mv "$work/x/$exe" "$binary" && chmod +x "$binary" || fail "cannot install $binary"
    rm -rf "$work"
    return 0
}

if [ -n "$target" ] && from_release; then
    say "installed keyhound $tag ($target) from the release: $binary"
    set_output source release
else
    if [ -z "$target" ]; then
        say "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building from source"
    else
        say "release $tag has no binary for $target at $base_url; building from source"
    fi
    command -v cargo >/dev/null 2>&1 ||
        fail "no release binary for this runner and no cargo to build one; install Rust first or pass binary:"
    cargo install --locked --path "$action_path" --root "$root" || fail "cargo install failed"
    say "built keyhound from $action_path: $binary"
    set_output source cargo
fi
"$binary" --version || fail "$binary does not run"
set_output binary "$binary"
