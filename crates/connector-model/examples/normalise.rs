//! Prints the normalised OpenAPI 3.0 document of a spec (and its warnings on stderr):
//! `cargo run -p connector-model --example normalise -- SPEC`.

use connector_model::{load_path, LoadOptions};
use std::path::PathBuf;

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: normalise SPEC");
        std::process::exit(2);
    };
    match load_path(&path, &LoadOptions::new()) {
        Ok(loaded) => {
            for d in &loaded.diagnostics {
                eprintln!("{d}");
            }
            match serde_json::to_string_pretty(&loaded.openapi) {
                Ok(json) => println!("{json}"),
                Err(e) => eprintln!("cannot print: {e}"),
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
