//! Writing generated files to disk.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Write `files` under `dir`, creating directories; existing files are replaced.
pub fn write(dir: &Path, files: &[(PathBuf, String)]) -> Result<()> {
    for (relative, text) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        // Unchanged files keep their mtime, so cargo does not rebuild a regenerated crate.
        if std::fs::read_to_string(&path).is_ok_and(|old| old == *text) {
            continue;
        }
        std::fs::write(&path, text).map_err(|source| Error::Io { path, source })?;
    }
    Ok(())
}
