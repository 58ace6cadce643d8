//! Faults that tests switch on per institution (`POST /_sandbox/faults`): the gate that every
//! request to an institution passes (counting, `ended`, `slow`, `maintenance`, `busy`, `http_500`)
//! and the transformations data pages undergo (`page_changed`, `truncated`).

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::clock::JST;
use crate::html::{escape, respond};
use crate::institutions::Ctx;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    Busy,
    Maintenance,
    ConsentExpired,
    Terms,
    PageChanged,
    Slow,
    #[serde(rename = "http_500")]
    Http500,
    Truncated,
    SessionExpiry,
    AccountMigration,
    Ended,
    HostileText,
}

/// How long `slow` holds every response.
pub const SLOW_DELAY: std::time::Duration = std::time::Duration::from_secs(3);

/// How long a `maintenance` window lasts from the moment the fault is switched on.
pub const MAINTENANCE_LENGTH: Duration = Duration::hours(3);

#[derive(Debug, Clone, Copy)]
struct ActiveFault {
    fault: Fault,
    since: OffsetDateTime,
}

#[derive(Debug, Default)]
pub struct Faults {
    active: HashMap<&'static str, ActiveFault>,
    /// Bumped each time `consent_expired` is switched on: OAuth tokens issued under an older
    /// epoch are dead while the fault is on, and a fresh consent (re-link) gets working ones.
    consent_epochs: HashMap<&'static str, u64>,
}

impl Faults {
    pub fn set(&mut self, institution: &'static str, fault: Option<Fault>, now: OffsetDateTime) {
        match fault {
            Some(fault) => {
                if fault == Fault::ConsentExpired {
                    *self.consent_epochs.entry(institution).or_default() += 1;
                }
                self.active.insert(institution, ActiveFault { fault, since: now });
            }
            None => {
                self.active.remove(institution);
            }
        }
    }

    pub fn active(&self, institution: &str) -> Option<Fault> {
        self.active.get(institution).map(|active| active.fault)
    }

    pub fn all(&self) -> HashMap<&'static str, Fault> {
        self.active.iter().map(|(institution, active)| (*institution, active.fault)).collect()
    }

    fn since(&self, institution: &str) -> Option<OffsetDateTime> {
        self.active.get(institution).map(|active| active.since)
    }

    pub fn consent_epoch(&self, institution: &str) -> u64 {
        self.consent_epochs.get(institution).copied().unwrap_or(0)
    }

    /// Whether a grant issued under `epoch` is revoked by an active `consent_expired`.
    pub fn consent_revoked(&self, institution: &str, epoch: u64) -> bool {
        self.active(institution) == Some(Fault::ConsentExpired) && epoch < self.consent_epoch(institution)
    }
}

/// Runs before every route of an institution: counts the request, then answers for the faults
/// that replace every page. Approval links are the phone's, not the client's: neither counted nor
/// blocked.
pub async fn gate(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.contains("/approve/") {
        return next.run(request).await;
    }
    let (fault, since) = {
        let mut world = ctx.shared.world();
        *world.requests.entry(ctx.institution.id).or_default() += 1;
        (world.faults.active(ctx.institution.id), world.faults.since(ctx.institution.id))
    };
    let json = ctx.is_json_path(&path);
    match fault {
        Some(Fault::Ended) => ended(&ctx, json),
        Some(Fault::Maintenance) => maintenance(&ctx, json, since.unwrap_or_else(|| ctx.now())),
        Some(Fault::Busy) => busy(&ctx, json),
        Some(Fault::Http500) => server_error(&ctx, json),
        Some(Fault::Slow) => {
            tokio::time::sleep(SLOW_DELAY).await;
            next.run(request).await
        }
        _ => next.run(request).await,
    }
}

fn json_error(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn ended(ctx: &Ctx, json: bool) -> Response {
    if json {
        return json_error(StatusCode::GONE, serde_json::json!({"error": "service_ended"}));
    }
    respond(
        StatusCode::GONE,
        ctx.page(
            "サービス終了のお知らせ",
            "<div id=\"service-ended\" class=\"system-message\">\
             <p>本サービスは終了いたしました。長らくのご利用ありがとうございました。</p></div>",
        ),
    )
}

fn maintenance(ctx: &Ctx, json: bool, since: OffsetDateTime) -> Response {
    let end = since + MAINTENANCE_LENGTH;
    let end_rfc3339 = end.format(&Rfc3339).expect("RFC 3339 of a valid time");
    let retry_after = (end - ctx.now()).whole_seconds().max(0).to_string();
    if json {
        let mut response = json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"error": "maintenance", "maintenance_end": end_rfc3339}),
        );
        response.headers_mut().insert(header::RETRY_AFTER, retry_after.parse().expect("digits"));
        return response;
    }
    let local = end.to_offset(JST);
    let main = format!(
        "<div id=\"maintenance\" class=\"system-message\" data-maintenance-end=\"{end}\">\
         <p>ただいまシステムメンテナンス中です。{y}年{m}月{d}日 {hh:02}:{mm:02} までご利用いただけません。</p></div>",
        end = escape(&end_rfc3339),
        y = local.year(),
        m = u8::from(local.month()),
        d = local.day(),
        hh = local.hour(),
        mm = local.minute(),
    );
    let mut response = respond(StatusCode::SERVICE_UNAVAILABLE, ctx.page("メンテナンスのお知らせ", &main));
    response.headers_mut().insert(header::RETRY_AFTER, retry_after.parse().expect("digits"));
    response
}

