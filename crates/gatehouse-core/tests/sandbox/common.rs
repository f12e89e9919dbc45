//! The part of the workspace's test harness that needs no binary: the sandbox.

// Not every test binary uses every helper.
#[allow(dead_code)]
#[path = "../../../../tests/common/sandbox.rs"]
pub mod sandbox;

pub use sandbox::Sandbox;
