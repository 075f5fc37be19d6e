//! Text analysis, the same for listings and searches: words are split on anything that is
//! not a letter, digit or combining mark (so Bengali words keep their vowel signs), each word
//! is put in Unicode NFC form, lower-cased and accent-folded, stop words are dropped, and
//! English words are stemmed (other scripts pass the stemmer unchanged).
//!
//! Offsets always point into the original text, so highlighted snippets slice it safely.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Bengali case and plural endings stripped by [`bengali_stem`], longest first (in NFC,
/// where য় is য and a nukta).
const BENGALI_SUFFIXES: [&str; 13] = [
    "গুলোতে",
    "গুলোকে",
    "গুলোর",
    "গুলো",
    "গুলি",
    "দেরকে",
    "দের",
    "য\u{9bc}ের",
    "ের",
    "কে",
    "তে",
    "টা",
    "টি",
];

fn is_bengali(c: char) -> bool {
    ('\u{0980}'..='\u{09ff}').contains(&c) || c == '\u{200c}' || c == '\u{200d}'
}

/// A light stemmer for Bengali words (NFC): strips one plural or case ending (-দের, -ের,
/// -কে, -তে, -গুলো, -টা, ...) when at least two characters remain, so "বয়স্কদের" (of the
/// elderly) finds "বয়স্ক" (elderly). `None` for other words, or when nothing is stripped.
pub fn bengali_stem(word: &str) -> Option<&str> {
    if word.is_empty() || !word.chars().all(is_bengali) {
        return None;
    }
    BENGALI_SUFFIXES.iter().find_map(|suffix| {
        let stem = word.strip_suffix(suffix)?;
        (stem.chars().count() >= 2).then_some(stem)
    })
}

/// Splits text into words (letters, digits and combining marks), each in NFC form.
#[derive(Clone, Default)]
pub struct WordTokenizer;

/// The words of one text, found one at a time into one reused token (analysis runs for
/// every listing indexed, every search and every highlighted result).
pub struct WordStream<'a> {
    text: &'a str,
    /// Where the search for the next word starts.
    cursor: usize,
    token: Token,
    words: usize,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c) || c == '\u{200c}' || c == '\u{200d}'
}

/// Where the first word of `text` at or after byte `from` is: its start and end.
fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut start: Option<usize> = None;
    let mut chars = text[from..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        // An apostrophe inside a word is part of it, and dropped: don't, carer's.
        let inside = is_apostrophe(c)
            && start.is_some()
            && chars.peek().is_some_and(|(_, next)| next.is_alphabetic());
        match (is_word_char(c) || inside, start) {
            (true, None) => start = Some(from + at),
            (false, Some(word)) => return Some((word, from + at)),
            _ => {}
        }
    }
    start.map(|word| (word, text.len()))
}

/// Writes the word `raw` as analysis starts from it: in NFC, without apostrophes, and
/// with a Bengali ending stripped.
fn write_word(raw: &str, into: &mut String) {
    into.clear();
    // Most words are plain ASCII: already in NFC, with no Bengali ending to strip.
    if raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        into.push_str(raw);
        return;
    }
    let word: String = raw.nfc().filter(|c| !is_apostrophe(*c)).collect();
    into.push_str(bengali_stem(&word).unwrap_or(&word));
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            cursor: 0,
            token: Token::default(),
            words: 0,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = next_word(self.text, self.cursor) else {
            self.cursor = self.text.len();
            return false;
        };
        self.cursor = to;
        write_word(&self.text[from..to], &mut self.token.text);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.words;
        self.token.position_length = 1;
        self.words += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Separates the tokens of text analysed for the index ([`IndexAnalysis`]). No token holds
/// it: a word is letters, digits and combining marks, and a pair adds spaces and digits.
const TOKEN_SEPARATOR: char = '\n';
/// [`TOKEN_SEPARATOR`] as the byte it is in UTF-8.
const SEPARATOR_BYTE: u8 = TOKEN_SEPARATOR as u8;

