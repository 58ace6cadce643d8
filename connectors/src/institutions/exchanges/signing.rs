//! Request signatures as the exchanges specify them: lowercase hex of HMAC-SHA256 over a message
//! each exchange builds its own way (see each exchange's module), and BTCBOX's key, which is the
//! hex text of the MD5 of the secret.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// Lowercase hex of HMAC-SHA256(`key`, `message`).
pub fn hmac_sha256_hex(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Lowercase hex of MD5(`text`): BTCBOX signs with these 32 ASCII characters as the HMAC key.
pub fn md5_hex(text: &str) -> String {
    hex::encode(Md5::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// bitbank's published vectors (secret `hoge`), nonce and time-window modes.
    #[test]
    fn bitbank_official_vectors() {
        let body = r#"{"pair": "xrp_jpy", "price": "20", "amount": "1","side": "buy", "type": "limit"}"#;
        assert_eq!(
            hmac_sha256_hex(b"hoge", "17211217764901000/v1/user/assets"),
            "9ec5745960d05573c8fb047cdd9191bd0c6ede26f07700bb40ecf1a3920abae8"
        );
        assert_eq!(
            hmac_sha256_hex(b"hoge", &format!("17211217764901000{body}")),
            "7868665738ae3f8a796224e0413c1351ddd7ec2af121db12815c0a5b74b8764c"
        );
        assert_eq!(
            hmac_sha256_hex(b"hoge", "1721121776490/v1/user/assets"),
            "f957817b95c3af6cf5e2e9dfe1503ea8088f46879d4ab73051467fd7b94f1aba"
        );
        assert_eq!(
            hmac_sha256_hex(b"hoge", &format!("1721121776490{body}")),
            "8ef83c2b991765b18c95aade7678471747c06890a23a453c76238345b5c86fb8"
        );
    }

    /// Derived vectors from the protocol notes (secret `test-secret`).
    #[test]
    fn bitflyer_coincheck_gmo_and_btcbox_known_answers() {
        let secret = b"test-secret";
        assert_eq!(
            hmac_sha256_hex(secret, "1700000000GET/v1/me/getbalance"),
            "b14326322c14553a795eb76f0089aed8f8aa4d8f5d3f77b2afdc5a1bbf1eff41"
        );
        assert_eq!(
            hmac_sha256_hex(secret, "1700000000GET/v1/me/getexecutions?product_code=BTC_JPY&count=10"),
            "8dd4e2b77476cd013a4cdb8c841b27a4524ad84bb553ae9fa42573d96fdf75bf"
        );
        assert_eq!(
            hmac_sha256_hex(
                secret,
                r#"1700000000POST/v1/me/sendchildorder{"product_code":"BTC_JPY","child_order_type":"LIMIT","side":"BUY","price":30000,"size":0.1}"#
            ),
            "6ed19451b42321ecd9897ddcecdaddd422b89da745bd10052c006ed4cbcf75cb"
        );
        assert_eq!(
            hmac_sha256_hex(secret, "1700000000000https://coincheck.com/api/accounts/balance"),
            "2b3f6de6fba3ae34fc16d94e5f109c857df729bfbceb0ec14a19fa457fbb44cf"
        );
        assert_eq!(
            hmac_sha256_hex(secret, "1700000000000GET/v1/account/assets"),
            "983ff1a7fcefd50ecaf3a6efcd6a6bb2856ffb0c1f261c3d97a4e88923c3e1da"
        );
        let btcbox_key = md5_hex("test-secret");
        assert_eq!(btcbox_key, "2318ed020bcddb328eab6db7800b2f80");
        assert_eq!(
            hmac_sha256_hex(btcbox_key.as_bytes(), "key=test-key&coin=btc&nonce=1700000000000"),
            "7a986952e46193fa1ba4bc373847549737dd5a0a1da3ae8f102680807963e7ab"
        );
    }
}
