//! Validated scalar values: e-mail addresses, web links, URIs, phone numbers, ages, amounts,
//! clock times and free text.
//!
//! Each type is parsed once at the edge and trusted afterwards. Parse errors are
//! [`InvalidValue`]s: a short sentence that completes "`<field>` ..." and says what is expected,
//! so an importer or API client can fix the record without reading code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a value was rejected: a sentence fragment such as "is not a valid e-mail address".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(String);

impl InvalidValue {
    /// Builds the message; it should read well after a field name.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

/// Longest free text accepted in one field (descriptions included), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Cleans free text: blank text (only white space) is absent; anything else is kept exactly
/// as written, so what a publisher sends is what is published.
///
/// Text longer than [`MAX_TEXT_CHARS`] is rejected rather than cut, so nothing is lost silently.
pub fn clean_text(raw: &str) -> Result<Option<String>, InvalidValue> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > MAX_TEXT_CHARS {
        return Err(InvalidValue::new(format!(
            "is longer than {MAX_TEXT_CHARS} characters"
        )));
    }
    Ok(Some(raw.to_owned()))
}

/// Serialises a number as an integer when it is one (`12`, not `12.0`), as publishers write
/// ages and amounts.
fn serialize_number<S: Serializer>(value: f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS {
        serializer.serialize_i64(value as i64)
    } else {
        serializer.serialize_f64(value)
    }
}

macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident, $parse:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Validates `text`.
            pub fn parse(text: &str) -> Result<Self, InvalidValue> {
                $parse(text.trim()).map(|()| Self(text.trim().to_owned()))
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_value!(
    /// An e-mail address (`name@domain.tld`), checked for shape, not deliverability.
    Email,
    check_email
);
string_value!(
    /// A link people can follow: an absolute `http` or `https` URL with a host. Other schemes
    /// (`javascript:`, `data:`, relative paths) are refused because these links end up in pages.
    WebUrl,
    check_web_url
);
string_value!(
    /// Any absolute URI with a scheme (identifiers such as `term_uri` may be URNs).
    AbsoluteUri,
    check_absolute_uri
);
string_value!(
    /// A telephone number as people write it: digits with spaces, `+`, `-`, `(` and `)`, at
    /// least three digits (so `999`, `111` and `116 123` are valid).
    PhoneNumber,
    check_phone_number
);
string_value!(
    /// A wall-clock time `HH:MM` or `HH:MM:SS`, optionally followed by `Z` or a UTC offset
    /// (`+01:00`), as ORUK schedules write `opens_at` and `closes_at`.
    ClockTime,
    check_clock_time
);

fn check_email(text: &str) -> Result<(), InvalidValue> {
    let invalid = || InvalidValue::new("is not a valid e-mail address (expected name@example.org)");
    if text.len() > 254 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err(invalid());
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(())
    } else {
        Err(invalid())
    }
}

fn check_web_url(text: &str) -> Result<(), InvalidValue> {
    let invalid =
        || InvalidValue::new("is not a web address (expected an absolute https:// or http:// URL)");
    let parsed = url::Url::parse(text).map_err(|_| invalid())?;
    let web_scheme = matches!(parsed.scheme(), "http" | "https");
    let has_host = parsed.host_str().is_some_and(|host| !host.is_empty());
    if web_scheme && has_host && !text.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        Err(invalid())
    }
}

fn check_absolute_uri(text: &str) -> Result<(), InvalidValue> {
    let invalid =
        || InvalidValue::new("is not an absolute URI (expected a scheme, e.g. https://...)");
    if text.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    url::Url::parse(text).map(|_| ()).map_err(|_| invalid())
}

fn check_phone_number(text: &str) -> Result<(), InvalidValue> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')');
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let plus_ok = text.chars().skip(1).all(|c| c != '+');
    if text.chars().all(allowed) && (3..=20).contains(&digits) && plus_ok && text.len() <= 40 {
        Ok(())
    } else {
        Err(InvalidValue::new(
            "is not a phone number (expected digits, spaces and an optional leading +, e.g. 020 7946 0123)",
        ))
    }
}

fn check_clock_time(text: &str) -> Result<(), InvalidValue> {
    parse_clock_minutes(text).map(|_| ())
}

/// Minutes after midnight of a clock time (`24:00` is 1440, the end of the day). Any `Z` or
/// offset suffix is accepted and ignored: times are read as London wall-clock time.
fn parse_clock_minutes(text: &str) -> Result<u16, InvalidValue> {
    let invalid =
        || InvalidValue::new("is not a time of day (expected HH:MM, e.g. 09:30 or 17:00)");
    if !text.is_ascii() {
        return Err(invalid());
    }
    let (clock, offset) = split_offset(text);
    if let Some(offset) = offset {
        let valid_offset = offset == "Z"
            || (offset.len() == 6
                && offset[1..3].chars().all(|c| c.is_ascii_digit())
                && &offset[3..4] == ":"
                && offset[4..6].chars().all(|c| c.is_ascii_digit()));
        if !valid_offset {
            return Err(invalid());
        }
    }
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(invalid());
    }
    let hours: u16 = parts[0].parse().map_err(|_| invalid())?;
    let minutes: u16 = parts[1].parse().map_err(|_| invalid())?;
    let seconds: u16 = parts
        .get(2)
        .map_or(Ok(0), |s| s.parse())
        .map_err(|_| invalid())?;
    let end_of_day = hours == 24 && minutes == 0 && seconds == 0;
    if !end_of_day && (hours > 23 || minutes > 59 || seconds > 59) {
        return Err(invalid());
    }
    Ok(hours * 60 + minutes)
}

