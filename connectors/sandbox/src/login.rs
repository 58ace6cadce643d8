//! Login flows of the HTML institutions (password, then an OTP, a second CAPTCHA or an approval on
//! the phone, by auth kind), logout, the terms page, and [`logged_in`]: the guard every data page
//! passes (session, stage, `consent_expired`, `terms`).

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::captcha;
use crate::clock::JST;
use crate::faults::Fault;
use crate::html::{escape, redirect, respond};
use crate::institutions::{AuthKind, Ctx};
use crate::phone::{MessageKind, masked_number};
use crate::session::{
    OtpChallenge, Stage, TRUSTED_DEVICE_DAYS, clear_session_cookie, random_digits, random_token, session_cookie,
    set_session_cookie, set_trusted_device_cookie, trusted_device_cookie,
};

/// The one password every sandbox login accepts.
pub const PASSWORD: &str = "sandbox";
pub const OTP_VALIDITY: Duration = Duration::minutes(5);
pub const OTP_TRIES: u8 = 3;
pub const APPROVAL_VALIDITY: Duration = Duration::minutes(2);

const WRONG_CREDENTIALS: &str = "ログインIDまたはパスワードが正しくありません。";
const WRONG_CAPTCHA: &str = "画像認証の数字が正しくありません。新しい画像の数字を入力してください。";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalState {
    Pending,
    Approved,
    Denied,
}

/// A request to approve a login on the phone.
#[derive(Debug, Clone)]
pub struct Approval {
    pub state: ApprovalState,
    pub expires_at: OffsetDateTime,
}

impl Approval {
    fn state_at(&self, now: OffsetDateTime) -> &'static str {
        match self.state {
            ApprovalState::Pending if now > self.expires_at => "expired",
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Denied => "denied",
        }
    }
}

pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/", get(|State(ctx): State<Ctx>| async move { redirect(&ctx.path("/login")) }))
        .route("/login", get(login_page).post(submit_login))
        .route("/login/otp", get(otp_page).post(submit_otp))
        .route("/login/captcha", get(second_captcha_page).post(submit_second_captcha))
        .route("/login/approval", get(approval_page))
        .route("/login/status", get(approval_status))
        .route("/approve/{token}", get(approve))
        .route("/captcha.png", get(captcha_png))
        .route("/logout", get(logout))
        .route("/terms", get(terms_page).post(accept_terms))
}

/// An authenticated session, as data pages need it.
#[derive(Debug)]
pub struct LoggedIn {
    pub session_id: String,
    pub login_id: String,
}

/// The guard of every data page. No session, an idle-expired one or an unfinished login → 302 to
/// the login page; `consent_expired` → the re-login page; `terms` not yet accepted → the terms
/// notice.
#[allow(
    clippy::result_large_err,
    reason = "the error is the HTTP response itself, returned straight to axum; boxing buys nothing"
)]
pub fn logged_in(ctx: &Ctx, headers: &HeaderMap) -> Result<LoggedIn, Response> {
    logged_in_for(ctx, headers, true)
}

