//! Pure: an API's authorizers and method protection as a CloudFormation template a stack can
//! adopt by resource import (a change set of type IMPORT), and the list of what to import.

use super::parts::{
    description_line, one_line, protection_words, route_key, yaml, yaml_list, Guard, Plan,
    DEFAULT_TTL, HTTP_IDENTITY, REST_IDENTITY,
};
use crate::domain::model::{ApiKind, Method};
use crate::domain::template::spec::ExportInput;
use serde_json::{json, Value};

/// YAML CloudFormation: one `AWS::ApiGateway::Authorizer` per Cognito authorizer and one
/// `AWS::ApiGateway::Method` per method (REST), or `AWS::ApiGatewayV2::Authorizer` per JWT
/// authorizer and `AWS::ApiGatewayV2::Route` per route (HTTP); each kept on delete and on
/// replacement, as resource import asks. Ids are the API's own, written literally.
pub fn cloudformation(input: &ExportInput) -> String {
    if let Some(why) = input.api.kind.not_reviewed(&input.api.name) {
        return format!("# {}\n", one_line(&why));
    }
    let plan = Plan::new(input);
    let (noun, area) = match input.api.kind {
        ApiKind::Http => ("JWT authorizers and route protection", "route"),
        _ => ("Cognito authorizers and method protection", "method"),
    };
    let mut out = String::new();
    let words = one_line(&plan.api_words());
    out.push_str(&format!(
        "# Gatehouse export: {words}:\n\
         # its {noun}, as CloudFormation for resource import.\n\
         # Every resource is kept on delete (DeletionPolicy Retain), so a stack can adopt the\n\
         # existing objects without recreating them, with the import list Gatehouse writes beside:\n\
         #   aws cloudformation create-change-set --change-set-type IMPORT --stack-name STACK \\\n\
         #     --change-set-name adopt --template-body file://THIS_FILE \\\n\
         #     --resources-to-import file://IMPORT_LIST --region {region}\n\
         # Gatehouse does not read integrations, so no {area} here has one: add each {area}'s\n\
         # integration before an update touches it, since an update makes it what this says.\n",
        region = one_line(&input.region),
    ));
    if input.api.kind == ApiKind::Rest {
        out.push_str("# A change to a method reaches callers after the stage's next deployment.\n");
    }
    out.push_str("AWSTemplateFormatVersion: '2010-09-09'\n");
    out.push_str(&description_line(&format!(
        "Gatehouse export of the {noun} of {words}, for resource import."
    )));
    out.push_str("Resources:\n");
    match input.api.kind {
        ApiKind::Http => http_resources(&plan, &mut out),
        _ => rest_resources(&plan, &mut out),
    }
    out
}

/// The JSON for `--resources-to-import`: each resource's type, logical id and identifier.
pub fn cloudformation_import_list(input: &ExportInput) -> String {
    if input.api.kind.not_reviewed(&input.api.name).is_some() {
        return "[]\n".to_string();
    }
    let plan = Plan::new(input);
    let api = &input.api.id;
    let entry = |kind: &str, logical: &str, id: Value| json!({"ResourceType": kind, "LogicalResourceId": logical, "ResourceIdentifier": id});
    let mut list = Vec::new();
    for d in &plan.authorizers {
        list.push(match input.api.kind {
            ApiKind::Http => entry(
                "AWS::ApiGatewayV2::Authorizer",
                &d.logical_id,
                json!({"ApiId": api, "AuthorizerId": d.authorizer.id}),
            ),
            _ => entry(
                "AWS::ApiGateway::Authorizer",
                &d.logical_id,
                json!({"RestApiId": api, "AuthorizerId": d.authorizer.id}),
            ),
        });
    }
    for e in &plan.methods {
        let m = e.method;
        list.push(match input.api.kind {
            ApiKind::Http => entry(
                "AWS::ApiGatewayV2::Route",
                &e.logical_id,
                json!({"ApiId": api, "RouteId": m.resource_id}),
            ),
            _ => entry(
                "AWS::ApiGateway::Method",
                &e.logical_id,
                json!({"RestApiId": api, "ResourceId": m.resource_id, "HttpMethod": m.verb}),
            ),
        });
    }
    let mut text = serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_default();
    text.push('\n');
    text
}

