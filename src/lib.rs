//! GIMS core: the encrypted ledger, the keychain vault, money, and the API that the CLI and the
//! desktop shell both call. Nothing here knows about Tauri or about any one institution.

pub mod api;
pub mod bench;
pub mod build_info;
pub mod error;
pub mod export;
pub mod import;
pub mod ledger;
pub mod logging;
pub mod money;
pub mod refresh;
pub mod report;
pub mod vault;
pub mod visible;

pub use error::{ErrorCode, GimsError};
