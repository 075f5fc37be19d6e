//! Capacity at a glance: whether a service can take someone now. Its organisation says so in
//! seconds (taking referrals, a waiting list with an approximate wait, or paused until a
//! date); it is published at once, without moderation (each change is audited), and goes
//! stale when not confirmed for [`STALE_AFTER_DAYS`].
//!
//! Capacity is the service's state of the day, not part of its listing: imports and
//! listing edits leave it alone, and it is kept apart from the record.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Days after which a capacity nobody has confirmed is shown as out of date and no longer
/// counts as "taking referrals".
pub const STALE_AFTER_DAYS: i64 = 30;
/// The longest wait that can be given, in weeks.
pub const MOST_WAIT_WEEKS: u16 = 104;

/// What the organisation said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CapacityState {
    /// Taking referrals now.
    Taking,
    /// Taking referrals onto a waiting list.
    WaitingList {
        /// Roughly how many weeks a new referral waits, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait_weeks: Option<u16>,
    },
    /// Not taking referrals.
    Paused {
        /// Until when, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<NaiveDate>,
    },
}

/// A service's capacity and when it was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    /// What the organisation said.
    #[serde(flatten)]
    pub state: CapacityState,
    /// When it said so.
    pub updated: DateTime<Utc>,
}

/// Why a capacity form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CapacityError {
    /// No (or an unknown) state was chosen.
    #[error("choose whether the service is taking referrals, has a waiting list or is paused")]
    NoState,
    /// The wait is not a whole number of weeks in range.
    #[error("give the wait as a whole number of weeks, from 1 to 104, or leave it empty")]
    BadWait,
    /// The date is not a date, or is in the past.
    #[error("give the date as a date from today on, or leave it empty")]
    BadDate,
}

impl CapacityState {
    /// Reads a capacity form (or API body): `state` is `taking`, `waiting_list` or `paused`;
    /// `wait_weeks` and `until` (YYYY-MM-DD) are optional and read only for their state.
    pub fn parse(
        state: &str,
        wait_weeks: &str,
        until: &str,
        today: NaiveDate,
    ) -> Result<CapacityState, CapacityError> {
        match state.trim() {
            "taking" => Ok(CapacityState::Taking),
            "waiting_list" => {
                let wait_weeks = match wait_weeks.trim() {
                    "" => None,
                    text => Some(
                        text.parse::<u16>()
                            .ok()
                            .filter(|weeks| (1..=MOST_WAIT_WEEKS).contains(weeks))
                            .ok_or(CapacityError::BadWait)?,
                    ),
                };
                Ok(CapacityState::WaitingList { wait_weeks })
            }
            "paused" => {
                let until = match until.trim() {
                    "" => None,
                    text => Some(
                        NaiveDate::parse_from_str(text, "%Y-%m-%d")
                            .ok()
                            .filter(|date| *date >= today)
                            .ok_or(CapacityError::BadDate)?,
                    ),
                };
                Ok(CapacityState::Paused { until })
            }
            _ => Err(CapacityError::NoState),
        }
    }

    /// The state's name in the API and forms.
    pub fn name(&self) -> &'static str {
        match self {
            CapacityState::Taking => "taking",
            CapacityState::WaitingList { .. } => "waiting_list",
            CapacityState::Paused { .. } => "paused",
        }
    }
}

impl Capacity {
    /// Whether nobody has confirmed it for [`STALE_AFTER_DAYS`].
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        now - self.updated > chrono::Duration::days(STALE_AFTER_DAYS)
    }

    /// The last day on which it counts as taking referrals (taking, or a waiting list, and
    /// not yet stale); `None` when paused.
    pub fn accepting_until(&self) -> Option<NaiveDate> {
        match self.state {
            CapacityState::Taking | CapacityState::WaitingList { .. } => {
                Some((self.updated + chrono::Duration::days(STALE_AFTER_DAYS)).date_naive())
            }
            CapacityState::Paused { .. } => None,
        }
    }

    /// Whether it takes referrals now: taking or a waiting list, and not stale.
    pub fn accepting(&self, now: DateTime<Utc>) -> bool {
        self.accepting_until()
            .is_some_and(|last| now.date_naive() <= last)
            && !self.is_stale(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn forms_are_read_with_their_details_and_refused_clearly() {
        let today = day(23);
        assert_eq!(
            CapacityState::parse("taking", "9", "2020-01-01", today),
            Ok(CapacityState::Taking)
        );
        assert_eq!(
            CapacityState::parse("waiting_list", " 6 ", "", today),
            Ok(CapacityState::WaitingList {
                wait_weeks: Some(6)
            })
        );
        assert_eq!(
            CapacityState::parse("waiting_list", "", "", today),
            Ok(CapacityState::WaitingList { wait_weeks: None })
        );
        assert_eq!(
            CapacityState::parse("paused", "", "2026-12-01", today),
            Ok(CapacityState::Paused {
                until: NaiveDate::from_ymd_opt(2026, 12, 1)
            })
        );
        assert_eq!(
            CapacityState::parse("waiting_list", "0", "", today),
            Err(CapacityError::BadWait)
        );
        assert_eq!(
            CapacityState::parse("waiting_list", "six", "", today),
            Err(CapacityError::BadWait)
        );
        assert_eq!(
            CapacityState::parse("paused", "", "2026-11-22", today),
            Err(CapacityError::BadDate)
        );
        assert_eq!(
            CapacityState::parse("", "", "", today),
            Err(CapacityError::NoState)
        );
    }

    #[test]
    fn taking_referrals_lapses_after_thirty_days_unconfirmed() {
        let said = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let taking = Capacity {
            state: CapacityState::Taking,
            updated: said,
        };
        assert!(taking.accepting(said));
        assert!(taking.accepting(said + chrono::Duration::days(30)));
        assert!(!taking.is_stale(said + chrono::Duration::days(30)));
        assert!(taking.is_stale(said + chrono::Duration::days(31)));
        assert!(!taking.accepting(said + chrono::Duration::days(31)));
        let paused = Capacity {
            state: CapacityState::Paused { until: None },
            updated: said,
        };
        assert!(!paused.accepting(said));
        assert_eq!(paused.accepting_until(), None);
    }

    #[test]
    fn the_stored_shape_is_flat_and_reads_back() {
        let capacity = Capacity {
            state: CapacityState::WaitingList {
                wait_weeks: Some(6),
            },
            updated: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
        };
        let json = serde_json::to_value(capacity).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"state": "waiting_list", "wait_weeks": 6, "updated": "2026-11-01T09:00:00Z"})
        );
        assert_eq!(serde_json::from_value::<Capacity>(json).unwrap(), capacity);
    }
}
