//! Faults from outside: a full disk and a process killed at random points. After each, the
//! ledger passes its integrity checks, every refresh is wholly present or absent, and running
//! again completes without duplicates.

use crate::refresh::assert_ledger_equals_sandbox;
use crate::refresh_support::login_json;
use crate::sandbox::SandboxServer;
use crate::support::{Keychain, Machine, Session};
use std::process::Command;

/// `mount` and `umount` as root: directly when the suite runs as root (CI), else through
/// `sudo -n` (a developer with sudo; scripts/test asks for the password once, up front).
fn as_root(program: &str) -> Command {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        Command::new(program)
    } else {
        let mut command = Command::new("sudo");
        command.args(["-n", program]);
        command
    }
}

/// A small tmpfs mounted for one test (needs root or sudo: see `as_root`).
struct SmallDisk {
    point: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(point: &std::path::Path, size: &str) -> Option<SmallDisk> {
        // Owned by whoever runs the suite, so that a run through sudo can still write to it.
        // SAFETY: getuid and getgid have no preconditions and cannot fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let status = as_root("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},uid={uid},gid={gid},mode=0700"), "tmpfs"])
            .arg(point)
            .status()
            .ok()?;
        status.success().then(|| SmallDisk { point: point.to_path_buf() })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = as_root("umount").arg(&self.point).status();
    }
}

#[test]
fn a_full_disk_saves_nothing_says_so_and_the_vault_works_once_there_is_room() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    let Some(_disk) = SmallDisk::mount(machine.dir.path(), "3m") else {
        panic!("mounting a tmpfs needs root or sudo: run the suite as root, or scripts/test with sudo rights");
    };
    machine.ok(&["init"]);
    let first = machine
        .run(&["connect", "sandbox-bank", "--credentials-stdin"], &format!("{}\n", login_json("sora", "sandbox")))
        .ok();
    assert_eq!(first["refresh"]["outcome"], "ok");
    let before = machine.ok(&["status"]);

    // Fill the disk.
    let filler = machine.dir.path().join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut file, &block).is_ok() {}
    drop(file);

    let full = machine
        .run(&["connect", "sandbox-card", "--credentials-stdin"], &format!("{}\n", login_json("sora", "sandbox")));
    let message = full.fails_with("vault.io");
    assert!(message.contains("is full"), "{message}");

    std::fs::remove_file(&filler).unwrap();
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
    let after = machine.ok(&["status"]);
    assert_eq!(
        (after["accounts"].clone(), after["transactions"].clone()),
        (before["accounts"].clone(), before["transactions"].clone()),
        "nothing partial"
    );
    let card = machine
        .run(&["connect", "sandbox-card", "--credentials-stdin"], &format!("{}\n", login_json("sora", "sandbox")))
        .ok();
    assert_eq!(card["refresh"]["outcome"], "ok");
    assert_ledger_equals_sandbox(&machine, &sandbox, &card["connection_id"], "sandbox-card", "sora", None);
}

