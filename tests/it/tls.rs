//! TLS fails closed: an institution whose certificate is not trusted (self-signed, as a
//! man-in-the-middle would present) is refused before anything is sent — no login, no password
//! — with a clear error, and the ledger is left as it was.

use crate::support::{Keychain, Machine};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A loopback TLS server with a self-signed certificate for 127.0.0.1. Counts handshakes that
/// completed and bytes of HTTP it received after one.
struct UntrustedServer {
    port: u16,
    handshakes: Arc<AtomicUsize>,
    received: Arc<AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

fn untrusted_server() -> UntrustedServer {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = tokio_rustls::rustls::pki_types::PrivateKeyDer::try_from(certified.key_pair.serialize_der()).unwrap();
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (handshakes, received) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (h, r) = (handshakes.clone(), received.clone());
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (acceptor, h, r) = (acceptor.clone(), h.clone(), r.clone());
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    h.fetch_add(1, Ordering::SeqCst);
                    let mut buffer = [0u8; 4096];
                    if let Ok(n) = tokio::io::AsyncReadExt::read(&mut tls, &mut buffer).await {
                        r.fetch_add(n, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    UntrustedServer { port, handshakes, received, _runtime: runtime }
}

#[test]
fn an_institution_with_an_untrusted_certificate_is_refused_before_anything_is_sent() {
    let server = untrusted_server();
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&format!("https://127.0.0.1:{}", server.port));
    machine.ok(&["init"]);
    let before = machine.ok(&["status"]);
    let result = machine
        .run(&["connect", "sandbox-bank", "--credentials-stdin"], r#"{"login_id":"tls-canary","password":"sandbox"}"#);
    let value = result.ok();
    let refresh = &value["refresh"];
    assert_eq!(refresh["outcome"], "failed", "{value}");
    let message = refresh["message"].as_str().unwrap();
    assert!(message.contains("certificate") && message.contains("not trusted"), "a clear reason: {message}");
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 0, "no TLS session was completed");
    assert_eq!(server.received.load(Ordering::SeqCst), 0, "not a byte of HTTP (nor the password) was sent");
    let after = machine.ok(&["status"]);
    assert_eq!((&after["accounts"], &after["transactions"]), (&before["accounts"], &before["transactions"]));
    let log = machine.ok(&["access-log"]);
    assert!(log.as_array().unwrap().iter().all(|row| row["outcome"] != "ok"), "{log}");
}
