use askama::Template;

use crate::layout::Shell;

pub struct ParameterView {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub kind: String,
    pub description: String,
}

pub struct ResponseView {
    pub status: String,
    pub description: String,
    pub body: String,
}

pub struct OperationView {
    /// The anchor of its section.
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<ParameterView>,
    pub request_body: String,
    pub responses: Vec<ResponseView>,
}

pub struct PropertyView {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

pub struct SchemaView {
    pub name: String,
    pub description: String,
    pub properties: Vec<PropertyView>,
}

/// The OpenAPI document for people, rendered on the server.
#[derive(Template)]
#[template(path = "api/docs.html")]
pub struct DocsPage {
    pub shell: Shell,
    pub title: String,
    pub description: String,
    pub operations: Vec<OperationView>,
    pub schemas: Vec<SchemaView>,
}
