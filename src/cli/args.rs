//! The command-line grammar. `shared/CLI.md` is the stable surface: extend, never rename.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gims",
    disable_version_flag = true,
    about = "GIMS: your money, on your machine, encrypted",
    after_help = "`gims --version` prints the version, the commit it was built from and the SQLCipher it carries."
)]
pub struct Cli {
    /// The vault folder (default: the platform data directory).
    #[arg(long, global = true, env = "GIMS_VAULT", value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Print JSON on stdout (errors too: {"error": {"code", "message"}}).
    #[arg(long, global = true)]
    pub json: bool,
    /// Read the vault passphrase as one line from standard input (passphrase vaults).
    #[arg(long, global = true)]
    pub passphrase_stdin: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an encrypted vault; its key goes to the OS keychain (or comes from --passphrase-stdin).
    Init,
    /// Open the vault and say what is in it.
    Status,
    /// All accounts, linked and manual, with their balances.
    Accounts,
    /// Manage manual accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// List transactions, newest first.
    Transactions {
        /// Only this account's transactions.
        #[arg(long)]
        account: Option<i64>,
        /// From this date (YYYY-MM-DD), inclusive.
        #[arg(long)]
        from: Option<String>,
        /// Up to this date (YYYY-MM-DD), inclusive.
        #[arg(long)]
        to: Option<String>,
        /// At most this many.
        #[arg(long)]
        limit: Option<u32>,
        /// Only this category (`大項目/中項目`, or a 大項目 with its 中項目).
        #[arg(long)]
        category: Option<String>,
        /// Only the accounts of this group.
        #[arg(long)]
        group: Option<String>,
    },
    /// Add transactions by hand.
    #[command(subcommand)]
    Tx(TxCommand),
    /// Write a backup of the whole ledger, encrypted with a passphrase read from standard input
    /// (after the vault's own passphrase, for a passphrase vault).
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Create a vault from a backup; the backup's passphrase is read from standard input (after
    /// the new vault's passphrase, with --passphrase-stdin).
    Restore {
        #[arg(value_name = "FILE")]
        backup: PathBuf,
    },
    /// Replace a damaged ledger with an automatic backup (the newest, or --from FILE); the damaged
    /// file is kept aside.
    Recover {
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// Keep the current ledger as it is (after its write-ahead log was lost), once every page
        /// checks out.
        #[arg(long, conflicts_with = "from")]
        keep_current: bool,
    },
    /// Your settings (language, auto_refresh_minutes, report_folder).
    Settings,
    /// Change a setting: `gims set report_folder ~/家計簿` (an empty value turns it off).
    Set { key: String, value: String },
    /// The automatic daily backups (the newest seven are kept, in the vault's backups folder).
    Backups,
    /// Read the whole ledger and check every page (structure and encryption MACs).
    Check,
    /// Import a statement file (OFX/QFX, a Japanese bank or card CSV, the MoneyForward export):
    /// whole or not at all; importing it again adds nothing.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// File the rows under this account (default: find or create one from the file).
        #[arg(long)]
        account: Option<i64>,
        /// A file connection (`gims connect rakuten-bank`): the file must be that institution's,
        /// and the import counts as its last fetch.
        #[arg(long, conflicts_with_all = ["account", "map"])]
        connection: Option<i64>,
        /// auto, or a format id: ofx, rakuten-bank, sbi-sumishin, mf-export, …, generic (any CSV
        /// through --map, with --account).
        #[arg(long, default_value = "auto")]
        format: String,
        /// The day the file was downloaded (for formats whose dates have no year; default today).
        #[arg(long)]
        downloaded_on: Option<String>,
        /// For --format generic: which column holds what, e.g. date=1,description=2,amount=3 (or
        /// out=3,in=4; memo=, id=, balance= optional). Remembered for the account.
        #[arg(long)]
        map: Option<String>,
        /// Show what the import would do (counts, the first 500 rows each marked new, duplicate
        /// or possibly yours, skipped lines) and save nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write transactions in an open format: mf-csv (the modelled service's export columns, which
    /// `gims import` reads back) or journal (Ledger/hledger). To standard output without --out.
    Export {
        /// mf-csv or journal.
        #[arg(long)]
        format: String,
        /// From this date (YYYY-MM-DD), inclusive.
        #[arg(long)]
        from: Option<String>,
        /// Up to this date (YYYY-MM-DD), inclusive.
        #[arg(long)]
        to: Option<String>,
        /// Write to this file (replaced whole, readable by you only).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The household categories (大項目/中項目).
    Categories,
    /// Add, rename, merge or hide a category; history is never lost.
    #[command(subcommand)]
    Category(CategoryCommand),
    /// Rates that value other currencies in yen, each with its source and date.
    Rates,
    /// Set the rate of a currency in yen (`gims rate set USD 151.20`).
    #[command(subcommand)]
    Rate(RateCommand),
    /// Groups: named sets of connections and accounts that reports can be computed over.
    Groups,
    #[command(subcommand)]
    Group(GroupCommand),
    /// Hide a connection (with its accounts) or an account from the default group; nothing is deleted.
    Hide(MemberArgs),
    /// Show a hidden connection or account again.
    Unhide(MemberArgs),
    /// Transfers (振替) between your own accounts: suggestions with reasons, marks, undo.
    #[command(subcommand)]
    Transfers(TransfersCommand),
    /// Your rules (text, amount, account → category, transfer, include in totals).
    Rules,
    #[command(subcommand)]
    Rule(RuleCommand),
    /// Categories predicted for uncategorised rows from your own earlier choices.
    #[command(subcommand)]
    Categorize(CategorizeCommand),
    /// Monthly budgets per category.
    #[command(subcommand)]
    Budget(BudgetCommand),
    /// The catalog of institutions; search matches names and aliases.
    Institutions {
        #[arg(long)]
        search: Option<String>,
        /// bank, card, securities, pension, points, miles, emoney, crypto, ecommerce, mobile.
        #[arg(long)]
        category: Option<String>,
    },
    /// Link a login at an institution, then run its first refresh.
    Connect {
        /// The institution's id (see `gims institutions`).
        institution: String,
        /// A name for this login (several logins at one bank).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        memo: Option<String>,
        /// History before this date (YYYY-MM-DD) is not imported.
        #[arg(long)]
        start_date: Option<String>,
        /// Read the login as one line of JSON on standard input: {"login_id": "…", "password": "…"}.
        #[arg(long)]
        credentials_stdin: bool,
        /// Link only; refresh later.
        #[arg(long)]
        no_refresh: bool,
    },
    /// Linked connections, their status and the action each calls for.
    Connections,
    /// Change a connection's settings or login; its accounts and history stay.
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        memo: Option<String>,
        /// YYYY-MM-DD; an empty value clears it.
        #[arg(long)]
        start_date: Option<String>,
        /// A new login as one line of JSON on standard input.
        #[arg(long)]
        credentials_stdin: bool,
    },
    /// Log in or give consent again (after a password change, an expired consent, a migration
    /// at the institution); the connection, its accounts and history stay.
    Relink {
        id: i64,
        /// A new login as one line of JSON on standard input.
        #[arg(long)]
        credentials_stdin: bool,
    },
    /// Delete a connection, its login, accounts, balances, transactions, holdings and rules.
    Delete {
        id: i64,
        /// Confirm: this cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// Refresh connections now; challenges (OTP, CAPTCHA, approval) are asked on the terminal.
    Refresh {
        /// Connection ids.
        ids: Vec<i64>,
        /// Every connection the institutions allow in a bulk refresh.
        #[arg(long)]
        all: bool,
        /// Ask nothing: what needs you ends as `needs_user`, and no one-time password is triggered.
        #[arg(long)]
        non_interactive: bool,
    },
    /// Refresh what may run unattended, on a schedule, until stopped (or once, with --once).
    Daemon {
        /// Minutes between refreshes of each connection (default: the auto_refresh_minutes setting).
        #[arg(long)]
        interval_minutes: Option<u32>,
        /// One scheduling pass, then exit (for cron or a systemd timer).
        #[arg(long)]
        once: bool,
    },
    /// Household reports the core computes.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Positions: funds, stocks, coins.
    Holdings {
        #[arg(long)]
        account: Option<i64>,
    },
    /// Every login GIMS made at an institution.
    AccessLog {
        #[arg(long)]
        connection: Option<i64>,
    },
    /// The sandbox institutions (local HTTP banks for demos and tests).
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// A guided demo: the sandbox institutions in-process and a demo vault.
    Demo,
    /// Measure the ledger: bulk insert rate and open time (for developers).
    Bench(BenchArgs),
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// A month's income and spending by category (transfers and rows excluded from totals left out).
    Monthly {
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        #[arg(long)]
        group: Option<String>,
    },
    /// What you own and owe on a date, by asset class.
    Assets {
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        group: Option<String>,
    },
    /// A year's income and spending by month.
    Year {
        /// YYYY.
        #[arg(long)]
        year: i32,
        #[arg(long)]
        group: Option<String>,
    },
    /// Asset history (資産推移) by class, by day or by month end.
    History {
        /// YYYY-MM-DD (default: a year before --to).
        #[arg(long)]
        from: Option<String>,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
        /// day or month.
        #[arg(long, default_value = "month")]
        interval: String,
        #[arg(long)]
        group: Option<String>,
    },
    /// One account's balance history (口座の残高推移), in its own currency.
    AccountHistory {
        /// The account's id (`gims accounts`).
        account: i64,
        /// YYYY-MM-DD (default: the account's first recorded balance).
        #[arg(long)]
        from: Option<String>,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
        /// day, month, or auto (day by day up to about 13 months, else month ends).
        #[arg(long, default_value = "auto")]
        interval: String,
    },
    /// Points and e-money expiring soon.
    Expiring {
        #[arg(long, default_value_t = 60)]
        days: u32,
        #[arg(long)]
        group: Option<String>,
    },
    /// The month's spending against its budgets.
    Budget {
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        #[arg(long)]
        group: Option<String>,
    },
    /// Write the automatic report of each closed month not written yet to the report_folder setting.
    Auto,
    /// A month's report as a file: self-contained HTML with charts, or CSV.
    Export {
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        /// html or csv.
        #[arg(long)]
        format: String,
        /// Over this group (default: everything not hidden).
        #[arg(long)]
        group: Option<String>,
        /// Write to this file (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// A connection or an account.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct MemberArgs {
    #[arg(long)]
    pub connection: Option<i64>,
    #[arg(long)]
    pub account: Option<i64>,
}

impl MemberArgs {
    pub fn member(&self) -> gims::ledger::Member {
        match (self.connection, self.account) {
            (Some(id), _) => gims::ledger::Member::Connection(id),
            (_, Some(id)) => gims::ledger::Member::Account(id),
            (None, None) => unreachable!("clap requires one of --connection and --account"),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum RateCommand {
    /// Yen for one unit of CURRENCY, on --date (default: today): net worth and asset history
    /// value that currency's accounts at the latest rate on or before each day.
    Set {
        /// USD, EUR, BTC …
        currency: String,
        /// Yen for one unit (151.20).
        rate: String,
        /// YYYY-MM-DD the rate is for (default: today).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum GroupCommand {
    /// Create an empty group.
    Create { name: String },
    /// Delete a group (its connections and accounts stay).
    Delete { name: String },
    /// Put a connection or an account in a group.
    Add {
        name: String,
        #[command(flatten)]
        member: MemberArgs,
    },
    /// Take a connection or an account out of a group.
    Remove {
        name: String,
        #[command(flatten)]
        member: MemberArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum TransfersCommand {
    /// Pairs that look like money moving between your own accounts, each with its reason.
    Suggest {
        /// YYYY-MM-DD (default: 90 days before --to).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// Mark a transfer: the row money left (and the row it arrived as, if that account is linked).
    Mark {
        out_tx: i64,
        in_tx: Option<i64>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Undo the transfer mark a transaction is part of.
    Undo { transaction: i64 },
    /// Not a transfer: stop suggesting this pair.
    Dismiss { out_tx: i64, in_tx: Option<i64> },
    /// The transfer marks, newest first.
    List,
}

#[derive(Subcommand, Debug)]
pub enum RuleCommand {
    /// Add a rule; it files new rows at save time (and existing uncategorised rows with --apply).
    Add {
        /// Text in the description or memo (compared ignoring half/full width and case).
        #[arg(long = "match")]
        match_text: Option<String>,
        /// Smallest amount (yen, either direction).
        #[arg(long)]
        min_amount: Option<String>,
        #[arg(long)]
        max_amount: Option<String>,
        #[arg(long)]
        account: Option<i64>,
        /// 大項目/中項目.
        #[arg(long)]
        category: Option<String>,
        /// yes: mark matching rows as transfers.
        #[arg(long)]
        transfer: Option<String>,
        /// no: leave matching rows out of totals.
        #[arg(long)]
        included: Option<String>,
        #[arg(long)]
        apply: bool,
    },
    Delete {
        id: i64,
    },
    /// The rule GIMS proposes after you filed this transaction under a category (null if none).
    Propose {
        transaction: i64,
    },
    /// Apply every rule to saved rows (uncategorised ones; all with --overwrite).
    Apply {
        #[arg(long)]
        overwrite: bool,
    },
    /// Add the starter rules (common payees: convenience stores, railways, utilities, salary…)
    /// you have no rule for; --apply files the existing uncategorised rows too.
    Starter {
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CategorizeCommand {
    /// Predictions for uncategorised rows, each with why.
    Suggest {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// File the predicted rows as suggested.
    Apply {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum CategoryCommand {
    /// A new 大項目 (with --kind income|expense) or 中項目 (with --parent).
    Add {
        name: String,
        #[arg(long)]
        parent: Option<String>,
        #[arg(long)]
        kind: Option<String>,
    },
    Rename {
        category: String,
        name: String,
    },
    /// Move every transaction, rule and budget of a category into another, then remove it.
    Merge {
        from: String,
        into: String,
    },
    /// Hide a category from the choices; rows filed there keep it.
    Hide {
        category: String,
    },
    Unhide {
        category: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BudgetCommand {
    /// Set a category's monthly budget (every month, or one with --month).
    Set {
        category: String,
        amount: String,
        #[arg(long)]
        month: Option<String>,
    },
    Remove {
        category: String,
        #[arg(long)]
        month: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SandboxCommand {
    /// Serve every sandbox institution on loopback in the foreground; prints the base URL.
    Serve {
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Add a manual account, for an institution GIMS does not reach.
    Add {
        #[arg(long)]
        name: String,
        /// cash, bank, card, securities, pension, points, miles, emoney, crypto, loan, other.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        currency: String,
        /// Its balance now, before any transaction you add.
        #[arg(long, allow_hyphen_values = true)]
        balance: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TxCommand {
    /// Change a transaction's category, transfer mark (振替), inclusion in totals (計算対象) or memo.
    Edit {
        id: i64,
        /// 大項目/中項目.
        #[arg(long)]
        category: Option<String>,
        /// yes: a movement between your own accounts, left out of income and spending.
        #[arg(long)]
        transfer: Option<String>,
        /// no: left out of every total.
        #[arg(long)]
        included: Option<String>,
        #[arg(long)]
        memo: Option<String>,
    },
    /// Delete one transaction (e.g. a hand-entered one an import also brought).
    Delete { id: i64 },
    /// Add a manual transaction; without --account it is cash.
    Add {
        #[arg(long)]
        date: String,
        /// Negative for money out: -1200.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        description: String,
        #[arg(long)]
        account: Option<i64>,
        /// 大項目/中項目 (食費/外食), or a name that is unique on its own.
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        memo: Option<String>,
        /// For cash: the currency (default JPY). An account's currency is its own.
        #[arg(long)]
        currency: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Transactions to insert.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u32,
    /// Rows per SQLite transaction (as an import or a refresh save would batch them).
    #[arg(long, default_value_t = 100_000)]
    pub batch: u32,
    /// How many times to time opening the filled ledger.
    #[arg(long, default_value_t = 20)]
    pub opens: u32,
    /// Also time importing the modelled service's export CSV of this many rows (0: skip).
    #[arg(long, default_value_t = 1_000_000)]
    pub import_rows: u32,
    /// Where to put the scratch ledger (default: a temporary folder, removed afterwards).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl BenchArgs {
    pub fn to_options(&self) -> gims::bench::BenchOptions {
        gims::bench::BenchOptions {
            import_rows: self.import_rows,
            rows: self.rows,
            batch: self.batch,
            opens: self.opens,
            dir: self.dir.clone(),
        }
    }
}
