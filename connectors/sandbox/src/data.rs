//! Deterministic datasets: everything a sandbox institution holds for one login, as a pure function
//! of (institution id, login id, today).
//!
//! The server renders exactly these values, and tests call [`dataset`] to know what a connector
//! must have fetched. Each login's history is *simulated* day by day from a fixed start
//! ([`SIMULATION_START`], 2024-01-01) with a per-day PRNG seeded from SHA-256 of the institution and
//! login ids, so a given day's transactions (ids, amounts, descriptions) are the same whatever
//! "today" is: refreshing on two different days yields overlapping, identical transactions, as a
//! real institution would. Only the last [`HISTORY_DAYS`] days ending today are published.
//! (If today is earlier than 2025-02-04 the simulation starts 400 days before today instead.)
//!
//! Money is `i64` yen (negative = money out of the account; for a card, a charge is negative and
//! the balance is minus what is owed); points are `i64` points; quantities and prices are decimal
//! strings.

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, Duration, Month, Weekday, macros::date};

/// How many days of history every account publishes, today included.
pub const HISTORY_DAYS: i64 = 180;

/// The first simulated day (see the module docs).
pub const SIMULATION_START: Date = date!(2024 - 01 - 01);

/// Everything one login sees at one institution on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dataset {
    pub institution_id: String,
    pub login_id: String,
    pub today: Date,
    /// In page order: the first is the "main" account (the one `account_migration` renumbers).
    pub accounts: Vec<Account>,
}

impl Dataset {
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|account| account.id == id)
    }

    /// The dataset as served while the `account_migration` fault is on: the main account is
    /// renumbered to [`migrated_account_id`], its history and balance unchanged.
    pub fn with_main_account_migrated(mut self) -> Dataset {
        if let Some(main) = self.accounts.first_mut() {
            main.id = migrated_account_id(&main.id);
            if let Some(card) = main.card.as_mut() {
                card.number_tail = main.id.clone();
            }
        }
        self
    }

    /// The dataset as served while the `hostile_text` fault is on: the main account's newest
    /// rows carry [`HOSTILE_DESCRIPTIONS`] instead of their own descriptions (same ids, amounts
    /// and balances), as an institution relaying a merchant's or a sender's text might.
    pub fn with_hostile_descriptions(mut self) -> Dataset {
        if let Some(main) = self.accounts.first_mut() {
            for (transaction, text) in main.transactions.iter_mut().zip(HOSTILE_DESCRIPTIONS) {
                transaction.description = (*text).to_owned();
            }
        }
        self
    }
}

/// Text that must stay text all the way to the screen and out of exports: markup, a script link,
/// a right-to-left override, zero-width characters, formula-looking cells, entities, SQL.
pub const HOSTILE_DESCRIPTIONS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">javascript:alert(1)</a>",
    "\u{202e}exe.txt\u{202c}",
    "zero\u{200b}width\u{200d}joiner",
    "=HYPERLINK(\"http://example.invalid\")",
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "&amp;&lt;&#x3C;",
    "'; DROP TABLE transactions; --",
];

/// The number an account gets when the institution migrates it: the first digit is replaced by
/// 8 (or by 9 if it already was 8), so it keeps its length and always differs.
pub fn migrated_account_id(id: &str) -> String {
    let mut chars = id.chars();
    let first = chars.next();
    let replacement = if first == Some('8') { '9' } else { '8' };
    std::iter::once(replacement).chain(chars).collect()
}

/// One balance-bearing thing under a login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The institution's own id: an account number, a card's last four digits, a member number.
    pub id: String,
    /// As the institution names it (普通預金, a card's name, ラップ口座…).
    pub name: String,
    pub kind: AccountKind,
    /// Yen (points for a points account). Securities: the cash (預り金) only; holdings are apart.
    pub balance: i64,
    /// Newest first, the last [`HISTORY_DAYS`] days ending today.
    pub transactions: Vec<Transaction>,
    pub holdings: Vec<Holding>,
    pub card: Option<CardDetails>,
    /// Points accounts: how many points expire on which date, soonest first.
    pub points_expiry: Vec<PointsExpiry>,
    /// The balance at each of the [`MONTH_END_BALANCES`] month ends before this month, oldest
    /// first, as a bank's 残高推移 shows it: the simulation's own balance on those days.
    pub month_end_balances: Vec<(Date, i64)>,
}

/// How many past month ends an account's balance history shows.
pub const MONTH_END_BALANCES: u32 = 12;

/// The CLI's closed account-kind vocabulary, restricted to what the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    Bank,
    Card,
    Securities,
    Points,
    Emoney,
    Pension,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Bank => "bank",
            AccountKind::Card => "card",
            AccountKind::Securities => "securities",
            AccountKind::Points => "points",
            AccountKind::Emoney => "emoney",
            AccountKind::Pension => "pension",
        }
    }
}

/// One dated movement. `balance` is the account's balance right after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transaction {
    /// Stable institution-side id, unique within the login: `{prefix}{YYYYMMDD}{seq:02}`.
    pub id: String,
    pub date: Date,
    pub description: String,
    pub amount: i64,
    pub balance: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldingClass {
    /// 国内株式: quantity in shares, price per share.
    DomesticStock,
    /// 投資信託: quantity in 口 (units), price (基準価額) per 10,000口.
    InvestmentTrust,
}

