//! The closed list of error codes that crosses every edge (CLI, IPC) and the error type carrying
//! one of them with a message that names the next step for the user.

use serde::Serialize;
use std::fmt;

/// Every code a user or a script can see. Adding one is a deliberate act; renaming one breaks
/// scripts (see `shared/CLI.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    #[serde(rename = "vault.keychain_unavailable")]
    VaultKeychainUnavailable,
    #[serde(rename = "vault.key_not_found")]
    VaultKeyNotFound,
    #[serde(rename = "vault.wrong_key")]
    VaultWrongKey,
    #[serde(rename = "vault.not_found")]
    VaultNotFound,
    #[serde(rename = "vault.already_exists")]
    VaultAlreadyExists,
    #[serde(rename = "vault.newer_schema")]
    VaultNewerSchema,
    #[serde(rename = "vault.corrupt")]
    VaultCorrupt,
    #[serde(rename = "vault.io")]
    VaultIo,
    /// Another GIMS process has the vault open.
    #[serde(rename = "vault.in_use")]
    VaultInUse,
    #[serde(rename = "input.invalid")]
    InputInvalid,
    #[serde(rename = "auth.bad_credentials")]
    AuthBadCredentials,
    #[serde(rename = "refresh.needs_user")]
    RefreshNeedsUser,
    #[serde(rename = "refresh.not_allowed")]
    RefreshNotAllowed,
    /// The institution said busy or maintenance until a time that has not come: nothing is sent.
    #[serde(rename = "refresh.busy")]
    RefreshBusy,
    #[serde(rename = "refresh.site_changed")]
    RefreshSiteChanged,
    /// The institution is refreshed by the user's login in the desktop app's window: the command
    /// line sent nothing (its statement file can still be imported).
    #[serde(rename = "refresh.needs_desktop")]
    RefreshNeedsDesktop,
    #[serde(rename = "institution.ended")]
    InstitutionEnded,
    #[serde(rename = "import.unrecognised_format")]
    ImportUnrecognisedFormat,
    #[serde(rename = "internal")]
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::VaultKeychainUnavailable => "vault.keychain_unavailable",
            ErrorCode::VaultKeyNotFound => "vault.key_not_found",
            ErrorCode::VaultWrongKey => "vault.wrong_key",
            ErrorCode::VaultNotFound => "vault.not_found",
            ErrorCode::VaultAlreadyExists => "vault.already_exists",
            ErrorCode::VaultNewerSchema => "vault.newer_schema",
            ErrorCode::VaultCorrupt => "vault.corrupt",
            ErrorCode::VaultIo => "vault.io",
            ErrorCode::VaultInUse => "vault.in_use",
            ErrorCode::InputInvalid => "input.invalid",
            ErrorCode::AuthBadCredentials => "auth.bad_credentials",
            ErrorCode::RefreshNeedsUser => "refresh.needs_user",
            ErrorCode::RefreshNotAllowed => "refresh.not_allowed",
            ErrorCode::RefreshBusy => "refresh.busy",
            ErrorCode::RefreshSiteChanged => "refresh.site_changed",
            ErrorCode::RefreshNeedsDesktop => "refresh.needs_desktop",
            ErrorCode::InstitutionEnded => "institution.ended",
            ErrorCode::ImportUnrecognisedFormat => "import.unrecognised_format",
            ErrorCode::Internal => "internal",
        }
    }

    /// The process exit status for this code: 2 for what the user typed, 3 for "not now, the
    /// institution asked to wait" (a refresh row says until when), 1 for everything else.
    pub fn exit_status(self) -> i32 {
        match self {
            ErrorCode::InputInvalid => 2,
            ErrorCode::RefreshBusy => 3,
            _ => 1,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error a user can act on: a code from the closed list and a specific message.
/// Messages never contain secrets; they name the file or field concerned and what to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GimsError {
    pub code: ErrorCode,
    pub message: String,
}

impl GimsError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        GimsError { code, message: message.into() }
    }

    /// Bad input, naming the field at fault.
    pub fn invalid(field: &str, problem: impl fmt::Display) -> Self {
        GimsError::new(ErrorCode::InputInvalid, format!("{field}: {problem}"))
    }

    pub fn internal(what: impl fmt::Display) -> Self {
        GimsError::new(ErrorCode::Internal, what.to_string())
    }
}

impl fmt::Display for GimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for GimsError {}

pub type Result<T, E = GimsError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_dotted_names() {
        let error = GimsError::invalid("amount", "not a number");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "input.invalid");
        assert_eq!(json["message"], "amount: not a number");
        assert_eq!(
            serde_json::to_value(ErrorCode::VaultKeychainUnavailable).unwrap(),
            ErrorCode::VaultKeychainUnavailable.as_str()
        );
    }
}
