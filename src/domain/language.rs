//! Languages: ISO 639-3 codes, so that Sylheti (`syl`) is never mistaken for Bengali (`ben`).
//!
//! Codes are stored in ISO 639-3 form. Common two-letter ISO 639-1 codes are accepted at the
//! edge and mapped to their three-letter form (`bn` → `ben`); anything else must already be a
//! three-letter code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ids::RecordId;
use super::values::InvalidValue;

/// A language a service (or a phone line) is delivered in, without interpretation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// Identifier.
    pub id: RecordId,
    /// Name, e.g. "Sylheti".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 639-3 code, e.g. `syl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<LanguageCode>,
    /// Notes, e.g. "on Tuesdays only".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Language {
    /// The best name to show: the record's own name, else the well-known name of its code.
    pub fn display_name(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or_else(|| self.code.as_ref().and_then(LanguageCode::english_name))
    }
}

/// ISO 639-1 → ISO 639-3 for the languages most used in London directories, with an English
/// name for each. The names are used when a record gives a code without a name.
const KNOWN_LANGUAGES: &[(&str, &str, &str)] = &[
    ("en", "eng", "English"),
    ("bn", "ben", "Bengali"),
    ("", "syl", "Sylheti"),
    ("so", "som", "Somali"),
    ("ur", "urd", "Urdu"),
    ("ar", "ara", "Arabic"),
    ("pl", "pol", "Polish"),
    ("tr", "tur", "Turkish"),
    ("lt", "lit", "Lithuanian"),
    ("pt", "por", "Portuguese"),
    ("es", "spa", "Spanish"),
    ("fr", "fra", "French"),
    ("ti", "tir", "Tigrinya"),
    ("zh", "zho", "Chinese"),
    ("", "yue", "Cantonese"),
    ("", "cmn", "Mandarin"),
    ("", "bfi", "British Sign Language"),
    ("hi", "hin", "Hindi"),
    ("pa", "pan", "Punjabi"),
    ("gu", "guj", "Gujarati"),
    ("ta", "tam", "Tamil"),
    ("fa", "fas", "Persian"),
    ("ps", "pus", "Pashto"),
    ("ku", "kur", "Kurdish"),
    ("ro", "ron", "Romanian"),
    ("bg", "bul", "Bulgarian"),
    ("ru", "rus", "Russian"),
    ("uk", "ukr", "Ukrainian"),
    ("it", "ita", "Italian"),
    ("vi", "vie", "Vietnamese"),
    ("am", "amh", "Amharic"),
    ("yo", "yor", "Yoruba"),
    ("sw", "swa", "Swahili"),
];

/// An ISO 639-3 language code (three lower-case letters).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Parses an ISO 639-3 code, or a known ISO 639-1 code mapped to ISO 639-3.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let lower = text.trim().to_ascii_lowercase();
        let letters_only = lower.chars().all(|c| c.is_ascii_lowercase());
        if letters_only && lower.len() == 3 {
            return Ok(Self(lower));
        }
        if letters_only
            && lower.len() == 2
            && let Some((_, three, _)) = KNOWN_LANGUAGES.iter().find(|(two, _, _)| *two == lower)
        {
            return Ok(Self((*three).to_owned()));
        }
        Err(InvalidValue::new(
            "is not an ISO 639-3 language code (expected three letters, e.g. ben for Bengali, syl for Sylheti)",
        ))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of a well-known language given by its English name (any case).
    pub fn from_english_name(name: &str) -> Option<Self> {
        let name = name.trim();
        KNOWN_LANGUAGES
            .iter()
            .find(|(_, _, known)| known.eq_ignore_ascii_case(name))
            .map(|(_, three, _)| Self((*three).to_owned()))
    }

    /// The English name of a well-known language, if this is one.
    pub fn english_name(&self) -> Option<&'static str> {
        KNOWN_LANGUAGES
            .iter()
            .find(|(_, three, _)| *three == self.0)
            .map(|(_, _, name)| *name)
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LanguageCode({})", self.0)
    }
}

impl Serialize for LanguageCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LanguageCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sylheti_and_bengali_are_distinct() {
        let syl = LanguageCode::parse("SYL").unwrap();
        let ben = LanguageCode::parse("bn").unwrap();
        assert_eq!(syl.as_str(), "syl");
        assert_eq!(ben.as_str(), "ben");
        assert_ne!(syl, ben);
        assert_eq!(syl.english_name(), Some("Sylheti"));
    }

    #[test]
    fn rejects_names_and_unknown_short_codes() {
        for bad in ["Bengali", "xx", "b3n", "", "beng"] {
            assert!(LanguageCode::parse(bad).is_err(), "{bad}");
        }
    }
}
