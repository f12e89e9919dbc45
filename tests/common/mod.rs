#![allow(dead_code)]
pub mod cli;
pub mod sandbox;
pub mod window;

pub use sandbox::Sandbox;
