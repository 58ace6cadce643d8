//! Report figures against sums computed independently, row by row, from a generated ledger with
//! transfers, rows excluded from totals, refunds, an excluded account and several currencies.

use super::*;
use crate::ledger::{
    Member, NewManualAccount, NewTransaction, Scope, TransactionEdit, TransactionSource, categories, test_ledger,
};
use gims_connectors::AccountKind;

#[derive(Clone)]
struct Generated {
    account: Option<usize>,
    date: String,
    amount: i64,
    category: &'static str,
    transfer: bool,
    included: bool,
}

const CATEGORIES: &[(&str, &str)] = &[
    ("食費/食料品", "expense"),
    ("食費/外食", "expense"),
    ("日用品", "expense"),
    ("住宅/家賃・地代", "expense"),
    ("収入/給与", "income"),
    ("収入/一時所得", "income"),
    ("未分類", "uncategorised"),
];

#[test]
fn monthly_and_asset_figures_equal_independent_sums() {
    let (_dir, mut ledger) = test_ledger();
    // 0: bank JPY, 1: card JPY, 2: USD account, 3: a JPY account excluded from totals,
    // 4: a hidden JPY e-money account (out of the default group, in the group 「へそくり」).
    let specs = [
        ("銀行", AccountKind::Bank, "JPY", 100_000),
        ("カード", AccountKind::Card, "JPY", 0),
        ("Chase", AccountKind::Bank, "USD", 10_000),
        ("除外口座", AccountKind::Bank, "JPY", 5_000),
        ("隠し財布", AccountKind::Emoney, "JPY", 7_000),
    ];
    let mut accounts = Vec::new();
    for (name, kind, currency, opening) in specs {
        let account = NewManualAccount {
            name: name.into(),
            kind,
            opening_balance: Amount::from_minor(opening, Currency::parse(currency).unwrap()),
        };
        accounts.push(ledger.add_manual_account(&account, "2026-01-01T00:00:00Z").unwrap().id);
    }
    ledger.conn.execute("UPDATE accounts SET included = 0 WHERE id = ?1", [accounts[3]]).unwrap();
    ledger.set_hidden(Member::Account(accounts[4]), true).unwrap();
    let group = ledger.create_group("へそくり", "2026-01-01T00:00:00Z").unwrap().id;
    ledger.set_group_member(group, Member::Account(accounts[0]), true).unwrap();
    ledger.set_group_member(group, Member::Account(accounts[4]), true).unwrap();

    // Deterministic pseudo-random rows over three months.
    let mut seed: u64 = 42;
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut rows = Vec::new();
    for _ in 0..600 {
        let (category, kind) = CATEGORIES[next(CATEGORIES.len() as u64) as usize];
        let magnitude = (next(20_000) + 1) as i64;
        // Mostly out for expenses, in for income; some refunds and reversals either way.
        let flip = next(10) == 0;
        let amount = match (kind, flip) {
            ("income", false) | ("expense", true) => magnitude,
            ("uncategorised", _) if next(2) == 0 => magnitude,
            _ => -magnitude,
        };
        rows.push(Generated {
            account: match next(7) {
                0 => None,
                1 => Some(1),
                2 => Some(2),
                3 => Some(3),
                4 => Some(4),
                _ => Some(0),
            },
            date: format!("2026-{:02}-{:02}", 9 + next(3), 1 + next(28)),
            amount,
            category,
            transfer: next(8) == 0,
            included: next(9) != 0,
        });
    }
    // A ¥2,800 refund under 食費 reduces 食費; it is not income.
    rows.push(Generated {
        account: Some(0),
        date: "2026-10-15".into(),
        amount: 2_800,
        category: "食費/外食",
        transfer: false,
        included: true,
    });
    let new_rows: Vec<NewTransaction> = rows
        .iter()
        .map(|row| {
            let account_id = row.account.map(|i| accounts[i]);
            let currency = if row.account == Some(2) { Currency::parse("USD").unwrap() } else { Currency::jpy() };
            NewTransaction {
                date: row.date.clone(),
                amount: Amount::from_minor(row.amount, currency),
                category_id: Some(categories::resolve(&ledger.conn, row.category).unwrap()),
                transfer: row.transfer,
                included: row.included,
                ..NewTransaction::manual(account_id, "generated")
            }
        })
        .collect();
    ledger.insert_transactions(&new_rows, TransactionSource::Import).unwrap();
    let first_id: i64 = ledger.conn.query_row("SELECT min(id) FROM transactions", [], |r| r.get(0)).unwrap();

    // Edits after saving (re-categorise, flip transfer and include flags, delete a row) must keep
    // the per-month totals the reports read in step with the rows.
    let salary = categories::resolve(&ledger.conn, "収入/給与").unwrap();
    for i in (0..rows.len()).step_by(17) {
        let id = first_id + i as i64;
        let edit = match i % 3 {
            0 => TransactionEdit { category_id: Some(salary), ..Default::default() },
            1 => TransactionEdit { transfer: Some(!rows[i].transfer), ..Default::default() },
            _ => TransactionEdit { included: Some(!rows[i].included), ..Default::default() },
        };
        ledger.edit_transaction(id, &edit).unwrap();
        match i % 3 {
            0 => rows[i].category = "収入/給与",
            1 => rows[i].transfer = !rows[i].transfer,
            _ => rows[i].included = !rows[i].included,
        }
    }
    ledger.conn.execute("DELETE FROM transactions WHERE id = ?1", [first_id + 5]).unwrap();
    crate::ledger::assert_month_totals_match_rows(&ledger);
    rows[5].account = Some(usize::MAX); // gone: in no scope, no balance

    for (scope, members) in [
        (Scope::Visible, vec![None, Some(0), Some(1), Some(2), Some(3)]),
        (Scope::Group(group), vec![Some(0), Some(4)]),
    ] {
        for month in ["2026-09", "2026-10", "2026-11"] {
            let counted = |row: &&Generated| {
                row.date.starts_with(month)
                    && row.included
                    && !row.transfer
                    && row.account != Some(3)
                    && members.contains(&row.account)
            };
            let kind_of = |row: &Generated| CATEGORIES.iter().find(|(c, _)| *c == row.category).unwrap().1;
            let (mut income, mut expense, mut usd_income, mut usd_expense) = (0i64, 0i64, 0i64, 0i64);
            for row in rows.iter().filter(counted) {
                let (inc, exp) = if row.account == Some(2) {
                    (&mut usd_income, &mut usd_expense)
                } else {
                    (&mut income, &mut expense)
                };
                match (kind_of(row), row.amount > 0) {
                    ("income", _) => *inc += row.amount,
                    ("expense", _) => *exp -= row.amount,
                    (_, true) => *inc += row.amount,
                    (_, false) => *exp -= row.amount,
                }
            }
            let report = monthly(&ledger, month, &scope).unwrap();
            assert_eq!(report.income, income.to_string(), "{month} income");
            assert_eq!(report.expense, expense.to_string(), "{month} expense");
            assert_eq!(report.net, (income - expense).to_string(), "{month} net");
            if let Some(usd) = report.other_currencies.iter().find(|c| c.currency == "USD") {
                assert_eq!(usd.income, decimal(usd_income, "USD"), "{month} USD income");
                assert_eq!(usd.expense, decimal(usd_expense, "USD"), "{month} USD expense");
            } else {
                assert_eq!((usd_income, usd_expense), (0, 0), "{month} USD");
            }
            // The category lines add up to the same totals.
            let food: i64 = rows
                .iter()
                .filter(counted)
                .filter(|r| r.account != Some(2) && r.category == "食費/外食")
                .map(|r| r.amount)
                .sum();
            let line =
                report.categories.iter().find(|l| l.category == "食費" && l.subcategory.as_deref() == Some("外食"));
            assert_eq!(line.map(|l| l.amount.clone()).unwrap_or_else(|| "0".into()), food.to_string(), "{month} 外食");
            // A 大項目's line is its own rows and its 中項目's rows, once each.
            for top in ["食費", "収入", "日用品"] {
                let yen_rows: Vec<&Generated> = rows
                    .iter()
                    .filter(counted)
                    .filter(|r| r.account != Some(2) && r.category.split('/').next() == Some(top))
                    .collect();
                let line = report.top_categories.iter().find(|l| l.category == top);
                match line {
                    Some(line) => assert_eq!(
                        line.amount,
                        yen_rows.iter().map(|r| r.amount).sum::<i64>().to_string(),
                        "{month} {top}"
                    ),
                    None => assert!(yen_rows.is_empty(), "{month} {top} is missing"),
                }
            }
            let tops: Vec<&str> = report.top_categories.iter().map(|l| l.category.as_str()).collect();
            let mut unique = tops.clone();
            unique.dedup();
            assert_eq!(tops, unique, "{month}: each 大項目 once");
        }
    }

    // Assets at the end of October: opening balances plus every row up to then, by class.
    let upto = |i: usize| {
        rows.iter().filter(|r| r.account == Some(i) && r.date.as_str() <= "2026-10-31").map(|r| r.amount).sum::<i64>()
    };
    let report = assets(&ledger, "2026-10-31", &Scope::Visible).unwrap();
    let deposits = 100_000 + upto(0);
    let liabilities = upto(1);
    assert_eq!(
        report.classes,
        [
            AssetClassLine { class: "deposits", amount: deposits.to_string() },
            AssetClassLine { class: "liabilities", amount: liabilities.to_string() },
        ]
    );
    assert_eq!(report.total, (deposits + liabilities).to_string());
    assert_eq!(
        report.unvalued,
        [UnvaluedAccount {
            account_id: accounts[2],
            currency: "USD".into(),
            balance: decimal(10_000 + upto(2), "USD")
        }]
    );

    // Asset history by month end and by day, against the same independent sums.
    let at = |i: usize, day: &str| {
        rows.iter().filter(|r| r.account == Some(i) && r.date.as_str() <= day).map(|r| r.amount).sum::<i64>()
    };
    let months = history(&ledger, "2026-08-15", "2026-11-20", "month", &Scope::Visible).unwrap();
    let dates: Vec<&str> = months.points.iter().map(|p| p.date.as_str()).collect();
    assert_eq!(dates, ["2026-08-31", "2026-09-30", "2026-10-31", "2026-11-20"]);
    for point in months
        .points
        .iter()
        .chain(history(&ledger, "2026-10-28", "2026-11-03", "day", &Scope::Visible).unwrap().points.iter())
    {
        let net = 100_000 + at(0, &point.date) + at(1, &point.date);
        assert_eq!(point.total, Some(net.to_string()), "total on {}", point.date);
    }
    // One account's own history, in its own currency, whether or not it counts in the totals:
    // the dollar account and the account kept out of the totals, day by day and by month end.
    for (i, opening, currency) in [(2, 10_000, "USD"), (3, 5_000, "JPY")] {
        let days = account_history(&ledger, accounts[i], Some("2026-10-28"), "2026-11-03", "day").unwrap();
        assert_eq!((days.currency.as_str(), days.points.len()), (currency, 7));
        let whole = account_history(&ledger, accounts[i], None, "2026-11-20", "month").unwrap();
        assert_eq!((whole.from.as_str(), whole.first_day.as_deref()), ("2026-01-01", Some("2026-01-01")));
        assert_eq!(whole.points.len(), 11, "January to October's month ends, and the 20th");
        for point in days.points.iter().chain(whole.points.iter()) {
            assert_eq!(point.balance, Some(decimal(opening + at(i, &point.date), currency)), "#{i} on {}", point.date);
        }
    }
    // Before the account existed a day has no balance (not 0); `auto` is daily within about a year.
    let before = account_history(&ledger, accounts[0], Some("2025-12-30"), "2026-01-02", "auto").unwrap();
    assert_eq!(before.interval, "day");
    let balances: Vec<Option<&str>> = before.points.iter().map(|p| p.balance.as_deref()).collect();
    assert_eq!(balances, [None, None, Some("100000"), Some("100000")]);
    assert_eq!(
        account_history(&ledger, accounts[0], Some("2020-01-01"), "2026-11-20", "auto").unwrap().interval,
        "month"
    );
    assert!(account_history(&ledger, 9_999, None, "2026-11-20", "day").is_err(), "no such account");
    let hidden = history(&ledger, "2026-10-01", "2026-10-31", "month", &Scope::Group(group)).unwrap();
    assert_eq!(hidden.points[0].total, Some((100_000 + 7_000 + at(0, "2026-10-31") + at(4, "2026-10-31")).to_string()));
    assert_eq!(
        hidden.points[0].classes.iter().find(|c| c.class == "emoney").unwrap().amount,
        (7_000 + at(4, "2026-10-31")).to_string()
    );
}