/// Text analysed for the index when its document is made, on the indexer's own thread: each
/// value once, for its words and their adjacent pairs ([`pair_text`]: "free food bank"
/// gives "free food" and "food bank", so a phrase of two words is one term to look up, and
/// a longer one a few, instead of a phrase query reading every position of its words), and
/// for the words as typed that spelling suggestions are made from. The tokens are handed to
/// the index writer joined by [`TOKEN_SEPARATOR`], which [`AnalysedTokenizer`] splits:
/// tantivy indexes a segment on one thread, the bulk build's critical path, and analysing
/// there cost a fifth of it (with each text analysed twice, for its words and its pairs).
/// tantivy's own pre-tokenised values go through JSON inside its documents, which costs
/// more than analysing.
pub struct IndexAnalysis {
    text: TextAnalyzer,
    spell: TextAnalyzer,
    /// The previous word of the text being analysed.
    previous: String,
}

impl IndexAnalysis {
    /// Analysis with `text` (a [`text_analyzer`]) for searchable words and `spell` for the
    /// words as typed.
    pub fn new(text: TextAnalyzer, spell: TextAnalyzer) -> Self {
        Self {
            text,
            spell,
            previous: String::new(),
        }
    }

    /// `text`'s analysed words and their adjacent pairs (pairs never span two values of a
    /// field), each joined for [`AnalysedTokenizer`].
    pub fn words_and_pairs(&mut self, text: &str) -> (String, String) {
        let mut words = String::with_capacity(text.len());
        let mut pairs = String::with_capacity(text.len() * 2);
        let mut previous_at = None;
        let mut stream = self.text.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            push_token(&mut words, &token.text);
            if let Some(at) = previous_at {
                if !pairs.is_empty() {
                    pairs.push(TOKEN_SEPARATOR);
                }
                write_pair(
                    &mut pairs,
                    &self.previous,
                    token.position.saturating_sub(at),
                    &token.text,
                );
            }
            previous_at = Some(token.position);
            self.previous.clear();
            self.previous.push_str(&token.text);
        }
        (words, pairs)
    }

    /// Adds `text`'s words as typed (the `spell` analyser's) to `words`, joined for
    /// [`AnalysedTokenizer`].
    pub fn spelling(&mut self, text: &str, words: &mut String) {
        let mut stream = self.spell.token_stream(text);
        while stream.advance() {
            push_token(words, &stream.token().text);
        }
    }
}

fn push_token(joined: &mut String, token: &str) {
    if !joined.is_empty() {
        joined.push(TOKEN_SEPARATOR);
    }
    joined.push_str(token);
}

/// The tokenizer of every indexed text field: splits text analysed by [`IndexAnalysis`]
/// into its tokens.
#[derive(Clone, Default)]
pub struct AnalysedTokenizer;

/// The tokens of analysed text, one at a time into one reused token.
pub struct AnalysedStream<'a> {
    text: &'a str,
    cursor: usize,
    token: Token,
    tokens: usize,
}

impl Tokenizer for AnalysedTokenizer {
    type TokenStream<'a> = AnalysedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnalysedStream<'a> {
        AnalysedStream {
            text,
            cursor: 0,
            token: Token::default(),
            tokens: 0,
        }
    }
}

