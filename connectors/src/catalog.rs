//! The catalog: every institution GIMS knows, searchable by name, alias and category.

use crate::contract::{Connector, InstitutionInfo};
use crate::institutions;

/// Every connector, in catalog order, then the institutions linked by their statement files.
pub fn catalog() -> Vec<&'static dyn Connector> {
    let files = institutions::files::FILES.iter().map(|f| f as &'static dyn Connector);
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

    #[test]
    fn file_institutions_are_found_by_their_brands() {
        let ids = |text: &str| search(text).into_iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(ids("JRE BANK"), ["rakuten-bank"]);
        assert!(ids("ＮＥＯＢＡＮＫ").contains(&"sbi-sumishin"));
        assert!(ids("PASMO").contains(&"suica"));
        assert_eq!(institutions::files::formats_of("smbc"), Some(&["smbc", "smbc-old", "ofx"][..]));
        assert_eq!(institutions::files::formats_of("sandbox-bank"), None);
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
                !info.fields.is_empty() || matches!(info.auth, crate::AuthKind::Oauth | crate::AuthKind::File),
                "{} has no login fields",
                info.id
            );
        }
    }
}
