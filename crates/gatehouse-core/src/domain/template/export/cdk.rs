//! Pure: an API's protection as a CDK stack (TypeScript, aws-cdk-lib v2) over the existing API
//! and user pools: it names them by id and creates neither a pool nor an app client.

use super::parts::{
    camel, one_line, protection_words, route_key, ts, Described, Guard, Names, Plan, DEFAULT_TTL,
    HTTP_IDENTITY, REST_IDENTITY,
};
use crate::domain::model::{pool_of_arn, pool_of_issuer, ApiKind, AuthType, Method};
use crate::domain::template::spec::{logical_id, ExportInput};

/// The verbs CDK accepts: `apigwv2.HttpMethod`'s names, and all `addMethod` takes (it throws
/// "Invalid HTTP method" on any other).
const VERBS: [&str; 8] = [
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

/// A TypeScript module exporting one Stack class (`SecurePetsProtection`): REST methods added to
/// the existing resources with their authorizer, type and scopes; HTTP routes with theirs.
/// Integrations are placeholders; every resource is retained, as `cdk import` needs.
pub fn cdk(input: &ExportInput) -> String {
    if let Some(why) = input.api.kind.not_reviewed(&input.api.name) {
        return format!("// {}\n", one_line(&why));
    }
    let plan = Plan::new(input);
    let mut names = Names::default();
    for taken in ["Api", "Placeholder"] {
        names.take(taken.to_string());
    }
    let class = logical_id(&input.api.name, "Protection");
    let http = input.api.kind == ApiKind::Http;
    let mut body = String::new();
    let imports = if http {
        http_body(&plan, &mut names, &mut body)
    } else {
        rest_body(&plan, &mut names, &mut body)
    };

    let mut out = header(&plan, http);
    out.push_str("import * as cdk from 'aws-cdk-lib';\n");
    out.push_str(&imports);
    if body.contains("cognito.") {
        out.push_str("import * as cognito from 'aws-cdk-lib/aws-cognito';\n");
    }
    out.push_str("import { Construct } from 'constructs';\n\n");
    out.push_str(&format!(
        "// Use: new {class}(app, '{class}', {{ env: {{ region: {} }} }});\n",
        ts(&input.region)
    ));
    out.push_str(&format!(
        "export class {class} extends cdk.Stack {{\n  \
         constructor(scope: Construct, id: string, props?: cdk.StackProps) {{\n    \
         super(scope, id, props);\n\n"
    ));
    out.push_str(&body);
    out.push_str(
        "\n    // Kept on delete and on replacement, as import asks.\n    \
         cdk.Aspects.of(this).add({\n      \
         visit(node) {\n        \
         if (node instanceof cdk.CfnResource) node.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);\n      \
         },\n    \
         });\n  }\n}\n",
    );
    out
}

fn header(plan: &Plan, http: bool) -> String {
    let words = one_line(&plan.api_words());
    let (what, adopt) = if http {
        ("route", "routes and authorizers")
    } else {
        ("method", "methods and authorizers")
    };
    let mut out = format!(
        "// Gatehouse export: {words}.\n\
         // A CDK stack (aws-cdk-lib v2) over the existing API and user pools, named by id: it\n\
         // creates no pool and no app client.\n\
         // CDK attaches an authorizer to an API only through {what}s it owns (an authorizer no\n\
         // {what} uses is never made, or fails synthesis: \"must be attached to a RestApi\"), so\n\
         // this stack declares each {what} again. The API already has these {adopt}:\n\
         // adopt them with `cdk import`, which asks for each one's identifier (written beside\n\
         // it), rather than deploy them new.\n"
    );
    if http {
        out.push_str(
            "// Gatehouse does not read integrations: each route uses a placeholder HttpUrlIntegration;\n\
             // put the route's own in its place before a deploy, or the deploy points it there.\n",
        );
    } else {
        out.push_str(
            "// Gatehouse does not read integrations: each method uses a placeholder MockIntegration;\n\
             // put the method's own in its place before a deploy, or the deploy makes it a mock.\n\
             // A change to a method reaches callers after the stage's next deployment (CDK makes\n\
             // none for an API it imports).\n",
        );
    }
    out
}

/// The pool variable for a provider ARN (or issuer), declared once per pool in `body`.
fn pool_var(
    plan: &Plan,
    names: &mut Names,
    pools: &mut Vec<(String, String)>,
    body: &mut String,
    arn: Option<&str>,
    pool: Option<(String, String)>,
) -> String {
    let key = arn
        .map(String::from)
        .or_else(|| pool.as_ref().map(|(_, id)| id.clone()))
        .unwrap_or_default();
    if let Some((_, var)) = pools.iter().find(|(k, _)| *k == key) {
        return var.clone();
    }
    let id = names.take(logical_id(
        pool.as_ref().map_or(key.as_str(), |(_, id)| id.as_str()),
        "Pool",
    ));
    let var = camel(&id);
    let source = match (&pool, arn) {
        (Some((region, pool_id)), _) if *region == plan.input.region => {
            format!(
                "cognito.UserPool.fromUserPoolId(this, '{id}', {})",
                ts(pool_id)
            )
        }
        (_, Some(arn)) => format!(
            "cognito.UserPool.fromUserPoolArn(this, '{id}', {})",
            ts(arn)
        ),
        (Some((_, pool_id)), None) => {
            format!(
                "cognito.UserPool.fromUserPoolId(this, '{id}', {})",
                ts(pool_id)
            )
        }
        (None, None) => format!("cognito.UserPool.fromUserPoolId(this, '{id}', '')"),
    };
    body.push_str(&format!("    const {var} = {source};\n"));
    pools.push((key, var.clone()));
    var
}

/// The construct id and variable of each authorizer, as written in the body.
struct AuthorizerVar<'a> {
    described: &'a Described<'a>,
    var: String,
}

