//! API tests: requests go through the real router (limits, extractors, headers) without a socket,
//! against the Af-Pak case and a bare model.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

use blowback::{Case, CaseFiles, CaseFolder};

use crate::api::{router, ASSETS, BODY_LIMIT, OPENAPI};
use crate::explorer::Explorer;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A case folder on disk, read the way the CLI reads it (this crate itself reads no files).
struct Dir<'a>(&'a Path);

impl CaseFolder for Dir<'_> {
    fn read(&self, path: &str) -> std::io::Result<Option<String>> {
        match std::fs::read_to_string(self.0.join(path)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(&self, path: &str) -> std::io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(self.0.join(path))? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }
}

fn load(files: &CaseFiles) -> Case {
    Case::load(files).unwrap_or_else(|e| panic!("{e}")).0
}

fn afpak() -> Arc<Explorer> {
    static CASE: OnceLock<Arc<Explorer>> = OnceLock::new();
    CASE.get_or_init(|| {
        let files = CaseFiles::gather(&Dir(&repo().join("cases/afpak"))).expect("the case reads");
        let explorer = Explorer::new(load(&files), "afpak", false).expect("the case is served");
        Arc::new(explorer)
    })
    .clone()
}

fn app() -> Router {
    router(afpak(), &crate::Limits::default())
}

