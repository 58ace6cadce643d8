//! Test fixtures: a private, unlocked keychain per test and a runner for the `gims` binary.
//!
//! Each `Keychain` is a `dbus-daemon` and a `gnome-keyring-daemon` with their own HOME, so tests
//! are isolated from each other and from the developer's own keychain, and "a fresh keychain" is
//! simply a second `Keychain`.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Keychain {
    pub home: tempfile::TempDir,
    pub bus_address: String,
    dbus: Child,
    keyring: std::cell::RefCell<Child>,
}

impl Keychain {
    pub fn start() -> Keychain {
        let home = tempfile::tempdir().expect("temp home");
        let run = home.path().join("run");
        std::fs::create_dir_all(&run).unwrap();
        set_private(&run);
        let socket = run.join("bus");
        let bus_address = format!("unix:path={}", socket.display());
        let dbus = isolated(Command::new("dbus-daemon"), home.path())
            .args(["--session", "--nofork", "--nopidfile", &format!("--address={bus_address}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (apt-get install dbus) must be installed");
        wait_for("the D-Bus socket", || socket.exists());
        let keyring = unlocked_keyring(home.path(), &bus_address, &[]);
        let keychain = Keychain { home, bus_address, dbus, keyring: std::cell::RefCell::new(keyring) };
        wait_for("the Secret Service on the bus", || keychain.secret_service_ready());
        keychain
    }

    /// Kills the keyring daemon, as gnome-keyring's own abort does (see `revive_if_dead`).
    pub fn kill_daemon(&self) {
        let _ = self.keyring.borrow_mut().kill();
        let _ = self.keyring.borrow_mut().wait();
    }

    /// Starts the unlocked keyring daemon again if it has died, as a desktop session's D-Bus
    /// activation would; true if it had. gnome-keyring-daemon aborts (GLib-ERROR in
    /// `aes_negotiate`) when a client is killed in the middle of opening its encrypted session,
    /// which the crash loops do on purpose: its stored items are on disk and come back.
    pub fn revive_if_dead(&self) -> bool {
        let died = matches!(self.keyring.borrow_mut().try_wait(), Ok(Some(_)));
        if died {
            // `--replace`: a call made meanwhile may have had D-Bus activate a locked daemon.
            *self.keyring.borrow_mut() = unlocked_keyring(self.home.path(), &self.bus_address, &["--replace"]);
            let ours = self.keyring.borrow().id();
            wait_for("the unlocked Secret Service on the bus", || self.secret_service_pid() == Some(ours));
        }
        died
    }

    /// Restarts the keyring daemon without its login password: the keychain is there, locked (as
    /// after a session where the login keyring was not unlocked).
    pub fn restart_locked(&self) {
        let _ = self.keyring.borrow_mut().kill();
        let _ = self.keyring.borrow_mut().wait();
        wait_for("the old Secret Service to leave the bus", || !self.secret_service_ready());
        *self.keyring.borrow_mut() = isolated(Command::new("gnome-keyring-daemon"), self.home.path())
            .args(["--foreground", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs");
        wait_for("the Secret Service on the bus", || self.secret_service_ready());
    }

    fn secret_service_ready(&self) -> bool {
        self.ask_bus_about_secret_service("NameHasOwner").contains("boolean true")
    }

    /// The process that owns the Secret Service name on the bus, if any.
    fn secret_service_pid(&self) -> Option<u32> {
        let reply = self.ask_bus_about_secret_service("GetConnectionUnixProcessID");
        reply.split_whitespace().skip_while(|word| *word != "uint32").nth(1)?.parse().ok()
    }

    /// The bus's reply to `org.freedesktop.DBus.METHOD("org.freedesktop.secrets")`, as text.
    fn ask_bus_about_secret_service(&self, method: &str) -> String {
        Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .arg(format!("org.freedesktop.DBus.{method}"))
            .arg("string:org.freedesktop.secrets")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default()
    }

    /// The entries stored in this keychain under GIMS's service name.
    pub fn lookup(&self, entry: &str) -> Option<String> {
        let out = isolated(Command::new("secret-tool"), self.home.path())
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .args(["lookup", "service", "gims", "username", entry])
            .output()
            .expect("secret-tool (apt-get install libsecret-tools) must be installed");
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Keychain {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // A failing test says whether the keyring daemon was still there, and what it said.
            let state = self.keyring.borrow_mut().try_wait();
            let log = std::fs::read_to_string(self.home.path().join("keyring.log")).unwrap_or_default();
            eprintln!("gnome-keyring-daemon: {state:?}\n{}", &log[log.len().saturating_sub(2000)..]);
        }
        let _ = self.keyring.borrow_mut().kill();
        let _ = self.dbus.kill();
        let _ = self.keyring.borrow_mut().wait();
        let _ = self.dbus.wait();
    }
}

/// gnome-keyring-daemon on `bus_address`, its login keyring unlocked with the login password as
/// a display manager passes it; its stderr is appended to `keyring.log` in `home`.
fn unlocked_keyring(home: &Path, bus_address: &str, extra: &[&str]) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(home.join("keyring.log"));
    let mut keyring = isolated(Command::new("gnome-keyring-daemon"), home)
        .args(["--foreground", "--unlock", "--components=secrets"])
        .args(extra)
        .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log.expect("the keyring's log"))
        .spawn()
        .expect("gnome-keyring-daemon (apt-get install gnome-keyring) must be installed");
    keyring.stdin.take().unwrap().write_all(b"test-login-password").unwrap();
    keyring
}

fn isolated(mut command: Command, home: &Path) -> Command {
    command
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env_remove("DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    command
}

fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One user's machine: a vault folder and (optionally) a keychain.
pub struct Machine<'k> {
    pub dir: tempfile::TempDir,
    pub keychain: Option<&'k Keychain>,
    pub env: Vec<(String, String)>,
}

impl<'k> Machine<'k> {
    pub fn with_keychain(keychain: &'k Keychain) -> Self {
        Machine { dir: tempfile::tempdir().unwrap(), keychain: Some(keychain), env: Vec::new() }
    }

    pub fn without_dbus() -> Self {
        Machine { dir: tempfile::tempdir().unwrap(), keychain: None, env: Vec::new() }
    }

    /// Points every `gims` this machine runs at a sandbox.
    pub fn with_sandbox(mut self, base_url: &str) -> Self {
        self.env.push(("GIMS_SANDBOX_URL".into(), base_url.into()));
        self
    }

    pub fn vault(&self) -> PathBuf {
        self.dir.path().join("vault")
    }

    pub fn command(&self) -> Command {
        let home = self.keychain.map(|k| k.home.path().to_path_buf()).unwrap_or_else(|| self.dir.path().join("home"));
        let mut command = isolated(Command::new(env!("CARGO_BIN_EXE_gims")), &home);
        command.env("GIMS_VAULT", self.vault()).env("GIMS_LOG", "trace");
        if let Some(keychain) = self.keychain {
            command.env("DBUS_SESSION_BUS_ADDRESS", &keychain.bus_address);
        }
        command.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
    }

    /// Starts `gims --json ARGS` with every standard stream piped.
    pub fn spawn(&self, args: &[&str], extra_env: &[(&str, &str)]) -> std::process::Child {
        self.command()
            .envs(extra_env.iter().copied())
            .arg("--json")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the gims binary runs")
    }

    /// Runs `gims --json ARGS` with `stdin` and returns the parsed stdout and the raw output.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self.spawn(args, &[]);
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        Run::from(output)
    }

    pub fn ok(&self, args: &[&str]) -> Value {
        self.run(args, "").ok()
    }
}

pub struct Run {
    pub output: Output,
    pub json: Value,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
        Run { output, json }
    }
}