/// A position. `value` = quantity × price (÷ 10,000 for funds), rounded down to the yen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holding {
    pub class: HoldingClass,
    pub code: String,
    pub name: String,
    pub quantity: String,
    pub price: String,
    pub value: i64,
    /// 取得金額: what the position cost.
    pub cost: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardDetails {
    pub number_tail: String,
    pub next_payment_date: Date,
    /// Positive yen to be debited on `next_payment_date`.
    pub next_payment_amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointsExpiry {
    pub date: Date,
    pub points: i64,
}

/// The dataset of `login_id` at `institution_id` on `today`. Unknown institutions hold nothing.
pub fn dataset(institution_id: &str, login_id: &str, today: Date) -> Dataset {
    let seed = login_seed(institution_id, login_id);
    let accounts = match institution_id {
        "sandbox-bank" | "sandbox-otp-bank" | "sandbox-approval" | "sandbox-window-bank" => {
            bank_accounts(seed, today, true)
        }
        "sandbox-oauth" => bank_accounts(seed, today, false),
        "sandbox-emoney" => vec![emoney_account(seed, today)],
        "sandbox-card" => card_accounts(seed, today),
        "sandbox-securities" => securities_accounts(seed, today),
        "sandbox-points" => vec![points_account(seed, today)],
        "sandbox-pension" => vec![pension_account(seed, today)],
        _ => Vec::new(),
    };
    Dataset { institution_id: institution_id.to_owned(), login_id: login_id.to_owned(), today, accounts }
}

// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64, seeded from SHA-256 so a login id maps to the same data on every machine.

#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Inclusive range.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % ((high - low + 1) as u64)) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    /// `count` distinct indices below `len`, in draw order.
    fn distinct(&mut self, count: usize, len: usize) -> Vec<usize> {
        let mut picked = Vec::with_capacity(count);
        while picked.len() < count {
            let index = (self.next() % len as u64) as usize;
            if !picked.contains(&index) {
                picked.push(index);
            }
        }
        picked
    }
}

fn login_seed(institution_id: &str, login_id: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(institution_id.as_bytes())
        .chain_update([0u8])
        .chain_update(login_id.as_bytes())
        .finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// The PRNG of one simulated day: depends on the login and the date only, never on "today".
fn day_rng(seed: u64, date: Date, stream: u64) -> Rng {
    let mut rng = Rng(seed
        ^ (date.to_julian_day() as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)
        ^ stream.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7));
    rng.next();
    rng
}

fn simulation_days(today: Date) -> impl Iterator<Item = Date> {
    let earliest = today - Duration::days(400);
    let start = earliest.min(SIMULATION_START);
    std::iter::successors(Some(start), |day| day.next_day()).take_while(move |day| *day <= today)
}

fn first_published_day(today: Date) -> Date {
    today - Duration::days(HISTORY_DAYS - 1)
}

/// Posts movements in date order and keeps the ones inside the published window.
struct Ledger {
    prefix: &'static str,
    balance: i64,
    today: Date,
    /// Every movement (date, amount), published or not: past balances are computed from them.
    movements: Vec<(Date, i64)>,
    first_published_day: Date,
    current_day: Option<Date>,
    sequence_in_day: u32,
    published: Vec<Transaction>,
}

impl Ledger {
    fn new(prefix: &'static str, opening_balance: i64, today: Date) -> Ledger {
        Ledger {
            prefix,
            balance: opening_balance,
            today,
            movements: Vec::new(),
            first_published_day: first_published_day(today),
            current_day: None,
            sequence_in_day: 0,
            published: Vec::new(),
        }
    }

    fn post(&mut self, date: Date, amount: i64, description: impl Into<String>) {
        self.balance += amount;
        self.movements.push((date, amount));
        if self.current_day != Some(date) {
            self.current_day = Some(date);
            self.sequence_in_day = 0;
        }
        self.sequence_in_day += 1;
        if date >= self.first_published_day {
            self.published.push(Transaction {
                id: format!(
                    "{}{:04}{:02}{:02}{:02}",
                    self.prefix,
                    date.year(),
                    u8::from(date.month()),
                    date.day(),
                    self.sequence_in_day
                ),
                date,
                description: description.into(),
                amount,
                balance: self.balance,
            });
        }
    }

    /// The balance at the end of each of the last [`MONTH_END_BALANCES`] month ends before
    /// this month, oldest first: the closing balance less everything posted after that day.
    fn month_end_balances(&self) -> Vec<(Date, i64)> {
        (1..=MONTH_END_BALANCES)
            .rev()
            .map(|back| {
                let end = month_end_before(self.today, back);
                let later: i64 = self.movements.iter().filter(|(date, _)| *date > end).map(|(_, amount)| amount).sum();
                (end, self.balance - later)
            })
            .collect()
    }

    /// (closing balance, transactions newest first, month-end balances oldest first)
    fn finish(mut self) -> (i64, Vec<Transaction>, Vec<(Date, i64)>) {
        let month_ends = self.month_end_balances();
        self.published.reverse();
        (self.balance, self.published, month_ends)
    }
}

fn account(id: String, name: &str, kind: AccountKind, ledger: Ledger) -> Account {
    let (balance, transactions, month_end_balances) = ledger.finish();
    Account {
        id,
        name: name.to_owned(),
        kind,
        balance,
        transactions,
        holdings: Vec::new(),
        card: None,
        points_expiry: Vec::new(),
        month_end_balances,
    }
}

