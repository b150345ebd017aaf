//! Any bytes into the spec loader, lenient and strict. `load_bytes` turns a panic on its
//! loading thread into `Error::Invalid("internal error …")`, which would hide it from the
//! fuzzer, so that error is turned back into a crash here.
#![no_main]

use connector_model::{load_bytes, Error, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let options = LoadOptions::new().with_strict(strict);
        if let Err(Error::Invalid { message, .. }) = load_bytes("fuzz.json", data, &options) {
            assert!(
                !message.starts_with("internal error"),
                "the loader panicked: {message}"
            );
        }
    }
});
