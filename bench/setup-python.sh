#!/usr/bin/env bash
# Python for the baselines the tests print next to our scores: VADER for stance (bench/vader_baseline.py) and
# jusText for boilerplate (bench/justext_baseline.py). A virtual environment .venv/ in the repository root
# (git-ignored) with the pinned packages below. Idempotent: creates .venv only when it
# is missing and installs only when the pinned version is not there. Network: the Python package index only, and
# only on the first run. Prints the interpreter's path on stdout; the gold test uses it unless MARGINALIA_PYTHON
# names another one.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(vaderSentiment==3.3.2 jusText==3.0.2 lxml==6.2.1 lxml_html_clean==0.4.7)
PY=.venv/bin/python

if [ ! -x "$PY" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "setup-python: python3 not found" >&2; exit 2; }
  rm -rf .venv
  python3 -m venv .venv || { echo "setup-python: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 2; }
fi

installed() {
  "$PY" - "$@" <<'PYEOF' 2>/dev/null
import importlib.metadata as m, sys
sys.exit(any(m.version(p.split("==")[0]) != p.split("==")[1] for p in sys.argv[1:]))
PYEOF
}
if ! installed "${PACKAGES[@]}"; then
  "$PY" -m pip install --quiet --disable-pip-version-check "${PACKAGES[@]}"
fi

"$PY" -c "import vaderSentiment.vaderSentiment, justext" || { echo "setup-python: the baselines do not import in $PY" >&2; exit 2; }
echo "$(pwd)/$PY"
