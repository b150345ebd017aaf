//! Writing generated files to disk, and the manifest that says which files a directory's
//! generation owns.
//!
//! [`write_generated`] records the files it writes in [`MANIFEST`]. Regenerating into that
//! directory replaces them and removes the ones the new generation no longer has, while files
//! the user added (a `Cargo.lock`, `target/`, notes) stay. A non-empty directory without a
//! manifest was not made by `connector-gen`, so it is refused unless forced: generating into
//! the wrong directory must not overwrite someone's work.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// The manifest's file name inside a generated crate.
pub const MANIFEST: &str = ".connector-gen-manifest";

/// First line of every manifest; the generator version follows it.
const MANIFEST_HEADER: &str = "# connector-gen manifest: the files below are generated and are replaced or removed when the crate is regenerated.";

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

/// Write a generated crate into `dir` with its manifest.
///
/// `dir` may be missing, empty, or hold an earlier generation (it has a [`MANIFEST`]); files of
/// that generation which `files` no longer has are removed. Any other non-empty directory is
/// refused with [`Error::NotGenerated`] unless `force`, which writes over it and removes nothing.
pub fn write_generated(dir: &Path, files: &[(PathBuf, String)], force: bool) -> Result<()> {
    let earlier = match read_manifest(dir)? {
        Some(listed) => listed,
        None if force || is_empty_or_missing(dir)? => BTreeSet::new(),
        None => {
            return Err(Error::NotGenerated {
                dir: dir.to_path_buf(),
                manifest: dir.join(MANIFEST),
            })
        }
    };
    write(dir, files)?;
    let current: BTreeSet<&Path> = files.iter().map(|(path, _)| path.as_path()).collect();
    for stale in earlier.iter().filter(|p| !current.contains(p.as_path())) {
        remove_stale(dir, stale)?;
    }
    let mut manifest = format!(
        "{MANIFEST_HEADER}\n# generator: connector-gen {}\n",
        env!("CARGO_PKG_VERSION")
    );
    for path in &current {
        // `/` on every platform, so a manifest travels with the crate.
        let parts: Vec<_> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        manifest.push_str(&parts.join("/"));
        manifest.push('\n');
    }
    write(dir, &[(PathBuf::from(MANIFEST), manifest)])
}

/// The files an earlier generation listed, or `None` when `dir` has no manifest. Lines that are
/// not plain relative paths are ignored: a manifest is never a way to touch files outside `dir`.
fn read_manifest(dir: &Path) -> Result<Option<BTreeSet<PathBuf>>> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { path, source }),
    };
    Ok(Some(
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(PathBuf::from)
            .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
            .collect(),
    ))
}

fn is_empty_or_missing(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(source) => Err(Error::Io {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

/// Remove one file of an earlier generation, then its parent directories that it left empty
/// (up to, not including, `dir`).
fn remove_stale(dir: &Path, relative: &Path) -> Result<()> {
    let path = dir.join(relative);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(Error::Io { path, source }),
    }
    let mut parent = relative.parent();
    while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
        // Fails (and stops) at the first directory that still holds something.
        if std::fs::remove_dir(dir.join(p)).is_err() {
            break;
        }
        parent = p.parent();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> Vec<(PathBuf, String)> {
        list.iter()
            .map(|p| (PathBuf::from(p), format!("// {p}\n")))
            .collect()
    }

    #[test]
    fn regeneration_removes_what_the_new_generation_no_longer_has() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("crate");
        write_generated(
            &out,
            &files(&["Cargo.toml", "src/lib.rs", "src/old/gone.rs"]),
            false,
        )
        .unwrap();
        std::fs::write(out.join("NOTES.md"), "mine").unwrap();
        write_generated(&out, &files(&["Cargo.toml", "src/lib.rs"]), false).unwrap();
        assert!(!out.join("src/old").exists());
        assert!(out.join("src/lib.rs").is_file());
        assert_eq!(
            std::fs::read_to_string(out.join("NOTES.md")).unwrap(),
            "mine"
        );
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(
            manifest.ends_with("\nCargo.toml\nsrc/lib.rs\n"),
            "{manifest}"
        );
    }

    #[test]
    fn a_foreign_non_empty_directory_is_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "mine").unwrap();
        let error = write_generated(dir.path(), &files(&["Cargo.toml"]), false).unwrap_err();
        assert!(matches!(error, Error::NotGenerated { .. }), "{error}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(),
            "mine"
        );
        write_generated(dir.path(), &files(&["Cargo.toml"]), true).unwrap();
        assert!(dir.path().join(MANIFEST).is_file());
    }

    #[test]
    fn a_manifest_cannot_reach_outside_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("crate");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(dir.path().join("victim"), "keep").unwrap();
        std::fs::write(out.join(MANIFEST), "../victim\n/etc/hostname\n").unwrap();
        write_generated(&out, &files(&["Cargo.toml"]), false).unwrap();
        assert!(dir.path().join("victim").is_file());
    }
}
