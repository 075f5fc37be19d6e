//! Synonym rules, analysed like everything else, and matched against a search's words.
//!
//! A search's words are read left to right, stop words included (so that "on the streets"
//! is a phrase, not the word "streets"); at each word the longest rule phrase that starts
//! there (if any) makes one *unit* of the search: the words themselves, plus the phrases the
//! rule expands them to. Any other word that is not a stop word is a unit of its own. Units
//! are what the search requires (see `index::query`). Phrases keep the gaps their stop words
//! leave ("nowhere to live" is `nowher` then `live` two positions on), as the index does.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use tantivy::tokenizer::{TokenStream, Tokenizer};

use super::analysis::{WordTokenizer, positioned};
use crate::search::assets::SynonymRule;

/// Analysed words, each at its position relative to the first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Phrase(pub Vec<(usize, String)>);

impl Phrase {
    /// The content words of `text`, placed relative to the first (empty for stop words only).
    pub fn of(analyzer: &mut TextAnalyzer, text: &str) -> Phrase {
        Phrase::from_positioned(&positioned(analyzer, text))
    }

    /// Words at absolute positions, placed relative to the first.
    pub fn from_absolute(words: &[(usize, String)]) -> Phrase {
        Phrase::from_positioned(words)
    }

    fn from_positioned(words: &[(usize, String)]) -> Phrase {
        let first = words.first().map_or(0, |(position, _)| *position);
        Phrase(
            words
                .iter()
                .map(|(position, word)| (position - first, word.clone()))
                .collect(),
        )
    }

    /// The words, in order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, word)| word.as_str())
    }

    /// The one word, when it is a single word.
    pub fn single(&self) -> Option<&str> {
        match self.0.as_slice() {
            [(_, word)] => Some(word),
            _ => None,
        }
    }

    /// Whether it has no words.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One unit of a search: words typed, and other phrases that mean the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Position of its first word in the search.
    pub position: usize,
    /// The analysed words as typed (stop words left out).
    pub original: Phrase,
    /// Phrases (analysed) the unit also searches for.
    pub synonyms: Vec<Phrase>,
    /// Equivalents of those, reached through a one-way rule (searched for, weighted lower).
    pub reached: Vec<Phrase>,
    /// Its words as typed (typo tolerance goes by their length, not the stem's).
    pub typed: String,
    /// Whether it matches so much of the directory ("london", "english") that matching it
    /// says little; set by the index before a relaxed search.
    pub common: bool,
    /// Whether nothing in the directory matches it; set with `common`.
    pub unknown: bool,
    /// Words of the index one or two edits away (see `index::typos`).
    pub typos: Vec<String>,
    /// Words of the index it is the start of, when it ends a short search.
    pub completions: Vec<String>,
}

/// What a rule expands to, and the equivalents of those (for one-way rules).
type Expansion = (Vec<Phrase>, Vec<Phrase>);

/// A word of a rule phrase, and whether it is a stop word.
type KeyWord = (String, bool);

/// How many of the search's words from `at` the rule phrase `key` matches, if it does. The
/// first words must be equal; after that a stop word of the phrase may be missing from the
/// search ("lost wife" for "lost my wife") and a stop word of the search may be extra
/// ("behind on my rent" for "behind on rent").
fn match_length(key: &[KeyWord], words: &[KeyWord], at: usize) -> Option<usize> {
    let (mut k, mut q) = (0, at);
    while k < key.len() {
        if q < words.len() && key[k].0 == words[q].0 {
            k += 1;
            q += 1;
        } else if k > 0 && key[k].1 {
            k += 1;
        } else if k > 0 && q < words.len() && words[q].1 {
            q += 1;
        } else {
            return None;
        }
    }
    Some(q - at)
}

/// Compiled synonym rules.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// For each first word, the rule phrases (all words, stop words included) starting with
    /// it, and the expansion they lead to.
    by_first_word: HashMap<String, Vec<(Vec<KeyWord>, usize)>>,
    /// Per rule: what it expands to, and the equivalents of those (for one-way rules).
    expansions: Vec<Expansion>,
}

/// The analysed words of a search: every word with its position, and whether it is a stop
/// word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchWords {
    all: Vec<(usize, String)>,
    content: Vec<(usize, String)>,
    /// Where each word is in the text, by position.
    spans: HashMap<usize, (usize, usize)>,
    text: String,
}

impl SearchWords {
    /// Analyses `text` with both analysers: `text` (stop words dropped) and `full` (kept).
    pub fn analyse(
        text_analyzer: &mut TextAnalyzer,
        full: &mut TextAnalyzer,
        text: &str,
    ) -> SearchWords {
        let mut tokenizer = WordTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut spans = HashMap::new();
        while stream.advance() {
            let token = stream.token();
            spans.insert(token.position, (token.offset_from, token.offset_to));
        }
        SearchWords {
            all: positioned(full, text),
            content: positioned(text_analyzer, text),
            spans,
            text: text.to_owned(),
        }
    }

