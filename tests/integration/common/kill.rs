//! Kill tests: a real `pacta` process stopped at a named failpoint (compiled in only with the
//! `failpoints` feature) and killed there, so each test knows exactly where the process died.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use super::TestStore;

/// How long a kill test waits for `pacta` to reach its failpoint: far longer than any run takes.
pub const FAILPOINT_TIMEOUT: Duration = Duration::from_secs(60);
pub const NEEDS_FAILPOINTS: &str = "the kill tests stop `pacta` at failpoints, which only a build \
    with the `failpoints` feature has: run with --features pacta/failpoints (scripts/test does)";

/// The `FAILPOINTS` setting that stops `pacta` the `nth` time (from 1) it reaches `point`.
fn stop_at(point: &str, nth: u64) -> String {
    assert!(nth >= 1);
    match nth - 1 {
        0 => format!("{point}=return"),
        passes => format!("{point}={passes}*off->return"),
    }
}

/// Starts `pacta` with `args`, set to stop the `nth` time (from 1) it reaches failpoint `point`,
/// waits until it says it stopped there, and kills it there (SIGKILL). Fails, never passes, if it
/// ends or takes a minute without getting there, as a build without failpoints would.
pub fn kill_at_failpoint(store: &TestStore, args: &[&str], point: &str, nth: u64) {
    if !cfg!(feature = "failpoints") {
        panic!("{NEEDS_FAILPOINTS}");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_pacta"))
        .arg("--store")
        .arg(&store.url)
        .args(args)
        .env("FAILPOINTS", stop_at(point, nth))
        .env_remove("PACTA_ACTOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pacta");
    let (lines, stderr) = std::sync::mpsc::channel();
    let pipe = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let marker = format!("{} {point}", pacta_ledger::views::STOPPED_AT_FAILPOINT);
    let deadline = Instant::now() + FAILPOINT_TIMEOUT;
    let mut said = Vec::new();
    loop {
        match stderr.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line == marker => break,
            Ok(line) => said.push(line),
            Err(RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "pacta {args:?} did not reach failpoint {point} within {} s ({NEEDS_FAILPOINTS}); \
                     its stderr: {said:?}",
                    FAILPOINT_TIMEOUT.as_secs()
                );
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = child.wait().expect("wait for pacta");
                panic!(
                    "pacta {args:?} ended ({status}) without reaching failpoint {point} \
                     ({NEEDS_FAILPOINTS}); its stderr: {said:?}"
                );
            }
        }
    }
    child.kill().expect("kill pacta");
    let status = child.wait().expect("wait for pacta");
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "pacta was killed, not finished"
    );
}
