//! The review report, `annotated/REPORT.md`: the inconsistencies for a person to read top to bottom.
//!
//! Per date inconsistency: the subject, the event and its object by name and id, each position with its value, the
//! source document, raw line, author and a short quote, and the gazetteer's reference value when there is one.
//! Per stance conflict (after the date sections): the target by name and id, and the positions side by side in a
//! table with a column per stance (pro, con, and mixed when there is one), each with its source document, raw line,
//! author, score and a short quote.

use crate::data::gazetteer::Entity;
use crate::reconcile::OPPOSITE_STANCES;
use crate::record::{Inconsistency, Position};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::io::{self, BufRead, BufReader, BufWriter, Seek};

/// Longest quote shown per position, in characters.
const QUOTE_CHARS: usize = 220;

/// `paths`: document id → raw path, for the "where" column.
/// `statement(target)`: the statement of a proposition target (gazetteer/propositions.tsv), printed with its
/// stance conflicts so that a reader knows what pro and con are about.
pub fn render(
    items: &[Inconsistency],
    entities: &[Entity],
    statement: &dyn Fn(&str) -> Option<String>,
    paths: &HashMap<String, String>,
    claims: usize,
) -> String {
    let count = |check: &str| items.iter().filter(|i| i.check == check).count();
    let mut replay = |check: &str, f: &mut Each| {
        for i in items.iter().filter(|i| i.check == check) {
            let path = |p: &Position| paths.get(&p.document).unwrap_or(&p.document).clone();
            f(i, &mut i.positions.iter().map(|p| Ok((p.clone(), path(p)))))?;
        }
        Ok(())
    };
    let mut out = Vec::new();
    write(&mut out, entities, statement, claims, &count, &mut replay).expect("writing to memory");
    String::from_utf8(out).expect("the report is UTF-8")
}

/// The positions of an inconsistency, in order, each with the raw path of its document, as they are read.
pub type Positions<'a> = dyn Iterator<Item = io::Result<(Position, String)>> + 'a;

/// Called on each inconsistency of a section (its `positions` field is not read) with its positions.
pub type Each<'a> = dyn FnMut(&Inconsistency, &mut Positions) -> io::Result<()> + 'a;

/// Write the report to `w` as it is read: `count(check)` is the number of inconsistencies of a check and
/// `replay(check, each)` calls `each` on them in output order (once per section, so the items need not be held in
/// memory). `claims` is the number of dated claims compared.
pub fn write(
    w: &mut dyn io::Write,
    entities: &[Entity],
    statement: &dyn Fn(&str) -> Option<String>,
    claims: usize,
    count: &dyn Fn(&str) -> usize,
    replay: &mut dyn FnMut(&str, &mut Each) -> io::Result<()>,
) -> io::Result<()> {
    let names: HashMap<&str, &str> = entities.iter().map(|e| (e.id.as_str(), e.name.as_str())).collect();
    let name = |id: &str| match names.get(id) {
        Some(n) => format!("{n} (`{id}`)"),
        None => format!("`{id}`"),
    };
    let mut s = String::new();
    let _ = writeln!(s, "# Inconsistency report\n");
    let _ = writeln!(
        s,
        "Dated claims compared: {claims}. Found: {} date conflicts between or within sources, {} disagreements \
         with the gazetteer's reference facts, {} claims dated before their object existed.\n",
        count("sources-disagree"),
        count("against-reference"),
        count("before-object-existed"),
    );
    let _ = writeln!(
        s,
        "Each item has a stable id (also in `inconsistencies.jsonl`); values are ISO-like (`1917-07`, `193X`, \
         `1918/1925`). Dates before 1918-02-14 may be Old Style, so dates up to 13 days apart are not flagged.\n"
    );
    w.write_all(s.as_bytes())?;
    let sections = [
        ("sources-disagree", "Sources disagree"),
        ("against-reference", "Against the reference"),
        ("before-object-existed", "Dated before the object existed"),
    ];
    for (check, title) in sections {
        if count(check) == 0 {
            continue;
        }
        writeln!(w, "## {title}\n")?;
        replay(check, &mut |i, positions| {
            let mut s = String::new();
            let object = i.object.as_deref().map(|o| format!(" — {}", name(o))).unwrap_or_default();
            let _ = writeln!(s, "### {}: {}{object}\n", name(&i.subject), i.event.replace('_', " "));
            let scope = if i.within_source { "within one source" } else { "across sources" };
            let _ = writeln!(s, "`{}` · {} · {scope} · {}\n", i.id, i.severity, i.note);
            w.write_all(s.as_bytes())?;
            for p in positions {
                let (p, path) = p?;
                writeln!(w, "{}", position(&p, &path))?;
            }
            let mut s = String::new();
            match (&i.reference, &i.reference_source) {
                (Some(r), Some(src)) => {
                    let _ = writeln!(s, "\nReference: **{r}** (`{src}`)\n");
                }
                _ => {
                    let _ = writeln!(s, "\nReference: none in the gazetteer\n");
                }
            }
            w.write_all(s.as_bytes())
        })?;
    }
    let targets = count(OPPOSITE_STANCES);
    if targets > 0 {
        stances(w, targets, &name, statement, replay)?;
    }
    if sections.iter().map(|s| count(s.0)).sum::<usize>() + targets == 0 {
        writeln!(w, "No inconsistencies found.")?;
    }
    Ok(())
}

