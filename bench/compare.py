#!/usr/bin/env python3
"""Entity matching throughput of off-the-shelf Python tools, on marginalia's gazetteer and text.

Run by bench/compare.sh (which installs the tools in bench/out/venv); by hand:

    bench/out/venv/bin/python bench/compare.py DIR [--runs 3] [--rust MATCH_ONLY_OUTPUT] [--unique raw]

Every name the Rust matcher (`marginalia::entities::Matcher`) builds a pattern from is extracted from the
gazetteer, with the same rules (see `Matcher::build` in src/tag/entities.rs):

* the name, aliases and derived forms of every row of gazetteer/entities/*.tsv, without a leading `=` (which
  marks a case-sensitive alias) and without a trailing bracketed qualifier ("Robert Service (historian)");
* a form without apostrophes of a name that has one, and a WORK title without its leading article (2+ words);
* the surnames the matcher derives from PERSON names (last word of a multi-word name) and the initials forms
  ("L. D. Trotsky");
* the names of gazetteer/ambiguous.tsv.

They are lowercased and deduplicated, and given to:

* spaCy `PhraseMatcher(attr="LOWER")` on `spacy.blank("en")`, documents made by `nlp.tokenizer.pipe` (one process);
* flashtext `KeywordProcessor(case_sensitive=False)`, `extract_keywords(line, span_info=True)`;
* pyahocorasick `Automaton` over the lowercased names, run on the lowercased line, each hit kept only if it is a
  whole word (no letter or digit on either side), checked in Python.

Every `*.txt` file of DIR is read (not timed) and split into lines (`\\n`, a trailing `\\r` dropped, empty lines
skipped), exactly as examples/match_only.rs does; the lines are fed as they are. Only matching is timed (for spaCy
that includes tokenisation, which its matcher cannot do without). Each timing is run --runs times and the best is
kept. spaCy can be limited to the first files of DIR (--spacy-mb), should it be too slow.
spaCy gets a fresh pipeline for every timed run (built untimed), so that its tokeniser cache starts empty.

Match counts are counted in one untimed pass: all matches, and non-overlapping ones (leftmost-longest, the
resolution marginalia applies; flashtext's own output already is).
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import platform
import sys
import time
from pathlib import Path

# ---------------------------------------------------------------------------------------------------------------
# Gazetteer: the names marginalia's matcher uses.


def tsv_rows(path: Path, header: list[str]):
    """Rows of a marginalia data file: '#' comments and blank lines skipped, first other line = header."""
    seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not seen:
            if cells != header:
                sys.exit(f"compare.py: {path}: header must be {header}, found {cells}")
            seen = True
            continue
        yield cells


def strip_qualifier(name: str) -> str:
    """'Robert Service (historian)' -> 'Robert Service' (src/tag/entities.rs strip_qualifier)."""
    t = name.rstrip()
    if t.endswith(")") and "(" in t[:-1]:
        return name[: t[:-1].rfind("(")].rstrip()
    return name.strip()


def surname(name: str) -> str | None:
    """The last word of a person's name, when it can stand alone (src/tag/entities.rs surname)."""
    words = name.split()
    if len(words) < 2 or any(w[0].islower() for w in words):
        return None
    last = words[-1]
    roman = all(c in "IVX" for c in last)
    if roman or len(last) < 3 or last.endswith(".") or "," in last:
        return None
    i, j = 0, len(last)
    while i < j and not last[i].isalnum():
        i += 1
    while j > i and not last[j - 1].isalnum():
        j -= 1
    return last[i:j] or None


def initials_forms(name: str, lasts: list[str]) -> list[str]:
    """'Lev Davidovich Bronstein' with surname 'Trotsky' -> 'L. D. Trotsky', 'L.D. Trotsky', 'L. Trotsky'."""
    words = name.split()
    if len(words) < 2 or any(not w[0].isupper() or w.endswith(".") for w in words):
        return []
    firsts = [w[0] for w in words[:-1]]
    spaced = [f"{c}." for c in firsts]
    out = set()
    for last in lasts:
        out.add(f"{' '.join(spaced)} {last}")
        out.add(f"{''.join(spaced)} {last}")
        out.add(f"{firsts[0]}. {last}")
    return sorted(out)


