//! Starter rules (おすすめのルール): words that name common Japanese payees and payers — convenience
//! stores, coffee chains, railways, utilities, carriers, salary — each with the category most
//! households file them under. They are ordinary rules, added on request (never by themselves),
//! after the user's own (so the user's win), shown and deletable like any other; adding them
//! twice adds nothing. Words are compared as every rule's are, after NFKC and lower case, so
//! ｾﾌﾞﾝｲﾚﾌﾞﾝ and ＥＮＥＯＳ match.

use super::Ledger;
use super::categories;
use super::rules::{NewRule, RuleRow, normalise};
use crate::error::Result;

/// (words in the description or memo, `大項目/中項目`).
pub const STARTER_RULES: &[(&str, &str)] = &[
    ("セブンイレブン", "食費/食料品"),
    ("セブン-イレブン", "食費/食料品"),
    ("ローソン", "食費/食料品"),
    ("ファミリーマート", "食費/食料品"),
    ("ミニストップ", "食費/食料品"),
    ("イトーヨーカドー", "食費/食料品"),
    ("西友", "食費/食料品"),
    ("スターバックス", "食費/カフェ"),
    ("ドトール", "食費/カフェ"),
    ("タリーズ", "食費/カフェ"),
    ("マクドナルド", "食費/外食"),
    ("吉野家", "食費/外食"),
    ("すき家", "食費/外食"),
    ("マツモトキヨシ", "日用品/ドラッグストア"),
    ("ウエルシア", "日用品/ドラッグストア"),
    ("スギ薬局", "日用品/ドラッグストア"),
    ("ダイソー", "日用品/日用品"),
    ("乗車", "交通費/電車"),
    ("JR東日本", "交通費/電車"),
    ("JR西日本", "交通費/電車"),
    ("東京メトロ", "交通費/電車"),
    ("タクシー", "交通費/タクシー"),
    ("ENEOS", "自動車/ガソリン"),
    ("出光", "自動車/ガソリン"),
    ("東京電力", "水道・光熱費/電気代"),
    ("関西電力", "水道・光熱費/電気代"),
    ("東京ガス", "水道・光熱費/ガス・灯油代"),
    ("大阪ガス", "水道・光熱費/ガス・灯油代"),
    ("水道局", "水道・光熱費/水道代"),
    ("ドコモ", "通信費/携帯電話"),
    ("ソフトバンク", "通信費/携帯電話"),
    ("楽天モバイル", "通信費/携帯電話"),
    ("NHK", "通信費/放送視聴料"),
    ("家賃", "住宅/家賃・地代"),
    ("住民税", "税・社会保障/所得税・住民税"),
    ("給与", "収入/給与"),
    ("給料", "収入/給与"),
    ("賞与", "収入/給与"),
    ("配当", "収入/配当所得"),
];

impl Ledger {
    /// Adds the starter rules the user has no rule for yet (same words, compared normalised), each
    /// after the user's own; a category the user renamed, merged away or hid is skipped.
    pub fn add_starter_rules(&mut self, now: &str) -> Result<Vec<RuleRow>> {
        let mut known: std::collections::HashSet<String> =
            self.rules()?.iter().filter_map(|r| r.match_text.as_deref().map(normalise)).collect();
        let mut added = Vec::new();
        for (words, path) in STARTER_RULES {
            if !known.insert(normalise(words)) {
                continue;
            }
            let Ok(category_id) = categories::resolve(&self.conn, path) else { continue };
            if categories::is_hidden(&self.conn, category_id)? {
                continue;
            }
            let rule = NewRule {
                match_text: Some((*words).to_string()),
                min_amount: None,
                max_amount: None,
                account_id: None,
                category_id: Some(category_id),
                transfer: None,
                included: None,
            };
            added.push(self.add_rule(&rule, now)?);
        }
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewTransaction, TransactionSource, test_ledger};
    use crate::money::{Amount, Currency};

    fn row(ledger: &mut Ledger, description: &str, amount: i64) -> i64 {
        let new = NewTransaction {
            date: "2026-11-20".into(),
            amount: Amount::from_minor(amount, Currency::jpy()),
            ..NewTransaction::manual(None, description)
        };
        ledger.insert_transactions(&[new], TransactionSource::Manual).unwrap();
        ledger.conn.last_insert_rowid()
    }

    fn category_of(ledger: &Ledger, id: i64) -> String {
        let row = ledger.transaction(id).unwrap().unwrap();
        format!("{}/{}", row.category, row.subcategory.unwrap_or_default())
    }

    #[test]
    fn starter_rules_file_common_payees_once_and_after_the_users_own() {
        let (_dir, mut ledger) = test_ledger();
        let now = "2026-11-28T00:00:00Z";
        // The user already files ローソン as a café stop; theirs stays, and first.
        let cafe = categories::resolve(&ledger.conn, "食費/カフェ").unwrap();
        let mine = NewRule {
            match_text: Some("ﾛｰｿﾝ".into()),
            min_amount: None,
            max_amount: None,
            account_id: None,
            category_id: Some(cafe),
            transfer: None,
            included: None,
        };
        ledger.add_rule(&mine, now).unwrap();

        let added = ledger.add_starter_rules(now).unwrap();
        assert_eq!(added.len(), STARTER_RULES.len() - 1, "all but ローソン, which the user has");
        assert!(added.iter().all(|r| r.position > 1), "after the user's rule");
        assert!(ledger.add_starter_rules(now).unwrap().is_empty(), "twice adds nothing");

        // New rows are filed at save time, half-width and full-width alike.
        let seven = row(&mut ledger, "ｾﾌﾞﾝｲﾚﾌﾞﾝ 渋谷店", -540);
        let eneos = row(&mut ledger, "ＥＮＥＯＳ 環八店", -6_200);
        let train = row(&mut ledger, "JR東日本 乗車", -210);
        let salary = row(&mut ledger, "給与 カ）ジーエムエス", 280_000);
        let lawson = row(&mut ledger, "ローソン 新宿店", -300);
        let unknown = row(&mut ledger, "カ）ヤマダショウテン", -1_000);
        assert_eq!(category_of(&ledger, seven), "食費/食料品");
        assert_eq!(category_of(&ledger, eneos), "自動車/ガソリン");
        assert_eq!(category_of(&ledger, train), "交通費/電車");
        assert_eq!(category_of(&ledger, salary), "収入/給与");
        assert_eq!(category_of(&ledger, lawson), "食費/カフェ", "the user's rule wins");
        assert_eq!(category_of(&ledger, unknown), "未分類/");
    }

    #[test]
    fn a_hidden_category_gets_no_starter_rule() {
        let (_dir, mut ledger) = test_ledger();
        let gasoline = categories::resolve(&ledger.conn, "自動車/ガソリン").unwrap();
        categories::set_hidden(&ledger.conn, gasoline, true).unwrap();
        let added = ledger.add_starter_rules("2026-11-28T00:00:00Z").unwrap();
        assert!(added.iter().all(|r| r.subcategory.as_deref() != Some("ガソリン")));
        assert_eq!(added.len(), STARTER_RULES.len() - 2, "ENEOS and 出光 are left out");
    }
}
