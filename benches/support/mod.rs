//! Shared by the benchmarks.

pub mod synth;
