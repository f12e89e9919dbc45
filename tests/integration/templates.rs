//! `gatehouse protect --as-code` and `gatehouse export`: an API owned by code gets its code
//! changed — the stack's deployed template or the user's own file (CloudFormation YAML and JSON,
//! SAM, Terraform) patched where the change needs it, a change set created and never executed —
//! and every output is judged by the tools its users run (cfn-lint, aws-sam-translator, checkov,
//! python-hcl2, tsc against aws-cdk-lib). Nothing is sent to API Gateway.

use crate::common::cli::{protect_pets, run, Run};
use crate::common::judges::{cdk_type_check, cfn_lint_errors, checkov, hcl2, sam};
use crate::common::sandbox::repo_root;
use crate::common::Sandbox;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/templates/fixtures").join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `gatehouse protect --api API --pool PetsPool --pool-region eu-west-1 --as-code ARGS…`
fn as_code(sb: &Sandbox, home: &Path, api: &str, args: &[&str]) -> Run {
    let base = [
        "protect",
        "--api",
        api,
        "--pool",
        "PetsPool",
        "--pool-region",
        "eu-west-1",
        "--as-code",
    ];
    run(sb, home, &[&base[..], args].concat())
}

/// The `-`/`+` lines of a unified diff, without its file names.
fn changed_lines(diff: &str) -> (Vec<&str>, Vec<&str>) {
    let body = diff
        .lines()
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"));
    let (minus, plus): (Vec<&str>, Vec<&str>) = body
        .filter(|l| l.starts_with('-') || l.starts_with('+'))
        .partition(|l| l.starts_with('-'));
    (minus, plus)
}

/// Nothing reached API Gateway's write side.
fn nothing_sent(sb: &Sandbox) {
    for op in [
        "UpdateMethod",
        "CreateAuthorizer",
        "CreateDeployment",
        "UpdateStage",
    ] {
        assert_eq!(sb.calls("apigateway", op), 0, "{op} was called");
    }
}

/// The open methods (OPTIONS excepted) Gatehouse's own review finds on an API.
fn open_in_review(sb: &Sandbox, home: &Path, api: &str) -> Vec<String> {
    let audit = run(sb, home, &["audit", "--api", api, "--json"]);
    assert_eq!(audit.status, 0, "{}", audit.stderr);
    let v = audit.json();
    let api = v["apis"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == api).cloned())
        .unwrap_or_else(|| v.clone());
    let mut open: Vec<String> = api["methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["authorizationType"] == "NONE" && m["verb"] != "OPTIONS")
        .map(|m| {
            format!(
                "{} {}",
                m["verb"].as_str().unwrap(),
                m["path"].as_str().unwrap()
            )
        })
        .collect();
    open.sort();
    open
}