def gazetteer_names(gaz: Path):
    """(forms, stats): every name form the Rust matcher makes a pattern of, and how many came from where (a form
    is counted once, under the first source that produced it).

    forms maps the lowercased form to (original form, case_sensitive flag of the alias it came from)."""
    forms: dict[str, tuple[str, bool]] = {}
    stats = collections.Counter()

    def add(form: str, source: str, cs: bool = False):
        form = form.strip()
        if not form:
            return
        if form.lower() not in forms:
            stats[source] += 1
            forms[form.lower()] = (form, cs)

    files = sorted((gaz / "entities").glob("*.tsv"))
    if not files:
        sys.exit(f"compare.py: no {gaz}/entities/*.tsv")
    for f in files:
        for cells in tsv_rows(f, ["id", "label", "name", "aliases", "derived", "facts"]):
            label, name = cells[1].strip(), cells[2].strip()
            aliases = [(name, False, False)]  # (text, case_sensitive, derived)
            for col, derived in ((cells[3], False), (cells[4], True)):
                if col.strip() == "-":
                    continue
                for raw in col.split(";"):
                    a = raw.strip()
                    cs = a.startswith("=")
                    a = a[1:].strip() if cs else a
                    if not a:
                        continue
                    if a == name:
                        aliases[0] = (name, aliases[0][1] or cs, False)
                        continue
                    aliases.append((a, cs, derived))
            for text, cs, derived in aliases:
                text = strip_qualifier(text)
                if not text:
                    continue
                add(text, "derived" if derived else "listed", cs)
                if "'" in text:
                    add(text.replace("'", ""), "no-apostrophe", cs)
                if label == "WORK" and not derived:
                    for article in ("The ", "A ", "An "):
                        if text.startswith(article) and len(text[len(article) :].split()) >= 2:
                            add(text[len(article) :], "title-no-article", cs)
            if label == "PERSON":
                names = [strip_qualifier(t) for t, _, d in aliases if not d]
                lasts = [s for s in map(surname, names) if s]
                for s in lasts:
                    add(s, "surname")
                for n in names:
                    for init in initials_forms(n, lasts):
                        add(init, "initials")
    amb = gaz / "ambiguous.tsv"
    if amb.exists():
        for cells in tsv_rows(amb, ["alias", "readings"]):
            add(cells[0], "ambiguous")
    return forms, stats


# ---------------------------------------------------------------------------------------------------------------
# Input: the same lines examples/match_only.rs feeds the Rust matcher.


def read_lines(files: list[Path]) -> tuple[list[str], int]:
    lines: list[str] = []
    nbytes = 0
    for f in files:
        data = f.read_bytes()
        nbytes += len(data)
        for line in data.decode("utf-8", errors="replace").split("\n"):
            if line.endswith("\r"):
                line = line[:-1]
            if line:
                lines.append(line)
    return lines, nbytes


def leftmost_longest(spans):
    """Non-overlapping spans: by start, longest first; a span is kept if it does not overlap the last kept."""
    kept = 0
    end = -1
    for s, e in sorted(spans, key=lambda x: (x[0], -x[1])):
        if s >= end:
            kept += 1
            end = e
    return kept


def best_of(runs: int, setup, run) -> dict:
    """Time run(setup()) `runs` times (setup is not timed; run returns a match count). The best run's wall time
    and CPU share, all wall times, and the count (which every run must agree on)."""
    times, cpus, counts = [], [], set()
    for _ in range(runs):
        state = setup()
        gc.collect()
        c, t = time.process_time(), time.perf_counter()
        n = run(state)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        times.append(wall)
        cpus.append(cpu / wall if wall > 0 else 1.0)
        counts.add(n)
    if len(counts) != 1:
        sys.exit(f"compare.py: runs disagree on the number of matches: {counts}")
    k = min(range(runs), key=times.__getitem__)
    return dict(best=times[k], cpu=cpus[k], times=times, timed_matches=counts.pop())


# ---------------------------------------------------------------------------------------------------------------
# The tools. Each returns its timing (best_of) with: build (seconds to build the matcher, not timed), matches
# (all), nonoverlap (leftmost-longest non-overlapping), surfaces (Counter of matched text), version.


