//! Pure: an API as a SAM team writes it — `AWS::Serverless::Api` (REST) or
//! `AWS::Serverless::HttpApi` (HTTP) with its authorizers under `Auth` and each method's
//! protection as the `security` of its operation in the `DefinitionBody`.

use super::parts::{
    description_line, one_line, protection_words, yaml, yaml_list, Guard, Names, Plan, DEFAULT_TTL,
    HTTP_IDENTITY, REST_IDENTITY,
};
use crate::domain::model::{ApiKind, AuthType, Method};
use crate::domain::template::spec::{logical_id, ExportInput};
use std::collections::BTreeMap;

/// The OpenAPI operations API Gateway knows; any other verb (PURCHASE) has no place in OpenAPI.
const VERBS: [&str; 7] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"];

/// A SAM template (`Transform: AWS::Serverless-2016-10-31`) with one serverless API: REST as
/// swagger 2.0 (what SAM's editor merges its authorizers into), HTTP as OpenAPI 3.0. Operations
/// keep their protection; REST integrations are mock placeholders, HTTP routes carry none.
pub fn sam(input: &ExportInput) -> String {
    if let Some(why) = input.api.kind.not_reviewed(&input.api.name) {
        return format!("# {}\n", one_line(&why));
    }
    let plan = Plan::new(input);
    let http = input.api.kind == ApiKind::Http;
    let names = authorizer_keys(&plan);
    let mut paths: BTreeMap<&str, Vec<&Method>> = BTreeMap::new();
    let (mut custom, mut undescribed, mut preflights) = (Vec::new(), Vec::new(), Vec::new());
    for e in &plan.methods {
        let m = e.method;
        if operation(m).is_none() {
            custom.push(format!("{}: {}", m.key(), protection_words(&plan, m)));
            continue;
        }
        let said = format!("{}: {}", m.key(), protection_words(&plan, m));
        if m.is_options() && !m.is_open() {
            preflights.push(said);
        } else if let Guard::Other { .. } = plan.guard(m) {
            undescribed.push(said);
        }
        paths.entry(path_of(m)).or_default().push(m);
    }

    let mut out = String::new();
    let words = one_line(&plan.api_words());
    let serverless = if http {
        "AWS::Serverless::HttpApi"
    } else {
        "AWS::Serverless::Api"
    };
    out.push_str(&format!(
        "# Gatehouse export: {words},\n\
         # as a SAM template.\n\
         # {serverless} makes an API of its own: deploying this creates a new API beside\n\
         # {name}. To adopt {name} itself in place, use the CloudFormation export.\n",
        name = one_line(&input.api.name),
    ));
    if http {
        out.push_str(
            "# Gatehouse does not read integrations: the routes below carry none; add each\n\
             # route's x-amazon-apigateway-integration before deploying.\n",
        );
    } else {
        out.push_str(
            "# Gatehouse does not read integrations: each x-amazon-apigateway-integration below is a\n\
             # placeholder (a mock answering 200); put the method's own in its place.\n",
        );
    }
    if !custom.is_empty() {
        out.push_str("# Not expressible in OpenAPI (a custom verb), so not in the definition:\n");
        for line in &custom {
            out.push_str(&format!("#   {}\n", one_line(line)));
        }
    }
    if !undescribed.is_empty() {
        out.push_str(
            "# Protected in AWS by an authorizer this export does not describe: add it to Auth\n\
             # and to the operation's security before deploying, or it is open as written:\n",
        );
        for line in &undescribed {
            out.push_str(&format!("#   {}\n", one_line(line)));
        }
    }
    if !preflights.is_empty() {
        out.push_str(
            "# A preflight carries no token, so OPTIONS gets no authorizer here; in AWS:\n",
        );
        for line in &preflights {
            out.push_str(&format!("#   {}\n", one_line(line)));
        }
    }
    out.push_str("AWSTemplateFormatVersion: '2010-09-09'\n");
    out.push_str("Transform: AWS::Serverless-2016-10-31\n");
    out.push_str(&description_line(&format!(
        "Gatehouse export of {words}, as SAM."
    )));
    out.push_str("Resources:\n");
    out.push_str(&format!(
        "  {}:\n    Type: {serverless}\n    Properties:\n",
        logical_id(&input.api.name, "Api"),
    ));
    if http {
        // An HttpApi takes its name from the definition's title; SAM refuses both.
        if let Some(stage) = input.stage.as_deref().filter(|s| *s != "$default") {
            out.push_str(&format!("      StageName: {}\n", yaml(stage)));
        }
    } else {
        out.push_str(&format!("      Name: {}\n", yaml(&input.api.name)));
        let stage = input.stage.as_deref().unwrap_or("prod");
        out.push_str(&format!("      StageName: {}\n", yaml(stage)));
    }
    if !plan.authorizers.is_empty() {
        out.push_str("      Auth:\n");
        if !http {
            out.push_str("        AddDefaultAuthorizerToCorsPreflight: false\n");
        }
        out.push_str("        Authorizers:\n");
        for (d, key) in plan.authorizers.iter().zip(&names) {
            out.push_str(&format!("          {}:\n", yaml(key)));
            if http {
                http_authorizer(d.authorizer, &mut out);
            } else {
                rest_authorizer(d.authorizer, &mut out);
            }
        }
    }
    out.push_str("      DefinitionBody:\n");
    out.push_str(if http {
        "        openapi: 3.0.1\n"
    } else {
        "        swagger: '2.0'\n"
    });
    out.push_str(&format!(
        "        info:\n          title: {}\n          version: '1.0'\n",
        yaml(&input.api.name)
    ));
    if paths.is_empty() {
        out.push_str("        paths: {}\n");
    } else {
        out.push_str("        paths:\n");
    }
    for (path, methods) in &paths {
        out.push_str(&format!("          {}:\n", yaml(path)));
        for m in methods {
            operation_text(&plan, &names, m, http, &mut out);
        }
    }
    security_schemes(&plan, http, &mut out);
    out
}