fn days_in_month(year: i32, month: Month) -> u8 {
    let next_first = match month {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
        _ => Date::from_calendar_date(year, month.next(), 1),
    }
    .expect("valid date");
    next_first.previous_day().expect("valid date").day()
}

fn last_day_of_month(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, days_in_month(year, month)).expect("valid date")
}

/// The last day of the month `months` before `date`'s month.
fn month_end_before(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 - months as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("month");
    last_day_of_month(index.div_euclid(12), month)
}

/// The last day of the month `months` after `date`'s month.
fn month_end_after(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let month = Month::try_from((index % 12 + 1) as u8).expect("month");
    last_day_of_month(index / 12, month)
}

// ---------------------------------------------------------------------------------------------
// Banks (sandbox-bank, sandbox-otp-bank, sandbox-approval, sandbox-oauth)

const EMPLOYERS: &[&str] = &["カブシキガイシャ サンドボツクス", "ｶ)ﾔﾏﾄｼﾖｳｼﾞ", "ｶ)ﾐﾗｲｿﾌﾄｳｴｱ", "ﾆﾂﾎﾟﾝｻﾝｷﾞﾖｳ ｶ)"];
const PEOPLE: &[&str] = &["ﾀﾅｶ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ｽｽﾞｷ ｲﾁﾛｳ", "ｻﾄｳ ﾐｻｷ", "ﾀｶﾊｼ ｹﾝ"];
const DEBIT_MERCHANTS: &[&str] =
    &["ﾃﾞﾋﾞｯﾄ ﾛｰｿﾝ", "ﾃﾞﾋﾞｯﾄ ﾌｱﾐﾘｰﾏｰﾄ", "ﾃﾞﾋﾞｯﾄ ＡＭＡＺＯＮ．ＣＯ．ＪＰ", "ﾃﾞﾋﾞｯﾄ ﾕﾆｸﾛ", "ﾃﾞﾋﾞｯﾄ ｲｵﾝﾘﾃｰﾙ", "ﾃﾞﾋﾞｯﾄ ﾏﾂﾓﾄｷﾖｼ"];
/// The purchase that every bank login makes twice, identically, once a month (dedupe tests).
pub const REPEATED_PURCHASE: &str = "ﾃﾞﾋﾞｯﾄ ｾﾌﾞﾝｲﾚﾌﾞﾝ";

/// Salary day: the 25th, or the Friday before it when it falls on a weekend.
fn payday(date: Date) -> bool {
    let day = date.day();
    match date.weekday() {
        Weekday::Friday => (23..=25).contains(&day),
        Weekday::Saturday | Weekday::Sunday => false,
        _ => day == 25,
    }
}

fn bank_accounts(seed: u64, today: Date, with_funds: bool) -> Vec<Account> {
    let mut setup = Rng(seed);
    let ordinary_no = setup.range(1_000_000, 7_999_999);
    let time_deposit_no = ordinary_no + setup.range(1, 999_999);
    let fund_account_no = setup.range(1_000_000, 9_999_999);
    let salary = setup.range(25, 45) * 10_000;
    let rent = setup.range(60, 100) * 1_000;
    let employer = *setup.pick(EMPLOYERS);
    let repeated_purchase_day = setup.range(1, 28) as u8;
    let mut ordinary = Ledger::new("S", setup.range(30, 200) * 10_000, today);
    let mut time_deposit = Ledger::new("T", setup.range(10, 50) * 100_000, today);

    for date in simulation_days(today) {
        let mut rng = day_rng(seed, date, 1);
        let (month, day) = (date.month(), date.day());
        // Keeps the ordinary account from growing without bound, as a saver would.
        if day == 1 && ordinary.balance > 3_000_000 {
            ordinary.post(date, -1_000_000, "定期預金 預入");
            time_deposit.post(date, 1_000_000, "預入 普通預金より");
        }
        if payday(date) {
            ordinary.post(date, salary, format!("給与 {employer}"));
        }
        if (month == Month::June && day == 30) || (month == Month::December && day == 10) {
            ordinary.post(date, salary * 2, format!("賞与 {employer}"));
        }
        if day == 27 {
            ordinary.post(date, -rent, "家賃 ｶ)ｻﾝﾄﾞﾎﾞｯｸｽﾌﾄﾞｳｻﾝ");
            ordinary.post(date, -(rng.range(20, 110) * 1_000 + rng.range(0, 999)), "ﾗｸﾃﾝｶｰﾄﾞｻｰﾋﾞｽ");
        }
        if day == 12 {
            ordinary.post(date, -rng.range(4_000, 14_000), "ﾃﾞﾝｷﾘﾖｳｷﾝ ﾄｳｷﾖｳﾃﾞﾝﾘﾖｸ");
        }
        if day == 15 {
            ordinary.post(date, -rng.range(3_000, 9_000), "NTTﾄﾞｺﾓ ｹｲﾀｲﾘﾖｳｷﾝ");
        }
        if day == 20 && u8::from(month) % 2 == 0 {
            ordinary.post(date, -rng.range(3_000, 7_000), "ｽｲﾄﾞｳﾘﾖｳｷﾝ");
        }
        if (month == Month::February || month == Month::August) && day == 18 {
            ordinary.post(date, rng.range(1, 30), "利息");
        }
        if month == Month::April && day == 1 {
            let interest = time_deposit.balance / 5_000;
            time_deposit.post(date, interest, "利息");
        }
        if day == repeated_purchase_day {
            let amount = -rng.range(300, 2_500);
            ordinary.post(date, amount, REPEATED_PURCHASE);
            ordinary.post(date, amount, REPEATED_PURCHASE);
        }
        // Spending a saver would skip when the account runs low.
        if ordinary.balance > 200_000 {
            if rng.chance(25) {
                let merchant = *rng.pick(DEBIT_MERCHANTS);
                ordinary.post(date, -rng.range(300, 15_000), merchant);
            }
            if date.weekday() == Weekday::Friday && rng.chance(50) {
                ordinary.post(date, -rng.range(1, 3) * 10_000, "ATM ｼﾊﾗｲ ｾﾌﾞﾝｷﾞﾝｺｳ");
            }
            if rng.chance(3) {
                let person = *rng.pick(PEOPLE);
                ordinary.post(date, -rng.range(5, 50) * 1_000, format!("振込 {person}"));
                ordinary.post(date, -145, "振込手数料");
            }
        }
        if rng.chance(4) {
            let person = *rng.pick(PEOPLE);
            ordinary.post(date, rng.range(3, 30) * 1_000, format!("振込 {person}"));
        }
    }

    let mut accounts = vec![
        account(format!("{ordinary_no:07}"), "普通預金", AccountKind::Bank, ordinary),
        account(format!("{time_deposit_no:07}"), "定期預金", AccountKind::Bank, time_deposit),
    ];
    if with_funds {
        let funds: Vec<&Security> = setup.distinct(2, FUNDS.len()).into_iter().map(|index| &FUNDS[index]).collect();
        let holdings: Vec<Holding> = funds.iter().map(|fund| fund_holding(&mut setup, fund, today)).collect();
        // The trusts' valuation at each past month end: the same units at that day's prices.
        let month_end_balances = (1..=MONTH_END_BALANCES)
            .rev()
            .map(|back| {
                let end = month_end_before(today, back);
                let value = funds
                    .iter()
                    .zip(&holdings)
                    .map(|(fund, holding)| {
                        holding.quantity.parse::<i64>().expect("whole units") * price_on(fund, end) / 10_000
                    })
                    .sum();
                (end, value)
            })
            .collect();
        accounts.push(Account {
            id: format!("{fund_account_no:07}"),
            name: "投資信託".to_owned(),
            kind: AccountKind::Securities,
            balance: 0,
            transactions: Vec::new(),
            holdings,
            card: None,
            points_expiry: Vec::new(),
            month_end_balances,
        });
    }
    accounts
}

