//! The JSON Patch of a REST UpdateMethod: which operations take a method from one state to
//! another (REST API paths stay in this adapter; pure, tested with plain values).

use crate::domain::model::AuthType;
use crate::domain::model::MethodState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One JSON Patch operation of UpdateMethod: REST API paths stay in this adapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchOp {
    pub op: String,
    pub path: String,
    pub value: Option<String>,
}

impl PatchOp {
    fn new(op: &str, path: &str, value: Option<&str>) -> PatchOp {
        PatchOp {
            op: op.into(),
            path: path.into(),
            value: value.map(str::to_string),
        }
    }
}

/// The operations that take a method from `before` to `after`. Scopes are removed before the
/// type changes (AWS drops them with a Cognito type) and added after the authorizer is set.
pub fn patch_ops(before: &MethodState, after: &MethodState) -> Vec<PatchOp> {
    if before.same_as(after) {
        return vec![];
    }
    let mut ops = Vec::new();
    let keep: BTreeSet<&String> = if after.authorization_type == AuthType::CognitoUserPools {
        after.scopes.iter().collect()
    } else {
        BTreeSet::new()
    };
    for s in &before.scopes {
        if !keep.contains(s) {
            ops.push(PatchOp::new("remove", "/authorizationScopes", Some(s)));
        }
    }
    if before.authorization_type != after.authorization_type {
        ops.push(PatchOp::new(
            "replace",
            "/authorizationType",
            Some(after.authorization_type.as_str()),
        ));
    }
    if after.uses_authorizer() && before.authorizer_id != after.authorizer_id {
        ops.push(PatchOp::new(
            "replace",
            "/authorizerId",
            after.authorizer_id.as_deref(),
        ));
    }
    if after.authorization_type == AuthType::CognitoUserPools {
        let had: BTreeSet<&String> = before.scopes.iter().collect();
        for s in &after.scopes {
            if !had.contains(s) {
                ops.push(PatchOp::new("add", "/authorizationScopes", Some(s)));
            }
        }
    }
    ops
}
