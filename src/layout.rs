//! The portal layout every page shares: navigation, the signed-in user, flash
//! messages, and error pages rendered inside it.

use std::convert::Infallible;

use askama::Template;
use axum::{
    extract::{FromRequestParts, Request, State},
    http::{StatusCode, header, request::Parts},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use subtle::ConstantTimeEq;

use crate::{
    auth::CurrentUser,
    error::{AppError, ErrorPage},
    state::AppState,
    static_files,
};

/// The sections of the Business Portal; [`Section::NAV`] gives the navigation's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Candidates,
    Jobs,
    InterviewTemplates,
    Interviews,
    Applications,
    Reviews,
    Team,
    Settings,
    Account,
}

impl Section {
    const NAV: [Section; 7] = [
        Section::Dashboard,
        Section::Candidates,
        Section::Jobs,
        Section::InterviewTemplates,
        Section::Interviews,
        Section::Applications,
        Section::Reviews,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Dashboard => "Dashboard",
            Self::Candidates => "Candidates",
            Self::Jobs => "Jobs",
            Self::InterviewTemplates => "Interview Templates",
            Self::Interviews => "Interviews",
            Self::Applications => "Applications",
            Self::Reviews => "My reviews",
            Self::Team => "Team",
            Self::Settings => "Settings",
            Self::Account => "Account",
        }
    }

    pub fn href(self) -> &'static str {
        match self {
            Self::Dashboard => "/dashboard",
            Self::Candidates => "/candidates",
            Self::Jobs => "/jobs",
            Self::InterviewTemplates => "/interview-templates",
            Self::Interviews => "/interviews",
            Self::Applications => "/applications",
            Self::Reviews => "/reviews",
            Self::Team => "/team",
            Self::Settings => "/settings",
            Self::Account => "/account",
        }
    }
}

pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

/// A one-time message shown at the top of the next page, carried in a signed cookie.
#[derive(Clone, Debug)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

impl Flash {
    pub fn success(message: impl Into<String>) -> Self {
        Self { kind: FlashKind::Success, message: message.into() }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self { kind: FlashKind::Error, message: message.into() }
    }

    /// POST → 303 → GET with this message shown on the next page.
    pub fn redirect(self, to: &str) -> Response {
        let mut response = Redirect::to(to).into_response();
        response.extensions_mut().insert(self);
        response
    }

    pub fn is_error(&self) -> bool {
        self.kind == FlashKind::Error
    }

    fn encode(&self, state: &AppState) -> String {
        let kind = if self.is_error() { "e" } else { "s" };
        let body = B64.encode(self.message.as_bytes());
        let mac = B64.encode(state.config.secret_key.mac(&[b"flash", kind.as_bytes(), body.as_bytes()]));
        format!("{kind}.{body}.{mac}")
    }

    fn decode(cookie: &str, state: &AppState) -> Option<Self> {
        let mut parts = cookie.splitn(3, '.');
        let (kind, body, mac) = (parts.next()?, parts.next()?, parts.next()?);
        let expected = B64.encode(state.config.secret_key.mac(&[b"flash", kind.as_bytes(), body.as_bytes()]));
        if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
            return None;
        }
        let message = String::from_utf8(B64.decode(body).ok()?).ok()?;
        let kind = if kind == "e" { FlashKind::Error } else { FlashKind::Success };
        Some(Self { kind, message })
    }
}

/// What the layout needs: who is signed in, the current section and the flash message.
#[derive(Clone)]
pub struct Shell {
    pub user: Option<CurrentUser>,
    pub flash: Option<Flash>,
    pub section: Option<Section>,
    pub asset_version: &'static str,
}

impl Shell {
    pub fn at(mut self, section: Section) -> Self {
        self.section = Some(section);
        self
    }

    pub fn nav(&self) -> Vec<NavItem> {
        Section::NAV
            .iter()
            .map(|&s| NavItem { label: s.label(), href: s.href(), current: self.section == Some(s) })
            .collect()
    }

    pub fn on_team(&self) -> bool {
        self.section == Some(Section::Team)
    }

    pub fn on_settings(&self) -> bool {
        self.section == Some(Section::Settings)
    }

    pub fn on_account(&self) -> bool {
        self.section == Some(Section::Account)
    }

    /// Whether the signed-in user's role allows `method` on `route` (a route template,
    /// such as `/jobs/{id}/edit`): links and buttons to anything else are not shown.
    pub fn may(&self, method: &str, route: &str) -> bool {
        self.user.as_ref().is_some_and(|user| crate::auth::roles::may(user, method, route))
    }

    fn from_extensions(extensions: &axum::http::Extensions) -> Self {
        Self {
            user: extensions.get::<CurrentUser>().cloned(),
            flash: extensions.get::<Flash>().cloned(),
            section: None,
            asset_version: static_files::version(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Shell {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Self::from_extensions(&parts.extensions))
    }
}

/// Renders an askama page; a template error becomes a logged 500 page.
pub fn render(page: &impl Template) -> Result<Response, AppError> {
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorView {
    shell: Shell,
    status: u16,
    title: &'static str,
    message: String,
}

const FLASH_COOKIE: &str = "hifinity_flash";

/// Reads the flash cookie into the request, writes a handler's new flash into a signed
/// cookie, and renders `ErrorPage` responses (and unknown routes) inside the layout.
pub async fn layout_middleware(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let incoming =
        crate::auth::cookie_value(request.headers(), FLASH_COOKIE).and_then(|raw| Flash::decode(&raw, &state));
    let had_flash = incoming.is_some();
    if let Some(flash) = incoming {
        request.extensions_mut().insert(flash);
    }
    let shell = Shell::from_extensions(request.extensions());

    let mut response = next.run(request).await;

    if let Some(page) = response.extensions_mut().remove::<ErrorPage>() {
        response = error_page(shell, response.status(), page);
    }
    let secure = if state.config.https() { "; Secure" } else { "" };
    if let Some(flash) = response.extensions_mut().remove::<Flash>() {
        let cookie =
            format!("{FLASH_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=300{secure}", flash.encode(&state));
        append_cookie(&mut response, &cookie);
    } else if had_flash && !response.status().is_redirection() {
        append_cookie(&mut response, &format!("{FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"));
    }
    response
}

fn error_page(shell: Shell, status: StatusCode, page: ErrorPage) -> Response {
    let view = ErrorView { shell, status: status.as_u16(), title: page.title, message: page.message };
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = ?err, "error page failed to render");
            (status, page.title).into_response()
        }
    }
}

pub fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = header::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The router's fallback: an unknown address gets the 404 page.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
