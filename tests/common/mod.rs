//! Helpers shared by the test programs.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python the baselines run in: `MARGINALIA_PYTHON`, or else the repository's own environment, made on first
/// use by `bench/setup-python.sh` (a virtual environment `.venv/` with the pinned packages from the Python
/// package index).
pub fn baseline_python(root: &Path) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("MARGINALIA_PYTHON") {
        return Ok(PathBuf::from(p));
    }
    let out = Command::new("bash")
        .arg(root.join("bench/setup-python.sh"))
        .output()
        .map_err(|e| format!("cannot run bench/setup-python.sh: {e}"))?;
    if !out.status.success() {
        return Err(format!("bench/setup-python.sh failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(root.join(".venv/bin/python"))
}
