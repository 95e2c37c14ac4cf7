//! The review report, `annotated/REPORT.md`: the inconsistencies for a person to read top to bottom.
//!
//! Per inconsistency: the subject, the event and its object by name and id, each position with its value, the
//! source document, raw line, author and a short quote, and the gazetteer's reference value when there is one.

use crate::gazetteer::Entity;
use crate::record::{Inconsistency, Position};
use std::collections::HashMap;
use std::fmt::Write;

/// Longest quote shown per position, in characters.
const QUOTE_CHARS: usize = 220;

/// `paths`: document id → raw path, for the "where" column.
pub fn render(items: &[Inconsistency], entities: &[Entity], paths: &HashMap<String, String>, claims: usize) -> String {
    let names: HashMap<&str, &str> = entities.iter().map(|e| (e.id.as_str(), e.name.as_str())).collect();
    let name = |id: &str| match names.get(id) {
        Some(n) => format!("{n} (`{id}`)"),
        None => format!("`{id}`"),
    };
    let mut s = String::new();
    let count = |check: &str| items.iter().filter(|i| i.check == check).count();
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
    let sections = [
        ("sources-disagree", "Sources disagree"),
        ("against-reference", "Against the reference"),
        ("before-object-existed", "Dated before the object existed"),
    ];
    for (check, title) in sections {
        let group: Vec<&Inconsistency> = items.iter().filter(|i| i.check == check).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "## {title}\n");
        for i in group {
            let object = i.object.as_deref().map(|o| format!(" — {}", name(o))).unwrap_or_default();
            let _ = writeln!(s, "### {}: {}{object}\n", name(&i.subject), i.event.replace('_', " "));
            let scope = if i.within_source { "within one source" } else { "across sources" };
            let _ = writeln!(s, "`{}` · {} · {scope} · {}\n", i.id, i.severity, i.note);
            for p in &i.positions {
                let _ = writeln!(s, "{}", position(p, paths));
            }
            match (&i.reference, &i.reference_source) {
                (Some(r), Some(src)) => {
                    let _ = writeln!(s, "\nReference: **{r}** (`{src}`)\n");
                }
                _ => {
                    let _ = writeln!(s, "\nReference: none in the gazetteer\n");
                }
            }
        }
    }
    if items.is_empty() {
        let _ = writeln!(s, "No inconsistencies found.");
    }
    s
}

fn position(p: &Position, paths: &HashMap<String, String>) -> String {
    let path = paths.get(&p.document).map_or(p.document.as_str(), String::as_str);
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
}
