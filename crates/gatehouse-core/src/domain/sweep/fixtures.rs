//! A sweep's report built by hand, for the tests of the sweep and of its formats.

use super::*;
use crate::domain::audit;
use crate::domain::model::Method;

pub fn method(path: &str, verb: &str, auth: &str) -> Method {
    Method {
        resource_id: "r1".into(),
        path: path.into(),
        verb: verb.into(),
        authorization_type: auth.into(),
        authorizer_id: None,
        scopes: vec![],
        api_key_required: false,
        route_key: None,
    }
}

pub fn swept(name: &str, region: &str, methods: Vec<Method>, stack: Option<&str>) -> SweptApi {
    let api = Api {
        id: format!("{name}-id"),
        name: name.into(),
        description: None,
        kind: ApiKind::Rest,
        managed_by: stack.map(|s| ManagedBy {
            stack: Some(s.into()),
            tool: None,
            text: format!("CloudFormation stack {s}"),
        }),
        not_reviewed: None,
    };
    let summary = audit::summarize(&methods);
    SweptApi {
        row: SweepRow::of("file:dev", "111122223333", region, &api, &summary),
        methods: audit::review(&methods, &[]),
        summary,
        stages: vec![],
    }
}

pub fn report() -> SweepReport {
    SweepReport {
        apis: vec![
            swept(
                "Quiet",
                "eu-west-1",
                vec![
                    method("/a", "GET", "AWS_IAM"),
                    method("/a", "OPTIONS", "NONE"),
                ],
                None,
            ),
            swept(
                "Shop, \"EU\"",
                "us-east-1",
                vec![
                    method("/cart", "GET", "NONE"),
                    method("/cart", "OPTIONS", "NONE"),
                    method("/cart", "POST", "NONE"),
                ],
                Some("shop-prod"),
            ),
        ],
        errors: vec![SweepError {
            profile: "file:dev".into(),
            account: Some("111122223333".into()),
            region: Some("ap-east-1".into()),
            code: "UnrecognizedClientException".into(),
            message: "The security token included in the request is invalid.".into(),
            account_name: None,
        }],
        cancelled: false,
        elapsed_ms: 10,
        regions: 2,
        profiles: 1,
        same_account: vec![],
    }
}
