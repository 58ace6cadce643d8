//! Money: integer minor units that carry their currency. Never floating point.
//!
//! Each currency has a number of decimal places (its exponent): JPY has none, USD two, crypto
//! assets eight (the unit Japanese exchanges report to). An amount is stored as an `i64` count
//! of minor units, so sums in SQL are exact. Parsing and printing go through `rust_decimal`.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::fmt;

/// Fiat currencies without a minor unit (ISO 4217 exponent 0).
const ZERO_DECIMAL_FIAT: &[&str] = &["JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"];

/// Crypto assets Japanese exchanges list; they are counted to 8 decimal places.
const CRYPTO: &[&str] = &[
    "BTC", "ETH", "XRP", "LTC", "BCH", "MONA", "XLM", "XEM", "ETC", "LSK", "BAT", "QTUM", "XYM", "DOT", "LINK", "ADA",
    "DOGE", "SOL", "MATIC", "POL", "AVAX", "SHIB", "TRX", "ATOM", "APE", "AXS", "ENJ", "OMG", "IOST", "MKR", "DAI",
    "FLR", "SAND", "CHZ", "WBTC", "ASTR", "FCR", "BNB", "USDT", "USDC", "JPYC", "NEAR", "ARB", "OP", "SUI",
];

/// A currency code as users and institutions write it (`JPY`, `USD`, `BTC`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(String);

impl Currency {
    pub fn jpy() -> Self {
        Currency("JPY".into())
    }

