//! The AWS adapters against the local sandbox: listing, pagination, every badge, error mapping.

use crate::common;

use common::sandbox::session;
use common::Sandbox;
use gatehouse::aws::{cognito, gateway, identity};
use gatehouse::domain::audit::Show;
use gatehouse::domain::model::{ApiKind, Protection};
use gatehouse::error::Error;

#[tokio::test]
async fn securepets_methods_are_all_open_and_counted() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let s = session(&sb.url, "us-east-1").await;
    let apis = gateway::list_apis(&s).await.unwrap();
    // REST and HTTP APIs together, each with its kind; the WebSocket API is listed as such.
    let names: Vec<String> = apis
        .iter()
        .map(|a| format!("{} {:?}", a.name, a.kind))
        .collect();
    assert_eq!(
        names,
        [
            "ParcelsManual Http",
            "PetsAdmin Rest",
            "PetsChat Websocket",
            "PetsHttp Http",
            "SecurePets Rest"
        ]
    );
    let id = seed["apis"]["SecurePets"]["id"].as_str().unwrap();
    let review = gatehouse::core::review(&s, id).await.unwrap();
    let keys: Vec<String> = review.methods.iter().map(|v| v.method.key()).collect();
    assert_eq!(
        keys,
        [
            "GET /pets",
            "PURCHASE /pets",
            "OPTIONS /pets",
            "POST /purchase"
        ]
    );
    assert!(review
        .methods
        .iter()
        .all(|v| v.protection == Protection::Open));
    assert_eq!(review.summary.total, 4);
    assert_eq!(review.summary.open, 4);
    assert_eq!(review.summary.open_options, 1);
    assert_eq!(
        review.summary_line,
        "0 of 4 methods protected · 4 open (1 OPTIONS)"
    );
}

#[tokio::test]
async fn every_badge_kind_is_read_from_aws() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let s = session(&sb.url, "us-east-1").await;
    let id = seed["apis"]["PetsAdmin"]["id"].as_str().unwrap();
    let review = gatehouse::core::review(&s, id).await.unwrap();
    let by_key = |k: &str| review.methods.iter().find(|v| v.method.key() == k).unwrap();
    assert_eq!(by_key("GET /reports").protection, Protection::Iam);
    assert_eq!(
        by_key("GET /legacy").protection,
        Protection::Lambda {
            authorizer: "LegacyTokenAuth".into()
        }
    );
    let profile = by_key("GET /profile");
    match &profile.protection {
        Protection::Cognito { authorizer, scopes } => {
            assert_eq!(authorizer, "AdminPool");
            let mut scopes = scopes.clone();
            scopes.sort();
            assert_eq!(scopes, ["pets/admin", "pets/read"]);
        }
        other => panic!("GET /profile should be Cognito, is {other:?}"),
    }
    assert!(review.methods.iter().any(|v| v.method.api_key_required));
    assert_eq!(by_key("OPTIONS /profile").protection, Protection::Open);
    let protected = gatehouse::domain::audit::filter(&review.methods, Show::Protected, "");
    assert_eq!(protected.len(), 3);
    let kinds: Vec<&str> = review
        .authorizers
        .iter()
        .map(|a| a.authorizer.kind.as_str())
        .collect();
    assert_eq!(kinds, ["COGNITO_USER_POOLS", "TOKEN"]);
}

#[tokio::test]
async fn six_hundred_resources_load_in_two_pages_and_one_authorizers_call() {
    let sb = Sandbox::start();
    let id = sb.bulk_api("us-east-1", "Big", 600, 2);
    let s = session(&sb.url, "us-east-1").await;
    sb.reset_stats();
    let review = gatehouse::core::review(&s, &id).await.unwrap();
    assert_eq!(review.methods.len(), 1200);
    assert_eq!(review.summary.open, 1200);
    assert_eq!(
        sb.calls("apigateway", "GetResources"),
        2,
        "601 resources at 500 a page"
    );
    assert_eq!(sb.calls("apigateway", "GetAuthorizers"), 1);
    // A session that has not listed the APIs asks v2 once whether the id is an HTTP API.
    assert_eq!(sb.calls("apigateway", "v2:GetApi"), 1);
    assert_eq!(
        sb.stats()["totals"]["calls"].as_u64(),
        Some(4),
        "nothing else was called"
    );
}

