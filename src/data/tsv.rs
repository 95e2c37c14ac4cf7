//! The one reader for the project's tab-separated data files: `#` comment lines and blank lines are skipped, the
//! first other line must be the expected header, and every row keeps its 1-based line number for error messages.

use crate::error::ConfigError;

/// Read a data file of a gazetteer directory: its display name (for error messages) and its text.
pub fn read_data(dir: &std::path::Path, name: &str) -> Result<(String, String), Vec<ConfigError>> {
    let p = dir.join(name);
    let n = p.to_string_lossy().replace('\\', "/");
    std::fs::read_to_string(&p).map(|t| (n.clone(), t)).map_err(|e| vec![ConfigError::new(n, None, e.to_string())])
}

/// A data row: its line number and its tab-separated cells.
pub type Row<'a> = (u32, Vec<&'a str>);

/// The rows of `text` (named `name` in errors) under the header `header`.
pub fn rows<'a>(name: &str, text: &'a str, header: &[&str]) -> Result<Vec<Row<'a>>, ConfigError> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for (i, line) in text.lines().enumerate() {
        let ln = i as u32 + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if !seen_header {
            if cells != header {
                return Err(ConfigError::new(name, Some(ln), format!("header must be: {}", header.join(", "))));
            }
            seen_header = true;
            continue;
        }
        out.push((ln, cells));
    }
    if !seen_header {
        return Err(ConfigError::new(name, None, "no header line"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_comments_and_checks_the_header() {
        let rows = rows("f.tsv", "# note\n\na\tb\n1\t2\n# more\n3\t4\t5\n", &["a", "b"]).unwrap();
        assert_eq!(rows, vec![(4, vec!["1", "2"]), (6, vec!["3", "4", "5"])]);
        let e = super::rows("f.tsv", "x\ty\n", &["a", "b"]).unwrap_err();
        assert_eq!(e.to_string(), "f.tsv:1: header must be: a, b");
        let e = super::rows("f.tsv", "# only comments\n", &["a", "b"]).unwrap_err();
        assert_eq!(e.to_string(), "f.tsv: no header line");
    }
}