// ---------------------------------------------------------------------------------------------
// Prices (shared by the bank's funds and the securities company)

struct Security {
    code: &'static str,
    name: &'static str,
    /// Stocks: tenths of a yen per share. Funds: yen per 10,000口.
    base_price: i64,
}

const FUNDS: &[Security] = &[
    Security {
        code: "0331418A", name: "eMAXIS Slim 全世界株式（オール・カントリー）", base_price: 24_500
    },
    Security { code: "03311187", name: "eMAXIS Slim 米国株式（S&P500）", base_price: 31_200 },
    Security { code: "89311199", name: "ニッセイ外国株式インデックスファンド", base_price: 33_800 },
    Security { code: "0431U169", name: "ひふみプラス", base_price: 56_700 },
    Security { code: "9C311125", name: "SBI・V・S&P500インデックス・ファンド", base_price: 28_900 },
    Security { code: "29311041", name: "楽天・全米株式インデックス・ファンド", base_price: 30_100 },
];

const STOCKS: &[Security] = &[
    Security { code: "7203", name: "トヨタ自動車", base_price: 28_455 },
    Security { code: "6758", name: "ソニーグループ", base_price: 34_120 },
    Security { code: "9984", name: "ソフトバンクグループ", base_price: 89_000 },
    Security { code: "8306", name: "三菱UFJフィナンシャル・グループ", base_price: 17_825 },
    Security { code: "9432", name: "日本電信電話", base_price: 1_552 },
    Security { code: "4502", name: "武田薬品工業", base_price: 42_100 },
    Security { code: "7974", name: "任天堂", base_price: 98_700 },
];

/// The price on `date`: within ±10% of the base, the same for everyone on that day.
fn price_on(security: &Security, date: Date) -> i64 {
    let code_seed = login_seed("price", security.code);
    let jitter = (day_rng(code_seed, date, 7).next() % 201) as i64 - 100;
    security.base_price * (1_000 + jitter) / 1_000
}

fn tenths(value: i64) -> String {
    if value % 10 == 0 { (value / 10).to_string() } else { format!("{}.{}", value / 10, value % 10) }
}

fn fund_holding(rng: &mut Rng, fund: &Security, today: Date) -> Holding {
    let units = rng.range(50_000, 900_000);
    let cost = units * fund.base_price / 10_000 * rng.range(75, 105) / 100;
    fund_position(fund, units, cost, today)
}

/// `units` of an investment trust (priced per 10,000 units) bought for `cost` yen, valued today.
fn fund_position(fund: &Security, units: i64, cost: i64, today: Date) -> Holding {
    let price = price_on(fund, today);
    Holding {
        class: HoldingClass::InvestmentTrust,
        code: fund.code.to_owned(),
        name: fund.name.to_owned(),
        quantity: units.to_string(),
        price: price.to_string(),
        value: units * price / 10_000,
        cost,
    }
}

