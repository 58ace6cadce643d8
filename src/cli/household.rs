//! The household commands: reports beyond the monthly one, groups and hiding, transfers, rules,
//! category predictions, categories and budgets. Each forwards to the core in a few lines.

use super::args::{
    BudgetCommand, CategorizeCommand, CategoryCommand, Cli, Command, GroupCommand, RateCommand, ReportCommand,
    RuleCommand, TransfersCommand,
};
use super::emit;
use super::human::{category_path, money, pad, totals_line};
use gims::api::{Gims, RuleInput};
use gims::error::Result;
use gims::ledger::GroupRow;
use gims::ledger::rates::RateRow;
use gims::ledger::rules::{Prediction, RuleRow};
use gims::ledger::transfers::{TransferMark, TransferSuggestion};
use gims::report::{AccountHistory, BudgetReport, HistoryReport, YearReport};
use std::fmt::Write;

pub fn report(cli: &Cli, gims: &mut Gims, command: &ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Year { year, group } => emit(cli, &gims.report_year(*year, group.as_deref())?, year_report),
        ReportCommand::History { from, to, interval, group } => {
            emit(cli, &gims.report_history(from.as_deref(), to.as_deref(), interval, group.as_deref())?, history_report)
        }
        ReportCommand::AccountHistory { account, from, to, interval } => {
            emit(cli, &gims.account_history(*account, from.as_deref(), to.as_deref(), interval)?, account_history)
        }
        ReportCommand::Expiring { days, group } => emit(cli, &gims.report_expiring(*days, group.as_deref())?, |rows| {
            let mut out = String::new();
            for row in rows {
                let _ = writeln!(
                    out,
                    "{}  {} expires on {}",
                    pad(&row.account, 24),
                    money(&row.amount, &row.currency),
                    row.expires_on.replace('-', "/")
                );
            }
            if out.is_empty() { "nothing expires in that time\n".into() } else { out }
        }),
        ReportCommand::Budget { month, group } => {
            emit(cli, &gims.report_budget(month, group.as_deref())?, budget_report)
        }
        ReportCommand::Auto => emit(cli, &gims.write_due_reports(time::OffsetDateTime::now_utc())?, |rows| {
            if rows.is_empty() {
                "no report due (or no report_folder set: `gims set report_folder DIR`)\n".into()
            } else {
                rows.iter().map(|r| format!("{}: {} and {}\n", r.month, r.html.display(), r.csv.display())).collect()
            }
        }),
        ReportCommand::Monthly { .. } | ReportCommand::Assets { .. } | ReportCommand::Export { .. } => {
            unreachable!("the monthly, asset and export reports are dispatched by the caller")
        }
    }
}

