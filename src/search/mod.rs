//! Searching the directory, independent of HTTP: the query type and why results matched.

pub mod explain;
pub mod query;
