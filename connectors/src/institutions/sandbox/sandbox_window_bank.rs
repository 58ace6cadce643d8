//! サンドボックスWeb銀行 (sandbox-window-bank): the sandbox's bank reached the way GIMS reaches real
//! banks, through the user's own login in the institution window. The site asks for a password and
//! a one-time password (unless the browser is a trusted device), and its 明細ダウンロード page serves
//! the 楽天銀行-layout CSV and an OFX. GIMS never logs in itself: it opens the window at the
//! login page, walks the recipe below once the user is logged in, and imports the file the page
//! downloads. Its plan's addresses are paths under the sandbox's own base URL, which the core
//! resolves (a real institution's plan holds `https` addresses and its hosts).

use crate::contract::{Category, InstitutionInfo};
use crate::institutions::files::{BY_WINDOW, FileInstitution, by_file};
use crate::vocabulary::AuthKind;
use crate::window::{RecipeStep, WindowPlan};

pub const ID: &str = "sandbox-window-bank";

static PLAN: WindowPlan = WindowPlan {
    start_url: "/login",
    hosts: &[],
    logged_in: Some("/accounts"),
    steps: &[
        RecipeStep::Open { url: "/statements" },
        RecipeStep::Choose { selector: "#statement-period", value: "3" },
        RecipeStep::Choose { selector: "#statement-format", value: "csv" },
        RecipeStep::Click { selector: Some("#statement-download"), text: None },
        RecipeStep::AwaitDownload,
    ],
    source: "connectors/sandbox/PROTOCOL.md (明細ダウンロード), the sandbox's own contract",
    checked: "2026-12-07",
};

pub static ALL: &[FileInstitution] = &[FileInstitution {
    info: &InstitutionInfo {
        auth: AuthKind::Window,
        policy: BY_WINDOW,
        window: Some(&PLAN),
        endpoint: super::ENDPOINT,
        ..by_file(ID, "サンドボックスWeb銀行", Category::Bank, &["Sandbox Window Bank"])
    },
    formats: &["rakuten-bank", "ofx"],
}];