/// How many random kills the suite makes; `GIMS_CRASH_RUNS` asks for more on demand.
fn crash_runs() -> usize {
    std::env::var("GIMS_CRASH_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(25)
}

/// Runs `gims` and kills it (SIGKILL) after a delay drawn from a fixed pseudo-random sequence,
/// anywhere up to 1.2 × `whole` ms: the time a whole run takes here, so kills land all through it.
struct RandomKills {
    seed: u64,
    whole: u64,
    killed: usize,
    keyring_restarts: usize,
}

impl RandomKills {
    fn new(seed: u64, whole: u64) -> RandomKills {
        RandomKills { seed, whole, killed: 0, keyring_restarts: 0 }
    }

    /// The delay it waited; `killed` counts the runs that had not finished by then. A keyring
    /// daemon that died of the kill (see `Keychain::revive_if_dead`) is started again and counted.
    fn run(&mut self, keychain: &Keychain, machine: &Machine, args: &[&str]) -> std::time::Duration {
        self.seed = self.seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_millis((self.seed >> 33) % (self.whole * 6 / 5));
        let mut session = Session::start(machine, args, &[]);
        std::thread::sleep(delay);
        if session.has_exited() {
            session.finish().ok();
        } else {
            session.kill();
            self.killed += 1;
            // The daemon notices the vanished client asynchronously: give it the time to (crash).
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        if keychain.revive_if_dead() {
            self.keyring_restarts += 1;
        }
        delay
    }
}

#[test]
fn a_keyring_daemon_started_again_after_it_died_still_holds_the_vaults_key_and_logins() {
    // What the crash loops rely on when a kill takes gnome-keyring-daemon down with it.
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = machine
        .run(&["connect", "sandbox-card", "--credentials-stdin"], &format!("{}\n", login_json("revive", "sandbox")))
        .ok();
    assert!(!keychain.revive_if_dead(), "a live daemon is left alone");
    keychain.kill_daemon();
    machine.run(&["status"], "").fails_with("vault.keychain_unavailable");
    assert!(keychain.revive_if_dead());
    assert_eq!(machine.ok(&["status"])["connections"], 1);
    let again = machine.ok(&["refresh", &linked["connection_id"].to_string()]);
    assert_eq!(again[0]["outcome"], "ok", "the login is still in the keychain: {again}");
}

#[test]
fn processes_killed_at_random_points_never_leave_half_a_refresh() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let full =
        sandbox.dataset("sandbox-card", "kill").accounts.iter().map(|a| a.transactions.len() as i64).sum::<i64>();
    let link = || {
        let linked = machine
            .run(
                &["connect", "sandbox-card", "--credentials-stdin", "--no-refresh"],
                &format!("{}\n", login_json("kill", "sandbox")),
            )
            .ok();
        linked["connection_id"].to_string()
    };

    // How long a whole refresh takes on this machine: kills land anywhere in it (and a little
    // after), however fast or loaded the machine is.
    let mut connection = link();
    let started = std::time::Instant::now();
    machine.ok(&["refresh", &connection]);
    let whole = (started.elapsed().as_millis() as u64).max(50);
    machine.ok(&["delete", &connection, "--yes"]);
    connection = link();

    let mut kills = RandomKills::new(0x5eed, whole);
    for _ in 0..crash_runs() {
        let delay = kills.run(&keychain, &machine, &["refresh", &connection]);
        assert_eq!(machine.ok(&["check"])["integrity"], "ok", "after a kill at {delay:?}");
        let count = machine.ok(&["status"])["transactions"].as_i64().unwrap();
        assert!(count == 0 || count == full, "a refresh is whole or absent: {count} of {full} after {delay:?}");
        // Running again completes, without duplicates.
        assert_eq!(machine.ok(&["refresh", &connection])[0]["outcome"], "ok");
        assert_eq!(machine.ok(&["status"])["transactions"].as_i64().unwrap(), full);
        // A fresh connection for the next round, so it has a whole refresh to save or not.
        machine.ok(&["delete", &connection, "--yes"]);
        connection = link();
    }
    eprintln!(
        "crash loop: {} runs, {} killed mid-refresh (a whole refresh takes {whole} ms), nothing lost or duplicated; \
         the keyring daemon died of a kill {} time(s) and was started again",
        crash_runs(),
        kills.killed,
        kills.keyring_restarts
    );
    assert!(kills.killed > 0, "some runs were killed before they finished");
}

#[test]
fn a_read_only_vault_is_a_clear_error_writes_nothing_and_works_again_when_writable() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    let Some(disk) = SmallDisk::mount(machine.dir.path(), "16m") else {
        panic!("mounting a tmpfs needs root or sudo: run the suite as root, or scripts/test with sudo rights");
    };
    machine.ok(&["init"]);
    machine.ok(&["tx", "add", "--date", "2026-11-28", "--amount", "-540", "--description", "ローソン"]);
    let remount = |mode: &str| {
        let status = as_root("mount").args(["-o", &format!("remount,{mode}")]).arg(&disk.point).status().unwrap();
        assert!(status.success(), "remount {mode}");
    };
    remount("ro");
    let run = machine.run(&["tx", "add", "--date", "2026-11-28", "--amount", "-100", "--description", "x"], "");
    let message = run.fails_with("vault.io");
    assert!(message.to_lowercase().contains("read-only"), "says why: {message}");
    remount("rw");
    assert_eq!(machine.ok(&["status"])["transactions"], 1, "nothing partial");
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
    machine.ok(&["tx", "add", "--date", "2026-11-28", "--amount", "-100", "--description", "x"]);
    assert_eq!(machine.ok(&["status"])["transactions"], 2);
}

