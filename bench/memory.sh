#!/usr/bin/env bash
# Peak memory against corpus size, on corpora of many ordinary documents. Run by hand from the repository root:
#
#     bash bench/memory.sh                       # 2,000 documents, then 50, 200 and 800 MB
#     MEM_SIZES="5 50" bash bench/memory.sh      # other sizes (MB)
#
# Each corpus is copies of raw/*.txt, one directory per copy (copy-0001/...), so every document is an ordinary
# page (1 to 80 KB) and the document count grows with the size: about 430 documents per MB. Each run is the whole
# pipeline, `--jobs 1` and `--jobs 2`, timed by GNU time (elapsed seconds, peak RSS). Everything goes to
# bench/out/memory/ (git-ignored); the table is printed and written to bench/out/memory/results.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MEM_SIZES=${MEM_SIZES:-"4.6 50 200 800"}
OUT=bench/out/memory
BIN=target/release/marginalia
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time (GNU time) is required" >&2; exit 2; }
cargo build --release --quiet
mkdir -p "$OUT"

raw_bytes=$(find raw -maxdepth 1 -name '*.txt' -type f -printf '%s\n' | awk '{s += $1} END {print s}')
raw_docs=$(find raw -maxdepth 1 -name '*.txt' -type f | wc -l)

results=$OUT/results.md
{
    echo "| corpus | documents | MB | jobs | seconds | MB/s | peak RSS (MB) |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
} >"$results"

for mb in $MEM_SIZES; do
    copies=$(awk -v mb="$mb" -v b="$raw_bytes" 'BEGIN {c = int(mb * 1e6 / b + 0.5); print (c < 1 ? 1 : c)}')
    corpus=$OUT/corpus-$mb
    if [[ ! -f $corpus/.copies || $(cat "$corpus/.copies") != "$copies" ]]; then
        rm -rf "$corpus"
        mkdir -p "$corpus"
        for ((k = 1; k <= copies; k++)); do
            d=$(printf '%s/copy-%04d' "$corpus" "$k")
            mkdir -p "$d"
            cp raw/*.txt "$d/"
        done
        echo "$copies" >"$corpus/.copies"
    fi
    bytes=$((copies * raw_bytes))
    docs=$((copies * raw_docs))
    for jobs in 1 2; do
        rm -rf "$OUT/annotated"
        /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$BIN" -q "$corpus" --jobs "$jobs" --out "$OUT/annotated" || true
        read -r secs kb <"$OUT/time.txt"
        awk -v c="many documents" -v d="$docs" -v b="$bytes" -v j="$jobs" -v s="$secs" -v k="$kb" \
            'BEGIN {printf "| %s | %d | %.1f | %d | %.2f | %.1f | %.0f |\n", c, d, b / 1e6, j, s, b / 1e6 / s, k / 1024}' \
            | tee -a "$results"
    done
done
rm -rf "$OUT/annotated"
echo "table written to $results" >&2
