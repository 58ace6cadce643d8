//! The closed vocabularies shared by connectors, the core and the UI (see `shared/CLI.md`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! closed_vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

closed_vocabulary! {
    /// What kind of balance-bearing thing an account is.
    AccountKind {
        Cash => "cash",
        Bank => "bank",
        Card => "card",
        Securities => "securities",
        Pension => "pension",
        Points => "points",
        Miles => "miles",
        Emoney => "emoney",
        Crypto => "crypto",
        Loan => "loan",
        Other => "other",
    }
}

closed_vocabulary! {
    /// How an institution authenticates a login. `window`: the user logs in in GIMS's institution
    /// window and GIMS captures the statement downloaded there; `file`: the user imports it.
    AuthKind {
        Password => "password",
        PasswordOtp => "password_otp",
        PasswordCaptcha => "password_captcha",
        PasswordApproval => "password_approval",
        Oauth => "oauth",
        ApiKey => "api_key",
        File => "file",
        Window => "window",
    }
}

impl AccountKind {
    /// Cards and loans hold what the user owes: their balances count against net worth.
    pub fn is_liability(self) -> bool {
        matches!(self, AccountKind::Card | AccountKind::Loan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_text() {
        for kind in AccountKind::ALL {
            assert_eq!(kind.as_str().parse::<AccountKind>(), Ok(*kind));
            assert_eq!(serde_json::to_string(kind).unwrap(), format!("\"{kind}\""));
        }
        for kind in AuthKind::ALL {
            assert_eq!(kind.as_str().parse::<AuthKind>(), Ok(*kind));
        }
    }

    #[test]
    fn an_unknown_kind_names_the_choices() {
        let error = "wallet".parse::<AccountKind>().unwrap_err();
        assert!(error.contains("wallet") && error.contains("emoney"), "{error}");
    }
}
