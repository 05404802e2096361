//! Command files: a command as JSON, read bounded (`crate::files`).

use pacta_domain::NegotiationCommand;

use super::{CliError, MAX_COMMAND_FILE_BYTES};
use crate::files::read_bounded;

pub(super) fn read_command_file(path: &std::path::Path) -> Result<NegotiationCommand, CliError> {
    let text = read_bounded(path, MAX_COMMAND_FILE_BYTES)?;
    serde_json::from_str(&text).map_err(|source| CliError::MalformedCommand {
        path: path.display().to_string(),
        source,
    })
}
