//! What the pages show about services, in the page's language: built from the domain once
//! per request, so templates only lay it out.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::PageContext;
use crate::domain::aggregate::FullService;
use crate::domain::ids::ServiceAtLocationId;
use crate::domain::opening::{Availability, OpeningStatus, availability};
use crate::domain::schedule::Schedule;
use crate::domain::service::Service;
use crate::domain::taxonomy::TaxonomyTerm;
use crate::geography::PlacedService;
use crate::i18n::{Arg, Locale, Messages, text_lang};
use crate::search::explain::{MatchExplanation, MatchReason};

/// Listing text, with its language when that is not the page's.
pub struct Text {
    /// The text.
    pub text: String,
    /// Its language tag, when it differs from the page's.
    pub lang: Option<&'static str>,
}

impl Text {
    /// Listing text shown on a page in `locale`.
    pub fn listing(text: &str, locale: Locale) -> Self {
        let own = text_lang(text);
        Self {
            text: text.to_owned(),
            lang: (own != locale).then_some(own.code()),
        }
    }
}

/// A link with its words.
pub struct Link {
    /// Where it goes.
    pub href: String,
    /// What it says.
    pub text: Text,
}

/// Open now / closed / paused, in words.
pub struct OpeningNow {
    /// `open`, `closed` or `paused` (for styling).
    pub class: &'static str,
    /// In words.
    pub text: String,
}

/// When a listing was last checked.
pub struct Checked {
    /// "Last checked on 3 March 2026", or "Not checked yet".
    pub text: String,
    /// Whether that is more than a year ago (or never).
    pub stale: bool,
}

/// A service in a list (results, shortlist, organisation and area pages).
pub struct Card {
    /// The service id.
    pub id: String,
    /// Its page.
    pub url: String,
    /// Its name.
    pub name: Text,
    /// The organisation that runs it.
    pub organisation: Option<Link>,
    /// The first sentence of its description.
    pub summary: Option<Text>,
    /// The part of the description that matched the search (safe HTML).
    pub highlight: Option<String>,
    /// Why it matched a search near a postcode or in an area.
    pub why: Option<String>,
    /// Open now or not.
    pub opening: Option<OpeningNow>,
    /// Free or not.
    pub cost: Option<String>,
    /// Languages spoken.
    pub languages: Option<String>,
    /// When it was last checked.
    pub checked: Checked,
    /// Its alert (temporary closure, changes).
    pub alert: Option<Text>,
    /// Whether it takes referrals now, as its organisation last said.
    pub capacity: Option<CapacityNote>,
    /// The number to call: for referrals, else the service's first.
    pub phone: Option<String>,
    /// Opening hours in words, for print (on paper "open now" means nothing).
    pub hours: Vec<Text>,
    /// Whether it is on the visitor's shortlist.
    pub shortlisted: bool,
}

impl Card {
    /// The card of `placed` (at `link`, for a place-based result).
    pub fn new(
        context: &PageContext,
        placed: &PlacedService,
        link: Option<ServiceAtLocationId>,
        now: NaiveDateTime,
    ) -> Self {
        let locale = context.locale;
        let t = context.t();
        let full = &placed.full;
        let service = &full.service;
        Self {
            id: service.id.to_string(),
            url: context.link(&format!("/service/{}", service.id)),
            name: Text::listing(&service.name, locale),
            organisation: organisation_link(context, full),
            summary: service
                .description
                .as_deref()
                .map(first_sentence)
                .map(|s| Text::listing(&s, locale)),
            highlight: None,
            why: None,
            opening: opening_now(t, service, link, now),
            cost: cost(t, service),
            languages: languages(t, service),
            checked: checked(t, service, now.date()),
            alert: service.alert.as_deref().map(|a| Text::listing(a, locale)),
            capacity: capacity_note(t, full, now.date()),
            phone: service
                .referral_phone
                .as_ref()
                .or_else(|| service.phones.first().map(|p| &p.number))
                .map(|n| n.as_str().to_owned()),
            hours: service
                .schedules
                .iter()
                .filter(|s| match (link, s.service_at_location_id) {
                    (Some(link), Some(id)) => id == link,
                    _ => true,
                })
                .filter_map(|s| schedule_text(t, s))
                .take(4)
                .map(|s| Text::listing(&s, locale))
                .collect(),
            shortlisted: context.shortlist.contains(service.id),
        }
    }
}

/// A need's name in the page's language: the translation by its code, else the listing's.
pub fn need_name(t: &Messages, term: &TaxonomyTerm) -> Text {
    match term
        .code
        .as_deref()
        .and_then(|code| t.try_get(&format!("need-{}", code.replace('.', "-"))))
    {
        Some(name) => Text {
            text: name,
            lang: None,
        },
        None => Text::listing(&term.name, t.locale()),
    }
}

