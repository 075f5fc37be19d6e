//! Highlighted snippets of description text: the part that matches the search's words (and
//! their synonyms), HTML-escaped with the matches in `<b>`.
//!
//! The snippet is chosen as tantivy's `SnippetGenerator` chooses it (fragments of up to
//! [`SNIPPET_CHARS`] characters, each scored by the rarity of the words it matches; the
//! best, earliest on ties) and written the same way, byte for byte (a property test
//! compares the two). What differs is the analysis: the generator runs the description
//! field's analyser over every description of every page, and lowercases each word into a
//! new string, a fifth of a borough's misspelt search and 6-8 % of a region's text search.
//! Here the analysed words of the descriptions highlighted most recently are kept
//! ([`AnalysedTexts`]); a page shows the same few thousand services again and again.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use lru::LruCache;
use tantivy::Searcher;
use tantivy::schema::Term;
use tantivy::snippet::collapse_overlapped_ranges;
use tantivy::tokenizer::TextAnalyzer;

use super::IndexError;
use super::query::TextPlan;
use super::schema::Fields;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 200;
/// Descriptions whose analysed words are kept: those of the services kept ready
/// (`catalog::cache::DEFAULT_SERVICES` is twice this), at about 1 KB each.
const KEPT_TEXTS: usize = 2048;

/// A text's words as the description field's analyser finds them.
struct Analysed {
    text: Box<str>,
    /// Each word's byte range in the text, and where its form ends in `forms`.
    words: Vec<(u32, u32, u32)>,
    /// The words' indexed forms, lowercased, one after another.
    forms: String,
}

impl Analysed {
    fn of(analyzer: &mut TextAnalyzer, text: &str) -> Self {
        let mut words = Vec::new();
        let mut forms = String::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            forms.push_str(&token.text.to_lowercase());
            let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
            words.push((
                offset(token.offset_from),
                offset(token.offset_to),
                offset(forms.len()),
            ));
        }
        Self {
            text: text.into(),
            words,
            forms,
        }
    }

    /// Each word's byte range and form.
    fn words(&self) -> impl Iterator<Item = (Range<usize>, &str)> {
        let mut start = 0;
        self.words.iter().map(move |&(from, to, end)| {
            let form = &self.forms[start..end as usize];
            start = end as usize;
            (from as usize..to as usize, form)
        })
    }
}

/// The analysed words of recently highlighted descriptions, for one index's analyser.
pub struct AnalysedTexts {
    analyzer: TextAnalyzer,
    hasher: std::hash::RandomState,
    kept: Mutex<LruCache<u64, Arc<Analysed>>>,
}

impl AnalysedTexts {
    /// Keeps texts as `analyzer` (the description field's) finds their words.
    pub fn new(analyzer: TextAnalyzer) -> Self {
        Self {
            analyzer,
            hasher: std::hash::RandomState::new(),
            kept: Mutex::new(LruCache::new(
                NonZeroUsize::new(KEPT_TEXTS).expect("not zero"),
            )),
        }
    }

    fn analysed(&self, text: &str) -> Arc<Analysed> {
        let key = self.hasher.hash_one(text);
        let lock = || self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = lock().get(&key)
            && *kept.text == *text
        {
            return Arc::clone(kept);
        }
        // Analysed outside the lock; a text whose hash another holds is replaced.
        let made = Arc::new(Analysed::of(&mut self.analyzer.clone(), text));
        lock().put(key, Arc::clone(&made));
        made
    }
}

/// Highlights description text for one search.
pub struct Highlighter {
    /// The words looked for, each scored by its rarity in descriptions.
    terms: HashMap<String, f32>,
    texts: Arc<AnalysedTexts>,
}

impl Highlighter {
    /// A highlighter for the words (and synonyms) of `plan`, analysing texts with `texts`.
    pub fn new(
        searcher: &Searcher,
        fields: &Fields,
        plan: &TextPlan,
        texts: Arc<AnalysedTexts>,
    ) -> Result<Highlighter, IndexError> {
        let words = plan.units.iter().flat_map(|unit| {
            unit.original.words().chain(
                unit.synonyms
                    .iter()
                    .chain(&unit.reached)
                    .flat_map(|p| p.words()),
            )
        });
        let mut terms = HashMap::new();
        for word in words {
            if terms.contains_key(word) {
                continue;
            }
            let documents = searcher.doc_freq(&Term::from_field_text(fields.description, word))?;
            if documents > 0 {
                terms.insert(word.to_owned(), 1.0 / (1.0 + documents as f32));
            }
        }
        Ok(Highlighter { terms, texts })
    }

    /// The matching part of `text` as safe HTML, or `None` when nothing in it matches.
    pub fn highlight(&self, text: &str) -> Option<String> {
        if self.terms.is_empty() {
            return None;
        }
        let analysed = self.texts.analysed(text);
        let best = best_fragment(analysed.words(), &self.terms)?;
        Some(to_html(text, &best))
    }
}

