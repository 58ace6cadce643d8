//! What may be logged. `GIMS_LOG` (error, warn, info, debug, trace) sets the level of GIMS's own
//! crates only; every other crate stays at `warn`, whatever `GIMS_LOG` says, because HTTP and
//! keychain libraries log request headers, cookies and entries at their debug levels — and
//! secrets never reach a log.

/// The crates whose logs GIMS writes and vets.
const OWN_CRATES: &[&str] = &["gims", "gims_connectors", "gims_sandbox", "gims_desktop"];

/// The `tracing` filter directives for a `GIMS_LOG` value (`None`: unset).
pub fn directives(gims_log: Option<&str>) -> String {
    let level = match gims_log.map(|v| v.trim().to_ascii_lowercase()) {
        Some(level) if ["error", "warn", "info", "debug", "trace", "off"].contains(&level.as_str()) => level,
        _ => "warn".to_string(),
    };
    let mut directives = vec!["warn".to_string()];
    directives.extend(OWN_CRATES.iter().map(|krate| format!("{krate}={level}")));
    directives.join(",")
}

/// Starts logging for a GIMS program: `GIMS_LOG`'s level for GIMS's own crates, to stderr, or
/// appended to the file `GIMS_LOG_FILE` names (the desktop app has no terminal to write to).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::new(directives(std::env::var("GIMS_LOG").ok().as_deref()));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let file = std::env::var_os("GIMS_LOG_FILE").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| eprintln!("GIMS_LOG_FILE {}: {e}; logging to stderr instead", path.to_string_lossy()))
            .ok()
    });
    let _ = match file {
        Some(file) => builder.with_writer(std::sync::Mutex::new(file)).with_ansi(false).try_init(),
        None => builder
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_crates_never_log_below_warn_whatever_the_setting() {
        assert_eq!(
            directives(Some("trace")),
            "warn,gims=trace,gims_connectors=trace,gims_sandbox=trace,gims_desktop=trace"
        );
        assert!(directives(Some("cookie_store=trace")).starts_with("warn,gims=warn"));
        assert!(directives(None).starts_with("warn,gims=warn"));
    }
}
