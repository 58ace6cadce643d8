//! The sandbox-only endpoints under `/_sandbox` through which tests play the user (phone,
//! CAPTCHA answers), switch faults and count requests; and the index page at `/`.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::faults::Fault;
use crate::html::{escape, page, respond};
use crate::institutions::{self, INSTITUTIONS};
use crate::world::Shared;

pub fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/_sandbox/phone", get(phone))
        .route("/_sandbox/captcha", get(captcha))
        .route("/_sandbox/faults", get(list_faults).post(set_fault))
        .route("/_sandbox/requests", get(requests))
        .route("/_sandbox/users", post(sign_up))
        .route("/_sandbox/partner", get(partner))
        .route("/_sandbox/partner/requests", get(partner_requests))
        .route("/_sandbox/login-pages", get(login_pages))
        .route("/_sandbox/ipc-probe.js", get(ipc_probe_script))
        .route("/_sandbox/ipc-probe", get(ipc_probe_reports).post(ipc_probe_report))
        .with_state(shared)
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    login: Option<String>,
}

/// GET /_sandbox/phone?login=ID → `{"messages": [...]}`, oldest first.
async fn phone(State(shared): State<Arc<Shared>>, Query(query): Query<LoginQuery>) -> Response {
    let Some(login) = query.login else {
        return error(StatusCode::BAD_REQUEST, "missing_login", "?login=LOGIN_ID is required".into());
    };
    let world = shared.world();
    Json(json!({ "messages": world.phone.messages(&login) })).into_response()
}

/// GET /_sandbox/captcha?login=ID → `{"answer": "12345"}` or 404.
async fn captcha(State(shared): State<Arc<Shared>>, Query(query): Query<LoginQuery>) -> Response {
    let Some(login) = query.login else {
        return error(StatusCode::BAD_REQUEST, "missing_login", "?login=LOGIN_ID is required".into());
    };
    match shared.world().captchas.answer_for_login(&login) {
        Some(answer) => Json(json!({ "answer": answer })).into_response(),
        None => error(StatusCode::NOT_FOUND, "no_captcha", format!("no CAPTCHA is being shown to login {login:?}")),
    }
}

#[derive(Debug, Deserialize)]
struct FaultRequest {
    institution: String,
    fault: Option<String>,
}

/// POST /_sandbox/faults `{"institution": ID, "fault": NAME | null}`.
async fn set_fault(State(shared): State<Arc<Shared>>, Json(request): Json<FaultRequest>) -> Response {
    let Some(institution) = institutions::find(&request.institution) else {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_institution",
            format!("no sandbox institution {:?}", request.institution),
        );
    };
    let fault = match request.fault.as_deref() {
        None => None,
        Some(name) => match serde_json::from_value::<Fault>(json!(name)) {
            Ok(fault) => Some(fault),
            Err(_) => {
                return error(StatusCode::BAD_REQUEST, "unknown_fault", format!("no fault {name:?}"));
            }
        },
    };
    let now = shared.clock.now();
    let mut world = shared.world();
    world.faults.set(institution.id, fault, now);
    if fault == Some(Fault::Terms) {
        // New terms: everyone has to accept them again.
        world.terms_accepted.retain(|(id, _)| *id != institution.id);
    }
    Json(json!({ "institution": institution.id, "fault": fault })).into_response()
}

/// GET /_sandbox/faults → `{"faults": {ID: NAME}}`, the faults now on.
async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    Json(json!({ "faults": shared.world().faults.all() })).into_response()
}

#[derive(Deserialize)]
struct SignUp {
    login: String,
    password: String,
}

/// POST /_sandbox/users `{"login": ID, "password": PASSWORD}`: from now on that login id signs
/// in to every sandbox institution with that password, and with no other (tests use it to type
/// a canary password). 204.
async fn sign_up(State(shared): State<Arc<Shared>>, Json(request): Json<SignUp>) -> Response {
    if request.login.trim().is_empty() || request.password.is_empty() {
        return error(StatusCode::BAD_REQUEST, "missing_field", "login and password are both required".into());
    }
    shared.world().passwords.sign_up(request.login.trim(), request.password);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Debug, Deserialize)]
struct InstitutionQuery {
    institution: Option<String>,
}

impl InstitutionQuery {
    /// The sandbox institution `?institution=ID` names, or the 404 that says there is none.
    #[allow(
        clippy::result_large_err,
        reason = "the error is the HTTP response itself, returned straight to axum; boxing buys nothing"
    )]
    fn institution(&self) -> Result<&'static institutions::Institution, Response> {
        self.institution.as_deref().and_then(institutions::find).ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "unknown_institution",
                format!("no sandbox institution {:?}", self.institution),
            )
        })
    }
}

