//! `pacta bench`.

use clap::Args;

use crate::cli::CliError;
use crate::store::Database;

#[derive(Args, Debug)]
pub struct BenchArgs {}

pub async fn run(_database: &Database, _args: BenchArgs) -> Result<(), CliError> {
    Err(CliError::Bench("not yet".into()))
}
