//! Sentence spans of a segment's text, shared by the stages that read sentences (claims, stance).

/// Longest sentence read as one, in bytes; a longer run of text without a full stop is cut at a space. It bounds
/// every search inside a sentence, so a document with no punctuation stays linear.
pub const MAX_SENTENCE: usize = 2000;

/// Sentence spans: a break after `.`, `!` or `?` before a capital or an opening quote or bracket, and at line
/// ends; a run longer than `MAX_SENTENCE` bytes is cut. A full stop after an initial or a one-letter word does not end a sentence.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let brk = match c {
            b'\n' => true,
            b'.' | b'!' | b'?' => {
                let rest = text[i + 1..].trim_start_matches([' ', '"', '\'', ')']);
                let spaced = text[i + 1..].starts_with([' ', '"', '\'', ')']) || i + 1 == b.len();
                let next_upper = rest.chars().next().is_none_or(|c| c.is_uppercase() || c == '(' || c == '"');
                let prev_word = text[..i].rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                let initial = prev_word.chars().count() == 1 && prev_word.chars().all(char::is_uppercase);
                spaced && next_upper && !initial
            }
            // A run of text with no sentence end is cut at a space (or, with no space either, anywhere).
            b' ' => i - start >= MAX_SENTENCE,
            _ => i - start >= 2 * MAX_SENTENCE && text.is_char_boundary(i + 1),
        };
        if brk {
            if i + 1 > start {
                out.push((start, i + 1));
            }
            start = i + 1;
        }
        i += 1;
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}