/// The stance labels, in column order.
const STANCES: [&str; 3] = ["pro", "con", "mixed"];

/// The stance section: per target, a table with a column per stance and a position per cell.
fn stances(
    w: &mut dyn io::Write,
    targets: usize,
    name: &dyn Fn(&str) -> String,
    statement: &dyn Fn(&str) -> Option<String>,
    replay: &mut dyn FnMut(&str, &mut Each) -> io::Result<()>,
) -> io::Result<()> {
    writeln!(w, "## Opposite stances\n")?;
    writeln!(
        w,
        "{} target{} toward which sources or posters take opposite stances, each with enough evidence. Scores \
         run from -1 (criticism only) to +1 (praise only); each position is quoted by its strongest sentence.\n",
        targets,
        if targets == 1 { "" } else { "s" }
    )?;
    replay(OPPOSITE_STANCES, &mut |i, positions| {
        let mut s = String::new();
        let _ = writeln!(s, "### {}\n", name(&i.subject));
        if let Some(st) = statement(&i.subject) {
            let _ = writeln!(s, "Proposition: “{st}” (pro agrees with it, con rejects it)\n");
        }
        let scope = if i.within_source { "within one source" } else { "across sources" };
        let _ = writeln!(s, "`{}` · {} · {scope} · {}\n", i.id, i.severity, i.note);
        w.write_all(s.as_bytes())?;
        // Each column's cells go to a file of their own, then the rows are read back side by side: a conflict
        // with a hundred thousand positions is not held in memory.
        let mut columns: Vec<(BufWriter<File>, usize)> = Vec::new();
        for _ in STANCES {
            columns.push((BufWriter::new(tempfile::tempfile()?), 0));
        }
        for p in positions {
            let (p, path) = p?;
            if let Some(k) = STANCES.iter().position(|st| *st == p.value) {
                writeln!(columns[k].0, "{}", stance_cell(&p, &path))?;
                columns[k].1 += 1;
            }
        }
        // pro and con always; mixed only when a position is mixed.
        if columns[2].1 == 0 {
            columns.pop();
        }
        writeln!(w, "| {} |", STANCES[..columns.len()].join(" | "))?;
        writeln!(w, "|{}", "---|".repeat(columns.len()))?;
        let rows = columns.iter().map(|c| c.1).max().unwrap_or(0);
        let mut readers = Vec::new();
        for (c, n) in columns {
            let mut f = c.into_inner().map_err(|e| e.into_error())?;
            f.rewind()?;
            readers.push((BufReader::new(f).lines(), n));
        }
        for r in 0..rows {
            let mut cells = Vec::with_capacity(readers.len());
            for (lines, n) in &mut readers {
                cells.push(if r < *n { lines.next().unwrap_or_else(|| Ok(String::new()))? } else { String::new() });
            }
            writeln!(w, "| {} |", cells.join(" | "))?;
        }
        writeln!(w)
    })
}

