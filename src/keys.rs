//! Signing keys on the signatory's own machine: generate a key file, sign a signing message
//! with it. Private keys are made and read here; only public keys and signatures are ever
//! written or recorded (the demo's keys are made here too, and dropped after one signature).

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use pacta_domain::SigningMessage;
use sha2::{Digest, Sha256};

use crate::files::FileError;

/// Why a key could not be made, read or used; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no randomness from the operating system: {0}")]
    NoRandomness(getrandom::Error),
    #[error("cannot create key file {path}: {source} (pacta never overwrites a key file)")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write key file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a key file written by pacta key generate")]
    Malformed { path: String },
    #[error(transparent)]
    File(#[from] FileError),
}

/// Largest file `--full-powers-file` hashes: a scanned instrument of full powers.
pub const MAX_FULL_POWERS_FILE_BYTES: u64 = 64 * 1024 * 1024;
const KEY_FILE_MODE: u32 = 0o600;

/// A new private key from the operating system's randomness.
pub fn new_signing_key() -> Result<SigningKey, KeyError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(KeyError::NoRandomness)?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Lower-case hex of a key's Ed25519 public key, as a signatory is accredited with.
pub fn public_key_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// The hex Ed25519 signature of `message` under `key`, as `SignInstrument` carries it.
pub fn signature_hex(key: &SigningKey, message: &SigningMessage) -> String {
    hex::encode(key.sign(&message.to_bytes()).to_bytes())
}

/// Writes a new private key to `path` (never overwriting a file) and returns its public key in hex.
pub fn generate(path: &Path) -> Result<String, KeyError> {
    let key = new_signing_key()?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(KEY_FILE_MODE)
        .open(path)
        .map_err(|source| KeyError::Create {
            path: path.display().to_string(),
            source,
        })?;
    writeln!(file, "{}", hex::encode(key.to_bytes())).map_err(|source| KeyError::Write {
        path: path.display().to_string(),
        source,
    })?;
    Ok(public_key_hex(&key))
}

/// The hex Ed25519 signature of `message` under the private key in `path`.
pub fn sign(path: &Path, message: &SigningMessage) -> Result<String, KeyError> {
    Ok(signature_hex(&read_signing_key(path)?, message))
}

/// The private key in a file written by `pacta key generate`.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let mut secret = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut secret).map_err(|_| KeyError::Malformed {
        path: path.display().to_string(),
    })?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Lower-case hex SHA-256 of a file's bytes.
pub fn file_sha256(path: &Path) -> Result<String, KeyError> {
    let read_error = |source| FileError::read(path, source);
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    if size > MAX_FULL_POWERS_FILE_BYTES {
        return Err(FileError::too_large(path, MAX_FULL_POWERS_FILE_BYTES).into());
    }
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(read_error)?;
    Ok(hex::encode(hasher.finalize()))
}