/// Each described authorizer's key under `Auth.Authorizers` (its name, which SAM gives the
/// authorizer it makes), in the plan's order; a repeated name gets a number.
fn authorizer_keys(plan: &Plan) -> Vec<String> {
    let mut names = Names::default();
    plan.authorizers
        .iter()
        .map(|d| names.take(d.authorizer.name.clone()))
        .collect()
}

fn rest_authorizer(a: &crate::domain::model::Authorizer, out: &mut String) {
    match a.provider_arns.as_slice() {
        [one] => out.push_str(&format!("            UserPoolArn: {}\n", yaml(one))),
        arns => {
            out.push_str("            UserPoolArn:\n");
            for arn in arns {
                out.push_str(&format!("              - {}\n", yaml(arn)));
            }
        }
    }
    let source = a.identity_source.as_deref().unwrap_or(REST_IDENTITY);
    let header = source
        .strip_prefix("method.request.header.")
        .unwrap_or(source);
    out.push_str("            Identity:\n");
    out.push_str(&format!("              Header: {}\n", yaml(header)));
    if let Some(regex) = a.identity_validation_expression.as_deref() {
        if !regex.is_empty() {
            out.push_str(&format!(
                "              ValidationExpression: {}\n",
                yaml(regex)
            ));
        }
    }
    let ttl = a.ttl_seconds.unwrap_or(DEFAULT_TTL);
    if ttl != DEFAULT_TTL {
        out.push_str(&format!(
            "              # SAM gives a Cognito authorizer no result TTL: API Gateway's {DEFAULT_TTL} s applies, not {ttl} s.\n"
        ));
    }
    out.push_str(&format!("              ReauthorizeEvery: {ttl}\n"));
}

