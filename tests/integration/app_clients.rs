//! App clients named by name: two clients of one pool may share a name (Cognito allows it), and
//! then the name is refused as ambiguous, listing their ids, as two APIs or pools of one name
//! are; by id, each is still found.

use crate::common;

use common::cli::{protect_pets, run_with_stdin};
use common::sandbox::python;
use common::Sandbox;
use std::process::Command;

/// Creates an app client of `pool_id` (eu-west-1) straight on the sandbox; its id.
fn create_client(sb: &Sandbox, pool_id: &str, name: &str) -> String {
    let script = "import boto3, sys\n\
        idp = boto3.client('cognito-idp', endpoint_url=sys.argv[1], region_name='eu-west-1', \
        aws_access_key_id='x', aws_secret_access_key='x')\n\
        print(idp.create_user_pool_client(UserPoolId=sys.argv[2], ClientName=sys.argv[3], \
        ExplicitAuthFlows=['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])\
        ['UserPoolClient']['ClientId'])";
    let out = Command::new(python())
        .args(["-c", script, &sb.url, pool_id, name])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn two_app_clients_of_one_name_are_refused_as_ambiguous_listing_their_ids() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let home = tempfile::tempdir().unwrap();
    let pool = seed["pools"]["PetsPool"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let first = create_client(&sb, &pool, "twin");
    let second = create_client(&sb, &pool, "twin");
    assert_ne!(first, second);

    // protect --clients twin: refused before anything is planned, both ids named.
    let run = protect_pets(
        &sb,
        home.path(),
        &["--all-open", "--clients", "twin", "--dry-run"],
    );
    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("2 app clients of PetsPool are named 'twin'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("name one by its id"), "{}", run.stderr);
    for id in [&first, &second] {
        assert!(run.stderr.contains(id.as_str()), "{id}: {}", run.stderr);
    }

    // By id, each twin is found.
    for id in [&first, &second] {
        let run = protect_pets(
            &sb,
            home.path(),
            &["--all-open", "--clients", id, "--dry-run"],
        );
        assert_eq!(run.status, 0, "{id}: {}{}", run.stdout, run.stderr);
    }
    // A name only one client has still works.
    let run = protect_pets(
        &sb,
        home.path(),
        &["--all-open", "--clients", "web", "--dry-run"],
    );
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);

    // check-token's sign-in names its client the same way.
    let run = run_with_stdin(
        &sb,
        home.path(),
        &[
            "check-token",
            "--api",
            "SecurePets",
            "--username",
            "alice",
            "--client",
            "twin",
            "--pool",
            "PetsPool",
            "--pool-region",
            "eu-west-1",
            "--password-stdin",
        ],
        "Gatehouse-demo-1\n",
    );
    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("2 app clients of PetsPool are named 'twin'"),
        "{}",
        run.stderr
    );
}
