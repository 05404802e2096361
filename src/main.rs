use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = pacta::cli::Cli::parse();
    match pacta::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pacta: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
