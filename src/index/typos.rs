//! Typos and prefixes, resolved once per search into the index's own words.
//!
//! A unit typed as one word may match words one or two edits away (see
//! [`super::query::typo_distance`]), and the last word of a short search may be the start
//! of a longer one. Rather than have every engine query built for a search (the count, the
//! relaxed levels, the ranked page, the facets) run its own Levenshtein automaton over every
//! field, the words each unit reaches are looked up once, in one dictionary per segment of
//! the searched fields' words ([`SegmentWords`]), and the queries use that list. The most
//! frequent words are kept, so a short prefix cannot expand without limit.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::directory::FileSlice;
use tantivy::postings::TermInfo;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, Term};
use tantivy::termdict::{TermDictionary, TermDictionaryBuilder, TermMerger};
use tantivy::{Searcher, SegmentReader};

use super::IndexError;
use super::query::{PREFIX_MIN_CHARS, TextPlan, typo_distance};
use super::rank::ColumnCache;

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

/// The words of one segment's searched text fields, each once, with the documents using it
/// summed over the fields: typos and prefixes walk this one dictionary instead of one per
/// field (seven walks of a Levenshtein automaton were a third of a typo's answer at a
/// borough's size). Made at a segment's first typo or prefix, and kept with its columns.
pub struct SegmentWords {
    dictionary: TermDictionary,
}

impl SegmentWords {
    /// The words of `fields` in `segment`.
    pub fn of(segment: &SegmentReader, fields: &[Field]) -> tantivy::Result<SegmentWords> {
        let indexes = fields
            .iter()
            .map(|field| segment.inverted_index(*field))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let streams = indexes
            .iter()
            .map(|index| index.terms().stream())
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut merger = TermMerger::new(streams);
        let mut builder = TermDictionaryBuilder::create(Vec::new())?;
        while merger.advance() {
            let doc_freq = merger
                .current_segment_ords_and_term_infos()
                .map(|(_, info)| info.doc_freq)
                .sum();
            let info = TermInfo {
                doc_freq,
                postings_range: 0..0,
                positions_range: 0..0,
            };
            builder.insert(merger.key(), &info)?;
        }
        let bytes = builder.finish()?;
        Ok(SegmentWords {
            dictionary: TermDictionary::open(FileSlice::from(bytes))?,
        })
    }

    /// How many words it holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.dictionary.num_terms()
    }
}

/// Adds to each unit of `plan` the words of `fields` its typos and prefix reach.
pub fn resolve(
    searcher: &Searcher,
    columns: &ColumnCache,
    fields: &[Field],
    plan: &mut TextPlan,
) -> Result<(), IndexError> {
    let count = plan.units.len();
    let known_from = (searcher.num_docs() / KNOWN_WORD_ONE_IN).max(KNOWN_WORD_MIN_DOCS);
    let mut segments = None;
    for (at, unit) in plan.units.iter_mut().enumerate() {
        let Some(word) = unit.original.single().map(str::to_owned) else {
            continue;
        };
        let distance = typo_distance(&word, unit.typed.chars().count());
        let last_of_short = count <= 3 && at + 1 == count;
        let prefix = last_of_short
            && word.chars().count() >= PREFIX_MIN_CHARS
            && !word.chars().any(char::is_numeric);
        if distance == 0 && !prefix {
            continue;
        }
        let words: &Vec<Arc<SegmentWords>> = match &segments {
            Some(words) => words,
            None => segments.insert(
                searcher
                    .segment_readers()
                    .iter()
                    .map(|segment| columns.words(segment, fields))
                    .collect::<tantivy::Result<_>>()?,
            ),
        };
        let dictionaries = || words.iter().map(|words| &words.dictionary);
        if documents_with(dictionaries(), &word)? >= known_from {
            continue;
        }
        if distance > 0 {
            let counts = words_within(dictionaries(), &word, distance)?;
            unit.typos = most_frequent(counts, &word, MAX_TYPO_WORDS);
        }
        if prefix {
            unit.completions = prefixed_words(dictionaries(), &word)?;
        }
    }
    Ok(())
}