#[test]
fn a_stack_owned_api_gets_its_deployed_template_patched_and_a_change_set_to_review() {
    let sb = Sandbox::start();
    sb.seed();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let original = read(&fixture("pets-stack.yaml"));
    sb.create_stack("pets-stack", &original)
        .expect("the stack makes its RestApi");
    // The sandbox tags the API as CloudFormation does: Gatehouse sees who owns it.
    let audit = run(&sb, home, &["audit", "--api", "PetsStack", "--json"]);
    assert_eq!(
        audit.json()["apis"][0]["managedBy"]["stack"],
        "pets-stack",
        "{}",
        audit.stdout
    );
    // The judge and the review agree on what is open before.
    assert_eq!(
        open_in_review(&sb, home, "PetsStack"),
        ["GET /pets", "POST /purchase"]
    );
    let (_, failed) = checkov("CKV_AWS_59", &fixture("pets-stack.yaml"), "cloudformation");
    assert_eq!(
        failed,
        [
            "AWS::ApiGateway::Method.GetPets",
            "AWS::ApiGateway::Method.PostPurchase"
        ]
    );

    sb.reset_stats();
    let out_file = home.join("pets-stack.patched.yaml");
    let out = as_code(
        &sb,
        home,
        "PetsStack",
        &[
            "--all-open",
            "--change-set",
            "gatehouse-protect",
            "--out",
            &out_file.to_string_lossy(),
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    // The diff touches only what the change needs: comments and layout elsewhere are kept.
    let (minus, plus) = changed_lines(&out.stdout);
    assert_eq!(
        minus,
        [
            "-      AuthorizationType: NONE   # open until Cognito is wired",
            "-      AuthorizationType: NONE",
            "-  Deployment:",
        ],
        "{}",
        out.stdout
    );
    assert!(plus
        .contains(&"+      AuthorizationType: COGNITO_USER_POOLS   # open until Cognito is wired"));
    assert_eq!(
        plus.iter()
            .filter(|l| **l == "+      AuthorizerId: !Ref PetsPoolAuthorizer")
            .count(),
        2
    );
    let patched = read(&out_file);
    assert!(patched.contains("      Description: 'Pets, as code'   # single quotes kept\n"));
    assert!(patched.contains("  # The CORS preflight: must stay open.\n  OptionsPets:"));
    assert!(patched.contains("      HttpMethod: OPTIONS\n      AuthorizationType: NONE\n"));
    assert!(
        out.stderr
            .contains("stack pets-stack (its deployed template)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("renamed Deployment"), "{}", out.stderr);

    // Judged as its users would: cfn-lint clean, checkov passes every method now (OPTIONS is
    // the preflight, which the check leaves out).
    assert_eq!(cfn_lint_errors(&out_file), Vec::<Value>::new());
    let (passed, failed) = checkov("CKV_AWS_59", &out_file, "cloudformation");
    assert_eq!(failed, Vec::<String>::new());
    assert_eq!(
        passed,
        [
            "AWS::ApiGateway::Method.GetPets",
            "AWS::ApiGateway::Method.OptionsPets",
            "AWS::ApiGateway::Method.PostPurchase"
        ]
    );

    // The change set holds the patched template, waiting; the stack is as it was.
    let cs = sb.change_set("pets-stack", "gatehouse-protect");
    assert_eq!(cs["body"], patched.as_str());
    assert_eq!(cs["execution"], "AVAILABLE", "{cs}");
    assert_eq!(cs["stackStatus"], "CREATE_COMPLETE", "{cs}");
    assert!(out
        .stderr
        .contains("Change set gatehouse-protect created on stack pets-stack (not executed)."));
    assert!(out.stderr.contains("aws cloudformation execute-change-set --region us-east-1 --stack-name pets-stack --change-set-name gatehouse-protect"));
    nothing_sent(&sb);
    assert_eq!(
        open_in_review(&sb, home, "PetsStack"),
        ["GET /pets", "POST /purchase"]
    );

    // A second run on the patched file finds everything already so, and refuses a change set
    // that would change nothing.
    let again = as_code(
        &sb,
        home,
        "PetsStack",
        &[
            "--all-open",
            "--template",
            &out_file.to_string_lossy(),
            "--change-set",
            "again",
        ],
    );
    assert_eq!(again.status, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("a change set would change nothing"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_json_template_stays_json_and_the_file_is_the_source() {
    let sb = Sandbox::start();
    sb.seed();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    sb.create_stack("pets-json", &read(&fixture("pets-json.json")))
        .expect("the stack makes its RestApi");
    sb.reset_stats();
    let out_file = home.join("pets.json");
    let out = as_code(
        &sb,
        home,
        "PetsJson",
        &[
            "--methods",
            "GET /pets",
            "--scopes",
            "pets/read",
            "--template",
            &fixture("pets-json.json").to_string_lossy(),
            "--out",
            &out_file.to_string_lossy(),
            "--json",
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let outcome = out.json();
    assert_eq!(outcome["patched"]["format"], "cloudformation-json");
    assert_eq!(
        outcome["patched"]["changed"],
        serde_json::json!(["GET /pets"])
    );
    // With --template the stack is not read.
    assert_eq!(sb.calls("cloudformation", "GetTemplate"), 0);
    let patched = read(&out_file);
    let v: Value = serde_json::from_str(&patched).expect("still JSON");
    let m = &v["Resources"]["GetPets"]["Properties"];
    assert_eq!(m["AuthorizationType"], "COGNITO_USER_POOLS");
    assert_eq!(m["AuthorizerId"]["Ref"], "PetsPoolAuthorizer");
    assert_eq!(m["AuthorizationScopes"], serde_json::json!(["pets/read"]));
    let (minus, _) = changed_lines(outcome["patched"]["diff"].as_str().unwrap());
    assert_eq!(
        minus,
        [
            "-        \"AuthorizationType\": \"NONE\",",
            "-    \"Deployment\": {"
        ]
    );
    assert_eq!(cfn_lint_errors(&out_file), Vec::<Value>::new());
    let (passed, failed) = checkov("CKV_AWS_59", &out_file, "cloudformation");
    assert!(failed.is_empty() && passed.contains(&"AWS::ApiGateway::Method.GetPets".to_string()));
    nothing_sent(&sb);
}

#[test]
fn a_sam_template_with_cors_gets_the_authorizer_and_the_preflight_stays_open() {
    let (sb, home, _) = crate::common::cli::seeded();
    let home = home.path();
    sb.reset_stats();
    // SecurePets has PURCHASE /pets, which this SAM template does not declare: said, not guessed.
    let missing = as_code(
        &sb,
        home,
        "SecurePets",
        &[
            "--all-open",
            "--template",
            &fixture("sam-cors.yaml").to_string_lossy(),
        ],
    );
    assert_eq!(missing.status, 2, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .contains("no function event for PURCHASE /pets on PetsApi; its events are GET /pets, POST /purchase"),
        "{}",
        missing.stderr
    );
    let out_file = home.join("template.yaml");
    let out = as_code(
        &sb,
        home,
        "SecurePets",
        &[
            "--methods",
            "GET /pets,POST /purchase",
            "--template",
            &fixture("sam-cors.yaml").to_string_lossy(),
            "--out",
            &out_file.to_string_lossy(),
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("+      Auth:\n+        Authorizers:\n+          PetsPool:\n"),
        "{}",
        out.stdout
    );
    assert!(!read(&out_file).contains("DefaultAuthorizer"));
    assert_eq!(cfn_lint_errors(&out_file), Vec::<Value>::new());
    // SAM's own transform: every chosen operation has the authorizer, the preflight has none.
    let (errors, transformed) = sam(&out_file);
    assert_eq!(errors, Vec::<Value>::new());
    let body = rest_body(&transformed);
    assert_eq!(
        body["paths"]["/pets"]["get"]["security"],
        serde_json::json!([{"PetsPool": []}])
    );
    assert_eq!(
        body["paths"]["/purchase"]["post"]["security"],
        serde_json::json!([{"PetsPool": []}])
    );
    assert!(body["paths"]["/pets"]["options"].is_object(), "{body}");
    assert!(
        body["paths"]["/pets"]["options"]["security"].is_null(),
        "{body}"
    );
    let scheme = &body["securityDefinitions"]["PetsPool"];
    assert_eq!(
        scheme["x-amazon-apigateway-authtype"], "cognito_user_pools",
        "{body}"
    );
    // Before the patch the same transform leaves GET /pets open.
    let (_, before) = sam(&fixture("sam-cors.yaml"));
    assert!(rest_body(&before)["paths"]["/pets"]["get"]["security"].is_null());

    // A SAM stack: its deployed template (Original) is the SAM source, patched the same way and
    // sent as a change set. (moto makes no API for AWS::Serverless::Api: the one CloudFormation
    // would make is made here, tagged as CloudFormation tags it.)
    let sam_text = read(&fixture("sam-cors.yaml"));
    assert_eq!(sb.create_stack("sam-pets", &sam_text), None);
    let script = r#"
a = c.create_rest_api(name='SamPets', tags={'aws:cloudformation:stack-name': 'sam-pets',
                                             'aws:cloudformation:logical-id': 'PetsApi'})
root = c.get_resources(restApiId=a['id'])['items'][0]['id']
for part, verb in (('pets', 'GET'), ('purchase', 'POST')):
    r = c.create_resource(restApiId=a['id'], parentId=root, pathPart=part)
    c.put_method(restApiId=a['id'], resourceId=r['id'], httpMethod=verb, authorizationType='NONE')
"#;
    sb.boto3(script, &[]);
    let stack = as_code(
        &sb,
        home,
        "SamPets",
        &["--all-open", "--change-set", "sam-protect"],
    );
    assert_eq!(stack.status, 0, "{}", stack.stderr);
    assert!(
        stack
            .stderr
            .contains("SAM (YAML) from stack sam-pets (its deployed template): protecting GET /pets, POST /purchase"),
        "{}",
        stack.stderr
    );
    let cs = sb.change_set("sam-pets", "sam-protect");
    let body = home.join("sam-change-set.yaml");
    std::fs::write(&body, cs["body"].as_str().unwrap()).unwrap();
    assert_eq!(read(&body), read(&out_file));
    let (errors, _) = sam(&body);
    assert_eq!(errors, Vec::<Value>::new());
    nothing_sent(&sb);
}

/// The OpenAPI body of the one RestApi in a transformed SAM template.
fn rest_body(transformed: &Value) -> Value {
    transformed["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::ApiGateway::RestApi")
        .map(|r| r["Properties"]["Body"].clone())
        .expect("a RestApi with a Body")
}

#[test]
fn an_http_api_in_sam_gets_a_jwt_authorizer_for_its_clients() {
    let (sb, home, _) = crate::common::cli::seeded();
    let home = home.path();
    sb.reset_stats();
    let out_file = home.join("template.yaml");
    let out = as_code(
        &sb,
        home,
        "PetsHttp",
        &[
            "--clients",
            "web",
            "--methods",
            "GET /parcels,POST /parcels",
            "--template",
            &fixture("sam-http.yaml").to_string_lossy(),
            "--out",
            &out_file.to_string_lossy(),
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let (errors, transformed) = sam(&out_file);
    assert_eq!(errors, Vec::<Value>::new());
    let api = transformed["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::ApiGatewayV2::Api")
        .expect("an HTTP API")
        .clone();
    let body = &api["Properties"]["Body"];
    let scheme =
        &body["components"]["securitySchemes"]["PetsPool"]["x-amazon-apigateway-authorizer"];
    assert_eq!(scheme["type"], "jwt", "{body}");
    let pools = run(&sb, home, &["pools", "--region", "eu-west-1", "--json"]).json();
    let pets = pools["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "PetsPool")
        .unwrap();
    let issuer = format!(
        "https://cognito-idp.eu-west-1.amazonaws.com/{}",
        pets["id"].as_str().unwrap()
    );
    assert_eq!(
        scheme["jwtConfiguration"]["issuer"],
        issuer.as_str(),
        "{body}"
    );
    let web = pets["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "web")
        .unwrap();
    assert_eq!(
        scheme["jwtConfiguration"]["audience"],
        serde_json::json!([web["id"]])
    );
    for verb in ["get", "post"] {
        assert_eq!(
            body["paths"]["/parcels"][verb]["security"],
            serde_json::json!([{"PetsPool": []}]),
            "{body}"
        );
    }
    nothing_sent(&sb);
}

#[test]
fn a_terraform_configuration_is_patched_in_place_and_checkov_agrees() {
    let (sb, home, _) = crate::common::cli::seeded();
    let home = home.path();
    sb.reset_stats();
    let tf = home.join("main.tf");
    std::fs::copy(fixture("main.tf"), &tf).unwrap();
    let (_, failed) = checkov("CKV_AWS_59", &tf, "terraform");
    assert_eq!(
        failed,
        [
            "aws_api_gateway_method.get_pets",
            "aws_api_gateway_method.post_purchase"
        ]
    );
    // The review also finds PURCHASE /pets open: a verb the Terraform file cannot hold, so
    // --all-open is refused naming what the file declares.
    assert_eq!(
        open_in_review(&sb, home, "SecurePets"),
        ["GET /pets", "POST /purchase", "PURCHASE /pets"]
    );
    let all = as_code(
        &sb,
        home,
        "SecurePets",
        &["--all-open", "--template", &tf.to_string_lossy()],
    );
    assert_eq!(all.status, 2, "{}", all.stderr);
    assert!(all.stderr.contains("PURCHASE /pets"), "{}", all.stderr);
    let out = as_code(
        &sb,
        home,
        "SecurePets",
        &[
            "--methods",
            "GET /pets,POST /purchase",
            "--template",
            &tf.to_string_lossy(),
            "--out",
            &tf.to_string_lossy(),
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Terraform from main.tf"),
        "{}",
        out.stderr
    );
    let patched = read(&tf);
    assert!(patched.starts_with("# SecurePets, as the pets team wrote it in Terraform. (PURCHASE /pets is not here: the AWS\n# provider takes no custom verb.)\n"));
    assert!(
        patched.contains("authorization = \"COGNITO_USER_POOLS\" # TODO"),
        "{patched}"
    );
    assert!(patched.contains("triggers"), "{patched}");
    hcl2(&tf).expect("python-hcl2 parses the patched configuration");
    let (passed, failed) = checkov("CKV_AWS_59", &tf, "terraform");
    assert_eq!(failed, Vec::<String>::new());
    assert_eq!(passed.len(), 3, "{passed:?}");

    // An API tagged as Terraform's, without its configuration: the HCL to add.
    let script = r#"
a = c.create_rest_api(name='TfPets', tags={'managed-by': 'terraform'})
root = c.get_resources(restApiId=a['id'])['items'][0]['id']
r = c.create_resource(restApiId=a['id'], parentId=root, pathPart='pets')
c.put_method(restApiId=a['id'], resourceId=r['id'], httpMethod='GET', authorizationType='NONE')
print(a['id'])
"#;
    let tf_api = sb.boto3(script, &[]).trim().to_string();
    let add = home.join("to-add.tf");
    let out = as_code(
        &sb,
        home,
        "TfPets",
        &["--methods", "GET /pets", "--out", &add.to_string_lossy()],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("resource \"aws_api_gateway_authorizer\" \"pets_pool\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("rest_api_id                      = \"{tf_api}\"")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("#   GET /pets\n"), "{}", out.stdout);
    assert!(
        out.stderr.contains("this is the HCL to add"),
        "{}",
        out.stderr
    );
    hcl2(&add).expect("python-hcl2 parses the HCL to add");
    nothing_sent(&sb);
}

#[test]
fn export_writes_each_format_its_tools_accept_and_the_judges_agree_with_the_review() {
    let (sb, home, api_id) = crate::common::cli::seeded();
    let home = home.path();
    let protect = protect_pets(
        &sb,
        home,
        &["--methods", "GET /pets", "--scopes", "pets/read"],
    );
    assert_eq!(protect.status, 0, "{}", protect.stderr);
    let http = run(
        &sb,
        home,
        &[
            "protect",
            "--api",
            "PetsHttp",
            "--pool",
            "PetsPool",
            "--pool-region",
            "eu-west-1",
            "--clients",
            "web",
            "--methods",
            "GET /parcels",
            "--force",
        ],
    );
    assert_eq!(http.status, 0, "{}", http.stderr);
    let open = open_in_review(&sb, home, "SecurePets");
    assert_eq!(open, ["POST /purchase", "PURCHASE /pets"]);
    sb.reset_stats();
    let export = |api: &str, format: &str, file: &Path| {
        let out = run(
            &sb,
            home,
            &[
                "export",
                "--api",
                api,
                "--format",
                format,
                "--out",
                &file.to_string_lossy(),
            ],
        );
        assert_eq!(out.status, 0, "{}", out.stderr);
        read(file)
    };

    // A stage the API does not have is bad input, named with the stages it has.
    let nope = run(
        &sb,
        home,
        &[
            "export",
            "--api",
            "SecurePets",
            "--format",
            "sam",
            "--stage",
            "nope",
        ],
    );
    assert_eq!(nope.status, 2, "{}", nope.stderr);
    assert!(
        nope.stderr
            .contains("SecurePets has no stage nope; its stages: prod"),
        "{}",
        nope.stderr
    );
    // What prod serves (deployed before the protect): every method open, none protected.
    let served = home.join("prod.yaml");
    let prod = run(
        &sb,
        home,
        &[
            "export",
            "--api",
            "SecurePets",
            "--format",
            "cloudformation",
            "--stage",
            "prod",
            "--out",
            &served.to_string_lossy(),
        ],
    );
    assert_eq!(prod.status, 0, "{}", prod.stderr);
    let (passed, failed) = checkov("CKV_AWS_59", &served, "cloudformation");
    assert_eq!(
        (passed.len(), failed.len()),
        (1, 3),
        "{passed:?} {failed:?}"
    );

    // CloudFormation, ready for resource import.
    let cfn = home.join("securepets.yaml");
    export("SecurePets", "cloudformation", &cfn);
    assert_eq!(cfn_lint_errors(&cfn), Vec::<Value>::new());
    let (passed, failed) = checkov("CKV_AWS_59", &cfn, "cloudformation");
    assert_eq!(failed.len(), open.len(), "{failed:?} vs {open:?}");
    assert!(!passed.is_empty());
    let import: Value =
        serde_json::from_str(&read(&home.join("securepets.yaml.import.json"))).unwrap();
    assert!(
        import
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ResourceType"] == "AWS::ApiGateway::Method"
                && r["ResourceIdentifier"]["RestApiId"] == api_id.as_str()
                && r["ResourceIdentifier"]["HttpMethod"] == "GET"),
        "{import}"
    );

    // SAM: transformed by SAM, then clean.
    let sam_file = home.join("securepets.sam.yaml");
    export("SecurePets", "sam", &sam_file);
    let (errors, _) = sam(&sam_file);
    assert_eq!(errors, Vec::<Value>::new());

    // Terraform with import blocks; checkov agrees with the review for methods and routes.
    let tf_dir = home.join("tf");
    std::fs::create_dir_all(&tf_dir).unwrap();
    let tf = tf_dir.join("securepets.tf");
    let text = export("SecurePets", "terraform", &tf);
    hcl2(&tf).expect("python-hcl2 parses the export");
    assert!(text.contains("import {"), "{text}");
    assert!(text.contains(&format!("id = \"{api_id}/")), "{text}");
    // The AWS provider takes no custom verb: PURCHASE /pets is named as left out, not dropped.
    assert!(text.contains("# PURCHASE /pets: not exported."), "{text}");
    let (_, failed) = checkov("CKV_AWS_59", &tf, "terraform");
    assert_eq!(failed, ["aws_api_gateway_method.post_purchase"], "{open:?}");
    let http_dir = home.join("tf-http");
    std::fs::create_dir_all(&http_dir).unwrap();
    let http_tf = http_dir.join("petshttp.tf");
    export("PetsHttp", "terraform", &http_tf);
    hcl2(&http_tf).expect("python-hcl2 parses the HTTP export");
    let (passed, failed) = checkov("CKV_AWS_309", &http_tf, "terraform");
    assert_eq!(passed.len(), 1, "{passed:?}");
    assert!(!failed.is_empty());

    // CDK: type-checked against aws-cdk-lib's declarations, naming the existing pool.
    let out_dir = repo_root().join("tests/templates/cdk/out");
    std::fs::create_dir_all(&out_dir).unwrap();
    for (api, file) in [("SecurePets", "securepets.ts"), ("PetsHttp", "petshttp.ts")] {
        let text = export(api, "cdk", &out_dir.join(file));
        assert!(text.contains("cognito.UserPool.fromUserPool"), "{text}");
        assert!(!text.contains("new cognito.UserPool("), "{text}");
    }
    cdk_type_check().unwrap_or_else(|e| panic!("tsc refused the CDK export:\n{e}"));
    // Exports only read.
    nothing_sent(&sb);
    assert_eq!(sb.calls("apigatewayv2", "UpdateRoute"), 0);
}
