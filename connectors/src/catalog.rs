//! The catalog: every institution GIMS knows, searchable by name, alias and category.

use crate::contract::{Connector, InstitutionInfo};
use crate::institutions;

/// Every connector, in catalog order.
pub fn catalog() -> Vec<&'static dyn Connector> {
    institutions::ALL.to_vec()
}

pub fn connector_for(id: &str) -> Option<&'static dyn Connector> {
    institutions::ALL.iter().copied().find(|c| c.info().id == id)
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
            assert!(!info.fields.is_empty() || info.auth == crate::AuthKind::Oauth, "{} has no login fields", info.id);
        }
    }
}
