//! UK postcodes, normalised: any case, with or without the space, stray white space.
//!
//! Grammar (the Royal Mail formats): an outward code `A9`, `A99`, `AA9`, `AA99`, `A9A` or
//! `AA9A`, then an inward code `9AA` whose letters are never C, I, K, M, O or V. An outward
//! code on its own (`E14`) is accepted where a whole postcode is not needed. The canonical
//! form is upper case with one space: `E14 3BY`.

use std::fmt;

use super::values::InvalidValue;

/// A full postcode, canonical (`E14 3BY`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(String);

/// An outward code, canonical (`E14`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutwardCode(String);

/// What someone typed: a whole postcode or just its outward code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeQuery {
    /// A whole postcode.
    Full(Postcode),
    /// An outward code alone.
    Outward(OutwardCode),
}

fn invalid() -> InvalidValue {
    InvalidValue::new(
        "is not a UK postcode (expected a postcode such as E14 3BY, or the first half alone, such as E14)",
    )
}

fn is_outward(code: &[u8]) -> bool {
    let letter = |b: u8| b.is_ascii_uppercase();
    let digit = |b: u8| b.is_ascii_digit();
    match code {
        [a, b] => letter(*a) && digit(*b),
        [a, b, c] => {
            letter(*a) && ((digit(*b) && (digit(*c) || letter(*c))) || (letter(*b) && digit(*c)))
        }
        [a, b, c, d] => letter(*a) && letter(*b) && digit(*c) && (digit(*d) || letter(*d)),
        _ => false,
    }
}

fn is_inward(code: &[u8]) -> bool {
    let inward_letter = |b: u8| b.is_ascii_uppercase() && !b"CIKMOV".contains(&b);
    matches!(code, [d, x, y] if d.is_ascii_digit() && inward_letter(*x) && inward_letter(*y))
}

impl PostcodeQuery {
    /// Parses a postcode or an outward code, in any case and spacing.
    pub fn parse(text: &str) -> Result<PostcodeQuery, InvalidValue> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if !compact.is_ascii() {
            return Err(invalid());
        }
        if compact == "GIR0AA" {
            return Ok(PostcodeQuery::Full(Postcode("GIR 0AA".to_owned())));
        }
        let bytes = compact.as_bytes();
        if is_outward(bytes) {
            return Ok(PostcodeQuery::Outward(OutwardCode(compact)));
        }
        if bytes.len() >= 5 {
            let (outward, inward) = bytes.split_at(bytes.len() - 3);
            if is_outward(outward) && is_inward(inward) {
                let outward = &compact[..compact.len() - 3];
                let inward = &compact[compact.len() - 3..];
                return Ok(PostcodeQuery::Full(Postcode(format!("{outward} {inward}"))));
            }
        }
        Err(invalid())
    }

    /// The outward code of the query.
    pub fn outward(&self) -> OutwardCode {
        match self {
            PostcodeQuery::Full(postcode) => postcode.outward(),
            PostcodeQuery::Outward(outward) => outward.clone(),
        }
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        match self {
            PostcodeQuery::Full(postcode) => postcode.as_str(),
            PostcodeQuery::Outward(outward) => outward.as_str(),
        }
    }
}

impl Postcode {
    /// Parses a whole postcode in any case and spacing.
    pub fn parse(text: &str) -> Result<Postcode, InvalidValue> {
        match PostcodeQuery::parse(text)? {
            PostcodeQuery::Full(postcode) => Ok(postcode),
            PostcodeQuery::Outward(_) => Err(invalid()),
        }
    }

    /// The canonical text, `E14 3BY`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code, `E14`.
    pub fn outward(&self) -> OutwardCode {
        OutwardCode(self.0.split(' ').next().unwrap_or_default().to_owned())
    }
}

impl OutwardCode {
    /// The canonical text, `E14`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.0)
    }
}

impl fmt::Display for OutwardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OutwardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OutwardCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn any_case_and_spacing_normalises() {
        for typed in ["E14 3BY", "e143by", "  e14   3by ", "E143BY", "e14 3BY\t"] {
            assert_eq!(
                Postcode::parse(typed).unwrap().as_str(),
                "E14 3BY",
                "{typed:?}"
            );
        }
        assert_eq!(Postcode::parse("ec3n4ab").unwrap().as_str(), "EC3N 4AB");
        assert_eq!(Postcode::parse("E1W1BQ").unwrap().as_str(), "E1W 1BQ");
        assert_eq!(Postcode::parse("e1 6an").unwrap().outward().as_str(), "E1");
        assert_eq!(
            Postcode::parse("gir0aa").unwrap().as_str(),
            "GIR 0AA",
            "the Girobank exception"
        );
    }

    #[test]
    fn outward_codes_alone() {
        assert_eq!(
            PostcodeQuery::parse("e14"),
            Ok(PostcodeQuery::Outward(OutwardCode("E14".into())))
        );
        assert_eq!(PostcodeQuery::parse(" E1W ").unwrap().as_str(), "E1W");
        assert!(
            Postcode::parse("E14").is_err(),
            "a whole postcode is required here"
        );
    }

    #[test]
    fn rejects_what_is_not_a_postcode() {
        for bad in [
            "",
            "14 3BY",
            "E14 3B",
            "E14 3CY",
            "EEE14 3BY",
            "E14-3BY",
            "hello",
            "E14 3BYX",
            "ＥＱ1 3BY",
            "1E4",
        ] {
            assert!(PostcodeQuery::parse(bad).is_err(), "{bad:?}");
        }
    }

    fn outward_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Z][0-9]",
            "[A-Z][0-9][0-9]",
            "[A-Z][A-Z][0-9]",
            "[A-Z][A-Z][0-9][0-9]",
            "[A-Z][0-9][A-Z]",
            "[A-Z][A-Z][0-9][A-Z]",
        ]
    }

    proptest! {
        #[test]
        fn every_spelling_of_a_valid_postcode_normalises_to_one_form(
            outward in outward_strategy(),
            inward in "[0-9][ABDEFGHJLNPQRSTUWXYZ]{2}",
            spaces_before in " {0,3}", spaces_between in " {0,3}", spaces_after in " {0,3}",
            lower in any::<bool>(),
        ) {
            let canonical = format!("{outward} {inward}");
            let typed = format!("{spaces_before}{outward}{spaces_between}{inward}{spaces_after}");
            let typed = if lower { typed.to_lowercase() } else { typed };
            let parsed = Postcode::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), canonical.as_str());
            prop_assert_eq!(Postcode::parse(parsed.as_str()).unwrap(), parsed.clone(), "idempotent");
            prop_assert_eq!(parsed.outward().to_string(), outward);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,12}") {
            let _ = PostcodeQuery::parse(&text);
        }
    }
}
