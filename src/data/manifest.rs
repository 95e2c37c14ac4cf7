//! `MANIFEST.tsv` of an input directory: for each file where it came from, its page style, kind, title, split
//! and sha256.
//!
//! Columns (tab-separated, first non-comment line is the header): `file`, `url`, `query`, `retrieved`, `style`,
//! `kind`, `title`, `split`, `sha256`, `seed`. `-` stands for an unknown value (`url`, `query`, `retrieved`,
//! `seed`). Lines starting with `#` and blank lines are ignored. The manifest is optional; a document it does not
//! list gets its kind and title from its own structure.

use crate::error::ConfigError;
use std::collections::HashMap;
use std::path::Path;

/// Structural kinds a manifest row may give.
pub const KINDS: &[&str] = &["forum", "blog", "article", "reference", "qa", "reference+comments"];

/// The corpus splits: `dev` is what rules and learned weights are fitted on, `test` is only scored.
pub const SPLITS: &[&str] = &["dev", "test"];

pub const HEADER: &[&str] = &["file", "url", "query", "retrieved", "style", "kind", "title", "split", "sha256", "seed"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub file: String,
    pub url: Option<String>,
    pub query: Option<String>,
    pub retrieved: Option<String>,
    /// Page style: the site software or page family (`vbulletin`, `reddit-mirror`, `encyclopedia`...).
    pub style: String,
    pub kind: String,
    pub title: String,
    pub split: String,
    pub sha256: String,
    /// The file's name in the original seed set, if it is one of the seeds.
    pub seed: Option<String>,
}

#[derive(Debug, Default)]
pub struct Manifest {
    entries: HashMap<String, ManifestEntry>,
}

impl Manifest {
    pub fn get(&self, file: &str) -> Option<&ManifestEntry> {
        self.entries.get(file)
    }

    /// Every entry, in file-name order.
    pub fn entries(&self) -> Vec<&ManifestEntry> {
        let mut v: Vec<&ManifestEntry> = self.entries.values().collect();
        v.sort_by(|a, b| a.file.cmp(&b.file));
        v
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
        for (ln, cols) in crate::data::tsv::rows(name, text, HEADER)? {
            let err = |msg: String| ConfigError::new(name, Some(ln), msg);
            if cols.len() != HEADER.len() {
                return Err(err(format!("expected {} tab-separated columns, found {}", HEADER.len(), cols.len())));
            }
            if !KINDS.contains(&cols[5]) {
                return Err(err(format!("unknown kind {:?} (expected one of {KINDS:?})", cols[5])));
            }
            if !SPLITS.contains(&cols[7]) {
                return Err(err(format!("unknown split {:?} (expected one of {SPLITS:?})", cols[7])));
            }
            if cols[8].len() != 64 || !cols[8].bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err("sha256 must be 64 hex digits".into()));
            }
            if cols[0].is_empty() || cols[4].is_empty() {
                return Err(err("file and style must not be empty".into()));
            }
            let opt = |s: &str| (s != "-" && !s.is_empty()).then(|| s.to_owned());
            let e = ManifestEntry {
                file: cols[0].into(),
                url: opt(cols[1]),
                query: opt(cols[2]),
                retrieved: opt(cols[3]),
                style: cols[4].into(),
                kind: cols[5].into(),
                title: cols[6].into(),
                split: cols[7].into(),
                sha256: cols[8].to_ascii_lowercase(),
                seed: opt(cols[9]),
            };
            if m.entries.insert(e.file.clone(), e).is_some() {
                return Err(err(format!("file {:?} listed twice", cols[0])));
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, split: &str) -> String {
        format!(
            "{}\na.txt\thttps://e.org/t/1\tq\t2026-12-06\tphpbb\t{kind}\tT\t{split}\t{}\t-\n",
            HEADER.join("\t"),
            "a".repeat(64)
        )
    }

    #[test]
    fn rejects_bad_kind_and_split_with_line() {
        let err = Manifest::parse("raw/MANIFEST.tsv", &row("novel", "dev")).unwrap_err();
        assert!(err.to_string().starts_with("raw/MANIFEST.tsv:2: unknown kind"), "{err}");
        let err = Manifest::parse("raw/MANIFEST.tsv", &row("forum", "train")).unwrap_err();
        assert!(err.to_string().starts_with("raw/MANIFEST.tsv:2: unknown split"), "{err}");
        let err = Manifest::parse("m", "file\tseed\n").unwrap_err();
        assert_eq!(err.to_string(), format!("m:1: header must be: {}", HEADER.join(", ")));
    }

    #[test]
    fn parses_entries_with_unknown_values() {
        let m = Manifest::parse("m", &row("forum", "test")).unwrap();
        let e = m.get("a.txt").unwrap();
        assert_eq!((e.kind.as_str(), e.style.as_str(), e.split.as_str()), ("forum", "phpbb", "test"));
        assert_eq!(e.url.as_deref(), Some("https://e.org/t/1"));
        assert_eq!(e.seed, None);
    }
}
