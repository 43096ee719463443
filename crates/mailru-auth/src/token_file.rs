//! Token files on disk: written atomically and privately, read with a size limit.
//!
//! A save writes a temporary file beside the target and renames it over the target, so
//! a failed write (disk full, a killed process) never leaves a half-written token: after a
//! refresh the old token no longer works, so losing the file would lose the login.
//!
//! The temporary file has an unpredictable name and is created with `create_new`
//! (`O_CREAT|O_EXCL`, which never follows a symlink), so two saves to one path (threads,
//! processes) never write into the same temporary file, and a link planted by another user
//! cannot redirect the write. On Unix the directory is synced after the rename, so the new
//! name survives a crash.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Largest token file [`Token::load`](crate::Token::load) reads (1 MiB); a token with its
/// cookies is a few kilobytes.
pub const MAX_TOKEN_FILE_SIZE: u64 = 1024 * 1024;

/// How many fresh temporary names are tried before giving up (each is 128 random bits:
/// a clash means something else creates files with our names on purpose).
const TEMP_ATTEMPTS: usize = 8;

/// Longest part of the target's name kept in the temporary name (names are limited to 255
/// bytes on most file systems).
const NAME_KEPT: usize = 100;

/// Writes `bytes` to `path` atomically, readable by the owner only (mode 0600 on Unix).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (tmp, mut file) = create_temp(path)?;
    let written = (|| {
        // `mode` is filtered by the umask; make it exactly 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        // Ours alone (created with create_new): safe to remove.
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_parent(path)
}

/// A new temporary file beside `path`, created exclusively.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .take(NAME_KEPT)
                .collect::<String>()
        })
        .unwrap_or_else(|| "token".to_owned());
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut last = None;
    for _ in 0..TEMP_ATTEMPTS {
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", crate::code::new_state()));
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name was free")))
}

/// Syncs the directory of `path`, so that the rename is durable.
#[cfg(unix)]
fn sync_parent(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    match File::open(dir).and_then(|d| d.sync_all()) {
        // Some file systems cannot sync a directory; the file itself was synced.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

#[cfg(not(unix))]
fn sync_parent(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// The bytes of the regular file `path`, at most [`MAX_TOKEN_FILE_SIZE`].
pub(crate) fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        // A FIFO or a device (`/dev/zero`) could block or never end.
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    if meta.len() > MAX_TOKEN_FILE_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    // The file may grow between the check and the read.
    File::open(path)?
        .take(MAX_TOKEN_FILE_SIZE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TOKEN_FILE_SIZE {
        return Err(too_large());
    }
    Ok(bytes)
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {MAX_TOKEN_FILE_SIZE} bytes: not a token file"),
    )
}
