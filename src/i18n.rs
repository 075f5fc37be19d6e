//! The interface languages: every string people read on the pages comes from a Fluent
//! message file in `web/locales/` (built into the binary), one per language.
//!
//! Listing text (names, descriptions) is not translated: it is shown as the organisation
//! wrote it, marked with its own language when that is not the page's (see [`text_lang`]).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English (the default).
    En,
    /// Bengali (Bangla), also read by Sylheti speakers.
    Bn,
}

impl Locale {
    /// Every interface language, the default first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Bn];

    /// The BCP 47 tag, as used in `lang` attributes and the `lang` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Bn => "bn",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Bn => "বাংলা",
        }
    }

    /// Text direction (every current language is left to right; the layout uses logical
    /// properties so that a right-to-left language only needs `rtl` here).
    pub fn dir(self) -> &'static str {
        "ltr"
    }

    /// The language for a `lang` parameter value (`en`, `bn`; case-insensitive).
    pub fn parse(text: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|locale| locale.code().eq_ignore_ascii_case(text.trim()))
    }

    /// The first supported language of an `Accept-Language` header, in the header's order
    /// of preference.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(at, item)| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let primary = tag.split('-').next()?;
                let locale = Locale::parse(primary)?;
                let quality = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, at, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|(_, _, locale)| *locale)
    }

    /// The interface messages (the same ids in every language).
    fn source(self) -> &'static str {
        match self {
            Locale::En => include_str!("../web/locales/en.ftl"),
            Locale::Bn => include_str!("../web/locales/bn.ftl"),
        }
    }

    /// Names of the directory's needs in this language (by taxonomy term code), where the
    /// listing's own names are not in it.
    fn need_names(self) -> Option<&'static str> {
        match self {
            Locale::En => None,
            Locale::Bn => Some(include_str!("../web/locales/bn-needs.ftl")),
        }
    }
}

/// The language of a piece of listing text: `bn` when most of its letters are Bengali
/// script, otherwise `en` (listings are written in English unless they say otherwise).
pub fn text_lang(text: &str) -> Locale {
    let (bengali, latin) = text.chars().fold((0usize, 0usize), |(b, l), c| {
        if ('\u{0980}'..='\u{09FF}').contains(&c) {
            (b + 1, l)
        } else if c.is_ascii_alphabetic() {
            (b, l + 1)
        } else {
            (b, l)
        }
    });
    if bengali > latin {
        Locale::Bn
    } else {
        Locale::En
    }
}

/// A number a message counts (by value or by reference, as templates pass it).
pub trait Count {
    /// The number.
    fn count(&self) -> i64;
}

macro_rules! count_for {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count_for!(usize, u64, i64, u32);

impl<T: Count> Count for &T {
    fn count(&self) -> i64 {
        (**self).count()
    }
}

/// The messages of one language.
pub struct Messages {
    locale: Locale,
    bundle: FluentBundle<FluentResource>,
}

static MESSAGES: LazyLock<[Messages; 2]> =
    LazyLock::new(|| [Messages::load(Locale::En), Messages::load(Locale::Bn)]);

/// A value for a message argument.
pub enum Arg<'a> {
    /// Text, inserted as is.
    Text(&'a str),
    /// A number, which also selects plural forms.
    Number(i64),
}

impl Messages {
    /// The messages of `locale` (parsed once per process).
    pub fn of(locale: Locale) -> &'static Messages {
        &MESSAGES[match locale {
            Locale::En => 0,
            Locale::Bn => 1,
        }]
    }

    fn load(locale: Locale) -> Messages {
        let resource =
            FluentResource::try_new(locale.source().to_owned()).unwrap_or_else(|(_, errors)| {
                panic!("web/locales/{}.ftl has errors: {errors:?}", locale.code())
            });
        let id = locale.code().parse().expect("a valid language tag");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Directions are set on the HTML elements; no invisible isolation marks in text.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .expect("message ids are unique");
        if let Some(names) = locale.need_names() {
            let names = FluentResource::try_new(names.to_owned()).unwrap_or_else(|(_, errors)| {
                panic!(
                    "web/locales/{}-needs.ftl has errors: {errors:?}",
                    locale.code()
                )
            });
            bundle
                .add_resource(names)
                .expect("need names do not repeat message ids");
        }
        Messages { locale, bundle }
    }

    /// The language.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The message `id`, with `args`. A missing message falls back to English, then to the
    /// id itself (a test checks that every language has every message).
    pub fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return match self.locale {
                Locale::En => id.to_owned(),
                _ => Messages::of(Locale::En).format(id, args),
            };
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(*text),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// The message `id` with a number `count` (which also picks the plural form).
    pub fn count(&self, id: &str, count: impl Count) -> String {
        self.format(id, &[("count", Arg::Number(count.count()))])
    }

    /// The message `id` with one text argument.
    pub fn with(&self, id: &str, name: &str, value: &str) -> String {
        self.format(id, &[(name, Arg::Text(value))])
    }

    /// The message `id` when this language has it.
    pub fn try_get(&self, id: &str) -> Option<String> {
        self.bundle.has_message(id).then(|| self.get(id))
    }

    /// The message `id` without arguments.
    pub fn get(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The ids of every message in this language.
    pub fn ids(&self) -> BTreeSet<String> {
        let resource = FluentResource::try_new(self.locale.source().to_owned())
            .unwrap_or_else(|(resource, _)| resource);
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message() {
        let english = Messages::of(Locale::En).ids();
        assert!(english.len() > 50, "{} messages", english.len());
        for locale in Locale::ALL {
            let ids = Messages::of(locale).ids();
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                locale.code()
            );
        }
    }

    #[test]
    fn plurals_and_arguments() {
        let en = Messages::of(Locale::En);
        assert_eq!(
            en.format("results-count", &[("count", Arg::Number(1))]),
            "1 service found"
        );
        assert_eq!(
            en.format("results-count", &[("count", Arg::Number(12))]),
            "12 services found"
        );
        let bn = Messages::of(Locale::Bn);
        assert!(
            bn.format("results-count", &[("count", Arg::Number(12))])
                .contains("12")
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(
            Locale::from_accept_language("bn-BD,bn;q=0.9,en;q=0.8"),
            Some(Locale::Bn)
        );
        assert_eq!(
            Locale::from_accept_language("fr, en-GB;q=0.8, bn;q=0.5"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("bn;q=0, de"), None);
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn listing_text_language_is_read_from_its_script() {
        assert_eq!(text_lang("Free food parcels every Tuesday"), Locale::En);
        assert_eq!(text_lang("বিনামূল্যে খাবার, প্রতি মঙ্গলবার"), Locale::Bn);
        assert_eq!(
            text_lang("Lunch club for older people on Tuesdays (দুপুর)"),
            Locale::En
        );
    }
}
