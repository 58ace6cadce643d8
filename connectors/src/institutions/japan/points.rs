//! Points and miles. None offers a statement file GIMS knows: the window is for looking, and
//! balances are kept by hand until a file or a reader exists.

use super::plan;
use crate::contract::{Category, InstitutionInfo};
use crate::institutions::files::{FileInstitution, by_file};

pub static ALL: &[FileInstitution] = &[
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://point.rakuten.co.jp/history/",
                // It redirects to the 楽天ID login.
                &["point.rakuten.co.jp", "grp01.id.rakuten.co.jp"],
                "public code (code search file id 10219875120); the 楽天ID login host from \
                 https://github.com/jinkaiNitamago2022/subliminal-certinfo README.md. The modelled service reads the \
                 balance through 楽天市場(my Rakuten) (seed FAQ L272–275)",
            )),
            ..by_file(
                "rakuten-point",
                "楽天ポイント",
                Category::Points,
                &["楽天PointClub", "楽天スーパーポイント", "my Rakuten", "楽天市場", "Rakuten Point"],
            )
        },
        formats: &[],
    },
    FileInstitution {
        // No login address found; the seed's FAQ lists it as needing the user at every update.
        info: &by_file("d-point", "dポイント", Category::Points, &["dアカウント", "d POINT"]),
        formats: &[],
    },
    FileInstitution {
        info: &by_file("ponta", "Pontaポイント", Category::Points, &["Ponta", "Ponta Web", "リクルートID"]),
        formats: &[],
    },
    FileInstitution {
        info: &by_file("v-point", "Vポイント", Category::Points, &["V POINT", "Tポイント"]),
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.ana.co.jp/ja/jp/amc/",
                &["www.ana.co.jp"],
                "public code (code search file id 58296599597): the programme's top page, logged in from there",
            )),
            ..by_file("ana-mileage", "ANAマイレージクラブ", Category::Miles, &["ANA", "AMC", "ANAマイル"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.jal.co.jp/jp/ja/jmb/",
                &["www.jal.co.jp"],
                "public code (code search file id 56420877725): the programme's top page, logged in from there",
            )),
            ..by_file("jal-mileage", "JALマイレージバンク", Category::Miles, &["JAL", "JMB", "JALマイル"])
        },
        formats: &[],
    },
];
