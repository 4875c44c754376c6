//! New files the engine writes outside the vault for both front doors (exports, access
//! copies, receipts, review packets): always a new file, mode 0600, never overwriting one
//! that exists, so an export can't silently replace another or be read by other users.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::error::{Error, Result};

fn io(action: &'static str, path: &Path, e: &std::io::Error) -> Error {
    Error::Io { action, path: path.to_path_buf(), reason: e.to_string() }
}

fn open_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Writes `content` to a new file at `path` (mode 0600). An existing file is never
/// replaced: that is an error naming the file, and the file is left as it was.
pub fn write_new(path: &Path, content: &[u8]) -> Result<()> {
    match open_new(path) {
        Ok(mut f) => f.write_all(content).and_then(|()| f.sync_all()).map_err(|e| io("write", path, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::invalid(
            format!("{} already exists; Consentry never overwrites a file.", path.display()),
            "Choose another file name, or move the old file away first.",
        )),
        Err(e) => Err(io("write", path, &e)),
    }
}

/// Saves `content` as a new file `consentry-{what}-{stamp}.{ext}` in `dir` (created if
/// needed), adding `-1`, `-2`, … when the name is taken. Returns the path written.
pub fn save_in(dir: &Path, what: &str, stamp: &str, ext: &str, content: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| io("create the folder", dir, &e))?;
    for n in 0..100 {
        let suffix = if n == 0 { String::new() } else { format!("-{n}") };
        let path = dir.join(format!("consentry-{what}-{stamp}{suffix}.{ext}"));
        match open_new(&path) {
            Ok(mut f) => {
                f.write_all(content).and_then(|()| f.sync_all()).map_err(|e| io("write", &path, &e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io("write", &path, &e)),
        }
    }
    Err(Error::invalid(
        format!("{} holds 100 files named consentry-{what}-{stamp}….{ext} already.", dir.display()),
        "Move older exports out of that folder and try again.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_are_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_new(&p, b"first").unwrap();
        assert!(write_new(&p, b"second").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let a = save_in(dir.path(), "x", "s", "csv", b"1").unwrap();
        let b = save_in(dir.path(), "x", "s", "csv", b"2").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"1");
        assert!(b.to_string_lossy().ends_with("consentry-x-s-1.csv"));
    }
}
