//! The headless command line: the same core as the window, no display needed.

// First, so that its `outln!` and `eoutln!` are in scope in the modules below.
#[macro_use]
pub(crate) mod out;
mod accounts;
mod code;
mod common;
mod cors;
mod deploy;
mod login;
mod meta;
mod print;
mod protect;
mod read;
mod shapes;
mod sweep;
mod token;

use crate::core::Core;
use crate::error::{Error, Result};
use clap::{CommandFactory, Parser, Subcommand};
use common::Common;
pub use common::{EXIT_ERROR, EXIT_FAILED_METHODS, EXIT_OK, EXIT_OPEN, EXIT_USAGE};

/// `gatehouse --version`: the version and the commit it was built from (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("GATEHOUSE_COMMIT"),
    ")"
);

#[derive(Parser, Debug)]
#[command(
    name = "gatehouse",
    version = VERSION,
    about = "Protect API Gateway REST API methods with a Cognito User Pool authorizer.",
    long_about = "With no subcommand, Gatehouse opens its window. With one, it runs headless.",
    after_long_help = "Examples:
  gatehouse audit --api SecurePets
  gatehouse protect --api SecurePets --pool PetsPool --methods \"GET /pets,POST /purchase\" --deploy prod
  gatehouse undo

Exit status:
  0  success
  1  a runtime or AWS error (the message, with AWS's code, on stderr)
  2  a usage error: bad flags or input, an unknown method, warnings without --force
  3  audit --fail-on-open found a method other than OPTIONS open; check-token: the token is
     refused on at least one of the methods asked about
  4  protect, unprotect or undo finished with failed methods"
)]
struct Cli {
    #[command(subcommand)]
    command: AnyCommand,
}

/// Every subcommand: those that work on AWS, and those about Gatehouse itself.
#[derive(Subcommand, Debug)]
enum AnyCommand {
    #[command(flatten)]
    Run(Box<Command>),
    #[command(flatten)]
    About(meta::Meta),
}