#[tokio::test]
async fn more_than_sixty_pools_are_all_listed_across_pages() {
    let sb = Sandbox::start();
    sb.bulk_pools("ap-southeast-2", 65, "Many");
    let s = session(&sb.url, "us-east-1").await;
    sb.reset_stats();
    let pools = cognito::list_pools(&s, "ap-southeast-2").await.unwrap();
    assert_eq!(pools.len(), 65);
    assert_eq!(sb.calls("cognito-idp", "ListUserPools"), 2);
    // Another region's pools are not mixed in.
    assert!(cognito::list_pools(&s, "us-east-1")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn pools_and_app_clients_of_another_region() {
    let sb = Sandbox::start();
    let seed = sb.seed();
    let s = session(&sb.url, "us-east-1").await;
    let pools = cognito::list_pools(&s, "eu-west-1").await.unwrap();
    let pets = pools
        .iter()
        .find(|p| p.name == "PetsPool")
        .expect("PetsPool listed");
    let clients = cognito::list_clients(&s, "eu-west-1", &pets.id)
        .await
        .unwrap();
    let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["mobile", "web"]);
    let arn = cognito::pool_arn(&s, "eu-west-1", &pets.id).await.unwrap();
    assert!(arn.starts_with("arn:aws:cognito-idp:eu-west-1:"), "{arn}");
    assert!(seed["pools"].to_string().contains(&pets.id));
}

#[tokio::test]
async fn caller_identity_comes_from_sts() {
    let sb = Sandbox::start();
    let s = session(&sb.url, "us-east-1").await;
    let id = identity::caller_identity(&s).await.unwrap();
    assert_eq!(id.account, "123456789012");
    assert!(id.arn.starts_with("arn:aws:"), "{}", id.arn);
}

#[tokio::test]
async fn aws_errors_keep_their_code_and_message() {
    let sb = Sandbox::start();
    let s = session(&sb.url, "us-east-1").await;
    let err = gatehouse::core::review(&s, "doesnotexist")
        .await
        .unwrap_err();
    match &err {
        Error::Aws { code, message } => {
            assert_eq!(code, "NotFoundException");
            assert!(!message.is_empty());
        }
        other => panic!("expected an AWS error, got {other:?}"),
    }
    assert!(err.to_string().starts_with("NotFoundException: "), "{err}");
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["kind"], "aws");
    assert_eq!(json["code"], "NotFoundException");

    let bad = cognito::list_clients(&s, "eu-west-1", "eu-west-1_nope")
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Some("ResourceNotFoundException"), "{bad}");
}

#[tokio::test]
async fn an_unreachable_endpoint_says_so() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let s = session(&url, "us-east-1").await;
    let err = gateway::list_apis(&s).await.unwrap_err();
    match &err {
        Error::Unreachable { endpoint, detail } => {
            assert_eq!(endpoint, &url);
            assert_eq!(detail, "connection refused");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(err.hint().unwrap().contains("retry"));
}

#[tokio::test]
async fn more_than_five_hundred_http_apis_are_listed_across_pages_beside_rest_apis() {
    let sb = Sandbox::start();
    sb.bulk_api("ap-southeast-2", "RestOne", 1, 1);
    let script = r#"
h = boto3.client('apigatewayv2', endpoint_url=sys.argv[1], region_name='ap-southeast-2',
                 aws_access_key_id='x', aws_secret_access_key='x')
for i in range(int(sys.argv[2])):
    h.create_api(Name='Http%04d' % i, ProtocolType='HTTP')
"#;
    sb.boto3(script, &["505"]);
    let s = session(&sb.url, "ap-southeast-2").await;
    sb.reset_stats();
    let apis = gateway::list_apis(&s).await.unwrap();
    assert_eq!(apis.len(), 506);
    assert_eq!(apis.iter().filter(|a| a.kind == ApiKind::Http).count(), 505);
    assert_eq!(apis[0].name, "Http0000", "sorted by name across both kinds");
    assert_eq!(sb.calls("apigateway", "v2:GetApis"), 2, "500 a page");
    assert_eq!(sb.calls("apigateway", "GetRestApis"), 1);
}