fn stock_holding(rng: &mut Rng, stock: &Security, today: Date) -> Holding {
    let shares = rng.range(1, 5) * 100;
    let price_tenths = price_on(stock, today);
    let cost = shares * stock.base_price / 10 * rng.range(70, 110) / 100;
    Holding {
        class: HoldingClass::DomesticStock,
        code: stock.code.to_owned(),
        name: stock.name.to_owned(),
        quantity: shares.to_string(),
        price: tenths(price_tenths),
        value: shares * price_tenths / 10,
        cost,
    }
}

// ---------------------------------------------------------------------------------------------
// E-money (sandbox-emoney)

const EMONEY_PAYEES: &[(&str, i64, i64)] = &[
    ("ｾﾌﾞﾝｲﾚﾌﾞﾝ", 150, 1_200),
    ("ファミリーマート", 150, 1_000),
    ("JR東日本 乗車", 140, 1_100),
    ("東京メトロ 乗車", 180, 330),
    ("ドトールコーヒー", 250, 700),
    ("自動販売機", 130, 200),
];

fn emoney_account(seed: u64, today: Date) -> Account {
    let mut setup = Rng(seed);
    let wallet_no = setup.range(1_000_000_000, 7_999_999_999);
    let mut wallet = Ledger::new("E", setup.range(1_000, 8_000), today);
    for date in simulation_days(today) {
        let mut rng = day_rng(seed, date, 2);
        let payments = rng.range(0, 3);
        for _ in 0..payments {
            let (payee, low, high) = *rng.pick(EMONEY_PAYEES);
            let amount = rng.range(low, high);
            // Auto-charge from the linked card, as the real wallets do when the balance runs low.
            if wallet.balance < amount.max(2_000) {
                let charge = if amount > 3_000 { 10_000 } else { 5_000 };
                wallet.post(date, charge, "チャージ（クレジットカード）");
            }
            wallet.post(date, -amount, payee);
        }
    }
    account(format!("{wallet_no:010}"), "サンドボックスマネー", AccountKind::Emoney, wallet)
}

// ---------------------------------------------------------------------------------------------
// Cards (sandbox-card)

const CARD_MERCHANTS: &[(&str, i64, i64)] = &[
    ("ＡＭＡＺＯＮ．ＣＯ．ＪＰ", 500, 12_000),
    ("ﾗｸﾃﾝｲﾁﾊﾞ", 800, 9_000),
    ("ｽｰﾊﾟｰﾏｰｹｯﾄ ｻﾝﾄﾞ", 900, 6_000),
    ("ｽﾀｰﾊﾞﾂｸｽ ｺｰﾋｰ", 400, 1_500),
    ("ﾋﾞﾂｸｶﾒﾗ", 1_000, 40_000),
    ("ENEOS ｻｰﾋﾞｽｽﾃｰｼｮﾝ", 3_000, 8_000),
];

struct CardPlan {
    name: &'static str,
    prefix: &'static str,
    purchase_chance: u64,
}

const CARDS: &[CardPlan] = &[
    CardPlan { name: "サンドボックスカード", prefix: "CA", purchase_chance: 30 },
    CardPlan { name: "サンドボックスゴールドカード", prefix: "CB", purchase_chance: 15 },
    CardPlan { name: "サンドボックスETCカード", prefix: "CC", purchase_chance: 10 },
];

/// Card cycle: charges close at month end and are debited on the 27th of the next month.
const CARD_PAYMENT_DAY: u8 = 27;

fn card_accounts(seed: u64, today: Date) -> Vec<Account> {
    let mut setup = Rng(seed);
    let mut tails: Vec<i64> = Vec::new();
    while tails.len() < CARDS.len() {
        let tail = setup.range(1_000, 7_999);
        if !tails.contains(&tail) {
            tails.push(tail);
        }
    }
    CARDS
        .iter()
        .zip(tails)
        .enumerate()
        .map(|(index, (plan, tail))| card_account(seed, today, index as u64, plan, tail))
        .collect()
}

fn card_account(seed: u64, today: Date, index: u64, plan: &CardPlan, tail: i64) -> Account {
    let mut ledger = Ledger::new(plan.prefix, 0, today);
    let (mut closed_unpaid, mut open_cycle) = (0i64, 0i64);
    for date in simulation_days(today) {
        let mut rng = day_rng(seed, date, 10 + index);
        if date.day() == 1 {
            closed_unpaid += open_cycle;
            open_cycle = 0;
        }
        if date.day() == CARD_PAYMENT_DAY && closed_unpaid > 0 {
            ledger.post(date, closed_unpaid, "お支払い（口座振替）");
            closed_unpaid = 0;
        }
        let mut charge = |ledger: &mut Ledger, amount: i64, description: &str| {
            ledger.post(date, -amount, description);
            open_cycle += amount;
        };
        match index {
            0 if date.day() == 5 => charge(&mut ledger, rng.range(2_000, 8_000), "ｱﾄﾊﾞﾗｲ ｻｰﾋﾞｽ（後払い）ご利用分"),
            1 if date.day() == 3 => charge(&mut ledger, 1_490, "NETFLIX.COM"),
            _ => {}
        }
        if rng.chance(plan.purchase_chance) {
            if index == 2 {
                charge(&mut ledger, rng.range(300, 1_800), "ＥＴＣ 首都高速道路");
            } else {
                let (merchant, low, high) = *rng.pick(CARD_MERCHANTS);
                charge(&mut ledger, rng.range(low, high), merchant);
            }
        }
    }
    let (next_payment_date, next_payment_amount) = if today.day() < CARD_PAYMENT_DAY {
        (today.replace_day(CARD_PAYMENT_DAY).expect("27th"), closed_unpaid)
    } else {
        let next_month = month_end_after(today, 1);
        (next_month.replace_day(CARD_PAYMENT_DAY).expect("27th"), open_cycle)
    };
    let mut card = account(tail.to_string(), plan.name, AccountKind::Card, ledger);
    card.card = Some(CardDetails { number_tail: tail.to_string(), next_payment_date, next_payment_amount });
    card
}