/// The head every resource shares: its type and the policies import needs.
fn resource(out: &mut String, logical: &str, kind: &str) {
    out.push_str(&format!(
        "  {logical}:\n    Type: {kind}\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n"
    ));
}

/// `Key: value` at a property's depth (six spaces).
fn prop(out: &mut String, key: &str, value: &str) {
    out.push_str(&format!("      {key}: {value}\n"));
}

fn list_prop(out: &mut String, key: &str, items: &[String], depth: usize) {
    let pad = " ".repeat(depth);
    out.push_str(&format!("{pad}{key}:\n"));
    for item in items {
        out.push_str(&format!("{pad}  - {}\n", yaml(item)));
    }
}

/// The AuthorizerId of a method: a `!Ref` to the authorizer exported here, or the literal id of
/// one this template does not describe, with a comment naming it.
fn authorizer_id(plan: &Plan, m: &Method, out: &mut String) {
    match plan.guard(m) {
        Guard::Plain => {}
        Guard::Described(d) => prop(out, "AuthorizerId", &format!("!Ref {}", d.logical_id)),
        Guard::Other { id, .. } => prop(
            out,
            "AuthorizerId",
            &format!(
                "{}  # {}: not described by this export",
                yaml(&id),
                one_line(&protection_words(plan, m))
            ),
        ),
    }
}

fn rest_resources(plan: &Plan, out: &mut String) {
    let api = yaml(&plan.input.api.id);
    for d in &plan.authorizers {
        let a = d.authorizer;
        resource(out, &d.logical_id, "AWS::ApiGateway::Authorizer");
        prop(out, "RestApiId", &api);
        prop(out, "Name", &yaml(&a.name));
        prop(out, "Type", "COGNITO_USER_POOLS");
        list_prop(out, "ProviderARNs", &a.provider_arns, 6);
        let source = a.identity_source.as_deref().unwrap_or(REST_IDENTITY);
        prop(out, "IdentitySource", &yaml(source));
        if let Some(regex) = a.identity_validation_expression.as_deref() {
            if !regex.is_empty() {
                prop(out, "IdentityValidationExpression", &yaml(regex));
            }
        }
        let ttl = a.ttl_seconds.unwrap_or(DEFAULT_TTL);
        prop(out, "AuthorizerResultTtlInSeconds", &ttl.to_string());
    }
    for e in &plan.methods {
        let m = e.method;
        out.push_str(&format!(
            "  # {}: {}\n",
            one_line(&m.key()),
            one_line(&protection_words(plan, m))
        ));
        resource(out, &e.logical_id, "AWS::ApiGateway::Method");
        prop(out, "RestApiId", &api);
        prop(out, "ResourceId", &yaml(&m.resource_id));
        prop(out, "HttpMethod", &yaml(&m.verb));
        prop(
            out,
            "AuthorizationType",
            &yaml(m.authorization_type.as_str()),
        );
        authorizer_id(plan, m, out);
        if m.authorization_type.takes_scopes() && !m.scopes.is_empty() {
            list_prop(out, "AuthorizationScopes", &m.scopes, 6);
        }
        prop(
            out,
            "ApiKeyRequired",
            if m.api_key_required { "true" } else { "false" },
        );
    }
}

