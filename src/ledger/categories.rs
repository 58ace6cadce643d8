//! Categories in two levels (大項目 / 中項目), seeded with the Japanese household set users of
//! household-ledger apps know, plus 未分類 for what nothing has classified yet.

use crate::error::{GimsError, Result};
use rusqlite::{Connection, OptionalExtension, params};

/// (大項目, kind, [中項目…]). Order is display order.
const DEFAULTS: &[(&str, &str, &[&str])] = &[
    ("食費", "expense", &["食料品", "外食", "朝ご飯", "昼ご飯", "夜ご飯", "カフェ", "その他食費"]),
    (
        "日用品",
        "expense",
        &["日用品", "子育て用品", "ドラッグストア", "おこづかい", "ペット用品", "たばこ", "その他日用品"],
    ),
    (
        "趣味・娯楽",
        "expense",
        &["アウトドア", "ゴルフ", "スポーツ", "映画・音楽・ゲーム", "本", "旅行", "秘密の趣味", "その他趣味・娯楽"],
    ),
    ("交際費", "expense", &["交際費", "飲み会", "プレゼント代", "冠婚葬祭", "その他交際費"]),
    ("交通費", "expense", &["電車", "バス", "タクシー", "飛行機", "その他交通費"]),
    ("衣服・美容", "expense", &["衣服", "クリーニング", "美容院・理髪", "化粧品", "アクセサリー", "その他衣服・美容"]),
    ("健康・医療", "expense", &["フィットネス", "ボディケア", "医療費", "薬", "その他健康・医療"]),
    (
        "自動車",
        "expense",
        &["自動車ローン", "道路料金", "ガソリン", "駐車場", "車両", "車検・整備", "自動車保険", "その他自動車"],
    ),
    ("教養・教育", "expense", &["書籍", "新聞・雑誌", "習いごと", "学費", "塾", "その他教養・教育"]),
    ("特別な支出", "expense", &["家具・家電", "住宅・リフォーム", "その他特別な支出"]),
    ("現金・カード", "expense", &["ATM引き出し", "カード引き落とし", "電子マネー", "使途不明金", "その他現金・カード"]),
    ("水道・光熱費", "expense", &["光熱費", "電気代", "ガス・灯油代", "水道代", "その他水道・光熱費"]),
    (
        "通信費",
        "expense",
        &["携帯電話", "固定電話", "インターネット", "放送視聴料", "情報サービス", "宅配便・運送", "その他通信費"],
    ),
    ("住宅", "expense", &["家賃・地代", "ローン返済", "管理費・積立金", "地震・火災保険", "その他住宅"]),
    ("税・社会保障", "expense", &["所得税・住民税", "年金保険料", "健康保険", "その他税・社会保障"]),
    ("保険", "expense", &["生命保険", "医療保険", "その他保険"]),
    ("その他", "expense", &["仕送り", "事業経費", "事業原価", "事業投資", "寄付金", "雑費"]),
    (
        "収入",
        "income",
        &["給与", "一時所得", "事業・副業", "年金", "配当所得", "不動産所得", "不明な入金", "その他入金"],
    ),
    ("未分類", "uncategorised", &[]),
];

pub const UNCATEGORISED: &str = "未分類";

pub fn seed_defaults(conn: &Connection) -> Result<()> {
    let mut insert =
        conn.prepare("INSERT INTO categories (parent_id, name, kind, position, builtin) VALUES (?1, ?2, ?3, ?4, 1)")?;
    for (position, (name, kind, children)) in DEFAULTS.iter().enumerate() {
        insert.execute(params![None::<i64>, name, kind, position as i64])?;
        let parent = conn.last_insert_rowid();
        for (child_position, child) in children.iter().enumerate() {
            insert.execute(params![parent, child, kind, child_position as i64])?;
        }
    }
    Ok(())
}

pub fn uncategorised_id(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT id FROM categories WHERE parent_id IS NULL AND name = ?1", [UNCATEGORISED], |row| {
        row.get(0)
    })?)
}

