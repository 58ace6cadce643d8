//! What a build is: its version, the commit it was built from (`build.rs`), and the SQLCipher it
//! carries. `gims --version`, `gims-desktop --version` and 設定 show the same line.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BuildInfo {
    pub version: &'static str,
    /// Short commit hash, or `unknown` when built outside a git checkout without `GIMS_COMMIT`.
    pub commit: &'static str,
    /// SQLCipher's own version (`4.x.y community`); `None` if it did not say.
    pub sqlcipher: Option<String>,
}

impl BuildInfo {
    pub fn get() -> BuildInfo {
        BuildInfo { version: env!("CARGO_PKG_VERSION"), commit: env!("GIMS_COMMIT"), sqlcipher: sqlcipher_version() }
    }

    /// `gims 0.1.0 (commit 1a2b3c4d5e6f, SQLCipher 4.6.1 community)`.
    pub fn line(&self, program: &str) -> String {
        let sqlcipher = self.sqlcipher.as_deref().unwrap_or("unknown");
        format!("{program} {} (commit {}, SQLCipher {sqlcipher})", self.version, self.commit)
    }
}

/// Asked of a throwaway in-memory database: SQLCipher reports its version once a key is set.
fn sqlcipher_version() -> Option<String> {
    let conn = rusqlite::Connection::open_in_memory().ok()?;
    conn.execute_batch("PRAGMA key = 'version-probe';").ok()?;
    let version: String = conn.query_row("PRAGMA cipher_version", [], |row| row.get(0)).ok()?;
    (!version.trim().is_empty()).then(|| version.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_line_names_the_version_the_commit_and_sqlcipher() {
        let info = BuildInfo::get();
        let sqlcipher = info.sqlcipher.clone().expect("the bundled SQLCipher reports its version");
        assert!(sqlcipher.starts_with('4'), "{sqlcipher}");
        assert!(!info.commit.is_empty());
        let line = info.line("gims");
        assert_eq!(line, format!("gims {} (commit {}, SQLCipher {sqlcipher})", env!("CARGO_PKG_VERSION"), info.commit));
    }
}
