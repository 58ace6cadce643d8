//! The UI's TypeScript types (`ui/src/bindings/`), generated with ts-rs from the Rust types that
//! cross IPC: every command's arguments and result, the `engine` event, and the `{code, message}`
//! error. They are committed; `bindings_are_fresh` fails when they no longer match the Rust
//! types, and `GIMS_UPDATE_BINDINGS=1 cargo test --manifest-path src-tauri/Cargo.toml bindings`
//! writes them again.
//!
//! JSON numbers: serde writes `i64`/`u64` as plain numbers (ids, counts and challenge ids, far
//! below 2^53), so the generated `bigint` of ts-rs is written as `number`. Money never crosses as
//! a number: amounts are exact decimal strings.

#[cfg(test)]
mod tests {
    use crate::commands::*;
    use crate::institution_window::{CapturedStatement, InstitutionWindowEvent};
    use crate::session::AppInfo;
    use gims::api::Settings;
    use gims::api::{CategoryEntry, MergeView, ReportFile, RuleAdded, StarterRulesAdded, WrittenReport};
    use gims::api::{DeleteView, InstitutionView, StatusView, WindowSession};
    use gims::error::GimsError;
    use gims::import::ImportOutcome;
    use gims::ledger::HoldingRow;
    use gims::ledger::categories::CategoryRow;
    use gims::ledger::rates::RateRow;
    use gims::ledger::rules::{Prediction, RuleProposal, RuleRow};
    use gims::ledger::transfers::{TransferMark, TransferSuggestion};
    use gims::ledger::{AccessLogRow, AccountRow, ConnectionRow, DeletedCounts, GroupRow, TransactionRow};
    use gims::refresh::RefreshReport;
    use gims::refresh::events::EngineEvent;
    use gims::report::{AccountHistory, AssetReport, HistoryReport, MonthlyReport};
    use gims::report::{BudgetReport, ExpiringLine, YearReport};
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use ts_rs::TS;

    /// Every type the window sees, with what it depends on.
    fn generate(dir: &Path) -> BTreeMap<String, String> {
        macro_rules! export {
            ($($type:ty),* $(,)?) => { $( <$type as TS>::export_all_to(dir).expect(stringify!($type)); )* };
        }
        export!(
            // results and the event
            AppInfo,
            gims::build_info::BuildInfo,
            StatusView,
            AccountRow,
            TransactionRow,
            CategoryRow,
            ConnectionRow,
            InstitutionView,
            RefreshReport,
            AssetReport,
            MonthlyReport,
            HistoryReport,
            AccountHistory,
            HoldingRow,
            RateRow,
            GroupRow,
            DeletedCounts,
            DeleteView,
            SandboxPhone,
            TransferSuggestion,
            TransferMark,
            Settings,
            AccessLogRow,
            ImportOutcome,
            EngineEvent,
            GimsError,
            WindowSession,
            InstitutionWindowEvent,
            CapturedStatement,
            // arguments
            TransactionsArgs,
            AddTransactionArgs,
            EditTransactionArgs,
            ReportAssetsArgs,
            ReportMonthlyArgs,
            ReportHistoryArgs,
            AccountHistoryArgs,
            HoldingsArgs,
            SetRateArgs,
            HideConnectionArgs,
            InstitutionsArgs,
            ConnectArgs,
            EditConnectionArgs,
            RelinkArgs,
            ConnectionArgs,
            BlockedLinkArgs,
            SaveCapturedArgs,
            StraightInArgs,
            DeleteConnectionArgs,
            FirstPaintArgs,
            RefreshArgs,
            ReplyChallengeArgs,
            ChallengeArgs,
            SandboxPhoneArgs,
            SandboxApproveArgs,
            TransferSuggestionsArgs,
            TransferPairArgs,
            UndoTransferArgs,
            SetSettingArgs,
            AccessLogArgs,
            PreviewImportArgs,
            ImportFileArgs,
            // the household ledger
            YearReport,
            BudgetReport,
            ExpiringLine,
            RuleRow,
            RuleAdded,
            Prediction,
            RuleProposal,
            CategoryEntry,
            MergeView,
            ReportFile,
            WrittenReport,
            ReportYearArgs,
            ReportBudgetArgs,
            ReportExpiringArgs,
            SetBudgetArgs,
            GroupNameArgs,
            SetGroupMemberArgs,
            AddRuleArgs,
            RuleArgs,
            ApplyRulesArgs,
            StarterRulesArgs,
            StarterRulesAdded,
            PredictionsArgs,
            ProposeRuleArgs,
            AddCategoryArgs,
            RenameCategoryArgs,
            MergeCategoryArgs,
            CategoryHiddenArgs,
            ExportReportArgs,
        );
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap().replace("bigint", "number");
            files.insert(name, text);
        }
        let index: String =
            files.keys().map(|name| format!("export type * from \"./{}\";\n", name.trim_end_matches(".ts"))).collect();
        files.insert("index.ts".into(), format!("// Generated by src-tauri/src/bindings.rs. Do not edit.\n{index}"));
        files
    }

    fn committed_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings")
    }

    fn read_dir_files(dir: &Path) -> BTreeMap<String, String> {
        let Ok(entries) = std::fs::read_dir(dir) else { return BTreeMap::new() };
        entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "ts"))
            .map(|path| {
                (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap())
            })
            .collect()
    }

    #[test]
    fn bindings_are_fresh() {
        let scratch = std::env::temp_dir().join(format!("gims-bindings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).unwrap();
        let fresh = generate(&scratch);
        std::fs::remove_dir_all(&scratch).unwrap();
        let committed_dir = committed_dir();
        if std::env::var_os("GIMS_UPDATE_BINDINGS").is_some() {
            let _ = std::fs::remove_dir_all(&committed_dir);
            std::fs::create_dir_all(&committed_dir).unwrap();
            for (name, text) in &fresh {
                std::fs::write(committed_dir.join(name), text).unwrap();
            }
            return;
        }
        let committed = read_dir_files(&committed_dir);
        let stale: std::collections::BTreeSet<&String> =
            fresh.keys().chain(committed.keys()).filter(|name| fresh.get(*name) != committed.get(*name)).collect();
        assert!(
            stale.is_empty(),
            "ui/src/bindings is stale ({stale:?} differ from the Rust types): run \
             GIMS_UPDATE_BINDINGS=1 cargo test --manifest-path src-tauri/Cargo.toml bindings, then commit ui/src/bindings"
        );
    }
}
