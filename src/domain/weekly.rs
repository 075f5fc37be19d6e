//! Weekly opening hours as people edit them (a row per day, up to two sessions each) and
//! the ORUK schedules that hold them.
//!
//! A listing's schedules split into those a weekly grid can show exactly ("simple": every
//! week, on named days, between two times, with nothing else said) and the rest (monthly
//! dates, seasonal dates, notes, times at one location only), which an editor's grid leaves
//! untouched. Writing the grid back groups days with the same sessions into one schedule
//! each (`MO,WE,FR 10:00-12:00`), so the published record stays short.

use std::collections::BTreeMap;

use super::ids::RecordId;
use super::schedule::{Frequency, Schedule, Weekday, parse_byday};
use super::values::{ClockTime, InvalidValue};

/// Sessions a day can hold in the grid.
pub const SESSIONS_PER_DAY: usize = 2;

/// One opening session.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Session {
    /// Opening time, `HH:MM`.
    pub opens: String,
    /// Closing time, `HH:MM` (earlier than `opens` for a session running past midnight).
    pub closes: String,
}

/// Sessions by day, Monday first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyHours {
    /// Each day's sessions, in order of opening.
    pub days: [Vec<Session>; 7],
}

/// Whether the grid can show a schedule exactly.
pub fn is_simple(schedule: &Schedule) -> bool {
    let weekly = matches!(schedule.freq, None | Some(Frequency::Weekly));
    let plain_days = schedule.byday.as_deref().is_some_and(|days| {
        parse_byday(days).is_ok_and(|days| days.iter().all(|d| d.occurrence.is_none()))
    });
    weekly
        && plain_days
        && schedule.interval.is_none_or(|n| n == 1)
        && schedule.bymonthday.is_none()
        && schedule.valid_from.is_none()
        && schedule.valid_to.is_none()
        && schedule.dtstart.is_none()
        && schedule.service_at_location_id.is_none()
        && schedule.description.is_none()
        && schedule.notes.is_none()
        && schedule.schedule_link.is_none()
        && schedule.attending_type.is_none()
        && schedule.opens_at.is_some()
        && schedule.closes_at.is_some()
}

impl WeeklyHours {
    /// The hours of the simple schedules among `schedules`, and the other schedules.
    pub fn from_schedules(schedules: &[Schedule]) -> (WeeklyHours, Vec<Schedule>) {
        let mut hours = WeeklyHours::default();
        let mut others = Vec::new();
        for schedule in schedules {
            if !is_simple(schedule) {
                others.push(schedule.clone());
                continue;
            }
            let (Some(opens), Some(closes), Some(days)) = (
                &schedule.opens_at,
                &schedule.closes_at,
                schedule.byday.as_deref(),
            ) else {
                continue;
            };
            for day in parse_byday(days).unwrap_or_default() {
                let sessions = &mut hours.days[day.weekday.index()];
                let session = Session {
                    opens: short(opens.as_str()),
                    closes: short(closes.as_str()),
                };
                if !sessions.contains(&session) {
                    sessions.push(session);
                    sessions.sort();
                }
            }
        }
        (hours, others)
    }

