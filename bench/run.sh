#!/usr/bin/env bash
# Throughput benchmark of the marginalia pipeline. Run by hand from the repository root:
#
#     bash bench/run.sh                 # 200 MB corpus
#     BENCH_MB=50 bash bench/run.sh     # smaller, quicker
#
# Environment: BENCH_MB (corpus size in MB = 10^6 bytes, default 200), BENCH_DOCS (number of documents, default 50).
# Everything it writes goes to bench/out/ (git-ignored). See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

BENCH_MB=${BENCH_MB:-200}
BENCH_DOCS=${BENCH_DOCS:-50}
OUT=bench/out
CORPUS=$OUT/corpus
STAMP=$OUT/corpus.stamp
BIN=target/release/marginalia
STAGES_BIN=target/release/examples/stages
GAZETTEER=gazetteer
NPROC=$(nproc)
STREAM_FILES=(documents.jsonl segments.jsonl removed.jsonl)

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'bench: error: %s\n' "$*" >&2
    exit 2
}

[[ $BENCH_MB =~ ^[1-9][0-9]*$ ]] || die "BENCH_MB must be a positive integer (got '$BENCH_MB')"
[[ $BENCH_DOCS =~ ^[1-9][0-9]*$ ]] || die "BENCH_DOCS must be a positive integer (got '$BENCH_DOCS')"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is required"
mkdir -p "$OUT"

# ---------------------------------------------------------------------------------------------------------------
log "building (cargo build --release, example stages)"
cargo build --release --quiet
cargo build --release --quiet --example stages

