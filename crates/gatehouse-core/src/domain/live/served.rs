//! What one deployment serves, in the editor's shape.

use crate::domain::model::{Authorizer, Method};
use serde::{Deserialize, Serialize};

/// The name given to an authorizer a deployment's summary implies but no export names.
pub const NOT_EXPORTED: &str = "authorizer not exported";

/// What one deployment serves: its methods (as the editor's shape) and the authorizers they name.
/// Deployments never change, so this is cached by the deployment's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Served {
    pub deployment_id: String,
    /// When it was made (RFC 3339 UTC), as AWS says.
    pub created_at: Option<String>,
    pub methods: Vec<Method>,
    pub authorizers: Vec<Authorizer>,
}
