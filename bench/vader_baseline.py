#!/usr/bin/env python3
"""VADER baseline for targeted stance: label each (author, target) pair from VADER's sentence scores.

Usage: python bench/vader_baseline.py GOLD.jsonl

Input: JSON Lines, one object per line (blank lines are skipped):

    {"file": "...", "author": "...", "target": "...", "gold": "pro|con|mixed|neutral", "sentences": ["...", ...]}

`sentences` are the sentences in which the author speaks about the target. VADER (vaderSentiment 3.3.2) gives each
sentence a compound score in [-1, 1]: `SentimentIntensityAnalyzer().polarity_scores(s)["compound"]`. VADER scores
the whole sentence, not the target: this is a target-blind baseline.

Label rule, applied in this order:

    mixed    some sentence has compound >= 0.5 and some sentence has compound <= -0.5
    pro      else, the mean compound of the sentences is >= 0.05
    con      else, the mean compound is <= -0.05
    neutral  otherwise
    none     a row with no sentences (its mean is 0.0): no prediction, wrong for every gold label

A row without sentences is one for which the stance stage found nothing to go on; the baseline, reading the same
sentences, has nothing either. `none` counts against the recall of the row's gold label but is not a prediction
of any label (it lowers no label's precision), exactly as a gold row with no stance record of ours is scored.

Output:

* stderr: one line per row, tab-separated: file, author, target, gold, predicted, mean (4 decimals); a null or
  missing author or target is written as `-`, and tabs or line breaks inside a field as spaces.
* stdout: one JSON object, keys in this order:

    {"macro_f1": 0.5, "accuracy": 0.5, "n": 4,
     "per_label": {"pro": {"p": 1.0, "r": 0.5, "f1": 0.666667, "n": 2}, ...}}

  `n` is the number of rows; `per_label` has the labels that occur in the gold or in the predictions, in the
  order pro, con, mixed, neutral; a label's `n` is its number of gold rows. Precision is 0.0 for a label never
  predicted, F1 is 0.0 when precision and recall are both 0. `macro_f1` is the mean F1 over the labels that occur
  in the gold (a label only predicted lowers precision elsewhere but is not averaged). With no rows every figure is
  0.0 and `per_label` is empty. Floats are rounded to 6 decimals.

Exit codes: 0 done; 2 usage error or malformed input (named as file:line on stderr); 3 vaderSentiment is not
importable (run `bash bench/setup-python.sh`, then use `.venv/bin/python`).

Deterministic: VADER is rule-based, rows are processed in file order, and nothing is random.
"""

import json
import sys

LABELS = ("pro", "con", "mixed", "neutral")
STRONG = 0.5  # |compound| of a clearly positive or negative sentence (for "mixed")
NEUTRAL_BAND = 0.05  # VADER's usual threshold on the compound score


def label_of(compounds):
    """The predicted label and the mean compound of one row's sentence scores."""
    if not compounds:
        return "none", 0.0
    mean = sum(compounds) / len(compounds)
    if any(c >= STRONG for c in compounds) and any(c <= -STRONG for c in compounds):
        return "mixed", mean
    if mean >= NEUTRAL_BAND:
        return "pro", mean
    if mean <= -NEUTRAL_BAND:
        return "con", mean
    return "neutral", mean


def scores(gold, pred):
    """The metrics object printed on stdout."""
    n = len(gold)
    present = [lab for lab in LABELS if lab in gold or lab in pred]
    per_label = {}
    for lab in present:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_label[lab] = {"p": round(p, 6), "r": round(r, 6), "f1": round(f1, 6), "n": n_gold}
    in_gold = [lab for lab in present if per_label[lab]["n"] > 0]
    macro = sum(per_label[lab]["f1"] for lab in in_gold) / len(in_gold) if in_gold else 0.0
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / n if n else 0.0
    return {"macro_f1": round(macro, 6), "accuracy": round(acc, 6), "n": n, "per_label": per_label}


def field(v):
    return "-" if v is None else " ".join(str(v).split("\t")).replace("\r", " ").replace("\n", " ")


def read_rows(path):
    """The rows of the JSON Lines file, validated; exits 2 with file:line on the first bad line."""
    rows = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        print(f"vader_baseline: {path}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    with f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                continue

            def bad(msg):
                print(f"vader_baseline: {path}:{ln}: {msg}", file=sys.stderr)
                sys.exit(2)

            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                bad(f"not JSON: {e}")
            if not isinstance(row, dict):
                bad("not a JSON object")
            if row.get("gold") not in LABELS:
                bad(f"gold must be one of {', '.join(LABELS)}, not {row.get('gold')!r}")
            sents = row.get("sentences")
            if not isinstance(sents, list) or not all(isinstance(s, str) for s in sents):
                bad("sentences must be a list of strings")
            rows.append(row)
    return rows


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print("usage: vader_baseline.py GOLD.jsonl", file=sys.stderr)
        return 2
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as e:
        print(
            f"vader_baseline: cannot import vaderSentiment ({e}) with {sys.executable}.\n"
            "Fix: run `bash bench/setup-python.sh` from the repository root, then run this script with "
            "`.venv/bin/python` (or set MARGINALIA_PYTHON to an interpreter that has vaderSentiment==3.3.2).",
            file=sys.stderr,
        )
        return 3
    rows = read_rows(argv[1])
    analyzer = SentimentIntensityAnalyzer()
    gold, pred = [], []
    for row in rows:
        compounds = [analyzer.polarity_scores(s)["compound"] for s in row["sentences"]]
        label, mean = label_of(compounds)
        gold.append(row["gold"])
        pred.append(label)
        cells = [field(row.get("file")), field(row.get("author")), field(row.get("target")), row["gold"], label]
        print("\t".join(cells + [f"{mean:.4f}"]), file=sys.stderr)
    if not rows:
        print(f"vader_baseline: {argv[1]}: no rows", file=sys.stderr)
    print(json.dumps(scores(gold, pred)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
