//! "Change the template", in the window: for an API a CloudFormation stack owns, the protect
//! bar writes the protection into the stack's template instead of sending it — the authorizer
//! chosen in the authorizer dialog (nothing created in AWS), the diff shown, the patched file
//! saved, a change set created on the stack and left to review.

use crate::common;

use common::sandbox::repo_root;
use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;

#[test]
fn a_stack_owned_api_gets_its_template_changed_shown_as_a_diff_saved_and_a_change_set() {
    run(|| async {
        let sandbox = Sandbox::start();
        let seed = sandbox.seed();
        let template =
            std::fs::read_to_string(repo_root().join("tests/templates/fixtures/pets-stack.yaml"))
                .unwrap();
        let api_id = sandbox
            .create_stack("pets-stack", &template)
            .expect("the stack makes its RestApi");
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("PetsStack", 3).await;
        sandbox.reset_stats();

        // The two open methods, then "Change the template…": the API has no authorizer yet, so
        // the authorizer dialog chooses the one the template declares.
        w.click("[data-testid=select-open]").await;
        w.click("[data-testid=as-code]").await;
        w.wait_js(
            "return document.getElementById('authorizer-dialog').open",
            10,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=authorizer-submit]").await,
            "Use in the template"
        );
        w.select(
            "#authorizer-dialog [data-testid=pool-region-select]",
            "eu-west-1",
        )
        .await;
        let pool_id = seed["pools"]["PetsPool"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        w.click(&format!(
            "#authorizer-dialog [data-testid=pool-item][data-pool-id='{pool_id}'] input"
        ))
        .await;
        w.wait_js(
            "return document.querySelector('[data-testid=authorizer-name]').value === 'PetsPool'",
            10,
        )
        .await;
        w.click("[data-testid=authorizer-submit]").await;

        // The dialog reads the stack's template and shows the diff, signs and colours both.
        w.wait_js(
            "return document.querySelector('[data-testid=template-dialog]').open \
             && !document.querySelector('[data-testid=template-diff]').hidden",
            30,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=template-summary]").await,
            "CloudFormation (YAML) from stack pets-stack (its deployed template): protecting GET /pets, POST /purchase"
        );
        let added = w
            .js("return [...document.querySelectorAll('[data-testid=template-diff] .diff-add')].map(l => l.textContent)")
            .await;
        let added: Vec<&str> = added
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(
            added
                .iter()
                .filter(|l| **l == "+      AuthorizerId: !Ref PetsPoolAuthorizer")
                .count(),
            2,
            "{added:?}"
        );
        assert!(
            added.contains(&"+      Type: COGNITO_USER_POOLS"),
            "{added:?}"
        );
        let removed = w
            .js("return [...document.querySelectorAll('[data-testid=template-diff] .diff-del')].map(l => l.textContent)")
            .await;
        assert_eq!(removed.as_array().unwrap().len(), 3, "{removed}");
        let notes = w.text("[data-testid=template-notes]").await;
        assert!(notes.contains("renamed Deployment"), "{notes}");
        w.screenshots_in_both_themes("template-diff").await;
        w.axe("Change the template, its diff").await;

        // Save: the patched template where the user says.
        let saved = home.path().join("pets-stack.patched.yaml");
        w.js(&format!(
            "document.querySelector('[data-testid=template-save-path]').value = {}; return true",
            serde_json::to_string(&saved.to_string_lossy()).unwrap()
        ))
        .await;
        w.click("[data-testid=template-save]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=template-result]').textContent.startsWith('Saved the patched template to')",
            10,
        )
        .await;
        let patched = std::fs::read_to_string(&saved).unwrap();
        assert!(patched.contains("AuthorizerId: !Ref PetsPoolAuthorizer"));
        assert!(patched.contains("  # The CORS preflight: must stay open.\n"));

        // Create change set: on the stack, holding the same template, not executed.
        w.js("document.querySelector('[data-testid=template-change-set-name]').value = 'protect-pets'; return true")
            .await;
        w.click("[data-testid=template-change-set]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=template-result]').textContent.includes('Change set protect-pets created on stack pets-stack (not executed)')",
            30,
        )
        .await;
        let result = w.text("[data-testid=template-result]").await;
        assert!(
            result.contains("aws cloudformation execute-change-set --region us-east-1 --stack-name pets-stack --change-set-name protect-pets"),
            "{result}"
        );
        let cs = sandbox.change_set("pets-stack", "protect-pets");
        assert_eq!(cs["body"], patched.as_str());
        assert_eq!(cs["execution"], "AVAILABLE", "{cs}");
        w.screenshot("template-change-set").await;
        w.axe("Change the template, a change set").await;

        // Nothing reached API Gateway: the methods are as they were, no authorizer was made.
        for op in ["UpdateMethod", "CreateAuthorizer", "CreateDeployment"] {
            assert_eq!(sandbox.calls("apigateway", op), 0, "{op}");
        }
        assert_eq!(
            sandbox.aws_state(&api_id)["authorizers"],
            serde_json::json!([])
        );
        w.click("[data-testid=template-close]").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=template-dialog]').open",
            10,
        )
        .await;
        w.close().await;
    });
}

