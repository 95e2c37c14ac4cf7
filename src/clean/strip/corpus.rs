//! Corpus evidence for the line classifier: how many documents of the run contain a line of the same shape.
//!
//! Chrome repeats across the pages of a site and across sites ("Reply", "Share this post", "12 points",
//! "Posted by X at 10:31 PM"); prose does not (the CCNet / Dolma line-deduplication idea). A first pass over every
//! input document hashes each short line's *shape* — lowercased, digits masked — and counts the documents it
//! occurs in. Only the hashes and counts are kept: memory grows with the number of distinct short lines, not with
//! the text.

use std::collections::HashMap;
use std::hash::Hasher;

/// Lines longer than this (bytes) are not counted: prose lines are long and never repeat.
pub const MAX_SHAPE_BYTES: usize = 120;

/// The first line of a line-shape file.
pub const SHAPES_HEADER: &str = "# marginalia line shapes 1";

/// For each line shape, the number of documents it occurs in.
#[derive(Debug, Default, Clone)]
pub struct CorpusLines {
    docs: HashMap<u64, u32>,
    documents: u32,
}

impl CorpusLines {
    /// Count the shapes of one document's lines (each shape once per document).
    pub fn add_document<'a>(&mut self, lines: impl Iterator<Item = &'a str>) {
        let mut seen: Vec<u64> = lines.filter_map(shape_hash).collect();
        seen.sort_unstable();
        seen.dedup();
        for h in seen {
            *self.docs.entry(h).or_insert(0) += 1;
        }
        self.documents += 1;
    }

    /// Documents counted.
    pub fn documents(&self) -> u32 {
        self.documents
    }

    /// Add the counts of other documents (a disjoint shard of the run's inputs): counts per document add up.
    pub fn merge(&mut self, other: &CorpusLines) {
        for (&h, &n) in &other.docs {
            *self.docs.entry(h).or_insert(0) += n;
        }
        self.documents += other.documents;
    }

    /// The counts as text, one shape per line, sorted by hash: a header, `documents<TAB>N`, then
    /// `<16 hex digits><TAB><count>`. `parse` reads it back.
    pub fn to_text(&self) -> String {
        let mut rows: Vec<(&u64, &u32)> = self.docs.iter().collect();
        rows.sort_unstable();
        let mut out = String::with_capacity(rows.len() * 20 + 64);
        out.push_str(SHAPES_HEADER);
        out.push('\n');
        out.push_str(&format!("documents\t{}\n", self.documents));
        for (h, n) in rows {
            out.push_str(&format!("{h:016x}\t{n}\n"));
        }
        out
    }

    /// Read counts written by `to_text`; an error names the line (1-based) and what is wrong with it.
    pub fn parse(text: &str) -> Result<CorpusLines, (u32, String)> {
        let mut lines = text.lines().zip(1u32..);
        match lines.next() {
            Some((h, _)) if h == SHAPES_HEADER => {}
            _ => return Err((1, format!("not a line-shape file (the first line is not `{SHAPES_HEADER}`)"))),
        }
        let documents = match lines.next() {
            Some((l, n)) => match l.strip_prefix("documents\t").map(str::parse::<u32>) {
                Some(Ok(d)) => d,
                _ => return Err((n, "expected `documents<TAB>COUNT`".into())),
            },
            None => return Err((2, "expected `documents<TAB>COUNT`".into())),
        };
        let mut docs = HashMap::new();
        for (l, n) in lines {
            let parsed = l.split_once('\t').and_then(|(h, c)| {
                let h = (h.len() == 16).then(|| u64::from_str_radix(h, 16).ok()).flatten()?;
                Some((h, c.parse::<u32>().ok()?))
            });
            match parsed {
                Some((h, c)) if c <= documents => {
                    if docs.insert(h, c).is_some() {
                        return Err((n, format!("shape {h:016x} is listed twice")));
                    }
                }
                Some((_, c)) => return Err((n, format!("count {c} exceeds the {documents} documents counted"))),
                None => return Err((n, "expected `<16 hex digits><TAB><count>`".into())),
            }
        }
        Ok(CorpusLines { docs, documents })
    }

    /// How many OTHER documents contain a line of this line's shape.
    pub fn others(&self, line: &str) -> u32 {
        shape_hash(line).and_then(|h| self.docs.get(&h)).map_or(0, |&n| n.saturating_sub(1))
    }
}

/// The hash of a line's shape: trimmed, lowercased, digit runs masked as one `0`, spaces collapsed. `None` for
/// blank or long lines.
pub fn shape_hash(line: &str) -> Option<u64> {
    let t = line.trim();
    if t.is_empty() || t.len() > MAX_SHAPE_BYTES {
        return None;
    }
    // FNV-1a: stable across runs and machines (the counts must not depend on a random seed).
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let mut prev_digit = false;
    let mut prev_space = false;
    for c in t.chars() {
        if c.is_numeric() {
            if !prev_digit {
                h.write_u32('0' as u32);
            }
            prev_digit = true;
            prev_space = false;
            continue;
        }
        prev_digit = false;
        if c.is_whitespace() {
            if !prev_space {
                h.write_u32(' ' as u32);
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        for l in c.to_lowercase() {
            h.write_u32(l as u32);
        }
    }
    Some(h.finish())
}

struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_mask_digits_and_case_and_count_documents_once() {
        assert_eq!(shape_hash("12 points"), shape_hash("3  Points"));
        assert_ne!(shape_hash("12 points"), shape_hash("12 votes"));
        assert_eq!(shape_hash("   "), None);
        let mut c = CorpusLines::default();
        c.add_document(["Reply", "Reply", "Lenin died in 1924."].into_iter());
        c.add_document(["reply", "Stalin died in 1953."].into_iter());
        assert_eq!(c.others("REPLY"), 1);
        assert_eq!(c.others("Lenin died in 1924."), 0);
        assert_eq!(c.others("Lenin died in 1870."), 0);
        c.add_document(["Lenin died in 1870."].into_iter());
        assert_eq!(c.others("Lenin died in 1924."), 1);
    }

    #[test]
    fn counts_of_disjoint_shards_merge_to_the_whole_and_survive_their_text_form() {
        let docs: [&[&str]; 4] = [&["Reply", "Share"], &["reply", "Lenin"], &["Share", "Reply"], &["Trotsky"]];
        let mut whole = CorpusLines::default();
        docs.iter().for_each(|d| whole.add_document(d.iter().copied()));
        let (mut a, mut b) = (CorpusLines::default(), CorpusLines::default());
        docs[..1].iter().for_each(|d| a.add_document(d.iter().copied()));
        docs[1..].iter().for_each(|d| b.add_document(d.iter().copied()));
        let mut merged = CorpusLines::parse(&a.to_text()).unwrap();
        merged.merge(&CorpusLines::parse(&b.to_text()).unwrap());
        assert_eq!(merged.to_text(), whole.to_text());
        assert_eq!((merged.documents(), merged.others("REPLY"), merged.others("share")), (4, 2, 1));
        assert_eq!(CorpusLines::parse("").unwrap_err().0, 1);
        let bad = format!("{SHAPES_HEADER}\ndocuments\t2\n00000000000000ff\t3\n");
        assert_eq!(CorpusLines::parse(&bad).unwrap_err().0, 3);
        let bad = format!("{SHAPES_HEADER}\ndocuments\t2\nzz\t1\n");
        assert_eq!(CorpusLines::parse(&bad).unwrap_err().0, 3);
    }
}
