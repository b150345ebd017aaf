//! The `connector-gen` command line.
//!
//! `connector-gen check [--format text|json] [--strict] [--callback-field P] SPEC...` reports
//! whether specs load; `connector-gen generate SPEC` (or just `connector-gen SPEC`) generates a
//! connector crate.

use clap::{Parser, Subcommand};
use connector_gen::check::{self, CheckArgs};
use connector_gen::cli::GenerateArgs;
use connector_gen::trigger_new::args::TriggerArgs;
use std::ffi::OsString;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "connector-gen",
    version,
    about = "Check connector specs and generate typed Rust connector crates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load specs and report actions, triggers, repairs and errors.
    Check(CheckArgs),
    /// Generate a connector crate from a spec (also: `connector-gen SPEC`).
    Generate(GenerateArgs),
    /// Define webhook triggers: `trigger new` writes one from example payloads.
    Trigger(TriggerArgs),
}

const SUBCOMMANDS: [&str; 4] = ["check", "generate", "trigger", "help"];

/// `connector-gen SPEC ...` means `connector-gen generate SPEC ...`: when the first argument is
/// not a subcommand (nor a top-level flag such as `--help`), `generate` is inserted.
fn with_default_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    let first = args.get(1).and_then(|a| a.to_str()).map(str::to_string);
    let is_top_level = match first.as_deref() {
        None => true,
        Some(a) => SUBCOMMANDS.contains(&a) || matches!(a, "-h" | "--help" | "-V" | "--version"),
    };
    if !is_top_level {
        args.insert(1, OsString::from("generate"));
    }
    args
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(with_default_subcommand(std::env::args_os().collect()));
    match cli.command {
        Command::Check(args) => {
            let code = check::run(&args, &mut std::io::stdout().lock());
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Command::Generate(args) => match connector_gen::cli::run(&args) {
            Ok(_) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(1)
            }
        },
        Command::Trigger(args) => match connector_gen::trigger_new::args::run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(1)
            }
        },
    }
}
