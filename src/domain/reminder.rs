//! Freshness reminders: when a listing has gone unconfirmed for 6, 11 and 12 months, each
//! of its organisation's editors is sent a message with a single-use, expiring "still
//! correct" link. Messages wait in an outbox in the store until delivered; a failed delivery
//! is retried with growing back-off, and nothing is dropped.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::ServiceId;
use super::values::Email;

/// How long a reminder's "still correct" link works.
pub const LINK_VALID: Duration = Duration::days(30);
/// The first retry comes this long after a failure; each further failure doubles it, up
/// to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::minutes(1);
/// The longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::hours(6);

/// Which reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Not confirmed for 6 months: please check.
    SixMonths,
    /// 11 months: a month before it ranks lower.
    ElevenMonths,
    /// 12 months: it now ranks lower in search.
    TwelveMonths,
}

impl Stage {
    /// Every stage, earliest first.
    pub const ALL: [Stage; 3] = [Stage::SixMonths, Stage::ElevenMonths, Stage::TwelveMonths];

    /// Days without confirmation after which the stage is reached.
    pub fn after_days(self) -> i64 {
        match self {
            Stage::SixMonths => super::service::CHECK_AFTER_DAYS,
            Stage::ElevenMonths => 335,
            Stage::TwelveMonths => super::service::STALE_AFTER_DAYS,
        }
    }

    /// The stage's name in keys and pages.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::SixMonths => "6-months",
            Stage::ElevenMonths => "11-months",
            Stage::TwelveMonths => "12-months",
        }
    }

    /// The latest stage reached by a listing last confirmed on `confirmed` (never: the
    /// last), on `today`.
    pub fn reached(confirmed: Option<NaiveDate>, today: NaiveDate) -> Option<Stage> {
        let Some(confirmed) = confirmed else {
            return Some(Stage::TwelveMonths);
        };
        let days = (today - confirmed).num_days();
        Stage::ALL
            .into_iter()
            .rev()
            .find(|stage| days > stage.after_days())
    }
}

/// A message waiting in (or sent from) the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// What it is for, unique: the service, the stage, the confirmation it follows and the
    /// recipient (so a reminder is never queued twice).
    pub key: String,
    /// The listing.
    pub service: ServiceId,
    /// The stage.
    pub stage: Stage,
    /// The recipient.
    pub to: Email,
    /// Subject line.
    pub subject: String,
    /// Plain-text body (holds the link's secret until delivered; cleared afterwards).
    pub body: String,
    /// When it was queued.
    pub created: DateTime<Utc>,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not before then.
    pub next_attempt: DateTime<Utc>,
    /// When it was delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl OutboxMessage {
    /// Whether it should be tried at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.sent.is_none() && self.next_attempt <= now
    }

    /// Records a delivery.
    pub fn delivered(&mut self, now: DateTime<Utc>) {
        self.attempts += 1;
        self.sent = Some(now);
        self.last_error = None;
        self.body = String::from("(delivered; the link is not kept)");
    }

    /// Records a failed attempt; the next comes after the back-off.
    pub fn failed(&mut self, error: &str, now: DateTime<Utc>) {
        self.attempts += 1;
        self.last_error = Some(error.chars().take(300).collect());
        self.next_attempt = now + backoff(self.attempts);
    }
}

/// The wait after `failures` failed attempts.
pub fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    (FIRST_BACKOFF * 2i32.pow(doublings)).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn stages_follow_the_months_since_the_last_confirmation() {
        let today = day("2026-11-22");
        assert_eq!(Stage::reached(Some(day("2026-10-01")), today), None);
        assert_eq!(
            Stage::reached(Some(day("2026-05-01")), today),
            Some(Stage::SixMonths)
        );
        assert_eq!(
            Stage::reached(Some(day("2025-12-20")), today),
            Some(Stage::ElevenMonths)
        );
        assert_eq!(
            Stage::reached(Some(day("2025-11-01")), today),
            Some(Stage::TwelveMonths)
        );
        assert_eq!(Stage::reached(None, today), Some(Stage::TwelveMonths));
    }

    #[test]
    fn failures_back_off_doubling_to_a_ceiling() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(5), Duration::minutes(16));
        assert_eq!(backoff(40), MAX_BACKOFF);
    }
}
