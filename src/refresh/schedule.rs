//! When a connection is refreshed next without the user: at the interval the user chose, with a
//! little jitter (so many GIMS installs do not hit a bank at the same second), never for an
//! institution that needs the user at every login, never again for a problem only the user can
//! fix, at the institution's own retry time when it is busy or in maintenance ("try again
//! tomorrow" means tomorrow), and never in a tight loop after an error.

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
        if !Schedule::allows(info) {
            return None;
        }
        let interval = self.interval.max(Duration::seconds(i64::from(info.policy.min_interval_secs)));
        let jitter = self.jitter(connection_id);
        match status {
            "ok" | "unreachable" => Some(now + interval + jitter),
            "busy" => Some(retry_at.filter(|at| *at > now).unwrap_or_else(|| next_day_in_japan(now)) + jitter),
            "maintenance" => Some(retry_at.filter(|at| *at > now).unwrap_or(now + Duration::hours(1)) + jitter),
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

fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Midnight at the start of tomorrow in Japan, where "try again tomorrow" is meant.
pub fn next_day_in_japan(now: OffsetDateTime) -> OffsetDateTime {
    let japan = UtcOffset::from_hms(9, 0, 0).expect("UTC+9 is a valid offset");
    let local = now.to_offset(japan);
    (local.date() + Duration::days(1)).with_time(Time::MIDNIGHT).assume_offset(japan).to_offset(UtcOffset::UTC)
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