#[allow(
    clippy::result_large_err,
    reason = "the error is the HTTP response itself, returned straight to axum; boxing buys nothing"
)]
fn logged_in_for(ctx: &Ctx, headers: &HeaderMap, check_terms: bool) -> Result<LoggedIn, Response> {
    let now = ctx.now();
    let to_login = || redirect(&ctx.path("/login"));
    let session_id = session_cookie(headers).ok_or_else(to_login)?;
    let mut world = ctx.world();
    let fault = world.faults.active(ctx.institution.id);
    let session = world.sessions.live(ctx.institution.id, &session_id, now).ok_or_else(to_login)?;
    if session.stage != Stage::Authenticated {
        return Err(to_login());
    }
    let login_id = session.login_id.clone().unwrap_or_default();
    if fault == Some(Fault::ConsentExpired) {
        world.sessions.remove(&session_id);
        drop(world);
        return Err(respond(
            StatusCode::OK,
            ctx.page(
                "再ログインが必要です",
                &format!(
                    "<div id=\"relogin-required\" class=\"system-message\"><p>お客さまの認証の有効期限が切れました。\
                     お手数ですが、再度ログインのうえ連携を設定し直してください。</p>\
                     <a href=\"{}\">ログイン画面へ</a></div>",
                    ctx.path("/login")
                ),
            ),
        ));
    }
    let accepted = world.terms_accepted.contains(&(ctx.institution.id, login_id.clone()));
    if check_terms && fault == Some(Fault::Terms) && !accepted {
        drop(world);
        let url = format!("{}{}", ctx.shared.base_url(), ctx.path("/terms"));
        return Err(respond(
            StatusCode::OK,
            ctx.page(
                "利用規約への同意",
                &format!(
                    "<div id=\"terms-required\" class=\"system-message\"><p>利用規約が改定されました。\
                     引き続きご利用いただくには、当サイトで新しい利用規約に同意してください。</p>\
                     <a id=\"terms-url\" href=\"{url}\">{url}</a></div>",
                    url = escape(&url)
                ),
            ),
        ));
    }
    Ok(LoggedIn { session_id, login_id })
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    login_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    login_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    captcha: Option<String>,
}

#[derive(Debug, Deserialize)]
struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    otp: String,
    #[serde(default)]
    captcha: String,
    /// The OTP page's "trust this device" checkbox.
    #[serde(default)]
    trust: Option<String>,
}

fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// The 403 for a form posted without the session that showed it (no cookie, expired, wrong
/// `csrf`).
fn stale_form(ctx: &Ctx) -> Response {
    respond(
        StatusCode::FORBIDDEN,
        ctx.page(
            "エラー",
            &format!(
                "<p id=\"session-error\" class=\"error\">画面の有効期限が切れたか、不正な操作です。もう一度ログインしてください。</p>\
                 <a href=\"{}\">ログイン画面へ</a>",
                ctx.path("/login")
            ),
        ),
    )
}

fn error_paragraph(error: Option<&str>) -> String {
    error
        .map(|message| format!("<p id=\"login-error\" class=\"error\" role=\"alert\">{}</p>\n", escape(message)))
        .unwrap_or_default()
}

fn captcha_block(ctx: &Ctx, captcha_id: &str) -> String {
    format!(
        "<div id=\"captcha\"><img id=\"captcha-image\" src=\"{src}?id={captcha_id}\" width=\"{w}\" height=\"{h}\" alt=\"画像認証\">\n\
         <label>画像の数字（5桁） <input type=\"text\" name=\"captcha\" inputmode=\"numeric\" autocomplete=\"off\"></label></div>\n",
        src = ctx.path("/captcha.png"),
        w = captcha::WIDTH,
        h = captcha::HEIGHT,
    )
}

fn login_form(ctx: &Ctx, csrf: &str, login_id: &str, error: Option<&str>, captcha_id: Option<&str>) -> String {
    let captcha = captcha_id.map(|id| captcha_block(ctx, id)).unwrap_or_default();
    ctx.page(
        "ログイン",
        &format!(
            "{error}<form id=\"login-form\" method=\"post\" action=\"{action}\">\n\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\n\
             <label>ログインID <input type=\"text\" name=\"login_id\" value=\"{login_id}\" autocomplete=\"username\"{id_focus}></label>\n\
             <label>パスワード <input type=\"password\" name=\"password\" autocomplete=\"current-password\"{password_focus}></label>\n\
             {captcha}<button type=\"submit\">ログイン</button>\n</form>",
            error = error_paragraph(error),
            action = ctx.path("/login"),
            csrf = escape(csrf),
            login_id = escape(login_id),
            // The cursor starts in the first field left to fill, as bank login pages do.
            id_focus = if login_id.is_empty() { " autofocus" } else { "" },
            password_focus = if login_id.is_empty() { "" } else { " autofocus" },
        ),
    )
}

