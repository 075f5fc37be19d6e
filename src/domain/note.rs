//! Professional notes: short, service-level tips link workers leave for colleagues ("the
//! drop-in is quieter on Tuesdays; ask for the Sylheti-speaking volunteer"). Never about a
//! resident: a note that looks like it holds an NHS number, a date of birth, or a phone
//! number or e-mail address that is not the service's own is refused.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::account::AccountId;
use super::ids::ServiceId;

/// Longest note, in characters.
pub const MOST_NOTE_CHARS: usize = 600;

/// A note about a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfessionalNote {
    /// Its id.
    pub id: uuid::Uuid,
    /// The service it is about.
    pub service: ServiceId,
    /// Who wrote it.
    pub author: AccountId,
    /// Their name, as shown with the note.
    pub author_name: String,
    /// The note.
    pub text: String,
    /// When it was written.
    pub created: DateTime<Utc>,
    /// Hidden by a moderator: who and when (a hidden note is shown to no one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<(AccountId, DateTime<Utc>)>,
}

/// Why a note was refused (without repeating what it held).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoteProblem {
    /// Nothing written.
    #[error("write the note")]
    Empty,
    /// Too long.
    #[error("keep the note to 600 characters")]
    TooLong,
    /// Looks like an NHS number.
    #[error("it looks like it holds an NHS number")]
    NhsNumber,
    /// Looks like a date of birth.
    #[error("it looks like it holds a date of birth")]
    DateOfBirth,
    /// A phone number that is not the service's.
    #[error("it holds a phone number that is not the service's")]
    Phone,
    /// An e-mail address that is not the service's.
    #[error("it holds an e-mail address that is not the service's")]
    Email,
}

/// Checks a note: `service_contacts` are the service's own phone numbers and addresses,
/// which a note may mention. Returns the trimmed text.
pub fn check_note(text: &str, service_contacts: &[String]) -> Result<String, NoteProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NoteProblem::Empty);
    }
    if text.chars().count() > MOST_NOTE_CHARS {
        return Err(NoteProblem::TooLong);
    }
    let own_digits: Vec<String> = service_contacts.iter().map(|c| digits(c)).collect();
    let own_addresses: Vec<String> = service_contacts
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    for run in digit_runs(text) {
        let number: String = run.chars().filter(char::is_ascii_digit).collect();
        if own_digits.contains(&digits(&number)) {
            continue;
        }
        if number.len() == 10 && nhs_check_digit_ok(&number) {
            return Err(NoteProblem::NhsNumber);
        }
        if (10..=13).contains(&number.len()) {
            return Err(NoteProblem::Phone);
        }
    }
    if looks_like_date_of_birth(text) {
        return Err(NoteProblem::DateOfBirth);
    }
    for word in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>'))
    {
        let word = word.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\''));
        if word.contains('@')
            && word.contains('.')
            && !own_addresses.contains(&word.to_ascii_lowercase())
        {
            return Err(NoteProblem::Email);
        }
    }
    Ok(text.to_owned())
}

fn digits(text: &str) -> String {
    let all: String = text.chars().filter(char::is_ascii_digit).collect();
    // +44 7700 900123 and 07700 900123 are the same number: compare the last ten digits.
    all.chars().skip(all.len().saturating_sub(10)).collect()
}

/// Runs of digits, spaces, dashes and a leading plus: how people write numbers.
fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let continues = c.is_ascii_digit()
            || (!current.is_empty() && matches!(c, ' ' | '-' | '(' | ')'))
            || (current.is_empty() && c == '+');
        if continues {
            current.push(c);
        } else {
            if current.chars().filter(char::is_ascii_digit).count() >= 10 {
                runs.push(current.trim().to_owned());
            }
            current.clear();
        }
    }
    if current.chars().filter(char::is_ascii_digit).count() >= 10 {
        runs.push(current.trim().to_owned());
    }
    runs
}

/// The NHS number check (modulus 11 over the first nine digits).
fn nhs_check_digit_ok(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(at, d)| d * (10 - at as u32))
        .sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == digits[9]
}

/// "DOB", "date of birth", or a day/month/year date with a year from 1900 to 2019 (a
/// birth date, not an opening or closing date).
fn looks_like_date_of_birth(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .map(|word| word.trim_matches('.'))
        .collect();
    if words.iter().any(|word| *word == "dob" || *word == "d.o.b")
        || lower.contains("date of birth")
    {
        return true;
    }
    // dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy with a plausible birth year.
    let bytes: Vec<char> = lower.chars().collect();
    for start in 0..bytes.len() {
        let rest: String = bytes[start..].iter().take(10).collect();
        let parts: Vec<&str> = rest.split(['/', '-', '.']).collect();
        let year: String = parts
            .get(2)
            .map_or(String::new(), |p| p.chars().take(4).collect());
        let is_birth_year = year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && year.parse::<u32>().is_ok_and(|y| (1900..2020).contains(&y));
        if is_birth_year
            && (1..=2).contains(&parts[0].len())
            && (1..=2).contains(&parts[1].len())
            && parts[0].chars().all(|c| c.is_ascii_digit())
            && parts[1].chars().all(|c| c.is_ascii_digit())
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> Vec<String> {
        vec![
            "020 7946 0123".to_owned(),
            "hello@bowlunch.example".to_owned(),
        ]
    }

    #[test]
    fn useful_tips_pass() {
        for tip in [
            "The drop-in is quieter on Tuesdays; ask for the Sylheti-speaking volunteer.",
            "Call 020 7946 0123 before 10am, or write to hello@bowlunch.example.",
            "Lift is broken until March 2027. Bus 25 stops outside.",
            "Open 9-5, room 12, about 30 places.",
        ] {
            assert_eq!(check_note(tip, &own()), Ok(tip.to_owned()), "{tip}");
        }
    }

    #[test]
    fn resident_details_are_refused() {
        let cases = [
            (
                "Mrs K, NHS 943 476 5919, came last week",
                NoteProblem::NhsNumber,
            ),
            ("943-476-5919", NoteProblem::NhsNumber),
            ("Her DOB is in the file", NoteProblem::DateOfBirth),
            ("born 04/03/1951", NoteProblem::DateOfBirth),
            (
                "client 12/07/1948 prefers mornings",
                NoteProblem::DateOfBirth,
            ),
            ("ring her on 07700 900417", NoteProblem::Phone),
            ("call +44 7700 900417 after 6", NoteProblem::Phone),
            ("email amina.b@example.com", NoteProblem::Email),
            ("", NoteProblem::Empty),
        ];
        for (note, problem) in cases {
            assert_eq!(check_note(note, &own()), Err(problem), "{note}");
        }
        assert_eq!(
            check_note(&"x".repeat(601), &own()),
            Err(NoteProblem::TooLong)
        );
    }

    proptest::proptest! {
        /// Any text is checked without panicking (notes are typed by people).
        #[test]
        fn any_text_is_checked_without_panicking(text in "\\PC{0,200}") {
            let _ = check_note(&text, &own());
        }
    }
}
