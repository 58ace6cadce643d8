//! Statement files (being built): OFX/QFX, Japanese bank and card CSVs, the modelled service's
//! export. Parsers are pure: bytes in, a parsed statement out; the ledger import comes after.