pub fn execute(cli: &Cli, gims: &mut Gims, command: &Command) -> Result<()> {
    match command {
        Command::Rates => emit(cli, &gims.rates()?, |rows| {
            if rows.is_empty() {
                return "no rates: set one with `gims rate set USD 151.20`\n".into();
            }
            rows.iter().map(rate_line).collect()
        }),
        Command::Rate(RateCommand::Set { currency, rate, date }) => {
            emit(cli, &gims.set_rate(currency, rate, date.as_deref())?, rate_line)
        }
        Command::Groups => emit(cli, &gims.groups()?, |rows| rows.iter().map(group_line).collect()),
        Command::Group(GroupCommand::Create { name }) => emit(cli, &gims.create_group(name)?, group_line),
        Command::Group(GroupCommand::Delete { name }) => emit(cli, &gims.delete_group(name)?, |row| {
            format!("deleted the group {} (its connections and accounts are kept)\n", row.name)
        }),
        Command::Group(GroupCommand::Add { name, member }) => {
            emit(cli, &gims.set_group_member(name, member.member(), true)?, group_line)
        }
        Command::Group(GroupCommand::Remove { name, member }) => {
            emit(cli, &gims.set_group_member(name, member.member(), false)?, group_line)
        }
        Command::Hide(member) | Command::Unhide(member) => {
            let hidden = matches!(command, Command::Hide(_));
            gims.set_hidden(member.member(), hidden)?;
            let what = match member.member() {
                gims::ledger::Member::Connection(id) => format!("connection {id}"),
                gims::ledger::Member::Account(id) => format!("account {id}"),
            };
            let value = serde_json::json!({ "hidden": hidden, "member": what });
            emit(cli, &value, |_| {
                if hidden {
                    format!("{what} is hidden: out of the default totals and reports, its data kept\n")
                } else {
                    format!("{what} is shown again\n")
                }
            })
        }
        Command::Transfers(TransfersCommand::Suggest { from, to }) => {
            emit(cli, &gims.suggest_transfers(from.as_deref(), to.as_deref())?, |rows| suggestions(rows))
        }
        Command::Transfers(TransfersCommand::Mark { out_tx, in_tx, reason }) => {
            emit(cli, &gims.mark_transfer(*out_tx, *in_tx, reason.as_deref())?, mark_line)
        }
        Command::Transfers(TransfersCommand::Undo { transaction }) => {
            emit(cli, &gims.undo_transfer(*transaction)?, |mark| format!("undone: {}", mark_line(mark)))
        }
        Command::Transfers(TransfersCommand::Dismiss { out_tx, in_tx }) => {
            gims.dismiss_transfer(*out_tx, *in_tx)?;
            emit(cli, &serde_json::json!({ "dismissed": [out_tx, in_tx] }), |_| "not suggested again\n".into())
        }
        Command::Transfers(TransfersCommand::List) => {
            emit(cli, &gims.transfer_marks()?, |rows| rows.iter().map(mark_line).collect())
        }
        Command::Rules => emit(cli, &gims.rules()?, |rows| rows.iter().map(rule_line).collect()),
        Command::Rule(RuleCommand::Add {
            match_text,
            min_amount,
            max_amount,
            account,
            category,
            transfer,
            included,
            apply,
        }) => {
            let input = RuleInput {
                match_text: match_text.clone(),
                min_amount: min_amount.clone(),
                max_amount: max_amount.clone(),
                account: *account,
                category: category.clone(),
                transfer: transfer.clone(),
                included: included.clone(),
            };
            emit(cli, &gims.add_rule(&input, *apply)?, |added| {
                format!("{}  ({} existing row(s) filed)\n", rule_line(&added.rule).trim_end(), added.applied)
            })
        }
        Command::Rule(RuleCommand::Delete { id }) => {
            gims.delete_rule(*id)?;
            emit(cli, &serde_json::json!({ "deleted": id }), |_| format!("rule {id} deleted\n"))
        }
        Command::Rule(RuleCommand::Propose { transaction }) => {
            emit(cli, &gims.propose_rule(*transaction)?, |proposal| match proposal {
                Some(proposal) => format!("{}\n", proposal.explanation),
                None => "no rule to propose\n".into(),
            })
        }
        Command::Rule(RuleCommand::Apply { overwrite }) => {
            let changed = gims.apply_rules(*overwrite)?;
            emit(cli, &serde_json::json!({ "changed": changed }), |_| format!("{changed} row(s) changed\n"))
        }
        Command::Rule(RuleCommand::Starter { apply }) => {
            let added = gims.add_starter_rules(*apply)?;
            emit(cli, &added, |a| format!("{} starter rule(s) added, {} row(s) filed\n", a.added, a.applied))
        }
        Command::Categorize(CategorizeCommand::Suggest { limit }) => {
            emit(cli, &gims.predict_categories(*limit)?, |rows| predictions(rows, false))
        }
        Command::Categorize(CategorizeCommand::Apply { limit }) => {
            emit(cli, &gims.accept_predictions(*limit)?, |rows| predictions(rows, true))
        }
        Command::Category(CategoryCommand::Add { name, parent, kind }) => {
            emit(cli, &gims.add_category(name, parent.as_deref(), kind.as_deref())?, category_line)
        }
        Command::Category(CategoryCommand::Rename { category, name }) => {
            emit(cli, &gims.rename_category(category, name)?, category_line)
        }
        Command::Category(CategoryCommand::Merge { from, into }) => {
            emit(cli, &gims.merge_category(from, into)?, |view| format!("{}\n", serde_json::json!(view)))
        }
        Command::Category(CategoryCommand::Hide { category })
        | Command::Category(CategoryCommand::Unhide { category }) => {
            let hidden = matches!(command, Command::Category(CategoryCommand::Hide { .. }));
            gims.set_category_hidden(category, hidden)?;
            emit(cli, &serde_json::json!({ "category": category, "hidden": hidden }), |_| "done\n".into())
        }
        Command::Budget(BudgetCommand::Set { category, amount, month }) => {
            gims.set_budget(category, Some(amount), month.as_deref())?;
            let value = serde_json::json!({ "category": category, "amount": amount, "month": month });
            emit(cli, &value, |_| format!("budget for {category}: {}\n", money(amount, "JPY")))
        }
        Command::Budget(BudgetCommand::Remove { category, month }) => {
            gims.set_budget(category, None, month.as_deref())?;
            emit(cli, &serde_json::json!({ "category": category, "removed": true }), |_| "removed\n".into())
        }
        _ => unreachable!("only household commands are dispatched here"),
    }
}

