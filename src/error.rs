//! Error types, one per failure class, each naming the file (and line where there is one).

use std::fmt;

/// A failure that stops one document; the other documents are still processed and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocError {
    Unreadable { path: String, source: String },
    Binary { path: String, line: u32, byte: usize, sha256: String, bytes: usize },
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocError::Unreadable { path, source } => write!(f, "{path}: cannot read: {source}"),
            DocError::Binary { path, line, byte, .. } => {
                write!(f, "{path}:{line}: binary file (NUL byte at byte offset {byte}), skipped")
            }
        }
    }
}

impl std::error::Error for DocError {}

impl DocError {
    /// A short machine-readable class for the error record.
    pub fn kind(&self) -> &'static str {
        match self {
            DocError::Unreadable { .. } => "unreadable",
            DocError::Binary { .. } => "binary",
        }
    }
}

/// A configuration or data-file error (gazetteer, manifest, arguments): the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
}

impl ConfigError {
    pub fn new(file: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        Self { file: file.into(), line, message: message.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A failure writing the output: the run stops with exit code 2 and no stream is replaced.
#[derive(Debug)]
pub struct OutputError {
    pub path: String,
    pub source: std::io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: cannot write: {}", self.path, self.source)
    }
}

impl std::error::Error for OutputError {}
