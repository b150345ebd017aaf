//! The `connector-bench` scenarios. Each returns an [`Outcome`]: its figures as one JSON object
//! (for `--json`) and a short human-readable report.

pub mod admin_list;
pub mod churn;
pub mod crash;
pub mod generate;
pub mod ingest;
pub mod polling;
pub mod waits;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{Error, Result};

/// What a scenario measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every figure, as one JSON object.
    pub figures: Value,
    /// The same for people, a few lines.
    pub text: String,
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tests/corpus` in the workspace, where the real specs (corpus, quirks, GitHub REST) live.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("tests/corpus")
}

/// The running executable, to start measurement children of the bench binary itself.
pub fn current_binary() -> Result<PathBuf> {
    std::env::current_exe().map_err(|e| Error::io("locate the running executable", e))
}

/// Number of CPUs the process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// The 1-minute load average, for the record (Linux).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Round to two decimals for printing.
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
