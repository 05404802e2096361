//! The `pacta` command line: a thin front end over the ledger (`pacta-ledger`), the service
//! (`pacta-service`) and the offline verifier (`pacta-verify`).
//!
//! - [`cli`]: the arguments, one function per command, printing, and the one table of exit
//!   codes (`cli::ExitCode`);
//! - [`demo`]: the sample story, recorded through ordinary commands;
//! - [`keys`]: signing keys on the signatory's own machine;
//! - [`files`]: input files, read bounded.

pub mod cli;
pub mod demo;
pub mod files;
pub mod keys;
