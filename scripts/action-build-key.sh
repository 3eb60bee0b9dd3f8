#!/usr/bin/env bash
# Prints `key=<hash>` for the keyhound GitHub Action's build cache (action.yml): a hash of
# everything `cargo install --locked --path .` compiles (Cargo.lock, Cargo.toml, build.rs,
# src/, rules/), so the cached binary is rebuilt exactly when the action's source changes,
# whichever ref (tag, branch, commit) the workflow uses. Appends to $GITHUB_OUTPUT when set.
set -euo pipefail

cd "${1:-$(dirname "$0")/..}"
sum() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$@"
    else
        shasum -a 256 "$@"
    fi
}
hash=$(find Cargo.lock Cargo.toml build.rs src rules -type f | LC_ALL=C sort | while IFS= read -r f; do
    sum "$f"
done | sum | cut -c1-24)
echo "key=$hash"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "key=$hash" >>"$GITHUB_OUTPUT"
fi
