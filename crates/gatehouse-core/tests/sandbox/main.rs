//! The core's adapters and executor against the local AWS sandbox, no display and no window
//! toolkit: this binary links gatehouse-core alone. What runs the `gatehouse` binary (the command
//! line, the window) is tested by the app's own tests at the workspace's root.

// The shared harness names the library `gatehouse`; here it is the core.
extern crate gatehouse_core as gatehouse;

mod common;

mod gateway;
mod protect;
