//! Searching the directory, independent of HTTP: the query type and the search use-case.

pub mod query;
