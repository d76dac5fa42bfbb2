//! The command line, as scripts rely on it: command and option names here are a contract.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Circlebook's headless front end: create and maintain a vault, add demo data, run the benchmark.
///
/// Passphrases come from CIRCLEBOOK_PASSPHRASE (and CIRCLEBOOK_NEW_PASSPHRASE for a new one) when set,
/// otherwise they are asked for on the terminal without echo.
#[derive(Debug, Parser)]
#[command(name = "circlebook-cli", version)]
pub struct Cli {
    /// The vault folder [default: $XDG_DATA_HOME/circlebook/vault]
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,

    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault and show (or save) its recovery key
    Init {
        /// Write the recovery key to this new file (mode 0600) instead of printing it
        #[arg(long, value_name = "FILE")]
        recovery_out: Option<PathBuf>,
    },
    /// Change the passphrase (the data is not re-encrypted)
    Passwd,
    /// Set a new passphrase with the recovery key, for a forgotten passphrase
    Recover {
        /// The file holding the recovery key (AGE-SECRET-KEY-1…)
        #[arg(long, value_name = "FILE")]
        recovery_key_file: PathBuf,
    },
    /// Add synthetic demonstration cases (never real people)
    Demo {
        /// How many cases to add
        #[arg(long)]
        cases: usize,
        /// The same seed (and day) always gives the same cases; use another seed to add more
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The day the demo cases are told up to (YYYY-MM-DD); meetings may be booked after it [default: today]
        #[arg(long, value_name = "DATE")]
        today: Option<chrono::NaiveDate>,
    },
    /// Show figures about the vault (sizes, counts; no case content)
    Stats,
    /// Decrypt every kept generation and the journal and check the database; exit 1 if anything is wrong
    Verify,
    /// Fold everything into one snapshot and delete the other generations
    Compact,
    /// List the kept snapshot generations
    Backups,
    /// Make a kept generation the current state (the state before it is kept as a generation too)
    Restore {
        /// The generation number, as `backups` lists it
        #[arg(value_name = "GEN")]
        generation: u64,
    },
    /// Run the standard benchmark on fresh vaults of synthetic cases
    Bench {
        /// Cases in the benchmark vault [default: 500, with edits also timed at 50 and 5000]
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        cases: Option<u32>,
        /// Where to create the benchmark vaults (an empty or absent folder) [default: a temporary folder]
        #[arg(long, value_name = "DIR")]
        vault_dir: Option<PathBuf>,
        /// Samples per edit measurement (unlock measurements take at most 30, the KDF 10, folds 10)
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
        samples: u32,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