/// GET /login: a new anonymous session with its CSRF token (and a CAPTCHA, bound to
/// `?login_id=` when given so the harness can read its answer).
async fn login_page(State(ctx): State<Ctx>, Query(query): Query<LoginQuery>, headers: HeaderMap) -> Response {
    let now = ctx.now();
    let login_id = query.login_id.unwrap_or_default();
    let (session_id, csrf, captcha_id) = {
        let mut world = ctx.world();
        let counts = world.login_pages.entry(ctx.institution.id).or_default();
        counts.0 += 1;
        counts.1 += u64::from(session_cookie(&headers).is_some());
        let session_id = world.sessions.create(ctx.institution.id, now);
        let captcha_id = (ctx.institution.auth == AuthKind::PasswordCaptcha).then(|| {
            let bound = (!login_id.is_empty()).then_some(login_id.as_str());
            world.captchas.issue(None, bound)
        });
        let session = world.sessions.live(ctx.institution.id, &session_id, now).expect("just created");
        session.captcha_id.clone_from(&captcha_id);
        if !login_id.is_empty() {
            session.login_id = Some(login_id.clone());
        }
        (session_id.clone(), session.csrf.clone(), captcha_id)
    };
    with_cookie(
        respond(StatusCode::OK, login_form(&ctx, &csrf, &login_id, None, captcha_id.as_deref())),
        set_session_cookie(ctx.institution.id, &session_id),
    )
}

/// POST /login: CAPTCHA (if any), then the password, then the institution's second step.
async fn submit_login(State(ctx): State<Ctx>, headers: HeaderMap, axum::Form(form): axum::Form<LoginForm>) -> Response {
    let now = ctx.now();
    let institution = ctx.institution;
    let Some(session_id) = session_cookie(&headers) else {
        return stale_form(&ctx);
    };
    let mut world = ctx.world();
    let world = &mut *world;
    let Some(session) = world.sessions.live(institution.id, &session_id, now) else {
        return stale_form(&ctx);
    };
    if session.csrf != form.csrf {
        return stale_form(&ctx);
    }
    // Posting the form again starts a new login attempt, whatever the previous one reached.
    session.stage = Stage::Anonymous;
    let login_id = form.login_id.trim().to_owned();
    if !login_id.is_empty() {
        session.login_id = Some(login_id.clone());
    }
    let bound_login = (!login_id.is_empty()).then_some(login_id.as_str());

    if institution.auth == AuthKind::PasswordCaptcha {
        let expected = session.captcha_id.as_deref().and_then(|id| world.captchas.answer(id));
        let answered = form.captcha.as_deref().map(str::trim);
        if expected.is_none() || expected != answered {
            let captcha_id = world.captchas.issue(session.captcha_id.as_deref(), bound_login);
            session.captcha_id = Some(captcha_id.clone());
            let csrf = session.csrf.clone();
            return respond(StatusCode::OK, login_form(&ctx, &csrf, &login_id, Some(WRONG_CAPTCHA), Some(&captcha_id)));
        }
    }
    if !world.passwords.accepts(&login_id, &form.password) {
        // A CAPTCHA is good for one try only, as on real sites.
        let captcha_id = (institution.auth == AuthKind::PasswordCaptcha)
            .then(|| world.captchas.issue(session.captcha_id.as_deref(), bound_login));
        session.captcha_id.clone_from(&captcha_id);
        let csrf = session.csrf.clone();
        return respond(
            StatusCode::OK,
            login_form(&ctx, &csrf, &login_id, Some(WRONG_CREDENTIALS), captcha_id.as_deref()),
        );
    }
    if let Some(captcha_id) = session.captcha_id.take() {
        world.captchas.retire(&captcha_id);
    }

    let new_id = world.sessions.rotate(&session_id, now).expect("session is live");
    let session = world.sessions.live(institution.id, &new_id, now).expect("just rotated");
    // A browser this login trusted earlier (the persistent cookie of the OTP page's checkbox)
    // skips the OTP, as banks spare a remembered device the code.
    let trusted = trusted_device_cookie(&headers)
        .and_then(|token| world.trusted_devices.get(&token).cloned())
        .is_some_and(|(at, login, until)| at == institution.id && login == login_id && until > now);
    let next = match institution.auth {
        AuthKind::PasswordOtp if trusted => {
            session.stage = Stage::Authenticated;
            institution.home
        }
        AuthKind::PasswordOtp => {
            let code = random_digits(6);
            world.phone.send_code(&login_id, institution.id, &code, now);
            session.stage =
                Stage::AwaitingOtp(OtpChallenge { code, expires_at: now + OTP_VALIDITY, tries_left: OTP_TRIES });
            "/login/otp"
        }
        AuthKind::PasswordCaptcha if login_id.starts_with("twice") => {
            session.captcha_id = Some(world.captchas.issue(None, Some(&login_id)));
            session.stage = Stage::AwaitingSecondCaptcha;
            "/login/captcha"
        }
        AuthKind::PasswordApproval => {
            let token = random_token();
            world
                .approvals
                .insert(token.clone(), Approval { state: ApprovalState::Pending, expires_at: now + APPROVAL_VALIDITY });
            // Logins starting with `sms` get a link by SMS instead of an app notification.
            let kind = if login_id.starts_with("sms") { MessageKind::SmsLink } else { MessageKind::Approval };
            let url = format!("{}{}", ctx.shared.base_url(), ctx.path(&format!("/approve/{token}")));
            world.phone.send_link(&login_id, institution.id, kind, url, now);
            session.stage = Stage::AwaitingApproval { token };
            "/login/approval"
        }
        _ => {
            session.stage = Stage::Authenticated;
            institution.home
        }
    };
    with_cookie(redirect(&ctx.path(next)), set_session_cookie(institution.id, &new_id))
}

