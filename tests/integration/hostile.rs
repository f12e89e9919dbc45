//! What AWS hands back is free text, and not always AWS: an API named with a terminal escape, a
//! stack tag that recolours the screen, an error message that clears it, a proxy's HTML page.
//! None of it reaches a terminal raw, and a foreign answer reads as one sentence.

use crate::common;

use common::cli::run;
use common::Sandbox;
use serde_json::json;

/// ESC and BEL: the bytes that start and end a terminal's escape sequences.
fn raw_escape(text: &str) -> bool {
    text.contains('\u{1b}') || text.contains('\u{7}') || text.contains('\u{9b}')
}

fn assert_inert(what: &str, run: &common::cli::Run) {
    assert!(
        !raw_escape(&run.stdout) && !raw_escape(&run.stderr),
        "{what} printed a raw escape:\n{:?}\n{:?}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn names_tags_and_messages_from_aws_never_reach_the_terminal_raw() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let script = r#"
api = c.create_rest_api(name='Pets\x1b]0;pwned\x07', tags={'aws:cloudformation:stack-name': '\x1b[31mshop'})['id']
root = c.get_resources(restApiId=api)['items'][0]['id']
pets = c.create_resource(restApiId=api, parentId=root, pathPart='pets')['id']
c.put_method(restApiId=api, resourceId=pets, httpMethod='GET', authorizationType='NONE')
c.put_integration(restApiId=api, resourceId=pets, httpMethod='GET', type='MOCK')
print(api)
"#;
    let api = sb.boto3(script, &[]).trim().to_string();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let protect = [
        "protect",
        "--api",
        api.as_str(),
        "--pool",
        "PetsPool",
        "--pool-region",
        "eu-west-1",
        "--methods",
        "GET /pets",
    ];

    // The stack warning names the API and its stack, escaped.
    let refused = run(&sb, h, &protect);
    assert_eq!(refused.status, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Pets\\u{1b}]0;pwned\\u{7}"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("\\u{1b}[31mshop"),
        "{}",
        refused.stderr
    );
    assert_inert("protect (refused)", &refused);

    let mut forced = protect.to_vec();
    forced.push("--force");
    let applied = run(&sb, h, &forced);
    assert_eq!(applied.status, 0, "{}", applied.stderr);
    assert_inert("protect --force", &applied);

    let audit = run(&sb, h, &["audit", "--api", &api]);
    assert_inert("audit --api", &audit);
    assert!(audit.stdout.contains("/pets"), "{}", audit.stdout);
    let sweep = run(&sb, h, &["audit", "--regions", "us-east-1"]);
    assert_inert("the sweep's table", &sweep);
    assert!(
        sweep.stdout.contains("Pets\\u{1b}]0;pwned"),
        "{}",
        sweep.stdout
    );
    let csv = run(
        &sb,
        h,
        &["audit", "--regions", "us-east-1", "--format", "csv"],
    );
    assert_inert("the sweep's CSV", &csv);

    let pool = seed["pools"]["PetsPool"]["id"].as_str().unwrap();
    let token = sb.mint_token(json!({"pool_id": pool, "token_use": "id",
        "client_id": "web-client", "username": "alice\u{1b}[5m"}));
    let check = common::cli::run_with_stdin(
        &sb,
        h,
        &["check-token", "--api", &api, "--token-stdin"],
        &token,
    );
    assert_inert("check-token", &check);
    assert!(check.stdout.contains("/pets"), "{}", check.stdout);

    // An AWS error message that would clear the screen.
    sb.control(
        "/_sandbox/config",
        json!({"errors": {"GetAuthorizers": [400, "BadRequestException", "no \u{1b}[2J\u{1b}]0;x\u{7}way"]}}),
    );
    let failed = run(&sb, h, &["audit", "--api", &api]);
    assert_eq!(failed.status, 1, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("BadRequestException: no \\u{1b}[2J"),
        "{}",
        failed.stderr
    );
    assert_inert("an AWS error message", &failed);
}

#[test]
fn an_answer_that_is_not_aws_reads_as_one_sentence() {
    let sb = Sandbox::start();
    sb.seed();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let audit = |answers: serde_json::Value| {
        sb.control("/_sandbox/config", json!({ "foreign_answers": answers }));
        let r = run(&sb, h, &["audit", "--api", "SecurePets"]);
        assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
        for dump in [
            "ServiceError",
            "SdkBody",
            "Unhandled",
            "Response {",
            "ErrorMetadata",
        ] {
            assert!(!r.stderr.contains(dump), "an SDK dump: {}", r.stderr);
        }
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        r.stderr
    };

    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let proxy = audit(json!({"GetAuthorizers": [502, "text/html; charset=utf-8", page]}));
    assert!(
        proxy.contains(
            "API Gateway answered 502 Bad Gateway with a text/html body to GetAuthorizers \
             (not an AWS answer: a proxy or a wrong endpoint_url?"
        ),
        "{proxy}"
    );
    let empty = audit(json!({"GetAuthorizers": [500, "application/json", ""]}));
    assert!(
        empty.contains(
            "API Gateway answered 500 Internal Server Error with an empty body to GetAuthorizers"
        ),
        "{empty}"
    );
    let portal =
        audit(json!({"GetRestApis": [200, "text/html", "<html>Sign in to the Wi-Fi</html>"]}));
    assert!(
        portal.contains("API Gateway answered 200 OK with a text/html body to GetRestApis"),
        "{portal}"
    );
}
