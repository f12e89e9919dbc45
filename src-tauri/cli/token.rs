//! `gatehouse check-token`: will this token get through? Every method of an API judged as API
//! Gateway would, with the reason. The token comes from a file, stdin, or a sign-in; it is never
//! printed, and a password is read from stdin or a prompt with echo off.

use super::common::{context, Common, EXIT_DENIED, EXIT_OK};
use super::out::clean;
use crate::core::{client_named, CheckTokenRequest, Core, Ctx, SignInRequest, TokenCheck};
use crate::domain::claims::{Signature, TokenUse};
use crate::domain::verdict::Verdict;
use crate::error::{Error, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Read};
use zeroize::Zeroizing;

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["token_file", "token_stdin", "username"])))]
pub struct CheckTokenArgs {
    #[command(flatten)]
    common: Common,
    /// API name or id.
    #[arg(long)]
    api: String,
    /// Read the token from this file.
    #[arg(long, value_name = "FILE")]
    token_file: Option<std::path::PathBuf>,
    /// Read the token from stdin.
    #[arg(long)]
    token_stdin: bool,
    /// Sign in as this user (with --client and --pool) instead of passing a token.
    #[arg(long, requires_all = ["client", "pool"])]
    username: Option<String>,
    /// The app client to sign in with: name or id.
    #[arg(long, value_name = "NAME_OR_ID")]
    client: Option<String>,
    /// The user pool: name or id.
    #[arg(long, value_name = "NAME_OR_ID")]
    pool: Option<String>,
    /// The pool's region (default: --region).
    #[arg(long, value_name = "REGION")]
    pool_region: Option<String>,
    /// Read the password from stdin (else it is asked for, with echo off, on a terminal).
    #[arg(long, requires = "username")]
    password_stdin: bool,
    /// Judge the methods as this stage serves them (its deployment), not as the editor holds them.
    #[arg(long, value_name = "NAME")]
    stage: Option<String>,
    /// Only these methods: "GET /pets,POST /purchase".
    #[arg(long, value_delimiter = ',')]
    methods: Vec<String>,
    /// Which token of a sign-in to check.
    #[arg(long = "use", value_enum, default_value = "id", requires = "username")]
    token_use: UseArg,
    /// Exit 0 on a token whose signature could not be checked (the pool's keys unreachable, an
    /// issuer that is no Cognito pool) when no method refuses it; without this flag it exits 3.
    #[arg(long)]
    allow_unverified: bool,
    /// Print JSON (the shape is in the README; the token itself is never printed).
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum UseArg {
    Id,
    Access,
}

pub(super) async fn check_token(core: &Core, args: CheckTokenArgs) -> Result<i32> {
    let ctx = context(core, &args.common).await?;
    let api = core.find_api(&ctx, &args.api).await?;
    let token = match (&args.token_file, &args.username) {
        (Some(file), _) => Zeroizing::new(std::fs::read_to_string(file).map_err(|e| {
            Error::invalid("token-file", format!("Cannot read {}: {e}", file.display()))
        })?),
        (None, Some(username)) => sign_in(core, &ctx, &args, username).await?,
        (None, None) => {
            let mut text = Zeroizing::new(String::new());
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::invalid("token-stdin", format!("Cannot read stdin: {e}")))?;
            text
        }
    };
    let check = core
        .check_token(
            &ctx,
            &CheckTokenRequest {
                api_id: api.id.clone(),
                token: token.to_string(),
                methods: (!args.methods.is_empty()).then(|| args.methods.clone()),
                stage: args.stage.clone(),
            },
        )
        .await?;
    if args.json {
        // Through a Value, so that keys are sorted like every other command's JSON.
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::to_value(&check)?)?
        );
    } else {
        print(&api.name, &check);
    }
    if !args.json && !check.editor_differs.is_empty() {
        outln!();
        outln!("Where the editor would decide otherwise:");
        for d in &check.editor_differs {
            outln!("  {}", clean(d));
        }
    }
    let outcome = Outcome::of(&check, args.allow_unverified);
    if let Some(why) = outcome.why() {
        eoutln!("{why}");
    }
    Ok(outcome.exit_status())
}

/// What a check comes to for a script: 0 only for a token whose signature verified (or, when
/// the user accepts it, could not be checked) and that no method asked about refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    /// No method refuses it, but its signature could not be checked.
    AllowedUnverified {
        accepted: bool,
    },
    /// No method refuses it (open methods, say), but its signature is wrong.
    BadSignature,
    Refused,
}

impl Outcome {
    fn of(check: &TokenCheck, allow_unverified: bool) -> Outcome {
        match check.token.signature {
            _ if check.summary.refused > 0 => Outcome::Refused,
            Signature::Valid => Outcome::Allowed,
            Signature::Unverified => Outcome::AllowedUnverified {
                accepted: allow_unverified,
            },
            Signature::Invalid => Outcome::BadSignature,
        }
    }

