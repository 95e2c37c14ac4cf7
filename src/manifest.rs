//! `MANIFEST.tsv` of an input directory: for each file its original name, sha256, kind and title.
//!
//! Columns (tab-separated, first line is the header): `file`, `seed`, `sha256`, `kind`, `title`. Lines starting
//! with `#` and blank lines are ignored. The manifest is optional; a document it does not list gets its kind and
//! title from its own structure.

use crate::error::ConfigError;
use std::collections::HashMap;
use std::path::Path;

pub const KINDS: &[&str] = &["forum", "blog", "article", "reference+comments"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub file: String,
    pub seed: String,
    pub sha256: String,
    pub kind: String,
    pub title: String,
}

#[derive(Debug, Default)]
pub struct Manifest {
    entries: HashMap<String, ManifestEntry>,
}

impl Manifest {
    pub fn get(&self, file: &str) -> Option<&ManifestEntry> {
        self.entries.get(file)
    }

    pub fn entries(&self) -> impl Iterator<Item = &ManifestEntry> {
        self.entries.values()
    }

    /// Load `dir/MANIFEST.tsv` if it exists.
    pub fn load_dir(dir: &Path) -> Result<Option<Manifest>, ConfigError> {
        let path = dir.join("MANIFEST.tsv");
        if !path.is_file() {
            return Ok(None);
        }
        let name = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::new(&name, None, e.to_string()))?;
        Self::parse(&name, &text).map(Some)
    }

    pub fn parse(name: &str, text: &str) -> Result<Manifest, ConfigError> {
        let mut m = Manifest::default();
        for (ln, cols) in crate::tsv::rows(name, text, &["file", "seed", "sha256", "kind", "title"])? {
            if cols.len() != 5 {
                return Err(ConfigError::new(
                    name,
                    Some(ln),
                    format!("expected 5 tab-separated columns, found {}", cols.len()),
                ));
            }
            if !KINDS.contains(&cols[3]) {
                return Err(ConfigError::new(
                    name,
                    Some(ln),
                    format!("unknown kind {:?} (expected one of {KINDS:?})", cols[3]),
                ));
            }
            if cols[2].len() != 64 || !cols[2].bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ConfigError::new(name, Some(ln), "sha256 must be 64 hex digits"));
            }
            let e = ManifestEntry {
                file: cols[0].into(),
                seed: cols[1].into(),
                sha256: cols[2].to_ascii_lowercase(),
                kind: cols[3].into(),
                title: cols[4].into(),
            };
            if m.entries.insert(e.file.clone(), e).is_some() {
                return Err(ConfigError::new(name, Some(ln), format!("file {:?} listed twice", cols[0])));
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_kind_with_line() {
        let text = format!("file\tseed\tsha256\tkind\ttitle\na.txt\ts.txt\t{}\tnovel\tT\n", "0".repeat(64));
        let err = Manifest::parse("raw/MANIFEST.tsv", &text).unwrap_err();
        assert!(err.to_string().starts_with("raw/MANIFEST.tsv:2: unknown kind"), "{err}");
        let err = Manifest::parse("m", "file\tseed\n").unwrap_err();
        assert_eq!(err.to_string(), "m:1: header must be: file, seed, sha256, kind, title");
    }

    #[test]
    fn parses_entries() {
        let text = format!("file\tseed\tsha256\tkind\ttitle\na.txt\ts.txt\t{}\tblog\tA title\n", "a".repeat(64));
        let m = Manifest::parse("m", &text).unwrap();
        assert_eq!(m.get("a.txt").unwrap().kind, "blog");
    }
}
