//! An institution's window plan: where its login starts, which hosts the login may visit, what
//! "logged in" looks like and the steps to its statement download. Plain `'static` data read by
//! the institution window (a later part of issue #15); nothing here runs code or holds script.
//!
//! Facts come only from public sources and each plan names its source and the date it was read
//! (`connectors/CATALOG-SOURCES.md` lists them with their confidence). A plan never guesses a
//! site's layout: where no public source documents the steps, `steps` is empty and the user
//! downloads the statement by hand in the window, which GIMS captures.

use serde::Serialize;

#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WindowPlan {
    /// The institution's public login page (always `https`). A sandbox institution's addresses
    /// here and in `logged_in` and `steps` are paths under its base URL, resolved by the core.
    pub start_url: &'static str,
    /// Every host the login may visit, single sign-on hosts included; the start URL's host is one
    /// (a sandbox institution's: none listed, its base URL's host only).
    pub hosts: &'static [&'static str],
    /// A URL prefix that means "logged in"; `None` where no public source says.
    pub logged_in: Option<&'static str>,
    /// The way to the statement download; empty where no public source documents it.
    pub steps: &'static [RecipeStep],
    /// Where the start URL and hosts come from, with its address and how sure it is.
    pub source: &'static str,
    /// The date (`YYYY-MM-DD`) the source was read.
    pub checked: &'static str,
}

/// One step of a recipe to the statement download. Data for fixed, reviewed step code in the
/// window: selectors and texts are matched, never evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum RecipeStep {
    /// Go to this address (one of the plan's hosts).
    Open { url: &'static str },
    /// Click the element with this selector, or with this visible text, or both.
    Click { selector: Option<&'static str>, text: Option<&'static str> },
    /// Choose `value` in the form control with this selector (a period, an account).
    Choose { selector: &'static str, value: &'static str },
    /// Wait until the page's download arrives.
    AwaitDownload,
}

impl WindowPlan {
    /// The host of `start_url`, if it is an `https` address.
    pub fn start_host(&self) -> Option<&'static str> {
        let rest = self.start_url.strip_prefix("https://")?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        Some(&rest[..end]).filter(|host| !host.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PLAN: WindowPlan = WindowPlan {
        start_url: "https://bank.example/login?from=top",
        hosts: &["bank.example", "id.example"],
        logged_in: Some("https://bank.example/top"),
        steps: &[
            RecipeStep::Open { url: "https://bank.example/statements" },
            RecipeStep::Choose { selector: "select#period", value: "3" },
            RecipeStep::Click { selector: None, text: Some("CSVダウンロード") },
            RecipeStep::AwaitDownload,
        ],
        source: "a test",
        checked: "2026-11-29",
    };

    #[test]
    fn the_start_host_is_read_from_an_https_address_only() {
        assert_eq!(PLAN.start_host(), Some("bank.example"));
        let plain = WindowPlan { start_url: "http://bank.example/", ..PLAN };
        assert_eq!(plain.start_host(), None);
        let bare = WindowPlan { start_url: "https://www.bank.example", ..PLAN };
        assert_eq!(bare.start_host(), Some("www.bank.example"));
    }

    #[test]
    fn steps_are_tagged_data() {
        let json = serde_json::to_value(PLAN.steps).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"step": "open", "url": "https://bank.example/statements"},
                {"step": "choose", "selector": "select#period", "value": "3"},
                {"step": "click", "selector": null, "text": "CSVダウンロード"},
                {"step": "await_download"},
            ])
        );
    }
}
