//! Reading arbitrary bytes as an enrolment file never panics; what it accepts has the fields
//! a device shows before joining.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = consentry::bundle::read_enrolment(data) {
        assert!(!e.fingerprint.is_empty());
    }
});
