//! `circlebook-cli`: a headless front end over circlebook-core for scripts, backups, benchmarks and tests.

mod args;
mod bench;
mod commands;
mod failure;
mod out;
mod secrets;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(e) = circlebook_core::hardening::disable_core_dumps() {
        eprintln!("error: core dumps could not be disabled, so no vault was opened: {e}");
        return ExitCode::from(failure::EXIT_FAILURE);
    }
    let secrets = secrets::Secrets::from_env();
    let cli = args::Cli::parse();
    let json = cli.json;
    match commands::run(cli, secrets) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(json),
    }
}
