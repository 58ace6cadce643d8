//! The connector contract: what an institution declares and returns, shared by every connector.
//!
//! This crate never depends on the core: connectors get credentials handed in and return data;
//! they never touch the ledger or the keychain. For now it holds the vocabulary the core and the
//! connectors share (account kinds, auth kinds) and the [`Secret`] wrapper for credentials.

pub mod secret;
pub mod vocabulary;

pub use secret::Secret;
pub use vocabulary::{AccountKind, AuthKind};
