//! One module per institution. Each declares its `InstitutionInfo` and implements `Connector`.

pub mod exchanges;
pub mod files;
pub mod japan;
pub mod sandbox;

use crate::contract::Connector;

/// Every connector, in catalog order.
pub static ALL: &[&dyn Connector] = &[
    &sandbox::sandbox_bank::SandboxBank,
    &sandbox::sandbox_otp_bank::SandboxOtpBank,
    &sandbox::sandbox_emoney::SandboxEmoney,
    &sandbox::sandbox_card::SandboxCard,
    &sandbox::sandbox_oauth::SandboxOauth,
    &sandbox::sandbox_approval::SandboxApproval,
    &sandbox::sandbox_securities::SandboxSecurities,
    &sandbox::sandbox_points::SandboxPoints,
    &sandbox::sandbox_pension::SandboxPension,
    &exchanges::bitflyer::Bitflyer,
    &exchanges::bitbank::Bitbank,
    &exchanges::btcbox::Btcbox,
    &exchanges::coincheck::Coincheck,
    &exchanges::gmo_coin::GmoCoin,
    &exchanges::liquid::Liquid,
    &exchanges::simplefin::Simplefin,
];