fn otp_form(ctx: &Ctx, login_id: &str, csrf: &str, challenge: &OtpChallenge, error: Option<String>) -> String {
    let expires_local = challenge.expires_at.to_offset(JST);
    let destination = masked_number(login_id);
    let error = error
        .map(|message| {
            format!(
                "<p id=\"login-error\" class=\"error\" role=\"alert\" data-tries-left=\"{}\">{}</p>\n",
                challenge.tries_left,
                escape(&message)
            )
        })
        .unwrap_or_default();
    ctx.page(
        "ワンタイムパスワード",
        &format!(
            "<p id=\"otp-destination\" data-destination=\"{destination}\">{destination} にSMSで送信しました。</p>\n\
             <p id=\"otp-expiry\" data-expires-at=\"{expires}\">有効期限：{hh:02}:{mm:02}まで</p>\n{error}\
             <form id=\"otp-form\" method=\"post\" action=\"{action}\">\n\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\n\
             <label>ワンタイムパスワード（6桁） <input type=\"text\" name=\"otp\" inputmode=\"numeric\" maxlength=\"6\" autocomplete=\"one-time-code\" autofocus></label>\n\
             <label><input type=\"checkbox\" id=\"trust-device\" name=\"trust\" value=\"1\"> この端末を信頼する（{days}日間、ワンタイムパスワードを省略）</label>\n\
             <button type=\"submit\">認証する</button>\n</form>",
            days = TRUSTED_DEVICE_DAYS,
            expires = challenge.expires_at.format(&Rfc3339).expect("valid time"),
            hh = expires_local.hour(),
            mm = expires_local.minute(),
            action = ctx.path("/login/otp"),
            csrf = escape(csrf),
        ),
    )
}

fn otp_locked(ctx: &Ctx) -> Response {
    respond(
        StatusCode::OK,
        ctx.page(
            "ロックされました",
            &format!(
                "<p id=\"otp-locked\" class=\"error\">ワンタイムパスワードを{OTP_TRIES}回間違えたため、このログインはロックされました。\
                 最初からログインし直してください。</p><a href=\"{}\">ログイン画面へ</a>",
                ctx.path("/login")
            ),
        ),
    )
}

