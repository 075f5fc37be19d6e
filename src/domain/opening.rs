//! Opening hours: the windows a schedule opens in, whether a service is open at a moment,
//! and what to tell a person ("Open now, closes 17:00", "Opens Tuesday 10:00").
//!
//! All times are London wall-clock times ([`chrono::NaiveDateTime`]); the caller converts
//! the instant of a search with [`crate::search::query::london_time`], so BST and GMT are
//! handled once, at the edge. A window whose `closes` is not after its `opens` runs overnight
//! into the next day; `00:00–23:59` (and `00:00–00:00`) is open all day, so a helpline open
//! every day at those hours is open around the clock.
//!
//! Recurrence follows the ORUK/RFC 5545 fields Signpost understands: weekly on `byday`,
//! monthly on the nth or last weekday (`2TU`, `-1FR`) and monthly on a day of the month
//! (`bymonthday`). Two approximations are made and documented in the README: an `interval`
//! greater than one (fortnightly) is treated as every week, and `byday` on a weekly rule
//! ignores any occurrence prefix.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::ids::ServiceAtLocationId;
use super::schedule::{Frequency, Schedule, Weekday, parse_byday, parse_bymonthday};
use super::service::{Service, ServiceStatus};

/// Minutes in a day.
pub const DAY_MINUTES: u16 = 1440;

/// Every day of the week, as a [`OpeningWindow::days`] mask.
pub const ALL_DAYS: u8 = 0b0111_1111;

/// How far ahead [`opening_status`] looks for the next opening. Long enough for any monthly
/// rule (a 31st falls at least once in 62 days).
pub const LOOK_AHEAD_DAYS: i64 = 62;

/// Which of the weeks of a month a window repeats in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// Every week, on the days of [`OpeningWindow::days`].
    Weekly,
    /// The nth (1 to 5) or nth-from-last (-1 to -5) of those weekdays in each month.
    NthInMonth(i8),
    /// A day of the month (1 to 31, or -1 for the last day, -2 the one before, ...).
    DayOfMonth(i8),
}

/// A recurring opening window derived from a schedule: the days it starts on, and the opening
/// and closing minute (closing may be smaller than opening for overnight windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningWindow {
    /// Bit `i` set when the window may start on [`Weekday::ALL`]`[i]`.
    pub days: u8,
    /// Which weeks or days of the month it repeats on.
    pub recurrence: Recurrence,
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

/// Days since 1970-01-01.
pub fn days_since_epoch(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    i32::try_from((date - epoch).num_days()).unwrap_or(i32::MAX)
}

fn weekday_of(date: NaiveDate) -> Weekday {
    Weekday::from_chrono(date.weekday())
}

fn days_in_month(date: NaiveDate) -> u32 {
    let (year, month) = (date.year(), date.month());
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|next| next.pred_opt())
        .map_or(31, |last| last.day())
}