/// A run of words of up to [`SNIPPET_CHARS`] bytes, scored by the words it matches.
struct Fragment {
    score: f32,
    range: Range<usize>,
    highlighted: Vec<Range<usize>>,
}

impl Fragment {
    fn at(start: usize) -> Self {
        Self {
            score: 0.0,
            range: start..start,
            highlighted: Vec::new(),
        }
    }
}

/// The best-scoring fragment (the earliest of equals), `None` when no word matches: the
/// fragments and the choice of tantivy's `SnippetGenerator`.
fn best_fragment<'a>(
    words: impl Iterator<Item = (Range<usize>, &'a str)>,
    terms: &HashMap<String, f32>,
) -> Option<Fragment> {
    let mut best: Option<Fragment> = None;
    let mut keep = |fragment: Fragment| {
        if fragment.score > 0.0 && best.as_ref().is_none_or(|best| fragment.score > best.score) {
            best = Some(fragment);
        }
    };
    let mut fragment = Fragment::at(0);
    for (range, form) in words {
        if range.end - fragment.range.start > SNIPPET_CHARS {
            keep(std::mem::replace(&mut fragment, Fragment::at(range.start)));
        }
        fragment.range.end = range.end;
        if let Some(score) = terms.get(form) {
            fragment.score += score;
            fragment.highlighted.push(range);
        }
    }
    keep(fragment);
    best
}

/// The fragment's text, HTML-escaped, its matches in `<b>`.
fn to_html(text: &str, fragment: &Fragment) -> String {
    let mut html = String::with_capacity(fragment.range.len() + 64);
    let mut from = fragment.range.start;
    for matched in collapse_overlapped_ranges(&fragment.highlighted) {
        escape_into(&mut html, &text[from..matched.start]);
        html.push_str("<b>");
        escape_into(&mut html, &text[matched.clone()]);
        html.push_str("</b>");
        from = matched.end;
    }
    escape_into(&mut html, &text[from..fragment.range.end]);
    html
}

/// `text` with `"`, `&`, `'`, `<` and `>` as entities (the `htmlescape` crate's
/// `encode_minimal`, which tantivy's snippets use).
fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => html.push_str("&quot;"),
            '&' => html.push_str("&amp;"),
            '\'' => html.push_str("&#x27;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::schema::Field;
    use tantivy::snippet::SnippetGenerator;

    fn analyzer() -> TextAnalyzer {
        super::super::analysis::text_analyzer(&[])
    }

    proptest! {
        /// The same snippet as tantivy's generator, for any text and words, whether the text
        /// is analysed afresh or kept.
        #[test]
        fn snippets_are_tantivys(
            words in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(vec![
                        "food", "Foods", "bank", "banking", "advice", "<b>", "\"free\"", "it's",
                        "café", "&", "Bengali", "women's", "class", "classes",
                    ])
                    .prop_map(String::from),
                    "[a-z]{1,12}",
                    "[A-Za-z0-9'&<>\u{e9}-]{1,20}",
                ],
                0..120,
            ),
            separators in proptest::collection::vec(
                proptest::sample::select(vec![" ", ", ", ". ", "\n", " - "]),
                1..5,
            ),
            looked_for in proptest::collection::btree_map(
                prop_oneof![
                    proptest::sample::select(vec![
                        "food", "bank", "advic", "class", "bengali", "women", "free",
                    ])
                    .prop_map(String::from),
                    "[a-z]{1,6}",
                ],
                1u32..1000,
                0..6,
            ),
        ) {
            let text: String = words
                .iter()
                .enumerate()
                .map(|(at, word)| format!("{word}{}", separators[at % separators.len()]))
                .collect();
            let terms: HashMap<String, f32> = looked_for
                .iter()
                .map(|(word, documents)| (word.to_string(), 1.0 / (1.0 + *documents as f32)))
                .collect();
            let reference = SnippetGenerator::new(
                terms.iter().map(|(word, score)| (word.clone(), *score)).collect(),
                analyzer(),
                Field::from_field_id(0),
                SNIPPET_CHARS,
            )
            .snippet(&text);
            let expected = (!reference.highlighted().is_empty()).then(|| reference.to_html());
            let highlighter = Highlighter {
                terms,
                texts: Arc::new(AnalysedTexts::new(analyzer())),
            };
            prop_assert_eq!(&highlighter.highlight(&text), &expected, "afresh");
            prop_assert_eq!(&highlighter.highlight(&text), &expected, "kept");
        }
    }

    #[test]
    fn a_kept_text_is_never_another_texts_words() {
        let texts = AnalysedTexts::new(analyzer());
        let first = texts.analysed("food bank on Tuesdays");
        assert!(Arc::ptr_eq(
            &first,
            &texts.analysed("food bank on Tuesdays")
        ));
        let other = texts.analysed("English classes for women");
        assert!(other.words().any(|(_, form)| form.starts_with("english")));
    }
}