impl TokenStream for AnalysedStream<'_> {
    fn advance(&mut self) -> bool {
        while self.cursor < self.text.len() {
            let from = self.cursor;
            let to = memchr::memchr(SEPARATOR_BYTE, &self.text.as_bytes()[from..])
                .map_or(self.text.len(), |at| from + at);
            self.cursor = to + 1;
            if to > from {
                self.token.text.clear();
                self.token.text.push_str(&self.text[from..to]);
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.position = self.tokens;
                self.token.position_length = 1;
                self.tokens += 1;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The token for two analysed words `gap` positions apart: "food bank" when adjacent,
/// "advic 2 benefit" when a stop word stood between them ("advice on benefits").
pub fn pair_text(first: &str, gap: usize, second: &str) -> String {
    let mut text = String::with_capacity(first.len() + second.len() + 3);
    write_pair(&mut text, first, gap, second);
    text
}

/// Appends [`pair_text`] to `into`.
fn write_pair(into: &mut String, first: &str, gap: usize, second: &str) {
    into.push_str(first);
    into.push(' ');
    if gap != 1 {
        let _ = write!(into, "{gap} ");
    }
    into.push_str(second);
}

/// The analyser for searchable text, with these stop words.
pub fn text_analyzer(stop_words: &[String]) -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer)
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(stop_words.iter().map(|word| {
            let word: String = word.nfc().collect::<String>().to_lowercase();
            bengali_stem(&word).map_or_else(|| word.clone(), str::to_owned)
        })))
        .filter(EditFilter(stem))
        .build()
}

/// English words the stemmer would merge with words of another meaning ("housing" with
/// "house", as in a safe house or Oxford House; "refugee" with "refuge"; "general" with
/// "generation"; "police" with "policy"), and the stem each is given instead.
pub const OWN_STEMS: [(&str, &str); 11] = [
    ("housing", "housing"),
    ("refugee", "refugee"),
    ("refugees", "refugee"),
    ("general", "general"),
    ("generally", "general"),
    ("generation", "generation"),
    ("generations", "generation"),
    ("police", "police"),
    ("policy", "policy"),
    ("policies", "policy"),
    ("universal", "universal"),
];

/// Words stemmed by one thread, remembered: at most this many, then forgotten all at once.
const REMEMBERED_STEMS: usize = 1 << 15;

/// The English stemmer and the stems it gave.
struct Stems {
    stemmer: frostem::Stemmer,
    remembered: HashMap<Box<str>, Box<str>>,
}

thread_local! {
    /// One thread's stems. The words of listings and searches repeat (a few thousand words
    /// make most of any directory's text), and looking a word up costs a fraction of
    /// stemming it again: indexing, query analysis and highlighting all stem.
    static STEMS: RefCell<Stems> = RefCell::new(Stems {
        stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        remembered: HashMap::new(),
    });
}

/// Stems an English word (other scripts pass unchanged), or gives it its own stem
/// ([`OWN_STEMS`]).
fn stem(word: &mut String) {
    if let Some((_, own)) = OWN_STEMS.iter().find(|(whole, _)| *whole == word.as_str()) {
        word.clear();
        word.push_str(own);
        return;
    }
    STEMS.with(|stems| {
        let Stems {
            stemmer,
            remembered,
        } = &mut *stems.borrow_mut();
        if let Some(stemmed) = remembered.get(word.as_str()) {
            word.clear();
            word.push_str(stemmed);
            return;
        }
        let stemmed: Box<str> = stemmer.stem(word).into();
        if remembered.len() >= REMEMBERED_STEMS {
            remembered.clear();
        }
        remembered.insert(word.as_str().into(), stemmed.clone());
        word.clear();
        word.push_str(&stemmed);
    });
}

/// A token filter that edits each word in place.
#[derive(Clone, Copy)]
struct EditFilter(fn(&mut String));

