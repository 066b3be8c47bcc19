//! End-to-end tests of the `blowback` binary, in one test binary to save link time.

mod check;
mod messages;
mod outputs;
mod readme;
