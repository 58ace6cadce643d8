use gims_sandbox::INSTITUTIONS;
use gims_sandbox::data::{HoldingClass, dataset};

use crate::harness::*;

fn slash(date: time::Date) -> String {
    format!("{:04}/{:02}/{:02}", date.year(), u8::from(date.month()), date.day())
}

#[tokio::test]
async fn three_cards_with_balances_payments_and_statements() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-card", "carol", "/cards").await;
    let expected = dataset("sandbox-card", "carol", harness.today());
    let page = harness.page(&client, "/sandbox-card/cards").await;
    assert_eq!(page.select(&selector("table#cards tr.card")).count(), 3);
    let owed: Vec<i64> = texts(&page, "tr.card td.unpaid-balance").iter().map(|t| amount(t)).collect();
    assert_eq!(owed, expected.accounts.iter().map(|a| -a.balance).collect::<Vec<_>>());
    let tails = texts(&page, "tr.card td.card-no");
    let payment_dates = texts(&page, "tr.card td.next-payment-date");
    let payment_amounts = texts(&page, "tr.card td.next-payment-amount");
    for (index, card) in expected.accounts.iter().enumerate() {
        let details = card.card.as_ref().unwrap();
        assert_eq!(tails[index], format!("****-****-****-{}", details.number_tail));
        assert_eq!(payment_dates[index], slash(details.next_payment_date));
        assert_eq!(amount(&payment_amounts[index]), details.next_payment_amount);
    }

    for card in &expected.accounts {
        let (rows, _) = all_rows(&harness, &client, &format!("/sandbox-card/cards/{}/statement", card.id)).await;
        assert_eq!(rows.len(), card.transactions.len());
        for (row, line) in rows.iter().zip(&card.transactions) {
            assert_eq!(row.id, line.id);
            // Statements print a charge as a positive 利用金額.
            assert_eq!(amount(&row.cells["amount"]), -line.amount);
        }
    }
    let first_card = &expected.accounts[0].transactions;
    assert!(first_card.iter().any(|line| line.description.contains("後払い")));
}

#[tokio::test]
async fn securities_portfolio_wrap_account_and_trades() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-securities", "sam", "/portfolio").await;
    let expected = dataset("sandbox-securities", "sam", harness.today());
    let (general, wrap) = (&expected.accounts[0], &expected.accounts[1]);
    let page = harness.page(&client, "/sandbox-securities/portfolio").await;
    assert_eq!(amount(&text(&page, "#cash-balance")), general.balance);
    let stocks: Vec<_> = general.holdings.iter().filter(|h| h.class == HoldingClass::DomesticStock).collect();
    assert_eq!(
        texts(&page, "#stock-holdings tr.holding td.code"),
        stocks.iter().map(|h| h.code.clone()).collect::<Vec<_>>()
    );
    let quantities = texts(&page, "#stock-holdings tr.holding td.quantity");
    assert_eq!(quantities[0], format!("{}株", stocks[0].quantity));
    let stock_prices = texts(&page, "#stock-holdings tr.holding td.price");
    assert_eq!(stock_prices[0].replace(',', ""), format!("{}円", stocks[0].price));
    assert_eq!(page.select(&selector("#fund-holdings tr.holding")).count(), 2);
    assert!(texts(&page, "#fund-holdings td.quantity").iter().all(|q| q.ends_with('口')));
    assert_eq!(attr(&page, "#wrap-account", "data-account-no"), wrap.id);
    let wrap_values: Vec<i64> = texts(&page, "#wrap-holdings td.value").iter().map(|t| amount(t)).collect();
    assert_eq!(wrap_values, wrap.holdings.iter().map(|h| h.value).collect::<Vec<_>>());

    let (rows, _) = all_rows(&harness, &client, "/sandbox-securities/trades").await;
    assert_eq!(
        rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        general.transactions.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn points_balance_expiry_and_history() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-points", "pat", "/points").await;
    let member = &dataset("sandbox-points", "pat", harness.today()).accounts[0];
    let page = harness.page(&client, "/sandbox-points/points").await;
    assert_eq!(amount(&text(&page, "#points-balance")), member.balance);
    assert!(text(&page, "#points-balance").ends_with("pt"));
    let dates = texts(&page, "#points-expiry tr.expiry td.expiry-date");
    let points: Vec<i64> = texts(&page, "#points-expiry tr.expiry td.points").iter().map(|t| amount(t)).collect();
    assert_eq!(dates, member.points_expiry.iter().map(|e| slash(e.date)).collect::<Vec<_>>());
    assert_eq!(points, member.points_expiry.iter().map(|e| e.points).collect::<Vec<_>>());

    let (rows, _) = all_rows(&harness, &client, "/sandbox-points/points/history").await;
    assert_eq!(rows.len(), member.transactions.len());
    let signed: Vec<i64> = rows.iter().map(|r| amount(&r.cells["points"])).collect();
    assert_eq!(signed, member.transactions.iter().map(|t| t.amount).collect::<Vec<_>>());
}

#[tokio::test]
async fn pension_valuation_funds_and_history() {
    let harness = Harness::start().await;
    let client = client();
    let before = harness.requests("sandbox-pension").await;
    harness.login(&client, "sandbox-pension", "penny", "/assets").await;
    let plan = &dataset("sandbox-pension", "penny", harness.today()).accounts[0];
    let page = harness.page(&client, "/sandbox-pension/assets").await;
    assert_eq!(attr(&page, "#pension-account", "data-plan-no"), plan.id);
    assert_eq!(text(&page, "#plan-no"), plan.id);
    assert_eq!(amount(&text(&page, "#cash-balance")), plan.balance);
    let invested: i64 = plan.holdings.iter().map(|h| h.value).sum();
    assert_eq!(amount(&text(&page, "#total-valuation")), plan.balance + invested);
    assert_eq!(
        texts(&page, "#fund-holdings tr.holding td.code"),
        plan.holdings.iter().map(|h| h.code.clone()).collect::<Vec<_>>()
    );
    assert!(texts(&page, "#fund-holdings td.quantity").iter().all(|q| q.ends_with('口')));

    let (rows, pages) = all_rows(&harness, &client, "/sandbox-pension/history").await;
    assert!(pages > 1, "a plan's history is paged");
    assert_eq!(
        rows.iter().map(|r| (r.id.clone(), amount(&r.cells["amount"]))).collect::<Vec<_>>(),
        plan.transactions.iter().map(|t| (t.id.clone(), t.amount)).collect::<Vec<_>>()
    );
    assert!(harness.requests("sandbox-pension").await > before, "every page is counted");
}

#[tokio::test]
async fn the_index_lists_every_institution() {
    let harness = Harness::start().await;
    let page = harness.page(&client(), "/").await;
    let listed: Vec<String> = page
        .select(&selector("#institutions tr.institution"))
        .map(|row| row.value().attr("data-id").unwrap().to_owned())
        .collect();
    assert_eq!(listed, INSTITUTIONS.iter().map(|i| i.id.to_owned()).collect::<Vec<_>>());
    assert_eq!(listed.len(), 10);
}