impl Schedule {
    /// The windows this schedule opens in (none when it has no opening hours).
    pub fn opening_windows(&self) -> Vec<OpeningWindow> {
        let (Some(opens), Some(closes)) = (self.opens_at.as_ref(), self.closes_at.as_ref()) else {
            return Vec::new();
        };
        let opens = opens.minutes();
        let closes = match closes.minutes() {
            1439 => DAY_MINUTES,
            0 if opens == 0 => DAY_MINUTES,
            other => other,
        };
        let base = OpeningWindow {
            days: ALL_DAYS,
            recurrence: Recurrence::Weekly,
            opens,
            closes,
            valid_from: self.valid_from.map_or(i32::MIN, days_since_epoch),
            valid_to: self.valid_to.map_or(i32::MAX, days_since_epoch),
        };
        let byday = self
            .byday
            .as_deref()
            .and_then(|text| parse_byday(text).ok())
            .filter(|days| !days.is_empty());
        let mask = |weekdays: &mut dyn Iterator<Item = Weekday>| {
            weekdays.fold(0u8, |mask, day| mask | 1 << day.index())
        };
        if self.freq == Some(Frequency::Monthly) {
            if let Some(days) = byday {
                return days
                    .iter()
                    .map(|day| OpeningWindow {
                        days: 1 << day.weekday.index(),
                        recurrence: day
                            .occurrence
                            .map_or(Recurrence::Weekly, Recurrence::NthInMonth),
                        ..base
                    })
                    .collect();
            }
            if let Some(Ok(monthdays)) = self.bymonthday.as_deref().map(parse_bymonthday) {
                return monthdays
                    .into_iter()
                    .map(|day| OpeningWindow {
                        recurrence: Recurrence::DayOfMonth(day),
                        ..base
                    })
                    .collect();
            }
            if let Some(start) = self.dtstart {
                let day = i8::try_from(start.day()).unwrap_or(1);
                return vec![OpeningWindow {
                    recurrence: Recurrence::DayOfMonth(day),
                    ..base
                }];
            }
        }
        let days = match byday {
            Some(days) => mask(&mut days.iter().map(|day| day.weekday)),
            None => match self.dtstart {
                Some(start) if self.freq == Some(Frequency::Weekly) => {
                    1 << weekday_of(start).index()
                }
                _ => ALL_DAYS,
            },
        };
        vec![OpeningWindow { days, ..base }]
    }
}

impl OpeningWindow {
    /// Whether this window answers `query` on `today`: open on one of the weekdays asked for
    /// (a monthly window counts for its weekday), at the times asked for. Windows whose
    /// validity has ended or not yet begun never match.
    pub fn matches(&self, query: &OpeningQuery, today: NaiveDate) -> bool {
        if !self.valid_on(today) {
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

    /// Whether it is open at the London time `now` (exactly, months' weeks included).
    pub fn is_open_at(&self, now: NaiveDateTime) -> bool {
        let today = now.date();
        [today.pred_opt(), Some(today)]
            .into_iter()
            .flatten()
            .filter_map(|date| self.span_starting(date))
            .any(|(from, to)| from <= now && now < to)
    }

    /// The span `[opens, closes)` of the opening that starts on `date`, if it opens that day.
    pub fn span_starting(&self, date: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        if !self.starts_on(date) {
            return None;
        }
        let at = |date: NaiveDate, minute: u16| {
            date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute))
        };
        let from = at(date, self.opens);
        let to = if self.closes <= self.opens {
            at(date, DAY_MINUTES) + Duration::minutes(i64::from(self.closes))
        } else {
            at(date, self.closes)
        };
        Some((from, to))
    }

    /// Whether an opening starts on `date`.
    pub fn starts_on(&self, date: NaiveDate) -> bool {
        if self.days & (1 << weekday_of(date).index()) == 0 || !self.valid_on(date) {
            return false;
        }
        let day = i32::try_from(date.day()).unwrap_or(0);
        let month_days = || i32::try_from(days_in_month(date)).unwrap_or(31);
        match self.recurrence {
            Recurrence::Weekly => true,
            Recurrence::NthInMonth(n) if n > 0 => (day - 1) / 7 + 1 == i32::from(n),
            Recurrence::NthInMonth(n) => (month_days() - day) / 7 + 1 == -i32::from(n),
            Recurrence::DayOfMonth(n) if n > 0 => day == i32::from(n),
            Recurrence::DayOfMonth(n) => day == month_days() + 1 + i32::from(n),
        }
    }

    fn valid_on(&self, date: NaiveDate) -> bool {
        if self.valid_from == i32::MIN && self.valid_to == i32::MAX {
            return true;
        }
        let day_number = days_since_epoch(date);
        self.valid_from <= day_number && day_number <= self.valid_to
    }

    fn starts_on_weekday(&self, day: Weekday) -> bool {
        self.days & (1 << day.index()) != 0
    }

