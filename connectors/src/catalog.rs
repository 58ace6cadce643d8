//! The catalog: every institution GIMS knows, searchable by name, alias and category.

use crate::contract::{Connector, InstitutionInfo};
use crate::institutions;

/// Every connector, in catalog order, then the institutions linked by their statement files.
pub fn catalog() -> Vec<&'static dyn Connector> {
    let files = institutions::files::all().map(|f| f as &'static dyn Connector);
    institutions::ALL.iter().copied().chain(files).collect()
}

pub fn connector_for(id: &str) -> Option<&'static dyn Connector> {
    catalog().into_iter().find(|c| c.info().id == id)
}

pub fn institution(id: &str) -> Option<&'static InstitutionInfo> {
    connector_for(id).map(|c| c.info())
}

/// Institutions whose name, id or an alias contains `text` (case- and width-insensitive for ASCII).
pub fn search(text: &str) -> Vec<&'static InstitutionInfo> {
    let needle = normalise(text);
    catalog()
        .into_iter()
        .map(|c| c.info())
        .filter(|info| {
            needle.is_empty()
                || normalise(info.name).contains(&needle)
                || normalise(info.id).contains(&needle)
                || info.aliases.iter().any(|alias| normalise(alias).contains(&needle))
        })
        .collect()
}

