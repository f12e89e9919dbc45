//! The app's own checks that need no sandbox and no display: the contract's lists and bindings,
//! the import graph across the core and the shells, private files and journal lines. The core's
//! pure rules are tested in crates/gatehouse-core/tests/rules/, without the window's crates.

mod contract;
mod files;
mod layers;
mod linking;
