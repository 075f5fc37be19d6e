//! A referral hand-off: the letter a link worker sends a service about a resident, and the
//! "support offered" lines for the case record.
//!
//! The resident's details live only in a [`Referral`] value for the length of one request:
//! nothing here stores, logs or caches them (the type has no `Serialize`, and its `Debug`
//! hides the details), and the case record lines hold none of them.

use chrono::NaiveDate;

/// SNOMED CT concept for a social prescribing referral, as the case record wants it.
pub const SNOMED_SOCIAL_PRESCRIBING_REFERRAL: &str = "871731000000106";
/// Longest name or contact accepted.
const MOST_SHORT: usize = 200;
/// Longest reason accepted.
const MOST_REASON: usize = 4_000;

/// Most questions an organisation may ask with a referral.
pub const MOST_QUESTIONS: usize = 5;
/// Longest question, in characters.
const MOST_QUESTION_CHARS: usize = 200;

/// Reads an organisation's referral questions, one a line; blank lines are dropped.
pub fn parse_questions(text: &str) -> Result<Vec<String>, &'static str> {
    let questions: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if questions.len() > MOST_QUESTIONS {
        return Err("ask at most 5 questions");
    }
    if questions
        .iter()
        .any(|q| q.chars().count() > MOST_QUESTION_CHARS)
    {
        return Err("keep each question to 200 characters");
    }
    Ok(questions)
}

/// What a referral form holds about the resident. Never stored.
pub struct Referral {
    /// The resident's name.
    pub name: String,
    /// How the service can reach them (phone or e-mail).
    pub contact: String,
    /// Why they are referred, in the link worker's words.
    pub reason: String,
    /// The organisation's questions with their answers.
    pub answers: Vec<(String, String)>,
}

impl std::fmt::Debug for Referral {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Referral { .. }")
    }
}

/// What is missing or wrong in a referral form (named by field, no values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralProblem {
    /// No name.
    NoName,
    /// No way to reach the resident.
    NoContact,
    /// No reason.
    NoReason,
    /// The resident's consent to share was not confirmed.
    NoConsent,
    /// A field is longer than a referral needs.
    TooLong,
}

impl ReferralProblem {
    /// The form field the problem is about.
    pub fn field(self) -> &'static str {
        match self {
            ReferralProblem::NoName => "name",
            ReferralProblem::NoContact => "contact",
            ReferralProblem::NoReason | ReferralProblem::TooLong => "reason",
            ReferralProblem::NoConsent => "consent",
        }
    }
}

impl Referral {
    /// Reads a referral form; every problem is reported.
    pub fn parse(
        name: &str,
        contact: &str,
        reason: &str,
        consent: bool,
    ) -> Result<Referral, Vec<ReferralProblem>> {
        let (name, contact, reason) = (name.trim(), contact.trim(), reason.trim());
        let mut problems = Vec::new();
        if name.is_empty() {
            problems.push(ReferralProblem::NoName);
        }
        if contact.is_empty() {
            problems.push(ReferralProblem::NoContact);
        }
        if reason.is_empty() {
            problems.push(ReferralProblem::NoReason);
        }
        if !consent {
            problems.push(ReferralProblem::NoConsent);
        }
        if name.chars().count() > MOST_SHORT
            || contact.chars().count() > MOST_SHORT
            || reason.chars().count() > MOST_REASON
        {
            problems.push(ReferralProblem::TooLong);
        }
        if problems.is_empty() {
            Ok(Referral {
                name: name.to_owned(),
                contact: contact.to_owned(),
                reason: reason.to_owned(),
                answers: Vec::new(),
            })
        } else {
            Err(problems)
        }
    }
}

/// Who is referred where, by whom: what a letter needs besides the resident.
pub struct LetterContext<'a> {
    /// The service.
    pub service: &'a str,
    /// Its organisation.
    pub organisation: Option<&'a str>,
    /// The link worker's name.
    pub from_name: &'a str,
    /// The link worker's e-mail.
    pub from_email: &'a str,
    /// Today (London).
    pub date: NaiveDate,
    /// The service's page.
    pub url: &'a str,
}

/// A referral letter: its subject and plain-text body.
pub struct Letter {
    /// The subject line.
    pub subject: String,
    /// The body.
    pub body: String,
}