fn split_offset(text: &str) -> (&str, Option<&str>) {
    if let Some(clock) = text.strip_suffix('Z') {
        return (clock, Some("Z"));
    }
    match text.rfind(['+', '-']) {
        Some(at) => (&text[..at], Some(&text[at..])),
        None => (text, None),
    }
}

impl ClockTime {
    /// Minutes after midnight (0..=1440), London wall-clock time.
    pub fn minutes(&self) -> u16 {
        parse_clock_minutes(&self.0).expect("validated when parsed")
    }
}

/// An age in years, as ORUK `minimum_age`/`maximum_age` numbers (0 to 150).
#[derive(Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Age(f64);

impl Serialize for Age {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_number(self.0, serializer)
    }
}

impl Age {
    /// Validates an age in years.
    pub fn new(years: f64) -> Result<Self, InvalidValue> {
        if years.is_finite() && (0.0..=150.0).contains(&years) {
            Ok(Self(years))
        } else {
            Err(InvalidValue::new(
                "is not an age in years (expected a number from 0 to 150)",
            ))
        }
    }

    /// Years.
    pub fn years(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Age {
    type Error = InvalidValue;
    fn try_from(years: f64) -> Result<Self, Self::Error> {
        Self::new(years)
    }
}

impl fmt::Debug for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Age({})", self.0)
    }
}

/// A non-negative, finite amount of money (the currency is GBP unless the record says).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Amount(f64);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_number(self.0, serializer)
    }
}

impl Amount {
    /// Validates an amount.
    pub fn new(value: f64) -> Result<Self, InvalidValue> {
        if value.is_finite() && value >= 0.0 {
            Ok(Self(value))
        } else {
            Err(InvalidValue::new(
                "is not an amount (expected a number of 0 or more)",
            ))
        }
    }

    /// The value.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Amount {
    type Error = InvalidValue;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails() {
        for good in [
            "email@example.com",
            "a.b+c@sub.example.org",
            "x@ex-ample.co.uk",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "email-example_com",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@.com",
            "a@@b.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn web_urls_need_an_http_scheme_and_a_host() {
        assert!(WebUrl::parse("http://example.com").is_ok());
        assert_eq!(
            WebUrl::parse("https://example.com/a?b=c").unwrap().as_str(),
            "https://example.com/a?b=c"
        );
        for bad in [
            "example/counselling",
            "example_com",
            "javascript:alert(1)",
            "ftp://x.org",
            "https://",
            "/relative",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn clock_times() {
        assert_eq!(ClockTime::parse("09:30").unwrap().minutes(), 570);
        assert_eq!(ClockTime::parse("18:00:00").unwrap().minutes(), 1080);
        assert_eq!(ClockTime::parse("10:00Z").unwrap().minutes(), 600);
        assert_eq!(ClockTime::parse("09:00-05:00").unwrap().minutes(), 540);
        assert_eq!(ClockTime::parse("24:00").unwrap().minutes(), 1440);
        // Found by `parsers_never_panic`: slicing the offset inside a multi-byte character.
        assert!(ClockTime::parse("+\u{10cc0}a").is_err());
        for bad in [
            "9:30",
            "25:00",
            "10:60",
            "noon",
            "10:00+5",
            "",
            "10:00:00:00",
        ] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_numbers() {
        for good in [
            "020 7946 0123",
            "+44 20 7946 0123",
            "999",
            "116 123",
            "(020) 7946-0123",
        ] {
            assert!(PhoneNumber::parse(good).is_ok(), "{good}");
        }
        for bad in ["call us", "12", "020 7946 0123 ext 4", "44+20"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_numbers_are_written_as_integers() {
        assert_eq!(
            serde_json::to_string(&Age::new(12.0).unwrap()).unwrap(),
            "12"
        );
        assert_eq!(
            serde_json::to_string(&Age::new(2.5).unwrap()).unwrap(),
            "2.5"
        );
        assert_eq!(
            serde_json::to_string(&Amount::new(35.0).unwrap()).unwrap(),
            "35"
        );
    }

    proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC{0,40}") {
            let _ = Email::parse(&text);
            let _ = WebUrl::parse(&text);
            let _ = AbsoluteUri::parse(&text);
            let _ = PhoneNumber::parse(&text);
            let _ = ClockTime::parse(&text);
        }

        #[test]
        fn every_valid_clock_time_round_trips(h in 0u16..24, m in 0u16..60) {
            let time = ClockTime::parse(&format!("{h:02}:{m:02}")).unwrap();
            prop_assert_eq!(time.minutes(), h * 60 + m);
        }
    }
}
