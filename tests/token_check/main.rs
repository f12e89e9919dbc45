//! `gatehouse check-token` and the core's token check with real tokens from the sandbox's Cognito
//! (RS256, checked against the pool's JWKS): ID and access tokens of two app clients on TokenLab's
//! methods (with and without scopes, a client regex, another pool, IAM, Lambda, open), a token of
//! another pool, a tampered and an expired one, the JWKS unreachable, sign-in (public and admin
//! flows, a wrong password), exit statuses, AWS's own authorizer test, and no secret left behind.

#[path = "../common/mod.rs"]
mod common;
mod sign_in;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::cli::{run_with_stdin, Run};
use common::Sandbox;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const ALICE_PASSWORD: &str = "Gatehouse-demo-1";

struct Lab {
    sb: Sandbox,
    home: tempfile::TempDir,
    seed: Value,
}

impl Lab {
    fn start() -> Lab {
        let sb = Sandbox::start();
        let seed = sb.seed();
        sb.seed_token_lab();
        Lab {
            sb,
            home: tempfile::tempdir().unwrap(),
            seed,
        }
    }

    fn pets_pool(&self) -> String {
        self.seed["pools"]["PetsPool"]["id"]
            .as_str()
            .unwrap()
            .into()
    }

    fn client(&self, pool: &str, name: &str) -> String {
        self.seed["pools"][pool]["clients"][name]
            .as_str()
            .unwrap()
            .into()
    }

    /// alice's (ID, access) tokens through `client` of PetsPool.
    fn alice(&self, client: &str) -> (String, String) {
        self.sb.sign_in(
            &self.pets_pool(),
            &self.client("PetsPool", client),
            "alice",
            ALICE_PASSWORD,
        )
    }

    /// `check-token --api TokenLab --token-stdin --json ARGS…` with `token` piped in.
    fn check(&self, token: &str, args: &[&str]) -> Run {
        let base = [
            "check-token",
            "--api",
            "TokenLab",
            "--token-stdin",
            "--json",
        ];
        run_with_stdin(
            &self.sb,
            self.home.path(),
            &[&base[..], args].concat(),
            token,
        )
    }
}

