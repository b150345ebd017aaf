//! Any bytes that load as a spec must generate a crate (the generator parses every Rust file
//! it emits, so an error here means it wrote invalid Rust) — and never panic.
#![no_main]

use connector_gen::Generator;
use connector_model::{load_bytes, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = load_bytes("fuzz.json", data, &LoadOptions::new()) {
        if let Err(error) = Generator::new(loaded).generate() {
            panic!("loaded but did not generate: {error}");
        }
    }
});
