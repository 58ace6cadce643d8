//! Playing the user of an interactive `gims` session against the sandbox.

use crate::sandbox::SandboxServer;
use crate::support::{Machine, Session};
use serde_json::Value;
use std::collections::HashMap;

pub const OTP_PROMPT: &str = "one-time password (empty to cancel): ";
pub const CAPTCHA_PROMPT: &str = "characters in the image (empty to cancel): ";
pub const APPROVAL_PROMPT: &str = "Waiting for your approval";
pub const CONSENT_PROMPT: &str = "Open this page in your browser: ";

pub fn login_json(login: &str, password: &str) -> String {
    serde_json::json!({ "login_id": login, "password": password }).to_string()
}

/// Plays the user until `gims` ends: every prompt answered from the sandbox. Returns the codes
/// typed (OTPs, CAPTCHA answers).
pub fn play_user(session: &mut Session, sandbox: &SandboxServer, login: &str) -> Vec<String> {
    let mut typed = Vec::new();
    let mut answered: HashMap<&str, usize> = HashMap::new();
    while !session.has_exited() {
        let stderr = session.stderr();
        for prompt in [OTP_PROMPT, CAPTCHA_PROMPT, APPROVAL_PROMPT, CONSENT_PROMPT] {
            let seen = stderr.matches(prompt).count();
            let done = answered.entry(prompt).or_default();
            if seen <= *done {
                continue;
            }
            // The consent prompt's address follows it on its line: act once the line is whole
            // (stderr can be read between the two writes on a busy machine).
            let consent_url = match prompt {
                CONSENT_PROMPT => {
                    let tail = &stderr[stderr.rfind(CONSENT_PROMPT).unwrap() + CONSENT_PROMPT.len()..];
                    match tail.split_once('\n') {
                        Some((url, _)) => url.trim().to_string(),
                        None => continue,
                    }
                }
                _ => String::new(),
            };
            *done = seen;
            match prompt {
                OTP_PROMPT | CAPTCHA_PROMPT => {
                    let code =
                        if prompt == OTP_PROMPT { sandbox.latest_otp(login) } else { sandbox.captcha_answer(login) };
                    session.send_line(&code);
                    typed.push(code);
                }
                APPROVAL_PROMPT => sandbox.approve_on_phone(login),
                _ => sandbox.consent_in_browser(&consent_url, login),
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    typed
}

pub fn connect_as_user(
    machine: &Machine,
    sandbox: &SandboxServer,
    institution: &str,
    login: &str,
    extra: &[&str],
) -> Value {
    let mut args = vec!["connect", institution];
    if institution != "sandbox-oauth" {
        args.push("--credentials-stdin");
    }
    args.extend_from_slice(extra);
    let mut session = Session::start(machine, &args, &[]);
    if institution != "sandbox-oauth" {
        session.send_line(&login_json(login, "sandbox"));
    }
    play_user(&mut session, sandbox, login);
    session.finish().ok()
}

pub fn refresh_as_user(machine: &Machine, sandbox: &SandboxServer, ids: &[&str], login: &str) -> Value {
    let mut args = vec!["refresh"];
    args.extend_from_slice(ids);
    let mut session = Session::start(machine, &args, &[]);
    play_user(&mut session, sandbox, login);
    session.finish().ok()
}

pub fn relink_as_user(machine: &Machine, sandbox: &SandboxServer, id: &str, login: &str) -> Value {
    let mut session = Session::start(machine, &["relink", id], &[]);
    play_user(&mut session, sandbox, login);
    session.finish().ok()
}
