//! The local AWS sandbox (moto + our additions in tests/fake_aws), started per test on a free
//! loopback port and stopped with the test.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The repository's root: the package's folder, or the workspace's when a crate under crates/
/// runs these tests (the sandbox lives in the root's tests/fake_aws).
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|d| d.join("tests/fake_aws/server.py").exists())
        .map(Path::to_path_buf)
        .unwrap_or(here)
}

pub fn python() -> PathBuf {
    let venv = repo_root().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the sandbox's venv is missing at {}: run `make test` (or `make venv`) first",
        venv.display()
    );
    venv
}

pub struct Sandbox {
    pub url: String,
    child: Child,
    // Held open so that the server stops when this test process ends, however it ends.
    _stdin: ChildStdin,
}

/// The methods of SecurePets the seed scenario protects (OPTIONS /pets stays open).
pub const SEED_SCENARIO_METHODS: [&str; 3] = ["GET /pets", "PURCHASE /pets", "POST /purchase"];

/// The start URL of the `corp` sign-in the tests' AWS configs name (the sandbox's portal answers
/// for any).
pub const CORP_START_URL: &str = "https://corp.awsapps.com/start";

/// An AWS config's `corp` sso-session and a profile `corp` on it for `account` and `role`, in
/// us-east-1, as `aws configure sso` writes them (other sections may follow).
pub fn corp_sso_config(account: &str, role: &str) -> String {
    format!(
        "[sso-session corp]\nsso_start_url = {CORP_START_URL}\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n\n\
         [profile corp]\nsso_session = corp\nsso_account_id = {account}\n\
         sso_role_name = {role}\nregion = us-east-1\n"
    )
}