// ---------------------------------------------------------------------------------------------
// Securities (sandbox-securities)

fn securities_accounts(seed: u64, today: Date) -> Vec<Account> {
    let mut setup = Rng(seed);
    let cash_account_no = setup.range(1_000_000, 7_999_999);
    let wrap_account_no = cash_account_no + setup.range(1, 999_999);
    let stock_picks: Vec<&Security> = setup.distinct(3, STOCKS.len()).into_iter().map(|index| &STOCKS[index]).collect();
    let fund_picks = setup.distinct(2, FUNDS.len());
    let wrap_picks = setup.distinct(3, FUNDS.len());
    let deposit = setup.range(3, 10) * 10_000;
    let mut cash = Ledger::new("B", setup.range(20, 100) * 10_000, today);

    for date in simulation_days(today) {
        let mut rng = day_rng(seed, date, 3);
        let (month, day) = (date.month(), date.day());
        if day == 5 {
            cash.post(date, deposit, "入金（銀行振込）");
        }
        if day == 10 {
            cash.post(date, -30_000, format!("投信積立 買付 {}", FUNDS[fund_picks[0]].name));
        }
        if (month == Month::June && day == 20) || (month == Month::December && day == 5) {
            for stock in &stock_picks {
                let dividend = rng.range(20, 80) * 100;
                cash.post(date, dividend, format!("配当金 {}", stock.name));
            }
        }
        let stock = *rng.pick(&stock_picks);
        let lot_price = price_on(stock, date) * 10; // 100 shares, price in tenths of a yen
        if rng.chance(2) && cash.balance > lot_price + 100_000 {
            cash.post(date, -lot_price, format!("株式買付 {} 100株", stock.name));
        } else if rng.chance(1) {
            cash.post(date, lot_price, format!("株式売却 {} 100株", stock.name));
        }
    }

    let mut general = account(format!("{cash_account_no:07}"), "総合口座", AccountKind::Securities, cash);
    general.holdings = stock_picks.iter().map(|stock| stock_holding(&mut setup, stock, today)).collect();
    for index in &fund_picks {
        let fund = fund_holding(&mut setup, &FUNDS[*index], today);
        general.holdings.push(fund);
    }
    let mut wrap =
        account(format!("{wrap_account_no:07}"), "ラップ口座", AccountKind::Securities, Ledger::new("W", 0, today));
    wrap.holdings = wrap_picks.iter().map(|index| fund_holding(&mut setup, &FUNDS[*index], today)).collect();
    vec![general, wrap]
}

// ---------------------------------------------------------------------------------------------
// Points (sandbox-points)

const POINT_SHOPS: &[&str] = &["サンドボックス市場", "サンドボックスブックス", "サンドボックストラベル"];

fn points_account(seed: u64, today: Date) -> Account {
    let mut setup = Rng(seed);
    let member_no = setup.range(1_000_000_000, 7_999_999_999);
    let mut points = Ledger::new("P", 0, today);
    // (expiry date, points left), soonest expiry first; spending uses the soonest first.
    let mut lots: Vec<(Date, i64)> = Vec::new();
    for date in simulation_days(today) {
        let mut rng = day_rng(seed, date, 4);
        let expired: i64 = lots.iter().filter(|(expiry, _)| *expiry < date).map(|(_, left)| left).sum();
        if expired > 0 {
            lots.retain(|(expiry, _)| *expiry >= date);
            points.post(date, -expired, "ポイント失効（有効期限切れ）");
        }
        let mut earn = |points: &mut Ledger, amount: i64, expiry: Date, description: String| {
            points.post(date, amount, description);
            match lots.iter_mut().find(|(lot_expiry, _)| *lot_expiry == expiry) {
                Some(lot) => lot.1 += amount,
                None => {
                    lots.push((expiry, amount));
                    lots.sort();
                }
            }
        };
        if rng.chance(40) {
            let shop = *rng.pick(POINT_SHOPS);
            earn(&mut points, rng.range(1, 150), month_end_after(date, 12), format!("ご購入ポイント（{shop}）"));
        }
        if date.day() == 15 {
            earn(
                &mut points,
                rng.range(1, 5) * 100,
                month_end_after(date, 1),
                "キャンペーンポイント（期間限定）".to_owned(),
            );
        }
        if points.balance > 500 && rng.chance(5) {
            let shop = *rng.pick(POINT_SHOPS);
            let mut to_use = (rng.range(1, 20) * 100).min(points.balance);
            points.post(date, -to_use, format!("ポイント利用（{shop}）"));
            for lot in lots.iter_mut() {
                let taken = lot.1.min(to_use);
                lot.1 -= taken;
                to_use -= taken;
            }
            lots.retain(|(_, left)| *left > 0);
        }
    }
    let mut account = account(format!("{member_no:010}"), "サンドボックスポイント", AccountKind::Points, points);
    account.points_expiry = lots.into_iter().map(|(date, points)| PointsExpiry { date, points }).collect();
    account
}

