//! The one-shot HTTP listener on 127.0.0.1 that the consent page redirects the browser to. It
//! answers every request (404 for anything but the callback) and returns the first callback's code.

use super::parse::{self, CALLBACK_PATH, Redirect};
use crate::error::ConnectorError;
use crate::secret::Secret;
use std::net::Ipv4Addr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A browser sends its request head at once; a connection that says nothing is dropped.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD: usize = 16 * 1024;

const DONE_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>GIMS</title></head>\
<body><p>GIMS: you can close this window.</p><p>GIMS: このウィンドウを閉じてください。</p></body></html>\n";

pub struct Listener {
    listener: TcpListener,
    redirect_uri: String,
}

impl Listener {
    pub async fn open() -> Result<Listener, ConnectorError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(|error| {
            ConnectorError::Network(format!(
                "GIMS could not open a local port for the institution's answer ({error}); try again"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|error| ConnectorError::Network(format!("the local port for the answer failed ({error})")))?
            .port();
        Ok(Listener { listener, redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}") })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's callback; its code, or why there is none.
    pub async fn answer(&self, expected_state: &str) -> Result<Secret<String>, ConnectorError> {
        loop {
            let (mut stream, _) = self.listener.accept().await.map_err(|error| {
                ConnectorError::Network(format!("the local port for the institution's answer failed ({error})"))
            })?;
            let Ok(Some(head)) = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await else {
                continue;
            };
            match parse::redirect(&head, expected_state) {
                Redirect::Elsewhere => reply(&mut stream, "404 Not Found", "not found\n").await,
                Redirect::Answer(answer) => {
                    reply(&mut stream, "200 OK", DONE_PAGE).await;
                    return answer;
                }
            }
        }
    }
}

/// The request line and headers, up to the blank line.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() + read > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// A browser that went away is no reason to fail the link: write errors are ignored.
async fn reply(stream: &mut TcpStream, status: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
