//! Applying plans against the sandbox: the seed scenario, the quota, injected failures with
//! "retry failed", undo to the exact previous states, deploy.

use crate::common;

use common::sandbox::session;
use common::Sandbox;
use gatehouse::apply::{self, ApplyEvent, ApplyReport, Pace};
use gatehouse::aws::gateway;
use gatehouse::aws::session::Session;
use gatehouse::domain::model::Action;
use gatehouse::domain::model::{ApiKind, Authorizer, Method};
use gatehouse::domain::plan::{self, AuthorizerInput, MethodState, Target};
use gatehouse::domain::undo_plan;
use gatehouse::error::Error;
use gatehouse::local::journal::{self, ApplyHeader, Outcome};
use gatehouse::local::lock::{self, ApiLock};
use serde_json::json;
use std::path::Path;
use std::sync::Mutex;

/// The API's writer lock, which every write step requires, taken in `dir` as Gatehouse takes it.
fn writer(dir: &Path, api_id: &str) -> ApiLock {
    lock::acquire(
        dir,
        "test us-east-1",
        api_id,
        "test",
        Action::Authorizer,
        None,
    )
    .unwrap()
}

fn header(api_id: &str, action: Action, undoes: Option<String>) -> ApplyHeader {
    ApplyHeader {
        id: journal::new_apply_id(),
        started_ms: journal::now_ms(),
        profile: "env".into(),
        region: "us-east-1".into(),
        api_id: api_id.into(),
        api_name: "test".into(),
        action,
        description: action.to_string(),
        undoes,
    }
}

async fn pets_pool_authorizer(
    s: &Session,
    seed: &serde_json::Value,
    api_id: &str,
    regex: &str,
) -> Authorizer {
    let arn = seed["pools"]["PetsPool"]["arn"].as_str().unwrap();
    let input = AuthorizerInput {
        name: "PetsPool".into(),
        identity_source: "method.request.header.X-Pets-Token".into(),
        client_id_regex: regex.into(),
        ttl_seconds: 120,
        ..plan::authorizer_defaults(ApiKind::Rest)
    };
    let dir = tempfile::tempdir().unwrap();
    apply::create_authorizer(s, api_id, &input, arn, &writer(dir.path(), api_id))
        .await
        .unwrap()
}

async fn protect(
    s: &Session,
    dir: &Path,
    api_id: &str,
    keys: &[String],
    authorizer_id: &str,
    pace: Pace,
) -> (ApplyReport, Vec<ApplyEvent>) {
    let methods = gateway::list_methods(s, api_id).await.unwrap();
    let auths = gateway::list_authorizers(s, api_id).await.unwrap();
    let target = Target::Protect {
        authorizer_id: authorizer_id.into(),
        scopes: vec![],
    };
    let plan = plan::plan(&methods, &auths, keys, &target).unwrap();
    let events = Mutex::new(Vec::new());
    let lock = writer(dir, api_id);
    let h = header(api_id, Action::Protect, None);
    let report = apply::apply(
        s,
        dir,
        h,
        &plan,
        pace,
        &|e| events.lock().unwrap().push(e),
        &lock,
    )
    .await
    .unwrap();
    (report, events.into_inner().unwrap())
}

fn state_of(methods: &[Method], key: &str) -> MethodState {
    MethodState::of(methods.iter().find(|m| m.key() == key).unwrap())
}