fn rest_body(plan: &Plan, names: &mut Names, body: &mut String) -> String {
    let api = &plan.input.api;
    let root = plan
        .methods
        .iter()
        .find(|e| e.method.path == "/")
        .map(|e| ts(&e.method.resource_id));
    body.push_str(&format!(
        "    const api = apigateway.RestApi.fromRestApiAttributes(this, 'Api', {{\n      \
         restApiId: {},\n",
        ts(&api.id)
    ));
    match root {
        Some(id) => body.push_str(&format!("      rootResourceId: {id},\n")),
        None => body.push_str(
            "      // The root resource's id: this stack does not use it (`aws apigateway get-resources`).\n      \
             rootResourceId: 'ROOT_RESOURCE_ID',\n",
        ),
    }
    body.push_str("    });\n");

    let mut pools = Vec::new();
    let mut vars = Vec::new();
    for d in plan.used_authorizers() {
        let a = d.authorizer;
        let pool_vars: Vec<String> = a
            .provider_arns
            .iter()
            .map(|arn| pool_var(plan, names, &mut pools, body, Some(arn), pool_of_arn(arn)))
            .collect();
        let var = camel(&names.take(d.logical_id.clone()));
        body.push_str(&format!(
            "    // {} (import: RestApiId {}, AuthorizerId {})\n",
            one_line(&a.name),
            one_line(&api.id),
            one_line(&a.id)
        ));
        body.push_str(&format!(
            "    const {var} = new apigateway.CognitoUserPoolsAuthorizer(this, '{}', {{\n      \
             cognitoUserPools: [{}],\n      \
             authorizerName: {},\n      \
             identitySource: {},\n      \
             resultsCacheTtl: cdk.Duration.seconds({}),\n    }});\n",
            d.logical_id,
            pool_vars.join(", "),
            ts(&a.name),
            ts(a.identity_source.as_deref().unwrap_or(REST_IDENTITY)),
            a.ttl_seconds.unwrap_or(DEFAULT_TTL)
        ));
        if let Some(regex) = a
            .identity_validation_expression
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            // The construct has no such prop; its CloudFormation resource has.
            body.push_str(&format!(
                "    ({var}.node.defaultChild as apigateway.CfnAuthorizer).identityValidationExpression = {};\n",
                ts(regex)
            ));
        }
        vars.push(AuthorizerVar { described: d, var });
    }
    unused_note(plan, body);

    body.push_str(
        "\n    // Placeholder: Gatehouse does not read integrations.\n    \
         const placeholder = new apigateway.MockIntegration({\n      \
         requestTemplates: { 'application/json': '{\"statusCode\": 200}' },\n    });\n",
    );

    let mut resources: Vec<(String, String)> = Vec::new();
    for e in &plan.methods {
        let m = e.method;
        let resource = match resources.iter().find(|(id, _)| *id == m.resource_id) {
            Some((_, var)) => var.clone(),
            None => {
                let path_words = if m.path.trim_matches('/').is_empty() {
                    "root"
                } else {
                    m.path.as_str()
                };
                let id = names.take(logical_id(path_words, "Resource"));
                let var = camel(&id);
                body.push_str(&format!(
                    "\n    const {var} = apigateway.Resource.fromResourceAttributes(this, '{id}', {{\n      \
                     resourceId: {},\n      restApi: api,\n      path: {},\n    }});\n",
                    ts(&m.resource_id),
                    ts(&m.path)
                ));
                resources.push((m.resource_id.clone(), var.clone()));
                var
            }
        };
        body.push_str(&format!(
            "    // {}: {} (import: RestApiId {}, ResourceId {}, HttpMethod {})\n",
            one_line(&m.key()),
            one_line(&protection_words(plan, m)),
            one_line(&api.id),
            one_line(&m.resource_id),
            one_line(&m.verb)
        ));
        if !VERBS.contains(&m.verb.to_ascii_uppercase().as_str()) {
            body.push_str("    // Not a verb CDK's addMethod takes: not declared.\n");
            continue;
        }
        let Some(options) = rest_options(plan, &vars, m, body) else {
            continue;
        };
        body.push_str(&format!(
            "    {resource}.addMethod({}, placeholder, {{\n{options}    }});\n",
            ts(&m.verb)
        ));
    }
    "import * as apigateway from 'aws-cdk-lib/aws-apigateway';\n".to_string()
}