/// Lower case, full-width ASCII folded to half-width, spaces removed: `ＪＲＥ ＢＡＮＫ` finds `JRE BANK`.
fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                other => other,
            };
            (!c.is_whitespace()).then(|| c.to_ascii_lowercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Lifecycle;
    use crate::window::{RecipeStep, WindowPlan};

    #[test]
    fn file_institutions_are_found_by_their_brands() {
        let ids = |text: &str| search(text).into_iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(ids("JRE BANK"), ["rakuten-bank"]);
        assert!(ids("ＮＥＯＢＡＮＫ").contains(&"sbi-sumishin"));
        assert!(ids("PASMO").contains(&"suica"));
        assert_eq!(institutions::files::formats_of("smbc"), Some(&["smbc", "smbc-old", "ofx"][..]));
        assert_eq!(institutions::files::formats_of("sandbox-bank"), None);
    }

    /// Every institution and brand issue #15 names, as users type them, and the entry it finds.
    #[test]
    fn every_name_of_the_issue_finds_its_institution() {
        let table = [
            ("楽天銀行", "rakuten-bank"),
            ("JRE BANK", "rakuten-bank"),
            ("ゆうちょ銀行", "japan-post-bank"),
            ("ゆうちょ", "japan-post-bank"),
            ("三井住友銀行", "smbc"),
            ("Olive", "smbc"),
            ("Olive", "smbc-card"),
            ("住信SBIネット銀行", "sbi-sumishin"),
            ("NEOBANK", "sbi-sumishin"),
            ("d NEOBANK", "sbi-sumishin"),
            ("JAL NEOBANK", "sbi-sumishin"),
            ("ヤマダNEOBANK", "sbi-sumishin"),
            ("auじぶん銀行", "au-jibun-bank"),
            ("清水銀行", "shimizu-bank"),
            ("三井住友カード", "smbc-card"),
            ("おまとめログイン", "smbc-card"),
            ("Vpass", "smbc-card"),
            ("PayPayカード", "paypay-card"),
            ("メルカード", "mercari"),
            ("メルペイ", "mercari"),
            ("メルカリ", "mercari"),
            ("LINE Pay", "line-pay"),
            ("au PAY", "au-pay"),
            ("モバイルSuica", "mobile-suica"),
            ("楽天ポイント", "rakuten-point"),
            ("SBI証券", "sbi-securities"),
            ("SBIラップ", "sbi-securities"),
            ("先物・オプション", "sbi-securities"),
            ("Yahoo!ショッピング", "yahoo-shopping"),
            ("Amazon", "amazon"),
            ("アマゾン", "amazon"),
            ("LOHACO", "lohaco"),
            ("LOHACO", "yahoo-shopping"),
            ("PayPay証券", "paypay-securities"),
            ("NTTグループカード", "ntt-group-card"),
            ("Liquid", "liquid"),
            ("bitFlyer", "bitflyer"),
        ];
        for (text, id) in table {
            let found: Vec<_> = search(text).into_iter().map(|info| info.id).collect();
            assert!(found.contains(&id), "searching {text:?} found {found:?}, not {id}");
        }
    }

    #[test]
    fn every_ended_institution_says_since_when_and_why() {
        let expected = [
            ("lohaco", "2024-03-29"),
            ("paypay-securities", "2024-08-30"),
            ("ntt-group-card", "2023-07-31"),
            ("liquid", "2022-11-20"),
            ("line-pay", "2025-04-30"),
        ];
        for (id, date) in expected {
            let info = institution(id).unwrap_or_else(|| panic!("{id} is in the catalog"));
            assert!(
                matches!(info.lifecycle, Lifecycle::Ended { since, .. } if since == date),
                "{id}: {:?}",
                info.lifecycle
            );
            assert!(info.window.is_none(), "{id} ended: no window to open");
        }
        for info in catalog().into_iter().map(|c| c.info()) {
            if let Lifecycle::Ended { since, reason } = info.lifecycle {
                assert!(is_date(since), "{}: {since}", info.id);
                assert!(!reason.trim().is_empty(), "{} says why it ended", info.id);
            }
        }
    }

    #[test]
    fn every_window_plan_starts_at_https_on_its_own_hosts_and_names_its_source() {
        let plans: Vec<_> = catalog()
            .into_iter()
            .map(|c| c.info())
            .filter(|info| !info.is_sandbox())
            .filter_map(|info| Some((info.id, info.window?)))
            .collect();
        assert!(plans.len() >= 20, "{} plans", plans.len());
        for (id, plan) in plans {
            let host = plan.start_host().unwrap_or_else(|| panic!("{id}: {} is not an https address", plan.start_url));
            assert!(plan.hosts.contains(&host), "{id}: {host} is not in its hosts {:?}", plan.hosts);
            for host in plan.hosts {
                assert!(!host.is_empty() && !host.contains(['/', ':', ' ']), "{id}: host {host:?}");
            }
            assert!(!plan.source.trim().is_empty(), "{id} names where its start URL came from");
            assert!(is_date(plan.checked), "{id}: checked {}", plan.checked);
            if let Some(prefix) = plan.logged_in {
                assert!(prefix.starts_with("https://"), "{id}: {prefix}");
            }
            for step in plan.steps {
                if let RecipeStep::Open { url } = step {
                    let probe = WindowPlan { start_url: url, ..*plan };
                    assert!(probe.start_host().is_some_and(|h| plan.hosts.contains(&h)), "{id}: step opens {url}");
                }
            }
        }
    }

    /// `CATALOG-SOURCES.md` is where a person checks the start URLs: none may be missing there.
    #[test]
    fn every_window_plan_is_listed_in_catalog_sources() {
        let sources = include_str!("../CATALOG-SOURCES.md");
        for info in catalog().into_iter().map(|c| c.info()).filter(|info| !info.is_sandbox()) {
            if let Some(plan) = info.window {
                assert!(sources.contains(&format!("| `{}` |", info.id)), "{} is not in CATALOG-SOURCES.md", info.id);
                assert!(
                    sources.contains(plan.start_url),
                    "{}'s {} is not in CATALOG-SOURCES.md",
                    info.id,
                    plan.start_url
                );
            }
        }
    }

    /// The window is the path exactly where GIMS can open the login and read what it downloads.
    #[test]
    fn an_institution_is_linked_by_window_where_it_has_a_plan_and_formats_gims_reads() {
        let mut windows = 0;
        for file in institutions::files::all() {
            let info = file.info;
            let by_window =
                info.window.is_some() && !file.formats.is_empty() && matches!(info.lifecycle, Lifecycle::Active);
            let expected = if by_window { crate::AuthKind::Window } else { crate::AuthKind::File };
            assert_eq!(info.auth, expected, "{}", info.id);
            // The user presses refresh to open its window; nothing opens one unasked.
            assert_eq!(info.policy.manual_refresh, by_window, "{}", info.id);
            assert!(!info.policy.auto_refresh && !info.policy.bulk_refresh, "{}", info.id);
            windows += usize::from(by_window);
        }
        assert!(windows >= 15, "{windows} window institutions");
        assert_eq!(institution("rakuten-bank").map(|i| i.auth), Some(crate::AuthKind::Window));
        assert_eq!(institution("suica").map(|i| i.auth), Some(crate::AuthKind::File));
    }

    /// The sandbox's window bank: paths under the sandbox's base URL, ending in its download.
    #[test]
    fn the_sandbox_window_bank_plans_relative_paths_to_its_statement_download() {
        let info = institution("sandbox-window-bank").expect("listed");
        let plan = info.window.expect("a plan");
        assert!(plan.start_url.starts_with('/') && plan.hosts.is_empty());
        assert_eq!(plan.steps.last(), Some(&RecipeStep::AwaitDownload));
        for step in plan.steps {
            if let RecipeStep::Open { url } = step {
                assert!(url.starts_with('/'), "{url}");
            }
        }
    }

    #[test]
    fn an_institution_reached_by_its_files_names_their_formats() {
        assert_eq!(institutions::files::formats_of("mobile-suica"), Some(&["mobile-suica"][..]));
        assert_eq!(institutions::files::formats_of("amazon"), Some(&[][..]));
        assert_eq!(institutions::files::formats_of("bitflyer"), None);
    }

    fn is_date(text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
    }

    #[test]
    fn normalising_folds_width_case_and_spaces() {
        assert_eq!(normalise("ＪＲＥ ＢＡＮＫ"), "jrebank");
        assert_eq!(normalise("Jre Bank"), "jrebank");
        assert_eq!(normalise("楽天 銀行"), "楽天銀行");
    }

    #[test]
    fn ids_are_unique_and_every_connector_is_findable_by_id() {
        let infos: Vec<_> = catalog().into_iter().map(|c| c.info()).collect();
        for info in &infos {
            assert_eq!(infos.iter().filter(|other| other.id == info.id).count(), 1, "{}", info.id);
            assert!(connector_for(info.id).is_some());
            assert!(
                !info.fields.is_empty()
                    || matches!(info.auth, crate::AuthKind::Oauth | crate::AuthKind::File | crate::AuthKind::Window),
                "{} has no login fields",
                info.id
            );
        }
    }
}