def bench_spacy(forms, lines, runs, batch_size, warm=False):
    import spacy
    from spacy.matcher import PhraseMatcher

    def build():
        nlp = spacy.blank("en")
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("ENTITY", list(nlp.tokenizer.pipe(list(forms), batch_size=batch_size)))
        return nlp, matcher

    def run(state):
        nlp, matcher = state
        n = 0
        for doc in nlp.tokenizer.pipe(lines, batch_size=batch_size):
            n += len(matcher(doc))
        return n

    t = time.perf_counter()
    nlp, matcher = build()
    build_secs = time.perf_counter() - t
    # A fresh pipeline for every timed run: the tokeniser caches the analysis of every string it has seen, and a
    # run must not start with a cache filled by an earlier pass over the same text.
    r = best_of(runs, build, run)

    # Untimed pass: counts, non-overlapping counts, most frequent surfaces.
    total = nonover = 0
    surfaces = collections.Counter()
    for doc in nlp.tokenizer.pipe(lines, batch_size=batch_size):
        ms = matcher(doc)
        total += len(ms)
        nonover += leftmost_longest([(doc[s:e].start_char, doc[s:e].end_char) for _, s, e in ms])
        for _, s, e in ms:
            surfaces[doc[s:e].text] += 1
    r.update(build=build_secs, matches=total, nonoverlap=nonover, surfaces=surfaces, version=spacy.__version__)
    if warm:
        # The same, with the tokeniser cache already filled by the pass above: what the cache is worth.
        w = best_of(runs, lambda: (nlp, matcher), run)
        r["warm"] = dict(best=w["best"], cpu=w["cpu"], times=w["times"])
    return r


def bench_flashtext(forms, lines, runs):
    from flashtext import KeywordProcessor

    t = time.perf_counter()
    kp = KeywordProcessor(case_sensitive=False)
    for low, (orig, _) in forms.items():
        kp.add_keyword(orig, low)
    build_secs = time.perf_counter() - t

    def run(kp):
        n = 0
        extract = kp.extract_keywords
        for line in lines:
            n += len(extract(line, span_info=True))
        return n

    r = best_of(runs, lambda: kp, run)
    total = 0
    surfaces = collections.Counter()
    for line in lines:
        for _, s, e in kp.extract_keywords(line, span_info=True):
            total += 1
            surfaces[line[s:e]] += 1
    # flashtext's output already is leftmost-longest and non-overlapping.
    r.update(build=build_secs, matches=total, nonoverlap=total, surfaces=surfaces, version=pkg_version("flashtext"))
    return r


def bench_ahocorasick(forms, lines, runs):
    import ahocorasick

    t = time.perf_counter()
    automaton = ahocorasick.Automaton()
    for low in forms:
        automaton.add_word(low, len(low))
    automaton.make_automaton()
    build_secs = time.perf_counter() - t
    it = automaton.iter

    def find(line):
        """Whole-word hits in `line`: (start, end) in code points of the lowercased line."""
        low = line.lower()
        n = len(low)
        out = []
        for end, length in it(low):
            start = end - length + 1
            if start > 0 and low[start - 1].isalnum():
                continue
            if end + 1 < n and low[end + 1].isalnum():
                continue
            out.append((start, end + 1))
        return out

    def run(_):
        n = 0
        for line in lines:
            n += len(find(line))
        return n

    r = best_of(runs, lambda: None, run)
    total = nonover = 0
    surfaces = collections.Counter()
    for line in lines:
        hits = find(line)
        total += len(hits)
        nonover += leftmost_longest(hits)
        for s, e in hits:
            surfaces[line[s:e]] += 1
    r.update(build=build_secs, matches=total, nonoverlap=nonover, surfaces=surfaces,
             version=pkg_version("pyahocorasick"))
    return r


def pkg_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


# ---------------------------------------------------------------------------------------------------------------


def parse_rust(path: Path) -> dict:
    """The `result key=value ...` line of examples/match_only.rs (and `cpu=` added by compare.sh, if any)."""
    out: dict = {}
    for line in path.read_text().splitlines():
        if line.startswith("result "):
            out.update(kv.split("=", 1) for kv in line.split()[1:])
        elif line.startswith("cpu="):
            out["cpu"] = line.split("=", 1)[1].strip()
    if "bytes" not in out:
        sys.exit(f"compare.py: no 'result' line in {path}")
    return out


TOOLS = ("spacy", "flashtext", "pyahocorasick")


def run_tool(tool, forms, lines, runs, args, warm=False):
    if tool == "spacy":
        return bench_spacy(forms, lines, runs, args.spacy_batch, warm)
    if tool == "flashtext":
        return bench_flashtext(forms, lines, runs)
    if tool == "pyahocorasick":
        return bench_ahocorasick(forms, lines, runs)
    sys.exit(f"compare.py: unknown tool {tool!r} (known: {', '.join(TOOLS)})")


