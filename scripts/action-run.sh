#!/usr/bin/env bash
# The scan step of the keyhound GitHub Action (action.yml).
#
# Chooses what to scan from the event, runs keyhound with SARIF output and the rotation
# checklist, appends the checklist to the job summary, and exits 0 (clean, or findings
# with fail-on-findings: false), 1 (findings) or 2 (error).
#
# Everything comes from environment variables, so it runs the same on a runner and
# locally (tests/hook/action.rs):
#   KEYHOUND                 the binary (default: keyhound on PATH)
#   INPUT_PATH               repository or directory to scan (default .)
#   INPUT_MODE               auto | full | working-tree (default auto)
#   INPUT_FAIL_ON_FINDINGS   true | false (default true)
#   INPUT_SARIF_FILE         where to write SARIF (default keyhound.sarif)
#   INPUT_BASELINE, INPUT_CONFIG, INPUT_ARGS (extra arguments, split on whitespace)
#   INPUT_FAIL_ON            critical | high | medium | low | empty (--fail-on)
#   INPUT_INCLUDE, INPUT_EXCLUDE         globs, one per line (--include, --exclude)
#   INPUT_ENABLE_RULES, INPUT_DISABLE_RULES  rule ids or globs, split on spaces, commas
#                            and newlines (--enable-rule, --disable-rule)
#   GITHUB_EVENT_NAME, GITHUB_SHA, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP
#   INPUT_UPLOAD_SARIF       true | false (default true): whether the upload step runs
#   EVENT_BEFORE             github.event.before (push)
#   EVENT_BASE_SHA, EVENT_HEAD_SHA   the pull request's (or merge group's) base and head
#   EVENT_PR_NUMBER          the pull request's number (to fetch refs/pull/N/head)
#   EVENT_HEAD_REPO          the pull request head's repository (owner/name)
#   GITHUB_REPOSITORY, GITHUB_ACTOR
#
# Outputs: exit-code, sarif-file, category (the code-scanning category of this mode, so
# a push scan does not close the alerts of a full-history scan), upload (true|false).
#
# Scope never changes silently: commits of the event that the clone lacks are fetched
# from origin; a pull request whose commits cannot be fetched fails; a push whose old
# tip is gone for good (force push) scans the full history and says so in the summary.
set -uo pipefail

keyhound=${KEYHOUND:-keyhound}
path=${INPUT_PATH:-.}
mode=${INPUT_MODE:-auto}
fail_on_findings=${INPUT_FAIL_ON_FINDINGS:-true}
sarif_file=${INPUT_SARIF_FILE:-keyhound.sarif}
event=${GITHUB_EVENT_NAME:-}
upload_sarif=${INPUT_UPLOAD_SARIF:-true}
zero_sha=0000000000000000000000000000000000000000

# Workflow commands: one line each, with %, CR and LF escaped as the runner expects.
command_line() {
    local kind=$1 message=$2
    message=${message//'%'/'%25'}
    message=${message//$'\r'/'%0D'}
    message=${message//$'\n'/'%0A'}
    echo "::$kind title=keyhound::$message"
}
warning() { command_line warning "$1"; }
error() { command_line error "$1"; }
set_output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        echo "$1=$2" >>"$GITHUB_OUTPUT"
    fi
}
summary() {
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat >>"$GITHUB_STEP_SUMMARY"
    else
        cat >/dev/null
    fi
}

case $fail_on_findings in
    true | True | TRUE) fail_on_findings=true ;;
    false | False | FALSE) fail_on_findings=false ;;
    *)
        error "fail-on-findings must be true or false, not '$fail_on_findings'"
        exit 2
        ;;
esac
case $upload_sarif in
    true | True | TRUE) upload_sarif=true ;;
    false | False | FALSE) upload_sarif=false ;;
    *)
        error "upload-sarif must be true or false, not '$upload_sarif'"
        exit 2
        ;;
esac
fail_on=${INPUT_FAIL_ON:-}
case $fail_on in
    "" | critical | high | medium | low) ;;
    *)
        error "fail-on must be critical, high, medium or low, not '$fail_on'"
        exit 2
        ;;