/// The MethodOptions of a method, one line each; None (with a comment) for a type CDK cannot
/// name.
fn rest_options(
    plan: &Plan,
    vars: &[AuthorizerVar],
    m: &Method,
    body: &mut String,
) -> Option<String> {
    let mut o = String::new();
    let line = |o: &mut String, s: &str| o.push_str(&format!("      {s},\n"));
    if m.is_options() {
        if !m.is_open() {
            body.push_str("    // A preflight carries no token: OPTIONS is left open here.\n");
        }
        line(
            &mut o,
            "authorizationType: apigateway.AuthorizationType.NONE",
        );
    } else {
        let kind = match &m.authorization_type {
            AuthType::None => "NONE",
            AuthType::AwsIam => "IAM",
            AuthType::Custom => "CUSTOM",
            AuthType::CognitoUserPools => "COGNITO",
            AuthType::Jwt | AuthType::Other(_) => {
                body.push_str(&format!(
                    "    // Authorization type {}: CDK cannot name it, so the method is not declared.\n",
                    one_line(m.authorization_type.as_str())
                ));
                return None;
            }
        };
        match plan.guard(m) {
            Guard::Plain => {}
            Guard::Described(d) => {
                let var = vars
                    .iter()
                    .find(|v| std::ptr::eq(v.described, d))
                    .map(|v| v.var.as_str())
                    .unwrap_or("undefined");
                line(&mut o, &format!("authorizer: {var}"));
            }
            Guard::Other { id, .. } => line(
                &mut o,
                &format!(
                    "authorizer: {{ authorizerId: {}, authorizationType: apigateway.AuthorizationType.{kind} }}",
                    ts(&id)
                ),
            ),
        }
        line(
            &mut o,
            &format!("authorizationType: apigateway.AuthorizationType.{kind}"),
        );
        if m.authorization_type.takes_scopes() && !m.scopes.is_empty() {
            line(
                &mut o,
                &format!("authorizationScopes: {}", ts_list(&m.scopes)),
            );
        }
    }
    if m.api_key_required {
        line(&mut o, "apiKeyRequired: true");
    }
    Some(o)
}

