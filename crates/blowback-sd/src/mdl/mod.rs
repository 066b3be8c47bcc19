//! Vensim `.mdl` models: reading them into the same [`Project`](crate::Project) the XMILE reader
//! gives.
//!
//! A `.mdl` file is a list of entries `definition ~ units ~ comment |`, then a sketch section the
//! reader skips. `split.rs` cuts the file into entries, `lex.rs` tokenizes Vensim text (names with
//! spaces, `:KEYWORD:`s, line continuations), `read.rs` classifies entries (and reads macros,
//! reality checks and the time settings), `ranges.rs` turns subscript range definitions into
//! dimensions, `variables.rs` assembles variables (stocks and flows, element equations, lookups),
//! and `translate.rs` rewrites each Vensim expression into the engine's equation syntax, keeping a
//! map from every translated piece back to its place in the file so the compiler's diagnostics
//! point at the `.mdl` line and column. `write.rs` prints a project back as `.mdl`.

mod lex;
mod ranges;
mod read;
mod split;
mod translate;
mod variables;
mod write;

pub use read::{read_mdl, read_mdl_with_data};
pub use write::write_mdl;
