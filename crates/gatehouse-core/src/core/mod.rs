//! The use cases both shells call — review, protect, unprotect, undo, deploy, the CORS fix,
//! profiles — as methods of one `Core`. This file names the parts and everything the shells may
//! use: they import from here, never from apply, journal, lock or aws.

mod accounts;
mod as_code;
mod authorizers;
mod changes;
mod cors;
mod deploy;
mod history;
mod live;
mod profiles;
mod protect;
mod read;
mod requests;
mod sso;
mod state;
mod sweep;
mod token;
mod undo;
mod writer;

pub use crate::apply::{ApplyEvent, ApplyReport, MethodResult, Pace};
pub use crate::aws::gateway::Stage;
pub use crate::aws::profiles::{env_named_profile, start_profile, ProfileRef};
pub use crate::local::journal::{ApplySummary, Outcome};
pub use crate::local::lock::{set_client, ApiLock};
pub use accounts::AccountSweep;
pub use as_code::{
    check_change_set_name, AsCodeOutcome, AsCodeRequest, AuthorizerChoice, ChangeSetMade, Exported,
    TemplateChangeRequest, TemplateFile,
};
pub use authorizers::NEW_AUTHORIZER_ID;
pub use changes::{ApplyRequest, Deployment};
pub use cors::{CorsPlan, CorsReport, CorsResult};
pub use read::{methods_and_authorizers, review, ApiReview};
pub use requests::{
    AuthorizerStatus, AuthorizerUse, Methods, ProtectEvent, ProtectOutcome, ProtectRequest,
    UnprotectRequest,
};
pub use state::{Core, Ctx};
pub use token::client_named;
pub use token::{
    AwsTest, AwsTestRequest, CheckTokenRequest, SignInRequest, SignInTokens, TokenCheck,
};
