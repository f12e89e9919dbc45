//! The seed scenario, clicked through in the real window: create the authorizer, protect three
//! methods, watch the progress, deploy to prod, see them protected; undo and see them open.

use crate::common;

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use serde_json::json;

#[test]
fn seed_scenario_by_clicking_then_undo() {
    run(|| async {
        let sandbox = Sandbox::start();
        let (seed, api_id) = sandbox.seed_pets();
        let deployments_before = sandbox.aws_state(&api_id)["deployments"].as_u64().unwrap();
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;

        w.open_api("SecurePets", 4).await;

        // Create the authorizer from the dialog: Cognito region eu-west-1, PetsPool, the web client.
        w.click("[data-testid=authorizer-create]").await;
        w.select(
            "#authorizer-dialog [data-testid=pool-region-select]",
            "eu-west-1",
        )
        .await;
        w.find("#authorizer-dialog [data-testid=pool-item]").await;
        let pool_id = seed["pools"]["PetsPool"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let pool_sel = if pool_id.is_empty() {
            "#authorizer-dialog [data-testid=pool-item]:nth-child(2) input".to_string()
        } else {
            format!("#authorizer-dialog [data-testid=pool-item][data-pool-id='{pool_id}'] input")
        };
        w.click(&pool_sel).await;
        w.wait_js(
            "return document.querySelector('[data-testid=authorizer-name]').value === 'PetsPool'",
            10,
        )
        .await;
        w.find("[data-testid=client-item]").await;
        // Bad input first: a broken regex and a TTL out of range get messages and no call.
        w.type_into("[data-testid=client-id-regex]", "^(web").await;
        w.js(
            "const t = document.querySelector('[data-testid=ttl]'); t.value = '9000'; return true",
        )
        .await;
        w.click("[data-testid=authorizer-submit]").await;
        w.wait_js("return [...document.querySelectorAll('#authorizer-form .field-error')].filter(p => p.textContent).length === 2", 10).await;
        let errors = w.js("return [...document.querySelectorAll('#authorizer-form .field-error')].map(p => p.textContent).join(' | ')").await;
        assert!(
            errors.as_str().unwrap().contains("regular expression"),
            "{errors}"
        );
        assert!(
            errors.as_str().unwrap().contains("between 0 and 3600"),
            "{errors}"
        );
        assert_eq!(
            sandbox.aws_state(&api_id)["authorizers"],
            json!([]),
            "nothing was sent"
        );
        // Then the right input: tick the web client (writes the regex), TTL 300.
        w.js("const r = document.querySelector('[data-testid=client-id-regex]'); r.value = ''; r.dispatchEvent(new Event('input')); const t = document.querySelector('[data-testid=ttl]'); t.value = '300'; return true").await;
        let web = w.js("return [...document.querySelectorAll('[data-testid=client-item]')].find(l => l.textContent.includes('web')).dataset.clientId").await;
        let web = web.as_str().unwrap().to_string();
        w.click(&format!(
            "[data-testid=client-item][data-client-id='{web}'] input"
        ))
        .await;
        w.wait_js(&format!("return document.querySelector('[data-testid=client-id-regex]').value === '^({web})$'"), 10).await;
        w.wait_js(
            "return document.getElementById('ad-matches').textContent === 'Matches: web'",
            10,
        )
        .await;
        w.screenshot("authorizer-dialog").await;
        w.axe("the authorizer dialog").await;
        w.click("[data-testid=authorizer-submit]").await;
        w.wait_js(
            "return !document.getElementById('authorizer-dialog').open",
            20,
        )
        .await;
        w.wait_js("return [...document.querySelectorAll('[data-testid=authorizer-select] option')].some(o => o.textContent.startsWith('PetsPool'))", 20).await;

        // Check the three methods (not OPTIONS), preview, apply.
        w.click("[data-testid=select-open]").await;
        w.click("[data-testid=preview]").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=preview-row]').length === 3",
            20,
        )
        .await;
        let preview = w.text("#preview-rows").await;
        assert!(
            preview.contains("Open") && preview.contains("Cognito · PetsPool"),
            "{preview}"
        );
        w.screenshot("preview").await;
        w.axe("the protect preview").await;
        w.click("[data-testid=apply]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 3", 30).await;
        let progress = w.js("const p = document.querySelector('[data-testid=apply-progress]'); return [p.value, p.max]").await;
        assert_eq!(progress, json!([3, 3]));
        w.screenshot("apply-done").await;
        w.axe("the apply's results").await;
        w.click("#preview-close").await;

        // The review refreshes from AWS: three methods protected by PetsPool, OPTIONS open.
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=COGNITO_USER_POOLS][data-authorizer-name=PetsPool]').length === 3", 20).await;
        assert_eq!(
            w.text("[data-testid=review-summary]").await,
            "3 of 4 methods protected · 1 open (1 OPTIONS)"
        );
        let options = w.find("[data-testid=method-row][data-verb=OPTIONS]").await;
        assert_eq!(
            options.attr("data-protection").await.unwrap().as_deref(),
            Some("NONE")
        );

        // Not live yet: prod still serves them open. Deploy to prod, after its preview.
        w.find("[data-testid=undeployed-banner]").await;
        let line = w.text("[data-testid=live-line]").await;
        assert!(line.contains("prod"), "{line}");
        // The API list names what the internet reaches first: prod, not the editor.
        let count = "[data-testid=api-item][data-api-name=SecurePets] [data-testid=open-count]";
        assert_eq!(w.text(count).await, "⚠ prod serves 3 open");
        w.screenshot("undeployed-banner").await;
        w.axe("review, not deployed yet").await;
        w.click("[data-testid=deploy]").await;
        w.wait_value("[data-testid=deploy-stage]", "prod").await;
        w.wait_js("return document.querySelectorAll('[data-testid=deploy-change][data-by-gatehouse=true]').length === 3", 20).await;
        assert_eq!(
            w.count_visible("#deploy-ack-box").await,
            0,
            "all Gatehouse's: nothing to acknowledge"
        );
        w.wait_js(
            "return !document.querySelector('[data-testid=deploy-confirm]').disabled",
            10,
        )
        .await;
        w.axe("the deploy dialog").await;
        w.click("[data-testid=deploy-confirm]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=undeployed-banner]').hidden",
            30,
        )
        .await;
        assert_eq!(w.text(count).await, "all protected");

        // Through AWS's eyes.
        let aws = sandbox.aws_state(&api_id);
        assert_eq!(aws["deployments"].as_u64().unwrap(), deployments_before + 1);
        let auths = aws["authorizers"].as_array().unwrap();
        assert_eq!(auths.len(), 1);
        let a = &auths[0];
        assert_eq!(a["name"], "PetsPool");
        assert_eq!(a["type"], "COGNITO_USER_POOLS");
        assert_eq!(a["identitySource"], "method.request.header.Authorization");
        assert_eq!(a["identityValidationExpression"], format!("^({web})$"));
        assert_eq!(a["authorizerResultTtlInSeconds"], 300);
        let id = a["id"].clone();
        sandbox.assert_pets_protected(&api_id, &id);
        w.screenshot("review-protected").await;
        w.axe("review, protected").await;

        // Undo from History: all open again.
        w.click("#tab-history").await;
        let item = w.text("[data-testid=history-item]").await;
        assert!(item.contains("Protect · SecurePets"), "{item}");
        assert!(item.contains("3 changed"), "{item}");
        assert!(
            item.contains("Cognito · PetsPool"),
            "the apply says what it set: {item}"
        );
        assert!(item.contains("deployed to prod"), "{item}");
        w.screenshot("history").await;
        w.axe("History").await;
        w.click("[data-testid=history-item] [data-testid=undo]")
            .await;
        // The undo's preview: three methods back to Open, nothing left alone.
        w.wait_js("return document.querySelectorAll('#preview-rows [data-testid=preview-row]').length === 3", 20).await;
        assert!(w
            .text("#preview-title")
            .await
            .starts_with("Undo: SecurePets"));
        assert_eq!(w.count_visible("[data-testid=undo-skipped]").await, 0);
        w.axe("the undo preview").await;
        w.click("[data-testid=apply]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 3", 30).await;
        w.click("#preview-close").await;
        w.click("#tab-review").await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=NONE]').length === 4", 30).await;
        sandbox.assert_pets_open(&api_id);
        w.find("[data-testid=undeployed-banner]").await;

        // The Authorizers view lists it, unused now; delete works.
        w.click("#tab-authorizers").await;
        let row = w
            .text("[data-testid=authorizer-row][data-authorizer-name=PetsPool]")
            .await;
        assert!(row.contains("no method"), "{row}");
        w.screenshot("authorizers").await;
        w.axe("Authorizers").await;
        w.click("[data-testid=authorizer-row][data-authorizer-name=PetsPool] [data-testid=authorizer-delete]").await;
        w.wait_js("return !document.querySelector('[data-testid=authorizer-row][data-authorizer-name=PetsPool]')", 20).await;
        assert_eq!(sandbox.aws_state(&api_id)["authorizers"], json!([]));
        w.close().await;
    });
}
