//! Gatehouse: protect API Gateway REST API methods with a Cognito User Pool authorizer.

pub mod apply;
pub mod audit;
pub mod aws;
pub mod browser;
pub mod cli;
pub mod commands;
pub mod contract;
pub mod core;
pub mod error;
pub mod files;
pub mod journal;
pub mod keychain;
pub mod lock;
pub mod model;
pub mod ownership;
pub mod pacer;
pub mod plan;
pub mod profiles;
pub mod sso;
pub mod sweep;
pub mod sweep_formats;
pub mod token;
pub mod validate;
pub mod verdict;

/// Runs Gatehouse: a subcommand runs headless, none opens the window. Returns the exit status.
pub fn run() -> i32 {
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 {
        return cli::main(args);
    }
    commands::open_window()
}