/// Documents using `word` (a document using it in several fields counts for each: an upper
/// bound, enough to tell a known word).
fn documents_with<'a>(
    dictionaries: impl Iterator<Item = &'a TermDictionary>,
    word: &str,
) -> Result<u64, IndexError> {
    let mut documents = 0;
    for dictionary in dictionaries {
        documents += dictionary
            .get(word.as_bytes())
            .map_err(tantivy::TantivyError::from)?
            .map_or(0, |info| u64::from(info.doc_freq));
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

/// The words of `dictionaries` within `distance` edits of `word` (an adjacent
/// transposition counting as one), with the documents using each (summed over the
/// dictionaries): each walked with a Levenshtein automaton, which visits only the words it
/// can reach.
pub fn words_within<'a>(
    dictionaries: impl Iterator<Item = &'a TermDictionary>,
    word: &str,
    distance: u8,
) -> Result<HashMap<String, u64>, IndexError> {
    // The automaton is the same for any field: the term's field is not part of it.
    let automaton = FuzzyTermQuery::new(
        Term::from_field_text(Field::from_field_id(0), word),
        distance,
        true,
    )
    .automaton()?;
    let mut counts: HashMap<String, u64> = HashMap::new();
    for dictionary in dictionaries {
        let mut stream = dictionary
            .search(&automaton)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            if let Ok(found) = std::str::from_utf8(stream.key()) {
                *counts.entry(found.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(counts)
}

fn prefixed_words<'a>(
    dictionaries: impl Iterator<Item = &'a TermDictionary>,
    word: &str,
) -> Result<Vec<String>, IndexError> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for dictionary in dictionaries {
        let mut stream = dictionary
            .range()
            .ge(word.as_bytes())
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            if !stream.key().starts_with(word.as_bytes()) {
                break;
            }
            if let Ok(found) = std::str::from_utf8(stream.key()) {
                *counts.entry(found.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(most_frequent(counts, word, MAX_PREFIX_WORDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    /// Walking one segment's words of both fields finds what walking each field finds, with
    /// the same documents per word.
    #[test]
    fn one_dictionary_of_the_fields_finds_what_each_field_finds() {
        let mut schema = Schema::builder();
        let name = schema.add_text_field("name", TEXT);
        let description = schema.add_text_field("description", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let segments = [
            vec![
                ("counselling", "council counsel cancel"),
                ("counsel", "counselling"),
            ],
            vec![("councils", "counsellor"), ("choir", "count on us")],
        ];
        for documents in segments {
            for (n, d) in documents {
                writer
                    .add_document(doc!(name => n, description => d))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let fields = [name, description];
        let words: Vec<SegmentWords> = searcher
            .segment_readers()
            .iter()
            .map(|segment| SegmentWords::of(segment, &fields).unwrap())
            .collect();
        let mut lengths: Vec<usize> = words.iter().map(SegmentWords::len).collect();
        lengths.sort_unstable();
        assert_eq!(
            lengths,
            [4, 6],
            "each word once per segment, in any segment order"
        );
        let indexes: Vec<_> = searcher
            .segment_readers()
            .iter()
            .flat_map(|segment| fields.map(|field| segment.inverted_index(field).unwrap()))
            .collect();
        let union = || words.iter().map(|words| &words.dictionary);
        let each = || indexes.iter().map(|index| index.terms());
        for (word, distance) in [("counsel", 1), ("councelling", 2), ("coun", 1), ("x", 1)] {
            let found = words_within(union(), word, distance).unwrap();
            assert_eq!(
                found,
                words_within(each(), word, distance).unwrap(),
                "{word}"
            );
            assert_eq!(
                prefixed_words(union(), word).unwrap(),
                prefixed_words(each(), word).unwrap(),
                "{word}"
            );
            assert_eq!(
                documents_with(union(), word).unwrap(),
                documents_with(each(), word).unwrap(),
                "{word}"
            );
        }
        let found = words_within(union(), "councel", 1).unwrap();
        let expected: HashMap<String, u64> = [("counsel".to_owned(), 2), ("council".to_owned(), 1)]
            .into_iter()
            .collect();
        assert_eq!(found, expected, "counsel in a name and a description");
    }

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