#[tokio::test]
async fn seed_scenario_protects_three_methods_and_aws_holds_what_was_asked() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let api = seed["apis"]["SecurePets"]["id"].as_str().unwrap();
    let s = session(&sb.url, "us-east-1").await;
    let dir = tempfile::tempdir().unwrap();
    let web = seed["pools"]["PetsPool"]["clients"]["web"]
        .as_str()
        .unwrap();
    let regex = plan::regex_for_clients(&[web.to_string()]);
    let a = pets_pool_authorizer(&s, &seed, api, &regex).await;

    let three: Vec<String> = ["GET /pets", "PURCHASE /pets", "POST /purchase"]
        .map(String::from)
        .to_vec();
    sb.reset_stats();
    let (report, events) = protect(&s, dir.path(), api, &three, &a.id, Pace::default()).await;
    assert_eq!((report.changed, report.unchanged, report.failed), (3, 0, 0));
    assert_eq!(sb.calls("apigateway", "UpdateMethod"), 3);
    assert!(matches!(
        events.first(),
        Some(ApplyEvent::Started {
            total: 3,
            to_send: 3,
            ..
        })
    ));
    let dones: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            ApplyEvent::Method { done, .. } => Some(*done),
            _ => None,
        })
        .collect();
    assert_eq!(dones, [1, 2, 3], "progress moves once per method, in order");
    assert!(matches!(
        events.last(),
        Some(ApplyEvent::Finished { changed: 3, .. })
    ));

    // Through AWS's eyes.
    let auths = gateway::list_authorizers(&s, api).await.unwrap();
    assert_eq!(auths.len(), 1);
    assert_eq!(
        auths[0].identity_validation_expression.as_deref(),
        Some(regex.as_str())
    );
    assert_eq!(
        auths[0].identity_source.as_deref(),
        Some("method.request.header.X-Pets-Token")
    );
    assert_eq!(auths[0].ttl_seconds, Some(120));
    assert_eq!(
        auths[0].provider_arns,
        [seed["pools"]["PetsPool"]["arn"].as_str().unwrap()]
    );
    let methods = gateway::list_methods(&s, api).await.unwrap();
    for k in &three {
        let st = state_of(&methods, k);
        assert_eq!(st.authorization_type.as_str(), "COGNITO_USER_POOLS", "{k}");
        assert_eq!(st.authorizer_id.as_deref(), Some(a.id.as_str()), "{k}");
    }
    assert_eq!(state_of(&methods, "OPTIONS /pets"), MethodState::open());

    // Again: everything is already as planned, nothing is sent.
    sb.reset_stats();
    let (again, _) = protect(&s, dir.path(), api, &three, &a.id, Pace::default()).await;
    assert_eq!((again.changed, again.unchanged), (0, 3));
    assert_eq!(sb.calls("apigateway", "UpdateMethod"), 0);

    // AWS refuses to delete an authorizer in use; the code and message reach us.
    let err = gateway::delete_authorizer(&s, api, &a.id)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Aws { code, .. } if code == "ConflictException"),
        "{err}"
    );

    // Deploy: one CreateDeployment on prod.
    let before = gateway::list_stages(&s, api).await.unwrap();
    sb.reset_stats();
    let lock = writer(dir.path(), api);
    let id = apply::deploy(&s, dir.path(), api, "prod", "protect pets", &lock)
        .await
        .unwrap();
    assert_eq!(sb.calls("apigateway", "CreateDeployment"), 1);
    let after = gateway::list_stages(&s, api).await.unwrap();
    let prod = after.iter().find(|st| st.name == "prod").unwrap();
    assert_eq!(prod.deployment_id.as_deref(), Some(id.as_str()));
    assert_ne!(
        before
            .iter()
            .find(|st| st.name == "prod")
            .unwrap()
            .deployment_id,
        prod.deployment_id
    );
}

#[tokio::test]
async fn a_hundred_and_fifty_methods_under_the_ten_per_second_quota_all_succeed() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let api = sb.bulk_api("us-east-1", "Quota", 150, 1);
    let s = session(&sb.url, "us-east-1").await;
    let a = pets_pool_authorizer(&s, &seed, &api, "").await;
    let methods = gateway::list_methods(&s, &api).await.unwrap();
    let keys: Vec<String> = methods.iter().map(Method::key).collect();
    assert_eq!(keys.len(), 150);
    sb.control(
        "/_sandbox/config",
        json!({"throttle": {"rate": 10, "burst": 40}}),
    );
    let dir = tempfile::tempdir().unwrap();
    let (report, _) = protect(&s, dir.path(), &api, &keys, &a.id, Pace::default()).await;
    sb.control("/_sandbox/config", json!({"throttle": null}));
    assert_eq!((report.changed, report.failed), (150, 0));
    let limit = (150.0 - 40.0) / 10.0;
    eprintln!(
        "150 methods: {:.2} s, quota limit {limit:.1} s, ratio {:.2}, 429s {}",
        report.elapsed_ms as f64 / 1000.0,
        report.elapsed_ms as f64 / 1000.0 / limit,
        report.throttled
    );
    let now = gateway::list_methods(&s, &api).await.unwrap();
    assert!(now
        .iter()
        .all(|m| m.authorization_type.as_str() == "COGNITO_USER_POOLS"));
}

#[tokio::test]
async fn with_injected_failures_every_method_ends_changed_or_failed_and_retry_finishes() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let api = sb.bulk_api("us-east-1", "Flaky", 60, 1);
    let s = session(&sb.url, "us-east-1").await;
    let a = pets_pool_authorizer(&s, &seed, &api, "").await;
    let keys: Vec<String> = gateway::list_methods(&s, &api)
        .await
        .unwrap()
        .iter()
        .map(Method::key)
        .collect();
    sb.control("/_sandbox/config", json!({"failure_rate": 0.1, "seed": 7}));
    let dir = tempfile::tempdir().unwrap();
    let one_try = Pace {
        max_attempts: 1,
        ..Pace::default()
    };
    let (report, _) = protect(&s, dir.path(), &api, &keys, &a.id, one_try).await;
    assert_eq!(report.changed + report.failed, 60);
    assert!(
        report.failed > 0,
        "10% of 60 with one attempt each: some fail"
    );
    let now = gateway::list_methods(&s, &api).await.unwrap();
    for r in &report.results {
        let st = state_of(&now, &r.key);
        match r.status {
            Outcome::Changed => {
                assert_eq!(
                    st.authorization_type.as_str(),
                    "COGNITO_USER_POOLS",
                    "{}",
                    r.key
                )
            }
            Outcome::Failed => {
                assert_eq!(st, MethodState::open(), "{} failed and is untouched", r.key);
                let e = r.error.as_deref().unwrap();
                assert!(
                    e.contains("InternalFailure") || e.contains("ServiceUnavailable"),
                    "{e}"
                );
            }
            other => panic!(
                "{}: {other:?}: nothing was already protected or left alone",
                r.key
            ),
        }
    }
    // "Retry failed": only the failed ones, with retries, still under 10% failures.
    let failed: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.status == Outcome::Failed)
        .map(|r| r.key.clone())
        .collect();
    sb.reset_stats();
    let (retry, _) = protect(&s, dir.path(), &api, &failed, &a.id, Pace::default()).await;
    assert_eq!((retry.changed, retry.failed), (failed.len(), 0));
    assert!(sb.calls("apigateway", "UpdateMethod") >= failed.len() as u64);
    let now = gateway::list_methods(&s, &api).await.unwrap();
    assert!(now
        .iter()
        .all(|m| m.authorization_type.as_str() == "COGNITO_USER_POOLS"));
}