def txt_files(d: Path) -> list[Path]:
    files = sorted(p for p in d.glob("*.txt") if p.is_file())
    if not files:
        sys.exit(f"compare.py: no *.txt files in {d}")
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="directory of *.txt files (the one given to match_only)")
    ap.add_argument("--gazetteer", type=Path, default=Path("gazetteer"))
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool; the best is kept (default 3)")
    ap.add_argument("--spacy-mb", type=float, default=0,
                    help="run spaCy only on the first files of DIR up to this many MB (default 0: all of DIR)")
    ap.add_argument("--spacy-batch", type=int, default=1000, help="batch_size of nlp.tokenizer.pipe (default 1000)")
    ap.add_argument("--only", default=",".join(TOOLS), help="comma-separated tools to run (default: all)")
    ap.add_argument("--rust", type=Path, help="output of examples/match_only.rs on DIR, for the table")
    ap.add_argument("--unique", type=Path,
                    help="a second directory, of text without repetition (raw/): MB/s there in an extra column")
    ap.add_argument("--unique-rust", type=Path, help="output of examples/match_only.rs on the --unique directory")
    ap.add_argument("--unique-runs", type=int, default=10, help="timed runs on the --unique directory (default 10)")
    ap.add_argument("--json", type=Path, help="write raw results (times, counts, top surfaces) here")
    args = ap.parse_args()

    forms, stats = gazetteer_names(args.gazetteer)
    log(f"{len(forms)} distinct lowercased names from {args.gazetteer} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(stats.items()))})")

    files = txt_files(args.dir)
    lines, nbytes = read_lines(files)
    log(f"input {args.dir}: {len(files)} files, {nbytes / 1e6:.1f} MB, {len(lines)} non-empty lines")
    spacy_files, spacy_lines, spacy_bytes = files, lines, nbytes
    if args.spacy_mb > 0:
        acc, spacy_files = 0, []
        for f in files:
            spacy_files.append(f)
            acc += f.stat().st_size
            if acc >= args.spacy_mb * 1e6:
                break
        if spacy_files != files:
            spacy_lines, spacy_bytes = read_lines(spacy_files)
    unique = None
    if args.unique:
        ufiles = txt_files(args.unique)
        unique = read_lines(ufiles)
        log(f"unique text {args.unique}: {len(ufiles)} files, {unique[1] / 1e3:.1f} KB, {len(unique[0])} lines")

    results = {}
    for tool in [t.strip() for t in args.only.split(",") if t.strip()]:
        tl, tb = (spacy_lines, spacy_bytes) if tool == "spacy" else (lines, nbytes)
        log(f"{tool} on {tb / 1e6:.1f} MB, {args.runs} runs ...")
        r = run_tool(tool, forms, tl, args.runs, args)
        r.update(bytes=tb, mbps=tb / 1e6 / r["best"])
        log(f"    {' / '.join(f'{t:.2f}' for t in r['times'])} s -> best {r['best']:.2f} s ({r['cpu']:.0%} CPU), "
            f"{r['mbps']:.2f} MB/s; {r['matches']} matches ({r['nonoverlap']} non-overlapping); "
            f"built in {r['build']:.2f} s")
        log(f"    most frequent: {', '.join(f'{s!r} {c}' for s, c in r['surfaces'].most_common(12))}")
        if unique:
            u = run_tool(tool, forms, unique[0], args.unique_runs, args, warm=True)
            r["unique"] = dict(best=u["best"], cpu=u["cpu"], times=u["times"], matches=u["matches"],
                               mbps=unique[1] / 1e6 / u["best"])
            log(f"    unique text: best of {args.unique_runs} {u['best'] * 1e3:.1f} ms, "
                f"{r['unique']['mbps']:.2f} MB/s, {u['matches']} matches")
            if "warm" in u:
                r["unique"]["warm_mbps"] = unique[1] / 1e6 / u["warm"]["best"]
                log(f"    unique text, tokeniser cache filled by an earlier pass: {r['unique']['warm_mbps']:.2f} MB/s")
        results[tool] = r

    rust = parse_rust(args.rust) if args.rust else None
    urust = parse_rust(args.unique_rust) if args.unique_rust else None
    print(markdown(results, rust, urust, forms, stats, len(files), nbytes, unique, args))
    if args.json:
        for r in results.values():
            r["top"] = r.pop("surfaces").most_common(60)
        args.json.write_text(json.dumps(dict(names=len(forms), sources=stats, python=platform.python_version(),
                                             results=results, rust=rust, unique_rust=urust),
                                        indent=1, ensure_ascii=False))
    return 0


