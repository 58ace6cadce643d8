//! When a connection is refreshed next without the user: at the interval the user chose, with a
//! little jitter (so many GIMS installs do not hit a bank at the same second), never for an
//! institution that needs the user at every login, never again for a problem only the user can
//! fix, at the institution's own retry time when it is busy or in maintenance ("try again
//! tomorrow" means tomorrow), and never in a tight loop after an error.

use super::endpoint::JAPAN;
use gims_connectors::InstitutionInfo;
use time::{Duration, OffsetDateTime, Time, UtcOffset};

#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub interval: Duration,
    pub max_jitter: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { interval: Duration::hours(6), max_jitter: Duration::minutes(10) }
    }
}

impl Schedule {
    pub fn with_interval_minutes(minutes: u32) -> Schedule {
        let interval = Duration::minutes(i64::from(minutes.max(1)));
        Schedule { interval, max_jitter: (interval / 10_i32).min(Duration::minutes(10)) }
    }

    /// May this institution ever be refreshed unattended?
    pub fn allows(info: &InstitutionInfo) -> bool {
        info.policy.auto_refresh && !info.policy.needs_user_every_login
    }

    /// The next unattended refresh after a run that left `status` at `now`; `retry_at` is the
    /// institution's own word (busy until, maintenance until). `None`: not until the user acts.
    pub fn next_after(
        &self,
        connection_id: i64,
        info: &InstitutionInfo,
        status: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Option<OffsetDateTime> {
        let jitter = self.jitter(connection_id);
        // Busy and maintenance hold for every institution, even one never refreshed unattended:
        // the time is also when the user's own refresh is allowed again (see `waiting_until`).
        if let Some(at) = retry_not_before(status, retry_at, now) {
            return Some(at + jitter);
        }
        if !Schedule::allows(info) {
            return None;
        }
        let interval = self.interval.max(Duration::seconds(i64::from(info.policy.min_interval_secs)));
        match status {
            "ok" | "unreachable" => Some(now + interval + jitter),
            // bad credentials, consent expired, terms to accept, site changed, ended, needs the user
            _ => None,
        }
    }

    /// A fixed share of the jitter per connection: spread out, but predictable.
    fn jitter(&self, connection_id: i64) -> Duration {
        let span = self.max_jitter.whole_seconds().max(1) as u64;
        Duration::seconds(((connection_id as u64).wrapping_mul(2_654_435_761) % span) as i64)
    }
}

/// Whether a connection is due: its next time has come, or it was never tried at all.
pub fn is_due(
    info: &InstitutionInfo,
    next_refresh_at: Option<&str>,
    last_attempt_at: Option<&str>,
    now: OffsetDateTime,
) -> bool {
    if !Schedule::allows(info) {
        return false;
    }
    match next_refresh_at.and_then(parse) {
        Some(at) => at <= now,
        None => last_attempt_at.is_none(),
    }
}

/// The earliest next try after the institution answered busy or maintenance: its own time when
/// it gave one, else the start of tomorrow in Japan for busy ("try again tomorrow") and an hour
/// for maintenance with no known end. `None` for every other status.
pub fn retry_not_before(status: &str, retry_at: Option<OffsetDateTime>, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let said = retry_at.filter(|at| *at > now);
    match status {
        "busy" => Some(said.unwrap_or_else(|| next_day_in_japan(now))),
        "maintenance" => Some(said.unwrap_or(now + Duration::hours(1))),
        _ => None,
    }
}

/// Until when a connection must be left alone, whoever asks (the user's refresh, refresh all or
/// the scheduler): its status is busy or maintenance and the recorded retry time has not come.
pub fn waiting_until(status: &str, next_refresh_at: Option<&str>, now: OffsetDateTime) -> Option<OffsetDateTime> {
    match status {
        "busy" | "maintenance" => next_refresh_at.and_then(parse).filter(|at| *at > now),
        _ => None,
    }
}

fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Midnight at the start of tomorrow in Japan, where "try again tomorrow" is meant.
pub fn next_day_in_japan(now: OffsetDateTime) -> OffsetDateTime {
    let local = now.to_offset(JAPAN);
    (local.date() + Duration::days(1)).with_time(Time::MIDNIGHT).assume_offset(JAPAN).to_offset(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn info(id: &str) -> &'static InstitutionInfo {
        gims_connectors::institution(id).unwrap()
    }

    #[test]
    fn otp_institutions_are_never_scheduled() {
        let schedule = Schedule::default();
        let now = datetime!(2026-11-28 03:00 UTC);
        assert_eq!(schedule.next_after(1, info("sandbox-otp-bank"), "ok", None, now), None);
        assert!(!is_due(info("sandbox-otp-bank"), None, None, now));
        assert!(is_due(info("sandbox-bank"), None, None, now), "a bank never tried is due");
    }

    #[test]
    fn busy_means_tomorrow_in_japan_and_problems_wait_for_the_user() {
        let schedule = Schedule { interval: Duration::hours(6), max_jitter: Duration::minutes(10) };
        let now = datetime!(2026-11-28 03:00 UTC); // 12:00 in Japan
        let bank = info("sandbox-bank");
        let busy = schedule.next_after(7, bank, "busy", None, now).unwrap();
        assert!(busy >= datetime!(2026-11-28 15:00 UTC) && busy < datetime!(2026-11-28 15:10 UTC), "{busy}");
        let said = datetime!(2026-11-29 09:00 UTC);
        assert!(schedule.next_after(7, bank, "busy", Some(said), now).unwrap() >= said);
        for status in ["bad_credentials", "consent_expired", "action_required", "site_changed", "ended", "needs_user"] {
            assert_eq!(schedule.next_after(7, bank, status, None, now), None, "{status}");
        }
        let error = schedule.next_after(7, bank, "unreachable", None, now).unwrap();
        assert!(error >= now + Duration::hours(6), "no tight retry loop");
    }

    #[test]
    fn maintenance_until_a_known_end_holds_every_refresh_until_that_end() {
        let schedule = Schedule { interval: Duration::hours(6), max_jitter: Duration::minutes(10) };
        let now = datetime!(2026-11-28 03:00 UTC);
        let end = datetime!(2026-11-28 06:00 UTC); // 15:00 in Japan
        for id in ["sandbox-bank", "sandbox-otp-bank"] {
            let next = schedule.next_after(7, info(id), "maintenance", Some(end), now).unwrap();
            assert!(next >= end && next < end + Duration::minutes(10), "{id}: {next}");
            let recorded = next.format(&time::format_description::well_known::Rfc3339).unwrap();
            assert_eq!(waiting_until("maintenance", Some(&recorded), now), Some(next), "{id}: held before the end");
            assert_eq!(waiting_until("maintenance", Some(&recorded), end - Duration::seconds(1)), Some(next));
            assert_eq!(waiting_until("maintenance", Some(&recorded), next), None, "{id}: free at the end");
        }
        // No known end: GIMS's own back-off of an hour, then a try is allowed.
        let unknown = schedule.next_after(7, info("sandbox-bank"), "maintenance", None, now).unwrap();
        assert!(unknown >= now + Duration::hours(1) && unknown < now + Duration::hours(1) + Duration::minutes(10));
        // An end already past is no reason to wait a whole day.
        let past = schedule.next_after(7, info("sandbox-bank"), "maintenance", Some(now - Duration::hours(1)), now);
        assert!(past.unwrap() < now + Duration::hours(1) + Duration::minutes(10));
        // Only busy and maintenance hold a refresh back.
        let later = "2026-11-29T00:00:00Z";
        assert_eq!(waiting_until("ok", Some(later), now), None);
        assert_eq!(waiting_until("unreachable", Some(later), now), None);
        assert_eq!(waiting_until("busy", None, now), None);
        assert!(waiting_until("busy", Some(later), now).is_some());
    }

    #[test]
    fn jitter_spreads_connections_but_stays_within_bounds() {
        let schedule = Schedule::default();
        let now = datetime!(2026-11-28 03:00 UTC);
        let times: Vec<_> =
            (1..=20).map(|id| schedule.next_after(id, info("sandbox-bank"), "ok", None, now).unwrap()).collect();
        assert!(
            times
                .iter()
                .all(|t| *t >= now + Duration::hours(6) && *t < now + Duration::hours(6) + Duration::minutes(10))
        );
        let distinct: std::collections::HashSet<_> = times.iter().collect();
        assert!(distinct.len() > 10);
    }
}