/// Real Japanese banks answer "busy" with an ordinary page: HTTP 200 (the JSON API says 503).
fn busy(ctx: &Ctx, json: bool) -> Response {
    if json {
        return json_error(StatusCode::SERVICE_UNAVAILABLE, serde_json::json!({"error": "temporarily_unavailable"}));
    }
    respond(
        StatusCode::OK,
        ctx.page(
            "ただいま混み合っています",
            "<div id=\"busy\" class=\"system-message\">\
             <p>ただいま混み合っています。明日以降に再度お試しください。</p></div>",
        ),
    )
}

fn server_error(ctx: &Ctx, json: bool) -> Response {
    if json {
        return json_error(StatusCode::INTERNAL_SERVER_ERROR, serde_json::json!({"error": "server_error"}));
    }
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        ctx.page(
            "システムエラー",
            "<div id=\"system-error\" class=\"system-message\"><p>システムエラーが発生しました。</p></div>",
        ),
    )
}

/// `page_changed`: the same content in a new layout. Every `id`, `class`, `rel` and `data-*`
/// attribute is renamed and tables become `div`s, so no documented selector matches any more.
pub fn restructure(html: &str) -> String {
    const RENAMES: &[(&str, &str)] = &[
        (" id=\"", " id=\"v2-"),
        (" class=\"", " class=\"v2-"),
        (" rel=\"", " data-link=\""),
        (" data-", " data-v2-"),
        ("<table", "<div role=\"table\""),
        ("</table>", "</div>"),
        ("<thead>", "<div role=\"rowgroup\">"),
        ("</thead>", "</div>"),
        ("<tbody>", "<div role=\"rowgroup\">"),
        ("</tbody>", "</div>"),
        ("<tr", "<div role=\"row\""),
        ("</tr>", "</div>"),
        ("<th", "<span role=\"columnheader\""),
        ("</th>", "</span>"),
        ("<td", "<span role=\"cell\""),
        ("</td>", "</span>"),
    ];
    RENAMES.iter().fold(html.to_owned(), |page, (from, to)| page.replace(from, to))
}

/// `truncated`: announces the whole body in `Content-Length`, sends about 60% of it and closes
/// the connection, as a flaky network does; the client sees an incomplete body error.
pub fn truncated(body: String, content_type: &'static str) -> Response {
    let full_length = body.len();
    let sent = Bytes::from(body.into_bytes()).slice(..full_length * 3 / 5);
    // A stream has no exact size hint, so the server keeps our (lying) Content-Length. The pause
    // before the stream ends lets the server flush what was sent before it drops the connection.
    let stream = futures_util::stream::unfold(Some(sent), |sent| async move {
        match sent {
            Some(bytes) => Some((Ok::<_, std::io::Error>(bytes), None)),
            None => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                None
            }
        }
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, full_length)
        .body(Body::from_stream(stream))
        .expect("valid response parts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restructure_removes_every_documented_hook() {
        let before = "<table id=\"history\"><tbody><tr class=\"txn\" data-id=\"S1\"><td class=\"date\">x</td></tr></tbody></table><a rel=\"next\" href=\"?page=2\">次へ</a>";
        let after = restructure(before);
        for hook in ["id=\"history\"", "class=\"txn\"", " data-id=", "rel=\"next\"", "<table", "<tr", "<td"] {
            assert!(!after.contains(hook), "{hook} survived in {after}");
        }
        assert!(after.contains(">x<") && after.contains("次へ"));
    }

    #[test]
    fn consent_revocation_applies_to_older_grants_only_while_on() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mut faults = Faults::default();
        let old_epoch = faults.consent_epoch("sandbox-oauth");
        faults.set("sandbox-oauth", Some(Fault::ConsentExpired), now);
        assert!(faults.consent_revoked("sandbox-oauth", old_epoch));
        assert!(!faults.consent_revoked("sandbox-oauth", faults.consent_epoch("sandbox-oauth")));
        faults.set("sandbox-oauth", None, now);
        assert!(!faults.consent_revoked("sandbox-oauth", old_epoch));
    }
}