    /// The minute ranges `[from, to)` during which this window is open on `day`.
    fn ranges_on(&self, day: Weekday) -> Vec<(u16, u16)> {
        let previous = Weekday::ALL[(day.index() + 6) % 7];
        let overnight = self.closes <= self.opens;
        let mut ranges = Vec::new();
        if self.starts_on_weekday(day) {
            ranges.push((
                self.opens,
                if overnight { DAY_MINUTES } else { self.closes },
            ));
        }
        if overnight && self.starts_on_weekday(previous) && self.closes > 0 {
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

/// Whether a service is open, and when that changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpeningStatus {
    /// Open now, until `until` (`None`: open around the clock for as far as we look).
    OpenNow {
        /// When it closes.
        until: Option<NaiveDateTime>,
    },
    /// Closed now; opens at `at`.
    Opens {
        /// When it next opens.
        at: NaiveDateTime,
    },
    /// Closed, with no opening in the next [`LOOK_AHEAD_DAYS`] days.
    NoUpcomingOpening,
}

/// Whether the windows are open at `now`, and when that changes; `None` when there are no
/// windows (no opening hours listed).
///
/// The openings are looked at day by day from yesterday (an overnight opening may still
/// be running) and merged where they touch. Every opening that starts on a day starts
/// before any of a later day's, so taken day by day, and in order within each day, they
/// come in the order they start: a merged span is settled once the next one starts after
/// its end, and the first settled span that holds `now`, or starts after it, is the answer.
/// Most answers are found within a day or two, not the [`LOOK_AHEAD_DAYS`].
pub fn opening_status(windows: &[OpeningWindow], now: NaiveDateTime) -> Option<OpeningStatus> {
    if windows.is_empty() {
        return None;
    }
    let today = now.date();
    let horizon = today.and_time(NaiveTime::MIN) + Duration::days(LOOK_AHEAD_DAYS);
    let settle = |(from, to): Span| {
        if from <= now && now < to {
            Some(OpeningStatus::OpenNow {
                until: (to < horizon).then_some(to),
            })
        } else if from > now {
            Some(OpeningStatus::Opens { at: from })
        } else {
            None
        }
    };
    let mut merged: Option<Span> = None;
    let mut spans: Vec<Span> = Vec::with_capacity(windows.len());
    for offset in -1..=LOOK_AHEAD_DAYS {
        let date = today + Duration::days(offset);
        spans.clear();
        spans.extend(
            windows
                .iter()
                .filter_map(|window| window.span_starting(date)),
        );
        spans.sort_unstable();
        for &(from, to) in &spans {
            match merged.as_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => {
                    if let Some(status) = merged.and_then(settle) {
                        return Some(status);
                    }
                    merged = Some((from, to));
                }
            }
        }
        // An opening after `now` is the answer whatever it merges with later.
        if let Some((at, _)) = merged.filter(|(from, _)| *from > now) {
            return Some(OpeningStatus::Opens { at });
        }
    }
    Some(
        merged
            .and_then(settle)
            .unwrap_or(OpeningStatus::NoUpcomingOpening),
    )
}

/// An opening's start and end, `[from, to)`.
type Span = (NaiveDateTime, NaiveDateTime);

/// Whether a person can use a service now: temporarily closed, or its opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// The service is temporarily closed (its `alert` says why and until when).
    TemporarilyClosed,
    /// Its opening hours, as of now.
    Hours(OpeningStatus),
}

/// The availability of `service` (at one of its places, with `link`) at London time `now`;
/// `None` when it lists no opening hours and is not closed.
pub fn availability(
    service: &Service,
    link: Option<ServiceAtLocationId>,
    now: NaiveDateTime,
) -> Option<Availability> {
    if service.status == ServiceStatus::TemporarilyClosed {
        return Some(Availability::TemporarilyClosed);
    }
    let windows: Vec<OpeningWindow> = match link {
        Some(link) => service
            .schedules_at(link)
            .flat_map(Schedule::opening_windows)
            .collect(),
        None => service
            .schedules
            .iter()
            .flat_map(Schedule::opening_windows)
            .collect(),
    };
    opening_status(&windows, now).map(Availability::Hours)
}

