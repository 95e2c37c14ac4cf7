#!/usr/bin/env python3
"""jusText on the labelled corpus, scored like `marginalia eval` scores the cleaner.

usage: python3 bench/justext_baseline.py [RAW_DIR] [LINES_TSV...]
Each non-blank raw line becomes one <p> of an HTML page, jusText (English stoplist, its default settings) labels
every paragraph good or bad, and a line is kept when its paragraph is good. Prints one JSON object: per split,
boilerplate recall (gold boilerplate lines removed) and content kept (gold content, heading and quote lines kept),
the measures jusText has an answer for (it has no metadata or post structure). Exit 3 when jusText is missing.
"""
import html, json, os, sys

try:
    import justext
except ImportError as e:
    print(f"cannot import justext: {e}", file=sys.stderr)
    sys.exit(3)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
raw = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "raw")
gold_files = sys.argv[2:] or [os.path.join(root, "tests/fixtures/corpus/lines.tsv"),
                              os.path.join(root, "tests/fixtures/gold-lines.tsv")]


def rows(path):
    out, header = [], None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        out.append(dict(zip(header, cells)))
    return out


manifest = rows(os.path.join(raw, "MANIFEST.tsv"))
name = {}
for m in manifest:
    name[m["file"]] = m["file"]
    if m["seed"] != "-":
        name[m["seed"]] = m["file"]
split = {m["file"]: m["split"] for m in manifest}
gold = {}
for g in gold_files:
    for r in rows(g):
        gold.setdefault(name[r["file"]], {})[int(r["line"])] = r["label"]

stop = justext.get_stoplist("English")
counts = {}
for f, labels in sorted(gold.items()):
    lines = open(os.path.join(raw, f), encoding="utf-8", errors="replace").read().split("\n")
    idx = [i for i, l in enumerate(lines, 1) if l.strip()]
    page = "<html><body>" + "".join(f"<p>{html.escape(lines[i - 1].strip())}</p>" for i in idx) + "</body></html>"
    paras = justext.justext(page.encode("utf-8"), stop, encoding="utf-8")
    good = {}
    # One paragraph per line, in order (jusText keeps every block element as a paragraph).
    for i, p in zip(idx, paras):
        good[i] = not p.is_boilerplate
    c = counts.setdefault(split[f], {"boilerplate": 0, "removed": 0, "kept_gold": 0, "kept": 0, "docs": 0})
    c["docs"] += 1
    for line, label in labels.items():
        kept = good.get(line, False)
        if label == "boilerplate":
            c["boilerplate"] += 1
            c["removed"] += not kept
        elif label in ("content", "heading", "quote"):
            c["kept_gold"] += 1
            c["kept"] += kept
out = {}
for s, c in counts.items():
    out[s] = {"docs": c["docs"], "boilerplate_recall": round(c["removed"] / max(c["boilerplate"], 1), 3),
              "content_kept": round(c["kept"] / max(c["kept_gold"], 1), 3)}
print(json.dumps(out, sort_keys=True))
