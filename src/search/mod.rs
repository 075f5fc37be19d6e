//! Searching the directory, independent of HTTP: the query type and why results matched.

pub mod assets;
pub mod explain;
pub mod features;
pub mod query;
