//! Generation benchmark (not a timed test): wall time and peak memory of generating crates from
//! GitHub's REST spec and the largest corpus spec, against a baseline measured in the same run
//! (parsing the same JSON with serde_json), plus `cargo check` time of the generated GitHub
//! crate against the small GitHub webhook sample crate.
//!
//! `cargo bench -p connector-gen --bench generate`
//!
//! Each measurement runs in a fresh child process so its peak RSS (VmHWM) is its own.

use connector_gen::{ClientDep, Generator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const CHILD: &str = "CONNECTOR_GEN_BENCH_CHILD";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Child: run one task, print `millis peak_kb`.
fn child(task: &str) {
    let (kind, spec) = task.split_once(':').expect("task is kind:path");
    let started = Instant::now();
    match kind {
        "parse" => {
            let bytes = std::fs::read(spec).unwrap();
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(value);
        }
        "generate" => {
            let generated = Generator::from_path(spec)
                .unwrap()
                .with_crate_name("bench")
                .with_client(ClientDep::Version("0.1".into()))
                .generate()
                .unwrap();
            std::hint::black_box(generated);
        }
        _ => panic!("unknown task {kind}"),
    }
    println!("{} {}", started.elapsed().as_millis(), peak_rss_kb());
}

/// Median of 3 child runs: `(millis, peak_kb)`.
fn measure(task: &str) -> (u128, u64) {
    let mut runs: Vec<(u128, u64)> = (0..3)
        .map(|_| {
            let output = Command::new(std::env::current_exe().unwrap())
                .env(CHILD, task)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{task}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let text = String::from_utf8_lossy(&output.stdout);
            let mut parts = text.split_whitespace();
            (
                parts.next().unwrap().parse().unwrap(),
                parts.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    runs.sort();
    runs[1]
}

/// Seconds of `cargo check` of a freshly generated crate (dependencies already built).
fn check_time(spec: &Path, name: &str) -> f64 {
    let dir = root().join("target/gen-bench").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Generator::from_path(spec)
        .unwrap()
        .with_crate_name(name)
        .with_client(ClientDep::Path(root().join("crates/connector-client")))
        .generate_to(dir.join(name))
        .unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{name:?}]\n"),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = |args: &[&str]| {
        let status = Command::new("cargo")
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", root().join("target/gen-check"))
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .unwrap();
        assert!(
            status.success(),
            "cargo {args:?} failed in {}",
            dir.display()
        );
    };
    cargo(&["check", "-q"]); // dependencies
    cargo(&["clean", "-q", "-p", name]);
    let started = Instant::now();
    cargo(&["check", "-q"]);
    started.elapsed().as_secs_f64()
}

fn main() {
    if let Ok(task) = std::env::var(CHILD) {
        child(&task);
        return;
    }
    let github = root().join("tests/corpus/github/api.github.com.json");
    let largest = root().join("tests/corpus/power-platform/shopranos/apiDefinition.swagger.json");
    let sample = root().join("samples/github-webhook/github-webhook.swagger.json");
    if !github.exists() || !largest.exists() {
        println!("tests/corpus specs absent; nothing to measure");
        return;
    }
    println!(
        "{:<44} {:>10} {:>12} {:>10}",
        "task", "wall ms", "peak RSS KB", "x baseline"
    );
    for spec in [&github, &largest] {
        let name = spec.display().to_string();
        let (base_ms, base_kb) = measure(&format!("parse:{name}"));
        let (ms, kb) = measure(&format!("generate:{name}"));
        // The connector's directory name for corpus specs, the file name for GitHub's.
        let short = spec
            .strip_prefix(root().join("tests/corpus"))
            .unwrap_or(spec)
            .display()
            .to_string();
        let label = short
            .rsplit('/')
            .nth(usize::from(short.starts_with("power-platform")))
            .unwrap_or("");
        println!(
            "{:<44} {:>10} {:>12} {:>10}",
            format!("parse JSON (baseline) {label}"),
            base_ms,
            base_kb,
            "1.0"
        );
        println!(
            "{:<44} {:>10} {:>12} {:>10}",
            format!("generate {label}"),
            ms,
            kb,
            format!("{:.1}", ms as f64 / base_ms.max(1) as f64)
        );
    }
    let sample_s = check_time(&sample, "bench-github-webhook");
    let github_s = check_time(&github, "bench-github-rest");
    println!("cargo check, generated github-webhook sample crate: {sample_s:.1} s (baseline)");
    println!(
        "cargo check, generated GitHub REST crate:           {github_s:.1} s ({:.1}x)",
        github_s / sample_s
    );
}