/// GET /_sandbox/requests?institution=ID → `{"count": N}`.
async fn requests(State(shared): State<Arc<Shared>>, Query(query): Query<InstitutionQuery>) -> Response {
    let institution = match query.institution() {
        Ok(institution) => institution,
        Err(response) => return response,
    };
    let count = shared.world().requests.get(institution.id).copied().unwrap_or(0);
    Json(json!({ "count": count })).into_response()
}

/// GET /_sandbox/partner: the third-party frame on sandbox-window-bank's accounts page.
async fn partner(State(shared): State<Arc<Shared>>) -> Response {
    shared.world().partner_requests += 1;
    respond(
        StatusCode::OK,
        page("_partner", "提携サービス", "提携サービスのご案内", "<p id=\"partner\">ポイント2倍キャンペーン実施中</p>"),
    )
}

/// GET /_sandbox/partner/requests → `{"count": N}`: how often the partner frame was loaded.
async fn partner_requests(State(shared): State<Arc<Shared>>) -> Response {
    Json(json!({ "count": shared.world().partner_requests })).into_response()
}

/// GET /_sandbox/login-pages?institution=ID → `{"served": N, "with_session_cookie": M}`: the
/// login pages served, and how many of their requests still carried a session cookie from an
/// earlier visit (a browser that starts each login afresh sends none).
async fn login_pages(State(shared): State<Arc<Shared>>, Query(query): Query<InstitutionQuery>) -> Response {
    let institution = match query.institution() {
        Ok(institution) => institution,
        Err(response) => return response,
    };
    let (served, with_session_cookie) = shared.world().login_pages.get(institution.id).copied().unwrap_or_default();
    Json(json!({ "served": served, "with_session_cookie": with_session_cookie })).into_response()
}

/// GET /_sandbox/ipc-probe.js: what a hostile (or compromised) bank page would try once it is
/// shown inside an app: every way a Tauri 2 page reaches the app's commands (the injected
/// `__TAURI_INTERNALS__.invoke`, the webview's raw `ipc` message channel, the `ipc://` protocol),
/// asking for the ledger (`accounts`), to open an address (`open_blocked_link`) and to speak to
/// the main window (`plugin:event|emit`). Each try reports what came back to POST
/// /_sandbox/ipc-probe on the page's own host. sandbox-window-bank's accounts page loads it.
async fn ipc_probe_script() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("ipc_probe.js"))
        .into_response()
}

/// POST /_sandbox/ipc-probe `{"page", "channel", "outcome", "detail"}`: one try's result, sent
/// by the page as a beacon (whose body is JSON whatever its content type says). 204, or 400.
async fn ipc_probe_report(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let Ok(report) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "not_json", "the report is not JSON".into());
    };
    let mut world = shared.world();
    // A page that loops cannot grow the sandbox without bound.
    if world.ipc_probe.len() < 1000 {
        world.ipc_probe.push(report);
    }
    StatusCode::NO_CONTENT.into_response()
}

/// GET /_sandbox/ipc-probe → `{"reports": [...]}`, oldest first.
async fn ipc_probe_reports(State(shared): State<Arc<Shared>>) -> Response {
    Json(json!({ "reports": shared.world().ipc_probe })).into_response()
}

/// GET / : the institutions, for people trying the demo.
async fn index() -> Response {
    let mut main = String::from(
        "<p>GIMSのサンドボックス金融機関です。どのログインIDでも、パスワード <code>sandbox</code> でログインできます（<code>POST /_sandbox/users</code> で自分のパスワードを登録したログインIDを除く）。</p>\n\
         <table id=\"institutions\">\n<thead><tr><th>ID</th><th>名称</th><th>種別</th><th>認証</th></tr></thead>\n<tbody>\n",
    );
    for institution in INSTITUTIONS {
        let entry = if institution.auth == institutions::AuthKind::Oauth {
            format!("/{}/authorize", institution.id)
        } else {
            format!("/{}/login", institution.id)
        };
        let _ = writeln!(
            main,
            "<tr class=\"institution\" data-id=\"{id}\"><td>{id}</td><td><a href=\"{entry}\">{name}</a></td><td>{category}</td><td>{auth}</td></tr>",
            id = institution.id,
            name = escape(institution.name),
            category = institution.category,
            auth = institution.auth.as_str(),
        );
    }
    main.push_str("</tbody>\n</table>");
    respond(StatusCode::OK, page("sandbox", "GIMS サンドボックス", "サンドボックス金融機関", &main))
}