/// After the user re-categorised a row: the rule GIMS proposes, on stderr.
pub fn propose_rule(gims: &Gims, id: i64) -> Result<()> {
    if let Some(proposal) = gims.propose_rule(id)? {
        let path = category_path(&proposal.category, proposal.subcategory.as_deref());
        eprintln!(
            "tip: {}\n     gims rule add --match '{}' --category '{path}' --apply",
            proposal.explanation, proposal.match_text
        );
    }
    Ok(())
}

fn category_line(row: &gims::ledger::categories::CategoryRow) -> String {
    format!("{:>4}  {} ({})\n", row.id, category_path(&row.category, row.subcategory.as_deref()), row.kind)
}

fn group_line(row: &GroupRow) -> String {
    format!("{:>3}  {}  connections {:?}  accounts {:?}\n", row.id, row.name, row.connections, row.accounts)
}

fn suggestions(rows: &[TransferSuggestion]) -> String {
    if rows.is_empty() {
        return "no transfer suggestions\n".into();
    }
    rows.iter()
        .map(|s| match s.in_tx {
            Some(in_tx) => {
                format!("{} → {}  {}\n  gims transfers mark {} {in_tx}\n", s.out_tx, in_tx, s.reason, s.out_tx)
            }
            None => format!("{}  {}\n  gims transfers mark {}\n", s.out_tx, s.reason, s.out_tx),
        })
        .collect()
}

fn mark_line(mark: &TransferMark) -> String {
    let side = |side: &Option<gims::ledger::transfers::TransferSide>| match side {
        Some(s) => format!("{} {} {}", s.date, s.account.as_deref().unwrap_or("cash"), s.description),
        None => "(deleted)".into(),
    };
    let reason = if mark.reason.is_empty() { String::new() } else { format!("; {}", mark.reason) };
    match mark.in_tx {
        Some(in_tx) => format!(
            "transfer {}: {} → {in_tx} ({} → {}{reason})\n",
            mark.id,
            mark.out_tx,
            side(&mark.out_side),
            side(&mark.in_side)
        ),
        None => format!("transfer {}: {} (one-sided: {}{reason})\n", mark.id, mark.out_tx, side(&mark.out_side)),
    }
}

