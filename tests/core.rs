//! The use cases called directly, as both shells call them: a `Core` on its own folders against
//! the sandbox protects SecurePets (a dry run first, then for real, then again reusing the
//! authorizer), unprotects by authorizer, and undoes that; AWS is asked what it holds after each.

mod common;

use common::cli::SCENARIO;
use common::Sandbox;
use gatehouse::core::{
    ApplyEvent, AuthorizerStatus, Core, Ctx, Methods, Pace, ProtectEvent, ProtectRequest,
    UnprotectRequest,
};
use gatehouse::domain::model::Action;
use gatehouse::domain::plan::{Warning, DEFAULT_IDENTITY_SOURCE};
use gatehouse::error::Error;
use serde_json::Value;
use std::sync::Mutex;

fn keys(list: &str) -> Methods {
    Methods::Listed {
        keys: list.split(',').map(str::to_string).collect(),
    }
}

fn protect_request(ctx: &Ctx, methods: Methods, dry_run: bool) -> ProtectRequest {
    ProtectRequest {
        ctx: ctx.clone(),
        api: "SecurePets".into(),
        pool: "PetsPool".into(),
        pool_region: Some("eu-west-1".into()),
        authorizer_name: None,
        identity_source: DEFAULT_IDENTITY_SOURCE.into(),
        client_id_regex: String::new(),
        clients: vec![],
        ttl_seconds: 60,
        scopes: vec![],
        methods,
        deploy: None,
        dry_run,
        force: false,
        pace: Pace::default(),
    }
}

