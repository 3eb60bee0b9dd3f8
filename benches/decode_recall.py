#!/usr/bin/env python3
"""Recall of keyhound's decoding stage on encoded copies of the built-in rules' own examples.

For every positive example of every built-in rule (except path-scoped and decoded-only
rules, which need a file name or are decoded already), writes one file per encoding
holding the example encoded (base64, URL-safe base64, wrapped base64, hex, percent,
JS escapes, HTML entities, base64 inside base64), scans them all, and reports per
encoding the share of examples whose rule is found, relative to the plain copies.

Usage: benches/decode_recall.py [path/to/keyhound]   (default: target/release/keyhound)
"""
import base64
import json
import pathlib
import subprocess
import sys
import tempfile
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target/release/keyhound")


def b64(s):
    return base64.b64encode(s.encode()).decode()


ENCODINGS = {
    "plain": lambda s: s,
    "base64": lambda s: "blob: " + b64(s),
    "base64url": lambda s: "blob: " + base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
    "base64-wrapped": lambda s: "blob: |\n  " + "\n  ".join(b64(s)[i:i + 64] for i in range(0, len(b64(s)), 64)),
    "hex": lambda s: "blob: " + s.encode().hex(),
    "percent": lambda s: "url: https://h.example/?v=" + "".join(c if c.isalnum() else "%%%02X" % ord(c) for c in s),
    "js-escape": lambda s: 'v = "' + "".join(c if c.isalnum() else "\\u%04x" % ord(c) for c in s) + '"',
    "entity": lambda s: "<v>" + "".join(c if c.isalnum() else "&#%d;" % ord(c) for c in s) + "</v>",
    "base64>base64": lambda s: "blob: " + b64('{"data": "' + b64(s) + '"}'),
}


def main():
    cases = []
    for f in sorted((ROOT / "rules").glob("*.toml")):
        data = tomllib.loads(f.read_text())
        for rule in data.get("rule", []):
            if rule.get("paths") or rule.get("decoded_only"):
                continue
            for i, ex in enumerate(rule["examples"]):
                cases.append((rule["id"], i, ex))
    with tempfile.TemporaryDirectory() as tmp:
        for enc, fn in ENCODINGS.items():
            d = pathlib.Path(tmp) / enc
            d.mkdir()
            for rid, i, ex in cases:
                (d / f"{rid}__{i}.txt").write_text(fn(ex) + "\n")
        out = subprocess.run([BIN, "scan", tmp, "--format", "json", "-q"], capture_output=True, text=True)
        found = {}
        for x in json.loads(out.stdout):
            enc, name = x["path"].split("/")[-2:]
            found.setdefault((enc, name), set()).add(x["rule"])
    plain = {(rid, i) for rid, i, _ in cases if rid in found.get(("plain", f"{rid}__{i}.txt"), ())}
    print(f"{len(cases)} examples of {len({c[0] for c in cases})} rules; {len(plain)} found as plain text")
    for enc in ENCODINGS:
        if enc == "plain":
            continue
        hit = sum(1 for rid, i in plain if rid in found.get((enc, f"{rid}__{i}.txt"), ()))
        print(f"{enc:16} {hit:5}/{len(plain)}  {100 * hit / max(1, len(plain)):5.1f}%")


if __name__ == "__main__":
    main()