/// GET /login/otp
async fn otp_page(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let now = ctx.now();
    let session = session_cookie(&headers).and_then(|id| {
        ctx.world()
            .sessions
            .live(ctx.institution.id, &id, now)
            .map(|session| (session.stage.clone(), session.login_id.clone(), session.csrf.clone()))
    });
    match session {
        Some((Stage::AwaitingOtp(challenge), login_id, csrf)) => {
            respond(StatusCode::OK, otp_form(&ctx, &login_id.unwrap_or_default(), &csrf, &challenge, None))
        }
        Some((Stage::OtpLocked, _, _)) => otp_locked(&ctx),
        _ => redirect(&ctx.path("/login")),
    }
}

/// POST /login/otp: single use, five minutes, three tries.
async fn submit_otp(State(ctx): State<Ctx>, headers: HeaderMap, axum::Form(form): axum::Form<StepForm>) -> Response {
    let now = ctx.now();
    let Some(session_id) = session_cookie(&headers) else {
        return redirect(&ctx.path("/login"));
    };
    let mut world = ctx.world();
    let Some(session) = world.sessions.live(ctx.institution.id, &session_id, now) else {
        return redirect(&ctx.path("/login"));
    };
    if session.csrf != form.csrf {
        drop(world);
        return stale_form(&ctx);
    }
    let mut challenge = match &session.stage {
        Stage::AwaitingOtp(challenge) => challenge.clone(),
        Stage::OtpLocked => {
            drop(world);
            return otp_locked(&ctx);
        }
        _ => return redirect(&ctx.path("/login")),
    };
    if now > challenge.expires_at {
        session.stage = Stage::Anonymous;
        drop(world);
        return respond(
            StatusCode::OK,
            ctx.page(
                "有効期限切れ",
                &format!(
                    "<p id=\"otp-expired\" class=\"error\">ワンタイムパスワードの有効期限が切れました。最初からログインし直してください。</p>\
                     <a href=\"{}\">ログイン画面へ</a>",
                    ctx.path("/login")
                ),
            ),
        );
    }
    if form.otp.trim() == challenge.code {
        session.stage = Stage::Authenticated;
        let home = redirect(&ctx.path(ctx.institution.home));
        if form.trust.is_some() {
            let login_id = session.login_id.clone().unwrap_or_default();
            let token = random_token();
            let until = now + time::Duration::days(TRUSTED_DEVICE_DAYS);
            world.trusted_devices.insert(token.clone(), (ctx.institution.id, login_id, until));
            return with_cookie(home, set_trusted_device_cookie(ctx.institution.id, &token));
        }
        return home;
    }
    challenge.tries_left -= 1;
    if challenge.tries_left == 0 {
        session.stage = Stage::OtpLocked;
        drop(world);
        return otp_locked(&ctx);
    }
    session.stage = Stage::AwaitingOtp(challenge.clone());
    let (login_id, csrf) = (session.login_id.clone().unwrap_or_default(), session.csrf.clone());
    drop(world);
    let message =
        format!("ワンタイムパスワードが正しくありません。あと{}回間違えるとロックされます。", challenge.tries_left);
    respond(StatusCode::OK, otp_form(&ctx, &login_id, &csrf, &challenge, Some(message)))
}

fn second_captcha_form(ctx: &Ctx, csrf: &str, captcha_id: &str, error: Option<&str>) -> String {
    ctx.page(
        "画像認証",
        &format!(
            "{error}<p id=\"captcha-notice\">追加の確認のため、画像の数字を入力してください。</p>\n\
             <form id=\"captcha-form\" method=\"post\" action=\"{action}\">\n\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\n{captcha}<button type=\"submit\">次へ</button>\n</form>",
            error = error_paragraph(error),
            action = ctx.path("/login/captcha"),
            csrf = escape(csrf),
            captcha = captcha_block(ctx, captcha_id),
        ),
    )
}

