//! Stage 1: Unicode normalisation of one raw line, with a map back to raw columns.
//!
//! Every raw line becomes a [`NormLine`]: NFKC, typographic quotes and dashes folded to ASCII, every kind of space
//! folded to U+0020, zero-width and control characters dropped, runs of spaces collapsed and the ends trimmed. The
//! line keeps a sparse list of anchors so that any byte offset of the normalised text maps back to the 0-based
//! code-point column of the raw character it came from.
//!
//! Mapping rule: each output character is produced by exactly one raw character (its *source*), or, for a sequence
//! that NFKC recomposes (a base letter followed by combining marks), by the first character of that sequence. An
//! anchor is stored only where the source does not simply advance by one column from the previous output
//! character, so a line that needed no change (the common case) costs one anchor.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// A normalised line and its map back to the raw file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormLine {
    /// 1-based line number in the raw file.
    pub raw_line: u32,
    /// The normalised text (no line terminator).
    pub text: String,
    /// Leading whitespace of the raw line, in code points (indentation carries nesting in comment threads).
    pub indent: u32,
    anchors: Vec<Anchor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    /// Byte offset in `text`.
    out: u32,
    /// Code-point column in the raw line.
    raw_col: u32,
}

impl NormLine {
    /// Raw code-point column of the character at byte offset `byte` of `text` (or, for `byte == text.len()`, the
    /// column just after the last mapped character). `byte` must be a char boundary.
    pub fn raw_col(&self, byte: usize) -> u32 {
        debug_assert!(self.text.is_char_boundary(byte));
        let i = match self.anchors.binary_search_by_key(&(byte as u32), |a| a.out) {
            Ok(i) => i,
            Err(0) => return 0,
            Err(i) => i - 1,
        };
        let a = self.anchors[i];
        a.raw_col + self.text[a.out as usize..byte].chars().count() as u32
    }

    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// Remove the given byte ranges of `text` (sorted, non-overlapping, on char boundaries), then collapse the
    /// spaces left behind. The offset map stays exact for every remaining character.
    pub fn remove_ranges(&mut self, ranges: &[(usize, usize)]) {
        if ranges.is_empty() {
            return;
        }
        let mut out =
            NormLine { raw_line: self.raw_line, text: String::new(), indent: self.indent, anchors: Vec::new() };
        let mut em = Emitter::new(&mut out);
        let mut r = 0;
        for (b, c) in self.text.char_indices() {
            while r < ranges.len() && ranges[r].1 <= b {
                r += 1;
            }
            if r < ranges.len() && ranges[r].0 <= b && b < ranges[r].1 {
                continue;
            }
            em.push(c, self.raw_col(b));
        }
        *self = out;
    }
}

/// Longest run of output bytes without an anchor.
const CHECKPOINT: usize = 4096;

/// Normalises lines, reusing its buffers from one line to the next.
#[derive(Default)]
pub struct Normalizer {
    chunk: String,
    cols: Vec<u32>,
}

impl Normalizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Normalise one raw line (without its `\n`; a trailing `\r` is treated as the line ending and dropped).
    /// Memory is proportional to the output: no per-character buffer is kept.
    pub fn line(&mut self, raw: &str, raw_line: u32) -> NormLine {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let indent = raw.chars().take_while(|c| c.is_whitespace()).count() as u32;
        if is_clean_ascii(raw) {
            // ASCII: bytes are columns; checkpoints as in the general path.
            let anchors =
                (0..raw.len()).step_by(CHECKPOINT).map(|b| Anchor { out: b as u32, raw_col: b as u32 }).collect();
            return NormLine { raw_line, text: raw.to_owned(), indent, anchors };
        }
        let mut out = NormLine { raw_line, text: String::with_capacity(raw.len()), indent, anchors: Vec::new() };
        let mut em = Emitter::new(&mut out);
        let mut it = raw.chars().zip(0u32..).peekable();
        while let Some((first, col)) = it.next() {
            let chunk_continues = it.peek().is_some_and(|&(c, _)| continues_chunk(c));
            if first.is_ascii() && !chunk_continues {
                em.fold(first, col);
                continue;
            }
            // A chunk is a starter followed by the characters NFKC may compose with it.
            self.chunk.clear();
            self.cols.clear();
            self.chunk.push(first);
            self.cols.push(col);
            while let Some(&(c, col)) = it.peek() {
                if !continues_chunk(c) {
                    break;
                }
                self.chunk.push(c);
                self.cols.push(col);
                it.next();
            }
            if is_nfkc_quick(self.chunk.chars()) == IsNormalized::Yes {
                for (c, &col) in self.chunk.chars().zip(&self.cols) {
                    em.fold(c, col);
                }
            } else {
                for c in self.chunk.nfkc() {
                    em.fold(c, col);
                }
            }
        }
        out
    }
}

