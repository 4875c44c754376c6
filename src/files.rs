//! New files the engine writes outside the vault for both front doors (exports, access
//! copies, receipts, review packets): always a new file, mode 0600, never overwriting one
//! that exists, so an export can't silently replace another or be read by other users. And
//! the one way files coming in are read: never more than their limit.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::domain::error::{Error, Result};
use crate::domain::messages::{self as msg, Text};

fn io(action: &'static Text, path: &Path, e: &std::io::Error) -> Error {
    Error::io(action, path, e)
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

/// Reads a file of at most `limit` bytes. A larger one is refused with `too_large` (given
/// the size, or `limit + 1` when only reading found it out) without being read: a file whose
/// size says so is not read at all, and a device or pipe that never ends (`/dev/zero`) stops
/// one byte past the limit.
pub fn read_at_most(path: &Path, limit: u64, too_large: impl FnOnce(u64) -> Error) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path).map_err(|e| io(&msg::IO_READ, path, &e))?;
    let declared = f.metadata().map(|m| m.len()).unwrap_or(0);
    if declared > limit {
        return Err(too_large(declared));
    }
    let mut out = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    f.take(limit + 1).read_to_end(&mut out).map_err(|e| io(&msg::IO_READ, path, &e))?;
    if out.len() as u64 > limit {
        return Err(too_large(limit + 1));
    }
    Ok(out)
}

/// Writes `content` to a new file at `path` (mode 0600). An existing file is never
/// replaced: that is an error naming the file, and the file is left as it was.
pub fn write_new(path: &Path, content: &[u8]) -> Result<()> {
    match open_new(path) {
        Ok(mut f) => f.write_all(content).and_then(|()| f.sync_all()).map_err(|e| io(&msg::IO_WRITE, path, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(msg::FILE_EXISTS.with("path", path.display()).into())
        }
        Err(e) => Err(io(&msg::IO_WRITE, path, &e)),
    }
}

/// Saves `content` as a new file `consentry-{what}-{stamp}.{ext}` in `dir` (created if
/// needed), adding `-1`, `-2`, … when the name is taken. Returns the path written.
pub fn save_in(dir: &Path, what: &str, stamp: &str, ext: &str, content: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| io(&msg::IO_CREATE_FOLDER, dir, &e))?;
    for n in 0..100 {
        let suffix = if n == 0 { String::new() } else { format!("-{n}") };
        let path = dir.join(format!("consentry-{what}-{stamp}{suffix}.{ext}"));
        match open_new(&path) {
            Ok(mut f) => {
                f.write_all(content).and_then(|()| f.sync_all()).map_err(|e| io(&msg::IO_WRITE, &path, &e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(&msg::IO_WRITE, &path, &e)),
        }
    }
    tracing::warn!(what, stamp, ext, "100 files of this name already");
    Err(msg::FOLDER_FULL.with("folder", dir.display()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_and_endless_files_are_refused_without_reading_them() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.csv");
        std::fs::write(&small, b"abc").unwrap();
        let big = |n: u64| Error::from(msg::FILE_TOO_LARGE.with("path", n).with("limit_mib", 0));
        assert_eq!(read_at_most(&small, 3, big).unwrap(), b"abc");
        assert_eq!(read_at_most(&small, 2, big).unwrap_err().to_string(), big(3).to_string());
        let sparse = dir.path().join("sparse.csv");
        std::fs::File::create(&sparse).unwrap().set_len(1 << 40).unwrap();
        assert!(read_at_most(&sparse, 1024, big).unwrap_err().to_string().contains(&(1u64 << 40).to_string()));
        #[cfg(unix)]
        {
            let started = std::time::Instant::now();
            let e = read_at_most(Path::new("/dev/zero"), 1 << 20, big).unwrap_err();
            assert!(e.to_string().contains(&((1u64 << 20) + 1).to_string()));
            assert!(started.elapsed() < std::time::Duration::from_secs(5), "it stopped at the limit");
        }
    }

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