#[tokio::test]
async fn undo_restores_the_exact_previous_states() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let api = seed["apis"]["PetsAdmin"]["id"].as_str().unwrap();
    let s = session(&sb.url, "us-east-1").await;
    let a = pets_pool_authorizer(&s, &seed, api, "").await;
    let original = gateway::list_methods(&s, api).await.unwrap();
    let keys: Vec<String> = original.iter().map(Method::key).collect();
    let dir = tempfile::tempdir().unwrap();
    let (report, _) = protect(&s, dir.path(), api, &keys, &a.id, Pace::default()).await;
    assert_eq!(
        report.changed, 4,
        "IAM, Lambda, Cognito with scopes and OPTIONS all change"
    );

    let summary = journal::list(dir.path()).unwrap().remove(0);
    let now = gateway::list_methods(&s, api).await.unwrap();
    let undo = undo_plan::plan_undo(&now, &journal::undo_entries(&summary), false);
    let h = header(api, Action::Undo, Some(summary.header.id.clone()));
    let lock = writer(dir.path(), api);
    let r = apply::apply(&s, dir.path(), h, &undo, Pace::default(), &|_| {}, &lock)
        .await
        .unwrap();
    assert_eq!((r.changed, r.failed), (4, 0));
    let restored = gateway::list_methods(&s, api).await.unwrap();
    for m in &original {
        assert!(
            MethodState::of(m).same_as(&state_of(&restored, &m.key())),
            "{} is back as it was: {:?} vs {:?}",
            m.key(),
            MethodState::of(m),
            state_of(&restored, &m.key())
        );
    }
    assert_eq!(
        journal::list(dir.path()).unwrap()[1].undone_by.as_deref(),
        Some(r.apply_id.as_str())
    );
}

#[tokio::test]
async fn a_deploy_error_reads_as_aws_says_it() {
    let sb = Sandbox::start();
    // A method with no integration: AWS refuses to deploy the API.
    let script = r#"
api = c.create_rest_api(name='Unfinished')['id']
root = c.get_resources(restApiId=api)['items'][0]['id']
c.put_method(restApiId=api, resourceId=root, httpMethod='GET', authorizationType='NONE')
print(api)
"#;
    let api = sb.boto3(script, &[]).trim().to_string();
    let s = session(&sb.url, "us-east-1").await;
    let dir = tempfile::tempdir().unwrap();
    let err = apply::deploy(&s, dir.path(), &api, "prod", "", &writer(dir.path(), &api))
        .await
        .unwrap_err();
    match &err {
        Error::Aws { code, message } => {
            assert_eq!(code, "BadRequestException");
            assert!(
                message.contains("No integration defined for method"),
                "{message}"
            );
        }
        other => panic!("expected AWS's own error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_authorizer_is_edited_in_place() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let api = seed["apis"]["SecurePets"]["id"].as_str().unwrap();
    let s = session(&sb.url, "us-east-1").await;
    let a = pets_pool_authorizer(&s, &seed, api, "^(abc)$").await;
    let edit = AuthorizerInput {
        name: "PetsPoolV2".into(),
        identity_source: plan::DEFAULT_IDENTITY_SOURCE.into(),
        client_id_regex: String::new(),
        ttl_seconds: 0,
        ..plan::authorizer_defaults(ApiKind::Rest)
    };
    gateway::update_authorizer(&s, api, &a, &edit)
        .await
        .unwrap();
    let now = gateway::list_authorizers(&s, api).await.unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].id, a.id);
    assert_eq!(now[0].name, "PetsPoolV2");
    assert_eq!(
        now[0].identity_source.as_deref(),
        Some(plan::DEFAULT_IDENTITY_SOURCE)
    );
    assert_eq!(now[0].identity_validation_expression, None);
    assert_eq!(now[0].ttl_seconds, Some(0));
}
