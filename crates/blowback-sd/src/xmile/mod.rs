//! XMILE 1.0 files: reading (lenient where real files are sloppy), writing (round-trips), and
//! targeted edits of constants that keep the rest of a file byte for byte.

mod edit;
mod read;
mod write;

pub use edit::{set_constants, EditError};
pub use read::read_xmile;
pub use write::write_xmile;
