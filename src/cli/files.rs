//! Command files: a command (or a matrix row) as JSON, read bounded (`crate::files`).

use serde::de::DeserializeOwned;

use super::{CliError, MAX_COMMAND_FILE_BYTES};
use crate::files::read_bounded;

pub(super) fn read_json_file<T: DeserializeOwned>(path: &std::path::Path) -> Result<T, CliError> {
    let text = read_bounded(path, MAX_COMMAND_FILE_BYTES)?;
    serde_json::from_str(&text).map_err(|source| CliError::MalformedCommand {
        path: path.display().to_string(),
        source,
    })
}
