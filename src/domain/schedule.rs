//! Schedules: when a service is open, as ORUK/RFC 5545 recurrence fields. What they mean
//! in opening windows and "open now" is in [`super::opening`].
//!
//! A weekly schedule without `byday` falls back to the weekday of `dtstart`, and to every day
//! when it has neither (a daily service).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::RecordId;
use super::values::{ClockTime, InvalidValue, WebUrl};

/// A day of the week, in ISO order (Monday first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// All seven days, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday to 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The RFC 5545 two-letter code (`MO` ... `SU`).
    pub fn code(self) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][self.index()]
    }

    /// The English name.
    pub fn name(self) -> &'static str {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][self.index()]
    }

    /// The following day.
    pub fn next(self) -> Weekday {
        Weekday::ALL[(self.index() + 1) % 7]
    }

    /// Parses `MO`, `Mon` or `Monday` in any case.
    pub fn parse(text: &str) -> Result<Weekday, InvalidValue> {
        let lower = text.trim().to_ascii_lowercase();
        Weekday::ALL
            .into_iter()
            .find(|day| {
                let name = day.name().to_ascii_lowercase();
                lower == day.code().to_ascii_lowercase() || lower == name || lower == name[..3]
            })
            .ok_or_else(|| {
                InvalidValue::new(
                    "is not a day of the week (expected MO, TU, WE, TH, FR, SA or SU)",
                )
            })
    }

    /// From chrono's weekday.
    pub fn from_chrono(day: chrono::Weekday) -> Weekday {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// RFC 5545 recurrence frequency (the two ORUK allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Frequency {
    /// Every week (or every `interval` weeks).
    Weekly,
    /// Every month, on `byday` occurrences (`2MO`) or `bymonthday` dates.
    Monthly,
}

/// One `byday` entry: a weekday, with an occurrence in the month for monthly rules (`2MO`,
/// `-1FR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByDay {
    /// Which occurrence in the month (1 to 5, or -1 to -5 from the end), if given.
    pub occurrence: Option<i8>,
    /// The weekday.
    pub weekday: Weekday,
}

/// Parses a comma-separated `byday` list such as `MO,WE` or `2MO,-1FR`.
pub fn parse_byday(text: &str) -> Result<Vec<ByDay>, InvalidValue> {
    let invalid = || {
        InvalidValue::new(
            "is not a list of days (expected comma-separated MO, TU, WE, TH, FR, SA, SU, optionally with an occurrence such as 2MO or -1FR)",
        )
    };
    let mut days = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if part.len() < 2 {
            return Err(invalid());
        }
        let (prefix, code) = part.split_at(part.len() - 2);
        let weekday = Weekday::ALL
            .into_iter()
            .find(|day| day.code().eq_ignore_ascii_case(code))
            .ok_or_else(invalid)?;
        let occurrence = if prefix.is_empty() {
            None
        } else {
            let n: i8 = prefix
                .trim_start_matches('+')
                .parse()
                .map_err(|_| invalid())?;
            if n == 0 || !(-5..=5).contains(&n) {
                return Err(invalid());
            }
            Some(n)
        };
        days.push(ByDay {
            occurrence,
            weekday,
        });
    }
    Ok(days)
}

/// Parses a comma-separated `bymonthday` list (1 to 31, or -1 to -31 from the end).
pub fn parse_bymonthday(text: &str) -> Result<Vec<i8>, InvalidValue> {
    text.split(',')
        .map(|part| {
            part.trim()
                .parse::<i8>()
                .ok()
                .filter(|n| *n != 0 && (-31..=31).contains(n))
                .ok_or_else(|| {
                    InvalidValue::new(
                        "is not a list of days of the month (expected numbers such as 1,15 or -1)",
                    )
                })
        })
        .collect()
}

/// An ORUK schedule entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Identifier.
    pub id: RecordId,
    /// The service_at_location this schedule is specific to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_at_location_id: Option<super::ids::ServiceAtLocationId>,
    /// First date on which this schedule applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last date on which this schedule applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// First occurrence (needed with `interval`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtstart: Option<NaiveDate>,
    /// Recurrence frequency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freq: Option<Frequency>,
    /// Every n weeks or months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    /// Days, as written (validated by [`parse_byday`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byday: Option<String>,
    /// Days of the month, as written (validated by [`parse_bymonthday`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bymonthday: Option<String>,
    /// The schedule in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Opening time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<ClockTime>,
    /// Closing time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<ClockTime>,
    /// Link to sessions or booking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_link: Option<WebUrl>,
    /// How to attend, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attending_type: Option<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byday_parsing() {
        let days = parse_byday("2MO,-1fr, SU").unwrap();
        assert_eq!(
            days[0],
            ByDay {
                occurrence: Some(2),
                weekday: Weekday::Monday
            }
        );
        assert_eq!(
            days[1],
            ByDay {
                occurrence: Some(-1),
                weekday: Weekday::Friday
            }
        );
        assert_eq!(days[2].weekday, Weekday::Sunday);
        for bad in ["", "MON", "0MO", "6TU", "MO,,TU", "XX"] {
            assert!(parse_byday(bad).is_err(), "{bad}");
        }
    }
}
