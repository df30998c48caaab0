#!/bin/sh
# Installs the benchmark's anchors into bench/.anchors/ (git-ignored): proselint in its own
# Python venv, and the npm packages alex and write-good. They are yardsticks for
# bench/bench_jargon.py, not dependencies of cio-coach.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEST="$HERE/.anchors"
PY=${PY:-python3}
mkdir -p "$DEST"
if [ ! -x "$DEST/venv/bin/python" ]; then
    "$PY" -m venv "$DEST/venv"
fi
"$DEST/venv/bin/pip" install -q --disable-pip-version-check proselint
if command -v npm >/dev/null 2>&1; then
    mkdir -p "$DEST/node"
    cd "$DEST/node"
    [ -f package.json ] || printf '{"name":"jargon-anchors","private":true}\n' > package.json
    npm install --silent --no-audit --no-fund alex write-good
else
    echo "npm not found: alex and write-good are skipped" >&2
fi
echo "anchors installed in $DEST"
