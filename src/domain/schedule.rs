//! Schedules: when a service is open, as ORUK/RFC 5545 recurrence fields, and the weekly
//! opening windows derived from them for filtering (`day`, `start_time`, `end_time`).
//!
//! Times are London wall-clock times. A `closes_at` earlier than `opens_at` means the window
//! runs overnight into the next day; `23:59` is read as the end of the day so that
//! "00:00–23:59" is open all day. A weekly schedule without `byday` falls back to the weekday
//! of `dtstart`, and to every day when it has neither (a daily service).

use std::fmt;

use chrono::{Datelike, NaiveDate};
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

    fn from_chrono(day: chrono::Weekday) -> Weekday {
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

/// Minutes in a day.
pub const DAY_MINUTES: u16 = 1440;

/// A weekly opening window derived from a schedule: the days it starts on, and the opening
/// and closing minute (closing may be smaller than opening for overnight windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningWindow {
    /// Bit `i` set when the window starts on [`Weekday::ALL`]`[i]`.
    pub days: u8,
    /// Opening minute after midnight.
    pub opens: u16,
    /// Closing minute after midnight (1440 = midnight at the end of the day).
    pub closes: u16,
    /// First valid date, as days since 1970-01-01 (`i32::MIN` when open-ended).
    pub valid_from: i32,
    /// Last valid date, as days since 1970-01-01 (`i32::MAX` when open-ended).
    pub valid_to: i32,
}

/// What a person asks of opening times: on one of these days (any day when empty), open from
/// `start` and/or until `end` (minutes after midnight).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningQuery {
    /// Days asked for; a window on any one of them will do.
    pub days: Vec<Weekday>,
    /// Open at this minute (and from then on until `end` when both are given).
    pub start: Option<u16>,
    /// Open until this minute.
    pub end: Option<u16>,
}

const ALL_DAYS: u8 = 0b0111_1111;

fn days_since_epoch(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    i32::try_from((date - epoch).num_days()).unwrap_or(i32::MAX)
}

impl Schedule {
    /// The weekly window this schedule describes, or `None` when it has no opening hours.
    pub fn opening_window(&self) -> Option<OpeningWindow> {
        let opens = self.opens_at.as_ref()?.minutes();
        let closes = match self.closes_at.as_ref()?.minutes() {
            1439 => DAY_MINUTES,
            0 if opens == 0 => DAY_MINUTES,
            other => other,
        };
        let days = match self.byday.as_deref().map(parse_byday) {
            Some(Ok(days)) if !days.is_empty() => days
                .iter()
                .fold(0u8, |mask, day| mask | 1 << day.weekday.index()),
            _ => match self.dtstart {
                Some(start) if self.freq == Some(Frequency::Weekly) => {
                    1 << Weekday::from_chrono(start.weekday()).index()
                }
                _ => ALL_DAYS,
            },
        };
        Some(OpeningWindow {
            days,
            opens,
            closes,
            valid_from: self.valid_from.map_or(i32::MIN, days_since_epoch),
            valid_to: self.valid_to.map_or(i32::MAX, days_since_epoch),
        })
    }
}

impl OpeningWindow {
    /// Whether this window answers `query` on `today` (windows whose validity has ended or not
    /// yet begun never match).
    pub fn matches(&self, query: &OpeningQuery, today: NaiveDate) -> bool {
        let day_number = days_since_epoch(today);
        if day_number < self.valid_from || day_number > self.valid_to {
            return false;
        }
        let days: Vec<Weekday> = if query.days.is_empty() {
            Weekday::ALL.to_vec()
        } else {
            query.days.clone()
        };
        days.into_iter()
            .any(|day| self.matches_day(day, query.start, query.end))
    }

    fn starts_on(&self, day: Weekday) -> bool {
        self.days & (1 << day.index()) != 0
    }