impl Letter {
    /// The letter for `referral` in `context` (English: services read referrals in it).
    pub fn new(referral: &Referral, context: &LetterContext<'_>) -> Letter {
        let to = match context.organisation {
            Some(organisation) => format!("{} ({organisation})", context.service),
            None => context.service.to_owned(),
        };
        let subject = format!("Referral: {} to {}", referral.name, context.service);
        let body = format!(
            "Dear {to},\n\n\
             I am referring {name} to your service, with their consent to share these details.\n\n\
             Name: {name}\n\
             Contact: {contact}\n\n\
             Why: {reason}\n\n\
             {answers}\
             Please contact them, or me if anything is unclear.\n\n\
             {from_name}\n\
             Social prescribing link worker, {from_email}\n\
             {date}\n\n\
             (Your listing: {url})\n",
            name = referral.name,
            contact = referral.contact,
            reason = referral.reason,
            answers = referral
                .answers
                .iter()
                .filter(|(_, answer)| !answer.trim().is_empty())
                .map(|(question, answer)| format!("{question}\n{}\n\n", answer.trim()))
                .collect::<String>(),
            from_name = context.from_name,
            from_email = context.from_email,
            date = context.date.format("%-d %B %Y"),
            url = context.url,
        );
        Letter { subject, body }
    }

    /// A `mailto:` link to `address` with the letter filled in.
    pub fn mailto(&self, address: &str) -> String {
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        format!(
            "mailto:{address}?subject={}&body={}",
            encode(&self.subject),
            encode(&self.body)
        )
    }
}

/// The "support offered" lines for the case record: no resident details.
pub fn support_offered(
    service: &str,
    organisation: Option<&str>,
    service_id: &str,
    url: &str,
    date: NaiveDate,
) -> String {
    let by = organisation.map_or_else(String::new, |o| format!(" ({o})"));
    format!(
        "Support offered: {service}{by}\n\
         ORUK service id: {service_id}\n\
         {url}\n\
         Date: {}\n\
         SNOMED CT: {SNOMED_SOCIAL_PRESCRIBING_REFERRAL} (social prescribing referral)",
        date.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> LetterContext<'static> {
        LetterContext {
            service: "Bow Lunch Club",
            organisation: Some("Bow Community Trust"),
            from_name: "Rahima Link",
            from_email: "rahima@nhs.example",
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            url: "https://signpost.example/service/1",
        }
    }

    #[test]
    fn every_missing_part_is_reported_by_field() {
        let problems = Referral::parse(" ", "", "", false).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field()).collect();
        assert_eq!(fields, ["name", "contact", "reason", "consent"]);
        let long = "x".repeat(4_001);
        assert_eq!(
            Referral::parse("A", "B", &long, true).unwrap_err(),
            [ReferralProblem::TooLong]
        );
    }

    #[test]
    fn the_letter_and_its_mailto_carry_the_referral_and_the_debug_view_does_not() {
        let referral = Referral::parse(
            "Ada Lovelace",
            "07700 900123",
            "Lonely since moving; would like company & lunch",
            true,
        )
        .unwrap();
        assert_eq!(format!("{referral:?}"), "Referral { .. }");
        let letter = Letter::new(&referral, &context());
        assert_eq!(letter.subject, "Referral: Ada Lovelace to Bow Lunch Club");
        assert!(
            letter
                .body
                .contains("Dear Bow Lunch Club (Bow Community Trust)")
        );
        assert!(letter.body.contains("Contact: 07700 900123"));
        assert!(letter.body.contains("23 November 2026"));
        let mailto = letter.mailto("referrals@bow.example");
        assert!(mailto.starts_with("mailto:referrals@bow.example?subject=Referral%3A%20Ada"));
        assert!(mailto.contains("company%20%26%20lunch"), "{mailto}");
        assert!(!mailto.contains(' ') && !mailto.contains('\n'));
    }

    #[test]
    fn the_case_record_lines_name_the_service_and_the_snomed_concept() {
        let lines = support_offered(
            "Bow Lunch Club",
            Some("Bow Community Trust"),
            "50000000-0000-4000-8000-000000000001",
            "https://signpost.example/service/50000000-0000-4000-8000-000000000001",
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        );
        assert_eq!(
            lines,
            "Support offered: Bow Lunch Club (Bow Community Trust)\n\
             ORUK service id: 50000000-0000-4000-8000-000000000001\n\
             https://signpost.example/service/50000000-0000-4000-8000-000000000001\n\
             Date: 2026-11-23\n\
             SNOMED CT: 871731000000106 (social prescribing referral)"
        );
    }
}
