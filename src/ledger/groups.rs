//! Groups (named sets of connections and accounts) and hiding. Every total and report is computed
//! over a [`Scope`]: the default group, which is everything not hidden, or one named group, which
//! is exactly its members (hidden or not: putting an account in a group is asking to see it).

use super::Ledger;
use crate::error::{GimsError, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// What a report counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every account that is not hidden (nor under a hidden connection), and cash.
    Visible,
    /// The accounts of one group, by id.
    Group(i64),
}

/// The accounts a scope covers; `0` stands for cash transactions that have no account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeAccounts {
    pub ids: Vec<i64>,
}

impl ScopeAccounts {
    /// A JSON array for `IN (SELECT value FROM json_each(?))`.
    pub fn json(&self) -> String {
        serde_json::to_string(&self.ids).expect("integers serialise")
    }
}

pub fn scope_accounts(conn: &Connection, scope: &Scope) -> Result<ScopeAccounts> {
    let ids = match scope {
        Scope::Visible => {
            let mut statement = conn.prepare_cached(
                "SELECT 0 UNION ALL
                 SELECT a.id FROM accounts a LEFT JOIN connections c ON c.id = a.connection_id
                 WHERE a.hidden = 0 AND coalesce(c.hidden, 0) = 0",
            )?;
            statement.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?
        }
        Scope::Group(group) => {
            let mut statement = conn.prepare_cached(
                "SELECT m.account_id FROM group_members m WHERE m.group_id = ?1 AND m.account_id IS NOT NULL
                 UNION
                 SELECT a.id FROM group_members m JOIN accounts a ON a.connection_id = m.connection_id
                 WHERE m.group_id = ?1",
            )?;
            statement.query_map([group], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?
        }
    };
    Ok(ScopeAccounts { ids })
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub connections: Vec<i64>,
    pub accounts: Vec<i64>,
}

/// A connection or an account, as a group member or something to hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    Connection(i64),
    Account(i64),
}

impl Member {
    fn exists(self, conn: &Connection) -> Result<()> {
        let (table, what, id) = match self {
            Member::Connection(id) => ("connections", "connection", id),
            Member::Account(id) => ("accounts", "account", id),
        };
        let found: bool =
            conn.query_row(&format!("SELECT count(*) > 0 FROM {table} WHERE id = ?1"), [id], |row| row.get(0))?;
        if found {
            Ok(())
        } else {
            Err(GimsError::invalid(what, format!("there is no {what} {id} (see `gims {table}`)")))
        }
    }
}