#[test]
fn the_preview_of_a_stack_owned_api_offers_the_template_instead_with_the_authorizer_it_has() {
    run(|| async {
        let sandbox = Sandbox::start();
        let seed = sandbox.seed();
        let template =
            std::fs::read_to_string(repo_root().join("tests/templates/fixtures/pets-stack.yaml"))
                .unwrap();
        let api_id = sandbox
            .create_stack("pets-stack", &template)
            .expect("the stack makes its RestApi");
        // A Cognito authorizer someone made on the API by hand, with the pool's ARN.
        let arn = seed["pools"]["PetsPool"]["arn"].as_str().unwrap();
        sandbox.boto3(
            "c.create_authorizer(restApiId=sys.argv[2], name='HandMade', type='COGNITO_USER_POOLS', \
             providerARNs=[sys.argv[3]], identitySource='method.request.header.Authorization')",
            &[&api_id, arn],
        );
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("PetsStack", 3).await;
        w.wait_js("return [...document.querySelectorAll('[data-testid=authorizer-select] option')].some(o => o.textContent.startsWith('HandMade'))", 20).await;
        w.click(
            "[data-testid=method-row][data-verb=GET][data-path='/pets'] [data-testid=method-check]",
        )
        .await;
        w.click("[data-testid=preview]").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=preview-as-code]').hidden",
            20,
        )
        .await;
        assert!(w
            .text("#preview-warnings")
            .await
            .contains("PetsStack is managed by CloudFormation stack pets-stack"));
        w.click("[data-testid=preview-as-code]").await;
        w.wait_js(
            "return !document.getElementById('preview-dialog').open \
             && !document.querySelector('[data-testid=template-diff]').hidden",
            30,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=template-summary]").await,
            "CloudFormation (YAML) from stack pets-stack (its deployed template): protecting GET /pets"
        );
        let diff = w.text("[data-testid=template-diff]").await;
        assert!(diff.contains("+  HandMadeAuthorizer:"), "{diff}");
        assert!(diff.contains(&format!("+        - {arn}")), "{diff}");
        assert!(
            diff.contains("+      AuthorizerId: !Ref HandMadeAuthorizer"),
            "{diff}"
        );
        // Focus is on Save, the next step.
        assert_eq!(
            w.js("return document.activeElement.id").await,
            "template-save"
        );
        w.click("[data-testid=template-close]").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=template-dialog]').open",
            10,
        )
        .await;

        // Export as code (the Authorizers tab): Terraform with import blocks for the authorizer
        // the API has, saved.
        w.click("#tab-authorizers").await;
        w.click("[data-testid=export]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=export-dialog]').open \
             && document.querySelector('[data-testid=export-code]').textContent.includes('AWSTemplateFormatVersion')",
            30,
        )
        .await;
        w.select("[data-testid=export-format]", "terraform").await;
        w.wait_js(
            "return document.querySelector('[data-testid=export-code]').textContent.includes('import {')",
            30,
        )
        .await;
        let code = w
            .js("return document.querySelector('[data-testid=export-code]').textContent")
            .await;
        let code = code.as_str().unwrap().to_string();
        assert!(
            code.contains("resource \"aws_api_gateway_authorizer\" \"hand_made\""),
            "{code}"
        );
        assert!(code.contains(&format!("id = \"{api_id}/")), "{code}");
        w.screenshot("export-terraform").await;
        w.axe("Export as code").await;
        let file = home.path().join("petsstack.tf");
        w.js(&format!(
            "document.querySelector('[data-testid=export-save-path]').value = {}; return true",
            serde_json::to_string(&file.to_string_lossy()).unwrap()
        ))
        .await;
        w.click("[data-testid=export-save]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=export-result]').textContent.startsWith('Saved to')",
            10,
        )
        .await;
        assert_eq!(std::fs::read_to_string(&file).unwrap(), code);
        w.close().await;
    });
}