/// The organisation's page link.
pub fn organisation_link(context: &PageContext, full: &FullService) -> Option<Link> {
    full.organization.as_ref().map(|organisation| Link {
        href: context.link(&format!("/organisation/{}", organisation.id)),
        text: Text::listing(&organisation.name, context.locale),
    })
}

/// The first sentence (or the first 160 characters, cut at a word) of a description.
pub fn first_sentence(text: &str) -> String {
    let end = text
        .char_indices()
        .find(|(at, c)| {
            matches!(c, '.' | '!' | '?' | '।')
                && text[at + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(text.len(), |(at, c)| at + c.len_utf8());
    let sentence = &text[..end];
    if sentence.chars().count() <= 160 {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(160).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |at| &cut[..at]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':']))
}

/// Why a result matched, in words.
pub fn why(t: &Messages, explanation: &MatchExplanation) -> String {
    let distance = explanation
        .distance_metres
        .map(|metres| distance(t, metres));
    match (explanation.reason, distance) {
        (MatchReason::Nearby, Some(d)) => t.format("why-nearby", &[("distance", Arg::Text(&d))]),
        (MatchReason::InArea, _) => t.get("why-in-area"),
        (MatchReason::CoversYourArea, Some(d)) => {
            t.format("why-covers-with-distance", &[("distance", Arg::Text(&d))])
        }
        (MatchReason::CoversYourArea, None) | (MatchReason::Nearby, None) => t.get("why-covers"),
        (MatchReason::OnlineOrPhone, _) => t.get("why-remote"),
    }
}

/// A distance in metres, in words ("350 m", "1.2 km").
pub fn distance(t: &Messages, metres: u64) -> String {
    if metres < 1_000 {
        t.format("distance-m", &[("m", Arg::Number(metres as i64))])
    } else {
        let tenths = (metres as f64 / 100.0).round() as i64;
        let km = format!("{}.{}", tenths / 10, tenths % 10);
        t.format("distance-km", &[("km", Arg::Text(&km))])
    }
}

/// Open now, closed (and when it opens) or temporarily closed.
pub fn opening_now(
    t: &Messages,
    service: &Service,
    link: Option<ServiceAtLocationId>,
    now: NaiveDateTime,
) -> Option<OpeningNow> {
    Some(match availability(service, link, now)? {
        Availability::TemporarilyClosed => OpeningNow {
            class: "paused",
            text: t.get("opening-temporarily-closed"),
        },
        Availability::Hours(status) => OpeningNow {
            class: if status.is_open() { "open" } else { "closed" },
            text: opening_text(t, status, now),
        },
    })
}

fn opening_text(t: &Messages, status: OpeningStatus, now: NaiveDateTime) -> String {
    let time = |moment: NaiveDateTime| moment.format("%H:%M").to_string();
    let when = |moment: NaiveDateTime| -> (String, String) {
        let days = (moment.date() - now.date()).num_days();
        let day = match days {
            0 => t.get("today"),
            1 => t.get("tomorrow"),
            2..=6 => weekday(t, moment.date()),
            _ => format!(
                "{} {}",
                weekday(t, moment.date()),
                day_month(t, moment.date())
            ),
        };
        (day, time(moment))
    };
    match status {
        OpeningStatus::OpenNow { until: None } => t.get("opening-24-hours"),
        OpeningStatus::OpenNow { until: Some(until) } if until.date() == now.date() => {
            t.format("opening-open-closes", &[("time", Arg::Text(&time(until)))])
        }
        OpeningStatus::OpenNow { until: Some(until) } => {
            let (day, at) = when(until);
            t.format(
                "opening-open-closes-on",
                &[("day", Arg::Text(&day)), ("time", Arg::Text(&at))],
            )
        }
        OpeningStatus::Opens { at } => {
            let (day, at) = when(at);
            t.format(
                "opening-opens",
                &[("day", Arg::Text(&day)), ("time", Arg::Text(&at))],
            )
        }
        OpeningStatus::NoUpcomingOpening => t.get("opening-none-upcoming"),
    }
}

/// The weekday of a date, in words.
pub fn weekday(t: &Messages, date: NaiveDate) -> String {
    t.get(&format!(
        "day-{}",
        date.weekday().num_days_from_monday() + 1
    ))
}

fn day_month(t: &Messages, date: NaiveDate) -> String {
    t.format(
        "date-day-month",
        &[
            ("day", Arg::Number(i64::from(date.day()))),
            (
                "month",
                Arg::Text(&t.get(&format!("month-{}", date.month()))),
            ),
        ],
    )
}

/// A date in words ("3 March 2026").
pub fn date(t: &Messages, date: NaiveDate) -> String {
    t.format(
        "date",
        &[
            ("day", Arg::Number(i64::from(date.day()))),
            (
                "month",
                Arg::Text(&t.get(&format!("month-{}", date.month()))),
            ),
            ("year", Arg::Number(i64::from(date.year()))),
        ],
    )
}

/// "Free", "Costs apply", or nothing when the listing does not say.
pub fn cost(t: &Messages, service: &Service) -> Option<String> {
    if service.is_free() {
        Some(t.get("cost-free"))
    } else if service.cost_options.is_empty() && service.fees.is_none() {
        None
    } else {
        Some(t.get("cost-charges"))
    }
}

/// The languages spoken, by name in the page's language where it has one.
pub fn languages(t: &Messages, service: &Service) -> Option<String> {
    let names: Vec<String> = service
        .languages
        .iter()
        .filter_map(|language| {
            let by_code = language
                .code
                .as_ref()
                .and_then(|code| t.try_get(&format!("language-{}", code.as_str())));
            by_code.or_else(|| language.display_name().map(str::to_owned))
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// When the listing was last checked.
pub fn checked(t: &Messages, service: &Service, today: NaiveDate) -> Checked {
    Checked {
        text: match service.assured_date {
            Some(day) => t.format("checked-on", &[("date", Arg::Text(&date(t, day)))]),
            None => t.get("checked-never"),
        },
        stale: service.is_stale(today),
    }
}

/// Whether a service takes referrals, in words, for a tag.
pub struct CapacityNote {
    /// "Taking referrals", "Waiting list: about 6 weeks", "Not taking referrals until ...".
    pub text: String,
    /// `taking`, `waiting` or `paused` (the tag's colour).
    pub class: &'static str,
    /// When the organisation said so.
    pub updated: String,
    /// Not confirmed for 30 days: shown, but said to be out of date.
    pub stale: bool,
}

/// The capacity of a service in words, judged on `today` (London).
pub fn capacity_note(t: &Messages, full: &FullService, today: NaiveDate) -> Option<CapacityNote> {
    use crate::domain::capacity::{CapacityState, STALE_AFTER_DAYS};
    let capacity = full.capacity?;
    let (text, class) = match capacity.state {
        CapacityState::Taking => (t.get("capacity-taking"), "taking"),
        CapacityState::WaitingList { wait_weeks: None } => (t.get("capacity-waiting"), "waiting"),
        CapacityState::WaitingList {
            wait_weeks: Some(weeks),
        } => (
            t.format(
                "capacity-waiting-weeks",
                &[("weeks", Arg::Number(i64::from(weeks)))],
            ),
            "waiting",
        ),
        CapacityState::Paused { until: None } => (t.get("capacity-paused"), "paused"),
        CapacityState::Paused { until: Some(day) } => (
            t.format(
                "capacity-paused-until",
                &[("date", Arg::Text(&date(t, day)))],
            ),
            "paused",
        ),
    };
    let said = capacity.updated.date_naive();
    Some(CapacityNote {
        text,
        class,
        updated: t.format("capacity-updated", &[("date", Arg::Text(&date(t, said)))]),
        stale: (today - said).num_days() > STALE_AFTER_DAYS,
    })
}

/// A schedule in words: its own description, else its days and times.
pub fn schedule_text(t: &Messages, schedule: &Schedule) -> Option<String> {
    if let Some(description) = &schedule.description {
        return Some(description.clone());
    }
    let clock = |time: &crate::domain::values::ClockTime| {
        let minutes = time.minutes();
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    };
    let (opens, closes) = (
        clock(schedule.opens_at.as_ref()?),
        clock(schedule.closes_at.as_ref()?),
    );
    let days: Vec<String> = schedule
        .byday
        .as_deref()
        .and_then(|byday| crate::domain::schedule::parse_byday(byday).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|by| t.get(&format!("day-{}", by.weekday.index() + 1)))
        .collect();
    let times = t.format(
        "schedule-times",
        &[("opens", Arg::Text(&opens)), ("closes", Arg::Text(&closes))],
    );
    Some(if days.is_empty() {
        times
    } else {
        format!("{}: {times}", days.join(", "))
    })
}

/// `text` as a QR code, an inline SVG element (for a page, without the XML declaration).
pub fn qr_svg(text: &str) -> Option<String> {
    use qrcode::QrCode;
    use qrcode::render::svg;
    let code = QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    Some(
        svg.trim_start_matches(|c| c != '<')
            .replace("<?xml version=\"1.0\" standalone=\"yes\"?>", ""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_one_sentence_cut_at_a_word() {
        assert_eq!(
            first_sentence("Free food parcels. Bring a bag."),
            "Free food parcels."
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
        assert_eq!(
            first_sentence("Costs £2.50 a week. More."),
            "Costs £2.50 a week."
        );
        let long = "word ".repeat(60);
        let cut = first_sentence(&long);
        assert!(cut.ends_with('…') && cut.chars().count() <= 161, "{cut}");
    }

    #[test]
    fn distances_read_naturally() {
        let t = Messages::of(Locale::En);
        assert_eq!(distance(t, 350), "350 m");
        assert_eq!(distance(t, 1_240), "1.2 km");
        assert_eq!(distance(t, 10_000), "10.0 km");
    }
}