impl Run {
    pub fn ok(self) -> Value {
        assert!(
            self.output.status.success(),
            "gims failed: {}\nstdout: {}\nstderr: {}",
            self.output.status,
            String::from_utf8_lossy(&self.output.stdout),
            String::from_utf8_lossy(&self.output.stderr)
        );
        self.json
    }

    /// Asserts a failure with this code and returns its message.
    pub fn fails_with(self, code: &str) -> String {
        assert!(!self.output.status.success(), "expected {code}, but it succeeded: {}", self.json);
        assert_eq!(self.json["error"]["code"], code, "stderr: {}", String::from_utf8_lossy(&self.output.stderr));
        self.json["error"]["message"].as_str().unwrap().to_string()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Every file below `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// A `gims` process the test talks to as a user at a terminal: lines to stdin, prompts read
/// from stderr as they appear.
pub struct Session {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Session {
    pub fn start(machine: &Machine, args: &[&str], extra_env: &[(&str, &str)]) -> Session {
        let mut child = machine.spawn(args, extra_env);
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            use std::io::Read;
            let mut buffer = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut out_pipe = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            use std::io::Read;
            let mut bytes = Vec::new();
            let _ = out_pipe.read_to_end(&mut bytes);
            bytes
        });
        Session { stdin: child.stdin.take(), child, stderr, stdout: Some(stdout), stderr_reader: Some(stderr_reader) }
    }

    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Waits until `needle` has appeared `count` times on stderr.
    pub fn wait_for(&mut self, needle: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.stderr().matches(needle).count() < count {
            assert!(!self.has_exited(), "gims ended before asking `{needle}`:\n{}", self.stderr());
            assert!(Instant::now() < deadline, "timed out waiting for `{needle}`:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn finish(mut self) -> Run {
        self.stdin = None;
        let status = self.child.wait().unwrap();
        let stdout = self.stdout.take().unwrap().join().unwrap();
        self.stderr_reader.take().unwrap().join().unwrap();
        let stderr = self.stderr().into_bytes();
        Run::from(Output { status, stdout, stderr })
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Session {
    /// Waits for the process to end by itself (with stdin still open), then collects its output.
    pub fn finish_after_waiting(mut self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.has_exited() {
            assert!(Instant::now() < deadline, "gims did not end: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
        self.finish().ok()
    }
}