# ---------------------------------------------------------------------------------------------------------------
# Corpus: BENCH_DOCS documents, each one file of raw/ repeated whole (a newline is added after a copy whose file
# does not end with one, so copies never merge lines). Document k uses raw file k mod R and a target size of
# 0.5x, 0.75x, 1x, 1.25x or 1.5x the mean, so sizes vary; every document is at least its target, so the corpus is at
# least BENCH_MB. A MANIFEST.tsv gives each document the kind, seed and title of its raw file (and its own sha256),
# as raw/MANIFEST.tsv does for the originals.
mapfile -t RAWS < <(find raw -maxdepth 1 -name '*.txt' -type f | LC_ALL=C sort)
((${#RAWS[@]} > 0)) || die "no raw/*.txt files"

file_size() { stat -c %s "$1"; }

corpus_bytes() {
    find "$CORPUS" -maxdepth 1 -name '*.txt' -type f -printf '%s\n' | awk '{s += $1} END {printf "%d\n", s}'
}

# repeat SRC N DST: DST = N copies of SRC, by doubling (O(log N) cat calls).
repeat_file() {
    local src=$1 n=$2 dst=$3 blk
    blk=$(mktemp "$OUT/.blk.XXXXXX")
    cat "$src" >"$blk"
    : >"$dst"
    while ((n > 0)); do
        if ((n & 1)); then cat "$blk" >>"$dst"; fi
        n=$((n >> 1))
        if ((n > 0)); then
            cat "$blk" "$blk" >"$blk.2"
            mv "$blk.2" "$blk"
        fi
    done
    rm -f "$blk"
}

FACTORS=(2 3 4 5 6) # quarters of the mean size
raw_digest=$(find raw -maxdepth 1 -type f \( -name '*.txt' -o -name MANIFEST.tsv \) | LC_ALL=C sort | xargs cat |
    sha256sum | cut -c1-16)
corpus_key="v2 mb=$BENCH_MB docs=$BENCH_DOCS raw=$raw_digest"

if [[ -f $STAMP && -d $CORPUS ]] && [[ $(sed -n 1p "$STAMP") == "$corpus_key" ]] &&
    [[ $(sed -n 2p "$STAMP") == "$(corpus_bytes)" ]]; then
    log "reusing corpus $CORPUS ($(corpus_bytes) bytes)"
else
    log "building corpus $CORPUS (>= $BENCH_MB MB, $BENCH_DOCS documents)"
    rm -rf "$CORPUS" "$STAMP"
    mkdir -p "$CORPUS"
    units=$(mktemp -d "$OUT/.units.XXXXXX")
    for f in "${RAWS[@]}"; do
        u=$units/$(basename "$f")
        cat "$f" >"$u"
        if [[ -s $u && -n $(tail -c1 "$u") ]]; then printf '\n' >>"$u"; fi
    done
    sumf=0
    for ((k = 0; k < BENCH_DOCS; k++)); do
        sumf=$((sumf + FACTORS[(k / ${#RAWS[@]}) % ${#FACTORS[@]}]))
    done
    manifest=$CORPUS/MANIFEST.tsv
    printf 'file\turl\tquery\tretrieved\tstyle\tkind\ttitle\tsplit\tsha256\tseed\n' >"$manifest"
    for ((k = 0; k < BENCH_DOCS; k++)); do
        raw=${RAWS[k % ${#RAWS[@]}]}
        name=$(basename "$raw")
        unit=$units/$name
        usize=$(file_size "$unit")
        ((usize > 0)) || die "$raw is empty"
        target=$((BENCH_MB * 1000000 * FACTORS[(k / ${#RAWS[@]}) % ${#FACTORS[@]}] / sumf))
        copies=$(((target + usize - 1) / usize))
        doc=$(printf '%03d-%s' "$k" "$name")
        repeat_file "$unit" "$copies" "$CORPUS/$doc"
        # Carry the raw file's manifest row (url, style, kind, title, split, seed...) with the document's own sha256.
        if [[ -f raw/MANIFEST.tsv ]]; then
            sum=$(sha256sum "$CORPUS/$doc" | cut -d' ' -f1)
            awk -F'\t' -v OFS='\t' -v f="$name" -v d="$doc" -v s="$sum" \
                '$1 == f { print d, $2, $3, $4, $5, $6, $7, $8, s, $10 }' raw/MANIFEST.tsv >>"$manifest"
        fi
    done
    rm -rf "$units"
    printf '%s\n%s\n' "$corpus_key" "$(corpus_bytes)" >"$STAMP"
    log "corpus built: $(corpus_bytes) bytes"
fi

INPUT_BYTES=$(corpus_bytes)
INPUT_MB=$(awk -v b="$INPUT_BYTES" 'BEGIN {printf "%.1f", b / 1e6}')
NDOCS=$(find "$CORPUS" -maxdepth 1 -name '*.txt' -type f | wc -l)
# Warm the page cache so that the first run does not pay for disk reads the others do not.
cat "$CORPUS"/*.txt >/dev/null

# ---------------------------------------------------------------------------------------------------------------
# GNU time -v output helpers.
time_wall() { # seconds, from "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.03"
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f\n", s }' "$1"
}
time_rss_mb() { # MB (10^6 bytes), from "Maximum resident set size (kbytes): N"
    awk -F': ' '/Maximum resident set size/ {printf "%.0f\n", $NF * 1024 / 1e6}' "$1"
}
time_cpu() { awk -F': ' '/Percent of CPU this job got/ {print $NF}' "$1"; }
rate() { awk -v mb="$1" -v s="$2" 'BEGIN {printf "%.1f\n", (s > 0 ? mb / s : 0)}'; }

# A run that got much less CPU than it has threads was competing with something else on the machine: its wall
# time says little about marginalia. Flag it rather than report it silently.
WARNINGS=()
check_busy() { # NAME CPU% THREADS
    local pct=${2%\%}
    if [[ $pct =~ ^[0-9]+$ ]] && ((pct < 90 * $3)); then
        WARNINGS+=("$1 got only $2 CPU for $3 busy thread(s): the machine was not idle, its wall time is pessimistic")
        printf '    warning: %s\n' "${WARNINGS[-1]}" >&2
    fi
}

# ---------------------------------------------------------------------------------------------------------------
JOBS=(1)
((NPROC > 1)) && JOBS+=("$NPROC")
declare -A WALL RSS CPU
for j in "${JOBS[@]}"; do
    dir=$OUT/annotated-j$j
    rm -rf "$dir"
    log "marginalia --jobs $j on $INPUT_MB MB ($NDOCS documents)"
    if ! /usr/bin/time -v -o "$OUT/time-j$j.txt" \
        "$BIN" "$CORPUS" --gazetteer "$GAZETTEER" --out "$dir" --jobs "$j" --quiet; then
        die "marginalia --jobs $j failed (see $OUT/time-j$j.txt)"
    fi
    WALL[$j]=$(time_wall "$OUT/time-j$j.txt")
    RSS[$j]=$(time_rss_mb "$OUT/time-j$j.txt")
    CPU[$j]=$(time_cpu "$OUT/time-j$j.txt")
    printf '    %s s, %s MB/s, peak RSS %s MB, CPU %s\n' "${WALL[$j]}" "$(rate "$INPUT_MB" "${WALL[$j]}")" \
        "${RSS[$j]}" "${CPU[$j]}" >&2
    check_busy "marginalia --jobs $j" "${CPU[$j]}" "$j"
done

# Determinism: the output must not depend on the number of threads.
IDENTICAL="n/a (one core: only --jobs 1 was run)"
status=0
if ((${#JOBS[@]} > 1)); then
    a=$OUT/annotated-j1 b=$OUT/annotated-j$NPROC
    fa=$(cd "$a" && find . -type f | LC_ALL=C sort)
    fb=$(cd "$b" && find . -type f | LC_ALL=C sort)
    diffs=()
    [[ $fa == "$fb" ]] || diffs+=("file lists differ")
    nfiles=0
    while IFS= read -r f; do
        [[ -n $f ]] || continue
        nfiles=$((nfiles + 1))
        [[ -f $b/$f ]] || continue
        cmp -s "$a/$f" "$b/$f" || diffs+=("${f#./} differs: $(cmp "$a/$f" "$b/$f" 2>&1 | head -1)")
    done <<<"$fa"
    out_bytes=$(cat "$a"/* | wc -c)
    if ((${#diffs[@]} == 0)); then
        IDENTICAL="yes: all $nfiles files byte-identical ($out_bytes bytes)"
    else
        IDENTICAL="NO: $(printf '%s; ' "${diffs[@]}")"
        status=1
    fi
    log "--jobs 1 vs --jobs $NPROC output: $IDENTICAL"
fi

# ---------------------------------------------------------------------------------------------------------------
log "per-stage timing (examples/stages.rs, one thread)"
/usr/bin/time -v -o "$OUT/time-stages.txt" "$STAGES_BIN" "$CORPUS" --gazetteer "$GAZETTEER" >"$OUT/stages.txt"
cat "$OUT/stages.txt"
STAGES_RSS=$(time_rss_mb "$OUT/time-stages.txt")
check_busy "stages example" "$(time_cpu "$OUT/time-stages.txt")" 1

# The staged chain must produce exactly what the binary wrote.
CHAIN="yes"
for f in "${STREAM_FILES[@]}"; do
    want=$(awk -v f="$f" '$1 == "stream" && $2 == f {print $4}' "$OUT/stages.txt")
    got=$(sha256sum "$OUT/annotated-j1/$f" | cut -d' ' -f1)
    if [[ $want != "$got" ]]; then
        CHAIN="NO ($f differs)"
        status=1
    fi
done
log "stages chain output identical to marginalia's: $CHAIN"

# ---------------------------------------------------------------------------------------------------------------
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
SRC_DIGEST=$(find src "$GAZETTEER" -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
{
    printf 'Measured %s on %s (nproc %s), %s; corpus %s MB in %s documents; src+gazetteer digest %s.\n\n' \
        "$(date -u +%Y-%m-%d)" "${CPU_MODEL:-unknown CPU}" "$NPROC" "$("$BIN" --version)" "$INPUT_MB" "$NDOCS" \
        "$SRC_DIGEST"
    printf '| Run | Input MB | Wall s | MB/s | Peak RSS MB | CPU |\n'
    printf '|---|---:|---:|---:|---:|---:|\n'
    for j in "${JOBS[@]}"; do
        printf '| `marginalia --jobs %s` | %s | %s | %s | %s | %s |\n' "$j" "$INPUT_MB" "${WALL[$j]}" \
            "$(rate "$INPUT_MB" "${WALL[$j]}")" "${RSS[$j]}" "${CPU[$j]}"
    done
    # Stage rows from the example's table: "| name | seconds | MB/s | share |".
    awk -F' *\\| *' -v mb="$INPUT_MB" -v rss="$STAGES_RSS" '
        /^\| / && $2 != "Stage" && $2 !~ /^-/ {
            if ($2 == "total") printf "| stages total, 1 thread | %s | %s | %s | %s | 100%% |\n", mb, $3, $4, rss
            else printf "| stage: %s (%s of time) | %s | %s | %s | | |\n", $2, $5, mb, $3, $4
        }' "$OUT/stages.txt"
    printf '\n'
    printf 'Output at `--jobs 1` and `--jobs %s` identical: %s. Staged chain output identical to the binary'"'"'s: %s.\n' \
        "$NPROC" "$IDENTICAL" "$CHAIN"
    for w in "${WARNINGS[@]}"; do printf '\n**Warning:** %s.\n' "$w"; done
} >"$OUT/results.md"

printf '\n'
cat "$OUT/results.md"
printf '\n(written to %s)\n' "$OUT/results.md"
exit "$status"