esac
case $mode in
    auto | full | working-tree) ;;
    *)
        error "mode must be auto, full or working-tree, not '$mode'"
        exit 2
        ;;
esac

is_git=false
if git -C "$path" rev-parse --git-dir >/dev/null 2>&1; then
    is_git=true
fi
shallow=false
if [ "$is_git" = true ] && [ "$(git -C "$path" rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    shallow=true
fi

# What to scan: sets `scan` (keyhound arguments) and `scope` (for people).
scan=()
scope=
uses_git=false
category=
# Said in the job summary when the scan differs from what the event describes.
scope_note=
history() {
    scan=(--history "$path")
    scope="the full git history of $path"
    uses_git=true
    category=keyhound/full-history
}
range() {
    scan=(--range "$1..$2" "$path")
    scope="the commits in $1..$2"
    uses_git=true
    category=keyhound/$3
}
have_commit() {
    git -C "$path" cat-file -e "$1^{commit}" 2>/dev/null
}

if [ "$mode" = working-tree ]; then
    scan=("$path")
    scope="the files in $path"
    category=keyhound/working-tree
elif [ "$mode" = full ]; then
    history
else
    case $event in
        pull_request | pull_request_target | merge_group)
            if [ -z "${EVENT_BASE_SHA:-}" ]; then
                error "the $event event has no base commit; set mode: full or mode: working-tree"
                exit 2
            fi
            range "$EVENT_BASE_SHA" "${EVENT_HEAD_SHA:-${GITHUB_SHA:-HEAD}}" pull-request
            ;;
        push)
            before=${EVENT_BEFORE:-}
            if [ -z "$before" ] || [ "$before" = "$zero_sha" ]; then
                # A new branch or tag: there is no previous tip to diff against.
                history
            else
                range "$before" "${GITHUB_SHA:-HEAD}" push
            fi
            ;;
        *)
            # schedule, workflow_dispatch and anything else: the whole history.
            history
            ;;
    esac
fi

if [ "$uses_git" = true ] && [ "$is_git" = false ]; then
    error "$path is not a git repository, so $scope cannot be scanned; use actions/checkout first, or mode: working-tree"
    exit 2
fi
if [ "$uses_git" = true ] && [ "$shallow" = true ]; then
    warning "the checkout is shallow, so keyhound cannot see all of $scope. Set fetch-depth: 0 on actions/checkout (with: fetch-depth: 0)."
fi
# Fetches commit $1 from origin, for a PR also its head ref; true if it is then present.
fetch_commit() {
    git -C "$path" remote get-url origin >/dev/null 2>&1 || return 1
    echo "keyhound: commit $1 is not in the clone; fetching it from origin"
    if [ -n "${EVENT_PR_NUMBER:-}" ]; then
        git -C "$path" fetch --quiet --no-tags origin \
            "+refs/pull/$EVENT_PR_NUMBER/head:refs/remotes/origin/keyhound-pr-$EVENT_PR_NUMBER" || true
    fi
    have_commit "$1" || git -C "$path" fetch --quiet --no-tags origin "$1" || true
    have_commit "$1"
}

if [ "${scan[0]}" = --range ]; then
    for commit in "${scan[1]%%..*}" "${scan[1]##*..}"; do
        if have_commit "$commit"; then
            continue
        fi
        if [ "$shallow" = true ]; then
            error "commit $commit is not in the shallow checkout; set fetch-depth: 0 on actions/checkout"
            exit 2
        fi
        if fetch_commit "$commit"; then
            continue
        fi
        if [ "$event" != push ]; then
            error "commit $commit of this $event event is not in the repository and cannot be fetched from origin, so $scope cannot be scanned; nothing else was scanned instead. Check out the pull request's head (actions/checkout with ref: the head SHA and fetch-depth: 0), or set mode: full"
            exit 2
        fi
        # A force push: the old tip is gone, so the pushed commits cannot be told apart.
        scope_note="The push's previous tip $commit is gone (force push?), so keyhound scanned the full history instead of $scope."
        warning "$scope_note"
        history
        break
    done
fi