// ---------------------------------------------------------------------------------------------
// Pension (sandbox-pension): a defined-contribution plan (確定拠出年金)

/// 口座管理手数料, taken from every monthly contribution.
pub const PENSION_MONTHLY_FEE: i64 = 171;
/// The monthly contribution (掛金) is paid on this day of the month...
const PENSION_CONTRIBUTION_DAY: u8 = 26;
/// ...and invested in the plan's funds on this day of the next month; until then it waits as
/// 未投資資金 (the account's cash balance).
const PENSION_PURCHASE_DAY: u8 = 5;
const PENSION_CONTRIBUTIONS: &[i64] = &[5_000, 12_000, 20_000, 23_000, 55_000];

/// One plan: 未投資資金 (cash waiting to be invested) with its history of contributions, fees and
/// purchases, and two funds bought with every contribution, 60% and 40%, at that day's price.
fn pension_account(seed: u64, today: Date) -> Account {
    let mut setup = Rng(seed);
    let plan_no = setup.range(1_000_000_000, 7_999_999_999);
    let contribution = *setup.pick(PENSION_CONTRIBUTIONS);
    let funds: Vec<&Security> = setup.distinct(2, FUNDS.len()).into_iter().map(|index| &FUNDS[index]).collect();
    // Units and cost of what earlier years bought.
    let mut positions: Vec<(i64, i64)> = funds
        .iter()
        .map(|fund| {
            let units = setup.range(100_000, 1_500_000);
            (units, units * fund.base_price / 10_000 * setup.range(80, 100) / 100)
        })
        .collect();
    let mut cash = Ledger::new("D", setup.range(0, 30) * 100, today);
    let mut waiting = 0;
    for date in simulation_days(today) {
        if date.day() == PENSION_PURCHASE_DAY && waiting > 0 {
            let first = waiting * 6 / 10;
            for (index, amount) in [first, waiting - first].into_iter().enumerate() {
                let fund = funds[index];
                cash.post(date, -amount, format!("買付 {}", fund.name));
                positions[index].0 += amount * 10_000 / price_on(fund, date);
                positions[index].1 += amount;
            }
            waiting = 0;
        }
        if date.day() == PENSION_CONTRIBUTION_DAY {
            cash.post(date, contribution, "掛金拠出（口座振替）");
            cash.post(date, -PENSION_MONTHLY_FEE, "口座管理手数料");
            waiting += contribution - PENSION_MONTHLY_FEE;
        }
    }
    let mut plan = account(format!("{plan_no:010}"), "確定拠出年金（個人型）", AccountKind::Pension, cash);
    plan.holdings =
        funds.iter().zip(positions).map(|(fund, (units, cost))| fund_position(fund, units, cost, today)).collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = date!(2026 - 11 - 28);
    const INSTITUTIONS: &[&str] = &[
        "sandbox-bank",
        "sandbox-otp-bank",
        "sandbox-emoney",
        "sandbox-card",
        "sandbox-oauth",
        "sandbox-approval",
        "sandbox-securities",
        "sandbox-points",
        "sandbox-pension",
        "sandbox-window-bank",
    ];

    #[test]
    fn same_inputs_give_the_same_dataset_and_other_logins_differ() {
        for institution in INSTITUTIONS {
            let first = dataset(institution, "alice", TODAY);
            assert_eq!(first, dataset(institution, "alice", TODAY), "{institution}");
            assert_ne!(first.accounts, dataset(institution, "bob", TODAY).accounts, "{institution}");
            assert!(!first.accounts.is_empty(), "{institution}");
        }
    }

    #[test]
    fn month_end_balances_are_the_balances_the_history_shows_on_those_days() {
        let data = dataset("sandbox-bank", "alice", TODAY);
        let ordinary = &data.accounts[0];
        let ends: Vec<Date> = ordinary.month_end_balances.iter().map(|(end, _)| *end).collect();
        assert_eq!(ends.len(), MONTH_END_BALANCES as usize);
        assert_eq!(ends.last(), Some(&date!(2026 - 10 - 31)), "the month before today's");
        assert_eq!(ends.first(), Some(&date!(2025 - 11 - 30)));
        let mut checked = 0;
        for (end, balance) in &ordinary.month_end_balances {
            // Within the published window, the running balance of the last row on or before the
            // month end (newest first) is that day's balance.
            let Some(last) = ordinary.transactions.iter().find(|t| t.date <= *end) else { continue };
            if last.date >= first_published_day(TODAY) {
                assert_eq!(*balance, last.balance, "{end}");
                checked += 1;
            }
        }
        assert!(checked >= 4, "several month ends fall inside the published history ({checked})");
        // The same month ends stay the same when today moves on.
        let later = dataset("sandbox-bank", "alice", TODAY + Duration::days(40));
        let later_ends: std::collections::HashMap<_, _> =
            later.accounts[0].month_end_balances.iter().copied().collect();
        for (end, balance) in &ordinary.month_end_balances {
            if let Some(again) = later_ends.get(end) {
                assert_eq!(again, balance, "{end}");
            }
        }
    }

    #[test]
    fn balances_follow_the_transactions_and_history_spans_180_days() {
        for institution in INSTITUTIONS {
            let data = dataset(institution, "alice", TODAY);
            for account in &data.accounts {
                let mut ids = std::collections::HashSet::new();
                for window in account.transactions.windows(2) {
                    let (newer, older) = (&window[0], &window[1]);
                    assert!(newer.date >= older.date, "{institution} newest first");
                    assert_eq!(newer.balance, older.balance + newer.amount, "{institution} {}", newer.id);
                }
                for transaction in &account.transactions {
                    assert!(ids.insert(&transaction.id), "duplicate id {}", transaction.id);
                    assert!(transaction.date <= TODAY);
                    assert!(transaction.date > TODAY - Duration::days(HISTORY_DAYS));
                }
                if let Some(newest) = account.transactions.first() {
                    assert_eq!(newest.balance, account.balance, "{institution} {}", account.id);
                }
            }
        }
    }

    #[test]
    fn a_day_keeps_its_transactions_when_today_moves_on() {
        for institution in INSTITUTIONS {
            let earlier = dataset(institution, "alice", TODAY);
            let later = dataset(institution, "alice", TODAY + Duration::days(10));
            for (before, after) in earlier.accounts.iter().zip(&later.accounts) {
                let overlap: Vec<_> = before
                    .transactions
                    .iter()
                    .filter(|t| t.date >= TODAY - Duration::days(HISTORY_DAYS - 11))
                    .collect();
                let after_same_days: Vec<_> = after.transactions.iter().filter(|t| t.date <= TODAY).collect();
                assert_eq!(overlap, after_same_days, "{institution} {}", before.id);
            }
        }
    }

    #[test]
    fn every_bank_login_has_two_identical_purchases_on_one_day() {
        for login in ["alice", "bob", "twice-1", ""] {
            let data = dataset("sandbox-bank", login, TODAY);
            let ordinary = &data.accounts[0];
            let pair = ordinary.transactions.windows(2).find(|w| {
                w[0].description == REPEATED_PURCHASE
                    && w[1].description == REPEATED_PURCHASE
                    && w[0].date == w[1].date
                    && w[0].amount == w[1].amount
            });
            let pair = pair.unwrap_or_else(|| panic!("no repeated purchase for {login:?}"));
            assert_ne!(pair[0].id, pair[1].id);
        }
    }

    #[test]
    fn card_balance_is_what_is_owed_and_points_expiry_adds_up() {
        let cards = dataset("sandbox-card", "alice", TODAY);
        assert_eq!(cards.accounts.len(), 3);
        for card in &cards.accounts {
            let details = card.card.as_ref().expect("card details");
            assert!(card.balance <= 0);
            assert!(details.next_payment_amount <= -card.balance);
            assert!(details.next_payment_date > TODAY);
            assert_eq!(details.next_payment_date.day(), 27);
        }
        let points = &dataset("sandbox-points", "alice", TODAY).accounts[0];
        assert_eq!(points.points_expiry.iter().map(|e| e.points).sum::<i64>(), points.balance);
        assert!(points.points_expiry.iter().all(|e| e.date >= TODAY));
    }

    #[test]
    fn holdings_are_valued_at_quantity_times_price() {
        let securities = dataset("sandbox-securities", "alice", TODAY);
        assert_eq!(securities.accounts[1].name, "ラップ口座");
        for holding in securities.accounts.iter().flat_map(|a| &a.holdings) {
            let quantity: i64 = holding.quantity.parse().expect("integer quantity");
            let price_tenths: i64 = match holding.price.split_once('.') {
                Some((whole, tenth)) => whole.parse::<i64>().unwrap() * 10 + tenth.parse::<i64>().unwrap(),
                None => holding.price.parse::<i64>().unwrap() * 10,
            };
            let expected = match holding.class {
                HoldingClass::DomesticStock => quantity * price_tenths / 10,
                HoldingClass::InvestmentTrust => quantity * price_tenths / 10 / 10_000,
            };
            assert_eq!(holding.value, expected, "{}", holding.name);
        }
    }

    #[test]
    fn a_pension_plan_invests_every_contribution_in_its_two_funds() {
        let plan = &dataset("sandbox-pension", "alice", TODAY).accounts[0];
        assert_eq!((plan.kind, plan.holdings.len()), (AccountKind::Pension, 2));
        assert!(plan.holdings.iter().all(|h| h.class == HoldingClass::InvestmentTrust && h.value > 0));
        let contributions: Vec<_> = plan.transactions.iter().filter(|t| t.description.starts_with("掛金")).collect();
        assert_eq!(contributions.len(), 6, "one a month over 180 days");
        assert!(contributions.iter().all(|t| t.date.day() == 26 && t.amount > 0));
        let fees = plan.transactions.iter().filter(|t| t.amount == -PENSION_MONTHLY_FEE).count();
        assert_eq!(fees, contributions.len());
        let bought: i64 =
            plan.transactions.iter().filter(|t| t.description.starts_with("買付")).map(|t| t.amount).sum();
        assert!(bought < 0);
        // Whatever is not yet invested waits as cash: at most one month's contribution on top.
        assert!(plan.balance >= 0 && plan.balance < 55_000 + 3_000, "{}", plan.balance);
    }

    #[test]
    fn migration_renumbers_only_the_main_account() {
        assert_eq!(migrated_account_id("1234567"), "8234567");
        assert_eq!(migrated_account_id("8234567"), "9234567");
        let data = dataset("sandbox-bank", "alice", TODAY);
        let migrated = data.clone().with_main_account_migrated();
        assert_ne!(migrated.accounts[0].id, data.accounts[0].id);
        assert_eq!(migrated.accounts[0].transactions, data.accounts[0].transactions);
        assert_eq!(migrated.accounts[1], data.accounts[1]);
    }
}