fn http_body(plan: &Plan, names: &mut Names, body: &mut String) -> String {
    let api = &plan.input.api;
    body.push_str(&format!(
        "    const api = apigwv2.HttpApi.fromHttpApiAttributes(this, 'Api', {{ httpApiId: {} }});\n",
        ts(&api.id)
    ));
    let mut pools = Vec::new();
    let mut vars = Vec::new();
    let (mut user_pool, mut jwt) = (false, false);
    for d in plan.used_authorizers() {
        let a = d.authorizer;
        let var = camel(&names.take(d.logical_id.clone()));
        let issuer = a.issuer.as_deref().unwrap_or_default();
        let source = a.identity_source.as_deref().unwrap_or(HTTP_IDENTITY);
        let comment = format!(
            "    // {} (import: ApiId {}, AuthorizerId {})\n",
            one_line(&a.name),
            one_line(&api.id),
            one_line(&a.id)
        );
        match pool_of_issuer(issuer) {
            Some((region, pool_id)) => {
                user_pool = true;
                let pool = pool_var(
                    plan,
                    names,
                    &mut pools,
                    body,
                    None,
                    Some((region.clone(), pool_id)),
                );
                let clients: Vec<String> = a
                    .audience
                    .iter()
                    .map(|c| {
                        let id = names.take(logical_id(&format!("client {c}"), ""));
                        format!(
                            "cognito.UserPoolClient.fromUserPoolClientId(this, '{id}', {})",
                            ts(c)
                        )
                    })
                    .collect();
                body.push_str(&comment);
                body.push_str(&format!(
                    "    const {var} = new HttpUserPoolAuthorizer('{}', {pool}, {{\n      \
                     authorizerName: {},\n      \
                     userPoolClients: [\n{}      ],\n      \
                     userPoolRegion: {},\n      \
                     identitySource: [{}],\n    }});\n",
                    d.logical_id,
                    ts(&a.name),
                    clients
                        .iter()
                        .map(|c| format!("        {c},\n"))
                        .collect::<String>(),
                    ts(&region),
                    ts(source)
                ));
            }
            None => {
                jwt = true;
                body.push_str(&comment);
                body.push_str(&format!(
                    "    const {var} = new HttpJwtAuthorizer('{}', {}, {{\n      \
                     authorizerName: {},\n      \
                     jwtAudience: {},\n      \
                     identitySource: [{}],\n    }});\n",
                    d.logical_id,
                    ts(issuer),
                    ts(&a.name),
                    ts_list(&a.audience),
                    ts(source)
                ));
            }
        }
        vars.push(AuthorizerVar { described: d, var });
    }
    unused_note(plan, body);
    body.push_str(
        "\n    // Placeholder: Gatehouse does not read integrations.\n    \
         const placeholder = new HttpUrlIntegration('Placeholder', 'https://example.invalid/');\n",
    );
    let mut iam = false;
    for e in &plan.methods {
        let m = e.method;
        body.push_str(&format!(
            "\n    // {}: {} (import: ApiId {}, RouteId {})\n",
            one_line(&route_key(m)),
            one_line(&protection_words(plan, m)),
            one_line(&api.id),
            one_line(&m.resource_id)
        ));
        let key = if m.path.starts_with('$') {
            "apigwv2.HttpRouteKey.DEFAULT".to_string()
        } else {
            let verb = m.verb.to_ascii_uppercase();
            if !VERBS.contains(&verb.as_str()) {
                body.push_str("    // Not a verb HTTP APIs route: not declared.\n");
                continue;
            }
            format!(
                "apigwv2.HttpRouteKey.with({}, apigwv2.HttpMethod.{verb})",
                ts(&m.path)
            )
        };
        let mut o = format!(
            "      httpApi: api,\n      routeKey: {key},\n      integration: placeholder,\n"
        );
        if m.is_options() {
            if !m.is_open() {
                body.push_str("    // A preflight carries no token: OPTIONS is left open here.\n");
            }
        } else {
            match (&m.authorization_type, plan.guard(m)) {
                (AuthType::None, _) => {}
                (AuthType::AwsIam, _) => {
                    iam = true;
                    o.push_str("      authorizer: new HttpIamAuthorizer(),\n");
                }
                (_, Guard::Described(d)) => {
                    let var = vars
                        .iter()
                        .find(|v| std::ptr::eq(v.described, d))
                        .map(|v| v.var.as_str())
                        .unwrap_or("undefined");
                    o.push_str(&format!("      authorizer: {var},\n"));
                }
                (t, Guard::Other { id, .. }) => {
                    let construct = names.take(logical_id(&format!("authorizer {id}"), ""));
                    o.push_str(&format!(
                        "      authorizer: apigwv2.HttpAuthorizer.fromHttpAuthorizerAttributes(this, '{construct}', {{\n        \
                         authorizerId: {},\n        authorizerType: {},\n      }}),\n",
                        ts(&id),
                        ts(t.as_str())
                    ));
                }
                (t, Guard::Plain) => {
                    body.push_str(&format!(
                        "    // Authorization type {}: CDK cannot name it, so the route is not declared.\n",
                        one_line(t.as_str())
                    ));
                    continue;
                }
            }
            if m.authorization_type.takes_scopes() && !m.scopes.is_empty() {
                o.push_str(&format!(
                    "      authorizationScopes: {},\n",
                    ts_list(&m.scopes)
                ));
            }
        }
        body.push_str(&format!(
            "    new apigwv2.HttpRoute(this, '{}', {{\n{o}    }});\n",
            e.logical_id
        ));
    }
    let mut authorizers: Vec<&str> = Vec::new();
    if iam {
        authorizers.push("HttpIamAuthorizer");
    }
    if jwt {
        authorizers.push("HttpJwtAuthorizer");
    }
    if user_pool {
        authorizers.push("HttpUserPoolAuthorizer");
    }
    let mut imports = "import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';\n".to_string();
    if !authorizers.is_empty() {
        imports.push_str(&format!(
            "import {{ {} }} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';\n",
            authorizers.join(", ")
        ));
    }
    imports.push_str(
        "import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';\n",
    );
    imports
}