fn http_resources(plan: &Plan, out: &mut String) {
    let api = yaml(&plan.input.api.id);
    for d in &plan.authorizers {
        let a = d.authorizer;
        resource(out, &d.logical_id, "AWS::ApiGatewayV2::Authorizer");
        prop(out, "ApiId", &api);
        prop(out, "AuthorizerType", "JWT");
        prop(out, "Name", &yaml(&a.name));
        let source = a.identity_source.as_deref().unwrap_or(HTTP_IDENTITY);
        list_prop(out, "IdentitySource", &[source.to_string()], 6);
        out.push_str("      JwtConfiguration:\n");
        out.push_str(&format!(
            "        Issuer: {}\n",
            yaml(a.issuer.as_deref().unwrap_or_default())
        ));
        if a.audience.is_empty() {
            out.push_str("        Audience: []\n");
        } else {
            list_prop(out, "Audience", &a.audience, 8);
        }
    }
    for e in &plan.methods {
        let m = e.method;
        out.push_str(&format!(
            "  # {}: {}\n",
            one_line(&route_key(m)),
            one_line(&protection_words(plan, m))
        ));
        resource(out, &e.logical_id, "AWS::ApiGatewayV2::Route");
        prop(out, "ApiId", &api);
        prop(out, "RouteKey", &yaml(&route_key(m)));
        prop(
            out,
            "AuthorizationType",
            &yaml(m.authorization_type.as_str()),
        );
        authorizer_id(plan, m, out);
        if m.authorization_type.takes_scopes() && !m.scopes.is_empty() {
            prop(out, "AuthorizationScopes", &yaml_list(&m.scopes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample::{block, sample_http, sample_rest, POOL_ARN};
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_rest_api_becomes_its_authorizer_and_methods_kept_on_delete() {
        let t = cloudformation(&sample_rest());
        assert!(
            t.contains("AWSTemplateFormatVersion: '2010-09-09'\n"),
            "{t}"
        );
        assert!(
            t.contains("REST API SecurePets (a1b2c3) in eu-west-1, stage prod"),
            "{t}"
        );
        assert!(!t.contains("Parameters:"), "{t}");
        let auth = block(&t, "PetsPoolAuthorizer");
        for line in [
            "    Type: AWS::ApiGateway::Authorizer\n",
            "      Name: PetsPool\n",
            "      Type: COGNITO_USER_POOLS\n",
            "      RestApiId: a1b2c3\n",
            &format!("        - '{POOL_ARN}'\n"),
            "      IdentitySource: method.request.header.Authorization\n",
            "      AuthorizerResultTtlInSeconds: 300\n",
        ] {
            assert!(auth.contains(line), "{line} in\n{auth}");
        }
        assert!(!auth.contains("IdentityValidationExpression"), "{auth}");
        let get = block(&t, "GetPetsMethod");
        for line in [
            "    Type: AWS::ApiGateway::Method\n",
            "      ResourceId: p3ts00\n",
            "      HttpMethod: GET\n",
            "      AuthorizationType: COGNITO_USER_POOLS\n",
            "      AuthorizerId: !Ref PetsPoolAuthorizer\n",
            "      ApiKeyRequired: false\n",
        ] {
            assert!(get.contains(line), "{line} in\n{get}");
        }
        let post = block(&t, "PostPurchaseMethod");
        assert!(
            post.contains("      AuthorizationScopes:\n        - pets/purchase\n"),
            "{post}"
        );
        let purchase = block(&t, "PurchasePetsMethod");
        assert!(purchase.contains("      HttpMethod: PURCHASE\n      AuthorizationType: NONE\n"));
        assert!(!purchase.contains("AuthorizerId"), "{purchase}");
        let options = block(&t, "OptionsPetsMethod");
        assert!(
            options.contains("      AuthorizationType: NONE\n"),
            "{options}"
        );
        assert!(!options.contains("AuthorizerId"), "{options}");
        assert_eq!(t.matches("    DeletionPolicy: Retain\n").count(), 5, "{t}");
        assert_eq!(
            t.matches("    UpdateReplacePolicy: Retain\n").count(),
            5,
            "{t}"
        );
    }

    #[test]
    fn an_http_api_becomes_its_jwt_authorizer_and_routes() {
        let t = cloudformation(&sample_http());
        let auth = block(&t, "ParcelsJwtAuthorizer");
        for line in [
            "    Type: AWS::ApiGatewayV2::Authorizer\n",
            "      ApiId: h77p4r\n",
            "      AuthorizerType: JWT\n",
            "      IdentitySource:\n        - $request.header.Authorization\n",
            "      JwtConfiguration:\n        Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf'\n        Audience:\n          - '4pp3l13nt1d'\n",
        ] {
            assert!(auth.contains(line), "{line} in\n{auth}");
        }
        let get = block(&t, "GetParcelsRoute");
        for line in [
            "    Type: AWS::ApiGatewayV2::Route\n",
            "      RouteKey: 'GET /parcels'\n",
            "      AuthorizationType: JWT\n",
            "      AuthorizerId: !Ref ParcelsJwtAuthorizer\n",
            "      AuthorizationScopes: [parcels/read]\n",
        ] {
            assert!(get.contains(line), "{line} in\n{get}");
        }
        let default = block(&t, "DefaultRoute");
        assert!(default.contains("      RouteKey: $default\n      AuthorizationType: NONE\n"));
        assert!(
            !block(&t, "PostParcelsRoute").contains("AuthorizerId"),
            "{t}"
        );
        assert!(!t.contains("ApiKeyRequired"), "{t}");
    }

    #[test]
    fn logical_ids_are_unique_and_the_import_list_names_each_resource() {
        let mut input = sample_rest();
        // Two paths whose words make the same id.
        let mut twin = input.methods[0].clone();
        twin.path = "/pets/".into();
        twin.resource_id = "p3ts01".into();
        input.methods.push(twin);
        let t = cloudformation(&input);
        let ids: Vec<&str> = t
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && !l.starts_with("  #"))
            .collect();
        let unique: BTreeSet<&&str> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        assert!(t.contains("  GetPetsMethod2:\n"), "{t}");

        let list: Value = serde_json::from_str(&cloudformation_import_list(&input)).unwrap();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), ids.len());
        assert!(list.contains(&json!({
            "ResourceType": "AWS::ApiGateway::Authorizer",
            "LogicalResourceId": "PetsPoolAuthorizer",
            "ResourceIdentifier": {"RestApiId": "a1b2c3", "AuthorizerId": "auth1"}
        })));
        assert!(list.contains(&json!({
            "ResourceType": "AWS::ApiGateway::Method",
            "LogicalResourceId": "PurchasePetsMethod",
            "ResourceIdentifier": {"RestApiId": "a1b2c3", "ResourceId": "p3ts00", "HttpMethod": "PURCHASE"}
        })));
        for entry in list {
            let id = entry["LogicalResourceId"].as_str().unwrap();
            assert!(t.contains(&format!("\n  {id}:\n")), "{id}");
        }

        let http: Value =
            serde_json::from_str(&cloudformation_import_list(&sample_http())).unwrap();
        assert!(http.as_array().unwrap().contains(&json!({
            "ResourceType": "AWS::ApiGatewayV2::Route",
            "LogicalResourceId": "DefaultRoute",
            "ResourceIdentifier": {"ApiId": "h77p4r", "RouteId": "rdef01"}
        })));
        assert!(http.as_array().unwrap().contains(&json!({
            "ResourceType": "AWS::ApiGatewayV2::Authorizer",
            "LogicalResourceId": "ParcelsJwtAuthorizer",
            "ResourceIdentifier": {"ApiId": "h77p4r", "AuthorizerId": "jwt1"}
        })));
    }

    #[test]
    fn an_authorizer_not_described_is_named_by_its_id() {
        let mut input = sample_rest();
        input.methods[1].authorization_type = "CUSTOM".into();
        input.methods[1].authorizer_id = Some("lam1".into());
        let t = cloudformation(&input);
        let purchase = block(&t, "PurchasePetsMethod");
        assert!(
            purchase.contains("      AuthorizerId: lam1  # authorizer lam1: not described"),
            "{purchase}"
        );
    }

    #[test]
    fn a_websocket_api_is_not_exported_and_a_long_name_fits_the_description() {
        let mut input = sample_rest();
        input.api.kind = ApiKind::Websocket;
        let t = cloudformation(&input);
        assert!(t.starts_with("# SecurePets is a WebSocket API"), "{t}");
        assert!(!t.contains("Resources:"), "{t}");
        assert_eq!(cloudformation_import_list(&input), "[]\n");

        let mut input = sample_rest();
        input.api.name = "p".repeat(2000);
        let t = cloudformation(&input);
        let line = t.lines().find(|l| l.starts_with("Description: ")).unwrap();
        assert_eq!(line.len(), "Description: ''".len() + 1024, "{line}");
    }
}
