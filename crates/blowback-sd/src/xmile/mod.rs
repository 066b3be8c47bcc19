//! XMILE 1.0 files: reading (lenient where real files are sloppy) and writing (round-trips).

mod read;
mod write;

pub use read::read_xmile;
pub use write::write_xmile;