/// True for lines that need no change at all: printable ASCII, single spaces, no space at either end.
fn is_clean_ascii(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        if !(0x20..0x7f).contains(&c) {
            return false;
        }
        let space = c == b' ';
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    true
}

fn continues_chunk(c: char) -> bool {
    // Combining marks, and Hangul medial/final jamo that compose with the preceding syllable.
    canonical_combining_class(c) != 0 || ('\u{1160}'..='\u{11FF}').contains(&c)
}

/// Fold one character to its ASCII form where typography has several; None for invisible characters.
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' | '\u{FE58}' => '-',
        // Zero-width characters, BOM, soft hyphen: invisible, dropped.
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return None,
        c if c.is_whitespace() || c.is_control() => ' ',
        c => c,
    })
}

/// Writes output characters with their source columns: collapses spaces, trims both ends, records anchors.
struct Emitter<'a> {
    out: &'a mut NormLine,
    prev_src: Option<u32>,
    pending_space: Option<u32>,
}

impl<'a> Emitter<'a> {
    fn new(out: &'a mut NormLine) -> Self {
        Emitter { out, prev_src: None, pending_space: None }
    }

    fn fold(&mut self, c: char, src: u32) {
        if let Some(c) = fold_char(c) {
            self.push(c, src);
        }
    }

    fn push(&mut self, c: char, src: u32) {
        if c == ' ' {
            // Leading spaces are dropped; a run keeps its first space, written only if text follows.
            if !self.out.text.is_empty() && self.pending_space.is_none() {
                self.pending_space = Some(src);
            }
            return;
        }
        if let Some(s) = self.pending_space.take() {
            self.emit(' ', s);
        }
        self.emit(c, src);
    }