DESC = {
    # name, whole words, case, variants, offsets and overlaps
    "rust": ("marginalia `Matcher::tag_document` (Rust)", "yes; a possessive 's may follow",
             "case-insensitive, except `=` aliases, short acronyms, one-word names that are English words, and "
             "surnames that are common words, which need their capitals; singular derived forms only "
             "attributively (adjective rule)",
             "accents, hyphens/dashes, apostrophes folded; transliteration key, 1-edit fuzzy, run-together words, "
             "acronyms of earlier names; shared surnames and ambiguous names resolved from the document",
             "bytes of the line; one resolved entity per span, no overlaps"),
    "spacy": ("spaCy `PhraseMatcher(attr=\"LOWER\")`, `spacy.blank(\"en\")`, `tokenizer.pipe`, 1 process",
              "token boundaries of the spaCy tokeniser", "all case-insensitive",
              "none (token sequences must be equal; hyphens and apostrophes as the tokeniser splits them)",
              "token indices (code points via `Span`); all overlapping matches"),
    "flashtext": ("flashtext `KeywordProcessor(case_sensitive=False)`, `extract_keywords(span_info=True)`",
                  "boundaries are any character but ASCII `[A-Za-z0-9_]` (an accented letter is a boundary)",
                  "all case-insensitive", "none", "code points; longest match, no overlaps"),
    "pyahocorasick": ("pyahocorasick `Automaton.iter` on `line.lower()`, whole-word check in Python",
                      "yes (`str.isalnum` on both sides, in Python)", "all case-insensitive", "none",
                      "code points; all overlapping matches"),
}


def markdown(results, rust, urust, forms, stats, nfiles, nbytes, unique, args) -> str:
    uhead = f" MB/s, unique text ({unique[1] / 1e3:.1f} KB) |" if unique else ""
    ualign = "---:|" if unique else ""
    out = [f"| Tool | Input MB | Best s | MB/s | CPU |{uhead} Matches (non-overlapping) | Whole words | Case | "
           f"Variants | Offsets, overlaps |",
           f"|---|---:|---:|---:|---:|{ualign}---:|---|---|---|---|"]

    def row(key, version, mb, best, mbps, cpu, umbps, matches):
        name, ww, case, var, off = DESC[key]
        u = f" {umbps} |" if unique else ""
        out.append(f"| {name}{', ' + version if version else ''} | {mb:.1f} | {best:.2f} | **{mbps:.1f}** | {cpu} |{u} "
                   f"{matches} | {ww} | {case} | {var} | {off} |")

    if rust:
        b, s = int(rust["bytes"]), float(rust["seconds"])
        um = f"{int(urust['bytes']) / 1e6 / float(urust['seconds']):.1f}" if urust else "n/a"
        row("rust", f"{rust['patterns']} patterns", b / 1e6, s, b / 1e6 / s, rust.get("cpu", "n/a"), um,
            f"{int(rust['mentions'])} mentions")
    for tool, r in results.items():
        um = f"{r['unique']['mbps']:.1f}" if "unique" in r else "n/a"
        if "warm_mbps" in r.get("unique", {}):
            um += f" ({r['unique']['warm_mbps']:.1f} with a warm cache)"
        row(tool, r["version"], r["bytes"] / 1e6, r["best"], r["mbps"], f"{r['cpu']:.0%}", um,
            f"{r['matches']} ({r['nonoverlap']})")

    src = ", ".join(f"{v} {k}" for k, v in sorted(stats.items(), key=lambda kv: -kv[1]))
    notes = [
        "",
        f"Input: {nfiles} files, {nbytes / 1e6:.1f} MB, split into non-empty lines fed as they are (not normalised), "
        f"one document per file for marginalia. One thread; only matching is timed (spaCy: tokenising + matching); "
        f"best of {args.runs} runs ({args.unique_runs} on the unique text); MB = 10^6 bytes of input. CPU: share of a "
        "core in the best run (marginalia: whole process, loading included).",
        f"Names: the Python tools get the {len(forms)} distinct lowercased forms the Rust matcher builds its "
        f"patterns from ({src}); derived surnames and initials forms are included so that the comparison is fair.",
    ]
    if unique:
        notes.append(f"Unique text: {args.unique}/, the texts the corpus documents repeat, each once. spaCy runs "
                     "with a fresh pipeline (empty tokeniser cache) in every timed run; the figure in brackets is "
                     "a pipeline that has seen the text once. The mix of texts differs from the main input, so "
                     "compare rows within a column.")
    if "spacy" in results and results["spacy"]["bytes"] != nbytes:
        notes.append(f"spaCy ran on the first {results['spacy']['bytes'] / 1e6:.1f} MB only: its match counts "
                     "cannot be compared with the other rows.")
    busy = [t for t, r in results.items() if r["cpu"] < 0.9]
    if busy:
        notes.append(f"**Warning:** {', '.join(busy)} got less than 90% CPU in its best run: the machine was busy.")
    return "\n".join(out + [n + "\n" if n else n for n in notes]).rstrip() + "\n"


def log(msg: str) -> None:
    print(f"==> {msg}" if not msg.startswith(" ") else msg, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
