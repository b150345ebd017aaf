//! The one way the tests run cargo on generated crates: the shared `target/gen-check` (the
//! workspace's own target directory is locked by the `cargo test` running them), warnings
//! denied, so the dependencies all of them share build once.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo on the shared `target/gen-check`, warnings denied.
pub fn gen_check_cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("CARGO_TARGET_DIR", root().join("target/gen-check"))
        .env("RUSTFLAGS", "-D warnings")
        // Built to be checked, not debugged: no debug info and no incremental state, which
        // kept a CI disk full.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0");
    command
}
