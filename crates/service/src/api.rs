//! Routes. Every error is JSON (`error.rs`); bodies are limited to the configured size.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State as Ax};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::error::ApiError;
use crate::jobs::{JobOptions, State};
use crate::rule::RuleRequest;

const INDEX: &str = include_str!("../web/index.html");

/// The service's routes, behind the access check.
pub fn router(state: State, access: crate::access::Access) -> Router {
    let limit = state.config().max_body;
    Router::new()
        .route("/", get(|| async { Html(INDEX) }))
        .route("/healthz", get(healthz))
        .route("/v1/jobs", post(submit))
        .route("/v1/jobs/{id}", get(job))
        .route("/v1/jobs/{id}/package", get(package))
        .route("/v1/jobs/{id}/rules", get(rules_table))
        .route("/v1/jobs/{id}/rules/{n}", get(rule_view))
        .route("/v1/jobs/{id}/rules/{n}/kb", get(rule_kb))
        .route(
            "/v1/jobs/{id}/rules/{n}/formula",
            axum::routing::put(rule_edit).delete(rule_revert),
        )
        .route("/v1/jobs/{id}/file/{*path}", get(file))
        .route("/v1/normalize", post(normalize))
        .route("/v1/validate", post(validate))
        .route("/v1/explain", post(explain))
        .route("/v1/chat/completions", post(chat))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(access),
            crate::access::check,
        ))
        .with_state(state)
}

async fn healthz(Ax(state): Ax<State>) -> Json<serde_json::Value> {
    let (queued, running, kept) = state.counts();
    Json(serde_json::json!({"status": "ok", "queued": queued, "running": running, "jobs": kept}))
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the body is larger than the limit of {limit} bytes"),
    )
}

/// The log: the raw body (its `Content-Encoding`, gzip or zstd, undone), or the `log` (else
/// the first) file of a multipart form.
async fn read_log(state: &State, req: Request) -> Result<Vec<u8>, ApiError> {
    let limit = state.config().max_body;
    let encoding = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e != "identity");
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart && encoding.is_some() {
        return Err(unsupported_encoding(
            "a multipart form with a Content-Encoding",
        ));
    }
    if multipart {
        let mut form = Multipart::from_request(req, &())
            .await
            .map_err(|e| ApiError::bad_request("bad_multipart", e.body_text()))?;
        let mut first = None;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| multipart_error(e, limit))?
        {
            let is_log = field.name() == Some("log");
            let data = field.bytes().await.map_err(|e| multipart_error(e, limit))?;
            if is_log {
                return Ok(data.to_vec());
            }
            if first.is_none() {
                first = Some(data.to_vec());
            }
        }
        return first.ok_or_else(|| ApiError::bad_request("empty_log", "the form has no file"));
    }
    let body = Bytes::from_request(req, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limit)
        } else {
            ApiError::bad_request("bad_body", e.body_text())
        }
    })?;
    match encoding {
        None => Ok(body.to_vec()),
        Some(e) => tokio::task::spawn_blocking(move || crate::encoding::decode(&e, &body, limit))
            .await
            .map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?,
    }
}

fn unsupported_encoding(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_encoding",
        format!("{what} is not read: send the log as is, gzip or zstd"),
    )
}

fn multipart_error(e: axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        ApiError::bad_request("bad_multipart", e.body_text())
    }
}

async fn submit(
    Ax(state): Ax<State>,
    options: Result<Query<JobOptions>, axum::extract::rejection::QueryRejection>,
    req: Request,
) -> Result<Response, ApiError> {
    let Query(options) = options.map_err(|e| ApiError::bad_request("bad_option", e.body_text()))?;
    let log = read_log(&state, req).await?;
    let view = state.submit(log, options)?;
    let location = view.links.get("self").cloned().unwrap_or_default();
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(view),
    )
        .into_response())
}

async fn job(Ax(state): Ax<State>, Path(id): Path<String>) -> Result<Response, ApiError> {
    Ok(Json(state.view(&id)?).into_response())
}

/// `?rules=0,3,7`: the accepted subset.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageQuery {
    rules: Option<String>,
}

async fn package(
    Ax(state): Ax<State>,
    Path(id): Path<String>,
    query: Result<Query<PackageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request("bad_option", e.body_text()))?;
    let out = state.output(&id)?;
    let chosen = match &query.rules {
        Some(r) => Some(crate::workbench::accept::parse_selection(&out, r)?),
        None => None,
    };
    let bytes = tokio::task::spawn_blocking(move || {
        crate::package::tar_gz(&crate::workbench::accept::files(&out, chosen.as_ref()))
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/gzip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"normforge-{id}.tar.gz\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

type PageQuery = Result<Query<crate::workbench::Page>, axum::extract::rejection::QueryRejection>;

fn page(q: PageQuery) -> Result<crate::workbench::Page, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::bad_request("bad_option", e.body_text()))
}

async fn rules_table(
    Ax(state): Ax<State>,
    Path(id): Path<String>,
    q: PageQuery,
) -> Result<Response, ApiError> {
    let p = page(q)?;
    let out = state.output(&id)?;
    let st = state.clone();
    let rows = off_async(&state, move || {
        Ok(crate::workbench::table(&out, &p, Some(&st.kbs())))
    })
    .await?;
    Ok(Json(rows).into_response())
}

