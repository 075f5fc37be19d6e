//! The human-editable search assets in `index/`: stop words, synonyms and the feature
//! vocabulary. They are read at start-up (and by `signpost reindex`) from a directory, by
//! default `index/` in the working directory; when a file is missing, the copy built into
//! the binary is used, so the binary works from anywhere. The index records a fingerprint of
//! the assets it was built with and is rebuilt when they change.
//!
//! This module only parses; analysing the phrases (stemming, stop words) is the index's job.

use std::path::Path;

/// Built-in copies of the asset files.
const STOP_WORDS: &str = include_str!("../../index/stopwords.txt");
const SYNONYMS: &str = include_str!("../../index/synonyms.txt");
const FEATURES: &str = include_str!("../../index/features.txt");

/// One synonym rule: each phrase on the left also searches for every phrase on the right.
/// An equivalence line becomes a rule whose two sides are the same list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymRule {
    /// Phrases that trigger the rule.
    pub from: Vec<String>,
    /// Phrases searched for as well.
    pub to: Vec<String>,
}

/// One value of a feature filter and the phrases that establish or rule it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureValue {
    /// The value, e.g. `step_free`.
    pub value: String,
    /// Phrases that mean it.
    pub phrases: Vec<String>,
    /// Phrases that mean it does not apply.
    pub not: Vec<String>,
    /// The phrases as matched: normalised (`name_key`) and padded with spaces.
    pub keys: Vec<String>,
    /// The "not" phrases as matched.
    pub not_keys: Vec<String>,
}

impl FeatureValue {
    /// A value with its phrases, normalised once for matching.
    pub fn new(value: &str, phrases: Vec<String>, not: Vec<String>) -> Self {
        let keys = |phrases: &[String]| {
            phrases
                .iter()
                .map(|p| crate::geography::name_key(p))
                .filter(|k| !k.is_empty())
                .map(|k| format!(" {k} "))
                .collect()
        };
        Self {
            value: value.trim().to_owned(),
            keys: keys(&phrases),
            not_keys: keys(&not),
            phrases,
            not,
        }
    }
}

/// The feature vocabulary, by filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Features {
    /// `accessibility` values.
    pub accessibility: Vec<FeatureValue>,
    /// `suitable_for` values.
    pub suitable_for: Vec<FeatureValue>,
    /// `delivery` values read from text (`in_person` comes from places).
    pub delivery: Vec<FeatureValue>,
    /// Languages a search is written in, by the romanised words it uses (`ben = khabar,
    /// taka, ...`); Bengali script is recognised without a list.
    pub search_language: Vec<FeatureValue>,
    /// Sensitive needs: pages about services that mention them offer "Exit this page".
    pub sensitive: Vec<FeatureValue>,
}

/// All search assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchAssets {
    /// Stop words.
    pub stop_words: Vec<String>,
    /// Synonym rules.
    pub synonyms: Vec<SynonymRule>,
    /// Feature vocabulary.
    pub features: Features,
    /// Where they came from, for people.
    pub source: String,
    fingerprint: u64,
}

