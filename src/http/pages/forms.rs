//! Query strings and form bodies as ordered name/value pairs: read, changed one value at a
//! time (remove a filter, go to page 3, switch language) and written back as links.

use url::form_urlencoded;

/// Decoded `name=value` pairs, in order. Empty values (an untouched form field) are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs(Vec<(String, String)>);

impl Pairs {
    /// Reads a query string or an `application/x-www-form-urlencoded` body. Malformed
    /// percent-escapes decode leniently (to U+FFFD), as browsers do.
    pub fn parse(encoded: &str) -> Self {
        Self(
            form_urlencoded::parse(encoded.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.trim().to_owned()))
                .filter(|(_, value)| !value.is_empty())
                .collect(),
        )
    }

    /// Reads a form body, keeping empty fields (an emptied text box means "clear it").
    pub fn parse_form(encoded: &str) -> Self {
        Self(
            form_urlencoded::parse(encoded.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.trim().to_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or an empty string (for filling in a form).
    pub fn value(&self, name: &str) -> &str {
        self.first(name).unwrap_or_default()
    }

    /// Whether `name` has the value `value`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).any(|v| v == value)
    }

    /// Every pair.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// These pairs with `name` set to `value` alone.
    pub fn with(&self, name: &str, value: &str) -> Self {
        let mut pairs = self.without_all(name);
        pairs.0.push((name.to_owned(), value.to_owned()));
        pairs
    }

    /// These pairs without any value of `name`.
    pub fn without_all(&self, name: &str) -> Self {
        Self(self.0.iter().filter(|(n, _)| n != name).cloned().collect())
    }

    /// These pairs without the one `name=value`.
    pub fn without(&self, name: &str, value: &str) -> Self {
        Self(
            self.0
                .iter()
                .filter(|(n, v)| !(n == name && v == value))
                .cloned()
                .collect(),
        )
    }

    /// Adds a pair.
    pub fn push(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }

    /// The pairs as a query string (without `?`).
    pub fn encode(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.0 {
            out.append_pair(name, value);
        }
        out.finish()
    }

    /// A link to `path` with these pairs as its query.
    pub fn href(&self, path: &str) -> String {
        if self.0.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.encode())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_changes_and_writes_back() {
        let pairs = Pairs::parse("search=food+bank&language=ben&language=syl&postcode=&page=2");
        assert_eq!(pairs.first("search"), Some("food bank"));
        assert_eq!(pairs.all("language").collect::<Vec<_>>(), ["ben", "syl"]);
        assert_eq!(pairs.first("postcode"), None, "empty fields are dropped");
        assert_eq!(
            pairs.without("language", "ben").with("page", "3").encode(),
            "search=food+bank&language=syl&page=3"
        );
        assert_eq!(Pairs::default().href("/search"), "/search");
    }

    proptest! {
        #[test]
        fn any_input_decodes_and_round_trips(text in "\\PC{0,60}") {
            let pairs = Pairs::parse(&text);
            let again = Pairs::parse(&pairs.encode());
            prop_assert_eq!(pairs, again);
        }
    }
}