    /// Accepts 2–10 ASCII letters or digits, case-insensitively.
    pub fn parse(text: &str) -> Result<Self, String> {
        let code = text.trim().to_ascii_uppercase();
        let well_formed = (2..=10).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && code.bytes().any(|b| b.is_ascii_uppercase());
        if well_formed {
            Ok(Currency(code))
        } else {
            Err(format!("`{text}` is not a currency code (such as JPY, USD or BTC)"))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// How many decimal places one unit has.
    pub fn exponent(&self) -> u32 {
        let code = self.0.as_str();
        if ZERO_DECIMAL_FIAT.contains(&code) {
            0
        } else if CRYPTO.contains(&code) || code.len() != 3 {
            8
        } else {
            2
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// An amount of one currency, as a count of its minor units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount {
    pub minor: i64,
    pub currency: Currency,
}

impl Amount {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Amount { minor, currency }
    }

    /// Parses a decimal string (`-1234`, `1,234`, `0.00012345`) exactly. More decimal places
    /// than the currency has is an error, never a rounding.
    pub fn parse(text: &str, currency: &Currency) -> Result<Self, String> {
        let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
        let valid_chars = !cleaned.is_empty()
            && cleaned
                .chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')));
        let decimal = valid_chars
            .then(|| Decimal::from_str_exact(&cleaned).ok())
            .flatten()
            .ok_or_else(|| format!("`{text}` is not a decimal number"))?;
        let decimal = decimal.normalize();
        let exponent = currency.exponent();
        if decimal.scale() > exponent {
            return Err(format!("`{text}` has {} decimal places but {currency} has {exponent}", decimal.scale()));
        }
        let minor = decimal
            .checked_mul(Decimal::from(10i64.pow(exponent)))
            .and_then(|scaled| i64::try_from(scaled).ok())
            .ok_or_else(|| format!("`{text}` is too large"))?;
        Ok(Amount { minor, currency: currency.clone() })
    }

    /// An exact decimal (as an institution reported it) in minor units; more decimal places
    /// than the currency has is an error.
    pub fn from_decimal(decimal: Decimal, currency: &Currency) -> Result<Self, String> {
        let exponent = currency.exponent();
        let normalized = decimal.normalize();
        if normalized.scale() > exponent {
            return Err(format!("`{decimal}` has {} decimal places but {currency} has {exponent}", normalized.scale()));
        }
        let factor = 10i128.pow(exponent - normalized.scale());
        normalized
            .mantissa()
            .checked_mul(factor)
            .and_then(|minor| i64::try_from(minor).ok())
            .map(|minor| Amount { minor, currency: currency.clone() })
            .ok_or_else(|| format!("`{decimal}` is too large"))
    }

    /// A computed figure (a valuation: quantity × price) rounded half-to-even to the currency.
    pub fn from_decimal_rounded(decimal: Decimal, currency: &Currency) -> Result<Self, String> {
        let rounded =
            decimal.round_dp_with_strategy(currency.exponent(), rust_decimal::RoundingStrategy::MidpointNearestEven);
        Amount::parse(&rounded.to_string(), currency)
    }

    /// A figure as an institution or a file reported it, in minor units. One with more decimal
    /// places than its currency (exchanges count yen to 4 places, some coins past 8, brokers'
    /// dollars to 4) is rounded half-to-even for the integer column and also returned exactly as
    /// reported, so nothing the institution said is lost.
    pub fn from_reported(decimal: Decimal, currency: &Currency) -> Result<(Self, Option<String>), String> {
        match Amount::from_decimal(decimal, currency) {
            Ok(amount) => Ok((amount, None)),
            Err(_) if decimal.normalize().scale() > currency.exponent() => {
                Ok((Amount::from_decimal_rounded(decimal, currency)?, Some(decimal.to_string())))
            }
            Err(error) => Err(error),
        }
    }

    /// The exact decimal string with the currency's decimal places (`-1234`, `12.50`).
    pub fn to_decimal_string(&self) -> String {
        Decimal::new(self.minor, self.currency.exponent()).to_string()
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn yen_has_no_minor_unit() {
        let jpy = currency("jpy");
        assert_eq!(Amount::parse("-1,234", &jpy).unwrap().minor, -1234);
        assert_eq!(Amount::parse("1234.0", &jpy).unwrap().minor, 1234);
        let error = Amount::parse("12.5", &jpy).unwrap_err();
        assert!(error.contains("JPY has 0"), "{error}");
    }

    #[test]
    fn dollars_have_cents_and_print_them() {
        let usd = currency("USD");
        let amount = Amount::parse("-12.5", &usd).unwrap();
        assert_eq!(amount.minor, -1250);
        assert_eq!(amount.to_decimal_string(), "-12.50");
        assert!(Amount::parse("0.001", &usd).is_err());
    }

    #[test]
    fn crypto_keeps_eight_places_exactly() {
        let btc = currency("BTC");
        let amount = Amount::parse("0.00012345", &btc).unwrap();
        assert_eq!(amount.minor, 12_345);
        assert_eq!(amount.to_decimal_string(), "0.00012345");
        assert!(Amount::parse("0.000000001", &btc).is_err());
    }

    #[test]
    fn malformed_and_huge_amounts_are_refused() {
        let jpy = Currency::jpy();
        for bad in ["", "abc", "1e5", "--1", "1-", "１２３", "NaN", "1.2.3"] {
            assert!(Amount::parse(bad, &jpy).is_err(), "{bad:?} was accepted");
        }
        assert!(Amount::parse("99999999999999999999", &jpy).unwrap_err().contains("too large"));
    }

    #[test]
    fn reported_decimals_convert_exactly_and_valuations_round() {
        let jpy = Currency::jpy();
        let exact = Decimal::from_str_exact("-1234").unwrap();
        assert_eq!(Amount::from_decimal(exact, &jpy).unwrap().minor, -1234);
        let fractional = Decimal::from_str_exact("1234.5").unwrap();
        assert!(Amount::from_decimal(fractional, &jpy).is_err());
        assert_eq!(Amount::from_decimal_rounded(fractional, &jpy).unwrap().minor, 1234);
        let up = Decimal::from_str_exact("1235.5").unwrap();
        assert_eq!(Amount::from_decimal_rounded(up, &jpy).unwrap().minor, 1236);
    }

    #[test]
    fn currency_codes_are_checked() {
        assert!(Currency::parse("J").is_err());
        assert!(Currency::parse("¥").is_err());
        assert!(Currency::parse("123").is_err());
        assert_eq!(currency("eur").exponent(), 2);
    }
}

/// How people read an amount: `¥1,234`, `-¥1,234`, `$12.50`, `0.00012345 BTC`.
/// A row's memo with the exact figure of a rounded amount (`Amount::from_reported`) kept in it.
pub fn memo_with_exact_amount(memo: &str, exact: Option<&str>, currency: &Currency) -> String {
    match exact {
        None => memo.to_owned(),
        Some(exact) if memo.is_empty() => format!("exact amount: {exact} {}", currency.code()),
        Some(exact) => format!("{memo} (exact amount: {exact} {})", currency.code()),
    }
}

pub fn format_for_people(amount: &Amount) -> String {
    let text = amount.to_decimal_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    match amount.currency.code() {
        "JPY" => format!("{sign}¥{grouped}"),
        "USD" => format!("{sign}${grouped}"),
        "EUR" => format!("{sign}€{grouped}"),
        code => format!("{sign}{grouped} {code}"),
    }
}

#[cfg(test)]
mod people_tests {
    use super::*;

    #[test]
    fn amounts_read_as_people_write_them() {
        let jpy = Currency::jpy();
        assert_eq!(format_for_people(&Amount::from_minor(1234, jpy.clone())), "¥1,234");
        assert_eq!(format_for_people(&Amount::from_minor(-1_234_567, jpy.clone())), "-¥1,234,567");
        assert_eq!(format_for_people(&Amount::from_minor(0, jpy)), "¥0");
        assert_eq!(format_for_people(&Amount::from_minor(123_456, Currency::parse("USD").unwrap())), "$1,234.56");
        assert_eq!(format_for_people(&Amount::from_minor(12_345, Currency::parse("BTC").unwrap())), "0.00012345 BTC");
    }
}
