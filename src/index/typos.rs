//! Typos and prefixes, resolved once per search into the index's own words.
//!
//! A unit typed as one word may match words one or two edits away (see
//! [`super::query::typo_distance`]), and the last word of a short search may be the start
//! of a longer one. Rather than have every engine query built for a search (the count, the
//! relaxed levels, the ranked page, the facets) run its own Levenshtein automaton over every
//! field, the words each unit reaches are looked up once, in the dictionaries of the fields
//! searched, and the queries use that list. The most frequent words are kept, so a short
//! prefix cannot expand without limit.

use std::collections::HashMap;

use tantivy::Searcher;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, Term};

use super::IndexError;
use super::query::{PREFIX_MIN_CHARS, TextPlan, typo_distance};

/// Most words a typo may stand for.
pub const MAX_TYPO_WORDS: usize = 20;
/// Most words a prefix may stand for.
pub const MAX_PREFIX_WORDS: usize = 30;
/// A word the listings use this often (one document in this many, and at least
/// [`KNOWN_WORD_MIN_DOCS`]) is taken as meant: no typos or longer words are looked for. Its
/// typos are other words ("class" would find "glass" and "clash") and cost a search dozens of
/// extra terms in every field.
pub const KNOWN_WORD_ONE_IN: u64 = 1_000;
/// See [`KNOWN_WORD_ONE_IN`].
pub const KNOWN_WORD_MIN_DOCS: u64 = 20;

/// Adds to each unit of `plan` the words of `fields` its typos and prefix reach.
pub fn resolve(
    searcher: &Searcher,
    fields: &[Field],
    plan: &mut TextPlan,
) -> Result<(), IndexError> {
    let count = plan.units.len();
    let known_from = (searcher.num_docs() / KNOWN_WORD_ONE_IN).max(KNOWN_WORD_MIN_DOCS);
    for (at, unit) in plan.units.iter_mut().enumerate() {
        let Some(word) = unit.original.single().map(str::to_owned) else {
            continue;
        };
        let distance = typo_distance(&word, unit.typed.chars().count());
        let last_of_short = count <= 3 && at + 1 == count;
        let prefix = last_of_short
            && word.chars().count() >= PREFIX_MIN_CHARS
            && !word.chars().any(char::is_numeric);
        if (distance == 0 && !prefix) || documents_with(searcher, fields, &word)? >= known_from {
            continue;
        }
        if distance > 0 {
            unit.typos = fuzzy_words(searcher, fields, &word, distance)?;
        }
        if prefix {
            unit.completions = prefixed_words(searcher, fields, &word)?;
        }
    }
    Ok(())
}

/// Documents using `word` in any of `fields` (a document using it in several counts for
/// each: an upper bound, enough to tell a known word).
fn documents_with(searcher: &Searcher, fields: &[Field], word: &str) -> Result<u64, IndexError> {
    let mut documents = 0;
    for field in fields {
        documents += searcher.doc_freq(&Term::from_field_text(*field, word))?;
    }
    Ok(documents)
}

/// The `limit` most frequent words of `counts`, `word` itself left out, in word order.
fn most_frequent(counts: HashMap<String, u64>, word: &str, limit: usize) -> Vec<String> {
    let mut ranked: Vec<(String, u64)> = counts
        .into_iter()
        .filter(|(found, _)| found != word)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut words: Vec<String> = ranked
        .into_iter()
        .take(limit)
        .map(|(found, _)| found)
        .collect();
    words.sort();
    words
}

fn fuzzy_words(
    searcher: &Searcher,
    fields: &[Field],
    word: &str,
    distance: u8,
) -> Result<Vec<String>, IndexError> {
    let counts = words_within(searcher, fields, word, distance)?;
    Ok(most_frequent(counts, word, MAX_TYPO_WORDS))
}

/// The words of `fields` within `distance` edits of `word` (an adjacent transposition
/// counting as one), with the documents using each (summed over fields and segments): the
/// dictionaries walked with a Levenshtein automaton, which visits only the words it can
/// reach.
pub fn words_within(
    searcher: &Searcher,
    fields: &[Field],
    word: &str,
    distance: u8,
) -> Result<HashMap<String, u64>, IndexError> {
    let Some(first) = fields.first() else {
        return Ok(HashMap::new());
    };
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(*first, word), distance, true).automaton()?;
    let mut counts: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        for field in fields {
            let inverted = segment.inverted_index(*field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if let Ok(found) = std::str::from_utf8(stream.key()) {
                    *counts.entry(found.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
    }
    Ok(counts)
}

fn prefixed_words(
    searcher: &Searcher,
    fields: &[Field],
    word: &str,
) -> Result<Vec<String>, IndexError> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        for field in fields {
            let inverted = segment.inverted_index(*field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(word.as_bytes())
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if !stream.key().starts_with(word.as_bytes()) {
                    break;
                }
                if let Ok(found) = std::str::from_utf8(stream.key()) {
                    *counts.entry(found.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
    }
    Ok(most_frequent(counts, word, MAX_PREFIX_WORDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_frequent_words_are_kept_without_the_word_itself() {
        let counts: HashMap<String, u64> = [
            ("counsel", 9),
            ("council", 5),
            ("counsell", 1),
            ("cancel", 3),
        ]
        .map(|(w, n)| (w.to_owned(), n))
        .into();
        assert_eq!(most_frequent(counts, "counsel", 2), ["cancel", "council"]);
    }
}
