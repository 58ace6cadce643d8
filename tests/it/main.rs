//! The integration suite: the real `gims` binary, a real SQLCipher file, and the real OS keychain
//! (a gnome-keyring Secret Service on a private D-Bus bus per test). One binary, a module per area.

mod cli_input;
mod exchanges;
mod export;
mod file_connections;
mod generic_import;
mod household;
mod import;
mod lifecycle;
mod payloads;
mod policies;
mod refresh;
mod refresh_support;
mod reliability;
mod reports;
mod sandbox;
mod secrets;
mod support;
mod tamper;
mod tls;
mod vault;
