//! `github-webhook-sample`: the GitHub push webhook, end to end.
//!
//! - `demo`: everything on loopback against the bundled GitHub-compatible test server.
//! - `run`: the same against real GitHub (needs `GITHUB_TOKEN` and a public URL).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use github_webhook_sample::live::{run_live, LiveOptions};
use github_webhook_sample::{run_demo, DemoOptions, Step};

#[derive(Debug, Parser)]
#[command(version, about = "The GitHub push webhook sample of connector-gen")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole loop offline: test server + runtime on loopback, two simulated pushes.
    Demo {
        /// Repository owner on the test server.
        #[arg(long, default_value = "octo")]
        owner: String,
        /// Repository name on the test server.
        #[arg(long, default_value = "hello")]
        repo: String,
        /// After the pushes, keep serving the run-history page until Ctrl-C.
        #[arg(long)]
        keep: bool,
    },
    /// Subscribe to a real repository, print each push, then unsubscribe.
    Run {
        /// API base URL.
        #[arg(long, default_value = "https://api.github.com")]
        api: String,
        /// Repository owner.
        #[arg(long)]
        owner: String,
        /// Repository name.
        #[arg(long)]
        repo: String,
        /// Public URL GitHub can reach that forwards to --listen (a tunnel or reverse proxy).
        #[arg(long)]
        public_url: String,
        /// Where the runtime listens for callbacks.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// GitHub user name for basic auth (default: --owner). The token is read from
        /// GITHUB_TOKEN.
        #[arg(long)]
        user: Option<String>,
        /// Stop after this many pushes (default: run until Ctrl-C).
        #[arg(long)]
        pushes: Option<usize>,
    },
}

fn print_step(step: &Step) {
    println!("{step}");
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let outcome = match Cli::parse().command {
        Command::Demo { owner, repo, keep } => {
            let options = DemoOptions::new()
                .with_repository(owner, repo)
                .with_keep(keep);
            run_demo(options, print_step).await.map(|_| ())
        }
        Command::Run {
            api,
            owner,
            repo,
            public_url,
            listen,
            user,
            pushes,
        } => {
            let options = LiveOptions {
                api,
                username: user.unwrap_or_else(|| owner.clone()),
                owner,
                repo,
                public_url,
                listen,
                token: std::env::var("GITHUB_TOKEN").unwrap_or_default(),
                pushes,
                ping_timeout: Duration::from_secs(60),
            };
            if options.pushes.is_none() {
                println!(
                    "Push to {}/{} to see notifications; Ctrl-C to unsubscribe and exit.",
                    options.owner, options.repo
                );
            }
            run_live(options, print_step).await.map(|_| ())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