/// The fault library (tests/it/faults/io_fault.c), built with the system's C compiler.
fn io_fault_library(dir: &std::path::Path) -> std::path::PathBuf {
    let library = dir.join("io_fault.so");
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/faults/io_fault.c");
    let status = Command::new("cc").args(["-shared", "-fPIC", "-o"]).arg(&library).arg(source).arg("-ldl").status();
    assert!(status.is_ok_and(|s| s.success()), "cc builds the fault library (apt-get install gcc)");
    library
}

#[test]
fn an_io_error_on_write_or_sync_is_a_clear_error_and_the_vault_works_once_it_is_gone() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    let library = io_fault_library(machine.dir.path());
    machine.ok(&["init"]);
    machine.ok(&["tx", "add", "--date", "2026-11-28", "--amount", "-540", "--description", "ローソン"]);
    for op in ["write", "fsync"] {
        let output = machine
            .command()
            .env("LD_PRELOAD", &library)
            .env("GIMS_FAULT_SUFFIX", "ledger.db-wal")
            .env("GIMS_FAULT_OP", op)
            .args(["--json", "tx", "add", "--date", "2026-11-28", "--amount", "-100", "--description", "失敗"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!output.status.success(), "{op}: the write was refused: {stdout}");
        let error: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        eprintln!("{op}: {error}");
        assert_eq!(error["error"]["code"], "vault.io", "{op}: {error}");
        assert_eq!(machine.ok(&["check"])["integrity"], "ok", "{op}");
        let rows = machine.ok(&["transactions"]);
        assert!(rows.as_array().unwrap().iter().all(|r| r["description"] != "失敗"), "{op}: nothing partial: {rows}");
    }
    machine.ok(&["tx", "add", "--date", "2026-11-28", "--amount", "-100", "--description", "成功"]);
    assert_eq!(machine.ok(&["status"])["transactions"], 2);
}

/// The modelled service's export with `rows` rows whose ids are this round's own, so each round
/// has a whole import to save or not.
fn export_file(dir: &std::path::Path, round: usize, rows: usize) -> std::path::PathBuf {
    let mut csv = String::from(
        "\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n",
    );
    for i in 0..rows {
        csv.push_str(&format!(
            "\"1\",\"2026/{:02}/{:02}\",\"ローソン {round}-{i}\",\"-{}\",\"財布\",\"食費\",\"食料品\",\"\",\"0\",\"R{round}-{i}\"\r\n",
            1 + i % 12,
            1 + i % 28,
            100 + i % 900
        ));
    }
    let path = dir.join(format!("round-{round}.csv"));
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn processes_killed_at_random_points_never_leave_half_an_import() {
    const ROWS: usize = 4_000;
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let count = || machine.ok(&["status"])["transactions"].as_i64().unwrap();

    // How long a whole import of one file takes here, so that kills land anywhere in it (the
    // second one: the first command of the day also takes the daily backup).
    for warm_up in [1000, 1001] {
        let file = export_file(machine.dir.path(), warm_up, ROWS);
        assert_eq!(machine.ok(&["import", file.to_str().unwrap()])["imported"], ROWS);
    }
    let timed = export_file(machine.dir.path(), 0, ROWS);
    let started = std::time::Instant::now();
    assert_eq!(machine.ok(&["import", timed.to_str().unwrap()])["imported"], ROWS);
    let whole = (started.elapsed().as_millis() as u64).max(50);
    let mut expected = 3 * ROWS as i64;

    let mut kills = RandomKills::new(0x1e_a5, whole);
    for round in 1..=crash_runs() {
        let file = export_file(machine.dir.path(), round, ROWS);
        let file = file.to_str().unwrap();
        let delay = kills.run(&keychain, &machine, &["import", file]);
        assert_eq!(machine.ok(&["check"])["integrity"], "ok", "after a kill at {delay:?}");
        let now = count();
        assert!(
            now == expected || now == expected + ROWS as i64,
            "an import is whole or absent: {now} rows, {expected} before it, after a kill at {delay:?}"
        );
        // Importing the file again completes it, and once more adds nothing.
        machine.ok(&["import", file]);
        assert_eq!(count(), expected + ROWS as i64);
        assert_eq!(machine.ok(&["import", file])["imported"], 0);
        expected += ROWS as i64;
    }
    eprintln!(
        "import crash loop: {} runs, {} killed mid-import (a whole import takes {whole} ms), nothing lost or duplicated; \
         the keyring daemon died of a kill {} time(s) and was started again",
        crash_runs(),
        kills.killed,
        kills.keyring_restarts
    );
    assert!(kills.killed > 0, "some imports were killed before they finished");
}
