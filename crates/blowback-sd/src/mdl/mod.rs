//! Vensim `.mdl` models: reading them into the same [`Project`](crate::Project) the XMILE reader
//! gives.
//!
//! A `.mdl` file is a list of entries `definition ~ units ~ comment |`, then a sketch section the
//! reader skips. `split.rs` cuts the file into entries, `lex.rs` tokenizes Vensim text (names with
//! spaces, `:KEYWORD:`s, line continuations), `read.rs` classifies entries and assembles
//! variables and dimensions, and `translate.rs` rewrites each Vensim expression into the engine's
//! equation syntax, keeping a map from every translated piece back to its place in the file so the
//! compiler's diagnostics point at the `.mdl` line and column.

mod lex;
mod read;
mod split;
mod translate;
mod write;

pub use read::{read_mdl, read_mdl_with_data};
pub use write::write_mdl;
