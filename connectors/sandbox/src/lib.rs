#![doc = include_str!("../PROTOCOL.md")]

mod captcha;
mod clock;
mod control;
pub mod data;
pub mod exchanges;
mod faults;
mod html;
mod institutions;
mod login;
mod phone;
mod session;
mod world;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::{Clock, FixedClock, SystemClock};
pub use faults::Fault;
pub use institutions::{AuthKind, INSTITUTIONS, Institution};
pub use login::PASSWORD;

/// All sandbox institutions, not yet listening. Cheap to clone: clones share one state.
#[derive(Clone)]
pub struct Sandbox {
    shared: Arc<world::Shared>,
}

impl Sandbox {
    pub fn new(clock: Arc<dyn Clock>) -> Sandbox {
        Sandbox { shared: Arc::new(world::Shared::new(clock)) }
    }

    /// Binds `addr` (port 0 picks a free port) and serves on the current tokio runtime until the
    /// returned handle is shut down or dropped.
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<RunningSandbox> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let mut local = listener.local_addr()?;
        if local.ip().is_unspecified() {
            local.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        let base_url = format!("http://{local}");
        // A Sandbox serves once; a second serve of a clone keeps the first base URL for links.
        let _ = self.shared.base_url.set(base_url.clone());
        let app = control::routes(self.shared.clone()).merge(institutions::router(self.shared.clone()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            // axum retries failed accepts itself; this returns once shut down.
            let _ = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
        });
        Ok(RunningSandbox { base_url, addr: local, stop: Some(stop), task: Some(task) })
    }
}

/// A listening sandbox. Dropping it stops the server (open connections finish their request).
#[derive(Debug)]
pub struct RunningSandbox {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// Stops accepting connections and waits for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
