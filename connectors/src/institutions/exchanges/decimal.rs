//! Amounts read from exchange JSON exactly. Exchanges send numbers as JSON numbers (bitFlyer,
//! BTCBOX) or strings (bitbank, Coincheck, GMO Coin); both are read from the JSON text itself,
//! never through `f64`, so `0.1` stays `0.1` and `1.00000000` keeps its places.

use rust_decimal::Decimal;
use serde::de::{Deserialize, Deserializer, Error};
use serde_json::value::RawValue;

/// A decimal exactly as the exchange wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Exact(pub Decimal);

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        let inner = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(quoted) => quoted.trim(),
            None => text,
        };
        parse(inner).map(Exact).ok_or_else(|| D::Error::custom(format!("`{inner}` is not a decimal number")))
    }
}

/// `123`, `-0.5`, `1.5e-7` (some exchanges print small floats in scientific notation).
pub fn parse(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Decimal::from_str_exact(text)
        .ok()
        .or_else(|| text.contains(['e', 'E']).then(|| Decimal::from_scientific(text).ok()).flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_read_exactly() {
        let values: Vec<Exact> =
            serde_json::from_str(r#"[10.24, "0.00012345", 1024078, "1.00000000", 1e-8, " 7 "]"#).unwrap();
        let texts: Vec<String> = values.iter().map(|v| v.0.to_string()).collect();
        assert_eq!(texts, ["10.24", "0.00012345", "1024078", "1.00000000", "0.00000001", "7"]);
        assert!(serde_json::from_str::<Exact>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<Option<Exact>>("null").unwrap().is_none());
    }
}
