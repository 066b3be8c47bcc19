//! The HTTP face of the explorer: routes, request limits, error bodies and security headers.
//!
//! Boundary: handlers parse and check requests and hand the work to [`Explorer`] on the blocking
//! pool; they never touch the file system. Every error is JSON `{"error", "field"}` with a 4xx or 5xx
//! status, so the page (and any other client) can show what was wrong.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::explorer::{ExplainRequest, Explorer, Rejection, RunRequest};
use crate::server::Limits;

/// Largest request body accepted; a run request with every lever set is about 6 KiB.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
/// How long a request waits for a free worker before the server answers 503.
const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// The strict policy the page is written for: only our own script, styles and API.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

const JS: &str = "text/javascript; charset=utf-8";

/// The page, embedded: path, content type, text. The modules import each other by these paths.
pub(crate) const ASSETS: &[(&str, &str, &str)] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("../assets/index.html"),
    ),
    (
        "/style.css",
        "text/css; charset=utf-8",
        include_str!("../assets/style.css"),
    ),
    ("/app.js", JS, include_str!("../assets/app.js")),
    ("/api.js", JS, include_str!("../assets/api.js")),
    ("/charts.js", JS, include_str!("../assets/charts.js")),
    ("/diagram.js", JS, include_str!("../assets/diagram.js")),
    ("/dom.js", JS, include_str!("../assets/dom.js")),
    ("/format.js", JS, include_str!("../assets/format.js")),
    ("/panels.js", JS, include_str!("../assets/panels.js")),
    ("/state.js", JS, include_str!("../assets/state.js")),
    ("/tabs.js", JS, include_str!("../assets/tabs.js")),
];

/// The API's OpenAPI 3.1 description, kept beside the code it documents.
pub const OPENAPI: &str = include_str!("openapi.json");

#[derive(Clone)]
struct AppState {
    explorer: Arc<Explorer>,
    /// Bounds the simulations running at once; requests beyond it wait briefly, then get 503.
    workers: Arc<Semaphore>,
    /// How long a request body may take to arrive.
    body_timeout: Duration,
}

/// An error response: a status and a message naming the bad field when there is one.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: None,
        }
    }
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        match rejection {
            Rejection::Invalid { field, message } => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message,
                field: Some(field),
            },
            Rejection::RunFailed(message) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the model could not complete this run: {message}"),
            ),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let text = rejection.body_text();
        let field = match &rejection {
            JsonRejection::JsonDataError(_) => data_error_field(&text),
            _ => None,
        };
        let message = match &rejection {
            JsonRejection::JsonSyntaxError(_) => format!("malformed JSON: {text}"),
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                format!("the request body is over the {BODY_LIMIT}-byte limit")
            }
            _ => text,
        };
        ApiError {
            status: rejection.status(),
            message,
            field,
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

/// The JSON path of the field a deserialisation error is about: axum reports `path: message`, and
/// serde names a missing or unknown field in backquotes.
fn data_error_field(text: &str) -> Option<String> {
    let detail = text.split_once("target type: ").map_or(text, |(_, d)| d);
    if let Some((path, _)) = detail.split_once(": ") {
        if path != "." && !path.contains(' ') {
            return Some(path.to_string());
        }
    }
    let (_, quoted) = detail.split_once('`')?;
    let (name, _) = quoted.split_once('`')?;
    Some(name.to_string())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.message, "field": self.field});
        (self.status, Json(body)).into_response()
    }
}

/// A JSON body whose rejections become [`ApiError`]s.
struct Body<T>(T);

impl<T> FromRequest<AppState> for Body<T>
where
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    /// Reads the whole body under the body deadline, so a client that declares a body and sends
    /// it slowly (or never) gets 408 instead of holding its connection.
    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let limit = state.body_timeout;
        match tokio::time::timeout(limit, Json::<T>::from_request(request, state)).await {
            Ok(json) => Ok(Body(json?.0)),
            Err(_) => Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    limit.as_secs_f64()
                ),
            )),
        }
    }
}

/// The explorer's routes, with its body limit and deadline, worker bound and headers.
pub fn router(explorer: Arc<Explorer>, limits: &Limits) -> Router {
    let state = AppState {
        explorer,
        workers: Arc::new(Semaphore::new(limits.workers.max(1))),
        body_timeout: limits.body_timeout,
    };
    let mut router = Router::new();
    for &(path, content_type, body) in ASSETS {
        router = router.route(path, get(move || async move { asset(content_type, body) }));
    }
    router
        .route("/api/openapi.json", get(openapi))
        .route("/api/case", get(case))
        .route("/api/diagram", get(diagram))
        .route("/api/conflict", get(conflict))
        .route("/api/loops", get(loops))
        .route("/api/run", post(run))
        .route("/api/explain", post(explain))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn json_text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Answers depend on the request, and the assets change with the binary.
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such endpoint: {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not accept {method}", uri.path()),
    )
}

async fn openapi(State(state): State<AppState>) -> Response {
    json_text(state.explorer.openapi.clone())
}

async fn case(State(state): State<AppState>) -> Response {
    json_text(state.explorer.overview.clone())
}

async fn diagram(State(state): State<AppState>) -> Response {
    json_text(state.explorer.diagram.clone())
}

async fn conflict(State(state): State<AppState>) -> Result<Response, ApiError> {
    match &state.explorer.conflict {
        Some(document) => Ok(json_text(document.clone())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "this case has no conflict.toml, so there is no conflict analysis",
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoopsQuery {
    scenario: Option<String>,
}

async fn loops(
    State(state): State<AppState>,
    query: Result<Query<LoopsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let document = work(&state, move |explorer| {
        let scenario = query
            .scenario
            .unwrap_or_else(|| explorer.first_scenario().to_string());
        explorer.loops(&scenario)
    })
    .await?;
    Ok(json_text(document))
}

async fn run(
    State(state): State<AppState>,
    Body(request): Body<RunRequest>,
) -> Result<Response, ApiError> {
    let document = work(&state, move |explorer| explorer.run(&request)).await?;
    Ok(json_text(document))
}

async fn explain(
    State(state): State<AppState>,
    Body(request): Body<ExplainRequest>,
) -> Result<Response, ApiError> {
    let document = work(&state, move |explorer| explorer.explain(&request)).await?;
    Ok(Json(document).into_response())
}

/// Runs `job` on the blocking pool once a worker is free. Waiting is bounded; a panic in the job
/// becomes a 500 for this request and leaves the server running.
async fn work<T, F>(state: &AppState, job: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Explorer) -> Result<T, Rejection> + Send + 'static,
{
    let busy = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the explorer is busy with other runs; try again in a moment",
        )
    };
    let permit = tokio::time::timeout(QUEUE_WAIT, state.workers.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    let explorer = state.explorer.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        job(&explorer)
    })
    .await;
    match outcome {
        Ok(result) => result.map_err(ApiError::from),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while running the model (a bug: please report the request)",
        )),
    }
}
