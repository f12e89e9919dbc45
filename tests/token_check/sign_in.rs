//! Signing in from the command line (public and admin flows, a wrong password) with nothing secret
//! left behind, and AWS's own authorizer test beside the verdict.

use super::common::cli::{protect_pets, run_with_stdin};
use super::common::{self, files_containing};
use super::{verdict, verdicts, Lab, ALICE_PASSWORD};
use gatehouse::core::{AwsTestRequest, CheckTokenRequest, Core, Ctx};
use gatehouse::domain::verdict::Verdict;

#[test]
fn sign_in_from_the_command_line_and_nothing_secret_is_left_behind() {
    let lab = Lab::start();
    let home = lab.home.path();
    // SecurePets protected by PetsPool but not deployed: the verdicts say they await a deploy.
    assert_eq!(protect_pets(&lab.sb, home, &["--all-open"]).status, 0);
    let sign_in = |user: &str, client: &str, pool: &str, password: &str, extra: &[&str]| {
        let base = [
            "check-token",
            "--api",
            "SecurePets",
            "--username",
            user,
            "--client",
            client,
            "--pool",
            pool,
            "--pool-region",
            "eu-west-1",
            "--password-stdin",
        ];
        run_with_stdin(
            &lab.sb,
            home,
            &[&base[..], extra].concat(),
            &format!("{password}\n"),
        )
    };
    let run = sign_in("alice", "web", "PetsPool", ALICE_PASSWORD, &["--json"]);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    let v = verdicts(&run);
    assert_eq!(verdict(&v, "GET /pets"), "allow");
    assert_eq!(verdict(&v, "POST /purchase"), "allow");
    assert_eq!(verdict(&v, "OPTIONS /pets"), "open");
    let note = run.json()["undeployedNote"].as_str().unwrap().to_string();
    assert!(
        note.contains("after you deploy") && note.contains("3 methods"),
        "{note}"
    );
    let mut outputs = vec![run];

    // --use access: the same sign-in's access token is refused where no scopes are set.
    let run = sign_in(
        "alice",
        "web",
        "PetsPool",
        ALICE_PASSWORD,
        &["--json", "--use", "access"],
    );
    assert_eq!(run.status, 3);
    assert_eq!(verdict(&verdicts(&run), "GET /pets"), "deny");
    outputs.push(run);

    // A client that only allows the admin flow: AdminInitiateAuth with the profile's keys.
    let bob = sign_in(
        "bob",
        "admin-console",
        "AdminPool",
        "Gatehouse-demo-2",
        &["--json"],
    );
    assert_eq!(bob.json()["token"]["username"], "bob", "{}", bob.stderr);
    assert_eq!(lab.sb.calls("cognito-idp", "AdminInitiateAuth"), 1);
    assert_eq!(verdict(&verdicts(&bob), "GET /pets"), "deny");

    // A wrong password: Cognito's own code and message, exit 1.
    let wrong = sign_in("alice", "web", "PetsPool", "not-her-password", &[]);
    assert_eq!(wrong.status, 1);
    assert!(
        wrong
            .stderr
            .contains("NotAuthorizedException: Incorrect username or password."),
        "{}",
        wrong.stderr
    );
    // No password and no terminal to ask on: a usage error, nothing sent.
    let base = [
        "check-token",
        "--api",
        "SecurePets",
        "--username",
        "alice",
        "--client",
        "web",
        "--pool",
        "PetsPool",
        "--pool-region",
        "eu-west-1",
    ];
    let no_password = run_with_stdin(&lab.sb, home, &base, "");
    assert_eq!(no_password.status, 2, "{}", no_password.stderr);
    assert!(no_password.stderr.contains("--password-stdin"));
    let usage = common::cli::run(&lab.sb, home, &["check-token", "--api", "SecurePets"]);
    assert_eq!(usage.status, 2);

    // Neither the password nor a token is in any file Gatehouse wrote, nor in what it printed.
    let (id, access) = lab.alice("web");
    let secrets = [
        ALICE_PASSWORD,
        id.as_str(),
        access.as_str(),
        "Gatehouse-demo-2",
    ];
    let signatures: Vec<&str> = [&id, &access]
        .iter()
        .map(|t| t.rsplit('.').next().unwrap())
        .collect();
    assert!(
        home.join("data/gatehouse/journal").is_dir(),
        "an apply was journaled"
    );
    for secret in secrets.iter().chain(&signatures) {
        let hits = files_containing(home, secret);
        assert!(hits.is_empty(), "a secret is in {hits:?}");
    }
    for out in outputs.iter().chain([&wrong]) {
        assert!(!out.stdout.contains(ALICE_PASSWORD) && !out.stderr.contains(ALICE_PASSWORD));
        // The JSON shows the claims, never the token or its signature.
        assert!(!out.stdout.contains("eyJ"), "{}", out.stdout);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_own_authorizer_test_beside_the_verdict() {
    let lab = Lab::start();
    // The only test of this file that reads the environment.
    for (k, v) in lab.sb.aws_env() {
        std::env::set_var(k, v);
    }
    let home = lab.home.path();
    std::env::set_var("AWS_CONFIG_FILE", home.join("aws-config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"));
    std::env::remove_var("AWS_PROFILE");
    let core = Core::with_dirs(home.join("journal"), home.join("config"));
    let ctx = Ctx {
        profile: "env".into(),
        region: "us-east-1".into(),
    };
    let api = core.find_api(&ctx, "TokenLab").await.unwrap();
    let (web_id, web_access) = lab.alice("web");
    let (mobile_id, _) = lab.alice("mobile");
    let test = |token: &str, path: &str| AwsTestRequest {
        api_id: api.id.clone(),
        path: path.into(),
        verb: "GET".into(),
        token: token.into(),
    };

    let ok = core
        .test_in_aws(&ctx, &test(&web_id, "/plain"))
        .await
        .unwrap();
    assert_eq!(ok.client_status, Some(200));
    assert_eq!(ok.verdict, Verdict::Allow);
    assert!(ok.agrees, "{}", ok.note);
    assert_eq!(ok.claims["cognito:username"], "alice");
    assert_eq!(ok.authorizer, "Pets");

    let refused = core
        .test_in_aws(&ctx, &test(&mobile_id, "/web-only"))
        .await
        .unwrap();
    assert_eq!(refused.client_status, Some(401));
    assert_eq!(refused.verdict, Verdict::Deny);
    assert!(refused.agrees, "{}", refused.note);

    // AWS's test handles ID tokens only: not asked, and the note says why.
    let access = core
        .test_in_aws(&ctx, &test(&web_access, "/plain"))
        .await
        .unwrap();
    assert_eq!(access.client_status, None);
    assert!(access.note.contains("ID tokens only"), "{}", access.note);
    assert_eq!(lab.sb.calls("apigateway", "TestInvokeAuthorizer"), 2);

    // A method without a Cognito authorizer cannot be tested in AWS.
    let open = core
        .test_in_aws(&ctx, &test(&web_id, "/open"))
        .await
        .unwrap_err();
    assert!(open.to_string().contains("no Cognito authorizer"), "{open}");

    // The core's check says where the API is deployed and which header carries the token.
    let check = core
        .check_token(
            &ctx,
            &CheckTokenRequest {
                api_id: api.id.clone(),
                token: web_id.clone(),
                methods: None,
                stage: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        check.invoke_base.as_deref(),
        Some(
            format!(
                "https://{}.execute-api.us-east-1.amazonaws.com/prod",
                api.id
            )
            .as_str()
        )
    );
    assert_eq!(check.headers["GET /plain"], "Authorization");
    assert!(check.undeployed_note.is_none());
}