# Code scanning rejects uploads from pull requests of forks and Dependabot (read-only
# token); skip them with a note instead of failing the job.
upload=$upload_sarif
upload_note=
if [ "$upload" = true ] && [ "$event" = pull_request ]; then
    if [ -n "${EVENT_HEAD_REPO:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ "$EVENT_HEAD_REPO" != "$GITHUB_REPOSITORY" ]; then
        upload=false
        upload_note="SARIF was not uploaded to code scanning: this pull request comes from the fork $EVENT_HEAD_REPO, whose token cannot write security events. The findings are in the log and below."
    elif [ "${GITHUB_ACTOR:-}" = "dependabot[bot]" ]; then
        upload=false
        upload_note="SARIF was not uploaded to code scanning: Dependabot's pull requests get a read-only token. The findings are in the log and below."
    fi
    if [ -n "$upload_note" ]; then
        command_line notice "$upload_note"
    fi
fi

checklist=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyhound-checklist.XXXXXX") || exit 2
trap 'rm -f "$checklist"' EXIT
mkdir -p "$(dirname "$sarif_file")"
rm -f "$sarif_file"

args=(scan "${scan[@]}" --format sarif --output "$sarif_file" --checklist "$checklist")
if [ -n "${INPUT_BASELINE:-}" ]; then
    args+=(--baseline "$INPUT_BASELINE")
fi
if [ -n "${INPUT_CONFIG:-}" ]; then
    args+=(--config "$INPUT_CONFIG")
fi
if [ -n "$fail_on" ]; then
    args+=(--fail-on "$fail_on")
fi
# Globs: one per line (a glob may contain spaces or commas, as in {a,b}).
add_lines() {
    local flag=$1 line
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        if [ -n "$line" ]; then
            args+=("$flag" "$line")
        fi
    done <<<"$2"
}
# Rule ids and globs: split on whitespace and commas, without globbing.
add_words() {
    local flag=$1 word
    set -f
    # shellcheck disable=SC2086 # split on purpose
    for word in ${2//,/ }; do
        args+=("$flag" "$word")
    done
    set +f
}
add_lines --include "${INPUT_INCLUDE:-}"
add_lines --exclude "${INPUT_EXCLUDE:-}"
add_words --enable-rule "${INPUT_ENABLE_RULES:-}"
add_words --disable-rule "${INPUT_DISABLE_RULES:-}"
if [ -n "${INPUT_ARGS:-}" ]; then
    set -f
    # shellcheck disable=SC2206 # split on whitespace, without globbing, on purpose
    extra=($INPUT_ARGS)
    set +f
    if [ "${#extra[@]}" -gt 0 ]; then
        args+=("${extra[@]}")
    fi
fi

echo "keyhound: scanning $scope"
echo "+ $keyhound ${args[*]}"
"$keyhound" "${args[@]}"
status=$?

set_output exit-code "$status"
set_output category "$category"
if [ -s "$sarif_file" ]; then
    set_output sarif-file "$sarif_file"
    set_output upload "$upload"
else
    set_output upload false
fi

{
    case $status in
        0) echo "**keyhound**: no secrets found in $scope." ;;
        1) echo "**keyhound**: secrets found in $scope. Rotate them first, then clean up:" ;;
        *) echo "**keyhound**: the scan of $scope failed (exit status $status); see the job log." ;;
    esac
    echo
    if [ -n "$scope_note" ]; then
        echo "> **Note:** $scope_note"
        echo
    fi
    if [ -n "$upload_note" ]; then
        echo "> **Note:** $upload_note"
        echo
    fi
    if [ "$status" = 1 ] && [ -s "$checklist" ]; then
        cat "$checklist"
        echo
    fi
} | summary

if [ "$status" = 1 ] && [ -s "$checklist" ]; then
    echo "::group::Rotation checklist"
    cat "$checklist"
    echo "::endgroup::"
fi

case $status in
    0) exit 0 ;;
    1)
        if [ "$fail_on_findings" = true ]; then
            error "secrets found in $scope; the rotation checklist is in the job summary"
            exit 1
        fi
        warning "secrets found in $scope (not failing: fail-on-findings is false); the rotation checklist is in the job summary"
        exit 0
        ;;
    *)
        error "the scan failed with exit status $status"
        exit 2
        ;;
esac