    fn exit_status(self) -> i32 {
        match self {
            Outcome::Allowed | Outcome::AllowedUnverified { accepted: true } => EXIT_OK,
            Outcome::AllowedUnverified { accepted: false }
            | Outcome::BadSignature
            | Outcome::Refused => EXIT_DENIED,
        }
    }

    /// Said on stderr when the exit status is not what the verdicts alone suggest.
    fn why(self) -> Option<&'static str> {
        match self {
            Outcome::AllowedUnverified { accepted: false } => Some(
                "No method refuses the token, but its signature was not checked: exit 3 (pass --allow-unverified to accept it)",
            ),
            Outcome::BadSignature => Some(
                "No method asked about refuses the token, but its signature does not verify: exit 3",
            ),
            _ => None,
        }
    }
}

async fn sign_in(
    core: &Core,
    ctx: &Ctx,
    args: &CheckTokenArgs,
    username: &str,
) -> Result<Zeroizing<String>> {
    let pool_region = args
        .pool_region
        .clone()
        .unwrap_or_else(|| ctx.region.clone());
    let pool = core
        .find_pool(ctx, &pool_region, args.pool.as_deref().unwrap_or_default())
        .await?;
    let wanted = args.client.as_deref().unwrap_or_default();
    let clients = core.clients(ctx, &pool_region, &pool.id).await?;
    let client = client_named(&clients, wanted, &pool.name, "client")?.ok_or_else(|| {
        Error::NotFound(format!(
            "No app client named or with id '{wanted}' in user pool {}",
            pool.name
        ))
    })?;
    let password = read_password(args.password_stdin, username)?;
    let tokens = core
        .sign_in(
            ctx,
            &SignInRequest {
                pool_region,
                pool_id: pool.id.clone(),
                client_id: client.id.clone(),
                username: username.to_string(),
                password: password.to_string(),
            },
        )
        .await?;
    Ok(Zeroizing::new(match args.token_use {
        UseArg::Id => tokens.id_token.clone(),
        UseArg::Access => tokens.access_token.clone(),
    }))
}

fn read_password(from_stdin: bool, username: &str) -> Result<Zeroizing<String>> {
    if from_stdin {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Error::invalid("password-stdin", format!("Cannot read stdin: {e}")))?;
        let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string());
        return Ok(trimmed);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "password",
            "No password: pass --password-stdin (stdin is not a terminal to ask on)",
        ));
    }
    rpassword::prompt_password(format!("Password for {username}: "))
        .map(Zeroizing::new)
        .map_err(|e| Error::invalid("password", format!("Cannot read the password: {e}")))
}

fn print(api_name: &str, check: &TokenCheck) {
    let t = &check.token;
    let kind = match t.token_use {
        TokenUse::Id => "ID token",
        TokenUse::Access => "Access token",
        TokenUse::Other => "Token (neither ID nor access)",
    };
    let pool = match (&t.pool_id, &t.pool_region, &t.pool_name) {
        (Some(p), Some(r), Some(name)) => {
            format!("of pool {} ({}, {})", clean(name), clean(p), clean(r))
        }
        (Some(p), Some(r), None) => format!("of pool {} ({})", clean(p), clean(r)),
        _ => format!("issued by {}", clean(&t.issuer)),
    };
    outln!("{kind} {pool}");
    let field = |v: &Option<String>| v.as_deref().map(clean).unwrap_or_else(|| "—".into());
    outln!("  app client  {}", field(&t.client_id));
    outln!("  user        {}", field(&t.username));
    if !t.scopes.is_empty() {
        outln!("  scopes      {}", clean(&t.scopes.join(" ")));
    }
    outln!("  issued      {}", field(&t.issued_at));
    outln!("  expires     {} ({})", field(&t.expires_at), t.expiry_text);
    let sig = match t.signature {
        Signature::Valid => "valid",
        Signature::Invalid => "INVALID",
        Signature::Unverified => "unverified",
    };
    outln!("  signature   {sig}: {}", clean(&t.signature_text));
    if let Some(note) = &t.note {
        outln!("  note        {note}");
    }
    outln!();
    if let Some(note) = &check.undeployed_note {
        outln!("{note}");
        outln!();
    }
    match &check.stage {
        Some(stage) => outln!("{} as {} serves it", clean(api_name), clean(stage)),
        None => outln!("{}", clean(api_name)),
    }
    let width = check
        .methods
        .iter()
        .map(|m| m.path.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    for m in &check.methods {
        let verdict = match m.verdict {
            Verdict::Allow => "ALLOW",
            Verdict::Deny => "DENY",
            Verdict::Open => "OPEN",
            Verdict::Unknown => "UNKNOWN",
        };
        outln!(
            "  {verdict:<7}  {:<8}  {:<width$}  {}",
            clean(&m.verb),
            clean(&m.path),
            clean(&m.reason)
        );
    }
    outln!();
    outln!("{}", check.summary_line);
}
