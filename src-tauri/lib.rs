//! Gatehouse: protect API Gateway REST API methods with a Cognito User Pool authorizer. This crate
//! is the app: the window (commands, menu, window state, the page's contract) and the command
//! line, both thin shells over gatehouse-core, whose modules it names as its own.

pub use gatehouse_core::{apply, aws, core, domain, error, local};

pub mod cli;
pub mod commands;
pub mod contract;

/// Runs Gatehouse: a subcommand runs headless, none opens the window. Returns the exit status.
pub fn run() -> i32 {
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 {
        return cli::main(args);
    }
    commands::open_window()
}