/// What a use case reported as it went, in words: "planned", "started", "method", "finished".
#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl Events {
    fn record(&self, e: ProtectEvent<'_>) {
        let word = match e {
            ProtectEvent::Planned(_) => "planned",
            ProtectEvent::Apply(ApplyEvent::Started { .. }) => "started",
            ProtectEvent::Apply(ApplyEvent::Method { .. }) => "method",
            ProtectEvent::Apply(ApplyEvent::Finished { .. }) => "finished",
        };
        self.0.lock().unwrap().push(word.into());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The seed scenario's three methods are protected by the Cognito authorizer `authorizer_id`.
fn assert_scenario_protected_by(aws: &Value, authorizer_id: &str) {
    for key in SCENARIO.split(',') {
        assert_eq!(
            authorization(aws, key),
            ("COGNITO_USER_POOLS".into(), Value::from(authorizer_id)),
            "{key}"
        );
    }
}

fn authorization(state: &Value, key: &str) -> (String, Value) {
    let m = &state["methods"][key];
    (
        m["authorizationType"].as_str().unwrap_or("").to_string(),
        m["authorizerId"].clone(),
    )
}

fn calls(sb: &Sandbox, ops: &[&str]) -> u64 {
    ops.iter().map(|op| sb.calls("apigateway", op)).sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn protect_reuse_unprotect_and_undo_through_the_core() {
    let sb = Sandbox::start();
    let (_, api_id) = sb.seed_pets();
    let home = tempfile::tempdir().unwrap();
    // The only test of this file that reads the environment (the other polls nothing).
    for (k, v) in sb.aws_env() {
        std::env::set_var(k, v);
    }
    std::env::set_var("AWS_CONFIG_FILE", home.path().join("aws-config"));
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        home.path().join("aws-credentials"),
    );
    std::env::remove_var("AWS_PROFILE");
    let core = Core::with_dirs(home.path().join("journal"), home.path().join("config"));
    let ctx = Ctx {
        profile: "env".into(),
        region: "us-east-1".into(),
    };
    let events = Events::default();
    let progress = |e: ProtectEvent<'_>| events.record(e);
    let writes = ["CreateAuthorizer", "UpdateMethod", "CreateDeployment"];
    let untouched = sb.aws_state(&api_id);

    // A dry run: the authorizer would be created, every open method but OPTIONS would get it.
    sb.reset_stats();
    let dry = core
        .protect(protect_request(&ctx, Methods::AllOpen, true), &progress)
        .await
        .unwrap();
    let a = dry.authorizer.as_ref().unwrap();
    assert_eq!((a.id.as_deref(), a.name.as_str()), (None, "PetsPool"));
    assert_eq!(a.status, AuthorizerStatus::WouldBeCreated);
    let mut planned: Vec<String> = dry
        .plan
        .as_ref()
        .unwrap()
        .items
        .iter()
        .map(|i| i.key())
        .collect();
    planned.sort();
    assert_eq!(planned, ["GET /pets", "POST /purchase", "PURCHASE /pets"]);
    assert!(dry.report.is_none() && dry.deployment.is_none() && !dry.stopped_by_warnings);
    assert_eq!(events.take(), Vec::<String>::new(), "nothing is applied");
    assert_eq!(calls(&sb, &writes), 0);
    assert_eq!(sb.aws_state(&api_id), untouched);

    // OPTIONS named on purpose: the warning stops it before the authorizer is created.
    let stopped = core
        .protect(
            protect_request(&ctx, keys("OPTIONS /pets"), false),
            &progress,
        )
        .await
        .unwrap();
    assert!(stopped.stopped_by_warnings);
    assert!(matches!(
        stopped.warnings.as_slice(),
        [Warning::OptionsSelected { .. }]
    ));
    assert!(stopped.plan.is_none() && stopped.report.is_none());
    assert_eq!(calls(&sb, &writes), 0);
    assert_eq!(sb.aws_state(&api_id), untouched);

    // Another Gatehouse writing to SecurePets: refused at once, before anything is created.
    let other = Core::with_dirs(home.path().join("journal"), home.path().join("config2"));
    let held = other
        .lock_api(&ctx, &api_id, "SecurePets", Action::Protect)
        .await
        .unwrap();
    let busy = core
        .protect(protect_request(&ctx, keys(SCENARIO), false), &progress)
        .await
        .unwrap_err();
    assert!(matches!(busy, Error::Busy(_)), "{busy:?}");
    drop(held);
    assert_eq!(calls(&sb, &writes), 0);

    // For real: the authorizer is created, three methods protected, the API deployed.
    let mut req = protect_request(&ctx, keys(SCENARIO), false);
    req.deploy = Some("prod".into());
    let done = core.protect(req, &progress).await.unwrap();
    let a = done.authorizer.clone().unwrap();
    assert_eq!(a.status, AuthorizerStatus::Created);
    let authorizer_id = a.id.clone().unwrap();
    let report = done.report.as_ref().unwrap();
    assert_eq!((report.changed, report.unchanged, report.failed), (3, 0, 0));
    assert_eq!(done.deployment.as_ref().unwrap().stage, "prod");
    assert_eq!(
        events.take(),
        ["planned", "started", "method", "method", "method", "finished"],
        "the preview comes before the first call"
    );
    let aws = sb.aws_state(&api_id);
    assert_scenario_protected_by(&aws, &authorizer_id);
    assert_eq!(authorization(&aws, "OPTIONS /pets").0, "NONE");
    assert_eq!(aws["authorizers"].as_array().unwrap().len(), 1);
    assert_eq!(
        aws["deployments"].as_u64().unwrap(),
        untouched["deployments"].as_u64().unwrap() + 1
    );

    // Again: the authorizer is reused, nothing is left to change, nothing is created.
    let again = core
        .protect(protect_request(&ctx, keys("GET /pets"), false), &progress)
        .await
        .unwrap();
    let a = again.authorizer.as_ref().unwrap();
    assert_eq!(
        (a.status, a.id.as_deref()),
        (AuthorizerStatus::Reused, Some(authorizer_id.as_str()))
    );
    let report = again.report.as_ref().unwrap();
    assert_eq!((report.changed, report.unchanged), (0, 1));
    assert_eq!(
        sb.aws_state(&api_id)["authorizers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let nothing = core
        .protect(protect_request(&ctx, Methods::AllOpen, false), &progress)
        .await
        .unwrap();
    assert_eq!(
        nothing.nothing_to_do.as_deref(),
        Some("No open method to protect (OPTIONS excepted).")
    );
    events.take();

    // Unprotect every method the authorizer protects, by its name.
    let off = core
        .unprotect(
            UnprotectRequest {
                ctx: ctx.clone(),
                api: api_id.clone(),
                methods: Methods::UsingAuthorizer {
                    authorizer: "PetsPool".into(),
                },
                deploy: None,
                dry_run: false,
                force: false,
                pace: Pace::default(),
            },
            &progress,
        )
        .await
        .unwrap();
    assert!(off.authorizer.is_none());
    assert_eq!(off.report.as_ref().unwrap().changed, 3);
    let aws = sb.aws_state(&api_id);
    for key in SCENARIO.split(',') {
        assert_eq!(authorization(&aws, key).0, "NONE", "{key}");
    }
    let unprotect_id = off.report.as_ref().unwrap().apply_id.clone();

    // Undo it: the three methods get the authorizer back.
    let last = core.find_apply(None).unwrap();
    assert_eq!(last.header.id, unprotect_id);
    let undo_events = Events::default();
    let undone = core
        .undo(&unprotect_id, false, Pace::default(), &|e| {
            undo_events.record(ProtectEvent::Apply(e))
        })
        .await
        .unwrap();
    assert_eq!((undone.changed, undone.skipped), (3, 0));
    let aws = sb.aws_state(&api_id);
    assert_scenario_protected_by(&aws, &authorizer_id);
    let history = core.history().unwrap();
    assert_eq!(history[0].header.action, Action::Undo);
    assert_eq!(
        history
            .iter()
            .find(|h| h.header.id == unprotect_id)
            .unwrap()
            .undone_by
            .as_deref(),
        Some(history[0].header.id.as_str())
    );

    // An authorizer's edit and delete are writes like any other: refused while another
    // Gatehouse holds the API, before anything is read or sent.
    let held = other
        .lock_api(&ctx, &api_id, "SecurePets", Action::Protect)
        .await
        .unwrap();
    sb.reset_stats();
    let edit = gatehouse::domain::plan::AuthorizerInput {
        name: "PetsPool-renamed".into(),
        ttl_seconds: 120,
        ..gatehouse::domain::plan::authorizer_defaults(gatehouse::domain::model::ApiKind::Rest)
    };
    let busy = core
        .update_authorizer(&ctx, &api_id, &authorizer_id, &edit)
        .await
        .unwrap_err();
    assert!(matches!(busy, Error::Busy(_)), "{busy:?}");
    let busy = core
        .delete_authorizer(&ctx, &api_id, &authorizer_id)
        .await
        .unwrap_err();
    assert!(matches!(busy, Error::Busy(_)), "{busy:?}");
    assert_eq!(
        calls(
            &sb,
            &["UpdateAuthorizer", "DeleteAuthorizer", "GetAuthorizers"]
        ),
        0
    );
    drop(held);
    core.update_authorizer(&ctx, &api_id, &authorizer_id, &edit)
        .await
        .unwrap();
    let names: Vec<Value> = sb.aws_state(&api_id)["authorizers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(names, ["PetsPool-renamed"]);
}

/// The window's commands run on Tauri's async runtime: the use cases' futures must be `Send`.
#[test]
fn the_use_cases_can_run_in_an_async_command() {
    fn send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let core = Core::with_dirs(dir.path().join("journal"), dir.path().join("config"));
    let ctx = Ctx {
        profile: "env".into(),
        region: "us-east-1".into(),
    };
    let progress = |_: ProtectEvent<'_>| {};
    send(&core.protect(protect_request(&ctx, Methods::AllOpen, true), &progress));
    let unprotect = UnprotectRequest {
        ctx: ctx.clone(),
        api: "SecurePets".into(),
        methods: keys("GET /pets"),
        deploy: None,
        dry_run: true,
        force: false,
        pace: Pace::default(),
    };
    send(&core.unprotect(unprotect, &progress));
}
