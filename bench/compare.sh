#!/usr/bin/env bash
# marginalia's entity matcher against the tools a user would otherwise pick (spaCy PhraseMatcher, flashtext,
# pyahocorasick), on the same gazetteer and the same text. Run by hand from the repository root:
#
#     bash bench/compare.sh                   # first 15 documents of bench/out/corpus (45 MB)
#     COMPARE_DOCS=5 bash bench/compare.sh    # quicker
#
# Needs the corpus of bench/run.sh (bench/out/corpus), or COMPARE_DIR=any directory of *.txt files.
# Environment: COMPARE_DOCS (documents of the corpus, in name order; default 15), COMPARE_RUNS (timed runs per
# tool, best kept; default 3), COMPARE_DIR (use this directory as it is instead of the corpus).
# Writes to bench/out/ (git-ignored): venv/ (the Python tools), compare/ (raw outputs), compare.md (the table).
# See bench/README.md, "Against other matchers".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

COMPARE_DOCS=${COMPARE_DOCS:-15}
COMPARE_RUNS=${COMPARE_RUNS:-3}
OUT=bench/out
CORPUS=$OUT/corpus
WORK=$OUT/compare
VENV=$OUT/venv
PY=$VENV/bin/python
BIN=target/release/examples/match_only
UNIQUE=raw # the original texts: no repetition, so no tokeniser cache effect
# Versions checked to install and run here (Python 3.11, x86_64 wheels for spaCy and pyahocorasick).
PIP_PACKAGES=(spacy==3.8.18 flashtext==2.7 pyahocorasick==2.3.1)

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'compare: error: %s\n' "$*" >&2
    exit 2
}

[[ $COMPARE_DOCS =~ ^[1-9][0-9]*$ ]] || die "COMPARE_DOCS must be a positive integer (got '$COMPARE_DOCS')"
[[ $COMPARE_RUNS =~ ^[1-9][0-9]*$ ]] || die "COMPARE_RUNS must be a positive integer (got '$COMPARE_RUNS')"
command -v python3 >/dev/null || die "python3 is required"
mkdir -p "$WORK"

# ---------------------------------------------------------------------------------------------------------------
# Input: the first COMPARE_DOCS documents of the corpus (symbolic links in $WORK/sample), or COMPARE_DIR.
if [[ -n ${COMPARE_DIR:-} ]]; then
    [[ -d $COMPARE_DIR ]] || die "COMPARE_DIR=$COMPARE_DIR is not a directory"
    SAMPLE=$COMPARE_DIR
    INPUT_DESC="$COMPARE_DIR"
else
    [[ -d $CORPUS ]] || die "$CORPUS not found: build it with 'bash bench/run.sh' (or 'BENCH_MB=50 bash bench/run.sh')," \
        "or set COMPARE_DIR to any directory of *.txt files"
    mapfile -t DOCS < <(find "$CORPUS" -maxdepth 1 -name '*.txt' -type f | LC_ALL=C sort | head -n "$COMPARE_DOCS")
    ((${#DOCS[@]} > 0)) || die "no *.txt files in $CORPUS"
    SAMPLE=$WORK/sample
    rm -rf "$SAMPLE"
    mkdir -p "$SAMPLE"
    for d in "${DOCS[@]}"; do ln -s "$PWD/$d" "$SAMPLE/"; done
    INPUT_DESC="${#DOCS[@]} documents of $CORPUS, $(basename "${DOCS[0]}") to $(basename "${DOCS[-1]}") in name order"
fi
[[ -d $UNIQUE ]] || die "$UNIQUE/ not found"

# ---------------------------------------------------------------------------------------------------------------
if [[ ! -x $PY ]]; then
    log "creating $VENV"
    python3 -m venv "$VENV" || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
fi
log "pip install ${PIP_PACKAGES[*]}"
"$PY" -m pip install --quiet --disable-pip-version-check "${PIP_PACKAGES[@]}"

log "building (cargo build --release --example match_only)"
cargo build --release --quiet --example match_only

# ---------------------------------------------------------------------------------------------------------------
# CPU share of a whole run (loading included), as a check that the machine was not busy.
run_rust() { # DIR RUNS OUTFILE
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f 'cpu=%P' -o "$3.time" "$BIN" "$1" --runs "$2" >"$3"
        cat "$3.time" >>"$3"
        rm -f "$3.time"
    else
        "$BIN" "$1" --runs "$2" >"$3"
    fi
    sed 's/^/    /' "$3" >&2
}

log "marginalia matcher on $INPUT_DESC"
run_rust "$SAMPLE" "$COMPARE_RUNS" "$WORK/rust.txt"
log "marginalia matcher on $UNIQUE/ (unique text)"
run_rust "$UNIQUE" 10 "$WORK/rust-unique.txt"

log "Python tools (bench/compare.py)"
"$PY" bench/compare.py "$SAMPLE" --runs "$COMPARE_RUNS" --rust "$WORK/rust.txt" \
    --unique "$UNIQUE" --unique-rust "$WORK/rust-unique.txt" --unique-runs 10 \
    --json "$WORK/results.json" >"$WORK/table.md"

# ---------------------------------------------------------------------------------------------------------------
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
{
    printf 'Measured %s on %s (nproc %s), rustc %s, Python %s; input: %s.\n\n' \
        "$(date -u +%Y-%m-%d)" "${CPU_MODEL:-unknown CPU}" "$(nproc)" "$(rustc --version | cut -d' ' -f2)" \
        "$("$PY" -c 'import platform; print(platform.python_version())')" "$INPUT_DESC"
    cat "$WORK/table.md"
} >"$OUT/compare.md"

printf '\n'
cat "$OUT/compare.md"
printf '\n(written to %s; raw outputs in %s/)\n' "$OUT/compare.md" "$WORK"
