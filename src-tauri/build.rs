//! Declares the app's commands so that each one needs a permission (see `capabilities/`).

fn main() {
    let commands = &[
        "status",
        "accounts",
        "transactions",
        "connections",
        "institutions",
        "connect",
        "refresh",
        "reply_challenge",
        "cancel_challenge",
        "app_info",
        "open_consent_page",
        "sandbox_phone",
        "sandbox_approve",
        "add_transaction",
        "edit_transaction",
        "categories",
        "report_assets",
        "report_monthly",
        "report_history",
        "groups",
        "set_connection_hidden",
        "edit_connection",
        "relink",
        "connection_footprint",
        "delete_connection",
        "first_paint",
        "transfer_suggestions",
        "transfer_marks",
        "mark_transfer",
        "dismiss_transfer",
        "undo_transfer",
        "settings",
        "set_setting",
        "access_log",
        "preview_import",
        "import_file",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("the Tauri build step failed (tauri.conf.json, capabilities/ or icons/)");
}
