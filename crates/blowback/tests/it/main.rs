//! Integration tests of the `blowback` crate: the flagship afpak case read from `cases/afpak`
//! (scenarios, behaviour tests, polarity tests of every claimed link, calibration), and small
//! synthetic cases that show each check can fail.

mod afpak;
mod dir;
mod synthetic;
