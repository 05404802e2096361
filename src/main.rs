use clap::error::ErrorKind;
use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Rust ignores SIGPIPE, which turns every print after the reader has gone (`pacta history |
    // head`) into a panic. Restore the default: the process ends quietly, as other tools do.
    #[cfg(unix)]
    // SAFETY: called before any other thread writes to a pipe; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Test builds only (`--features failpoints`): FAILPOINTS configures where the kill tests stop
    // the process. A build without the feature has no failpoint and reads no such variable.
    #[cfg(feature = "failpoints")]
    let _failpoints = fail::FailScenario::setup();
    let cli = match pacta::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            error.exit()
        }
        Err(error) => {
            // One line, like every other error: clap's first line, and where to look next.
            let rendered = error.render().to_string();
            let message: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .take_while(|line| !line.is_empty() && !line.starts_with("Usage:"))
                .collect();
            eprintln!(
                "pacta: {} (see pacta --help)",
                message.join(" ").trim_start_matches("error: ")
            );
            return std::process::ExitCode::from(pacta::cli::ExitCode::Usage as u8);
        }
    };
    match pacta::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pacta: {error}");
            std::process::ExitCode::from(error.exit_code() as u8)
        }
    }
}
