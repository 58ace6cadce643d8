//! Japanese institutions reached through their statement files today, one file per category.
//! Each carries its window plan (`crate::window`) where a public source gives its login page,
//! with that source, and ended ones say since when and why, in the words of the seed's FAQ.
//! Every start URL is listed with its source and confidence in `connectors/CATALOG-SOURCES.md`;
//! each must be opened once by a person before the institution window ships.

pub mod banks;
pub mod cards;
pub mod ecommerce;
pub mod emoney;
pub mod points;
pub mod securities;

use crate::window::WindowPlan;

/// When the sources below were read (the catalog research for issue #15).
const CHECKED: &str = "2026-11-29";

/// A window plan with no documented steps: the user downloads the statement by hand in the
/// window, and no "logged in" address is known from a public source.
const fn plan(start_url: &'static str, hosts: &'static [&'static str], source: &'static str) -> WindowPlan {
    WindowPlan { start_url, hosts, logged_in: None, steps: &[], source, checked: CHECKED }
}
