//! The terminal as the user's side of a refresh: standard input read line by line (passphrase,
//! credentials, then challenge answers), and challenges shown on standard error.

use gims::refresh::broker::ChallengeBroker;
use gims::refresh::events::{ChallengeView, EngineEvent};
use gims_connectors::{Reply, Secret};
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;

/// Standard input as lines, read by one thread for the whole process so that a passphrase, a
/// credentials line and challenge answers can follow each other on one pipe. The thread reads
/// a line only when one is asked for: a shell started afterwards (demo mode) gets the terminal
/// to itself.
pub struct StdinLines {
    reader: Mutex<LineReader>,
    ended: Arc<AtomicBool>,
}

struct LineReader {
    requests: std::sync::mpsc::Sender<()>,
    lines: std::sync::mpsc::Receiver<Option<String>>,
}

pub fn stdin_lines() -> &'static StdinLines {
    static LINES: OnceLock<StdinLines> = OnceLock::new();
    LINES.get_or_init(|| {
        let (requests, asked) = std::sync::mpsc::channel::<()>();
        let (answer, lines) = std::sync::mpsc::channel();
        let ended = Arc::new(AtomicBool::new(false));
        let ended_flag = ended.clone();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut line = String::new();
            while asked.recv().is_ok() {
                line.clear();
                let read = match stdin.lock().read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        ended_flag.store(true, Ordering::SeqCst);
                        None
                    }
                    Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_string()),
                };
                if answer.send(read).is_err() {
                    break;
                }
            }
        });
        StdinLines { reader: Mutex::new(LineReader { requests, lines }), ended }
    })
}

impl StdinLines {
    /// The next line, waiting for it; `None` at end of input. Not for async contexts.
    pub fn next_blocking(&self) -> Option<String> {
        let reader = self.reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.ended.load(Ordering::SeqCst) {
            return None;
        }
        reader.requests.send(()).ok()?;
        reader.lines.recv().ok().flatten()
    }

    /// Whether nobody can answer on standard input any more: it is closed (a finished pipe,
    /// `/dev/null`). Lines already written to a pipe that is now closed still count as closed
    /// if nothing has asked for them yet: answers are meant to follow the prompts.
    pub fn is_closed(&self) -> bool {
        self.ended.load(Ordering::SeqCst) || stdin_at_end()
    }
}

#[cfg(unix)]
fn stdin_at_end() -> bool {
    // poll() tells a closed pipe (POLLHUP with nothing to read) or a closed descriptor; /dev/null
    // always polls readable, so it is recognised by its device number.
    let mut fd = libc::pollfd { fd: 0, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, zero timeout.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    if ready < 0 || fd.revents & libc::POLLNVAL != 0 {
        return true;
    }
    if fd.revents & libc::POLLHUP != 0 && fd.revents & libc::POLLIN == 0 {
        return true;
    }
    use std::os::unix::fs::MetadataExt;
    let null = std::fs::metadata("/dev/null").map(|m| m.rdev()).ok();
    let stdin =
        std::fs::metadata("/proc/self/fd/0").or_else(|_| std::fs::metadata("/dev/stdin")).map(|m| m.rdev()).ok();
    null.is_some() && null == stdin
}

#[cfg(not(unix))]
fn stdin_at_end() -> bool {
    false
}

/// Answers the engine's challenges on the terminal until the event stream ends. A challenge that
/// closes by itself (an approval seen by polling) stops waiting for its line.
pub async fn answer_challenges(
    mut events: mpsc::UnboundedReceiver<EngineEvent>,
    broker: Arc<ChallengeBroker>,
    names: Vec<(i64, String)>,
) {
    let mut open: Option<(u64, bool)> = None;
    let mut reading: Option<tokio::task::JoinHandle<Option<String>>> = None;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                None => break,
                Some(EngineEvent::ChallengeAsked { challenge_id, connection_id, challenge }) => {
                    let name = names
                        .iter()
                        .find(|(id, _)| *id == connection_id)
                        .map(|(_, n)| n.as_str())
                        .unwrap_or("the institution");
                    open = Some((challenge_id, prompt(name, challenge_id, &challenge)));
                    if reading.is_none() {
                        reading = Some(tokio::task::spawn_blocking(|| stdin_lines().next_blocking()));
                    }
                }
                Some(EngineEvent::ChallengeClosed { challenge_id, .. }) => {
                    let _ = std::fs::remove_file(captcha_path(challenge_id));
                    if open.is_some_and(|(id, _)| id == challenge_id) {
                        open = None;
                        eprintln!();
                    }
                }
                Some(EngineEvent::RunState { .. }) => {}
            },
            line = async { reading.as_mut().expect("guarded by the condition").await }, if reading.is_some() => {
                reading = None;
                if let Some((challenge_id, waits_for_code)) = open.take() {
                    answer(&broker, challenge_id, waits_for_code, line.ok().flatten());
                }
            }
        }
    }
}