    fn emit(&mut self, c: char, src: u32) {
        // A checkpoint every CHECKPOINT bytes keeps `raw_col` bounded on long lines.
        let since = self.out.text.len() - self.out.anchors.last().map_or(0, |a| a.out as usize);
        if self.prev_src.map(|p| p + 1) != Some(src) || since >= CHECKPOINT {
            self.out.anchors.push(Anchor { out: self.out.text.len() as u32, raw_col: src });
        }
        self.prev_src = Some(src);
        self.out.text.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> NormLine {
        Normalizer::new().line(s, 1)
    }

    #[test]
    fn folds_quotes_dashes_and_spaces() {
        let n = norm("\u{a0} Stalin\u{2019}s  \u{201C}camp\u{201D} 1918\u{2013}25\t ");
        assert_eq!(n.text, "Stalin's \"camp\" 1918-25");
        assert_eq!(n.indent, 2);
        assert_eq!(n.raw_col(0), 2); // 'S' after NBSP and space
        let apos = n.text.find('\'').unwrap();
        assert_eq!(n.raw_col(apos), 8);
    }

    #[test]
    fn nfkc_expansion_and_composition_map_to_their_source() {
        // U+FB01 (fi ligature) expands to two chars; e + U+0301 composes to one.
        let raw = "\u{FB01}ne cafe\u{301} x";
        let n = norm(raw);
        assert_eq!(n.text, "fine caf\u{e9} x");
        assert_eq!(n.raw_col(0), 0);
        assert_eq!(n.raw_col(1), 0); // 'i' comes from the ligature too
        assert_eq!(n.raw_col(2), 1); // 'n'
        let x = n.text.find('x').unwrap();
        assert_eq!(n.raw_col(x), 10);
    }

    #[test]
    fn clean_ascii_is_copied() {
        let n = norm("Trotsky was born in 1879.");
        assert_eq!(n.text, "Trotsky was born in 1879.");
        assert_eq!(n.anchors.len(), 1);
        assert_eq!(n.raw_col(8), 8);
        // Long lines get checkpoints, so mapping a position never scans the whole line.
        let long = "ab ".repeat(10_000);
        let n = norm(&long);
        assert_eq!(n.anchors.len(), n.text.len().div_ceil(CHECKPOINT));
        assert_eq!(n.raw_col(20_000), 20_000);
        let long = "\u{e9}\u{2019} ".repeat(10_000);
        let n = norm(&long);
        assert!(n.anchors.len() >= n.text.len() / CHECKPOINT);
        let b = n.text.char_indices().nth(15_000).unwrap().0;
        assert_eq!(n.raw_col(b), 15_000);
    }

    #[test]
    fn crlf_bom_and_invisible() {
        let n = norm("\u{feff}Lenin\u{200b}ism\r");
        assert_eq!(n.text, "Leninism");
        assert_eq!(n.raw_col(0), 1);
        assert_eq!(n.raw_col(5), 7);
        assert!(norm("\u{a0}").is_blank());
    }

    #[test]
    fn remove_ranges_keeps_map() {
        let mut n = norm("He was killed :pika-pickaxe: by Merc\u{e4}der");
        let s = n.text.find(':').unwrap();
        let e = n.text[s + 1..].find(':').unwrap() + s + 2;
        n.remove_ranges(&[(s, e)]);
        assert_eq!(n.text, "He was killed by Merc\u{e4}der");
        let by = n.text.find("by").unwrap();
        assert_eq!(n.raw_col(by), 29);
    }

    /// Property: every output character maps to a raw character that is either the same character or one whose
    /// normalisation (NFKC + folding) produces it.
    #[test]
    fn property_every_position_maps_to_its_source() {
        let palette: Vec<char> = "aZ9 .,'-\u{a0}\u{2019}\u{201C}\u{2014}\u{2013}\u{FB01}\u{301}\u{308}e\u{130}\u{1F600}\u{1F44D}\u{1F3FD}\u{200D}\u{FEFF}\u{200B}\t\u{2163}\u{FF21}\u{3000}\u{2026}\u{D55C}\u{1100}\u{1161}\u{11A8}i"
            .chars()
            .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut normalizer = Normalizer::new();
        for _ in 0..3000 {
            let len = (next() % 24) as usize;
            let raw: String = (0..len).map(|_| palette[(next() % palette.len() as u64) as usize]).collect();
            let raw_chars: Vec<char> = raw.chars().collect();
            let n = normalizer.line(&raw, 1);
            for (b, c) in n.text.char_indices() {
                let col = n.raw_col(b) as usize;
                assert!(col < raw_chars.len(), "{raw:?} -> {:?}: col {col} out of range", n.text);
                let src = raw_chars[col];
                let mut s = String::new();
                // The source's normalisation, including the combining marks that follow it.
                s.push(src);
                s.extend(raw_chars[col + 1..].iter().take_while(|&&c| continues_chunk(c)));
                let image: Vec<char> = s.nfkc().filter_map(fold_char).collect();
                assert!(src == c || image.contains(&c), "{raw:?} -> {:?}: {c:?} at byte {b} maps to {src:?}", n.text);
            }
        }
    }
}
