//! The command line, as scripts rely on it: command and option names here are a contract.

use std::path::PathBuf;

use circlebook_core::model::{ProcessKind, Role, Stage};
use clap::{Parser, Subcommand};

/// Circlebook's headless front end: create and maintain a vault, read and change cases through the case model's
/// operations (the same ones the desktop app calls), add demo data, run the benchmark.
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

    /// Open the vault even when it holds an older state than this computer has seen (after putting back a
    /// backup copy of the folder on purpose); it is then taken as the newest
    #[arg(long, global = true)]
    pub accept_rollback: bool,

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
    /// Replace the vault's key: every file re-encrypted to a new one, a new recovery key shown once; the old
    /// recovery key and old copies of identity.age then open nothing written from now on. The passphrase stays
    RotateKey {
        /// Write the new recovery key to this new file (mode 0600) instead of printing it
        #[arg(long, value_name = "FILE")]
        recovery_out: Option<PathBuf>,
    },
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
    /// Fold everything into one snapshot and delete the other generations (and what deleted records left in the search index)
    Compact,
    /// List the kept snapshot generations
    Backups,
    /// Make a kept generation the current state (the state before it is kept as a generation too)
    Restore {
        /// The generation number, as `backups` lists it
        #[arg(value_name = "GEN")]
        generation: u64,
    },
    /// Run one operation of the case model by name with JSON arguments, as the desktop app does; print its JSON result
    #[command(after_help = "Reads write nothing; a change is saved, then the vault is locked.\n\
        Case data belongs in a file or on stdin, not on the command line (where shell history and process \
        listings keep it).\n\
        Examples:\n  circlebook-cli call --list\n  circlebook-cli call create_case --args-file new-case.json\n  \
        circlebook-cli call list_cases --args-file - < filter.json\n  \
        circlebook-cli call list_cases            (no arguments: {})")]
    Call {
        /// The operation's name, as `call --list` shows it
        #[arg(value_name = "NAME", required_unless_present = "list")]
        name: Option<String>,
        /// List every operation with its access, summary and argument and result types (with --json, also the
        /// TypeScript declarations of those types)
        #[arg(long, conflicts_with_all = ["name", "args", "args_file"])]
        list: bool,
        /// The arguments as JSON text, or `-` to read them from stdin [default: {}]
        #[arg(long, value_name = "JSON", conflicts_with = "args_file", allow_hyphen_values = true)]
        args: Option<String>,
        /// Read the JSON arguments from this file, or from stdin for `-` (keeps case data out of shell history)
        #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
        args_file: Option<PathBuf>,
    },
    /// List cases: code name, what the person harmed needs (the first line, in their words), stage, last change
    Cases {
        /// Only cases at this stage
        #[arg(long, value_parser = words(Stage::ALL.iter().map(|w| w.as_str())))]
        stage: Option<String>,
        /// Only cases with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Include closed cases
        #[arg(long)]
        all: bool,
    },
    /// Show a whole case: the person harmed's statement first, then people, processes, sessions, the plan, notes,
    /// tasks and the timeline
    Show {
        /// The case's id, or its code name
        #[arg(value_name = "CASE")]
        case: String,
    },
    /// Find words in every record of every case, best matches first
    Search {
        /// The words to find (the last one also matches as a prefix from two letters on)
        #[arg(value_name = "QUERY", required = true, num_args = 1..)]
        query: Vec<String>,
        /// Only cases at this stage
        #[arg(long, value_parser = words(Stage::ALL.iter().map(|w| w.as_str())))]
        stage: Option<String>,
        /// Only cases that hold a process of this kind
        #[arg(long, value_parser = words(ProcessKind::ALL.iter().map(|w| w.as_str())))]
        process: Option<String>,
        /// Only cases with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Only records of participants with this role
        #[arg(long, value_parser = words(Role::ALL.iter().map(|w| w.as_str())))]
        role: Option<String>,
        /// At most this many results [default: 50]
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: Option<u32>,
    },
    /// What is due soon or overdue across open cases: consents expiring, reviews, commitments, supervision, tasks
    Due {
        /// How many days ahead to look [default: 14]
        #[arg(long, value_name = "DAYS")]
        within: Option<u32>,
        /// Only the soonest N reminders (the count of all of them is still given)
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
    },
    /// Aggregate, non-identifying programme figures for a date range (for funders and evaluation)
    Report {
        /// The first day of the range (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: chrono::NaiveDate,
        /// The last day of the range, included (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: chrono::NaiveDate,
        /// Print the report as CSV (section,key,value); the export is recorded in the audit log
        #[arg(long)]
        csv: bool,
    },
    /// This vault's age recipient, signing key and fingerprint (`--card`: the one-line contact card to give to
    /// a co-facilitator).
    Identity {
        /// Print only the contact card.
        #[arg(long)]
        card: bool,
        /// The display name the card carries (only a claim; the fingerprint identifies you).
        #[arg(long, value_name = "NAME", requires = "card")]
        name: Option<String>,
    },
    /// Add or verify a contact.
    Contact {
        #[command(subcommand)]
        action: ContactAction,
    },
    /// The contacts, with the number to compare with each by voice.
    Contacts,
    /// Write a signed bundle of cases, encrypted to contacts (or to a passphrase, from
    /// CIRCLEBOOK_BUNDLE_PASSPHRASE or asked twice). Every participant must have consented to share with each
    /// recipient; the export is audited. Name the file yourself: nothing in a bundle's name should say whose it is.
    Export {
        /// A case to include (repeat for several).
        #[arg(long = "case", value_name = "ID", required = true, num_args = 1..)]
        cases: Vec<String>,
        /// A verified contact (name, signing key or age recipient); with --passphrase, the person or role it is
        /// for, as named in their consent.
        #[arg(long = "to", value_name = "CONTACT_OR_RECIPIENT", num_args = 1..)]
        to: Vec<String>,
        /// Encrypt to a passphrase instead of to contacts.
        #[arg(long)]
        passphrase: bool,
        /// Who it is for: co-facilitator (everything), supervisor (no contact details, safety notes, private
        /// notes or attachments), progress (the person harmed's summary; passphrase only).
        #[arg(long, value_name = "AUDIENCE", default_value = "co-facilitator",
              value_parser = ["co-facilitator", "supervisor", "progress"])]
        audience: String,
        /// Only show what would go and whose consent is missing; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where to write the bundle (a new file).
        #[arg(long, value_name = "FILE", required_unless_present_any = ["dry_run", "to_exchange"])]
        out: Option<PathBuf>,
        /// Write it into this vault's subfolder of the exchange folder (`exchange set`), named by its bundle id.
        #[arg(long, conflicts_with_all = ["out", "passphrase"])]
        to_exchange: bool,
    },
    /// Verify a bundle addressed to this vault and apply it, all or nothing (`--dry-run`: only show what it
    /// holds). A bundle signed by someone who is not a contact needs --accept-unknown-signer, after comparing
    /// their number by voice.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Verify and preview only; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply a bundle whose signer is not a contact (compare the number shown first).
        #[arg(long)]
        accept_unknown_signer: bool,
    },
    /// Fields of shared cases holding values written on two vaults since they last agreed (after an import),
    /// each value with where it came from.
    Conflicts {
        /// Only this case's conflicts.
        #[arg(long = "case", value_name = "ID")]
        case: Option<String>,
    },
    /// Keep one value of a conflict (`conflicts` lists them); the choice travels with your next bundle.
    Resolve {
        #[arg(value_name = "ID")]
        id: String,
        /// The number of the value to keep, as `conflicts` shows it.
        #[arg(long, value_name = "N")]
        take: u32,
    },
    /// The exchange folder a sync tool (Syncthing, Nextcloud, a shared drive) keeps in step with your
    /// co-facilitators: without an action, where it is and the bundles others left in it, each new, applied,
    /// still arriving, not for this vault or refused. Apply one with `import PATH`.
    Exchange {
        #[command(subcommand)]
        action: Option<ExchangeAction>,
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

/// Accepts the words of a closed vocabulary (and lists them in `--help` and in the error).
/// `exchange set` and `exchange unset`.
#[derive(Debug, Subcommand)]
pub enum ExchangeAction {
    /// Use this folder (it must exist; Circlebook writes only into its own subfolder there).
    Set {
        #[arg(value_name = "FOLDER")]
        path: PathBuf,
    },
    /// Stop using an exchange folder (nothing in it is removed).
    Unset,
}

/// `contact add` and `contact verify`.
#[derive(Debug, Subcommand)]
pub enum ContactAction {
    /// Add a contact from their one-line contact card.
    Add {
        /// The card text (`circlebook-card-1 …`).
        #[arg(long, value_name = "TEXT")]
        card: String,
        /// You have already compared fingerprints by voice.
        #[arg(long)]
        verified: bool,
    },
    /// Mark a contact verified after comparing the pair's number by voice.
    Verify {
        #[arg(value_name = "NAME_OR_KEY")]
        name_or_key: String,
    },
}

fn words(all: impl Iterator<Item = &'static str>) -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(all)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