fn http_authorizer(a: &crate::domain::model::Authorizer, out: &mut String) {
    let source = a.identity_source.as_deref().unwrap_or(HTTP_IDENTITY);
    out.push_str(&format!("            IdentitySource: {}\n", yaml(source)));
    out.push_str("            JwtConfiguration:\n");
    out.push_str(&format!(
        "              issuer: {}\n",
        yaml(a.issuer.as_deref().unwrap_or_default())
    ));
    out.push_str(&format!(
        "              audience: {}\n",
        yaml_list(&a.audience)
    ));
}

/// The OpenAPI operation key of a method: `get`, `x-amazon-apigateway-any-method` for ANY (and
/// an HTTP API's $default); None for a verb OpenAPI cannot say.
fn operation(m: &Method) -> Option<String> {
    let verb = m.verb.to_ascii_uppercase();
    if verb == "ANY" || m.path.starts_with('$') {
        Some("x-amazon-apigateway-any-method".to_string())
    } else {
        VERBS
            .contains(&verb.as_str())
            .then(|| verb.to_ascii_lowercase())
    }
}

/// The OpenAPI path: "/pets", and "/$default" for the default route, as API Gateway exports it.
fn path_of(m: &Method) -> &str {
    match m.path.as_str() {
        "$default" => "/$default",
        p => p,
    }
}

fn operation_text(plan: &Plan, names: &[String], m: &Method, http: bool, out: &mut String) {
    let Some(op) = operation(m) else { return };
    out.push_str(&format!(
        "            # {}\n            {op}:\n",
        one_line(&protection_words(plan, m))
    ));
    let pad = "              ";
    if m.path == "$default" {
        out.push_str(&format!("{pad}isDefaultRoute: true\n"));
    }
    let params: Vec<&str> = m
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|p| p.trim_end_matches('+'))
        .collect();
    if !params.is_empty() {
        out.push_str(&format!("{pad}parameters:\n"));
        for p in params {
            out.push_str(&format!(
                "{pad}  - name: {}\n{pad}    in: path\n{pad}    required: true\n",
                yaml(p)
            ));
            if http {
                out.push_str(&format!("{pad}    schema:\n{pad}      type: string\n"));
            } else {
                out.push_str(&format!("{pad}    type: string\n"));
            }
        }
    }
    let requirement = requirement(plan, names, m);
    if !requirement.is_empty() && !m.is_options() {
        out.push_str(&format!("{pad}security:\n"));
        for (k, (key, scopes)) in requirement.iter().enumerate() {
            let lead = if k == 0 { "- " } else { "  " };
            out.push_str(&format!(
                "{pad}  {lead}{}: {}\n",
                yaml(key),
                yaml_list(scopes)
            ));
        }
    }
    if http {
        out.push_str(&format!(
            "{pad}responses:\n{pad}  default:\n{pad}    description: The route's integration answers.\n"
        ));
    } else {
        out.push_str(&format!(
            "{pad}responses:\n{pad}  '200':\n{pad}    description: The placeholder integration answers 200.\n\
             {pad}x-amazon-apigateway-integration:\n\
             {pad}  type: mock\n\
             {pad}  requestTemplates:\n\
             {pad}    application/json: '{{\"statusCode\": 200}}'\n\
             {pad}  responses:\n\
             {pad}    default:\n\
             {pad}      statusCode: '200'\n"
        ));
    }
}

/// The one security requirement of an operation: the authorizer with its scopes, IAM, and the
/// API key when the method requires one (all must hold). Empty for an open method.
fn requirement(plan: &Plan, names: &[String], m: &Method) -> Vec<(String, Vec<String>)> {
    let mut req = Vec::new();
    match (&m.authorization_type, plan.guard(m)) {
        (AuthType::AwsIam, _) => req.push(("AWS_IAM".to_string(), vec![])),
        (t, Guard::Described(d)) => {
            let k = plan
                .authorizers
                .iter()
                .position(|x| std::ptr::eq(x, d))
                .unwrap_or_default();
            let scopes = if t.takes_scopes() {
                m.scopes.clone()
            } else {
                vec![]
            };
            req.push((names[k].clone(), scopes));
        }
        _ => {}
    }
    if m.api_key_required && !(plan.input.api.kind == ApiKind::Http) {
        req.push(("api_key".to_string(), vec![]));
    }
    req
}

