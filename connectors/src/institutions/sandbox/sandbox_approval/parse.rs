//! The approval step: the "approve on your phone" page and the status URL's JSON. The data pages
//! are the bank's (`sandbox_bank::parse`).

use super::super::pages::{self, changed, first_in, required};
use crate::error::ConnectorError;
use scraper::Html;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalPending {
    /// `/sandbox-approval/login/status`
    pub status_url: String,
    pub expires_at: Option<OffsetDateTime>,
    /// What the bank tells the user to do.
    pub message: String,
}

pub fn approval_pending(body: &str) -> Result<ApprovalPending, ConnectorError> {
    let page = "approval";
    let document = Html::parse_document(body);
    let pending = required(&document, "div#approval-pending", page)?;
    let status_url = pending
        .value()
        .attr("data-status-url")
        .ok_or_else(|| changed(page, "no `div#approval-pending[data-status-url]`"))?;
    Ok(ApprovalPending {
        status_url: status_url.to_owned(),
        expires_at: pending.value().attr("data-expires-at").and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok()),
        message: first_in(pending, "p")
            .map(pages::text)
            .filter(|message| !message.is_empty())
            .unwrap_or_else(|| "スマートフォンアプリで承認してください。".into()),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    Pending,
    Approved,
    Expired,
    Denied,
}

pub fn approval_state(json: &str) -> Result<ApprovalState, ConnectorError> {
    #[derive(Deserialize)]
    struct Status {
        state: ApprovalState,
    }
    serde_json::from_str::<Status>(json)
        .map(|status| status.state)
        .map_err(|_| changed("approval status", "an answer without a known `state`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn reads_the_pending_approval() {
        let body = r#"<html><body><main id="main"><h1>スマートフォンでの承認</h1>
<div id="approval-pending" data-status-url="/sandbox-approval/login/status" data-expires-at="2026-11-28T01:02:00Z">
<p>スマートフォンアプリで承認してください。</p><p>承認後、自動的に次の画面へ進みます（有効期限：2分）。</p></div>
<a id="approval-continue" href="/sandbox-approval/accounts">承認が完了したら次へ</a></main></body></html>"#;
        assert_eq!(
            approval_pending(body),
            Ok(ApprovalPending {
                status_url: "/sandbox-approval/login/status".into(),
                expires_at: Some(datetime!(2026-11-28 01:02 UTC)),
                message: "スマートフォンアプリで承認してください。".into(),
            })
        );
        assert!(matches!(approval_pending("<html></html>"), Err(ConnectorError::SiteChanged(_))));
    }

    #[test]
    fn reads_every_status() {
        assert_eq!(approval_state(r#"{"state":"pending"}"#), Ok(ApprovalState::Pending));
        assert_eq!(
            approval_state(r#"{"state":"approved","next":"/sandbox-approval/accounts"}"#),
            Ok(ApprovalState::Approved)
        );
        assert_eq!(approval_state(r#"{"state":"expired"}"#), Ok(ApprovalState::Expired));
        assert_eq!(approval_state(r#"{"state":"denied"}"#), Ok(ApprovalState::Denied));
        assert!(matches!(approval_state(r#"{"state":"maybe"}"#), Err(ConnectorError::SiteChanged(_))));
        assert!(matches!(approval_state("<html>"), Err(ConnectorError::SiteChanged(_))));
    }
}
