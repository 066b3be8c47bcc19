//! Integration tests for blowback-conflict: conformance vectors, textbook conflicts, the Af-Pak
//! case, reader errors and fast-versus-explicit cross-checks.

mod afpak;
mod conformance;
mod cross_check;
mod readers;
mod rules;
mod textbook;
