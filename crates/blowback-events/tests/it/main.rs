//! Integration tests of `blowback-events`, one binary: readers on vendored data and fixtures,
//! and Hawkes fits on simulated sequences.

mod fits;
mod readers;
