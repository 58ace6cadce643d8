//! The exchange and SimpleFIN connectors against local fakes of each service
//! (`gims_sandbox::exchanges`), which verify signatures, nonces and headers as the real ones do.
//! Every URL a connector requests goes to the fake: the context's endpoint is the fake's base
//! URL, as `GIMS_ENDPOINT_<ID>` makes it in the engine.

mod harness;

/// bitbank: exact string amounts, trades and deposits, nonce errors, the public ticker host.
mod bitbank;
/// bitFlyer: permissions (missing, and a key that can trade), balance history, timestamps.
mod bitflyer;
/// BTCBOX: form signing with the MD5 key, filled orders, its error codes.
mod btcbox;
/// Coincheck: the full URL signed, funds per trade, deposits, sends and withdrawals.
mod coincheck;
/// GMO Coin: path-only signatures, executions, deposits, ERR codes.
mod gmo_coin;
/// Liquid cannot be linked; nonces never go back.
mod misc;
/// SimpleFIN: the token claimed once, the access URL kept, the bridge's errors shown.
mod simplefin;
