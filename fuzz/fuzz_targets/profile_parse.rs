//! Parsing arbitrary text as a processing profile never panics, and what parses survives a
//! round trip through its canonical JSON.
#![no_main]

use consentry::notice::profile::Profile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = Profile::from_json(text) {
        let again = serde_json::to_string(&p).unwrap();
        assert_eq!(Profile::from_json(&again).unwrap(), p, "a parsed profile reads back the same");
    }
});
