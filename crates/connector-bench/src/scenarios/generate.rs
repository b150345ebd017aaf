//! `generate`: wall time and peak RSS of generating a crate from large specs, next to a plain
//! `serde_json` parse of the same file (the baseline) and the model load alone.
//!
//! Each measurement runs in a fresh child process of the bench binary (`measure generate`), so
//! its `VmHWM` (peak RSS) belongs to that measurement alone.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use connector_gen::Generator;
use connector_model::LoadOptions;
use serde_json::{json, Value};

use super::{corpus_dir, current_binary, round2, Outcome};
use crate::memory::{peak_rss_kib, rss_kib};
use crate::{Error, Result};

/// What one child measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Baseline: read the file and parse it with `serde_json` into a `Value`.
    Parse,
    /// Load, repair and normalise the spec into the connector model.
    Load,
    /// Load and generate the crate in memory (rendered, parsed by syn, pretty-printed).
    Generate,
}

impl Step {
    /// Every step, baseline first.
    pub const ALL: [Step; 3] = [Step::Parse, Step::Load, Step::Generate];

    /// Command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Parse => "parse",
            Step::Load => "load",
            Step::Generate => "generate",
        }
    }
}

impl std::str::FromStr for Step {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Step::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| Error::Invalid(format!("unknown step {text:?}")))
    }
}

/// The GitHub REST description and the largest corpus spec, where present.
pub fn default_specs() -> Vec<PathBuf> {
    let corpus = corpus_dir();
    let mut specs = Vec::new();
    let github = corpus.join("github/api.github.com.json");
    if github.is_file() {
        specs.push(github);
    }
    let largest = std::fs::read_dir(corpus.join("power-platform"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("apiDefinition.swagger.json"))
        .filter_map(|path| {
            let size = std::fs::metadata(&path).ok()?.len();
            Some((size, path))
        })
        .max();
    if let Some((_, path)) = largest {
        specs.push(path);
    }
    specs
}

/// Child side (`measure generate`): run one step and return its figures.
pub fn measure(step: Step, spec: &Path) -> Result<Value> {
    let rss_before = rss_kib().unwrap_or(0);
    let started = Instant::now();
    let detail = match step {
        Step::Parse => {
            let bytes = std::fs::read(spec)
                .map_err(|e| Error::io(format!("read {}", spec.display()), e))?;
            let value: Value = serde_json::from_slice(&bytes)?;
            json!({"top_level_keys": value.as_object().map_or(0, |o| o.len())})
        }
        Step::Load => {
            let loaded = connector_model::load_path(spec, &LoadOptions::new())
                .map_err(|e| Error::Invalid(e.to_string()))?;
            json!({"diagnostics": loaded.diagnostics.len()})
        }
        Step::Generate => {
            let generated = Generator::from_path(spec)?.generate()?;
            let bytes: usize = generated.files.iter().map(|(_, text)| text.len()).sum();
            json!({"files": generated.files.len(), "bytes": bytes, "warnings": generated.warnings.len()})
        }
    };
    let wall = started.elapsed();
    Ok(json!({
        "step": step.as_str(),
        "wall_ms": round2(wall.as_secs_f64() * 1000.0),
        "peak_rss_kib": peak_rss_kib().unwrap_or(0),
        "rss_before_kib": rss_before,
        "detail": detail,
    }))
}

fn run_child(binary: &Path, step: Step, spec: &Path) -> Result<Value> {
    let output = std::process::Command::new(binary)
        .args(["measure", "generate", "--step", step.as_str(), "--spec"])
        .arg(spec)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::io("run a measurement child", e))?;
    if !output.status.success() {
        return Err(Error::Child(format!(
            "measure {} {} failed: {}",
            step.as_str(),
            spec.display(),
            output.status
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .last()
        .ok_or_else(|| Error::Child("measurement child printed nothing".into()))?;
    Ok(serde_json::from_str(line)?)
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Parent side: every step on every spec, `repeat` fresh processes each, medians reported.
pub fn run(specs: &[PathBuf], repeat: usize) -> Result<Outcome> {
    if specs.is_empty() {
        return Ok(Outcome {
            figures: json!({"skipped": "no specs found under tests/corpus"}),
            text: "generate: skipped, no specs under tests/corpus\n".into(),
        });
    }
    let binary = current_binary()?;
    let mut figures = Vec::new();
    let mut text = String::new();
    for spec in specs {
        let size = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
        let mut steps = serde_json::Map::new();
        let mut medians = Vec::new();
        for step in Step::ALL {
            let mut walls = Vec::new();
            let mut peaks = Vec::new();
            let mut last = Value::Null;
            for _ in 0..repeat.max(1) {
                let measured = run_child(&binary, step, spec)?;
                walls.push(measured["wall_ms"].as_f64().unwrap_or(0.0));
                peaks.push(measured["peak_rss_kib"].as_f64().unwrap_or(0.0));
                last = measured;
            }
            let wall = median(walls);
            let peak = median(peaks);
            medians.push((wall, peak));
            steps.insert(
                step.as_str().to_owned(),
                json!({"wall_ms": round2(wall), "peak_rss_kib": peak, "detail": last["detail"]}),
            );
        }
        let (parse_wall, parse_peak) = medians[0];
        let (load_wall, load_peak) = medians[1];
        let (gen_wall, gen_peak) = medians[2];
        let ratio = |a: f64, b: f64| if b > 0.0 { round2(a / b) } else { 0.0 };
        let name = spec
            .strip_prefix(corpus_dir())
            .unwrap_or(spec)
            .display()
            .to_string();
        figures.push(json!({
            "spec": name,
            "bytes": size,
            "steps": steps,
            "generate_vs_parse": {"wall": ratio(gen_wall, parse_wall), "peak_rss": ratio(gen_peak, parse_peak)},
            "load_vs_parse": {"wall": ratio(load_wall, parse_wall), "peak_rss": ratio(load_peak, parse_peak)},
        }));
        text.push_str(&format!(
            "generate {name} ({:.1} MB), median of {repeat} fresh processes:\n  \
             serde_json parse: {parse_wall:.1} ms, peak RSS {:.1} MB\n  \
             load (model):     {load_wall:.1} ms, peak RSS {:.1} MB\n  \
             generate:         {gen_wall:.1} ms, peak RSS {:.1} MB  (×{:.1} wall, ×{:.1} RSS of the parse)\n",
            size as f64 / 1e6,
            parse_peak / 1024.0,
            load_peak / 1024.0,
            gen_peak / 1024.0,
            ratio(gen_wall, parse_wall),
            ratio(gen_peak, parse_peak),
        ));
    }
    Ok(Outcome {
        figures: json!({"specs": figures, "repeat": repeat}),
        text,
    })
}