/// The schemes the operations name that SAM does not add itself: IAM, and the API key (REST).
fn security_schemes(plan: &Plan, http: bool, out: &mut String) {
    let operations = plan
        .methods
        .iter()
        .map(|e| e.method)
        .filter(|m| operation(m).is_some() && !m.is_options());
    let (mut iam, mut key) = (false, false);
    for m in operations {
        iam |= m.authorization_type == AuthType::AwsIam;
        key |= m.api_key_required && !http;
    }
    if !iam && !key {
        return;
    }
    let pad = if http {
        out.push_str("        components:\n          securitySchemes:\n");
        "            "
    } else {
        out.push_str("        securityDefinitions:\n");
        "          "
    };
    if iam {
        out.push_str(&format!(
            "{pad}AWS_IAM:\n{pad}  type: apiKey\n{pad}  name: Authorization\n{pad}  in: header\n{pad}  x-amazon-apigateway-authtype: awsSigv4\n"
        ));
    }
    if key {
        out.push_str(&format!(
            "{pad}api_key:\n{pad}  type: apiKey\n{pad}  name: x-api-key\n{pad}  in: header\n"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample::{sample_http, sample_rest, POOL_ARN};
    use super::*;

    /// The text of the operation `op` under `path`, up to the next operation or path.
    fn operation_block<'t>(t: &'t str, path: &str, op: &str) -> &'t str {
        let head = format!("\n          {path}:\n");
        let at = t.find(&head).unwrap_or_else(|| panic!("{path} in\n{t}")) + head.len();
        let rest = &t[at..];
        let end = rest
            .find("\n          /")
            .or_else(|| rest.find("\n        securityDefinitions"))
            .unwrap_or(rest.len());
        let path_text = &rest[..end];
        let op_head = format!("            {op}:\n");
        let start = path_text
            .find(&op_head)
            .unwrap_or_else(|| panic!("{op} under {path} in\n{t}"));
        let after = &path_text[start + op_head.len()..];
        let stop = after
            .find("\n            #")
            .map(|k| k + 1)
            .unwrap_or(after.len());
        &after[..stop]
    }

    #[test]
    fn a_rest_api_is_a_serverless_api_with_its_authorizer_and_security() {
        let t = sam(&sample_rest());
        for line in [
            "Transform: AWS::Serverless-2016-10-31\n",
            "  SecurePetsApi:\n    Type: AWS::Serverless::Api\n",
            "      StageName: prod\n",
            "        AddDefaultAuthorizerToCorsPreflight: false\n",
            &format!("          PetsPool:\n            UserPoolArn: '{POOL_ARN}'\n"),
            "            Identity:\n              Header: Authorization\n              ReauthorizeEvery: 300\n",
            "        swagger: '2.0'\n",
        ] {
            assert!(t.contains(line), "{line} in\n{t}");
        }
        let get = operation_block(&t, "/pets", "get");
        assert!(
            get.contains("security:\n                - PetsPool: []\n"),
            "{get}"
        );
        assert!(get.contains("type: mock\n"), "{get}");
        assert!(
            get.contains("application/json: '{\"statusCode\": 200}'\n"),
            "{get}"
        );
        let post = operation_block(&t, "/purchase", "post");
        assert!(post.contains("- PetsPool: [pets/purchase]\n"), "{post}");
        let options = operation_block(&t, "/pets", "options");
        assert!(!options.contains("security"), "{options}");
        assert!(options.contains("type: mock\n"), "{options}");
        // PURCHASE is said only in the comment that lists what OpenAPI cannot say.
        assert!(
            t.contains("# Not expressible in OpenAPI (a custom verb)"),
            "{t}"
        );
        assert!(t.contains("#   PURCHASE /pets: open\n"), "{t}");
        assert!(!t.contains("  purchase:\n"), "{t}");
        assert!(t.contains("placeholder (a mock answering 200)"), "{t}");
        assert!(!t.contains("securityDefinitions"), "{t}");
    }

    #[test]
    fn an_http_api_is_a_serverless_http_api_with_lower_case_jwt_settings() {
        let t = sam(&sample_http());
        for line in [
            "  ParcelsApi:\n    Type: AWS::Serverless::HttpApi\n",
            "          ParcelsJwt:\n            IdentitySource: $request.header.Authorization\n",
            "            JwtConfiguration:\n              issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf'\n              audience: ['4pp3l13nt1d']\n",
            "        openapi: 3.0.1\n",
        ] {
            assert!(t.contains(line), "{line} in\n{t}");
        }
        assert!(!t.contains("StageName"), "{t}");
        assert!(!t.contains("AddDefaultAuthorizerToCorsPreflight"), "{t}");
        let get = operation_block(&t, "/parcels", "get");
        assert!(get.contains("- ParcelsJwt: [parcels/read]\n"), "{get}");
        assert!(
            !operation_block(&t, "/parcels", "post").contains("security"),
            "{t}"
        );
        let default = operation_block(&t, "/$default", "x-amazon-apigateway-any-method");
        assert!(default.contains("isDefaultRoute: true\n"), "{default}");
        assert!(!default.contains("security"), "{default}");
        let resources = &t[t.find("Resources:").unwrap()..];
        assert!(
            !resources.contains("x-amazon-apigateway-integration"),
            "{t}"
        );
        assert!(!resources.contains("Name:"), "{t}");
    }

    #[test]
    fn iam_api_keys_and_path_parameters_are_said_in_openapi() {
        let mut input = sample_rest();
        input.methods[0].path = "/pets/{id}".into();
        input.methods[0].api_key_required = true;
        input.methods[2].authorization_type = AuthType::AwsIam;
        input.methods[2].authorizer_id = None;
        input.authorizers[0].ttl_seconds = Some(60);
        let t = sam(&input);
        assert!(
            t.contains("API Gateway's 300 s applies, not 60 s.\n"),
            "{t}"
        );
        let get = operation_block(&t, "'/pets/{id}'", "get");
        assert!(
            get.contains("  - name: id\n                  in: path\n"),
            "{get}"
        );
        assert!(
            get.contains("- PetsPool: []\n                  api_key: []\n"),
            "{get}"
        );
        let post = operation_block(&t, "/purchase", "post");
        assert!(post.contains("- AWS_IAM: []\n"), "{post}");
        assert!(
            t.contains("        securityDefinitions:\n          AWS_IAM:\n"),
            "{t}"
        );
        assert!(
            t.contains("x-amazon-apigateway-authtype: awsSigv4\n"),
            "{t}"
        );
        assert!(t.contains("          api_key:\n"), "{t}");
    }

    #[test]
    fn a_lambda_authorizer_is_listed_as_not_described() {
        let mut input = sample_rest();
        input.methods[2].authorization_type = "CUSTOM".into();
        input.methods[2].authorizer_id = Some("lam1".into());
        input.methods[3].authorization_type = AuthType::CognitoUserPools;
        input.methods[3].authorizer_id = Some("auth1".into());
        let t = sam(&input);
        assert!(t.contains("#   POST /purchase: authorizer lam1\n"), "{t}");
        assert!(
            t.contains("in AWS:\n#   OPTIONS /pets: authorizer PetsPool\n"),
            "{t}"
        );
        assert!(
            !operation_block(&t, "/pets", "options").contains("security"),
            "{t}"
        );
        assert!(
            !operation_block(&t, "/purchase", "post").contains("security"),
            "{t}"
        );
    }
}