/// GET /login/captcha: the second CAPTCHA of `twice…` logins.
async fn second_captcha_page(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let now = ctx.now();
    let shown = session_cookie(&headers).and_then(|id| {
        let mut world = ctx.world();
        let session = world.sessions.live(ctx.institution.id, &id, now)?;
        (session.stage == Stage::AwaitingSecondCaptcha)
            .then(|| (session.csrf.clone(), session.captcha_id.clone().unwrap_or_default()))
    });
    match shown {
        Some((csrf, captcha_id)) => respond(StatusCode::OK, second_captcha_form(&ctx, &csrf, &captcha_id, None)),
        None => redirect(&ctx.path("/login")),
    }
}

/// POST /login/captcha: right → logged in; wrong → a new CAPTCHA, as many times as it takes.
async fn submit_second_captcha(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<StepForm>,
) -> Response {
    let now = ctx.now();
    let Some(session_id) = session_cookie(&headers) else {
        return redirect(&ctx.path("/login"));
    };
    let mut world = ctx.world();
    let world = &mut *world;
    let Some(session) = world.sessions.live(ctx.institution.id, &session_id, now) else {
        return redirect(&ctx.path("/login"));
    };
    if session.stage != Stage::AwaitingSecondCaptcha {
        return redirect(&ctx.path("/login"));
    }
    if session.csrf != form.csrf {
        return stale_form(&ctx);
    }
    let expected = session.captcha_id.as_deref().and_then(|id| world.captchas.answer(id));
    if expected.is_some() && expected == Some(form.captcha.trim()) {
        if let Some(captcha_id) = session.captcha_id.take() {
            world.captchas.retire(&captcha_id);
        }
        session.stage = Stage::Authenticated;
        return redirect(&ctx.path(ctx.institution.home));
    }
    let captcha_id = world.captchas.issue(session.captcha_id.as_deref(), session.login_id.as_deref());
    session.captcha_id = Some(captcha_id.clone());
    let csrf = session.csrf.clone();
    respond(StatusCode::OK, second_captcha_form(&ctx, &csrf, &captcha_id, Some(WRONG_CAPTCHA)))
}

#[derive(Debug, Deserialize)]
struct CaptchaQuery {
    #[serde(default)]
    id: String,
}

/// GET /captcha.png?id=…
async fn captcha_png(State(ctx): State<Ctx>, Query(query): Query<CaptchaQuery>) -> Response {
    let answer = ctx.world().captchas.answer(&query.id).map(str::to_owned);
    match answer {
        Some(answer) => (
            [(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "no-store")],
            captcha::render_png(&answer, &query.id),
        )
            .into_response(),
        None => ctx.not_found(),
    }
}

/// GET /login/approval: "approve on your phone", with the URL to poll.
async fn approval_page(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let now = ctx.now();
    let expires_at = session_cookie(&headers).and_then(|id| {
        let mut world = ctx.world();
        let token = match &world.sessions.live(ctx.institution.id, &id, now)?.stage {
            Stage::AwaitingApproval { token } => token.clone(),
            _ => return None,
        };
        world.approvals.get(&token).map(|approval| approval.expires_at)
    });
    let Some(expires_at) = expires_at else {
        return redirect(&ctx.path("/login"));
    };
    respond(
        StatusCode::OK,
        ctx.page(
            "スマートフォンでの承認",
            &format!(
                "<div id=\"approval-pending\" data-status-url=\"{status}\" data-expires-at=\"{expires}\">\n\
                 <p>スマートフォンアプリで承認してください。</p>\n\
                 <p>承認後、自動的に次の画面へ進みます（有効期限：2分）。</p></div>\n\
                 <a id=\"approval-continue\" href=\"{home}\">承認が完了したら次へ</a>",
                status = ctx.path("/login/status"),
                expires = expires_at.format(&Rfc3339).expect("valid time"),
                home = ctx.path(ctx.institution.home),
            ),
        ),
    )
}

