//! Spelling suggestions for searches that find nothing: each word the listings never use is
//! replaced by the most used listing word within one edit (two for long words). Words come
//! from the `spell` field (listing words, folded but not stemmed, so suggestions are real
//! words). This runs only when a search found nothing.

use std::collections::HashMap;

use tantivy::Searcher;
use tantivy::schema::Term;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer};

use super::IndexError;
use super::analysis::{WordTokenizer, words};
use super::schema::Fields;

/// Listing words as typed: split, lower-cased, accent-folded.
pub fn spell_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer)
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Damerau-Levenshtein distance (adjacent transpositions count as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

fn allowed_edits(word: &str) -> usize {
    match word.chars().count() {
        0..=2 => 0,
        3..=7 => 1,
        _ => 2,
    }
}

/// The listing words within `limit` edits of `word`, with the documents using each (a
/// scan of every word cost a search that found nothing 1-2 ms at 1,000 services).
fn within_edits(
    searcher: &Searcher,
    fields: &Fields,
    word: &str,
    limit: usize,
) -> Result<HashMap<String, u64>, IndexError> {
    let distance = u8::try_from(limit).unwrap_or(u8::MAX);
    let indexes = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.inverted_index(fields.spell))
        .collect::<tantivy::Result<Vec<_>>>()?;
    super::typos::words_within(indexes.iter().map(|index| index.terms()), word, distance)
}

/// The text with unknown words respelled, or `None` when no word changes.
pub fn respell(
    searcher: &Searcher,
    fields: &Fields,
    stop_words: &[String],
    text: &str,
) -> Result<Option<String>, IndexError> {
    let typed = words(&mut spell_analyzer(), text);
    let unknown: Vec<usize> = typed
        .iter()
        .enumerate()
        .filter(|(_, word)| {
            allowed_edits(word) > 0
                && !word.chars().any(char::is_numeric)
                && !stop_words.contains(word)
        })
        .map(|(at, word)| {
            searcher
                .doc_freq(&Term::from_field_text(fields.spell, word))
                .map(|frequency| (at, frequency))
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|(_, frequency)| *frequency == 0)
        .map(|(at, _)| at)
        .collect();
    if unknown.is_empty() {
        return Ok(None);
    }
    let mut respelled = typed.clone();
    let mut changed = false;
    for at in unknown {
        let word = &typed[at];
        let limit = allowed_edits(word);
        let candidates = within_edits(searcher, fields, word, limit)?;
        let best = candidates
            .iter()
            .map(|(candidate, frequency)| (edit_distance(word, candidate), *frequency, candidate))
            .filter(|(distance, _, _)| *distance <= limit)
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        if let Some((_, _, candidate)) = best {
            respelled[at] = candidate.clone();
            changed = true;
        }
    }
    Ok(changed.then(|| respelled.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::{Index, TantivyDocument};

    /// An index of the `spell` field holding `words`, each in a document of its own.
    fn index_of(words: &[String]) -> (Index, Fields) {
        let (schema, fields) = super::super::schema::build();
        let index = Index::create_in_ram(schema);
        super::super::schema::register_tokenizer(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for word in words {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.spell, word);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, fields)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The words the automaton reaches are exactly those a scan of every word finds
        /// within the edits allowed.
        #[test]
        fn the_automaton_finds_every_word_within_the_edits(
            words in proptest::collection::vec("[abcd]{1,7}", 1..40),
            word in "[abcd]{3,8}",
        ) {
            let (index, fields) = index_of(&words);
            let searcher = index.reader().unwrap().searcher();
            let limit = allowed_edits(&word);
            let found = within_edits(&searcher, &fields, &word, limit).unwrap();
            let mut expected: HashMap<String, u64> = HashMap::new();
            for listed in &words {
                if edit_distance(&word, listed) <= limit {
                    *expected.entry(listed.clone()).or_default() += 1;
                }
            }
            prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("councelling", "counselling"), 1);
        assert_eq!(edit_distance("acomodation", "accommodation"), 2);
        assert_eq!(
            edit_distance("form", "from"),
            1,
            "a transposition is one edit"
        );
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
