//! `gatehouse login --profile P`: sign in to IAM Identity Center (SSO) with the device flow. Prints
//! the page to open and the code to compare, opens the browser (unless --no-browser), waits, and
//! writes the token where the AWS CLI and the SDKs read it.

use super::common::{EXIT_ERROR, EXIT_OK};
use crate::core::Core;
use crate::error::{Error, Result};
use clap::Args;

#[derive(Args, Debug)]
pub struct LoginArgs {
    /// The SSO profile of the AWS config files (with sso_session, or the legacy sso_start_url).
    /// Default: the one AWS_PROFILE names.
    #[arg(long)]
    profile: Option<String>,
    /// Print the page and the code only; do not open a browser.
    #[arg(long)]
    no_browser: bool,
}

pub(super) async fn login(core: &Core, args: LoginArgs) -> Result<i32> {
    let Some(named) = args.profile.or_else(crate::core::env_named_profile) else {
        return Err(Error::invalid(
            "profile",
            "Which profile signs in? Pass --profile NAME (or set AWS_PROFILE)",
        ));
    };
    let profile = named.strip_prefix("file:").unwrap_or(&named);
    let prompt = core.sso_start(profile).await?;
    let page = prompt
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| prompt.verification_uri.clone());
    outln!("Sign in to IAM Identity Center for profile {profile}:");
    outln!("  open      {page}");
    outln!(
        "  and check that the page shows the code {}",
        prompt.user_code
    );
    if let Err(why) = crate::local::browser::may_open(&page) {
        outln!("  (not opened in the browser: {why}; check the address before you open it)");
    } else if !args.no_browser {
        if let Err(e) = crate::local::browser::open(&page) {
            outln!("  ({e}; open the page yourself)");
        }
    }
    outln!(
        "Waiting for the approval (the code expires in {} min)…",
        (prompt.expires_in + 59) / 60
    );
    match core.sso_finish(profile).await {
        Ok(state) => {
            outln!("Signed in: {profile} is {}.", state.text);
            Ok(EXIT_OK)
        }
        Err(Error::Aws { code, message }) => {
            eoutln!("gatehouse: {profile}: {message} ({code})");
            Ok(EXIT_ERROR)
        }
        Err(e) => Err(e),
    }
}
