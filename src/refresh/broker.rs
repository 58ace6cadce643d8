//! The challenge broker: a question from a connector gets an id, goes out as an event to
//! whichever front end is listening (the terminal, the desktop UI), and waits on a one-shot
//! channel for the reply — or for a cancel, or for the time-out.

use super::events::{ChallengeView, EngineEvent, EventSink};
use gims_connectors::{AskError, Challenge, Reply};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::oneshot;

pub struct ChallengeBroker {
    next_id: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<Result<Reply, AskError>>>>,
    events: EventSink,
    timeout: Duration,
}

impl ChallengeBroker {
    pub fn new(events: EventSink, timeout: Duration) -> Self {
        ChallengeBroker { next_id: AtomicU64::new(1), pending: Mutex::new(HashMap::new()), events, timeout }
    }

    /// Asks the user on behalf of a connection's run and waits for the answer.
    pub async fn ask(&self, connection_id: i64, challenge: Challenge) -> Result<Reply, AskError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = oneshot::channel();
        self.lock().insert(id, sender);
        self.events.emit(EngineEvent::ChallengeAsked {
            challenge_id: id,
            connection_id,
            challenge: ChallengeView::from(&challenge),
        });
        // Closes the challenge however this future ends: answered, timed out, or dropped by a
        // connector that no longer needs the answer (an approval seen by polling).
        let _open = OpenChallenge { broker: self, challenge_id: id, connection_id };
        match tokio::time::timeout(self.timeout, receiver).await {
            Ok(Ok(answer)) => answer,
            // The sender was dropped: nobody can answer any more.
            Ok(Err(_)) => Err(AskError::Cancelled),
            Err(_) => Err(AskError::TimedOut),
        }
    }

    /// The user's answer. Returns false if the challenge is no longer open.
    pub fn reply(&self, challenge_id: u64, reply: Reply) -> bool {
        self.settle(challenge_id, Ok(reply))
    }

    pub fn cancel(&self, challenge_id: u64) -> bool {
        self.settle(challenge_id, Err(AskError::Cancelled))
    }

    fn settle(&self, challenge_id: u64, answer: Result<Reply, AskError>) -> bool {
        match self.lock().remove(&challenge_id) {
            Some(sender) => sender.send(answer).is_ok(),
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Result<Reply, AskError>>>> {
        // A poisoned map only means another ask panicked; its entries are still valid.
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

struct OpenChallenge<'a> {
    broker: &'a ChallengeBroker,
    challenge_id: u64,
    connection_id: i64,
}

impl Drop for OpenChallenge<'_> {
    fn drop(&mut self) {
        self.broker.lock().remove(&self.challenge_id);
        self.broker
            .events
            .emit(EngineEvent::ChallengeClosed { challenge_id: self.challenge_id, connection_id: self.connection_id });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gims_connectors::Secret;

    fn broker(timeout_ms: u64) -> (std::sync::Arc<ChallengeBroker>, tokio::sync::mpsc::UnboundedReceiver<EngineEvent>) {
        let (sink, events) = EventSink::channel();
        (std::sync::Arc::new(ChallengeBroker::new(sink, Duration::from_millis(timeout_ms))), events)
    }

    fn otp() -> Challenge {
        Challenge::Otp { sent_to: Some("***-****-1234".into()), expires_at: None, attempt: 1 }
    }

    #[tokio::test]
    async fn a_reply_reaches_the_asker_by_id() {
        let (broker, mut events) = broker(5_000);
        let asking = tokio::spawn({
            let broker = broker.clone();
            async move { broker.ask(7, otp()).await }
        });
        let Some(EngineEvent::ChallengeAsked { challenge_id, connection_id: 7, challenge }) = events.recv().await
        else {
            panic!("no challenge event")
        };
        assert_eq!(challenge.kind, "otp");
        assert!(!broker.reply(challenge_id + 1, Reply::Continue), "an unknown id is refused");
        assert!(broker.reply(challenge_id, Reply::Code(Secret::new("123456".into()))));
        match asking.await.unwrap() {
            Ok(Reply::Code(code)) => assert_eq!(code.expose(), "123456"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(events.recv().await, Some(EngineEvent::ChallengeClosed { .. })));
        assert!(!broker.reply(challenge_id, Reply::Continue), "a challenge is answered once");
    }

    #[tokio::test]
    async fn a_question_nobody_waits_for_any_more_is_closed() {
        let (broker, mut events) = broker(5_000);
        let asking = broker.ask(3, otp());
        // The connector stops waiting (it saw the approval by polling): the future is dropped.
        let _ = tokio::time::timeout(Duration::from_millis(20), asking).await;
        let mut closed = false;
        while let Ok(event) = events.try_recv() {
            closed |= matches!(event, EngineEvent::ChallengeClosed { connection_id: 3, .. });
        }
        assert!(closed, "front ends are told the question is gone");
        assert!(broker.lock().is_empty(), "nothing pending leaks");
    }

    #[tokio::test]
    async fn cancel_and_time_out_are_told_apart() {
        let (broker, mut events) = broker(50);
        assert_eq!(broker.ask(1, otp()).await.err(), Some(AskError::TimedOut));
        while events.try_recv().is_ok() {}
        let asking = tokio::spawn({
            let broker = broker.clone();
            async move { broker.ask(1, otp()).await }
        });
        loop {
            if let Some(EngineEvent::ChallengeAsked { challenge_id, .. }) = events.recv().await {
                assert!(broker.cancel(challenge_id));
                break;
            }
        }
        assert_eq!(asking.await.unwrap().err(), Some(AskError::Cancelled));
    }
}