    /// The text typed from the word at position `first` to the one at `last`.
    fn typed(&self, first: usize, last: usize) -> String {
        match (self.spans.get(&first), self.spans.get(&last)) {
            (Some((from, _)), Some((_, to))) if from <= to => self.text[*from..*to].to_owned(),
            _ => String::new(),
        }
    }
}

/// Whether a rule phrase is worth searching for: not when stop words are most of it ("on the
/// streets" searched for would be just "streets"; "it skills" just "skills"). Such phrases
/// still match in what people type.
fn searchable_expansion(
    analyzer: &mut TextAnalyzer,
    full: &mut TextAnalyzer,
    phrase: &str,
) -> bool {
    let content = positioned(analyzer, phrase).len();
    let all = positioned(full, phrase).len();
    content >= 2 || (content == 1 && all == 1)
}

impl Synonyms {
    /// Analyses the rules' phrases: `analyzer` (with stop words) for what they search for,
    /// `full` (without) for what they match in a search. Phrases of stop words only drop out.
    pub fn compile(
        rules: &[SynonymRule],
        analyzer: &mut TextAnalyzer,
        full: &mut TextAnalyzer,
    ) -> Synonyms {
        let mut compiled = Synonyms::default();
        let searched =
            |phrases: &[String], analyzer: &mut TextAnalyzer, full: &mut TextAnalyzer| {
                let mut searched = Vec::new();
                for phrase in phrases {
                    if searchable_expansion(analyzer, full, phrase) {
                        searched.push(Phrase::of(analyzer, phrase));
                    }
                }
                searched
            };
        let equivalences: Vec<Vec<Phrase>> = rules
            .iter()
            .filter(|rule| rule.from == rule.to)
            .map(|rule| searched(&rule.to, analyzer, full))
            .collect();
        for rule in rules {
            let mut to = searched(&rule.to, analyzer, full);
            to.sort();
            to.dedup();
            // A one-way rule reaches its targets' equivalents too (weighted lower): khabar =>
            // food bank also finds a pantry.
            let mut reached: Vec<Phrase> = Vec::new();
            if rule.from != rule.to {
                reached = equivalences
                    .iter()
                    .filter(|members| members.iter().any(|member| to.contains(member)))
                    .flatten()
                    .filter(|phrase| !to.contains(phrase))
                    .cloned()
                    .collect();
                reached.sort();
                reached.dedup();
            }
            let index = compiled.expansions.len();
            compiled.expansions.push((to, reached));
            for phrase in &rule.from {
                if Phrase::of(analyzer, phrase).is_empty() {
                    continue;
                }
                let content: Vec<usize> = positioned(analyzer, phrase)
                    .into_iter()
                    .map(|(at, _)| at)
                    .collect();
                let key: Vec<KeyWord> = positioned(full, phrase)
                    .into_iter()
                    .map(|(at, word)| (word, !content.contains(&at)))
                    .collect();
                if let Some((first, _)) = key.first().cloned() {
                    compiled
                        .by_first_word
                        .entry(first)
                        .or_default()
                        .push((key, index));
                }
            }
        }
        compiled
    }