/// One stance position as a table cell: score, where, who, and the quote.
fn stance_cell(p: &Position, path: &str) -> String {
    let author = p.author.as_deref().map(|a| format!(", by {a}")).unwrap_or_default();
    let cell = format!("**{}** — `{path}:{}`{author}<br>“{}”", p.surface, p.raw.line, quote(&p.evidence, ""));
    cell.replace('|', "\\|").replace('\n', " ")
}

fn position(p: &Position, path: &str) -> String {
    let author = p.author.as_deref().map(|a| format!(", by {a}")).unwrap_or_default();
    let derived = if p.derived { ", computed from the relative expression" } else { "" };
    let fit = match p.agrees_with_reference {
        Some(true) => " ✓ reference",
        Some(false) => " ✗ reference",
        None => "",
    };
    format!(
        "- **{}** ({} \"{}\"{derived}) — `{path}:{}`{author}{fit}\n  > {}",
        p.value,
        p.event.replace('_', " "),
        p.surface,
        p.raw.line,
        quote(&p.evidence, &p.surface)
    )
}

/// The sentence, shortened around the date to at most `QUOTE_CHARS` characters.
fn quote(sentence: &str, surface: &str) -> String {
    let chars: Vec<char> = sentence.chars().collect();
    if chars.len() <= QUOTE_CHARS {
        return sentence.to_owned();
    }
    let at = sentence.find(surface).map_or(0, |b| sentence[..b].chars().count());
    let start = at.saturating_sub(QUOTE_CHARS / 2).min(chars.len() - QUOTE_CHARS);
    let end = start + QUOTE_CHARS;
    let mut q: String = chars[start..end].iter().collect();
    if start > 0 {
        q.insert(0, '…');
    }
    if end < chars.len() {
        q.push('…');
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sentences_are_cut_around_the_date() {
        let s = format!("{} in 1929 {}", "a".repeat(300), "b".repeat(300));
        let q = quote(&s, "1929");
        assert!(q.contains("1929"));
        assert!(q.starts_with('…') && q.ends_with('…'));
        assert_eq!(q.chars().count(), QUOTE_CHARS + 2);
        assert_eq!(quote("short", "x"), "short");
    }

    fn stance_position(document: &str, author: Option<&str>, value: &str, surface: &str, evidence: &str) -> Position {
        Position {
            document: document.into(),
            segment: format!("{document}:0000"),
            author: author.map(str::to_owned),
            value: value.into(),
            event: "stance".into(),
            surface: surface.into(),
            derived: false,
            raw: crate::record::RawPos { line: 7, col: 0 },
            evidence: evidence.into(),
            agrees_with_reference: None,
        }
    }

    fn stance_conflict(positions: Vec<Position>) -> Inconsistency {
        Inconsistency {
            id: "stance-0123456789ab".into(),
            kind: "stance".into(),
            check: "opposite-stances".into(),
            subject: "leon-trotsky".into(),
            event: "stance".into(),
            object: None,
            within_source: false,
            severity: "minor".into(),
            reference: None,
            reference_source: None,
            positions,
            note: "1 pro and 1 con positions".into(),
        }
    }

    #[test]
    fn stance_conflicts_come_after_the_dates_side_by_side() {
        let date = Inconsistency {
            id: "date-e7afdac53431".into(),
            kind: "date".into(),
            check: "sources-disagree".into(),
            subject: "leon-trotsky".into(),
            event: "born".into(),
            positions: vec![Position {
                value: "1879".into(),
                event: "born".into(),
                surface: "1879".into(),
                ..stance_position("a", None, "1879", "1879", "Trotsky was born in 1879.")
            }],
            note: "sources give incompatible dates for the same event".into(),
            ..stance_conflict(Vec::new())
        };
        let long = format!("Trotsky was a great leader | {} the end", "and so on ".repeat(40));
        let stance = stance_conflict(vec![
            stance_position("a", Some("Ann"), "pro", "+0.62", &long),
            stance_position("b", None, "con", "-1.00", "Trotsky betrayed the revolution."),
            stance_position("c", Some("Cy"), "pro", "+0.30", "Trotsky was right."),
        ]);
        let entities = vec![Entity {
            id: "leon-trotsky".into(),
            label: "PERSON".into(),
            name: "Leon Trotsky".into(),
            aliases: Vec::new(),
            facts: Vec::new(),
            origin: "people.tsv:6".into(),
        }];
        let paths: HashMap<String, String> = [("a".to_owned(), "raw/a.txt".to_owned())].into();
        let r = render(&[date, stance], &entities, &|_| None, &paths, 1);
        let (dates, stances) = r.split_once("## Opposite stances").expect("a stance section");
        assert!(dates.contains("## Sources disagree") && !dates.contains("stance-0123456789ab"), "{r}");
        assert!(stances.contains("\n\n1 target toward which"), "{r}");
        assert!(stances.contains("### Leon Trotsky (`leon-trotsky`)\n"), "{r}");
        assert!(stances.contains("`stance-0123456789ab` · minor · across sources · 1 pro and 1 con positions"), "{r}");
        // Two columns (no position is mixed), two rows: the pros one under the other, the con beside the first.
        let table: Vec<&str> = stances.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(table.len(), 4, "{r}");
        assert_eq!(table[0], "| pro | con |");
        assert_eq!(table[1], "|---|---|");
        assert!(table[2].contains("**+0.62** — `raw/a.txt:7`, by Ann<br>“Trotsky was a great leader \\| and so"));
        assert!(table[2].contains("…” | **-1.00** — `b:7`<br>“Trotsky betrayed the revolution.” |"), "{r}");
        assert_eq!(table[3], "| **+0.30** — `c:7`, by Cy<br>“Trotsky was right.” |  |", "{r}");
        // The long quote is cut like the date quotes, and the cut quote's `|` does not split the row.
        assert_eq!(table[2].matches(" | ").count(), 1, "{}", table[2]);

        // A mixed position gets a third column.
        let mixed = stance_conflict(vec![
            stance_position("a", None, "pro", "+1.00", "Good."),
            stance_position("b", None, "con", "-1.00", "Bad."),
            stance_position("c", None, "mixed", "+0.10", "Good and bad."),
        ]);
        let r = render(&[mixed], &[], &|_| None, &HashMap::new(), 0);
        assert!(r.contains("### `leon-trotsky`\n"), "{r}");
        assert!(r.contains("| pro | con | mixed |\n|---|---|---|\n| **+1.00** — `a:7`<br>“Good.” | **-1.00** — `b:7`<br>“Bad.” | **+0.10** — `c:7`<br>“Good and bad.” |\n"), "{r}");
        assert!(!r.contains("No inconsistencies found."));
        assert!(!r.contains("Proposition:"), "{r}");

        // A proposition's statement says what pro and con are about.
        let about = |id: &str| (id == "leon-trotsky").then(|| "Trotsky was right.".to_owned());
        let r = render(&[stance_conflict(Vec::new())], &[], &about, &HashMap::new(), 0);
        assert!(
            r.contains(
                "### `leon-trotsky`\n\nProposition: “Trotsky was right.” (pro agrees with it, con rejects it)\n"
            ),
            "{r}"
        );
    }
}