impl TokenFilter for EditFilter {
    type Tokenizer<T: Tokenizer> = EditTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> EditTokenizer<T> {
        EditTokenizer {
            edit: self.0,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
struct EditTokenizer<T> {
    edit: fn(&mut String),
    inner: T,
}

impl<T: Tokenizer> Tokenizer for EditTokenizer<T> {
    type TokenStream<'a> = EditStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EditStream {
            edit: self.edit,
            inner: self.inner.token_stream(text),
        }
    }
}

struct EditStream<S> {
    edit: fn(&mut String),
    inner: S,
}

impl<S: TokenStream> TokenStream for EditStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        (self.edit)(&mut self.inner.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// The analyser of [`text_analyzer`] without stop words: for matching synonym phrases
/// word for word.
pub fn full_analyzer() -> TextAnalyzer {
    text_analyzer(&[])
}

/// The analysed words of a text, each with its position (stop words leave gaps).
pub fn positioned(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        words.push((token.position, token.text.clone()));
    }
    words
}

/// The analysed words of a text.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(text: &str) -> Vec<String> {
        words(
            &mut text_analyzer(&["the".to_owned(), "my".to_owned()]),
            text,
        )
    }

    /// The tokens [`AnalysedTokenizer`] splits `joined` into.
    fn split(joined: &str) -> Vec<String> {
        let mut tokenizer = AnalysedTokenizer;
        let mut stream = tokenizer.token_stream(joined);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        tokens
    }

    fn index_analysis(stop_words: &[&str]) -> IndexAnalysis {
        let stop: Vec<String> = stop_words.iter().map(|w| (*w).to_owned()).collect();
        IndexAnalysis::new(text_analyzer(&stop), full_analyzer())
    }

    #[test]
    fn word_pairs_are_adjacent_analysed_words_with_any_gap_written() {
        let mut analysis = index_analysis(&["on", "the"]);
        let (words, pairs) = analysis.words_and_pairs("Advice on the benefits, Food Bank");
        assert_eq!(split(&words), ["advic", "benefit", "food", "bank"]);
        assert_eq!(
            split(&pairs),
            ["advic 3 benefit", "benefit food", "food bank"]
        );
        let (words, pairs) = analysis.words_and_pairs("Food");
        assert_eq!(split(&words), ["food"]);
        assert!(split(&pairs).is_empty());
        let (words, pairs) = analysis.words_and_pairs("on the");
        assert!(words.is_empty() && pairs.is_empty());
    }

    #[test]
    fn english_is_folded_stemmed_and_stopped() {
        assert_eq!(analyse("The Counselling Services"), ["counsel", "servic"]);
        assert_eq!(analyse("Café crèche"), ["cafe", "crech"]);
        assert_eq!(analyse("my carers' group"), ["carer", "group"]);
    }

    #[test]
    fn bengali_words_keep_their_vowel_signs_and_are_normalised() {
        assert_eq!(analyse("ইংরেজি ক্লাস"), ["ইংরেজি", "ক্লাস"]);
        let decomposed: String = "খাবার".nfd().collect();
        assert_eq!(
            analyse(&decomposed),
            ["খাবার"],
            "NFD input matches NFC listings"
        );
    }

    #[test]
    fn apostrophes_inside_words_are_dropped() {
        assert_eq!(analyse("don't"), ["dont"]);
        assert_eq!(analyse("Women’s group"), ["women", "group"]);
        assert_eq!(analyse("carers' café"), ["carer", "cafe"]);
        assert_eq!(analyse("'quoted'"), ["quot"]);
    }

    #[test]
    fn a_remembered_stem_is_the_stem() {
        let words = [
            "counselling",
            "services",
            "housing",
            "ইংরেজি",
            "running",
            "x",
        ];
        let first: Vec<Vec<String>> = words.iter().map(|w| analyse(w)).collect();
        let again: Vec<Vec<String>> = words.iter().map(|w| analyse(w)).collect();
        assert_eq!(first, again);
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        for (word, analysed) in words.iter().zip(&first) {
            if OWN_STEMS.iter().all(|(whole, _)| whole != word) {
                assert_eq!(analysed, &[stemmer.stem(word).into_owned()], "{word}");
            }
        }
    }

    #[test]
    fn some_words_are_kept_whole_so_they_do_not_merge_with_others() {
        assert_eq!(analyse("housing"), ["housing"]);
        assert_eq!(analyse("safe house"), ["safe", "hous"]);
        assert_eq!(analyse("Housing advice"), ["housing", "advic"]);
        assert_eq!(analyse("refugees refuge"), ["refugee", "refug"]);
    }

    #[test]
    fn bengali_endings_are_stripped_lightly() {
        let nfc = |text: &str| text.nfc().collect::<String>();
        assert_eq!(analyse(&nfc("বয়স্কদের ক্লাব")), [nfc("বয়স্ক"), nfc("ক্লাব")]);
        assert_eq!(analyse("মনের কথা"), ["মন", "কথা"]);
        assert_eq!(
            analyse("খাবার"),
            ["খাবার"],
            "a word ending in র is not a genitive"
        );
        assert_eq!(bengali_stem("কে"), None, "too short to strip");
        assert_eq!(bengali_stem("food"), None);
    }

    #[test]
    fn stop_words_leave_gaps_in_positions() {
        let mut analyzer = text_analyzer(&["to".to_owned()]);
        assert_eq!(
            positioned(&mut analyzer, "nowhere to live"),
            [(0, "nowher".to_owned()), (2, "live".to_owned())]
        );
    }

    /// The words of `text` as the tokenizer found them when it made them all at once.
    fn words_made_at_once(text: &str) -> Vec<(usize, usize, usize, String)> {
        let mut found = Vec::new();
        let mut start: Option<usize> = None;
        let push = |from: usize, to: usize, found: &mut Vec<(usize, usize, usize, String)>| {
            let raw = &text[from..to];
            let word: String = raw.nfc().filter(|c| !is_apostrophe(*c)).collect();
            let word = bengali_stem(&word).map_or_else(|| word.clone(), str::to_owned);
            found.push((found.len(), from, to, word));
        };
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let inside = is_apostrophe(c)
                && start.is_some()
                && chars.peek().is_some_and(|(_, next)| next.is_alphabetic());
            match (is_word_char(c) || inside, start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    push(from, at, &mut found);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(from) = start {
            push(from, text.len(), &mut found);
        }
        found
    }

    proptest::proptest! {
        #[test]
        fn words_found_one_at_a_time_are_the_words(
            text in "([a-zA-Z0-9' \u{2019}.,éü\u{301}]|খাবার|দের|\u{9bc}|\u{200c}|ক্লাস){0,40}"
        ) {
            let mut tokenizer = WordTokenizer;
            let mut stream = tokenizer.token_stream(&text);
            let mut found = Vec::new();
            while stream.advance() {
                let token = stream.token();
                found.push((token.position, token.offset_from, token.offset_to, token.text.clone()));
            }
            proptest::prop_assert_eq!(found, words_made_at_once(&text));
        }
    }

    proptest::proptest! {
        /// The index gets exactly the tokens analysing the text there would give: the
        /// words, and pairs of successive words with the gap between their positions.
        #[test]
        fn analysed_text_splits_into_the_analysers_tokens(
            text in "([a-zA-Z0-9' \u{2019}.,éü\u{301}\n]|the|on|খাবার|দের|\u{9bc}|\u{200c}|ক্লাস){0,40}"
        ) {
            let stop = ["the".to_owned(), "on".to_owned()];
            let mut analysis = IndexAnalysis::new(text_analyzer(&stop), full_analyzer());
            let (words, pairs) = analysis.words_and_pairs(&text);
            let expected = positioned(&mut text_analyzer(&stop), &text);
            let expected_pairs: Vec<String> = expected
                .windows(2)
                .map(|pair| pair_text(&pair[0].1, pair[1].0 - pair[0].0, &pair[1].1))
                .collect();
            let expected_words: Vec<String> = expected.into_iter().map(|(_, word)| word).collect();
            proptest::prop_assert_eq!(split(&words), expected_words);
            proptest::prop_assert_eq!(split(&pairs), expected_pairs);
        }
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Free food, ইংরেজি ক্লাস!";
        let mut tokenizer = WordTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut spans = Vec::new();
        while stream.advance() {
            let token = stream.token();
            spans.push(&text[token.offset_from..token.offset_to]);
        }
        assert_eq!(spans, ["Free", "food", "ইংরেজি", "ক্লাস"]);
    }
}
