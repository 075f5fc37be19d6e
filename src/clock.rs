//! The time searches are judged at: the system clock, or a fixed instant so that tests and
//! demonstrations of "open now" and freshness give the same answer whenever they run.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// Always `instant`.
    pub fn fixed(instant: DateTime<Utc>) -> Self {
        Self {
            fixed: Some(instant),
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// The current London wall-clock time (BST or GMT as it falls).
    pub fn london_now(&self) -> NaiveDateTime {
        crate::search::query::london_time(self.now())
    }
}
