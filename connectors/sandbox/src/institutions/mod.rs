//! The sandbox institutions: their catalog entries, the per-request context their handlers get,
//! the router that mounts each under `/{institution id}`, and the page pieces they share.

pub mod bank;
pub mod card;
pub mod emoney;
pub mod oauth;
pub mod pension;
pub mod points;
pub mod securities;
pub mod statements;

use std::fmt::Write;
use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use time::OffsetDateTime;

use crate::clock::today_in_japan;
use crate::data::{self, Dataset, Holding, HoldingClass};
use crate::faults::{self, Fault};
use crate::html::{self, escape, respond, yen};
use crate::world::{Shared, World};

/// The CLI's closed `auth.kind` vocabulary, as far as the sandbox covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    Password,
    PasswordOtp,
    PasswordCaptcha,
    PasswordApproval,
    Oauth,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Password => "password",
            AuthKind::PasswordOtp => "password_otp",
            AuthKind::PasswordCaptcha => "password_captcha",
            AuthKind::PasswordApproval => "password_approval",
            AuthKind::Oauth => "oauth",
        }
    }
}

/// One sandbox institution as the catalog would list it.
#[derive(Debug)]
pub struct Institution {
    pub id: &'static str,
    pub name: &'static str,
    /// From the CLI's closed account-kind vocabulary.
    pub category: &'static str,
    pub auth: AuthKind,
    /// Where a successful login lands (HTML institutions), relative to the institution prefix.
    pub home: &'static str,
}

pub const INSTITUTIONS: &[Institution] = &[
    Institution {
        id: "sandbox-bank",
        name: "サンドボックス銀行",
        category: "bank",
        auth: AuthKind::Password,
        home: "/accounts",
    },
    Institution {
        id: "sandbox-otp-bank",
        name: "サンドボックスワンタイム銀行",
        category: "bank",
        auth: AuthKind::PasswordOtp,
        home: "/accounts",
    },
    Institution {
        id: "sandbox-emoney",
        name: "サンドボックスマネー",
        category: "emoney",
        auth: AuthKind::PasswordCaptcha,
        home: "/balance",
    },
    Institution {
        id: "sandbox-card",
        name: "サンドボックスカード",
        category: "card",
        auth: AuthKind::Password,
        home: "/cards",
    },
    Institution {
        id: "sandbox-oauth",
        name: "サンドボックスAPI銀行",
        category: "bank",
        auth: AuthKind::Oauth,
        home: "/authorize",
    },
    Institution {
        id: "sandbox-approval",
        name: "サンドボックス承認銀行",
        category: "bank",
        auth: AuthKind::PasswordApproval,
        home: "/accounts",
    },
    Institution {
        id: "sandbox-securities",
        name: "サンドボックス証券",
        category: "securities",
        auth: AuthKind::Password,
        home: "/portfolio",
    },
    Institution {
        id: "sandbox-points",
        name: "サンドボックスポイント",
        category: "points",
        auth: AuthKind::Password,
        home: "/points",
    },
    Institution {
        id: "sandbox-pension",
        name: "サンドボックス確定拠出年金",
        category: "pension",
        auth: AuthKind::Password,
        home: "/assets",
    },
    // The bank GIMS reaches as it reaches real ones: the user logs in in the institution window
    // (password, then an SMS code unless the browser is a trusted device) and GIMS captures the
    // statement its 明細ダウンロード page serves.
    Institution {
        id: "sandbox-window-bank",
        name: "サンドボックスWeb銀行",
        category: "bank",
        auth: AuthKind::PasswordOtp,
        home: "/accounts",
    },
];

pub fn find(id: &str) -> Option<&'static Institution> {
    INSTITUTIONS.iter().find(|institution| institution.id == id)
}

/// What every handler of one institution gets: the shared state and which institution it is.
#[derive(Clone)]
pub struct Ctx {
    pub shared: Arc<Shared>,
    pub institution: &'static Institution,
}

impl Ctx {
    pub fn now(&self) -> OffsetDateTime {
        self.shared.clock.now()
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        self.shared.world()
    }

    /// An absolute path under this institution: `/sandbox-bank{rest}`.
    pub fn path(&self, rest: &str) -> String {
        format!("/{}{rest}", self.institution.id)
    }

    pub fn fault(&self) -> Option<Fault> {
        self.world().faults.active(self.institution.id)
    }

    /// Paths that answer JSON rather than HTML (fault pages follow suit).
    pub fn is_json_path(&self, path: &str) -> bool {
        self.institution.auth == AuthKind::Oauth && (path.starts_with("/api") || path.starts_with("/token"))
    }