/// The subcommands that work on AWS, through the core.
#[derive(Subcommand, Debug)]
enum Command {
    /// List the region's Cognito user pools with their app clients.
    #[command(
        after_help = "Examples:\n  gatehouse pools --region eu-west-1\n  gatehouse pools --profile dev --json"
    )]
    Pools {
        #[command(flatten)]
        common: Common,
        /// Print JSON (the shape is in the README).
        #[arg(long)]
        json: bool,
    },
    /// Show every method of one API (or of every API in the region) with its protection; with
    /// --profiles, --regions or --all-regions, sweep every API of those profiles and regions.
    #[command(
        after_help = "Examples:\n  gatehouse audit --profile dev --api SecurePets\n  gatehouse audit --profiles all --all-regions --format sarif > gatehouse.sarif\n  gatehouse audit --profiles dev,prod --regions us-east-1,eu-west-1 --fail-on-open"
    )]
    Audit(sweep::AuditArgs),
    /// Protect methods with a Cognito authorizer for a pool (reused when one matches, else created).
    #[command(
        after_help = "Examples:\n  gatehouse protect --api SecurePets --pool PetsPool --pool-region eu-west-1 \\\n    --methods \"GET /pets,PURCHASE /pets,POST /purchase\" --deploy prod\n  gatehouse protect --api SecurePets --pool PetsPool --all-open --dry-run\n  gatehouse protect --api PetsHttp --pool PetsPool --clients web --methods \"GET /parcels\"\n  gatehouse protect --api SecurePets --pool PetsPool --all-open --as-code --change-set protect-pets\n  gatehouse protect --api SecurePets --pool PetsPool --all-open --as-code --template main.tf --out main.tf"
    )]
    Protect(protect::ProtectArgs),
    /// Remove protection (back to NONE) from methods.
    #[command(
        after_help = "Examples:\n  gatehouse unprotect --api SecurePets --methods \"POST /purchase\" --deploy prod\n  gatehouse unprotect --api SecurePets --authorizer PetsPool --dry-run"
    )]
    Unprotect(protect::UnprotectArgs),
    /// Will this token get through? Judge every method of an API for a token (pasted in a file or
    /// stdin, or from a sign-in), as API Gateway would, with the reason. Exit 3 when refused.
    #[command(
        after_help = "Examples:\n  gatehouse check-token --api SecurePets --token-file id-token.jwt --methods \"GET /pets,POST /purchase\"\n  printf %s \"$TOKEN\" | gatehouse check-token --api SecurePets --token-stdin --json\n  gatehouse check-token --api SecurePets --username alice --client web --pool PetsPool \\\n    --pool-region eu-west-1 --use access"
    )]
    CheckToken(token::CheckTokenArgs),
    /// Sign in to IAM Identity Center (SSO) for a profile: the device flow, in the browser.
    #[command(
        after_help = "Examples:\n  gatehouse login --profile dev-sso\n  gatehouse login --profile dev-sso --no-browser"
    )]
    Login(login::LoginArgs),
    /// Deploy an API to a stage (or its canary): first what changes there, before → after, with
    /// the changes Gatehouse did not make named (they need --yes).
    #[command(
        after_help = "Examples:\n  gatehouse deploy --api SecurePets --stage prod --dry-run\n  gatehouse deploy --api SecurePets --stage prod --yes --json\n  gatehouse deploy --api SecurePets --stage prod --canary"
    )]
    Deploy(deploy::DeployArgs),
    /// Add Access-Control-Allow-Origin to the gateway responses a refused token meets
    /// (UNAUTHORIZED, ACCESS_DENIED), so that a browser shows the 401 or 403, not a CORS error.
    #[command(
        name = "fix-cors",
        after_help = "Examples:\n  gatehouse fix-cors --api SecurePets --dry-run\n  gatehouse fix-cors --api SecurePets --origin https://app.example.com\n  gatehouse undo"
    )]
    FixCors(cors::CorsArgs),
    /// An API's authorizers and method protection as code: CloudFormation (ready for resource
    /// import), SAM, Terraform (with import blocks) or CDK (TypeScript), for a team adopting IaC.
    #[command(
        after_help = "Examples:\n  gatehouse export --api SecurePets --format terraform > securepets.tf\n  gatehouse export --api SecurePets --format cloudformation --out pets.yaml\n  gatehouse export --api SecurePets --format cdk --stage prod"
    )]
    Export(code::ExportArgs),
    /// Every account and role an IAM Identity Center sign-in reaches (and, with
    /// --write-profiles, a named profile for each appended to ~/.aws/config).
    #[command(
        after_help = "Examples:\n  gatehouse accounts --sso corp\n  gatehouse accounts --sso corp --json\n  gatehouse accounts --sso corp --write-profiles --role ReadOnly --prefix corp-"
    )]
    Accounts(accounts::AccountsArgs),
    /// Undo the last journaled apply, or the named one.
    #[command(
        after_help = "Examples:\n  gatehouse undo\n  gatehouse undo --apply 1764201234567-3f2a --force --json"
    )]
    Undo {
        /// The apply to undo (see the History view); the last one when omitted.
        #[arg(long)]
        apply: Option<String>,
        /// Restore methods that someone changed since the apply too (they are skipped otherwise).
        #[arg(long)]
        force: bool,
        /// Print JSON (the shape is in the README).
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
    // Before the runtime and the core: the packaging runs these with no AWS, display or HOME.
    let command = match cli.command {
        AnyCommand::About(about) => return meta::run(about, Cli::command(), VERSION),
        AnyCommand::Run(command) => *command,
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
    match runtime.block_on(dispatch(command)) {
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
        Command::Audit(_) => "gatehouse audit",
        Command::Protect(_) => "gatehouse protect",
        Command::Unprotect(_) => "gatehouse unprotect",
        Command::Undo { .. } => "gatehouse undo",
        Command::CheckToken(_) => "gatehouse check-token",
        Command::Login(_) => "gatehouse login",
        Command::Deploy(_) => "gatehouse deploy",
        Command::FixCors(_) => "gatehouse fix-cors",
        Command::Export(_) => "gatehouse export",
        Command::Accounts(_) => "gatehouse accounts",
    });
    let core = Core::new()?;
    match command {
        Command::Pools { common, json } => read::pools(&core, &common, json).await,
        Command::Audit(args) if args.sweeping() => sweep::audit(&core, args).await,
        Command::Audit(args) => read::audit_cmd(&core, &args).await,
        Command::Protect(args) => protect::protect(&core, args).await,
        Command::Unprotect(args) => protect::unprotect(&core, args).await,
        Command::CheckToken(args) => token::check_token(&core, args).await,
        Command::Login(args) => login::login(&core, args).await,
        Command::Deploy(args) => deploy::deploy(&core, args).await,
        Command::FixCors(args) => cors::fix_cors(&core, args).await,
        Command::Export(args) => code::export(&core, args).await,
        Command::Accounts(args) => accounts::accounts(&core, args).await,
        Command::Undo {
            apply,
            force,
            json,
            mfa_code,
        } => protect::undo(&core, apply.as_deref(), force, json, mfa_code.as_deref()).await,
    }
}
