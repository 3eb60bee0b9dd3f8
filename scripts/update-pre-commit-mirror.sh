#!/bin/sh
# Writes the pre-commit mirror for one keyhound release into DIR (a checkout of the
# keyhound-pre-commit repository): the files of pre-commit-mirror/ with the package
# version and its `keyhound-bin` pin set to VERSION.
#
# Usage: scripts/update-pre-commit-mirror.sh VERSION DIR
# VERSION is a release version without the leading "v" (e.g. 0.2.0). Exits 2 on bad usage.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 VERSION DIR" >&2
    exit 2
fi
version=$1
dir=$2
case $version in
    v*) echo "error: give the version without the leading v: ${version#v}" >&2; exit 2 ;;
esac
if ! printf '%s\n' "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+([-.+][0-9A-Za-z.]+)?$'; then
    echo "error: not a version: $version" >&2
    exit 2
fi
if [ ! -d "$dir" ]; then
    echo "error: not a directory: $dir" >&2
    exit 2
fi

template=$(dirname "$0")/../pre-commit-mirror
cp "$template/.pre-commit-hooks.yaml" "$template/README.md" "$dir/"
sed -e "s/^version = \".*\"/version = \"$version\"/" \
    -e "s/\"keyhound-bin==[^\"]*\"/\"keyhound-bin==$version\"/" \
    "$template/pyproject.toml" >"$dir/pyproject.toml"
sed -i -e "s/rev: v[0-9][^ ]*/rev: v$version/" "$dir/README.md"