    /// The minute ranges `[from, to)` during which this window is open on `day`.
    fn ranges_on(&self, day: Weekday) -> Vec<(u16, u16)> {
        let previous = Weekday::ALL[(day.index() + 6) % 7];
        let overnight = self.closes <= self.opens;
        let mut ranges = Vec::new();
        if self.starts_on(day) {
            ranges.push((
                self.opens,
                if overnight { DAY_MINUTES } else { self.closes },
            ));
        }
        if overnight && self.starts_on(previous) && self.closes > 0 {
            ranges.push((0, self.closes));
        }
        ranges
    }

    fn matches_day(&self, day: Weekday, start: Option<u16>, end: Option<u16>) -> bool {
        let ranges = self.ranges_on(day);
        match (start, end) {
            (None, None) => !ranges.is_empty(),
            (Some(start), None) => ranges.iter().any(|&(from, to)| from <= start && start < to),
            (None, Some(end)) => ranges.iter().any(|&(from, to)| from < end && end <= to),
            (Some(start), Some(end)) => ranges.iter().any(|&(from, to)| from <= start && end <= to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(byday: Option<&str>, opens: &str, closes: &str) -> Schedule {
        Schedule {
            id: RecordId::random(),
            service_at_location_id: None,
            valid_from: None,
            valid_to: None,
            dtstart: None,
            freq: Some(Frequency::Weekly),
            interval: None,
            byday: byday.map(str::to_owned),
            bymonthday: None,
            description: None,
            opens_at: Some(ClockTime::parse(opens).unwrap()),
            closes_at: Some(ClockTime::parse(closes).unwrap()),
            schedule_link: None,
            attending_type: None,
            notes: None,
        }
    }

    fn query(days: &[Weekday], start: Option<&str>, end: Option<&str>) -> OpeningQuery {
        let minutes = |t: Option<&str>| t.map(|t| ClockTime::parse(t).unwrap().minutes());
        OpeningQuery {
            days: days.to_vec(),
            start: minutes(start),
            end: minutes(end),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn weekday_window_answers_days_and_times() {
        let window = schedule(Some("MO,WE"), "10:00", "16:00")
            .opening_window()
            .unwrap();
        use Weekday::*;
        assert!(window.matches(&query(&[Monday], None, None), today()));
        assert!(!window.matches(&query(&[Tuesday], None, None), today()));
        assert!(window.matches(&query(&[Wednesday], Some("10:00"), Some("16:00")), today()));
        assert!(window.matches(&query(&[], Some("15:59"), None), today()));
        assert!(!window.matches(&query(&[], Some("16:00"), None), today()));
        assert!(!window.matches(&query(&[Monday], Some("09:00"), Some("11:00")), today()));
        assert!(window.matches(&query(&[Monday], None, Some("16:00")), today()));
    }

    #[test]
    fn overnight_window_spills_into_the_next_day() {
        let window = schedule(Some("FR"), "22:00", "06:00")
            .opening_window()
            .unwrap();
        use Weekday::*;
        assert!(window.matches(&query(&[Friday], Some("23:00"), None), today()));
        assert!(window.matches(&query(&[Saturday], Some("05:00"), None), today()));
        assert!(!window.matches(&query(&[Saturday], Some("07:00"), None), today()));
        assert!(!window.matches(&query(&[Thursday], Some("05:00"), None), today()));
        assert!(
            window.matches(&query(&[Saturday], None, None), today()),
            "open early on Saturday"
        );
        assert!(!window.matches(&query(&[Sunday], None, None), today()));
    }

    #[test]
    fn all_day_helpline_and_daily_schedule_without_byday() {
        let window = schedule(None, "00:00", "23:59").opening_window().unwrap();
        assert!(window.matches(
            &query(&[Weekday::Sunday], Some("03:00"), Some("23:59")),
            today()
        ));
    }

    #[test]
    fn expired_schedules_never_match() {
        let mut expired = schedule(Some("MO"), "10:00", "12:00");
        expired.valid_to = NaiveDate::from_ymd_opt(2025, 1, 1);
        let window = expired.opening_window().unwrap();
        assert!(!window.matches(&query(&[Weekday::Monday], None, None), today()));
    }

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