    /// Reads the grid's fields: `opens-MO-1`, `closes-MO-1`, ... (`field` gives a value by
    /// name). A session needs both times; a day may hold up to [`SESSIONS_PER_DAY`].
    /// Errors name the field at fault.
    pub fn from_fields<'a>(
        field: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<WeeklyHours, Vec<(String, InvalidValue)>> {
        let mut hours = WeeklyHours::default();
        let mut errors = Vec::new();
        for day in Weekday::ALL {
            for n in 1..=SESSIONS_PER_DAY {
                let opens_name = format!("opens-{}-{n}", day.code());
                let closes_name = format!("closes-{}-{n}", day.code());
                let opens = field(&opens_name).map(str::trim).filter(|t| !t.is_empty());
                let closes = field(&closes_name).map(str::trim).filter(|t| !t.is_empty());
                match (opens, closes) {
                    (None, None) => {}
                    (Some(_), None) => errors.push((
                        closes_name,
                        InvalidValue::new("is missing: give a closing time too"),
                    )),
                    (None, Some(_)) => errors.push((
                        opens_name,
                        InvalidValue::new("is missing: give an opening time too"),
                    )),
                    (Some(opens), Some(closes)) => {
                        let parsed = (ClockTime::parse(opens), ClockTime::parse(closes));
                        match parsed {
                            (Err(e), _) => errors.push((opens_name, e)),
                            (_, Err(e)) => errors.push((closes_name, e)),
                            (Ok(o), Ok(c)) if o.minutes() == c.minutes() => errors.push((
                                closes_name,
                                InvalidValue::new("is the same as the opening time"),
                            )),
                            (Ok(o), Ok(c)) => {
                                let session = Session {
                                    opens: short(o.as_str()),
                                    closes: short(c.as_str()),
                                };
                                let sessions = &mut hours.days[day.index()];
                                if !sessions.contains(&session) {
                                    sessions.push(session);
                                    sessions.sort();
                                }
                            }
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(hours)
        } else {
            Err(errors)
        }
    }

    /// The hours as simple ORUK schedules: one per distinct session, on every day it runs.
    pub fn to_schedules(&self) -> Vec<Schedule> {
        let mut by_session: BTreeMap<&Session, Vec<Weekday>> = BTreeMap::new();
        for day in Weekday::ALL {
            for session in &self.days[day.index()] {
                by_session.entry(session).or_default().push(day);
            }
        }
        let mut schedules: Vec<(Weekday, Schedule)> = by_session
            .into_iter()
            .map(|(session, days)| {
                let byday = days.iter().map(|d| d.code()).collect::<Vec<_>>().join(",");
                let schedule = Schedule {
                    id: RecordId::random(),
                    service_at_location_id: None,
                    valid_from: None,
                    valid_to: None,
                    dtstart: None,
                    freq: Some(Frequency::Weekly),
                    interval: None,
                    byday: Some(byday),
                    bymonthday: None,
                    description: None,
                    opens_at: ClockTime::parse(&session.opens).ok(),
                    closes_at: ClockTime::parse(&session.closes).ok(),
                    schedule_link: None,
                    attending_type: None,
                    notes: None,
                };
                (days[0], schedule)
            })
            .collect();
        // First day of the week first, then opening time, for a stable, readable record.
        schedules.sort_by(|(a, x), (b, y)| {
            a.cmp(b).then_with(|| {
                x.opens_at
                    .as_ref()
                    .map(ClockTime::minutes)
                    .cmp(&y.opens_at.as_ref().map(ClockTime::minutes))
            })
        });
        schedules.into_iter().map(|(_, s)| s).collect()
    }

    /// Whether no day has a session.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Reads hours as a spreadsheet cell holds them: entries separated by `;`, each days
    /// (a day, a range `Mon-Fri`, or several separated by `,`) then sessions
    /// (`09:00-12:00`, several separated by `,`): `Mon-Fri 09:00-17:00; Sat 10:00-12:00, 13:00-15:00`.
    pub fn parse_text(text: &str) -> Result<WeeklyHours, InvalidValue> {
        let mut hours = WeeklyHours::default();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let Some(at) = entry.find(|c: char| c.is_ascii_digit()) else {
                return Err(InvalidValue::new(format!(
                    "\"{entry}\" has no times (write e.g. Mon-Fri 09:00-17:00)"
                )));
            };
            let (days_text, times_text) = entry.split_at(at);
            let mut days = Vec::new();
            for part in days_text
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match part.split_once('-') {
                    Some((first, last)) => {
                        let (first, last) = (Weekday::parse(first)?, Weekday::parse(last)?);
                        let mut day = first;
                        days.push(day);
                        while day != last {
                            day = day.next();
                            days.push(day);
                        }
                    }
                    None => days.push(Weekday::parse(part)?),
                }
            }
            if days.is_empty() {
                return Err(InvalidValue::new(format!(
                    "\"{entry}\" names no day (write e.g. Mon-Fri 09:00-17:00)"
                )));
            }
            for session in times_text.split(',').map(str::trim) {
                let (opens, closes) = session.split_once('-').ok_or_else(|| {
                    InvalidValue::new(format!(
                        "\"{session}\" is not a session (write opening-closing, e.g. 09:00-17:00)"
                    ))
                })?;
                let (opens, closes) = (
                    ClockTime::parse(opens.trim())?,
                    ClockTime::parse(closes.trim())?,
                );
                if opens.minutes() == closes.minutes() {
                    return Err(InvalidValue::new(format!(
                        "\"{session}\" closes when it opens"
                    )));
                }
                let session = Session {
                    opens: short(opens.as_str()),
                    closes: short(closes.as_str()),
                };
                for day in &days {
                    let sessions = &mut hours.days[day.index()];
                    if !sessions.contains(&session) {
                        sessions.push(session.clone());
                        sessions.sort();
                    }
                    if sessions.len() > SESSIONS_PER_DAY {
                        return Err(InvalidValue::new(format!(
                            "gives {} more than {SESSIONS_PER_DAY} sessions",
                            day.name()
                        )));
                    }
                }
            }
        }
        Ok(hours)
    }

    /// The hours as [`WeeklyHours::parse_text`] reads them, days with the same sessions
    /// together (`Mon-Fri 09:00-17:00; Sat 10:00-12:00`).
    pub fn to_text(&self) -> String {
        let mut entries: Vec<String> = Vec::new();
        let mut day = 0;
        while day < 7 {
            if self.days[day].is_empty() {
                day += 1;
                continue;
            }
            let mut last = day;
            while last + 1 < 7 && self.days[last + 1] == self.days[day] {
                last += 1;
            }
            let short_name = |d: usize| &Weekday::ALL[d].name()[..3];
            let days = if last == day {
                short_name(day).to_owned()
            } else {
                format!("{}-{}", short_name(day), short_name(last))
            };
            let sessions: Vec<String> = self.days[day]
                .iter()
                .map(|s| format!("{}-{}", s.opens, s.closes))
                .collect();
            entries.push(format!("{days} {}", sessions.join(", ")));
            day = last + 1;
        }
        entries.join("; ")
    }
}

/// `HH:MM` of a validated clock time (seconds and offsets dropped).
fn short(time: &str) -> String {
    time.get(..5).unwrap_or(time).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(pairs: &[(&str, &str)]) -> Result<WeeklyHours, Vec<(String, InvalidValue)>> {
        WeeklyHours::from_fields(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
    }

    #[test]
    fn hours_written_in_a_cell_read_back_as_written() {
        let hours =
            WeeklyHours::parse_text("Mon-Fri 09:00-17:00; Sat 10:00-12:00, 13:00-15:00").unwrap();
        assert_eq!(hours.days[0], hours.days[4]);
        assert_eq!(hours.days[5].len(), 2);
        assert!(hours.days[6].is_empty());
        assert_eq!(
            hours.to_text(),
            "Mon-Fri 09:00-17:00; Sat 10:00-12:00, 13:00-15:00"
        );
        let listed = WeeklyHours::parse_text("monday, Wed 10:00 - 12:00").unwrap();
        assert_eq!(listed.to_text(), "Mon 10:00-12:00; Wed 10:00-12:00");
        let wrapped = WeeklyHours::parse_text("Sat-Mon 22:00-02:00").unwrap();
        assert_eq!(wrapped.to_text(), "Mon 22:00-02:00; Sat-Sun 22:00-02:00");
        for bad in [
            "Mon",
            "09:00-17:00",
            "Funday 09:00-10:00",
            "Mon 9-5",
            "Mon 25:00-26:00",
            "Mon 09:00-09:00",
            "Mon 08:00-09:00, 10:00-11:00, 12:00-13:00",
        ] {
            assert!(WeeklyHours::parse_text(bad).is_err(), "{bad}");
        }
        assert!(WeeklyHours::parse_text(" ").unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn any_hours_survive_writing_and_reading(
            cells in proptest::collection::vec(
                proptest::collection::btree_set((0u16..1440, 1u16..600), 0..=2), 7)
        ) {
            let mut hours = WeeklyHours::default();
            for (day, sessions) in cells.iter().enumerate() {
                for (opens, length) in sessions {
                    let closes = (opens + length) % 1440;
                    let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
                    let session = Session { opens: clock(*opens), closes: clock(closes) };
                    if !hours.days[day].contains(&session) {
                        hours.days[day].push(session);
                        hours.days[day].sort();
                    }
                }
            }
            let read = WeeklyHours::parse_text(&hours.to_text()).unwrap();
            prop_assert_eq!(read, hours);
        }
    }

    #[test]
    fn days_with_the_same_sessions_share_a_schedule() {
        let hours = fields(&[
            ("opens-MO-1", "10:00"),
            ("closes-MO-1", "12:00"),
            ("opens-WE-1", "10:00"),
            ("closes-WE-1", "12:00"),
            ("opens-WE-2", "14:00"),
            ("closes-WE-2", "16:30"),
        ])
        .unwrap();
        let schedules = hours.to_schedules();
        assert_eq!(schedules.len(), 2);
        assert_eq!(schedules[0].byday.as_deref(), Some("MO,WE"));
        assert_eq!(schedules[1].byday.as_deref(), Some("WE"));
        assert_eq!(
            schedules[1].closes_at.as_ref().map(ClockTime::as_str),
            Some("16:30")
        );
        let (again, others) = WeeklyHours::from_schedules(&schedules);
        assert_eq!(again, hours);
        assert!(others.is_empty());
    }

    #[test]
    fn half_filled_and_nonsense_sessions_are_refused_by_field() {
        let errors = fields(&[
            ("opens-TU-1", "10:00"),
            ("opens-TH-1", "25:00"),
            ("closes-TH-1", "12:00"),
            ("opens-FR-1", "09:00"),
            ("closes-FR-1", "09:00"),
        ])
        .unwrap_err();
        let names: Vec<&str> = errors.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["closes-TU-1", "opens-TH-1", "closes-FR-1"]);
    }

    #[test]
    fn schedules_the_grid_cannot_show_are_kept_apart() {
        let monthly: Schedule = serde_json::from_value(serde_json::json!({
            "id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a10", "freq": "MONTHLY", "byday": "2MO",
            "opens_at": "10:00", "closes_at": "12:00"}))
        .unwrap();
        let seasonal: Schedule = serde_json::from_value(serde_json::json!({
            "id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a11", "freq": "WEEKLY", "byday": "SA",
            "valid_to": "2026-03-31", "opens_at": "10:00", "closes_at": "12:00"}))
        .unwrap();
        let (hours, others) = WeeklyHours::from_schedules(&[monthly, seasonal]);
        assert!(hours.is_empty());
        assert_eq!(others.len(), 2);
    }

    fn time() -> impl Strategy<Value = String> {
        (0u16..24, 0u16..60).prop_map(|(h, m)| format!("{h:02}:{m:02}"))
    }

    proptest! {
        #[test]
        fn any_grid_survives_the_round_trip_through_schedules(
            cells in proptest::collection::vec(proptest::option::of((time(), time())), 14)
        ) {
            let mut pairs = Vec::new();
            for (i, cell) in cells.iter().enumerate() {
                if let Some((opens, closes)) = cell {
                    if opens == closes {
                        continue;
                    }
                    let day = Weekday::ALL[i / 2].code();
                    let n = i % 2 + 1;
                    pairs.push((format!("opens-{day}-{n}"), opens.clone()));
                    pairs.push((format!("closes-{day}-{n}"), closes.clone()));
                }
            }
            let hours = WeeklyHours::from_fields(|name| {
                pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
            }).unwrap();
            let (again, others) = WeeklyHours::from_schedules(&hours.to_schedules());
            prop_assert_eq!(again, hours);
            prop_assert!(others.is_empty());
        }

        #[test]
        fn any_text_in_the_grid_is_answered_without_panicking(
            text in "\\PC{0,12}", other in "\\PC{0,12}"
        ) {
            let _ = WeeklyHours::from_fields(|name| match name {
                "opens-MO-1" => Some(text.as_str()),
                "closes-MO-1" => Some(other.as_str()),
                _ => None,
            });
        }
    }
}
