//! Window tests of the review screen: the real app, in a real window, against the local AWS.

use crate::common;

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;

const ROWS: &str = "[data-testid=method-row]";

#[test]
fn review_securepets_switch_regions_and_list_pools() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        // Start where there is nothing, so the test picks the API's region like a user would.
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-west-2")).await;

        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('123456789012')", 20).await;
        let identity = w.text("[data-testid=identity]").await;
        assert!(
            identity.contains("arn:aws:"),
            "identity shows the ARN: {identity}"
        );
        w.wait_no_apis().await;
        assert_eq!(w.count_visible("[data-testid=api-item]").await, 0);

        w.select("[data-testid=region-select]", "us-east-1").await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        // REST (SecurePets, PetsAdmin), HTTP (PetsHttp, ParcelsManual) and WebSocket (PetsChat).
        assert_eq!(w.count_visible("[data-testid=api-item]").await, 5);
        w.axe("API list").await;
        w.click("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        w.wait_js(
            &format!("return document.querySelectorAll('{ROWS}').length === 4"),
            20,
        )
        .await;

        let rows: Vec<(String, String, String)> = serde_json::from_value(
            w.js(&format!(
                "return [...document.querySelectorAll('{ROWS}')].map(r => [r.dataset.path, r.dataset.verb, r.dataset.protection])"
            ))
            .await,
        )
        .unwrap();
        let mut seen: Vec<(String, String)> = rows
            .iter()
            .map(|(p, v, _)| (p.clone(), v.clone()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("/pets", "GET"),
                ("/pets", "OPTIONS"),
                ("/pets", "PURCHASE"),
                ("/purchase", "POST")
            ]
            .map(|(p, v)| (p.to_string(), v.to_string()))
        );
        assert!(
            rows.iter().all(|(_, _, prot)| prot == "NONE"),
            "all open: {rows:?}"
        );
        let badges = w.js("return [...document.querySelectorAll('[data-testid=method-row] .badge')].map(b => b.textContent)").await;
        assert_eq!(badges, serde_json::json!(["Open", "Open", "Open", "Open"]));
        let summary = w.text("[data-testid=review-summary]").await;
        assert_eq!(summary, "0 of 4 methods protected · 4 open (1 OPTIONS)");
        let cors = w.text("[data-testid=method-row][data-verb=OPTIONS]").await;
        assert!(cors.contains("CORS preflight"), "OPTIONS is marked: {cors}");
        w.axe("review").await;

        // "Select all open except OPTIONS" checks exactly the three methods to protect.
        w.click("[data-testid=select-open]").await;
        let checked = w.js("return [...document.querySelectorAll('[data-testid=method-row]')].filter(r => r.querySelector('[data-testid=method-check]').checked).map(r => r.dataset.verb + ' ' + r.dataset.path).sort()").await;
        assert_eq!(
            checked,
            serde_json::json!(["GET /pets", "POST /purchase", "PURCHASE /pets"])
        );

        // A path and everything under it.
        w.click("#select-none").await;
        w.click("[data-testid=method-row][data-verb=GET] [data-testid=select-path]")
            .await;
        let checked = w.js("return [...document.querySelectorAll('[data-testid=method-row]')].filter(r => r.querySelector('[data-testid=method-check]').checked).map(r => r.dataset.verb + ' ' + r.dataset.path).sort()").await;
        assert_eq!(
            checked,
            serde_json::json!(["GET /pets", "OPTIONS /pets", "PURCHASE /pets"])
        );
        assert_eq!(w.text("#selection-count").await, "3 selected");
        w.axe("review with a selection").await;

        // Filters: open only, then a path.
        w.type_into("#path-filter", "purch").await;
        w.wait_js(&format!("return [...document.querySelectorAll('{ROWS}')].filter(r => !r.hidden).length === 1"), 5).await;
        w.axe("review with a path filter").await;
        w.js("document.getElementById('path-filter').value=''; document.getElementById('path-filter').dispatchEvent(new Event('input')); return true").await;
        w.screenshot("review-securepets").await;

        // Every badge kind, on the API that has them.
        w.click("[data-testid=api-item][data-api-name=PetsAdmin]")
            .await;
        w.find("[data-testid=method-row][data-protection=AWS_IAM]")
            .await;
        let lambda = w
            .find("[data-testid=method-row][data-protection=CUSTOM]")
            .await;
        assert_eq!(
            lambda
                .attr("data-authorizer-name")
                .await
                .unwrap()
                .as_deref(),
            Some("LegacyTokenAuth")
        );
        let cognito = w
            .text("[data-testid=method-row][data-protection=COGNITO_USER_POOLS]")
            .await;
        assert!(cognito.contains("Cognito · AdminPool"), "{cognito}");
        assert!(cognito.contains("pets/read"), "scopes shown: {cognito}");
        w.screenshot("review-petsadmin").await;
        w.axe("review with every kind of badge").await;

        // Dark theme, for the record.
        w.click("#theme").await;
        w.click("#theme").await;
        w.wait_js(
            "return document.documentElement.dataset.theme === 'dark'",
            5,
        )
        .await;
        w.screenshot("review-petsadmin-dark").await;

        // User pools of another region, with app clients on demand.
        w.click("#tab-pools").await;
        w.select("[data-testid=pool-region-select]", "eu-west-1")
            .await;
        w.find("[data-testid=pool-item]").await;
        let names = w.js("return [...document.querySelectorAll('[data-testid=pool-item] summary strong')].map(e => e.textContent)").await;
        assert_eq!(names, serde_json::json!(["AdminPool", "PetsPool"]));
        w.click("[data-testid=pool-item]:nth-child(2) summary")
            .await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=pool-client]').length === 2",
            10,
        )
        .await;
        let clients = w.js("return [...document.querySelectorAll('[data-testid=pool-client]')].map(e => e.firstChild.textContent.trim())").await;
        assert_eq!(clients, serde_json::json!(["mobile", "web"]));
        w.screenshot("user-pools").await;
        w.axe("user pools with app clients").await;

        // Switching region clears everything from the previous one.
        w.select("[data-testid=region-select]", "us-west-2").await;
        w.wait_no_apis().await;
        assert_eq!(w.count_visible("[data-testid=api-item]").await, 0);
        assert_eq!(w.count_visible(ROWS).await, 0);
        w.close().await;
    });
}