#[test]
fn a_month_is_checked() {
    let (_dir, ledger) = test_ledger();
    for bad in ["2026-13", "2026", "11-2026", "2026-1x"] {
        let error = monthly(&ledger, bad, &Scope::Visible).unwrap_err();
        assert!(error.message.starts_with("month:"), "{bad}: {}", error.message);
    }
    let empty = monthly(&ledger, "2026-02", &Scope::Visible).unwrap();
    assert_eq!((empty.income.as_str(), empty.expense.as_str(), empty.net.as_str()), ("0", "0", "0"));
}

/// 評価損益 per account, per class and in total, against figures worked out by hand: each account's
/// latest holdings on or before the date, a holding without a price or in dollars left out (not
/// ¥0), a hidden account out of the default group.
#[test]
fn gains_are_summed_from_each_accounts_latest_holdings_by_hand() {
    let (_dir, mut ledger) = test_ledger();
    let mut account = |name: &str, kind: AccountKind| {
        let new = NewManualAccount { name: name.into(), kind, opening_balance: Amount::from_minor(0, Currency::jpy()) };
        ledger.add_manual_account(&new, "2026-01-01T00:00:00Z").unwrap().id
    };
    let (funds, coins, hidden) = (
        account("証券", AccountKind::Securities),
        account("取引所", AccountKind::Crypto),
        account("隠し", AccountKind::Securities),
    );
    ledger.set_hidden(Member::Account(hidden), true).unwrap();
    let hold = |account: i64, asset: &str, value: Option<i64>, cost: Option<i64>, currency: &str, as_of: &str| {
        ledger
            .conn
            .execute(
                "INSERT INTO holdings (account_id, asset, quantity, value, cost, currency, as_of) VALUES (?1, ?2, '1', ?3, ?4, ?5, ?6)",
                rusqlite::params![account, asset, value, cost, currency, as_of],
            )
            .unwrap();
    };
    hold(funds, "older", Some(900), Some(1_000), "JPY", "2026-10-01");
    hold(funds, "全世界株式", Some(1_234_567), Some(1_000_000), "JPY", "2026-10-30");
    hold(funds, "国内債券", Some(950_000), Some(1_000_000), "JPY", "2026-10-30");
    hold(funds, "価格不明の投信", None, Some(500_000), "JPY", "2026-10-30");
    hold(coins, "BTC", Some(1_500_000), Some(2_000_000), "JPY", "2026-10-29");
    hold(coins, "AAPL", Some(100_000), Some(80_000), "USD", "2026-10-29");
    hold(coins, "later", Some(1), Some(1), "JPY", "2026-11-05");
    hold(hidden, "へそくり投信", Some(100), Some(50), "JPY", "2026-10-30");

    let figures = |value: &str, cost: &str, gain: &str, ratio: &str| GainFigures {
        value: value.into(),
        cost: cost.into(),
        gain: gain.into(),
        gain_ratio: Some(ratio.into()),
    };
    let gains = assets(&ledger, "2026-10-31", &Scope::Visible).unwrap().gains;
    // 証券: 1,234,567 + 950,000 for 2,000,000: +184,567, 0.0922835 → 0.0923.
    // 取引所: 1,500,000 for 2,000,000: −500,000, −0.25.
    // Together: 3,684,567 for 4,000,000: −315,433, −0.07885825 → −0.0789.
    assert_eq!(
        gains,
        Gains {
            total: Some(figures("3684567", "4000000", "-315433", "-0.0789")),
            classes: vec![
                ClassGain { class: "crypto", figures: figures("1500000", "2000000", "-500000", "-0.2500") },
                ClassGain { class: "securities", figures: figures("2184567", "2000000", "184567", "0.0923") },
            ],
            accounts: vec![
                AccountGain { account_id: funds, figures: figures("2184567", "2000000", "184567", "0.0923") },
                AccountGain { account_id: coins, figures: figures("1500000", "2000000", "-500000", "-0.2500") },
            ],
            left_out: 2,
        }
    );
    // Before any holding: nothing to sum, nothing made up.
    assert_eq!(assets(&ledger, "2026-09-30", &Scope::Visible).unwrap().gains, Gains::default());
}