/// A problem in an asset file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct AssetError {
    /// The file.
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(at, line)| (at + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

fn phrases(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses a stop-word file: one word per line.
pub fn parse_stop_words(text: &str) -> Vec<String> {
    content_lines(text)
        .map(|(_, word)| word.to_lowercase())
        .collect()
}

/// Parses a synonym file (`a, b, c` or `a, b => c, d` per line).
pub fn parse_synonyms(file: &str, text: &str) -> Result<Vec<SynonymRule>, AssetError> {
    content_lines(text)
        .map(|(line, content)| {
            let error = |message: &str| AssetError {
                file: file.to_owned(),
                line,
                message: message.to_owned(),
            };
            match content.split_once("=>") {
                Some((from, to)) => {
                    let (from, to) = (phrases(from), phrases(to));
                    if from.is_empty() || to.is_empty() {
                        return Err(error("a one-way rule needs phrases on both sides of =>"));
                    }
                    Ok(SynonymRule { from, to })
                }
                None => {
                    let group = phrases(content);
                    if group.len() < 2 {
                        return Err(error(
                            "an equivalence needs at least two comma-separated phrases",
                        ));
                    }
                    Ok(SynonymRule {
                        from: group.clone(),
                        to: group,
                    })
                }
            }
        })
        .collect()
}

/// Parses the feature vocabulary (`[section]`, then `value = phrases ; not = phrases`).
pub fn parse_features(file: &str, text: &str) -> Result<Features, AssetError> {
    let mut features = Features::default();
    let mut section: Option<String> = None;
    for (line, content) in content_lines(text) {
        let error = |message: String| AssetError {
            file: file.to_owned(),
            line,
            message,
        };
        if let Some(name) = content
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            section = Some(name.trim().to_owned());
            continue;
        }
        let Some((value, rest)) = content.split_once('=') else {
            return Err(error(
                "expected `value = phrase, phrase ; not = phrase`".to_owned(),
            ));
        };
        let (wanted, not) = match rest.split_once(';') {
            Some((wanted, not)) => {
                let not = not
                    .trim()
                    .strip_prefix("not")
                    .map(|n| n.trim_start().trim_start_matches('='));
                match not {
                    Some(not) => (wanted, phrases(not)),
                    None => {
                        return Err(error(
                            "after `;` expected `not = phrase, phrase`".to_owned(),
                        ));
                    }
                }
            }
            None => (rest, Vec::new()),
        };
        let entry = FeatureValue::new(value, phrases(wanted), not);
        if entry.phrases.is_empty() {
            return Err(error(format!("{} has no phrases", entry.value)));
        }
        match section.as_deref() {
            Some("accessibility") => features.accessibility.push(entry),
            Some("suitable_for") => features.suitable_for.push(entry),
            Some("delivery") => features.delivery.push(entry),
            Some("search_language") => features.search_language.push(entry),
            Some("sensitive") => features.sensitive.push(entry),
            other => {
                return Err(error(format!(
                    "unknown section {other:?}: expected accessibility, suitable_for, delivery, search_language or sensitive"
                )));
            }
        }
    }
    Ok(features)
}

impl SearchAssets {
    /// The copies built into the binary.
    pub fn built_in() -> SearchAssets {
        Self::from_texts(
            "built into Signpost".to_owned(),
            STOP_WORDS,
            SYNONYMS,
            FEATURES,
        )
        .expect("the built-in assets parse (tested)")
    }

    /// Reads `stopwords.txt`, `synonyms.txt` and `features.txt` from `dir`, using the
    /// built-in copy of any that is missing.
    pub fn load(dir: &Path) -> Result<SearchAssets, AssetError> {
        let read = |name: &str, fallback: &'static str| -> (String, bool) {
            match std::fs::read_to_string(dir.join(name)) {
                Ok(text) => (text, true),
                Err(_) => (fallback.to_owned(), false),
            }
        };
        let (stop_words, own_stop) = read("stopwords.txt", STOP_WORDS);
        let (synonyms, own_synonyms) = read("synonyms.txt", SYNONYMS);
        let (features, own_features) = read("features.txt", FEATURES);
        let own = [own_stop, own_synonyms, own_features];
        let source = match (own.iter().all(|o| *o), own.iter().any(|o| *o)) {
            (true, _) => dir.display().to_string(),
            (false, true) => {
                tracing::warn!(dir = %dir.display(), "some search asset files are missing; their built-in copies are used");
                format!("{} (with built-in copies of missing files)", dir.display())
            }
            (false, false) => "built into Signpost".to_owned(),
        };
        Self::from_texts(source, &stop_words, &synonyms, &features).map_err(|mut error| {
            error.file = dir.join(&error.file).display().to_string();
            error
        })
    }

    fn from_texts(
        source: String,
        stop_words: &str,
        synonyms: &str,
        features: &str,
    ) -> Result<SearchAssets, AssetError> {
        Ok(SearchAssets {
            stop_words: parse_stop_words(stop_words),
            synonyms: parse_synonyms("synonyms.txt", synonyms)?,
            features: parse_features("features.txt", features)?,
            source,
            fingerprint: crate::geography::fingerprint(&[
                stop_words.as_bytes(),
                synonyms.as_bytes(),
                features.as_bytes(),
            ]),
        })
    }

    /// Fingerprint of the asset texts, recorded by the index.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_assets_parse() {
        let assets = SearchAssets::built_in();
        assert!(assets.stop_words.contains(&"the".to_owned()));
        assert!(
            !assets.stop_words.contains(&"no".to_owned()),
            "no carries meaning"
        );
        assert!(assets.synonyms.len() > 50);
        assert!(!assets.features.accessibility.is_empty());
    }

    #[test]
    fn synonym_lines() {
        let rules = parse_synonyms(
            "s",
            "# comment\nfood bank, pantry\ncouncelling => counselling, therapy\n",
        )
        .unwrap();
        assert_eq!(
            rules[0],
            SynonymRule {
                from: vec!["food bank".into(), "pantry".into()],
                to: vec!["food bank".into(), "pantry".into()]
            }
        );
        assert_eq!(rules[1].from, ["councelling"]);
        assert_eq!(rules[1].to, ["counselling", "therapy"]);
        let error = parse_synonyms("s", "ok, fine\nlonely\n").unwrap_err();
        assert_eq!((error.line, error.message.contains("two")), (2, true));
    }

    #[test]
    fn feature_lines() {
        let features = parse_features(
            "f",
            "[accessibility]\nstep_free = ramp, level access ; not = stairs only\n",
        )
        .unwrap();
        assert_eq!(features.accessibility[0].not, ["stairs only"]);
        assert!(parse_features("f", "[colours]\nred = red\n").is_err());
    }
}