    /// The units of a search.
    pub fn units(&self, search: &SearchWords) -> Vec<Unit> {
        let content: std::collections::HashSet<usize> =
            search.content.iter().map(|(at, _)| *at).collect();
        let all: Vec<KeyWord> = search
            .all
            .iter()
            .map(|(at, word)| (word.clone(), !content.contains(at)))
            .collect();
        let content_at = |from: usize, to: usize| -> Vec<(usize, String)> {
            search
                .content
                .iter()
                .filter(|(position, _)| (from..to).contains(position))
                .cloned()
                .collect()
        };
        let mut units = Vec::new();
        let mut at = 0;
        while at < all.len() {
            let candidates = self
                .by_first_word
                .get(&all[at].0)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let matches: Vec<(usize, usize)> = candidates
                .iter()
                .filter_map(|(phrase, rule)| Some((match_length(phrase, &all, at)?, *rule)))
                .collect();
            let longest = matches.iter().map(|(length, _)| *length).max();
            let length = longest.unwrap_or(1);
            let from = search.all[at].0;
            let to = search.all[at + length - 1].0 + 1;
            let words = content_at(from, to);
            at += length;
            let Some(&(position, _)) = words.first() else {
                continue;
            };
            let original = Phrase::from_positioned(&words);
            let rules: Vec<usize> = matches
                .iter()
                .filter(|(matched, _)| Some(*matched) == longest)
                .map(|(_, rule)| *rule)
                .collect();
            let gather = |pick: fn(&Expansion) -> &Vec<Phrase>| {
                let mut phrases: Vec<Phrase> = rules
                    .iter()
                    .flat_map(|rule| pick(&self.expansions[*rule]).iter().cloned())
                    .filter(|phrase| *phrase != original)
                    .collect();
                phrases.sort();
                phrases.dedup();
                phrases
            };
            let synonyms = gather(|expansion| &expansion.0);
            let mut reached = gather(|expansion| &expansion.1);
            reached.retain(|phrase| !synonyms.contains(phrase));
            units.push(Unit {
                position,
                typed: search.typed(position, words.last().map_or(position, |(last, _)| *last)),
                original,
                synonyms,
                reached,
                common: false,
                unknown: false,
                typos: Vec::new(),
                completions: Vec::new(),
            });
        }
        units
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analysis::{full_analyzer, text_analyzer};
    use crate::search::assets::parse_synonyms;

    struct Fixture {
        synonyms: Synonyms,
        analyzer: TextAnalyzer,
        full: TextAnalyzer,
    }

    impl Fixture {
        fn new(rules: &str) -> Fixture {
            let stop: Vec<String> = ["my", "since", "the", "on", "to", "i"]
                .map(str::to_owned)
                .to_vec();
            let mut analyzer = text_analyzer(&stop);
            let mut full = full_analyzer();
            let rules = parse_synonyms("test", rules).unwrap();
            Fixture {
                synonyms: Synonyms::compile(&rules, &mut analyzer, &mut full),
                analyzer,
                full,
            }
        }

        fn units(&mut self, text: &str) -> Vec<Unit> {
            self.synonyms.units(&SearchWords::analyse(
                &mut self.analyzer,
                &mut self.full,
                text,
            ))
        }
    }

    fn words(phrase: &Phrase) -> Vec<&str> {
        phrase.words().collect()
    }

    #[test]
    fn multi_word_phrases_match_longest_first() {
        let mut fixture = Fixture::new("food bank, pantry, free food\nfood => meals\n");
        let units = fixture.units("free food bank");
        assert_eq!(units.len(), 2, "{units:?}");
        assert_eq!(words(&units[0].original), ["free", "food"]);
        assert!(units[0].synonyms.iter().any(|p| words(p) == ["pantri"]));
        assert_eq!(words(&units[1].original), ["bank"]);
        assert_eq!(units[1].position, 2);
    }

    #[test]
    fn one_way_rules_reach_the_equivalents_of_their_targets() {
        let mut fixture = Fixture::new("food bank, pantry\nkhabar => food bank\n");
        let units = fixture.units("khabar");
        let direct: Vec<Vec<&str>> = units[0].synonyms.iter().map(words).collect();
        let reached: Vec<Vec<&str>> = units[0].reached.iter().map(words).collect();
        assert_eq!(
            (direct, reached),
            (vec![vec!["food", "bank"]], vec![vec!["pantri"]])
        );
        assert_eq!(units[0].typed, "khabar");
    }

    #[test]
    fn one_way_rules_expand_only_forwards() {
        let mut fixture = Fixture::new("councelling => counselling\n");
        let units = fixture.units("councelling");
        assert_eq!(units[0].synonyms.len(), 1);
        assert_eq!(words(&units[0].synonyms[0]), ["counsel"]);
        assert!(fixture.units("counselling")[0].synonyms.is_empty());
    }

    #[test]
    fn phrases_with_stop_words_match_as_written_and_keep_their_gaps() {
        let mut fixture = Fixture::new(
            "lost my wife => bereavement\nnowhere to live, on the streets => homeless\nhomeless => on the streets\n",
        );
        assert_eq!(
            words(&fixture.units("lost wife")[0].synonyms[0]),
            ["bereav"],
            "a stop word may be left out"
        );
        assert_eq!(
            words(&fixture.units("lost my dear wife").last().unwrap().original),
            ["wife"],
            "not another word"
        );
        let units = fixture.units("lonely since I lost my wife");
        let last = units.last().unwrap();
        assert_eq!(
            last.original,
            Phrase(vec![(0, "lost".to_owned()), (2, "wife".to_owned())])
        );
        assert_eq!(last.position, 3);
        assert_eq!(fixture.units("Lost  my WIFE")[0].typed, "Lost  my WIFE");
        assert_eq!(words(&last.synonyms[0]), ["bereav"]);
        assert_eq!(units[0].original.single(), Some("lone"));

        let streets = fixture.units("on the streets");
        assert_eq!(streets.len(), 1);
        assert_eq!(words(&streets[0].synonyms[0]), ["homeless"]);
        let homeless = fixture.units("homeless");
        assert!(
            homeless[0].synonyms.is_empty(),
            "searching for \"on the streets\" would find any street: {homeless:?}"
        );
        let street_market = fixture.units("streets market");
        assert!(
            street_market.iter().all(|unit| unit.synonyms.is_empty()),
            "streets alone is not a rule phrase"
        );
    }

    #[test]
    fn stop_words_alone_make_no_unit() {
        let mut fixture = Fixture::new("food, meals\n");
        assert!(fixture.units("the my on").is_empty());
    }
}
