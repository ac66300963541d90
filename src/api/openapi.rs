//! The OpenAPI document, derived by `utoipa` from the handlers' annotations and the
//! request and response types themselves, so it cannot drift from the code; served as
//! JSON and rendered server-side into a readable page (no JavaScript, no CDN, so the CSP
//! stays strict).

use std::sync::OnceLock;

use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

use super::{
    candidates, interviews, jobs,
    problem::{FieldProblem, ProblemDetails},
    templates,
    views::{DocsPage, OperationView, ParameterView, PropertyView, ResponseView, SchemaView},
};
use crate::{
    error::AppResult,
    layout::{Shell, render},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hifinity API",
        version = "1",
        description = "Jobs, published templates, candidates and interviews of one company, for its own systems. \
            Authenticate with `Authorization: Bearer <key>`, a key an Admin creates on Settings › API keys. \
            Errors are RFC 9457 problem details with a stable `code`. Lists are paged by `cursor`. \
            Writes accept an `Idempotency-Key` header (kept 24 hours). Each key may make a limited number of \
            requests a minute, told by the `RateLimit-Policy` and `RateLimit` headers."
    ),
    paths(
        jobs::list,
        templates::list,
        candidates::list,
        candidates::create,
        candidates::show,
        interviews::send,
        interviews::show,
        interviews::resend,
        interviews::cancel,
        interviews::rerun,
        interviews::decide,
    ),
    components(schemas(ProblemDetails, FieldProblem)),
    modifiers(&BearerKey),
)]
pub struct ApiDoc;

/// The `api_key` security scheme the paths name: a bearer token.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The document as JSON, made once.
fn document_json() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::to_value(ApiDoc::openapi()).unwrap_or_default())
}

/// `GET /api/v1/openapi.json`
pub async fn document() -> Response {
    axum::Json(document_json()).into_response()
}

/// `GET /api/v1/docs`: the document for people.
pub async fn docs_page(shell: Shell) -> AppResult<Response> {
    let document = document_json();
    render(&DocsPage {
        shell,
        title: text(&document["info"]["title"]),
        description: text(&document["info"]["description"]),
        operations: operations(document),
        schemas: schemas(document),
    })
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// Every operation, in the order of the paths and then of the methods.
fn operations(document: &Value) -> Vec<OperationView> {
    let mut found = Vec::new();
    let Some(paths) = document["paths"].as_object() else { return found };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item {
            let parameters = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| ParameterView {
                    name: text(&p["name"]),
                    location: text(&p["in"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    kind: type_of(&p["schema"]),
                    description: text(&p["description"]),
                })
                .collect();
            let responses = operation["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| ResponseView {
                    status: status.clone(),
                    description: text(&r["description"]),
                    body: body_type(r),
                })
                .collect();
            found.push(OperationView {
                id: format!("{method}-{path}").replace(['/', '{', '}'], "-"),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(&operation["summary"]),
                description: text(&operation["description"]),
                parameters,
                request_body: body_type(&operation["requestBody"]),
                responses,
            });
        }
    }
    found
}

/// The schema of a request's or response's JSON content, by name.
fn body_type(value: &Value) -> String {
    value["content"]
        .as_object()
        .and_then(|content| content.values().next())
        .map(|media| type_of(&media["schema"]))
        .unwrap_or_default()
}

fn schemas(document: &Value) -> Vec<SchemaView> {
    let Some(schemas) = document["components"]["schemas"].as_object() else { return Vec::new() };
    schemas
        .iter()
        .map(|(name, schema)| {
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let properties = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(property, value)| PropertyView {
                    name: property.clone(),
                    kind: type_of(value),
                    required: required.contains(&property.as_str()),
                    description: text(&value["description"]),
                })
                .collect();
            SchemaView { name: name.clone(), description: text(&schema["description"]), properties }
        })
        .collect()
}

/// A schema said briefly: `string (uuid)`, `array of Job`, `Problem`, `string or null`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    if let Some(options) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return options.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    let kind = match &schema["type"] {
        Value::String(kind) if kind == "array" => format!("array of {}", type_of(&schema["items"])),
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        _ => String::new(),
    };
    match schema["format"].as_str() {
        Some(format) => format!("{kind} ({format})"),
        None => kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_its_paths_schemas_and_the_key() {
        let document = document_json();
        assert!(document["paths"]["/api/v1/candidates"]["post"].is_object());
        assert!(document["components"]["schemas"]["Problem"].is_object());
        assert_eq!(document["components"]["securitySchemes"]["api_key"]["scheme"], "bearer");
        let candidate = schemas(document).into_iter().find(|s| s.name == "Candidate").unwrap();
        let id = candidate.properties.iter().find(|p| p.name == "id").unwrap();
        assert_eq!((id.kind.as_str(), id.required), ("string (uuid)", true));
    }
}