/// "GET /plain" → (verdict, reason) from a `check-token --json` answer.
fn verdicts(run: &Run) -> BTreeMap<String, (String, String)> {
    run.json()["methods"]
        .as_array()
        .unwrap_or_else(|| panic!("no methods: {}{}", run.stdout, run.stderr))
        .iter()
        .map(|m| {
            (
                format!(
                    "{} {}",
                    m["verb"].as_str().unwrap(),
                    m["path"].as_str().unwrap()
                ),
                (
                    m["verdict"].as_str().unwrap().to_string(),
                    m["reason"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

fn verdict(all: &BTreeMap<String, (String, String)>, key: &str) -> String {
    all.get(key)
        .unwrap_or_else(|| panic!("no {key} in {all:?}"))
        .0
        .clone()
}

fn reason(all: &BTreeMap<String, (String, String)>, key: &str) -> String {
    all[key].1.clone()
}

#[test]
fn verdicts_for_real_tokens_follow_api_gateways_rules() {
    let lab = Lab::start();
    let (web_id, web_access) = lab.alice("web");
    let (mobile_id, _) = lab.alice("mobile");

    // alice's ID token through the web client.
    let run = lab.check(&web_id, &[]);
    assert_eq!(run.status, 3, "refused somewhere → 3: {}", run.stderr);
    let token = &run.json()["token"];
    assert_eq!(token["use"], "id");
    assert_eq!(token["signature"], "valid", "{token}");
    assert_eq!(token["poolId"], lab.pets_pool().as_str());
    assert_eq!(token["poolName"], "PetsPool");
    assert_eq!(token["clientId"], lab.client("PetsPool", "web").as_str());
    assert_eq!(token["username"], "alice");
    assert!(token["expiresAt"].as_str().unwrap().ends_with('Z'));
    let v = verdicts(&run);
    assert_eq!(verdict(&v, "GET /plain"), "allow");
    assert_eq!(verdict(&v, "GET /web-only"), "allow");
    assert_eq!(verdict(&v, "GET /scoped"), "deny");
    assert!(reason(&v, "GET /scoped").contains("wants an access token"));
    assert_eq!(verdict(&v, "GET /admin"), "deny");
    assert!(reason(&v, "GET /admin").contains("trusts only"));
    assert_eq!(verdict(&v, "GET /open"), "open");
    assert_eq!(verdict(&v, "OPTIONS /open"), "open");
    assert_eq!(verdict(&v, "GET /iam"), "deny");
    assert_eq!(verdict(&v, "GET /lambda"), "unknown");
    assert_eq!(
        run.json()["summary"],
        json!({"total": 8, "allowed": 2, "refused": 3, "open": 2, "unknown": 1})
    );

    // Only the methods asked about decide the exit status.
    let run = lab.check(&web_id, &["--methods", "GET /plain,get /open"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(verdicts(&run).len(), 2);
    let run = lab.check(&web_id, &["--methods", "GET /nowhere"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("No method GET /nowhere"),
        "{}",
        run.stderr
    );

    // The mobile client's ID token: the client regex of PetsWebOnly refuses it.
    let v = verdicts(&lab.check(&mobile_id, &[]));
    assert_eq!(verdict(&v, "GET /plain"), "allow");
    assert_eq!(verdict(&v, "GET /web-only"), "deny");
    assert!(reason(&v, "GET /web-only").contains("does not match"));

    // The access token of a password sign-in: refused without scopes, and its only scope is
    // Cognito's own, so the scoped method refuses it too.
    let v = verdicts(&lab.check(&web_access, &[]));
    assert_eq!(verdict(&v, "GET /plain"), "deny");
    assert!(reason(&v, "GET /plain").starts_with("An access token is refused here"));
    assert_eq!(verdict(&v, "GET /scoped"), "deny");
    assert!(reason(&v, "GET /scoped").contains("aws.cognito.signin.user.admin"));

    // An access token carrying pets/read (as an OAuth flow would mint it) gets into /scoped.
    let scoped = lab
        .sb
        .mint_token(json!({"pool_id": lab.pets_pool(), "token_use": "access",
        "client_id": lab.client("PetsPool", "web"), "username": "alice", "scope": "pets/read"}));
    let run = lab.check(&scoped, &["--methods", "GET /scoped"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(verdict(&verdicts(&run), "GET /scoped"), "allow");

    // Another pool's token (bob of AdminPool): only the Admin authorizer lets it in.
    let admin_pool = lab.seed["pools"]["AdminPool"]["id"].as_str().unwrap();
    let bob = lab
        .sb
        .mint_token(json!({"pool_id": admin_pool, "token_use": "id",
        "client_id": lab.client("AdminPool", "admin-console"), "username": "bob"}));
    let v = verdicts(&lab.check(&bob, &[]));
    assert_eq!(verdict(&v, "GET /admin"), "allow");
    assert_eq!(verdict(&v, "GET /plain"), "deny");
    assert!(reason(&v, "GET /plain").contains(&format!("Issued by pool {admin_pool}")));

    // Tampered: the claims say another user; header and signature are alice's.
    let mut parts: Vec<String> = web_id.split('.').map(str::to_string).collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["cognito:username"] = json!("mallory");
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    let run = lab.check(&parts.join("."), &[]);
    assert_eq!(
        run.json()["token"]["signature"],
        "invalid",
        "{}",
        run.stdout
    );
    assert_eq!(verdict(&verdicts(&run), "GET /plain"), "deny");
    // Open methods let a tampered token in, but check-token does not call it good.
    let run = lab.check(&parts.join("."), &["--methods", "GET /open"]);
    assert_eq!(run.json()["summary"]["refused"], 0);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("signature does not verify"),
        "{}",
        run.stderr
    );
    let run = lab.check(
        &parts.join("."),
        &["--methods", "GET /open", "--allow-unverified"],
    );
    assert_eq!(
        run.status, 3,
        "an invalid signature is not an unverified one"
    );
    // A token of no Cognito pool has no keys to check it with: unverified.
    let foreign = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k"}"#),
        URL_SAFE_NO_PAD.encode(br#"{"iss":"https://login.example.com/","exp":4102444800}"#)
    );
    let run = lab.check(&foreign, &["--methods", "GET /open"]);
    assert_eq!(run.json()["token"]["signature"], "unverified");
    assert_eq!(run.status, 3, "{}", run.stderr);

    // Expired an hour ago.
    let expired = lab
        .sb
        .mint_token(json!({"pool_id": lab.pets_pool(), "token_use": "id",
        "client_id": lab.client("PetsPool", "web"), "username": "alice", "expires_in": -3600}));
    let run = lab.check(&expired, &[]);
    assert_eq!(run.json()["token"]["expiryText"], "expired 1 h ago");
    assert_eq!(
        reason(&verdicts(&run), "GET /plain"),
        "The token expired 1 h ago"
    );

    // The pool's keys cannot be fetched: unverified, said in the token and in each verdict.
    lab.sb
        .control("/_sandbox/config", json!({"jwks_unavailable": true}));
    let run = lab.check(&web_id, &[]);
    assert_eq!(run.json()["token"]["signature"], "unverified");
    assert!(run.json()["token"]["signatureText"]
        .as_str()
        .unwrap()
        .contains("HTTP 503"));
    let v = verdicts(&run);
    assert_eq!(verdict(&v, "GET /plain"), "allow");
    assert!(reason(&v, "GET /plain").contains("could not be fetched"));
    // Allowed, but the signature was not checked: its own outcome, exit 3 unless accepted.
    let asked = ["--methods", "GET /plain,GET /open"];
    let run = lab.check(&web_id, &asked);
    assert_eq!(run.json()["summary"]["refused"], 0);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("signature was not checked")
            && run.stderr.contains("--allow-unverified"),
        "{}",
        run.stderr
    );
    let run = lab.check(&web_id, &[&asked[..], &["--allow-unverified"]].concat());
    assert_eq!(run.status, 0, "{}", run.stderr);
    lab.sb
        .control("/_sandbox/config", json!({"jwks_unavailable": false}));

    // What is not a token is a usage error, and the text output reads as a table.
    let run = lab.check("not-a-token", &[]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("not a JWT"), "{}", run.stderr);
    let text = run_with_stdin(
        &lab.sb,
        lab.home.path(),
        &["check-token", "--api", "TokenLab", "--token-stdin"],
        &web_id,
    );
    assert!(
        text.stdout.contains("ID token of pool PetsPool"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("  ALLOW    GET       /plain"),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .contains("Allowed on 2 of 8 methods · refused on 3 · open 2 · decided by a Lambda 1"));
    for out in [&text.stdout, &text.stderr] {
        assert!(!out.contains(&web_id), "the token was printed");
    }
}
