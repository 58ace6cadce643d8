//! The integration suite: the real `gims` binary, a real SQLCipher file, and the real OS keychain
//! (a gnome-keyring Secret Service on a private D-Bus bus per test). One binary, a module per area.

mod cli_input;
mod household;
mod import;
mod lifecycle;
mod policies;
mod refresh;
mod refresh_support;
mod reliability;
mod reports;
mod sandbox;
mod support;
mod tamper;
mod vault;
