//! Stage 0: find the input documents and read each one into a [`RawDoc`].
//!
//! Inputs are files, directories (searched recursively for `*.txt`, in sorted order, hidden entries skipped) or
//! `-` for standard input. Reading never panics on bad bytes: invalid UTF-8 is decoded lossily and every replaced
//! byte range is reported; a file holding NUL bytes is refused as binary, with the line of the first NUL.

use crate::data::manifest::{Manifest, ManifestEntry};
use crate::error::DocError;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where a document comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    File(PathBuf),
    Stdin,
}

/// One input document, before it is read.
#[derive(Debug, Clone)]
pub struct Input {
    pub origin: Origin,
    /// Stable document id: the path relative to the input directory, without the `.txt` extension.
    pub doc_id: String,
    /// Boxed: most inputs have none, and the input list holds one `Input` per document of the run.
    pub manifest: Option<Box<ManifestEntry>>,
}

impl Input {
    /// The path as written to the output (`raw/x.txt`), or `-` for standard input. Made when asked for, not kept:
    /// the input list holds one `Input` per document of the run.
    pub fn display(&self) -> String {
        match &self.origin {
            Origin::File(p) => display_path(p),
            Origin::Stdin => "-".into(),
        }
    }
}

/// A read and decoded document.
#[derive(Debug)]
pub struct RawDoc {
    pub input: Input,
    pub sha256: String,
    pub bytes: usize,
    /// The decoded text (invalid sequences replaced by U+FFFD).
    pub text: String,
    /// Byte ranges of the raw file that were not valid UTF-8: (offset, length, 1-based line).
    pub replaced: Vec<(usize, usize, u32)>,
    pub bom: bool,
    pub crlf: bool,
}

/// Expand the command-line paths into the ordered list of documents, with each directory's manifest applied.
/// Paths that cannot be read at all still yield an [`Input`], so that the failure is reported as that
/// document's error record.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<String>), crate::error::ConfigError> {
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input { origin: Origin::Stdin, doc_id: "stdin".into(), manifest: None });
            continue;
        }
        if p.is_dir() {
            let manifest = Manifest::load_dir(p)?;
            let mut files = Vec::new();
            walk(p, &mut files, &mut warnings);
            files.sort();
            if files.is_empty() {
                warnings.push(format!("{}: directory holds no .txt files", p.display()));
            }
            for f in files {
                let rel = f.strip_prefix(p).unwrap_or(&f);
                let rel_s = rel.to_string_lossy().replace('\\', "/");
                let doc_id = rel_s.strip_suffix(".txt").unwrap_or(&rel_s).to_owned();
                let entry = manifest.as_ref().and_then(|m| m.get(&rel_s).cloned()).map(Box::new);
                inputs.push(Input { origin: Origin::File(f), doc_id, manifest: entry });
            }
        } else {
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "input".into());
            // A file named on the command line still picks up its directory's manifest entry.
            let entry = p
                .parent()
                .and_then(|d| {
                    Manifest::load_dir(if d.as_os_str().is_empty() { Path::new(".") } else { d }).ok().flatten()
                })
                .and_then(|m| p.file_name().and_then(|n| m.get(&n.to_string_lossy()).cloned()))
                .map(Box::new);
            inputs.push(Input { origin: Origin::File(p.clone()), doc_id: stem, manifest: entry });
        }
    }
    dedupe_ids(&mut inputs);
    inputs.shrink_to_fit();
    Ok((inputs, warnings))
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, warnings: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            warnings.push(format!("{}: cannot list directory: {e}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out, warnings);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

/// Two inputs with the same id (same file name in two directories) get a numeric suffix, in input order.
fn dedupe_ids(inputs: &mut [Input]) {
    // The n-th input (n > 1, in input order) of an id already taken gets `~n`. Sorting positions, not copying
    // the ids, keeps this small on a list of hundreds of thousands of inputs.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| inputs[a].doc_id.cmp(&inputs[b].doc_id));
    let mut renamed = Vec::new();
    for same in order.chunk_by(|&a, &b| inputs[a].doc_id == inputs[b].doc_id) {
        renamed.extend(same.iter().enumerate().skip(1).map(|(n, &i)| (i, format!("{}~{}", inputs[i].doc_id, n + 1))));
    }
    for (i, id) in renamed {
        inputs[i].doc_id = id;
    }
}

/// Read and decode one input.
pub fn read(input: &Input) -> Result<RawDoc, DocError> {
    let bytes = match &input.origin {
        Origin::File(p) => match std::fs::read(p) {
            Ok(b) => b,
            Err(e) => return Err(DocError::Unreadable { path: input.display(), source: e.to_string() }),
        },
        Origin::Stdin => {
            let mut b = Vec::new();
            if let Err(e) = std::io::stdin().lock().read_to_end(&mut b) {
                return Err(DocError::Unreadable { path: "-".into(), source: e.to_string() });
            }
            b
        }
    };
    decode(input.clone(), bytes)
}

/// Decode raw bytes: refuse binary, strip nothing, replace invalid UTF-8 and record where.
pub fn decode(input: Input, bytes: Vec<u8>) -> Result<RawDoc, DocError> {
    let sha256 = hex(&Sha256::digest(&bytes));
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let line = 1 + bytes[..pos].iter().filter(|&&b| b == b'\n').count() as u32;
        return Err(DocError::Binary { path: input.display(), line, byte: pos, sha256, bytes: bytes.len() });
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let crlf = bytes.windows(2).any(|w| w == b"\r\n");
    let n = bytes.len();
    let (text, replaced) = match String::from_utf8(bytes) {
        Ok(s) => (s, Vec::new()),
        Err(e) => lossy(e.into_bytes()),
    };
    Ok(RawDoc { input, sha256, bytes: n, text, replaced, bom, crlf })
}

fn lossy(bytes: Vec<u8>) -> (String, Vec<(usize, usize, u32)>) {
    let mut out = String::with_capacity(bytes.len() + 16);
    let mut replaced = Vec::new();
    let mut line = 1u32;
    let mut pos = 0usize;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        line += valid.bytes().filter(|&b| b == b'\n').count() as u32;
        out.push_str(valid);
        pos += valid.len();
        let bad = chunk.invalid();
        if !bad.is_empty() {
            replaced.push((pos, bad.len(), line));
            out.push('\u{FFFD}');
            pos += bad.len();
        }
    }
    (out, replaced)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> Input {
        Input { origin: Origin::File("t.txt".into()), doc_id: "t".into(), manifest: None }
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let doc = decode(input(), b"ok\nbad \xff\xfe here\n".to_vec()).unwrap();
        assert_eq!(doc.text, "ok\nbad \u{FFFD}\u{FFFD} here\n");
        assert_eq!(doc.replaced, vec![(7, 1, 2), (8, 1, 2)]);
    }

    #[test]
    fn nul_bytes_mean_binary_with_line() {
        let err = decode(input(), b"a\nb\nc\0d".to_vec()).unwrap_err();
        assert_eq!(err.to_string(), "t.txt:3: binary file (NUL byte at byte offset 5), skipped");
    }

    #[test]
    fn sha256_of_raw_bytes() {
        let doc = decode(input(), b"abc".to_vec()).unwrap();
        assert_eq!(doc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn the_same_id_twice_is_numbered_in_input_order() {
        let id = |d: &str| Input { doc_id: d.into(), ..input() };
        let mut inputs = vec![id("b"), id("a"), id("b"), id("c"), id("b"), id("a")];
        dedupe_ids(&mut inputs);
        let ids: Vec<&str> = inputs.iter().map(|i| i.doc_id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "b~2", "c", "b~3", "a~2"]);
    }
}
