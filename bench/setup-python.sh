#!/usr/bin/env bash
# Python for the VADER stance baseline (bench/vader_baseline.py): a virtual environment .venv/ in the repository
# root (git-ignored) with vaderSentiment==3.3.2, the only package it needs. Idempotent: creates .venv only when it
# is missing and installs only when the pinned version is not there. Network: the Python package index only, and
# only on the first run. Prints the interpreter's path on stdout; the gold test uses it unless MARGINALIA_PYTHON
# names another one.
set -euo pipefail
cd "$(dirname "$0")/.."

VADER_VERSION=3.3.2
PY=.venv/bin/python

if [ ! -x "$PY" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "setup-python: python3 not found" >&2; exit 2; }
  rm -rf .venv
  python3 -m venv .venv || { echo "setup-python: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 2; }
fi

if ! "$PY" -c "import importlib.metadata as m, sys; sys.exit(m.version('vaderSentiment') != '$VADER_VERSION')" 2>/dev/null; then
  "$PY" -m pip install --quiet --disable-pip-version-check "vaderSentiment==$VADER_VERSION"
fi

"$PY" -c "import vaderSentiment.vaderSentiment" || { echo "setup-python: vaderSentiment does not import in $PY" >&2; exit 2; }
echo "$(pwd)/$PY"
