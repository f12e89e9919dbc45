//! Pure: for a Terraform-managed API whose configuration Gatehouse was not given, the HCL to add
//! — the authorizer as a resource, and the lines each method's (or route's) block needs — so the
//! configuration stays the source of truth. With the file, terraform.rs patches it in place.

use super::spec::{terraform_name, CodeChange};
use crate::domain::model::ApiKind;

/// An HCL string literal: JSON's escapes, and template sequences made literal.
fn hcl(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace("${", "$${")
        .replace("%{", "%%{")
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|i| hcl(i)).collect();
    format!("[{}]", inner.join(", "))
}

/// The HCL to add to the configuration that manages the API.
pub fn to_add(change: &CodeChange) -> String {
    let a = &change.authorizer;
    let name = terraform_name(&a.name);
    let http = change.kind == ApiKind::Http;
    let mut out = format!(
        "# {} is managed by Terraform: add this to the configuration that manages it, then\n\
         # `terraform plan`. (With --template main.tf Gatehouse patches the file in place.)\n\
         # The API's id is written as it is in AWS: use your aws_api_gateway_rest_api's (or\n\
         # aws_apigatewayv2_api's) .id instead where the configuration declares it.\n\n",
        change.api_name
    );
    if http {
        out.push_str(&format!(
            "resource \"aws_apigatewayv2_authorizer\" \"{name}\" {{\n  api_id           = {}\n  name             = {}\n  authorizer_type  = \"JWT\"\n  identity_sources = {}\n\n  jwt_configuration {{\n    audience = {}\n    issuer   = {}\n  }}\n}}\n",
            hcl(&change.api_id),
            hcl(&a.name),
            list(std::slice::from_ref(&a.identity_source)),
            list(&a.audience),
            hcl(&a.issuer),
        ));
    } else {
        let mut lines = vec![
            ("name", hcl(&a.name)),
            ("rest_api_id", hcl(&change.api_id)),
            ("type", "\"COGNITO_USER_POOLS\"".to_string()),
            ("provider_arns", list(&a.provider_arns)),
            ("identity_source", hcl(&a.identity_source)),
        ];
        if !a.identity_validation_expression.is_empty() {
            lines.push((
                "identity_validation_expression",
                hcl(&a.identity_validation_expression),
            ));
        }
        lines.push((
            "authorizer_result_ttl_in_seconds",
            a.ttl_seconds.to_string(),
        ));
        let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        out.push_str(&format!(
            "resource \"aws_api_gateway_authorizer\" \"{name}\" {{\n"
        ));
        for (k, v) in lines {
            out.push_str(&format!("  {k:width$} = {v}\n"));
        }
        out.push_str("}\n");
    }
    let (block, kind_line, reference) = if http {
        (
            "aws_apigatewayv2_route",
            "authorization_type = \"JWT\"",
            format!("aws_apigatewayv2_authorizer.{name}.id"),
        )
    } else {
        (
            "aws_api_gateway_method",
            "authorization = \"COGNITO_USER_POOLS\"",
            format!("aws_api_gateway_authorizer.{name}.id"),
        )
    };
    out.push_str(&format!(
        "\n# Then set these in the {block} block of each method:\n"
    ));
    for m in &change.methods {
        out.push_str(&format!("#   {}\n", m.key()));
    }
    out.push_str(&format!(
        "#\n#   {kind_line}\n#   authorizer_id = {reference}\n"
    ));
    if !change.scopes.is_empty() {
        out.push_str(&format!(
            "#   authorization_scopes = {}\n",
            list(&change.scopes)
        ));
    }
    if http {
        out.push_str(
            "#\n# A stage with auto_deploy = true serves the change at once; any other needs a deployment.\n",
        );
    } else {
        out.push_str(
            "#\n# Terraform does not redeploy when a method changes: give the aws_api_gateway_deployment\n\
             # triggers = { redeployment = sha1(jsonencode([...these methods...])) } and\n\
             # lifecycle { create_before_destroy = true }, or deploy the stage after the apply.\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::spec::{AuthorizerCode, MethodRef};

    #[test]
    fn the_hcl_to_add_declares_the_authorizer_and_names_each_method() {
        let change = CodeChange {
            api_name: "SecurePets".into(),
            api_id: "a1b2c3".into(),
            kind: ApiKind::Rest,
            authorizer: AuthorizerCode {
                name: "PetsPool".into(),
                provider_arns: vec!["arn:aws:cognito-idp:eu-west-1:1:userpool/eu-west-1_X".into()],
                identity_source: "method.request.header.Authorization".into(),
                identity_validation_expression: "^(abc)$".into(),
                ttl_seconds: 300,
                issuer: String::new(),
                audience: vec![],
            },
            methods: vec![MethodRef::new("GET", "/pets")],
            scopes: vec!["pets/${x}".into()],
        };
        let text = to_add(&change);
        assert!(text.contains("resource \"aws_api_gateway_authorizer\" \"pets_pool\" {\n  name                             = \"PetsPool\"\n"), "{text}");
        assert!(
            text.contains("  identity_validation_expression   = \"^(abc)$\"\n"),
            "{text}"
        );
        assert!(text.contains("#   GET /pets\n"), "{text}");
        assert!(text.contains("#   authorizer_id = aws_api_gateway_authorizer.pets_pool.id\n"));
        assert!(text.contains("\"pets/$${x}\""), "{text}");
        hcl_edit::parser::parse_body(&text).expect("valid HCL");
    }
}