/// A comment naming the described authorizers no method uses (CDK makes them only for one).
fn unused_note(plan: &Plan, body: &mut String) {
    let used = plan.used_authorizers();
    let unused: Vec<String> = plan
        .authorizers
        .iter()
        .filter(|d| !used.iter().any(|u| std::ptr::eq(*u, *d)))
        .map(|d| {
            format!(
                "{} ({})",
                one_line(&d.authorizer.name),
                one_line(&d.authorizer.id)
            )
        })
        .collect();
    if !unused.is_empty() {
        body.push_str(&format!(
            "    // Not declared, since no {} uses them: {}.\n",
            if plan.input.api.kind == ApiKind::Http {
                "route"
            } else {
                "method"
            },
            unused.join(", ")
        ));
    }
}

fn ts_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| ts(s)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::super::sample::{sample_http, sample_rest};
    use super::*;

    /// The statement that declares the method or route commented `key`, up to its `});`.
    fn declared<'t>(t: &'t str, key: &str) -> &'t str {
        let head = format!("    // {key}: ");
        let at = t.find(&head).unwrap_or_else(|| panic!("{key} in\n{t}"));
        let rest = &t[at..];
        &rest[..rest.find("});\n").map_or(rest.len(), |k| k + 4)]
    }

    fn never_creates_a_pool_or_client(t: &str) {
        for creation in [
            "new cognito.UserPool(",
            "new cognito.UserPoolClient(",
            "new UserPool",
            "new UserPoolClient",
            "addClient(",
        ] {
            assert!(!t.contains(creation), "{creation} in\n{t}");
        }
    }

    #[test]
    fn a_rest_stack_adds_each_method_to_its_existing_resource() {
        let t = cdk(&sample_rest());
        never_creates_a_pool_or_client(&t);
        for line in [
            "import * as apigateway from 'aws-cdk-lib/aws-apigateway';\n",
            "export class SecurePetsProtection extends cdk.Stack {\n",
            "apigateway.RestApi.fromRestApiAttributes(this, 'Api', {\n      restApiId: 'a1b2c3',\n",
            "    const euWest1AbCdEfPool = cognito.UserPool.fromUserPoolId(this, 'EuWest1AbCdEfPool', 'eu-west-1_AbCdEf');\n",
            "    const petsPoolAuthorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'PetsPoolAuthorizer', {\n      cognitoUserPools: [euWest1AbCdEfPool],\n      authorizerName: 'PetsPool',\n      identitySource: 'method.request.header.Authorization',\n      resultsCacheTtl: cdk.Duration.seconds(300),\n",
            "apigateway.Resource.fromResourceAttributes(this, 'PetsResource', {\n      resourceId: 'p3ts00',\n      restApi: api,\n      path: '/pets',\n",
            "new apigateway.MockIntegration(",
            "cdk.RemovalPolicy.RETAIN",
            "CDK attaches an authorizer to an API only through methods it owns",
        ] {
            assert!(t.contains(line), "{line} in\n{t}");
        }
        let get = declared(&t, "GET /pets");
        assert!(get.contains("petsResource.addMethod('GET', placeholder, {\n      authorizer: petsPoolAuthorizer,\n      authorizationType: apigateway.AuthorizationType.COGNITO,\n"), "{get}");
        let post = declared(&t, "POST /purchase");
        assert!(
            post.contains("authorizationScopes: ['pets/purchase'],\n"),
            "{post}"
        );
        let options = declared(&t, "OPTIONS /pets");
        assert!(
            options.contains("authorizationType: apigateway.AuthorizationType.NONE,\n"),
            "{options}"
        );
        assert!(!options.contains("authorizer:"), "{options}");
        assert!(t.contains("    // PURCHASE /pets: open (import: RestApiId a1b2c3, ResourceId p3ts00, HttpMethod PURCHASE)\n    // Not a verb CDK's addMethod takes: not declared.\n"), "{t}");
        assert!(!t.contains("addMethod('PURCHASE'"), "{t}");
        assert_eq!(t.matches("fromResourceAttributes(").count(), 2, "{t}");
    }

    #[test]
    fn an_http_stack_routes_with_the_pools_authorizer() {
        let t = cdk(&sample_http());
        never_creates_a_pool_or_client(&t);
        for line in [
            "export class ParcelsProtection extends cdk.Stack {\n",
            "apigwv2.HttpApi.fromHttpApiAttributes(this, 'Api', { httpApiId: 'h77p4r' });\n",
            "import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';\n",
            "cognito.UserPool.fromUserPoolId(this, 'EuWest1AbCdEfPool', 'eu-west-1_AbCdEf');\n",
            "new HttpUserPoolAuthorizer('ParcelsJwtAuthorizer', euWest1AbCdEfPool, {\n",
            "        cognito.UserPoolClient.fromUserPoolClientId(this, 'Client4pp3l13nt1d', '4pp3l13nt1d'),\n",
            "      userPoolRegion: 'eu-west-1',\n      identitySource: ['$request.header.Authorization'],\n",
        ] {
            assert!(t.contains(line), "{line} in\n{t}");
        }
        let get = declared(&t, "GET /parcels");
        assert!(
            get.contains(
                "routeKey: apigwv2.HttpRouteKey.with('/parcels', apigwv2.HttpMethod.GET),\n"
            ),
            "{get}"
        );
        assert!(
            get.contains(
                "authorizer: parcelsJwtAuthorizer,\n      authorizationScopes: ['parcels/read'],\n"
            ),
            "{get}"
        );
        let post = declared(&t, "POST /parcels");
        assert!(!post.contains("authorizer"), "{post}");
        let default = declared(&t, "$default");
        assert!(
            default.contains("routeKey: apigwv2.HttpRouteKey.DEFAULT,\n"),
            "{default}"
        );
    }

    #[test]
    fn options_never_gets_the_authorizer_and_lambda_ones_are_named_by_id() {
        let mut input = sample_rest();
        input.methods[3].authorization_type = AuthType::CognitoUserPools;
        input.methods[3].authorizer_id = Some("auth1".into());
        input.methods[2].authorization_type = AuthType::Custom;
        input.methods[2].authorizer_id = Some("lam1".into());
        let t = cdk(&input);
        let options = declared(&t, "OPTIONS /pets");
        assert!(options.contains("OPTIONS is left open here"), "{options}");
        assert!(!options.contains("authorizer:"), "{options}");
        let purchase = declared(&t, "POST /purchase");
        assert!(purchase.contains("authorizer: { authorizerId: 'lam1', authorizationType: apigateway.AuthorizationType.CUSTOM },\n"), "{purchase}");
    }

    #[test]
    fn a_pool_of_another_region_is_named_by_its_arn_and_unused_authorizers_are_listed() {
        let mut input = sample_rest();
        input.authorizers[0].provider_arns =
            vec!["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Zz".into()];
        let mut spare = input.authorizers[0].clone();
        spare.id = "auth2".into();
        spare.name = "Spare".into();
        input.authorizers.push(spare);
        input.authorizers[0].identity_validation_expression = Some("^4pp$".into());
        let t = cdk(&input);
        assert!(t.contains("    (petsPoolAuthorizer.node.defaultChild as apigateway.CfnAuthorizer).identityValidationExpression = '^4pp$';\n"), "{t}");
        assert!(t.contains("cognito.UserPool.fromUserPoolArn(this, 'UsEast1ZzPool', 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Zz');\n"), "{t}");
        assert!(
            t.contains("// Not declared, since no method uses them: Spare (auth2).\n"),
            "{t}"
        );
        assert!(!t.contains("SpareAuthorizer"), "{t}");
    }
}