#[test]
fn dead_endpoint_shows_a_readable_error_with_retry() {
    run(|| async {
        let home = AppHome::new();
        let dead = format!("http://127.0.0.1:{}", {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        });
        let w = Window::open(&sandbox_env(&dead, &home, "us-east-1")).await;
        let err = w.text("[data-testid=error]").await;
        assert!(err.contains("Cannot reach AWS at"), "{err}");
        assert!(err.contains("connection refused"), "{err}");
        assert!(err.contains("Retry"), "a retry is offered: {err}");
        w.screenshot("error-dead-endpoint").await;
        w.axe("error bar: AWS unreachable").await;
        w.close().await;
    });
}

#[test]
fn aws_errors_show_their_code_and_message_and_retry_recovers() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let denied = "User: arn:aws:iam::123456789012:user/moto is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis";
        sandbox.control(
            "/_sandbox/config",
            // The list reads REST (GetRestApis) and HTTP/WebSocket APIs (v2 GetApis) together: both refuse.
            serde_json::json!({"errors": {"GetRestApis": [403, "AccessDeniedException", denied], "v2:GetApis": [403, "AccessDeniedException", denied]}}),
        );
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        let err = w.text("[data-testid=error]").await;
        assert!(err.contains("AWS refused the request"), "{err}");
        assert!(
            err.contains(&format!("AccessDeniedException: {denied}")),
            "{err}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        w.screenshot("error-access-denied").await;
        w.axe("error bar: AWS refused").await;

        // An expired session says so, with what to do.
        sandbox.control(
            "/_sandbox/config",
            serde_json::json!({"errors": {
                "GetRestApis": [403, "ExpiredTokenException", "The security token included in the request is expired"],
                "v2:GetApis": [403, "ExpiredTokenException", "The security token included in the request is expired"],
            }}),
        );
        w.click("#error-retry").await;
        w.wait_js(
            "return document.getElementById('error-title').textContent === 'Session expired'",
            20,
        )
        .await;
        let err = w.text("[data-testid=error]").await;
        assert!(
            err.contains(
                "ExpiredTokenException: The security token included in the request is expired"
            ),
            "{err}"
        );
        assert!(err.contains("aws sso login"), "says what to do: {err}");

        // Fixed on the AWS side: Retry loads the list.
        sandbox.control("/_sandbox/config", serde_json::json!({"errors": {}}));
        w.click("#error-retry").await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        assert_eq!(w.count_visible("[data-testid=error]").await, 0);
        w.close().await;
    });
}

#[test]
fn a_big_api_scrolls_filters_and_selects_every_method() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.bulk_api("us-east-1", "Big", 600, 2);
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.click("[data-testid=api-item][data-api-name=Big]").await;
        w.wait_js("return document.querySelector('[data-testid=review-summary]').textContent.startsWith('0 of 1200 methods')", 30).await;
        // Only the rows in view are in the page; the rest scroll in.
        let in_dom = w
            .js("return document.querySelectorAll('[data-testid=method-row]').length")
            .await;
        assert!(in_dom.as_u64().unwrap() < 100, "{in_dom} rows in the DOM");
        w.js("const s = document.querySelector('#view-review .table-wrap'); s.scrollTop = s.scrollHeight; return true").await;
        w.wait_js("return [...document.querySelectorAll('[data-testid=method-row]')].some(r => r.dataset.path === '/r0600')", 10).await;
        w.screenshot("review-big-scrolled").await;
        // Select all open: every one of the 1200, not only those in view.
        w.click("[data-testid=select-open]").await;
        assert_eq!(w.text("#selection-count").await, "1200 selected");
        // The path filter narrows to one resource's two methods.
        w.type_into("#path-filter", "r0042").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=method-row]').length === 2",
            10,
        )
        .await;
        let checked = w.js("return [...document.querySelectorAll('[data-testid=method-check]')].every(c => c.checked)").await;
        assert_eq!(
            checked,
            serde_json::json!(true),
            "the selection survives filtering"
        );
        w.close().await;
    });
}
