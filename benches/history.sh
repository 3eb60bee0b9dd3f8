#!/usr/bin/env bash
# History benchmark: keyhound and every peer found on PATH (kingfisher, noseyparker) scan
# the full history of one local repository; prints wall time, CPU time (user+sys) and peak
# RSS, each the median of RUNS timed runs after one untimed warm-up (page cache warm).
#
#   benches/history.sh REPO [RUNS]       # RUNS defaults to 3
#
# It clones nothing. Get the repositories once, for example:
#   git clone --bare https://github.com/git/git.git        /tmp/git.git     # every branch and tag
#   git clone --bare https://github.com/rust-lang/cargo.git /tmp/cargo.git
# (from an existing mirror: `git clone --bare --no-local MIRROR DEST` keeps branches and
# tags only and repacks, so pull-request refs do not inflate the object count.)
#
# KEYHOUND=/path/to/keyhound uses that binary; otherwise the release binary is built.
# KEYHOUND_BASE=/path/to/older/keyhound adds a "keyhound-base" row (before/after a change).
# WARMUP=0 skips the untimed warm-up runs (when the page cache is known to be warm).
# Needs GNU time (/usr/bin/time). Peers are run with validation and update checks off.
# The last lines give keyhound's figures as ratios of each peer's (below 1: keyhound is
# faster or smaller), and the load average before and after, since wall time on a shared
# machine depends on it; CPU time and peak RSS are the steadier figures.
set -euo pipefail
repo=$(cd "${1:?usage: history.sh REPO [RUNS]}" && pwd)
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${KEYHOUND:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  KEYHOUND="${CARGO_TARGET_DIR:-$root/target}/release/keyhound"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

# One timed run of "$@": prints "wall_s cpu_s rss_mib".
measure() {
  local log="$work/time.log"
  /usr/bin/time -v -o "$log" "$@" >"$work/out" 2>"$work/err" || true
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/   { u = $2 }
    /System time/ { s = $2 }
    /Maximum resident set size/ { r = $2 / 1024 }
    END { printf "%.2f %.2f %.0f\n", w, u + s, r }' "$log"
}

# Median of a column of numbers.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench() {
  local name=$1; shift
  if [ "${WARMUP:-1}" != 0 ]; then
    "$@" >/dev/null 2>&1 || true        # warm-up: page cache, rule caches
  fi
  local results="$work/$name.runs"
  : >"$results"
  for _ in $(seq "$runs"); do measure "$@" >>"$results"; done
  local wall cpu rss
  wall=$(cut -d' ' -f1 "$results" | median)
  cpu=$(cut -d' ' -f2 "$results" | median)
  rss=$(cut -d' ' -f3 "$results" | median)
  echo "$name $wall $cpu $rss" >>"$work/medians"
  printf '%-14s %8.2f s %8.2f s %8.0f MiB   (wall runs: %s; cpu runs: %s)\n' "$name" \
    "$wall" "$cpu" "$rss" "$(cut -d' ' -f1 "$results" | paste -sd, -)" \
    "$(cut -d' ' -f2 "$results" | paste -sd, -)"
}

# keyhound's medians as ratios of each peer's.
ratios() {
  awk '$1 == "keyhound" { w = $2; c = $3; r = $4 }
       $1 != "keyhound" && $1 != "keyhound-base" { peer[$1] = $2 " " $3 " " $4 }
       END {
         for (p in peer) {
           split(peer[p], v, " ")
           printf "keyhound / %-12s wall %.2fx  cpu %.2fx  peak RSS %.2fx\n", p, w / v[1], c / v[2], r / v[3]
         }
       }' "$work/medians"
}

commits=$(git -C "$repo" rev-list --all | wc -l)
pack=$(cd "$repo" && du -sm "$(git rev-parse --git-path objects/pack)" | cut -f1)
echo "repository: $repo ($commits commits, ${pack} MiB of packs), $cores cores, median of $runs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %10s %10s %12s\n' tool wall cpu 'peak RSS'
: >"$work/medians"
bench keyhound "$KEYHOUND" scan --history "$repo" --format jsonl --quiet
if [ -n "${KEYHOUND_BASE:-}" ]; then
  bench keyhound-base "$KEYHOUND_BASE" scan --history "$repo" --format jsonl --quiet
fi
if command -v kingfisher >/dev/null; then
  bench kingfisher kingfisher scan "$repo" --git-history full --no-validate --no-update-check \
    -j "$cores" --format json -o "$work/kingfisher.json" -q
fi
if command -v noseyparker >/dev/null; then
  bench noseyparker sh -c 'rm -rf "$1" && exec noseyparker scan --datastore "$1" -q "$2"' \
    sh "$work/np.datastore" "$repo"
fi
ratios
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
