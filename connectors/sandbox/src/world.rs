//! The sandbox's mutable state: sessions, faults, the phone, CAPTCHAs, approvals, OAuth grants and
//! request counters of every institution, behind one mutex (never held across an `.await`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use crate::captcha::Captchas;
use crate::clock::Clock;
use crate::faults::Faults;
use crate::institutions::oauth::Grants;
use crate::login::Approval;
use crate::phone::Phone;
use crate::session::Sessions;

pub struct Shared {
    pub clock: Arc<dyn Clock>,
    /// `http://127.0.0.1:PORT`, known once bound: approval links sent to the phone are absolute.
    pub base_url: OnceLock<String>,
    world: Mutex<World>,
}

#[derive(Default)]
pub struct World {
    pub sessions: Sessions,
    pub faults: Faults,
    pub phone: Phone,
    pub captchas: Captchas,
    /// Approval requests by token (the last path segment of the link sent to the phone).
    pub approvals: HashMap<String, Approval>,
    pub oauth: Grants,
    /// (institution, login id) pairs that accepted the current terms (`terms` fault).
    pub terms_accepted: HashSet<(&'static str, String)>,
    pub requests: HashMap<&'static str, u64>,
    /// Loads of the third-party frame on sandbox-window-bank's accounts page.
    pub partner_requests: u64,
    /// Login pages served, by institution: (all, those whose request still carried a session
    /// cookie of an earlier visit). A browser that starts each login afresh sends none.
    pub login_pages: HashMap<&'static str, (u64, u64)>,
    /// What the IPC probe on sandbox-window-bank's accounts page reported (`/_sandbox/ipc-probe`).
    pub ipc_probe: Vec<serde_json::Value>,
    /// Login ids that signed up with a password of their own (`POST /_sandbox/users`).
    pub passwords: Passwords,
    /// Trusted-device marks (the persistent cookie a bank sets when the user ticks "trust this
    /// device" on its OTP page): token → (institution, login id, until).
    pub trusted_devices: HashMap<String, (&'static str, String, time::OffsetDateTime)>,
}

/// Every login id signs in with [`crate::PASSWORD`] unless it signed up with its own.
#[derive(Default)]
pub struct Passwords(HashMap<String, String>);

impl Passwords {
    pub fn sign_up(&mut self, login_id: &str, password: String) {
        self.0.insert(login_id.to_owned(), password);
    }

    /// Whether `password` is this login id's, as every institution of the sandbox checks it.
    pub fn accepts(&self, login_id: &str, password: &str) -> bool {
        !login_id.is_empty() && self.0.get(login_id).map(String::as_str).unwrap_or(crate::login::PASSWORD) == password
    }
}

impl Shared {
    pub fn new(clock: Arc<dyn Clock>) -> Shared {
        Shared { clock, base_url: OnceLock::new(), world: Mutex::new(World::default()) }
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        // A handler that panicked mid-update leaves plain data behind, still usable by the others.
        self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn base_url(&self) -> &str {
        self.base_url.get().map(String::as_str).unwrap_or("")
    }
}