fn rule_line(rule: &RuleRow) -> String {
    let mut when = Vec::new();
    if let Some(text) = &rule.match_text {
        when.push(format!("mentions「{text}」"));
    }
    match (&rule.min_amount, &rule.max_amount) {
        (None, None) => {}
        (min, max) => when.push(format!(
            "amount {}–{}",
            min.as_deref().map(|m| money(m, "JPY")).unwrap_or_default(),
            max.as_deref().map(|m| money(m, "JPY")).unwrap_or_default()
        )),
    }
    if let Some(account) = rule.account_id {
        when.push(format!("account {account}"));
    }
    let mut then = Vec::new();
    if let Some(category) = &rule.category {
        then.push(category_path(category, rule.subcategory.as_deref()));
    }
    if let Some(transfer) = rule.transfer {
        then.push(if transfer { "transfer".into() } else { "not a transfer".into() });
    }
    if let Some(included) = rule.included {
        then.push(if included { "in totals".into() } else { "out of totals".into() });
    }
    format!("{:>3}  {} → {}\n", rule.id, when.join(", "), then.join(", "))
}

fn predictions(rows: &[Prediction], filed: bool) -> String {
    if rows.is_empty() {
        return "no predictions: file a few rows yourself first\n".into();
    }
    let verb = if filed { "filed" } else { "→" };
    rows.iter()
        .map(|p| {
            let path = category_path(&p.category, p.subcategory.as_deref());
            format!(
                "{:>6} {}  {}  {verb} {path}  ({})\n",
                p.transaction_id,
                p.date,
                pad(&p.description, 24),
                p.explanation
            )
        })
        .collect()
}

fn year_report(report: &YearReport) -> String {
    let mut out = totals_line(&report.year.to_string(), &report.income, &report.expense, &report.net, &report.currency);
    for month in &report.months {
        let _ = writeln!(
            out,
            "  {}  {:>14} {:>14} {:>14}",
            month.month,
            money(&month.income, &report.currency),
            money(&month.expense, &report.currency),
            money(&month.net, &report.currency)
        );
    }
    out
}

fn history_report(report: &HistoryReport) -> String {
    let mut out = String::new();
    for point in &report.points {
        let classes: Vec<String> =
            point.classes.iter().map(|c| format!("{} {}", c.class, money(&c.amount, &report.currency))).collect();
        let _ = writeln!(
            out,
            "{}  {:>14}  {}",
            point.date.replace('-', "/"),
            point.total.as_ref().map_or_else(|| "—".to_owned(), |total| money(total, &report.currency)),
            if point.total.is_some() { classes.join(", ") } else { "no data".to_owned() }
        );
    }
    out
}

fn rate_line(row: &RateRow) -> String {
    let from = match (row.source.as_str(), &row.source_detail) {
        ("user", _) => "typed by you".to_owned(),
        (source, Some(detail)) => format!("{source} {detail}"),
        (source, None) => source.to_owned(),
    };
    format!("1 {} = ¥{}  on {} ({from})\n", row.currency, row.rate, row.as_of.replace('-', "/"))
}

fn account_history(history: &AccountHistory) -> String {
    let mut out = format!("{} (#{}), {} to {}\n", history.account, history.account_id, history.from, history.to);
    for point in &history.points {
        let balance = point.balance.as_ref().map_or_else(|| "no data".to_owned(), |b| money(b, &history.currency));
        let _ = writeln!(out, "{}  {:>16}", point.date.replace('-', "/"), balance);
    }
    out
}

fn budget_report(report: &BudgetReport) -> String {
    let mut out = format!(
        "{}  budget {}  spent {}  left {}\n",
        report.month,
        money(&report.budget, &report.currency),
        money(&report.spent, &report.currency),
        money(&report.remaining, &report.currency)
    );
    for line in &report.lines {
        let name = category_path(&line.category, line.subcategory.as_deref());
        let _ = writeln!(
            out,
            "  {} {:>12} of {:>12}  {:>4}%",
            pad(&name, 24),
            money(&line.spent, &report.currency),
            money(&line.budget, &report.currency),
            line.percent
        );
    }
    out
}