/// Finds a category by `大項目/中項目`, `大項目`, or a 中項目 name that is unique on its own.
pub fn resolve(conn: &Connection, text: &str) -> Result<i64> {
    let text = text.trim();
    if let Some((parent, child)) = text.split_once('/') {
        return conn
            .query_row(
                "SELECT c.id FROM categories c JOIN categories p ON c.parent_id = p.id
                 WHERE p.name = ?1 AND c.name = ?2",
                [parent.trim(), child.trim()],
                |row| row.get(0),
            )
            .optional()?
            .ok_or_else(|| GimsError::invalid("category", format!("there is no category `{text}`")));
    }
    let top: Option<i64> = conn
        .query_row("SELECT id FROM categories WHERE parent_id IS NULL AND name = ?1", [text], |row| row.get(0))
        .optional()?;
    if let Some(id) = top {
        return Ok(id);
    }
    let mut statement = conn
        .prepare("SELECT c.id, p.name FROM categories c JOIN categories p ON c.parent_id = p.id WHERE c.name = ?1")?;
    let matches: Vec<(i64, String)> =
        statement.query_map([text], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    match matches.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(GimsError::invalid(
            "category",
            format!("there is no category `{text}` (write 大項目/中項目, e.g. 食費/外食)"),
        )),
        several => Err(GimsError::invalid(
            "category",
            format!(
                "`{text}` is ambiguous: {}",
                several.iter().map(|(_, parent)| format!("{parent}/{text}")).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryRow {
    pub id: i64,
    pub category: String,
    pub subcategory: Option<String>,
    pub kind: String,
}

/// The categories offered as choices (not hidden): each 大項目 followed by its 中項目, in order.
pub fn list(conn: &Connection) -> Result<Vec<CategoryRow>> {
    Ok(tree(conn)?.into_iter().filter(|(_, hidden)| !hidden).map(|(row, _)| row).collect())
}

/// Every category, hidden ones too, with whether it is hidden, in the order of [`list`].
pub fn tree(conn: &Connection) -> Result<Vec<(CategoryRow, bool)>> {
    let mut statement = conn.prepare(
        "SELECT c.id, coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END, c.kind, c.hidden
         FROM categories c LEFT JOIN categories p ON c.parent_id = p.id
         ORDER BY coalesce(p.position, c.position), p.id IS NOT NULL, c.position",
    )?;
    let rows = statement.query_map([], |row| {
        let category =
            CategoryRow { id: row.get(0)?, category: row.get(1)?, subcategory: row.get(2)?, kind: row.get(3)? };
        Ok((category, row.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The user's own category: a 大項目 (`kind` income or expense) or, with `parent`, a 中項目 that
/// takes its parent's kind.
pub fn add(conn: &Connection, parent: Option<i64>, name: &str, kind: Option<&str>) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') {
        return Err(GimsError::invalid("name", "a category needs a name without `/`"));
    }
    let kind: String = match parent {
        Some(parent) => {
            let (parent_kind, grandparent): (String, Option<i64>) =
                conn.query_row("SELECT kind, parent_id FROM categories WHERE id = ?1", [parent], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if grandparent.is_some() || parent_kind == "uncategorised" {
                return Err(GimsError::invalid("parent", "a 中項目 goes under a 大項目 other than 未分類"));
            }
            parent_kind
        }
        None => match kind.unwrap_or("expense") {
            kind @ ("income" | "expense") => kind.to_string(),
            other => return Err(GimsError::invalid("kind", format!("`{other}` is not income or expense"))),
        },
    };
    let taken: bool = conn.query_row(
        "SELECT count(*) > 0 FROM categories WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2",
        params![parent, name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(GimsError::invalid("name", format!("there is already a category `{name}` there")));
    }
    conn.execute(
        "INSERT INTO categories (parent_id, name, kind, position)
         VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM categories WHERE coalesce(parent_id, 0) = coalesce(?1, 0)))",
        params![parent, name, kind],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Renames a category; its transactions, rules and budgets follow it (they refer to its id).
pub fn rename(conn: &Connection, id: i64, name: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') {
        return Err(GimsError::invalid("name", "a category needs a name without `/`"));
    }
    if id == uncategorised_id(conn)? {
        return Err(GimsError::invalid("category", "未分類 keeps its name"));
    }
    let clash: bool = conn.query_row(
        "SELECT count(*) > 0 FROM categories WHERE coalesce(parent_id, 0) = (SELECT coalesce(parent_id, 0) FROM categories WHERE id = ?1)
           AND name = ?2 AND id <> ?1",
        params![id, name],
        |r| r.get(0),
    )?;
    if clash {
        return Err(GimsError::invalid("name", format!("there is already a category `{name}` there; merge instead")));
    }
    conn.execute("UPDATE categories SET name = ?2 WHERE id = ?1", params![id, name])?;
    Ok(())
}

/// Whether the user hid this category from the choices.
pub fn is_hidden(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.query_row("SELECT hidden FROM categories WHERE id = ?1", [id], |r| r.get(0))?)
}

/// Hides a category from the choices (or shows it again). Rows filed there keep it.
pub fn set_hidden(conn: &Connection, id: i64, hidden: bool) -> Result<()> {
    if hidden && id == uncategorised_id(conn)? {
        return Err(GimsError::invalid("category", "未分類 cannot be hidden"));
    }
    conn.execute("UPDATE categories SET hidden = ?2 WHERE id = ?1 OR parent_id = ?1", params![id, hidden])?;
    Ok(())
}

/// Merges `from` into `into`: every transaction, rule and budget of `from` moves to `into`, a
/// 大項目's 中項目 move under `into` (or, when `into` is a 中項目, their rows do), then `from`
/// goes. Nothing is lost: the rows are all still there, filed under `into`. Call inside a
/// transaction. Returns how many transactions moved.
pub fn merge(conn: &Connection, from: i64, into: i64) -> Result<usize> {
    if from == into {
        return Err(GimsError::invalid("into", "a category cannot be merged into itself"));
    }
    let uncategorised = uncategorised_id(conn)?;
    if from == uncategorised {
        return Err(GimsError::invalid("category", "未分類 cannot be merged away"));
    }
    let parent_of = |id: i64| -> Result<Option<i64>> {
        Ok(conn.query_row("SELECT parent_id FROM categories WHERE id = ?1", [id], |r| r.get(0))?)
    };
    if parent_of(into)? == Some(from) {
        return Err(GimsError::invalid("into", "a 大項目 cannot be merged into one of its own 中項目"));
    }
    let mut moved = 0;
    let children: Vec<(i64, String)> = conn
        .prepare("SELECT id, name FROM categories WHERE parent_id = ?1")?
        .query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let into_is_top = parent_of(into)?.is_none() && into != uncategorised;
    for (child, name) in children {
        let same_name: Option<i64> = if into_is_top {
            conn.query_row("SELECT id FROM categories WHERE parent_id = ?1 AND name = ?2", params![into, name], |r| {
                r.get(0)
            })
            .optional()?
        } else {
            Some(into)
        };
        match same_name {
            Some(target) => moved += merge(conn, child, target)?,
            None => {
                conn.execute(
                    "UPDATE categories SET parent_id = ?2, kind = (SELECT kind FROM categories WHERE id = ?2) WHERE id = ?1",
                    params![child, into],
                )?;
            }
        }
    }
    moved += conn.execute("UPDATE transactions SET category_id = ?2 WHERE category_id = ?1", params![from, into])?;
    conn.execute("UPDATE rules SET set_category_id = ?2 WHERE set_category_id = ?1", params![from, into])?;
    conn.execute(
        "INSERT INTO budgets (category_id, month, amount) SELECT ?2, month, amount FROM budgets WHERE category_id = ?1
         ON CONFLICT (category_id, month) DO UPDATE SET amount = amount + excluded.amount",
        params![from, into],
    )?;
    conn.execute("DELETE FROM budgets WHERE category_id = ?1", [from])?;
    conn.execute("DELETE FROM month_totals WHERE category_id = ?1 AND rows = 0", [from])?;
    conn.execute("DELETE FROM categories WHERE id = ?1", [from])?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::ledger::test_ledger;

    #[test]
    fn categories_resolve_by_path_top_level_or_unique_child() {
        let (_dir, ledger) = test_ledger();
        let conn = &ledger.conn;
        let by_path = resolve(conn, "食費/外食").unwrap();
        assert_eq!(resolve(conn, "外食").unwrap(), by_path);
        assert_ne!(resolve(conn, "食費").unwrap(), by_path);
        assert_eq!(resolve(conn, "未分類").unwrap(), uncategorised_id(conn).unwrap());
        // 日用品 is both a 大項目 and a 中項目 under it: the bare name means the 大項目.
        let top = resolve(conn, "日用品").unwrap();
        assert_ne!(resolve(conn, "日用品/日用品").unwrap(), top);
    }

    #[test]
    fn an_unknown_category_is_bad_input_naming_the_field() {
        let (_dir, ledger) = test_ledger();
        let error = resolve(&ledger.conn, "宇宙旅行").unwrap_err();
        assert_eq!(error.code, ErrorCode::InputInvalid);
        assert!(error.message.starts_with("category:"), "{}", error.message);
    }

    #[test]
    fn the_listing_puts_each_subcategory_under_its_parent() {
        let (_dir, ledger) = test_ledger();
        let rows = list(&ledger.conn).unwrap();
        assert_eq!(rows[0].category, "食費");
        assert_eq!(rows[0].subcategory, None);
        assert_eq!(rows[1].subcategory.as_deref(), Some("食料品"));
        assert!(
            rows.iter().any(|r| r.category == "収入" && r.subcategory.as_deref() == Some("給与") && r.kind == "income")
        );
    }

    #[test]
    fn merging_renaming_and_hiding_keep_every_transaction() {
        use crate::ledger::{NewTransaction, TransactionSource};
        use crate::money::{Amount, Currency};
        let (_dir, mut ledger) = test_ledger();
        let mine = add(&ledger.conn, None, "ペット", None).unwrap();
        let food = add(&ledger.conn, Some(mine), "フード", None).unwrap();
        assert!(add(&ledger.conn, Some(food), "深すぎ", None).is_err());
        let rows: Vec<NewTransaction> = [food, mine]
            .iter()
            .map(|category| NewTransaction {
                date: "2026-11-03".into(),
                amount: Amount::from_minor(-1000, Currency::jpy()),
                category_id: Some(*category),
                ..NewTransaction::manual(None, "ペットショップ")
            })
            .collect();
        ledger.insert_transactions(&rows, TransactionSource::Manual).unwrap();
        rename(&ledger.conn, food, "ごはん").unwrap();
        assert_eq!(resolve(&ledger.conn, "ペット/ごはん").unwrap(), food);

        let daily = resolve(&ledger.conn, "日用品").unwrap();
        let tx = ledger.conn.transaction().unwrap();
        assert_eq!(merge(&tx, mine, daily).unwrap(), 1);
        tx.commit().unwrap();
        // The 中項目 moved under 日用品 with its row; the 大項目's own row moved to 日用品.
        assert_eq!(resolve(&ledger.conn, "日用品/ごはん").unwrap(), food);
        let filed: Vec<(String, Option<String>)> = ledger
            .transactions(&Default::default())
            .unwrap()
            .into_iter()
            .map(|t| (t.category, t.subcategory))
            .collect();
        assert_eq!(filed.len(), 2);
        assert!(filed.contains(&("日用品".into(), Some("ごはん".into()))));
        assert!(filed.contains(&("日用品".into(), None)));

        set_hidden(&ledger.conn, food, true).unwrap();
        assert!(list(&ledger.conn).unwrap().iter().all(|r| r.id != food));
        assert_eq!(ledger.transactions(&Default::default()).unwrap().len(), 2);
    }
}