/// An account in dollars or a coin counts in net worth at the latest rate on or before the day,
/// and says which rate; before any rate it is listed apart and left out of the history — never
/// added 1:1.
#[test]
fn other_currencies_count_at_their_rate_of_the_day_and_apart_without_one() {
    let (_dir, mut ledger) = test_ledger();
    let mut account = |name: &str, kind: AccountKind, currency: &str, opening: i64| {
        let currency = Currency::parse(currency).unwrap();
        let new = NewManualAccount { name: name.into(), kind, opening_balance: Amount::from_minor(opening, currency) };
        ledger.add_manual_account(&new, "2026-10-01T00:00:00Z").unwrap().id
    };
    account("銀行", AccountKind::Bank, "JPY", 100_000);
    let dollars = account("Chase", AccountKind::Bank, "USD", 123_456); // $1,234.56
    let coins = account("BTC", AccountKind::Crypto, "BTC", 12_345_678); // 0.12345678 BTC
    ledger.set_rate("USD", "150", "2026-10-10", "now").unwrap();
    ledger.set_rate("USD", "151.20", "2026-10-20", "now").unwrap();

    let report = assets(&ledger, "2026-10-31", &Scope::Visible).unwrap();
    // $1,234.56 × 151.20 = ¥186,665.472 → ¥186,665; the coin has no rate: apart.
    assert_eq!(report.converted.len(), 1);
    let converted = &report.converted[0];
    assert_eq!(
        (converted.account_id, converted.balance.as_str(), converted.value.as_str()),
        (dollars, "1234.56", "186665")
    );
    assert_eq!((converted.rate.rate.as_str(), converted.rate.as_of.as_str()), ("151.2", "2026-10-20"));
    assert_eq!(converted.rate.source, "user");
    assert_eq!(
        report.unvalued,
        [UnvaluedAccount { account_id: coins, currency: "BTC".into(), balance: "0.12345678".into() }]
    );
    assert_eq!(report.total, (100_000 + 186_665).to_string());
    assert_eq!(report.classes[0], AssetClassLine { class: "deposits", amount: "286665".into() });

    // Day by day: before the first rate only the yen; then at ¥150 ($1,234.56 → ¥185,184); then ¥151.20.
    let days = history(&ledger, "2026-10-09", "2026-10-20", "day", &Scope::Visible).unwrap();
    let total = |date: &str| days.points.iter().find(|p| p.date == date).unwrap().total.clone();
    assert_eq!(total("2026-10-09"), Some("100000".into()));
    assert_eq!(total("2026-10-10"), Some((100_000 + 185_184).to_string()));
    assert_eq!(total("2026-10-19"), Some((100_000 + 185_184).to_string()));
    assert_eq!(total("2026-10-20"), Some((100_000 + 186_665).to_string()));
}