/// GET /login/status: `{"state": "pending" | "approved" | "expired" | "denied"}`; once it says
/// approved the session is logged in.
async fn approval_status(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let now = ctx.now();
    let no_session = || (StatusCode::UNAUTHORIZED, Json(serde_json::json!({"error": "no_session"}))).into_response();
    let Some(session_id) = session_cookie(&headers) else {
        return no_session();
    };
    let mut world = ctx.world();
    let world = &mut *world;
    let Some(session) = world.sessions.live(ctx.institution.id, &session_id, now) else {
        return no_session();
    };
    let state = match &session.stage {
        Stage::Authenticated => "approved",
        Stage::AwaitingApproval { token } => {
            let state = world.approvals.get(token).map_or("expired", |approval| approval.state_at(now));
            match state {
                "approved" => session.stage = Stage::Authenticated,
                "expired" | "denied" => session.stage = Stage::Anonymous,
                _ => {}
            }
            state
        }
        _ => "expired",
    };
    let mut body = serde_json::json!({ "state": state });
    if state == "approved" {
        body["next"] = ctx.path(ctx.institution.home).into();
    }
    Json(body).into_response()
}

#[derive(Debug, Deserialize)]
struct ApproveQuery {
    action: Option<String>,
}

/// GET /approve/{token}: the phone's side. `?action=deny` denies instead.
async fn approve(State(ctx): State<Ctx>, Path(token): Path<String>, Query(query): Query<ApproveQuery>) -> Response {
    let now = ctx.now();
    let state = {
        let mut world = ctx.world();
        let Some(approval) = world.approvals.get_mut(&token) else {
            drop(world);
            return ctx.not_found();
        };
        if approval.state_at(now) == "pending" {
            approval.state =
                if query.action.as_deref() == Some("deny") { ApprovalState::Denied } else { ApprovalState::Approved };
        }
        approval.state_at(now)
    };
    let message = match state {
        "approved" => "ログインを承認しました。",
        "denied" => "ログインを拒否しました。",
        _ => "この承認リクエストは有効期限が切れています。",
    };
    respond(
        StatusCode::OK,
        ctx.page("ログインの承認", &format!("<p id=\"approval-result\" data-state=\"{state}\">{message}</p>")),
    )
}

/// GET /logout
async fn logout(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    if let Some(session_id) = session_cookie(&headers) {
        ctx.world().sessions.remove(&session_id);
    }
    with_cookie(
        respond(
            StatusCode::OK,
            ctx.page(
                "ログアウト",
                &format!(
                    "<p id=\"logged-out\">ログアウトしました。</p><a href=\"{}\">ログイン画面へ</a>",
                    ctx.path("/login")
                ),
            ),
        ),
        clear_session_cookie(ctx.institution.id),
    )
}

/// GET /terms: the new terms and the form that accepts them (needs a logged-in session).
async fn terms_page(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in_for(&ctx, &headers, false) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let csrf = ctx
        .world()
        .sessions
        .live(ctx.institution.id, &user.session_id, ctx.now())
        .map(|session| session.csrf.clone())
        .unwrap_or_default();
    respond(
        StatusCode::OK,
        ctx.page(
            "利用規約",
            &format!(
                "<div id=\"terms-text\"><p>第1条（適用）本規約は、当サービスの利用に関する条件を定めるものです。</p></div>\n\
                 <form id=\"terms-form\" method=\"post\" action=\"{action}\">\n\
                 <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\n\
                 <button type=\"submit\" name=\"agree\" value=\"1\">同意する</button>\n</form>",
                action = ctx.path("/terms"),
                csrf = escape(&csrf),
            ),
        ),
    )
}

/// POST /terms: the login accepts the current terms; data pages open again.
async fn accept_terms(State(ctx): State<Ctx>, headers: HeaderMap, axum::Form(form): axum::Form<StepForm>) -> Response {
    let user = match logged_in_for(&ctx, &headers, false) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let mut world = ctx.world();
    let csrf_matches = world
        .sessions
        .live(ctx.institution.id, &user.session_id, ctx.now())
        .is_some_and(|session| session.csrf == form.csrf);
    if !csrf_matches {
        drop(world);
        return stale_form(&ctx);
    }
    world.terms_accepted.insert((ctx.institution.id, user.login_id));
    redirect(&ctx.path(ctx.institution.home))
}