    /// What `login` sees today, after the `account_migration` or `hostile_text` fault if on.
    pub fn dataset(&self, login: &str) -> Dataset {
        let dataset = data::dataset(self.institution.id, login, today_in_japan(self.now()));
        match self.fault() {
            Some(Fault::AccountMigration) => dataset.with_main_account_migrated(),
            Some(Fault::HostileText) => dataset.with_hostile_descriptions(),
            _ => dataset,
        }
    }

    /// A full page of this institution (login pages, notices); data pages use `data_page`.
    pub fn page(&self, title: &str, main: &str) -> String {
        html::page(self.institution.id, self.institution.name, title, main)
    }

    /// A page behind the login: a logout link, an as-of date, and the `page_changed` layout
    /// when that fault is on.
    pub fn data_page(&self, title: &str, main: &str) -> Response {
        respond(StatusCode::OK, self.data_page_html(title, main))
    }

    fn data_page_html(&self, title: &str, main: &str) -> String {
        let today = today_in_japan(self.now());
        let main = format!(
            "<nav class=\"account-menu\"><a id=\"logout\" href=\"{logout}\">ログアウト</a></nav>\n\
             <p id=\"as-of\" data-date=\"{iso}\">{date} 現在</p>\n{main}",
            logout = self.path("/logout"),
            iso = today,
            date = html::slash_date(today),
        );
        let page = self.page(title, &main);
        if self.fault() == Some(Fault::PageChanged) { faults::restructure(&page) } else { page }
    }

    /// A history page: as [`Ctx::data_page`], then cut short under `truncated`, and ending the
    /// session under `session_expiry` (so the next page redirects to the login page).
    pub fn history_page(&self, session_id: &str, title: &str, main: &str) -> Response {
        let page = self.data_page_html(title, main);
        match self.fault() {
            Some(Fault::Truncated) => faults::truncated(page, "text/html; charset=utf-8"),
            Some(Fault::SessionExpiry) => {
                self.world().sessions.remove(session_id);
                respond(StatusCode::OK, page)
            }
            _ => respond(StatusCode::OK, page),
        }
    }

    pub fn not_found(&self) -> Response {
        respond(
            StatusCode::NOT_FOUND,
            self.page(
                "ページが見つかりません",
                "<p id=\"not-found\" class=\"error\">お探しのページ（口座）は見つかりませんでした。</p>",
            ),
        )
    }
}

/// Every institution, each under its prefix and behind the fault gate.
pub fn router(shared: Arc<Shared>) -> Router {
    INSTITUTIONS.iter().fold(Router::new(), |router, institution| {
        let ctx = Ctx { shared: shared.clone(), institution };
        let routes = match institution.id {
            "sandbox-bank" | "sandbox-otp-bank" | "sandbox-approval" | "sandbox-window-bank" => {
                bank::routes().merge(statements::routes())
            }
            "sandbox-emoney" => emoney::routes(),
            "sandbox-card" => card::routes(),
            "sandbox-securities" => securities::routes(),
            "sandbox-points" => points::routes(),
            "sandbox-pension" => pension::routes(),
            _ => oauth::routes(),
        };
        let routes = if institution.auth == AuthKind::Oauth { routes } else { routes.merge(crate::login::routes()) };
        router.nest(
            &format!("/{}", institution.id),
            routes.layer(from_fn_with_state(ctx.clone(), faults::gate)).with_state(ctx),
        )
    })
}

/// The `page` query parameter of paged histories.
#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    pub page: Option<usize>,
}

impl PageQuery {
    pub fn number(&self) -> usize {
        self.page.unwrap_or(1).max(1)
    }
}

/// The holdings table shared by the bank's investment trusts and the securities company.
pub fn holdings_table(table_id: &str, holdings: &[&Holding]) -> String {
    let mut html = format!(
        "<table id=\"{table_id}\" class=\"holdings\">\n<thead><tr><th>銘柄</th><th>コード</th><th>保有数量</th>\
         <th>現在値</th><th>評価額</th><th>取得金額</th></tr></thead>\n<tbody>\n"
    );
    for holding in holdings {
        let (unit, price_note) = match holding.class {
            HoldingClass::DomesticStock => ("株", ""),
            HoldingClass::InvestmentTrust => ("口", "（1万口あたり）"),
        };
        let _ = writeln!(
            html,
            "<tr class=\"holding\" data-code=\"{code}\"><td class=\"name\">{name}</td><td class=\"code\">{code}</td>\
             <td class=\"quantity\">{quantity}{unit}</td><td class=\"price\">{price}円{price_note}</td>\
             <td class=\"value\">{value}</td><td class=\"cost\">{cost}</td></tr>",
            code = escape(&holding.code),
            name = escape(&holding.name),
            quantity = html::decimal(&holding.quantity),
            price = html::decimal(&holding.price),
            value = yen(holding.value),
            cost = yen(holding.cost),
        );
    }
    html.push_str("</tbody>\n</table>");
    html
}
