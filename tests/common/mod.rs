#![allow(dead_code)]
pub mod sandbox;
pub mod window;

pub use sandbox::Sandbox;
