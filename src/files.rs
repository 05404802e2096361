//! Input files read whole: bounded reads, so an oversized file is refused rather than truncated.

use std::io::Read;
use std::path::Path;

/// A file a command could not read, or will not read whole; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is larger than {max_bytes} bytes, the most this command reads from a file")]
    TooLarge { path: String, max_bytes: u64 },
}

impl FileError {
    /// The error for a read of `path` that failed with `source`.
    pub fn read(path: &Path, source: std::io::Error) -> FileError {
        FileError::Read {
            path: path.display().to_string(),
            source,
        }
    }

    /// The error for `path`, larger than the `max_bytes` a command reads.
    pub fn too_large(path: &Path, max_bytes: u64) -> FileError {
        FileError::TooLarge {
            path: path.display().to_string(),
            max_bytes,
        }
    }
}

/// Reads at most `max_bytes` of a UTF-8 file (`-` is stdin); a longer file is refused, not truncated.
pub fn read_bounded(path: &Path, max_bytes: u64) -> Result<String, FileError> {
    let read_error = |source| FileError::read(path, source);
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(read_error)?)
    };
    let mut bytes = Vec::new();
    reader
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(FileError::too_large(path, max_bytes));
    }
    String::from_utf8(bytes)
        .map_err(|e| read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}
