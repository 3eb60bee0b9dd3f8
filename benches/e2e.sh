#!/usr/bin/env bash
# End-to-end benchmark: times the release binary on a directory or repository and prints
# wall time, throughput and peak memory.
#
#   benches/e2e.sh tree  DIR     # working-tree scan of DIR
#   benches/e2e.sh history REPO  # full-history scan of a git repository
#   benches/e2e.sh staged REPO   # pre-commit path: `scan --staged` (start-up dominated)
#
# Needs GNU time (/usr/bin/time). Builds the release binary first.
set -euo pipefail
mode=${1:?usage: e2e.sh tree|history|staged PATH}
target=${2:?usage: e2e.sh tree|history|staged PATH}
root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/keyhound"
case "$mode" in
  tree) args=(scan "$target" --no-ignore --format jsonl --quiet) ;;
  history) args=(scan --history "$target" --format jsonl --quiet) ;;
  staged) args=(scan --staged "$target" --format jsonl --quiet) ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
log=$(mktemp)
set +e
/usr/bin/time -f '%e %M' -o "$log" "$bin" "${args[@]}" >/tmp/keyhound-e2e.jsonl 2>/tmp/keyhound-e2e.err
code=$?
set -e
read -r wall rss_kib <"$log"
findings=$(wc -l </tmp/keyhound-e2e.jsonl)
if [ "$mode" = tree ]; then
  bytes=$(du -sb --exclude=.git "$target" | cut -f1)
  files=$(find "$target" -path '*/.git' -prune -o -type f -print | wc -l)
  unit="files"
else
  bytes=$(git -C "$target" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{s+=$2} END{print s+0}')
  files=$(git -C "$target" cat-file --batch-all-objects --batch-check='%(objecttype)' | grep -c '^blob' || true)
  unit="blobs (upper bound: all blobs in the object database)"
fi
awk -v w="$wall" -v b="$bytes" -v f="$files" -v r="$rss_kib" -v n="$findings" -v c="$code" -v u="$unit" -v m="$mode" 'BEGIN {
  if (w <= 0) w = 0.001;
  printf "mode=%s exit=%d findings=%d\nwall %.2f s | %d %s | %.1f MB | %.1f MB/s | %.0f files/s | peak RSS %.1f MiB\n",
    m, c, n, w, f, u, b/1e6, b/1e6/w, f/w, r/1024 }'