fn answer(broker: &ChallengeBroker, challenge_id: u64, waits_for_code: bool, line: Option<String>) {
    match line {
        // Nobody can type any more: a code cannot come; an approval may still arrive by itself.
        None if waits_for_code => {
            broker.cancel(challenge_id);
        }
        None => {}
        Some(line) if line.trim().eq_ignore_ascii_case("cancel") || (waits_for_code && line.trim().is_empty()) => {
            broker.cancel(challenge_id);
        }
        Some(line) if waits_for_code => {
            broker.reply(challenge_id, Reply::Code(Secret::new(line.trim().to_string())));
        }
        Some(_) => {
            broker.reply(challenge_id, Reply::Continue);
        }
    }
}

fn captcha_path(challenge_id: u64) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("gims-captcha-{}-{challenge_id}.png", std::process::id()))
}

/// Shows a challenge; returns whether a code is expected (OTP, CAPTCHA) rather than "go on".
fn prompt(institution: &str, challenge_id: u64, challenge: &ChallengeView) -> bool {
    let mut err = std::io::stderr().lock();
    let waits_for_code = match challenge.kind {
        "otp" => {
            let to = challenge.sent_to.as_deref().map(|s| format!(" sent to {s}")).unwrap_or_default();
            let until = challenge.expires_at.as_deref().and_then(minutes_left).unwrap_or_default();
            let again = if challenge.attempt > 1 { " That code was not accepted; try again." } else { "" };
            let _ = write!(
                err,
                "\n{institution} asks for the one-time password{to}{until}.{again}\none-time password (empty to cancel): "
            );
            true
        }
        "captcha" => {
            let path = captcha_path(challenge_id);
            let saved = challenge.image_png.as_deref().map(|png| std::fs::write(&path, png));
            let again = if challenge.attempt > 1 { " (a new image)" } else { "" };
            match saved {
                Some(Ok(())) => {
                    let _ = write!(
                        err,
                        "\n{institution} shows an image CAPTCHA{again}: {}\ncharacters in the image (empty to cancel): ",
                        path.display()
                    );
                }
                _ => {
                    let _ =
                        write!(err, "\n{institution} shows an image CAPTCHA that could not be saved; type `cancel`: ");
                }
            }
            true
        }
        "approval" => {
            let message = challenge.message.as_deref().unwrap_or("Approve the login on your other device");
            let _ = write!(
                err,
                "\n{institution}: {message}\nWaiting for your approval… (press Enter once approved, or type `cancel`) "
            );
            false
        }
        _ => {
            let url = challenge.url.as_deref().unwrap_or("");
            let _ = write!(
                err,
                "\n{institution} asks for your consent.\nOpen this page in your browser: {url}\nWaiting for the institution to send you back… (type `cancel` to stop) "
            );
            false
        }
    };
    let _ = err.flush();
    waits_for_code
}

/// ", valid for 4 more minutes" from an RFC 3339 expiry.
fn minutes_left(expires_at: &str) -> Option<String> {
    let at = time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339).ok()?;
    let left = (at - time::OffsetDateTime::now_utc()).whole_seconds();
    Some(match left {
        ..=0 => ", already expired".to_string(),
        1..=89 => format!(", valid for {left} more seconds"),
        _ => format!(", valid for {} more minutes", (left + 30) / 60),
    })
}
