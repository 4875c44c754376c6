//! Time: the clock the engine is given, and how instants are stored (UTC milliseconds plus
//! the device's UTC offset in minutes, so the local wall time is never lost).

use chrono::{DateTime, FixedOffset, Offset, SubsecRound, Utc};

/// Where the engine gets the current time; tests pass a fixed clock.
pub trait Clock: Send + Sync {
    /// Now, with this device's UTC offset.
    fn now(&self) -> DateTime<FixedOffset>;
}

/// The computer's clock and time zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        // Stored with millisecond precision; say the same instant everywhere.
        chrono::Local::now().fixed_offset().trunc_subsecs(3)
    }
}

/// A clock that always says the same instant (for tests and benchmarks).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<FixedOffset>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }
}

pub(crate) fn offset_minutes(at: &DateTime<FixedOffset>) -> i32 {
    at.offset().local_minus_utc() / 60
}

pub(crate) fn from_parts(ms: i64, offset_min: i32) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(offset_min.saturating_mul(60)).unwrap_or_else(|| Utc.fix());
    let utc = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    utc.with_timezone(&offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_with_offset() {
        let t = DateTime::parse_from_rfc3339("2026-05-01T09:30:00.250+08:00").unwrap();
        let back = from_parts(t.timestamp_millis(), offset_minutes(&t));
        assert_eq!(back, t);
        assert_eq!(back.to_rfc3339(), t.to_rfc3339());
    }
}
