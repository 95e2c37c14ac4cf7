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
}