impl Sandbox {
    pub fn start() -> Sandbox {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Sandbox {
        let mut child = Command::new(python())
            .arg(repo_root().join("tests/fake_aws/server.py"))
            .args(["--port", "0", "--exit-on-stdin-eof"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the sandbox server");
        let stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("sandbox ended before READY")
                .expect("read sandbox stdout");
            if let Some(url) = line.strip_prefix("READY ") {
                break url.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Sandbox {
            url,
            child,
            _stdin: stdin,
        }
    }

    /// Seeds SecurePets, PetsAdmin, the pools and their users (alice, bob); returns seed.py's
    /// JSON summary.
    pub fn seed(&self) -> Value {
        self.run_seed(&[])
    }

    /// `seed()`, and the id of its SecurePets API (the seed scenario's).
    pub fn seed_pets(&self) -> (Value, String) {
        let seed = self.seed();
        let id = seed["apis"]["SecurePets"]["id"]
            .as_str()
            .expect("the seed makes SecurePets")
            .to_string();
        (seed, id)
    }

    /// Panics unless AWS holds the seed scenario done: its three methods under the Cognito
    /// authorizer `authorizer_id`, OPTIONS /pets still open.
    pub fn assert_pets_protected(&self, api_id: &str, authorizer_id: &Value) {
        let aws = self.aws_state(api_id);
        for k in SEED_SCENARIO_METHODS {
            assert_eq!(
                aws["methods"][k]["authorizationType"], "COGNITO_USER_POOLS",
                "{k}"
            );
            assert_eq!(aws["methods"][k]["authorizerId"], *authorizer_id, "{k}");
        }
        assert_eq!(aws["methods"]["OPTIONS /pets"]["authorizationType"], "NONE");
    }

    /// Panics unless every method of SecurePets is open again (the seed scenario undone).
    pub fn assert_pets_open(&self, api_id: &str) {
        let aws = self.aws_state(api_id);
        for k in SEED_SCENARIO_METHODS.iter().chain(&["OPTIONS /pets"]) {
            assert_eq!(
                aws["methods"][k]["authorizationType"], "NONE",
                "{k} open again"
            );
        }
    }

    /// Builds the TokenLab API (one method per kind of protection) on the pools of `seed()`,
    /// which must have run first; returns its ids (`id`, `resources`, `authorizers`, `pools`).
    pub fn seed_token_lab(&self) -> Value {
        self.run_seed(&["token-lab"])
    }

    /// `seed.py COMMAND --endpoint URL`: its JSON answer.
    fn run_seed(&self, command: &[&str]) -> Value {
        let out = Command::new(python())
            .arg(repo_root().join("tests/fake_aws/seed.py"))
            .args(command)
            .args(["--endpoint", &self.url])
            .output()
            .expect("run seed.py");
        assert!(
            out.status.success(),
            "seed.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
    }

    /// A token signed with the sandbox's Cognito key, e.g. `json!({"pool_id": .., "token_use":
    /// "id", "client_id": .., "username": "alice", "expires_in": -60})` (see fake_aws/README.md).
    pub fn mint_token(&self, req: Value) -> String {
        self.control("/_sandbox/mint-token", req)["token"]
            .as_str()
            .expect("minted token")
            .to_string()
    }

    /// Signs a user in with InitiateAuth USER_PASSWORD_AUTH, straight on the sandbox, in the
    /// pool's region (its id's prefix: eu-west-1 for the seeded pools); (ID token, access token).
    pub fn sign_in(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
    ) -> (String, String) {
        let script = r#"
import json
idp = boto3.client('cognito-idp', endpoint_url=sys.argv[1], region_name=sys.argv[2].split('_')[0],
                   aws_access_key_id='x', aws_secret_access_key='x')
result = idp.initiate_auth(ClientId=sys.argv[3], AuthFlow='USER_PASSWORD_AUTH',
                           AuthParameters={'USERNAME': sys.argv[4], 'PASSWORD': sys.argv[5]})
print(json.dumps(result['AuthenticationResult']))
"#;
        let out = self.boto3(script, &[pool_id, client_id, username, password]);
        let tokens: Value = serde_json::from_str(&out).expect("sign-in answer is JSON");
        (
            tokens["IdToken"].as_str().expect("IdToken").to_string(),
            tokens["AccessToken"]
                .as_str()
                .expect("AccessToken")
                .to_string(),
        )
    }

    pub fn control(&self, path: &str, body: Value) -> Value {
        let mut resp = ureq::post(format!("{}{}", self.url, path))
            .send_json(body)
            .unwrap_or_else(|e| panic!("sandbox control {path}: {e}"));
        resp.body_mut().read_json().expect("control answer is JSON")
    }

    pub fn stats(&self) -> Value {
        let mut resp = ureq::get(format!("{}/_sandbox/stats", self.url))
            .call()
            .expect("sandbox stats");
        resp.body_mut().read_json().expect("stats JSON")
    }

    /// How many calls of one operation the sandbox has answered since the last reset.
    pub fn calls(&self, service: &str, operation: &str) -> u64 {
        self.stats()["calls"][service][operation]
            .as_u64()
            .unwrap_or(0)
    }

    pub fn reset_stats(&self) {
        self.control("/_sandbox/reset-stats", json!({}));
    }

    /// Builds an API of `resources` resources with `methods` methods each, all open; its id.
    pub fn bulk_api(&self, region: &str, name: &str, resources: u32, methods: u32) -> String {
        let v = self.control(
            "/_sandbox/bulk-api",
            json!({"region": region, "name": name, "resources": resources, "methods_per_resource": methods}),
        );
        v["id"].as_str().expect("bulk api id").to_string()
    }

    /// Builds an HTTP API of `routes` open routes (`GET /r0001` …) behind one HTTP_PROXY
    /// integration; with a `stage`, also that stage (no AutoDeploy), deployed once. Its id.
    pub fn bulk_http_api(
        &self,
        region: &str,
        name: &str,
        routes: u32,
        stage: Option<&str>,
    ) -> String {
        let mut req = json!({"region": region, "name": name, "routes": routes});
        if let Some(stage) = stage {
            req["stage"] = json!(stage);
        }
        let v = self.control("/_sandbox/bulk-http-api", req);
        v["id"].as_str().expect("bulk http api id").to_string()
    }

    pub fn bulk_pools(&self, region: &str, count: u32, prefix: &str) {
        self.control(
            "/_sandbox/bulk-pools",
            json!({"region": region, "count": count, "prefix": prefix}),
        );
    }

    /// What AWS holds for an API, read with boto3 straight from the sandbox (not through
    /// Gatehouse): every method's protection, the authorizers, the number of deployments.
    pub fn aws_state(&self, api_id: &str) -> Value {
        let script = r#"
import json
methods = {}
for r in c.get_resources(restApiId=sys.argv[2], embed=['methods'], limit=500)['items']:
    for verb, m in (r.get('resourceMethods') or {}).items():
        methods[verb + ' ' + r['path']] = {k: m.get(k) for k in ('authorizationType', 'authorizerId', 'authorizationScopes')}
auths = c.get_authorizers(restApiId=sys.argv[2])['items']
deployments = len(c.get_deployments(restApiId=sys.argv[2])['items'])
print(json.dumps({'methods': methods, 'authorizers': auths, 'deployments': deployments}, default=str, sort_keys=True))
"#;
        serde_json::from_str(&self.boto3(script, &[api_id])).expect("boto3 view is JSON")
    }

    /// What AWS holds for an HTTP or WebSocket API (us-east-1), read with boto3 straight from the
    /// sandbox: every route's protection by route key, the authorizers, each stage's AutoDeploy
    /// and DeploymentId, the number of deployments (automatic ones included).
    pub fn http_state(&self, api_id: &str) -> Value {
        let script = r#"
import json
h = boto3.client('apigatewayv2', endpoint_url=sys.argv[1], region_name='us-east-1',
                 aws_access_key_id='x', aws_secret_access_key='x')
def every(call, **kw):
    out, token = [], None
    while True:
        page = call(**kw, **({'NextToken': token} if token else {}))
        out += page['Items']
        token = page.get('NextToken')
        if not token:
            return out
api = sys.argv[2]
routes = {r['RouteKey']: {k: r.get(k) for k in ('AuthorizationType', 'AuthorizerId', 'AuthorizationScopes')}
          for r in every(h.get_routes, ApiId=api, MaxResults='500')}
stages = {s['StageName']: {k: s.get(k) for k in ('AutoDeploy', 'DeploymentId')}
          for s in every(h.get_stages, ApiId=api)}
print(json.dumps({'routes': routes, 'authorizers': every(h.get_authorizers, ApiId=api),
                  'stages': stages, 'deployments': len(every(h.get_deployments, ApiId=api))},
                 default=str, sort_keys=True))
"#;
        serde_json::from_str(&self.boto3(script, &[api_id])).expect("boto3 view is JSON")
    }

    /// Runs a Python script with `c`, a boto3 API Gateway client on this sandbox (us-east-1), and
    /// `sys.argv[2:]` = `args`, straight on the sandbox (not through Gatehouse); its stdout.
    pub fn boto3(&self, script: &str, args: &[&str]) -> String {
        let preamble =
            "import boto3, sys\nc = boto3.client('apigateway', endpoint_url=sys.argv[1], \
            region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')\n";
        let out = Command::new(python())
            .args(["-c", &format!("{preamble}{script}"), &self.url])
            .args(args)
            .output()
            .expect("run boto3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Creates a CloudFormation stack in us-east-1 from a template (straight on the sandbox, as
    /// `aws cloudformation deploy` would); the id of the RestApi it made (None when it made none).
    pub fn create_stack(&self, name: &str, template: &str) -> Option<String> {
        let script = r#"
cf = boto3.client('cloudformation', endpoint_url=sys.argv[1], region_name='us-east-1',
                  aws_access_key_id='x', aws_secret_access_key='x')
cf.create_stack(StackName=sys.argv[2], TemplateBody=sys.argv[3])
rows = cf.list_stack_resources(StackName=sys.argv[2])['StackResourceSummaries']
print(next((r['PhysicalResourceId'] for r in rows
            if r['ResourceType'] == 'AWS::ApiGateway::RestApi'), ''))
"#;
        let id = self.boto3(script, &[name, template]).trim().to_string();
        (!id.is_empty()).then_some(id)
    }

    /// A stack's change set as CloudFormation describes it, with the template it carries.
    pub fn change_set(&self, stack: &str, name: &str) -> Value {
        let script = r#"
import json
cf = boto3.client('cloudformation', endpoint_url=sys.argv[1], region_name='us-east-1',
                  aws_access_key_id='x', aws_secret_access_key='x')
d = cf.describe_change_set(StackName=sys.argv[2], ChangeSetName=sys.argv[3])
body = cf.get_template(StackName=sys.argv[2], ChangeSetName=sys.argv[3])['TemplateBody']
stack = cf.describe_stacks(StackName=sys.argv[2])['Stacks'][0]
print(json.dumps({'status': d['Status'], 'execution': d.get('ExecutionStatus'),
                  'type': d.get('ChangeSetType', 'UPDATE'), 'body': body if isinstance(body, str) else json.dumps(body),
                  'stackStatus': stack['StackStatus'], 'description': d.get('Description')}, default=str))
"#;
        serde_json::from_str(&self.boto3(script, &[stack, name])).expect("change set JSON")
    }

    /// Sets one method's authorization type as a colleague would, with boto3 straight on the
    /// sandbox (not through Gatehouse).
    pub fn set_behind_our_back(&self, api_id: &str, path: &str, verb: &str, kind: &str) {
        let script = r#"
rid = next(r['id'] for r in c.get_resources(restApiId=sys.argv[2], limit=500)['items'] if r['path'] == sys.argv[3])
c.update_method(restApiId=sys.argv[2], resourceId=rid, httpMethod=sys.argv[4],
                patchOperations=[{'op': 'replace', 'path': '/authorizationType', 'value': sys.argv[5]}])
"#;
        self.boto3(script, &[api_id, path, verb, kind]);
    }

    /// prod serves POST /purchase with IAM; then a colleague opened it again in the editor and did
    /// not deploy (all with boto3, not through Gatehouse).
    pub fn colleague_opened_purchase(&self, api_id: &str) {
        self.set_behind_our_back(api_id, "/purchase", "POST", "AWS_IAM");
        self.boto3(
            "c.create_deployment(restApiId=sys.argv[2], stageName='prod')",
            &[api_id],
        );
        self.set_behind_our_back(api_id, "/purchase", "POST", "NONE");
    }

    /// A REST API's gateway response as GetGatewayResponse answers it (AWS's default when none
    /// was put), straight from the sandbox.
    pub fn gateway_response(&self, api_id: &str, kind: &str) -> Value {
        let out = self.boto3(
            "import json; r = c.get_gateway_response(restApiId=sys.argv[2], responseType=sys.argv[3]); \
             r.pop('ResponseMetadata', None); print(json.dumps(r))",
            &[api_id, kind],
        );
        serde_json::from_str(out.trim().lines().last().unwrap()).unwrap()
    }

    /// How many methods of the API AWS holds with this authorization type.
    pub fn count_kind(&self, api_id: &str, kind: &str) -> usize {
        self.aws_state(api_id)["methods"]
            .as_object()
            .unwrap()
            .values()
            .filter(|m| m["authorizationType"] == kind)
            .count()
    }

    /// Reads one control endpoint with GET, e.g. `/_sandbox/sso/state`.
    pub fn read(&self, path: &str) -> Value {
        let mut resp = ureq::get(format!("{}{}", self.url, path))
            .call()
            .unwrap_or_else(|e| panic!("sandbox {path}: {e}"));
        resp.body_mut().read_json().expect("control answer is JSON")
    }

    /// What the person at the browser does with the code Gatehouse shows: approves that device
    /// authorization, signed in as `user` (the session name in the role credentials' ARN).
    pub fn sso_approve(&self, user_code: &str, user: &str) -> Value {
        self.control(
            "/_sandbox/sso/approve",
            json!({"userCode": user_code, "user": user}),
        )
    }

    /// Or refuses it: the next CreateToken poll answers AccessDeniedException.
    pub fn sso_deny(&self, user_code: &str) -> Value {
        self.control("/_sandbox/sso/deny", json!({"userCode": user_code}))
    }

    /// Changes how SSO sign-in behaves (`interval`, `expires_in`, `token_expires_in`,
    /// `slow_down_once`, `enforce_interval`, `assignments`, ...); returns the whole SSO config.
    pub fn sso_config(&self, config: Value) -> Value {
        self.control("/_sandbox/sso/config", config)
    }

    /// SSO clients, device authorizations with their status, access and refresh tokens.
    pub fn sso_state(&self) -> Value {
        self.read("/_sandbox/sso/state")
    }

    /// The user code of the newest device authorization still pending, if any.
    pub fn sso_pending_user_code(&self) -> Option<String> {
        self.sso_state()["devices"]
            .as_array()?
            .iter()
            .rev()
            .find(|d| d["status"] == "pending")
            .and_then(|d| d["userCode"].as_str())
            .map(str::to_string)
    }

    /// Signs in as `aws sso login` does and writes its cache files under `home/.aws/sso/cache`:
    /// for an sso-session named `session` (registering scope `sso:account:access`, so the token
    /// comes with a refresh token), or for a legacy profile (`None`: the file is named by the
    /// start URL). Returns `{"token_file", "token", "registration_file"}`.
    pub fn sso_login(
        &self,
        home: &Path,
        start_url: &str,
        session: Option<&str>,
        user: &str,
    ) -> Value {
        let mut c = Command::new(python());
        c.arg(repo_root().join("tests/fake_aws/sso_login.py"))
            .args([
                "--endpoint",
                &self.url,
                "--start-url",
                start_url,
                "--user",
                user,
            ])
            .arg("--home")
            .arg(home);
        if let Some(session) = session {
            c.args(["--session", session, "--scopes", "sso:account:access"]);
        }
        let out = c.output().expect("run sso_login.py");
        assert!(
            out.status.success(),
            "sso_login.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("sso_login.py prints JSON")
    }

    /// Makes AssumeRole of `role_arn` (only that role) require MFA with this one-time code, as a
    /// trust policy with `aws:MultiFactorAuthPresent` does.
    pub fn require_mfa(&self, role_arn: &str, code: &str) {
        let mut roles = serde_json::Map::new();
        roles.insert(role_arn.to_string(), json!(code));
        self.control("/_sandbox/config", json!({ "mfa_required": roles }));
    }

    /// Panics unless every member of an organization (seed_org's `members`) was asked for
    /// `role` with `external_id`.
    pub fn assert_members_assumed(&self, members: &[Value], role: &str, external_id: &str) {
        let calls = self.assume_role_calls();
        for m in members {
            let arn = format!(
                "arn:aws:iam::{}:role/{role}",
                m["accountId"].as_str().unwrap()
            );
            assert!(
                calls
                    .iter()
                    .any(|c| c["RoleArn"] == arn.as_str() && c["ExternalId"] == external_id),
                "{arn} with {external_id}: {calls:?}"
            );
        }
    }

    /// Every AssumeRole the sandbox has answered, oldest first: `RoleArn`, `RoleSessionName`,
    /// `SerialNumber`, `TokenCode` (null when not sent), `DurationSeconds`, `status`, `code`.
    pub fn assume_role_calls(&self) -> Vec<Value> {
        self.read("/_sandbox/sts/assume-role-calls")["calls"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The environment that points any AWS client (the app, the CLI) at this sandbox.
    pub fn aws_env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ENDPOINT_URL".into(), self.url.clone()),
            ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
        ]
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A session on the sandbox through keys held in memory (the keychain profiles' path).
pub async fn session(url: &str, region: &str) -> gatehouse::aws::session::Session {
    use gatehouse::aws::session::{Session, Source, StaticKeys};
    let keys = StaticKeys {
        access_key_id: "AKIDSANDBOXTESTING01".into(),
        secret_access_key: "testing".into(),
        session_token: None,
        endpoint_url: Some(url.to_string()),
        role_arn: None,
        external_id: None,
    };
    Session::open(Source::Keys(keys), region).await.unwrap()
}

/// Many accounts in one sandbox (issue 24; fake_aws/README.md, "Many accounts").
impl Sandbox {
    /// `seed.py sso-accounts`: `count` accounts 200000000001, 200000000002, … (`Team01`…,
    /// `team01@example.com`) become the SSO portal's assignments, each with `roles` except
    /// account 3, which has only the last one; each holds one REST API `Api-ACCOUNTID` in
    /// us-east-1 (`/items` GET, open, MOCK). Returns `{"accounts": [{"accountId",
    /// "accountName", "email", "roles", "apiId"}], "region", "seconds"}`.
    pub fn seed_sso_accounts(&self, count: u32, roles: &[&str]) -> Value {
        assert!(
            !roles.is_empty(),
            "seed_sso_accounts needs at least one role"
        );
        let count = count.to_string();
        let roles = roles.join(",");
        self.run_seed(&[
            "sso-accounts",
            "--count",
            count.as_str(),
            "--roles",
            roles.as_str(),
        ])
    }

    /// `seed.py org`: an organization of 123456789012 with `members` member accounts
    /// (`Member01`…, made by CreateAccount, random ids), each with the role `role` and one API
    /// `Api-ACCOUNTID`, one more account `Suspended` (status SUSPENDED, its role refused) and
    /// `Api-management` in 123456789012. With `external_id`, AssumeRole of every member's
    /// `role` needs it; with `refuse` = K, the K-th member's (1-based) is refused. Returns
    /// `{"management", "organizationId", "role", "externalId", "members": [{"accountId",
    /// "accountName", "email", "roleArn", "apiId", "refused"}], "suspended": {...}}`.
    pub fn seed_org(
        &self,
        members: u32,
        role: &str,
        external_id: Option<&str>,
        refuse: Option<u32>,
    ) -> Value {
        let members = members.to_string();
        let refuse = refuse.map(|k| k.to_string());
        let mut args: Vec<&str> = vec!["org", "--members", members.as_str(), "--role", role];
        if let Some(id) = external_id {
            args.push("--external-id");
            args.push(id);
        }
        if let Some(k) = refuse.as_deref() {
            args.push("--refuse");
            args.push(k);
        }
        self.run_seed(&args)
    }

    /// The SSO portal's counts: `{"calls", "throttled", "throttle_every", "operations":
    /// {"ListAccounts" | "ListAccountRoles" | "GetRoleCredentials": {"calls", "throttled"}}}`
    /// (throttled: answered 429, SSO config `portal_throttle_every`).
    pub fn portal_calls(&self) -> Value {
        self.read("/_sandbox/sso/portal")
    }
}