/// One request through the router; returns the status, the headers and the body as text.
async fn call(
    app: Router,
    method: Method,
    uri: &str,
    body: Option<String>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut builder = Request::builder().method(method).uri(uri);
    if body.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    let request = builder
        .body(body.map_or_else(Body::empty, Body::from))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn get_json(uri: &str) -> (StatusCode, Value) {
    let (status, _, text) = call(app(), Method::GET, uri, None).await;
    (status, serde_json::from_str(&text).unwrap())
}

async fn post_json(uri: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, text) = call(app(), Method::POST, uri, Some(body.to_string())).await;
    (status, serde_json::from_str(&text).unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn outcome(run: &Value, label_part: &str) -> f64 {
    run["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["label"].as_str().unwrap().contains(label_part))
        .and_then(|o| o["value"].as_f64())
        .unwrap_or_else(|| panic!("no outcome like `{label_part}` in {run}"))
}

#[tokio::test]
async fn the_case_overview_has_what_the_page_needs() {
    let (status, case) = get_json("/api/case").await;
    assert_eq!(status, StatusCode::OK);
    assert!(case["title"].as_str().unwrap().contains("Af-Pak"));
    assert!(!case["story"].as_array().unwrap().is_empty());
    let scenarios: Vec<&str> = case["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(scenarios[0], "status_quo");
    assert!(scenarios.contains(&"reform_package"));
    let levers = case["levers"].as_array().unwrap();
    let policy = levers.iter().filter(|l| l["kind"] == "policy").count();
    let uncertain = levers.iter().filter(|l| l["kind"] == "uncertain").count();
    assert!(policy >= 8, "{policy} policy levers");
    assert!(uncertain >= 100, "{uncertain} uncertain parameters");
    for lever in levers {
        let (min, max, default) = (
            lever["min"].as_f64().unwrap(),
            lever["max"].as_f64().unwrap(),
            lever["default"].as_f64().unwrap(),
        );
        assert!(min < max, "{lever}");
        assert!(
            (min..=max).contains(&default),
            "default outside range: {lever}"
        );
        // A step of 0 means "any value": no round step puts every setting on the grid (a fitted
        // constant, say). Otherwise the default is a slider position.
        let step = lever["step"].as_f64().unwrap();
        assert!(step >= 0.0, "{lever}");
        if step > 0.0 {
            let k = (default - min) / step;
            assert!(
                (k - k.round()).abs() < 1e-6,
                "default off the grid: {lever}"
            );
        }
    }
    // Every scenario's setting of a policy lever (its start included) is a slider position.
    assert_eq!(case["start_variable"], "policy_start_year");
    for scenario in case["scenarios"].as_array().unwrap() {
        for (name, value) in scenario["overrides"].as_object().unwrap() {
            let lever = levers.iter().find(|l| &l["name"] == name).unwrap();
            let (min, step) = (
                lever["min"].as_f64().unwrap(),
                lever["step"].as_f64().unwrap(),
            );
            let k = (value.as_f64().unwrap() - min) / step;
            assert!(
                (k - k.round()).abs() < 1e-6,
                "{name} = {value} is between steps of {step}"
            );
        }
    }
    let counterfactual = case["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "no_support_after_2001")
        .unwrap();
    assert_eq!(counterfactual["overrides"]["policy_start_year"], 2001.5);
    let offer = levers
        .iter()
        .find(|l| l["name"] == "us_support_offer")
        .unwrap();
    assert_eq!(
        (offer["min"].as_f64(), offer["max"].as_f64()),
        (Some(0.0), Some(1.0))
    );
    let claims = case["claims"].as_array().unwrap();
    assert!(claims.len() >= 30);
    // Every claim cites the essay or states its other basis (a dated source, a judgement).
    assert!(claims
        .iter()
        .all(|c| !c["paragraphs"].as_array().unwrap().is_empty() || c["basis"].is_string()));
    assert!(claims.iter().any(|c| c["basis"]
        .as_str()
        .is_some_and(|b| b.starts_with("Source: "))));
    assert!(case["loops"].as_array().unwrap().len() >= 10);
    assert!(case["variables"].as_array().unwrap().len() >= 200);
    let data = case["data"].as_array().unwrap();
    assert!(data
        .iter()
        .any(|d| d["variable"] == "terrorist_attacks_per_year"
            && d["points"].as_array().unwrap().len() >= 5));
}

#[tokio::test]
async fn a_run_returns_series_and_outcomes_and_overlays_every_scenario() {
    let (status, run) = post_json(
        "/api/run",
        json!({"scenario": "status_quo", "overlay": true,
               "variables": ["terrorist_attacks_per_year", "TTP attacks per year"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    let time = run["time"].as_array().unwrap();
    assert!(time.len() > 500);
    let runs = run["runs"].as_array().unwrap();
    let scenarios = std::fs::read_to_string(repo().join("cases/afpak/scenarios.toml")).unwrap();
    assert_eq!(runs.len(), scenarios.matches("[[scenario]]").count());
    assert_eq!(runs[0]["scenario"], "status_quo");
    assert_eq!(runs[0]["current"], true);
    assert!(runs[1..].iter().all(|r| r["current"] == false));
    for r in runs {
        // Names come back spelled as the model spells them.
        for name in ["terrorist_attacks_per_year", "ttp_attacks_per_year"] {
            assert_eq!(r["series"][name].as_array().unwrap().len(), time.len());
        }
    }
    // The essay's counterfactual: without backing after 2001 there is less violence [P20].
    let status_quo = outcome(&runs[0], "2022");
    let counterfactual = runs
        .iter()
        .find(|r| r["scenario"] == "no_support_after_2001")
        .unwrap();
    assert!(outcome(counterfactual, "2022") < status_quo);
}

#[tokio::test]
async fn moving_a_lever_changes_the_run_and_overlays_keep_their_policy() {
    let base = json!({"scenario": "status_quo", "overlay": true});
    let (_, before) = post_json("/api/run", base.clone()).await;
    let moved = json!({"scenario": "status_quo", "overlay": true,
                       "overrides": {"dismantle_effort": 1.0, "recruitment_capacity": 4500}});
    let (status, after) = post_json("/api/run", moved).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let series =
        |doc: &Value, k: usize| doc["runs"][k]["series"]["terrorist_attacks_per_year"].clone();
    assert_ne!(series(&before, 0), series(&after, 0));
    // The uncertain parameter moves every scenario's world; the policy lever only the current run.
    let (_, world_only) = post_json(
        "/api/run",
        json!({"scenario": "status_quo", "overlay": true,
               "overrides": {"recruitment_capacity": 4500}}),
    )
    .await;
    assert_eq!(series(&after, 3), series(&world_only, 3));
    assert_ne!(series(&before, 3), series(&after, 3));
}

async fn rejected(uri: &str, body: Value) -> (StatusCode, String, Option<String>) {
    let (status, doc) = post_json(uri, body).await;
    assert!(status.is_client_error(), "{status}: {doc}");
    (
        status,
        doc["error"].as_str().unwrap().to_string(),
        doc["field"].as_str().map(str::to_string),
    )
}

#[tokio::test]
async fn bad_fields_are_named() {
    let (status, message, field) = rejected(
        "/api/run",
        json!({"scenario": "status_quo", "overrides": {"us_suport_offer": 0.5}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("overrides.us_suport_offer"));
    assert!(
        message.contains("did you mean `us_support_offer`"),
        "{message}"
    );

    let (_, message, field) = rejected(
        "/api/run",
        json!({"scenario": "status_quo", "overrides": {"us_support_offer": 1.5}}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("overrides.us_support_offer"));
    assert!(message.contains("outside the range"), "{message}");

    let (_, message, field) = rejected(
        "/api/run",
        json!({"scenario": "status_quo", "overrides": {"taliban_control": 10}}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("overrides.taliban_control"));
    assert!(message.contains("not adjustable"), "{message}");

    let (_, message, field) = rejected("/api/run", json!({"scenario": "peace"})).await;
    assert_eq!(field.as_deref(), Some("scenario"));
    assert!(message.contains("status_quo"), "{message}");

    let (_, _, field) = rejected(
        "/api/run",
        json!({"scenario": "status_quo", "variables": ["attacks", "nonsense_variable"]}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("variables[0]"));

    let many: Vec<String> = (0..40).map(|_| "taliban_control".to_string()).collect();
    let (_, message, field) = rejected(
        "/api/run",
        json!({"scenario": "status_quo", "variables": many}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("variables"));
    assert!(message.contains("at most"), "{message}");

    let (status, _, field) = rejected(
        "/api/run",
        json!({"scenario": "status_quo", "overrides": {"us_support_offer": "high"}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("overrides.us_support_offer"));

    let (_, message, field) =
        rejected("/api/run", json!({"scenario": "status_quo", "speed": 2})).await;
    assert_eq!(field.as_deref(), Some("speed"), "{message}");

    let (_, _, field) = rejected("/api/run", json!({"overlay": true})).await;
    assert_eq!(field.as_deref(), Some("scenario"));
}

#[tokio::test]
async fn malformed_oversized_and_untyped_bodies_are_refused() {
    let (status, _, text) = call(
        app(),
        Method::POST,
        "/api/run",
        Some("{\"scenario\": ".into()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("malformed JSON"), "{text}");

    let padding = "x".repeat(BODY_LIMIT + 10);
    let body = json!({"scenario": "status_quo", "variables": [padding]}).to_string();
    let (status, _, text) = call(app(), Method::POST, "/api/run", Some(body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert!(text.contains("limit"), "{text}");

    let request = Request::post("/api/run")
        .body(Body::from(json!({"scenario": "status_quo"}).to_string()))
        .unwrap();
    let response = app().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn explanations_follow_claims_and_check_their_fields() {
    let (status, doc) = post_json(
        "/api/explain",
        json!({"scenario": "status_quo", "variable": "terrorist_attacks_per_year", "at": 2024, "depth": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let steps = doc["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    assert_eq!(steps[0]["to"], "terrorist_attacks_per_year");
    assert!(steps.iter().any(|s| s["claim"]["paragraphs"]
        .as_array()
        .is_some_and(|p| !p.is_empty())));

    let (_, _, field) = rejected(
        "/api/explain",
        json!({"scenario": "status_quo", "variable": "terrorist_attacks_per_year", "at": 1990}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("at"));
    let (_, _, field) = rejected(
        "/api/explain",
        json!({"scenario": "status_quo", "variable": "terrorist_attacks_per_year", "at": 2024, "depth": 50}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("depth"));
    let (_, message, field) = rejected(
        "/api/explain",
        json!({"scenario": "status_quo", "variable": "terrorist_attacks_per_year", "at": 2024, "depth": 2.5}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("depth"));
    assert!(message.contains("whole number"), "{message}");
    let (_, _, field) = rejected(
        "/api/explain",
        json!({"scenario": "status_quo", "variable": "terror", "at": 2024}),
    )
    .await;
    assert_eq!(field.as_deref(), Some("variable"));
}

#[tokio::test]
async fn loops_diagram_and_conflict_are_served() {
    let (status, loops) = get_json("/api/loops?scenario=status_quo").await;
    assert_eq!(status, StatusCode::OK, "{loops}");
    assert!(loops["loops"].as_array().unwrap().len() >= 10);
    let dominance = loops["dominance"].as_array().unwrap();
    assert!(!dominance.is_empty());
    assert!(dominance
        .windows(2)
        .all(|w| w[0]["to"].as_f64() <= w[1]["from"].as_f64()));
    let (status, _) = get_json("/api/loops?scenario=nowhere").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = get_json("/api/loops?scenario=status_quo&extra=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, diagram) = get_json("/api/diagram").await;
    let edges = diagram["edges"].as_array().unwrap();
    assert!(edges.len() >= 10);
    assert!(edges
        .iter()
        .all(|e| ["+", "-", "?"].contains(&e["polarity"].as_str().unwrap())));
    assert!(edges
        .iter()
        .any(|e| !e["claims"].as_array().unwrap().is_empty()));
    let nodes: Vec<&str> = diagram["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(edges
        .iter()
        .all(|e| nodes.contains(&e["from"].as_str().unwrap())
            && nodes.contains(&e["to"].as_str().unwrap())));

    let (status, conflict) = get_json("/api/conflict").await;
    assert_eq!(status, StatusCode::OK);
    let status_quo = &conflict["status_quo"];
    assert_eq!(status_quo["state"], 53);
    // The mid-2022 status quo is stable under every concept (cases/afpak/notes/conflict.md).
    assert_eq!(
        status_quo["concepts"].as_array().unwrap().len(),
        conflict["concepts"].as_array().unwrap().len()
    );
    assert!(conflict["equilibria"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["state"] == 53));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for (method, uri) in [
        (Method::GET, "/"),
        (Method::GET, "/app.js"),
        (Method::GET, "/nowhere"),
    ] {
        let (_, headers, _) = call(app(), method, uri, None).await;
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
        assert!(!csp.contains("unsafe"));
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    let (status, headers, _) = call(app(), Method::GET, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let (status, _, text) = call(app(), Method::GET, "/api/nowhere", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(text.contains("no such endpoint"));
    let (status, _, _) = call(app(), Method::GET, "/api/run", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    // Every file of the page comes with its own type (a module needs a JavaScript MIME type).
    for &(path, content_type, body) in ASSETS {
        let (status, headers, text) = call(app(), Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], content_type, "{path}");
        assert_eq!(text, body, "{path}");
    }
}

#[test]
fn the_page_obeys_its_content_security_policy() {
    let html = include_str!("../assets/index.html");
    // Inline scripts, handlers and style attributes would be blocked by the policy.
    for tag in html.split("<script").skip(1) {
        let open = &tag[..tag.find('>').unwrap()];
        assert!(open.contains("src="), "inline script: <script{open}>");
    }
    assert!(!html.contains(" style="), "style attribute in index.html");
    assert!(!html.contains(" onclick="), "inline handler in index.html");
    for &(path, _, js) in ASSETS.iter().filter(|(path, _, _)| path.ends_with(".js")) {
        // Model text reaches the page through textContent and attributes, never as markup.
        assert!(!js.contains("innerHTML"), "{path} uses innerHTML");
        assert!(!js.contains("eval("), "{path} uses eval");
        assert!(
            !js.contains("setAttribute('style'") && !js.contains("setAttribute(\"style\""),
            "{path} sets a style attribute"
        );
        assert!(js.starts_with("// @ts-check"), "{path} is not type-checked");
    }
}

#[test]
fn every_module_the_page_imports_is_served() {
    let served: Vec<&str> = ASSETS.iter().map(|(path, _, _)| *path).collect();
    for &(path, _, js) in ASSETS.iter().filter(|(path, _, _)| path.ends_with(".js")) {
        for import in js.split("from './").skip(1) {
            let module = &import[..import.find('\'').unwrap()];
            assert!(
                served.contains(&format!("/{module}").as_str()),
                "{path} imports {module}, which is not served"
            );
        }
    }
    // And nothing is served that the page does not load.
    for path in served
        .iter()
        .filter(|p| p.ends_with(".js") && **p != "/app.js")
    {
        let name = &path[1..];
        assert!(
            ASSETS
                .iter()
                .any(|(_, _, js)| js.contains(&format!("from './{name}'"))),
            "{path} is served but nothing imports it"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let served = [
        ("get", "/api/case"),
        ("post", "/api/run"),
        ("post", "/api/explain"),
        ("get", "/api/loops"),
        ("get", "/api/diagram"),
        ("get", "/api/conflict"),
        ("get", "/api/openapi.json"),
    ];
    assert_eq!(paths.len(), served.len());
    for (method, path) in served {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} undocumented"
        );
        if method == "get" {
            let (status, _, _) = call(app(), Method::GET, path, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
        }
    }
    // The served copy narrows requests to this case.
    let (_, served) = get_json("/api/openapi.json").await;
    let run = &served["components"]["schemas"]["RunRequest"]["properties"];
    assert_eq!(run["scenario"]["enum"][0], "status_quo");
    assert_eq!(
        run["overrides"]["properties"]["us_support_offer"]["maximum"],
        1.0
    );
    assert_eq!(run["overrides"]["additionalProperties"], false);
    // Every schema reference resolves.
    let text = OPENAPI;
    for reference in text.split("\"$ref\": \"#/components/").skip(1) {
        let target = &reference[..reference.find('"').unwrap()];
        let (section, name) = target.split_once('/').unwrap();
        assert!(
            doc["components"][section][name].is_object(),
            "dangling $ref {target}"
        );
    }
}

#[tokio::test]
async fn a_bare_model_is_served_with_one_scenario() {
    let model = repo().join("crates/blowback-sd/tests/conformance/sd/samples/teacup/teacup.xmile");
    let files = CaseFiles::model_only("teacup.xmile", std::fs::read_to_string(&model).unwrap());
    let explorer = Explorer::new(load(&files), "teacup", true).unwrap();
    let limits = crate::Limits {
        workers: 1,
        ..crate::Limits::default()
    };
    let app = router(Arc::new(explorer), &limits);
    let (_, _, text) = call(app.clone(), Method::GET, "/api/case", None).await;
    let case: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(case["scenarios"][0]["name"], "baseline");
    let lever = &case["levers"][0];
    let name = lever["name"].as_str().unwrap();
    let max = lever["max"].as_f64().unwrap();
    let body = json!({"scenario": "baseline", "overrides": {name: max}}).to_string();
    let (status, _, text) = call(app.clone(), Method::POST, "/api/run", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _, _) = call(app, Method::GET, "/api/conflict", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Any JSON value at all as a run request: a 200 or a 4xx with an error message, never a 5xx.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_map(|x| json!(x)),
        (-5.0f64..10_000.0).prop_map(|x| json!(x)),
        prop_oneof![
            Just("status_quo".to_string()),
            Just("us_support_offer".to_string()),
            Just("terrorist_attacks_per_year".to_string()),
            "[a-z_]{0,12}",
            any::<String>(),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("scenario".to_string()),
                    Just("overrides".to_string()),
                    Just("variables".to_string()),
                    Just("overlay".to_string()),
                    Just("us_support_offer".to_string()),
                    Just("recruitment_capacity".to_string()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn run_requests_never_crash_the_server(body in arbitrary_json()) {
        let (status, _, text) = runtime().block_on(call(app(), Method::POST, "/api/run", Some(body.to_string())));
        prop_assert!(!status.is_server_error(), "{status} for {body}: {text}");
        let doc: Value = serde_json::from_str(&text).unwrap();
        if status == StatusCode::OK {
            prop_assert!(doc["runs"].is_array());
        } else {
            prop_assert!(doc["error"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }

    #[test]
    fn any_lever_setting_inside_its_range_runs(values in prop::collection::vec(0.0f64..=1.0, 12)) {
        // Each lever set at a random point of its range, the rest left alone.
        let case: Value = serde_json::from_str(&afpak().overview).unwrap();
        let levers = case["levers"].as_array().unwrap();
        let step = levers.len() / values.len();
        let overrides: serde_json::Map<String, Value> = values
            .iter()
            .enumerate()
            .map(|(k, u)| {
                let lever = &levers[k * step];
                let (min, max) = (lever["min"].as_f64().unwrap(), lever["max"].as_f64().unwrap());
                (lever["name"].as_str().unwrap().to_string(), json!(min + u * (max - min)))
            })
            .collect();
        let body = json!({"scenario": "status_quo", "overrides": overrides});
        let (status, _, text) = runtime().block_on(call(app(), Method::POST, "/api/run", Some(body.to_string())));
        prop_assert_eq!(status, StatusCode::OK, "{}", text);
    }
}
