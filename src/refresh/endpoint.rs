//! Where a connector's requests go, the HTTP client they go through, and the institution's date.

use gims_connectors::{ConnectorError, InstitutionInfo};
use std::time::Duration;
use time::{Date, OffsetDateTime, UtcOffset};

/// `GIMS_ENDPOINT_<ID>` (upper case, `-` → `_`) replaces the institution's endpoint, then the
/// engine's own `endpoints` (demo mode's exchanges); sandbox institutions live under the
/// sandbox's base URL (`GIMS_SANDBOX_URL`, or the demo's own).
pub fn resolve(
    info: &InstitutionInfo,
    sandbox_url: Option<&str>,
    endpoints: &std::collections::HashMap<String, String>,
) -> Result<String, ConnectorError> {
    let variable = format!("GIMS_ENDPOINT_{}", info.id.to_ascii_uppercase().replace('-', "_"));
    if let Some(url) = std::env::var(&variable).ok().or_else(|| endpoints.get(info.id).cloned()) {
        return Ok(url.trim_end_matches('/').to_string());
    }
    if info.is_sandbox() {
        return match sandbox_url {
            Some(base) => Ok(format!("{}/{}", base.trim_end_matches('/'), info.id)),
            None => Err(ConnectorError::Network(
                "the sandbox institutions are not running: start them with `gims sandbox serve` and set GIMS_SANDBOX_URL (or use `gims demo`)"
                    .into(),
            )),
        };
    }
    Ok(info.endpoint.trim_end_matches('/').to_string())
}

/// One client per run: its own cookie jar, so sessions of different connections never mix.
pub fn http_client(jar: std::sync::Arc<reqwest::cookie::Jar>) -> Result<reqwest::Client, ConnectorError> {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(15))
        .user_agent(concat!("GIMS/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConnectorError::Network(format!("could not set up HTTPS: {e}")))
}

/// `host:port` of an endpoint, for the access log.
pub fn host_of(endpoint: &str) -> String {
    let without_scheme = endpoint.split_once("://").map(|(_, rest)| rest).unwrap_or(endpoint);
    without_scheme.split('/').next().unwrap_or(without_scheme).to_string()
}

/// Japan's offset (no daylight saving): the catalog's institutions mean their dates and times there.
pub const JAPAN: UtcOffset = time::macros::offset!(+9);

/// Today in Japan, where the catalog's institutions keep their books.
pub fn today_at_institution(now: OffsetDateTime) -> Date {
    now.to_offset(JAPAN).date()
}

pub fn parse_iso_date(text: &str) -> Option<Date> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_cut_from_endpoints() {
        assert_eq!(host_of("http://127.0.0.1:8123/sandbox-bank"), "127.0.0.1:8123");
        assert_eq!(host_of("https://api.bitflyer.com"), "api.bitflyer.com");
    }
}