async fn rule_view(
    Ax(state): Ax<State>,
    Path((id, n)): Path<(String, usize)>,
    q: PageQuery,
) -> Result<Response, ApiError> {
    let p = page(q)?;
    let out = state.output(&id)?;
    let v = off_async(&state, move || crate::workbench::view(&out, n, &p)).await?;
    Ok(Json(v).into_response())
}

async fn rule_kb(
    Ax(state): Ax<State>,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, ApiError> {
    let out = state.output(&id)?;
    let st = state.clone();
    let v = off_async(&state, move || {
        crate::workbench::kb_view(&out, n, &st.kbs())
    })
    .await?;
    Ok(Json(v).into_response())
}

/// `PUT …/formula`: `{"formula": "…"}`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRequest {
    formula: String,
}

async fn rule_edit(
    Ax(state): Ax<State>,
    Path((id, n)): Path<(String, usize)>,
    body: Body<EditRequest>,
) -> Result<Response, ApiError> {
    let req = json_body(body)?;
    let out = state.output(&id)?;
    let r = off_async(&state, move || {
        crate::workbench::edit_rule(&out, n, &req.formula)
    })
    .await?;
    Ok(Json(r).into_response())
}

async fn rule_revert(
    Ax(state): Ax<State>,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, ApiError> {
    let out = state.output(&id)?;
    let had = crate::workbench::revert(&out, n)?;
    Ok(Json(serde_json::json!({"reverted": had})).into_response())
}

async fn file(
    Ax(state): Ax<State>,
    Path((id, path)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let out = state.output(&id)?;
    let content = out
        .files
        .get(std::path::Path::new(&path))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("job {id} has no file {path}"),
            )
        })?
        .clone();
    let ty = if path.ends_with(".json") || path.ends_with(".js") {
        "application/json; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok(([(header::CONTENT_TYPE, ty)], content).into_response())
}

/// A JSON request body, or the extractor's complaint.
type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// The body, or a `bad_json` error with the extractor's message.
fn json_body<T>(body: Body<T>) -> Result<T, ApiError> {
    body.map(|Json(r)| r)
        .map_err(|e| ApiError::bad_request("bad_json", e.body_text()))
}

/// Runs `f` (XP: compiling, matching, normalizing) on a blocking thread, at most one per core
/// at a time, so that the async threads keep answering (`/healthz` among them). Past the
/// deadline the caller gets 503; the computation keeps its slot until it ends (XP's own step
/// budgets bound it), so the CPU it takes stays bounded.
async fn off_async<T: Send + 'static>(
    state: &State,
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let deadline = state.config().xp_deadline;
    let busy = |what: &str| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("{what} within {} ms; try again", deadline.as_millis()),
        )
    };
    let started = tokio::time::Instant::now();
    let permit = tokio::time::timeout(deadline, state.xp_slots().acquire_owned())
        .await
        .map_err(|_| busy("no thread was free"))?
        .map_err(|_| busy("the service is stopping: nothing runs"))?;
    let work = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    });
    match tokio::time::timeout_at(started + deadline, work).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
        )),
        Err(_) => Err(busy("the request did not finish")),
    }
}

async fn normalize(Ax(state): Ax<State>, body: Body<RuleRequest>) -> Result<Response, ApiError> {
    let req = json_body(body)?;
    let year = state.config().year;
    let r = off_async(&state, move || crate::rule::normalize(&req, year)).await?;
    Ok(Json(r).into_response())
}

async fn validate(Ax(state): Ax<State>, body: Body<RuleRequest>) -> Result<Response, ApiError> {
    let req = json_body(body)?;
    let year = state.config().year;
    let r = off_async(&state, move || crate::rule::validate(&req, year)).await?;
    Ok(Json(r).into_response())
}

async fn explain(
    Ax(state): Ax<State>,
    body: Body<crate::rule::ExplainRequest>,
) -> Result<Response, ApiError> {
    let req = json_body(body)?;
    let year = state.config().year;
    let explained = match &req.job {
        Some(id) => {
            let out = state.output(id)?;
            off_async(&state, move || {
                let files = &out.files;
                crate::rule::explain(out.rule_set(), &req, year, |dir, lang, fields| {
                    let text = |name: &str| {
                        files
                            .get(&std::path::Path::new(dir).join(name))
                            .map_or("", String::as_str)
                    };
                    xp_package::describe::description_in(
                        text("metainfo.yaml"),
                        text(&format!("i18n/i18n_{lang}.yaml")),
                        fields,
                    )
                })
            })
            .await?
        }
        None => {
            let Some((set, root)) = state.config().rules.clone() else {
                return Err(ApiError::bad_request(
                    "no_rules",
                    "give `job` (a finished job's id), or start the service with --rules DIR",
                ));
            };
            off_async(&state, move || {
                crate::rule::explain(&set, &req, year, |dir, lang, fields| {
                    xp_package::describe::description(&root.join(dir), lang, fields)
                })
            })
            .await?
        }
    };
    Ok(Json(explained).into_response())
}

async fn chat(
    Ax(state): Ax<State>,
    body: Body<crate::chat::ChatRequest>,
) -> Result<Response, ApiError> {
    let req = json_body(body)?;
    let Some(model) = state.chat() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_model",
            "this service serves no model (start it with --llm embedded)",
        ));
    };
    let r = crate::chat::to_request(&req)?;
    let content = model.complete(r).await?;
    Ok(Json(crate::chat::reply(&req.model, &content)).into_response())
}

#[cfg(test)]
mod tests;
