//! `Secret<T>`: a value that must never reach a log, an error message, the ledger or the UI.
//!
//! `Debug` prints a redaction, there is deliberately no `Display` and no `serde::Serialize`
//! (so a struct holding a secret cannot be serialised by accident: it does not compile), and the
//! memory is zeroed on drop. Reading the value takes an explicit, greppable `expose()`.

use std::fmt;
use zeroize::Zeroize;

pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret itself. Every call site is a place where the secret leaves its wrapper.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Secret(self.0.clone())
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_prints_a_redaction_not_the_value() {
        let secret = Secret::new(String::from("hunter2-canary"));
        let printed = format!("{secret:?} {:?}", vec![secret.clone()]);
        assert!(!printed.contains("hunter2-canary"), "{printed}");
        assert!(printed.contains("REDACTED"));
        assert_eq!(secret.expose(), "hunter2-canary");
    }

    #[test]
    fn a_struct_deriving_debug_does_not_leak_its_secret() {
        #[derive(Debug)]
        #[allow(dead_code)] // only read through Debug
        struct Login {
            id: String,
            password: Secret<String>,
        }
        let login = Login { id: "taro".into(), password: Secret::new("canary-pw".into()) };
        let printed = format!("{login:?} {login:#?}");
        assert!(printed.contains("taro"));
        assert!(!printed.contains("canary-pw"), "{printed}");
    }

    // The absence of `Serialize` is checked by the compiler: if someone adds the impl, this
    // assertion stops compiling.
    static_assertions::assert_not_impl_any!(Secret<String>: serde::Serialize, fmt::Display);
    static_assertions::assert_not_impl_any!(Secret<Vec<u8>>: serde::Serialize, fmt::Display);

    #[test]
    fn a_struct_holding_a_secret_serialises_only_without_it() {
        // What the type system forces on callers: serialise a view without the secret.
        #[derive(serde::Serialize)]
        struct View<'a> {
            id: &'a str,
        }
        let secret = Secret::new(String::from("canary-pw"));
        let json = serde_json::to_string(&View { id: "taro" }).unwrap();
        assert!(!json.contains(secret.expose()));
    }
}