fn when(moment: NaiveDateTime, now: NaiveDateTime) -> String {
    let time = moment.format("%H:%M");
    let days_ahead = (moment.date() - now.date()).num_days();
    match days_ahead {
        0 => format!("today {time}"),
        1 => format!("tomorrow {time}"),
        2..=6 => format!("{} {time}", weekday_of(moment.date())),
        _ => format!(
            "{} {} {time}",
            weekday_of(moment.date()),
            moment.format("%-d %B")
        ),
    }
}

impl OpeningStatus {
    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        matches!(self, OpeningStatus::OpenNow { .. })
    }

    /// In words, as seen at `now`: "Open now, closes 17:00", "Open now, closes tomorrow
    /// 06:00", "Open 24 hours", "Opens Tuesday 10:00", "Opens Tuesday 8 December 14:00".
    pub fn describe(&self, now: NaiveDateTime) -> String {
        match self {
            OpeningStatus::OpenNow { until: None } => "Open 24 hours".to_owned(),
            OpeningStatus::OpenNow { until: Some(until) } if until.date() == now.date() => {
                format!("Open now, closes {}", until.format("%H:%M"))
            }
            OpeningStatus::OpenNow { until: Some(until) } => {
                format!("Open now, closes {}", when(*until, now))
            }
            OpeningStatus::Opens { at } if at.date() == now.date() => {
                format!("Opens today {}", at.format("%H:%M"))
            }
            OpeningStatus::Opens { at } => format!("Opens {}", when(*at, now)),
            OpeningStatus::NoUpcomingOpening => "No upcoming opening times listed".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::RecordId;
    use crate::domain::values::ClockTime;
    use proptest::prelude::*;

    fn schedule(freq: Frequency, byday: Option<&str>, opens: &str, closes: &str) -> Schedule {
        Schedule {
            id: RecordId::random(),
            service_at_location_id: None,
            valid_from: None,
            valid_to: None,
            dtstart: None,
            freq: Some(freq),
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

    fn weekly(byday: Option<&str>, opens: &str, closes: &str) -> OpeningWindow {
        let windows = schedule(Frequency::Weekly, byday, opens, closes).opening_windows();
        assert_eq!(windows.len(), 1);
        windows[0]
    }

    fn query(days: &[Weekday], start: Option<&str>, end: Option<&str>) -> OpeningQuery {
        let minutes = |t: Option<&str>| t.map(|t| ClockTime::parse(t).unwrap().minutes());
        OpeningQuery {
            days: days.to_vec(),
            start: minutes(start),
            end: minutes(end),
        }
    }

    /// Sunday 22 November 2026.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn at(date: (i32, u32, u32), time: &str) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
            .unwrap()
            .and_time(NaiveTime::parse_from_str(time, "%H:%M").unwrap())
    }

    #[test]
    fn weekday_window_answers_days_and_times() {
        let window = weekly(Some("MO,WE"), "10:00", "16:00");
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
        let window = weekly(Some("FR"), "22:00", "06:00");
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
        // Friday 27 November 2026, and the small hours of Saturday.
        assert!(window.is_open_at(at((2026, 11, 27), "23:30")));
        assert!(window.is_open_at(at((2026, 11, 28), "05:59")));
        assert!(!window.is_open_at(at((2026, 11, 28), "06:00")));
        assert!(!window.is_open_at(at((2026, 11, 27), "21:59")));
    }

    #[test]
    fn all_day_helpline_and_daily_schedule_without_byday() {
        let window = weekly(None, "00:00", "23:59");
        assert!(window.matches(
            &query(&[Weekday::Sunday], Some("03:00"), Some("23:59")),
            today()
        ));
        assert!(window.is_open_at(at((2026, 11, 22), "23:59")));
        assert_eq!(
            opening_status(&[window], at((2026, 11, 22), "03:00")),
            Some(OpeningStatus::OpenNow { until: None })
        );
        assert_eq!(
            OpeningStatus::OpenNow { until: None }.describe(at((2026, 11, 22), "03:00")),
            "Open 24 hours"
        );
    }

    #[test]
    fn expired_and_future_schedules_never_match() {
        let mut expired = schedule(Frequency::Weekly, Some("MO"), "10:00", "12:00");
        expired.valid_to = NaiveDate::from_ymd_opt(2025, 1, 1);
        let window = expired.opening_windows()[0];
        assert!(!window.matches(&query(&[Weekday::Monday], None, None), today()));
        assert!(!window.is_open_at(at((2026, 11, 23), "11:00")));
        assert_eq!(
            opening_status(&[window], at((2026, 11, 23), "09:00")),
            Some(OpeningStatus::NoUpcomingOpening)
        );

        let mut winter_only = schedule(Frequency::Weekly, Some("MO"), "10:00", "12:00");
        winter_only.valid_from = NaiveDate::from_ymd_opt(2026, 12, 1);
        let window = winter_only.opening_windows()[0];
        assert!(!window.is_open_at(at((2026, 11, 23), "11:00")));
        let status = opening_status(&[window], at((2026, 11, 23), "11:00")).unwrap();
        assert_eq!(
            status,
            OpeningStatus::Opens {
                at: at((2026, 12, 7), "10:00")
            }
        );
        assert_eq!(
            status.describe(at((2026, 11, 23), "11:00")),
            "Opens Monday 7 December 10:00"
        );
    }

    #[test]
    fn monthly_windows_open_only_in_their_week() {
        // Second Tuesday of the month: 8 December 2026, 12 January 2027.
        let windows = schedule(Frequency::Monthly, Some("2TU"), "14:00", "16:30").opening_windows();
        assert_eq!(windows.len(), 1);
        assert!(windows[0].is_open_at(at((2026, 12, 8), "15:00")));
        assert!(
            !windows[0].is_open_at(at((2026, 12, 1), "15:00")),
            "first Tuesday"
        );
        assert!(
            !windows[0].is_open_at(at((2026, 12, 15), "15:00")),
            "third Tuesday"
        );
        assert!(windows[0].matches(&query(&[Weekday::Tuesday], None, None), today()));

        let last_friday =
            schedule(Frequency::Monthly, Some("-1FR"), "10:00", "12:00").opening_windows();
        assert!(last_friday[0].starts_on(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()));
        assert!(!last_friday[0].starts_on(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()));

        let mut by_date = schedule(Frequency::Monthly, None, "10:00", "12:00");
        by_date.bymonthday = Some("1,-1".to_owned());
        let windows = by_date.opening_windows();
        assert_eq!(windows.len(), 2);
        let opens = |date: (i32, u32, u32)| windows.iter().any(|w| w.is_open_at(at(date, "11:00")));
        assert!(opens((2026, 12, 1)));
        assert!(opens((2026, 11, 30)), "last day of November");
        assert!(opens((2027, 2, 28)), "last day of February");
        assert!(!opens((2026, 12, 2)));
    }

    #[test]
    fn status_in_words() {
        let weekdays = weekly(Some("MO,TU,WE,TH,FR"), "09:00", "17:00");
        // Sunday 22 November 2026, 12:00.
        let sunday_noon = at((2026, 11, 22), "12:00");
        let status = opening_status(&[weekdays], sunday_noon).unwrap();
        assert_eq!(status.describe(sunday_noon), "Opens tomorrow 09:00");
        let tuesday = weekly(Some("TU"), "10:00", "13:00");
        let status = opening_status(&[tuesday], sunday_noon).unwrap();
        assert_eq!(status.describe(sunday_noon), "Opens Tuesday 10:00");
        let monday_morning = at((2026, 11, 23), "08:00");
        let status = opening_status(&[weekdays], monday_morning).unwrap();
        assert_eq!(status.describe(monday_morning), "Opens today 09:00");
        let monday_noon = at((2026, 11, 23), "12:00");
        let status = opening_status(&[weekdays], monday_noon).unwrap();
        assert!(status.is_open());
        assert_eq!(status.describe(monday_noon), "Open now, closes 17:00");

        let night_shelter = weekly(None, "22:00", "06:00");
        let late = at((2026, 11, 23), "23:00");
        assert_eq!(
            opening_status(&[night_shelter], late)
                .unwrap()
                .describe(late),
            "Open now, closes tomorrow 06:00"
        );
    }

    #[test]
    fn back_to_back_windows_merge() {
        let day = weekly(None, "08:00", "20:00");
        let night = weekly(None, "20:00", "08:00");
        let now = at((2026, 11, 23), "12:00");
        assert_eq!(
            opening_status(&[day, night], now),
            Some(OpeningStatus::OpenNow { until: None })
        );
        let split = [
            weekly(Some("MO"), "09:00", "12:00"),
            weekly(Some("MO"), "12:00", "17:00"),
        ];
        assert_eq!(
            opening_status(&split, at((2026, 11, 23), "10:00")),
            Some(OpeningStatus::OpenNow {
                until: Some(at((2026, 11, 23), "17:00"))
            })
        );
    }

    /// The first way this was written, kept as the reference: every day of the look-ahead
    /// made into spans, sorted and merged.
    fn opening_status_all_days(
        windows: &[OpeningWindow],
        now: NaiveDateTime,
    ) -> Option<OpeningStatus> {
        if windows.is_empty() {
            return None;
        }
        let today = now.date();
        let mut spans: Vec<(NaiveDateTime, NaiveDateTime)> = (-1..=LOOK_AHEAD_DAYS)
            .map(|offset| today + Duration::days(offset))
            .flat_map(|date| {
                windows
                    .iter()
                    .filter_map(move |window| window.span_starting(date))
            })
            .collect();
        spans.sort();
        let mut merged: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        let horizon = today.and_time(NaiveTime::MIN) + Duration::days(LOOK_AHEAD_DAYS);
        if let Some(&(_, to)) = merged.iter().find(|(from, to)| *from <= now && now < *to) {
            return Some(OpeningStatus::OpenNow {
                until: (to < horizon).then_some(to),
            });
        }
        Some(match merged.iter().find(|(from, _)| *from > now) {
            Some(&(at, _)) => OpeningStatus::Opens { at },
            None => OpeningStatus::NoUpcomingOpening,
        })
    }

    fn window_strategy() -> impl Strategy<Value = OpeningWindow> {
        let recurrence = prop_oneof![
            3 => Just(Recurrence::Weekly),
            1 => prop_oneof![1i8..=5, -5i8..=-1].prop_map(Recurrence::NthInMonth),
            1 => prop_oneof![1i8..=31, -3i8..=-1].prop_map(Recurrence::DayOfMonth),
        ];
        // Times on the quarter hour, so that openings often touch and merge.
        let minute = (0u16..=96).prop_map(|quarter| quarter * 15);
        let validity = prop_oneof![
            2 => Just((i32::MIN, i32::MAX)),
            1 => (20_400i32..20_900, 0i32..200).prop_map(|(from, length)| (from, from + length)),
        ];
        (1u8..=ALL_DAYS, recurrence, minute.clone(), minute, validity).prop_map(
            |(days, recurrence, opens, closes, (valid_from, valid_to))| OpeningWindow {
                days,
                recurrence,
                opens,
                closes,
                valid_from,
                valid_to,
            },
        )
    }

    proptest! {
        #[test]
        fn status_day_by_day_is_the_status_of_every_day_merged(
            windows in proptest::collection::vec(window_strategy(), 1..5),
            day in 20_400i64..20_900,
            minute in 0i64..1440,
            second in 0i64..60,
        ) {
            let now = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap().and_time(NaiveTime::MIN)
                + Duration::days(day)
                + Duration::minutes(minute)
                + Duration::seconds(second);
            prop_assert_eq!(
                opening_status(&windows, now),
                opening_status_all_days(&windows, now)
            );
        }
    }

    #[test]
    fn no_hours_no_status() {
        assert_eq!(opening_status(&[], at((2026, 11, 23), "12:00")), None);
    }
}
