//! The headless command line: the same core as the window, no display needed.

// First, so that its `outln!` and `eoutln!` are in scope in the modules below.
#[macro_use]
pub(crate) mod out;
mod common;
mod login;
mod print;
mod protect;
mod read;
mod sweep;
mod token;

use crate::audit::Show;
use crate::core::Core;
use crate::error::{Error, Result};
use clap::{Parser, Subcommand};
use common::Common;
pub use common::{EXIT_ERROR, EXIT_FAILED_METHODS, EXIT_OK, EXIT_OPEN, EXIT_USAGE};

#[derive(Parser, Debug)]
#[command(
    name = "gatehouse",
    version,
    about = "Protect API Gateway REST API methods with a Cognito User Pool authorizer.",
    long_about = "With no subcommand, Gatehouse opens its window. With one, it runs headless."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the region's Cognito user pools with their app clients.
    Pools {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        json: bool,
    },
    /// Show every method of one API (or of every API in the region) with its protection; with
    /// --profiles, --regions or --all-regions, sweep every API of those profiles and regions.
    #[command(
        after_help = "Examples:\n  gatehouse audit --profile dev --api SecurePets\n  gatehouse audit --profiles all --all-regions --format sarif > gatehouse.sarif\n  gatehouse audit --profiles dev,prod --regions us-east-1,eu-west-1 --fail-on-open"
    )]
    Audit {
        #[command(flatten)]
        common: Common,
        /// API name or id; every API of the region when omitted.
        #[arg(long, conflicts_with_all = ["profiles", "regions", "all_regions"])]
        api: Option<String>,
        /// Same as --format json.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// table (default), json, sarif (SARIF 2.1.0, for code scanning) or csv.
        #[arg(long, value_enum)]
        format: Option<sweep::Format>,
        /// Sweep these profiles (names, comma-separated), or `all` (every profile but the
        /// environment's credentials).
        #[arg(long, value_delimiter = ',', value_name = "NAMES")]
        profiles: Vec<String>,
        /// Sweep these regions, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            value_name = "REGIONS",
            conflicts_with = "all_regions"
        )]
        regions: Vec<String>,
        /// Sweep the 17 commercial regions every account has enabled.
        #[arg(long)]
        all_regions: bool,
        /// Exit with status 3 when a method other than OPTIONS is open.
        #[arg(long)]
        fail_on_open: bool,
        /// A region that could not be read (access denied, not enabled) does not make the exit
        /// status 1.
        #[arg(long)]
        ignore_errors: bool,
        /// Which methods to list: all, open or protected (the summary always counts all).
        #[arg(long, default_value = "all")]
        show: Show,
        /// Only methods whose path contains this text.
        #[arg(long, default_value = "")]
        path: String,
    },
    /// Protect methods with a Cognito authorizer for a pool (reused when one matches, else created).
    Protect(protect::ProtectArgs),
    /// Remove protection (back to NONE) from methods.
    Unprotect(protect::UnprotectArgs),
    /// Will this token get through? Judge every method of an API for a token (pasted in a file or
    /// stdin, or from a sign-in), as API Gateway would, with the reason. Exit 3 when refused.
    CheckToken(token::CheckTokenArgs),
    /// Sign in to IAM Identity Center (SSO) for a profile: the device flow, in the browser.
    Login(login::LoginArgs),
    /// Undo the last journaled apply, or the named one.
    Undo {
        /// The apply to undo (see the History view); the last one when omitted.
        #[arg(long)]
        apply: Option<String>,
        /// Restore methods that someone changed since the apply too (they are skipped otherwise).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
        /// The MFA device's one-time code, when the apply's profile needs one.
        #[arg(long, value_name = "CODE")]
        mfa_code: Option<String>,
    },
}

/// Parses the arguments and runs the subcommand; returns the exit status.
pub fn main(args: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let status = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return status;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eoutln!("gatehouse: {e}");
            return EXIT_ERROR;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(status) => status,
        Err(Error::Invalid { message, .. }) => {
            eoutln!("gatehouse: {}", out::clean(&message));
            EXIT_USAGE
        }
        Err(e) => {
            // Errors quote AWS's messages and names: escaped like any other text from AWS.
            eoutln!("gatehouse: {}", out::clean(&e.to_string()));
            if let Some(hint) = e.hint() {
                eoutln!("{hint}");
            }
            EXIT_ERROR
        }
    }
}

async fn dispatch(command: Command) -> Result<i32> {
    crate::core::set_client(match &command {
        Command::Pools { .. } => "gatehouse pools",
        Command::Audit { .. } => "gatehouse audit",
        Command::Protect(_) => "gatehouse protect",
        Command::Unprotect(_) => "gatehouse unprotect",
        Command::Undo { .. } => "gatehouse undo",
        Command::CheckToken(_) => "gatehouse check-token",
        Command::Login(_) => "gatehouse login",
    });
    let core = Core::new()?;
    match command {
        Command::Pools { common, json } => read::pools(&core, &common, json).await,
        Command::Audit {
            common,
            api,
            json,
            format,
            profiles,
            regions,
            all_regions,
            fail_on_open,
            ignore_errors,
            show,
            path,
        } => {
            let format = format.unwrap_or(if json {
                sweep::Format::Json
            } else {
                sweep::Format::Table
            });
            let sweeping = !profiles.is_empty() || !regions.is_empty() || all_regions;
            if sweeping || matches!(format, sweep::Format::Sarif | sweep::Format::Csv) {
                let args = sweep::SweepArgs {
                    common,
                    api,
                    format,
                    profiles,
                    regions,
                    all_regions,
                    fail_on_open,
                    ignore_errors,
                    show,
                    path,
                };
                sweep::audit(&core, args).await
            } else {
                read::audit_cmd(
                    &core,
                    &common,
                    api.as_deref(),
                    format == sweep::Format::Json,
                    fail_on_open,
                    show,
                    &path,
                )
                .await
            }
        }
        Command::Protect(args) => protect::protect(&core, args).await,
        Command::Unprotect(args) => protect::unprotect(&core, args).await,
        Command::CheckToken(args) => token::check_token(&core, args).await,
        Command::Login(args) => login::login(&core, args).await,
        Command::Undo {
            apply,
            force,
            json,
            mfa_code,
        } => protect::undo(&core, apply.as_deref(), force, json, mfa_code.as_deref()).await,
    }
}
