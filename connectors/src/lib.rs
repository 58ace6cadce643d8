//! The connector contract: what an institution declares (`InstitutionInfo`), what a connector
//! does (`Connector`: log in, then fetch), what it may ask the user mid-login (`Challenge`), what
//! can go wrong (`ConnectorError`), and what it returns (`Fetched`).
//!
//! Design choice: a connector is straight-line async code over a `Context` that hands it an HTTP
//! client (cookie jar per connection), the credentials, an `ask` channel to the user, the start
//! date and a cancel token. The engine in the core owns the run state machine, the ledger and the
//! keychain; this crate never depends on the core, and a connector never touches either.

pub mod catalog;
pub mod context;
pub mod contract;
pub mod error;
pub mod fetched;
pub mod institutions;
pub mod secret;
pub mod vocabulary;
pub mod window;

pub use catalog::{catalog, connector_for, institution, search};
pub use context::{Asker, Context, ContextParts};
pub use contract::{Category, Challenge, Connector, CredentialField, InstitutionInfo, Lifecycle, RefreshPolicy, Reply};
pub use error::{AskError, ConnectorError};
pub use fetched::{Fetched, FetchedAccount, FetchedHolding, FetchedTransaction, PastBalance, PointsExpiry};
pub use secret::Secret;
pub use vocabulary::{AccountKind, AuthKind};
pub use window::{RecipeStep, WindowPlan};