impl Ledger {
    /// A group by name (or by its number).
    pub fn group_id(&self, name: &str) -> Result<i64> {
        let name = name.trim();
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM groups WHERE name = ?1 OR (CAST(id AS TEXT) = ?1 AND NOT EXISTS (SELECT 1 FROM groups WHERE name = ?1))",
                [name],
                |row| row.get(0),
            )
            .optional()?;
        found.ok_or_else(|| GimsError::invalid("group", format!("there is no group `{name}` (see `gims groups`)")))
    }

    pub fn scope(&self, group: Option<&str>) -> Result<Scope> {
        Ok(match group {
            None => Scope::Visible,
            Some(name) => Scope::Group(self.group_id(name)?),
        })
    }

    pub fn create_group(&mut self, name: &str, now: &str) -> Result<GroupRow> {
        let name = name.trim();
        if name.is_empty() {
            return Err(GimsError::invalid("name", "a group needs a name"));
        }
        let taken: bool =
            self.conn.query_row("SELECT count(*) > 0 FROM groups WHERE name = ?1", [name], |r| r.get(0))?;
        if taken {
            return Err(GimsError::invalid("name", format!("there is already a group `{name}`")));
        }
        self.conn.execute("INSERT INTO groups (name, created_at) VALUES (?1, ?2)", params![name, now])?;
        self.group(self.conn.last_insert_rowid())
    }

    /// Deletes the group only: its connections and accounts stay as they are.
    pub fn delete_group(&mut self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM groups WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn set_group_member(&mut self, group: i64, member: Member, present: bool) -> Result<GroupRow> {
        member.exists(&self.conn)?;
        let (connection_id, account_id) = match member {
            Member::Connection(id) => (Some(id), None),
            Member::Account(id) => (None, Some(id)),
        };
        if present {
            self.conn.execute(
                "INSERT OR IGNORE INTO group_members (group_id, connection_id, account_id) VALUES (?1, ?2, ?3)",
                params![group, connection_id, account_id],
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM group_members WHERE group_id = ?1 AND connection_id IS ?2 AND account_id IS ?3",
                params![group, connection_id, account_id],
            )?;
        }
        self.group(group)
    }

    pub fn group(&self, id: i64) -> Result<GroupRow> {
        let name: String = self
            .conn
            .query_row("SELECT name FROM groups WHERE id = ?1", [id], |row| row.get(0))
            .optional()?
            .ok_or_else(|| GimsError::invalid("group", format!("there is no group {id}")))?;
        let mut statement = self.conn.prepare_cached(
            "SELECT connection_id, account_id FROM group_members WHERE group_id = ?1
             ORDER BY connection_id IS NULL, connection_id, account_id",
        )?;
        let mut row = GroupRow { id, name, connections: Vec::new(), accounts: Vec::new() };
        let members = statement.query_map([id], |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)))?;
        for member in members {
            match member? {
                (Some(connection), _) => row.connections.push(connection),
                (_, Some(account)) => row.accounts.push(account),
                _ => {}
            }
        }
        Ok(row)
    }

    pub fn groups(&self) -> Result<Vec<GroupRow>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM groups ORDER BY name")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.group(id)).collect()
    }

    /// Hides (or shows again) a connection with all its accounts, or one account. Nothing is
    /// deleted: a hidden account leaves the default group's totals and reports.
    pub fn set_hidden(&mut self, member: Member, hidden: bool) -> Result<()> {
        member.exists(&self.conn)?;
        match member {
            Member::Connection(id) => {
                self.conn.execute("UPDATE connections SET hidden = ?2 WHERE id = ?1", params![id, hidden])?
            }
            Member::Account(id) => {
                self.conn.execute("UPDATE accounts SET hidden = ?2 WHERE id = ?1", params![id, hidden])?
            }
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewManualAccount, test_ledger};
    use crate::money::{Amount, Currency};
    use gims_connectors::AccountKind;

    fn account(ledger: &mut Ledger, name: &str) -> i64 {
        let account = NewManualAccount {
            name: name.into(),
            kind: AccountKind::Bank,
            opening_balance: Amount::from_minor(0, Currency::jpy()),
        };
        ledger.add_manual_account(&account, "2026-11-01T00:00:00Z").unwrap().id
    }

    #[test]
    fn the_default_scope_leaves_hidden_accounts_out_and_a_group_is_exactly_its_members() {
        let (_dir, mut ledger) = test_ledger();
        let a = account(&mut ledger, "生活口座");
        let b = account(&mut ledger, "へそくり");
        ledger.set_hidden(Member::Account(b), true).unwrap();
        assert_eq!(scope_accounts(&ledger.conn, &Scope::Visible).unwrap().ids, vec![0, a]);

        let group = ledger.create_group("夫婦", "2026-11-01T00:00:00Z").unwrap();
        ledger.set_group_member(group.id, Member::Account(b), true).unwrap();
        assert_eq!(scope_accounts(&ledger.conn, &Scope::Group(group.id)).unwrap().ids, vec![b]);
        assert_eq!(ledger.group_id("夫婦").unwrap(), group.id);
        assert!(ledger.create_group("夫婦", "2026-11-01T00:00:00Z").is_err());
        assert!(ledger.set_group_member(group.id, Member::Account(999), true).is_err());

        ledger.set_hidden(Member::Account(b), false).unwrap();
        assert_eq!(scope_accounts(&ledger.conn, &Scope::Visible).unwrap().ids, vec![0, a, b]);
    }
}
