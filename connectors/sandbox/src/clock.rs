//! The sandbox's notion of "now": every expiry (sessions, OTPs, codes, tokens, approvals) and
//! every dataset's "today" is read from a [`Clock`], so tests can move time instead of waiting.

use std::sync::Mutex;

use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// Where the sandbox reads the current time from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The machine's clock: demo mode and `gims sandbox serve`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to: tests of expiry and of day-to-day data.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<OffsetDateTime>,
}

impl FixedClock {
    pub fn new(now: OffsetDateTime) -> FixedClock {
        FixedClock { now: Mutex::new(now) }
    }

    pub fn set(&self, now: OffsetDateTime) {
        *self.now.lock().expect("clock lock") = now;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().expect("clock lock");
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().expect("clock lock")
    }
}

/// Japan Standard Time: the institutions are Japanese, so "today" is the date in Tokyo.
pub const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("JST offset"),
};

/// The date the institutions consider today at instant `now`.
pub fn today_in_japan(now: OffsetDateTime) -> Date {
    now.to_offset(JST).date()
}
