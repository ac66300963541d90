//! The application: the router with its middleware, and serving with graceful shutdown.

use std::{net::SocketAddr, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, MatchedPath, Request, State},
    http::{HeaderName, HeaderValue, StatusCode, Uri, header},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
};
use tokio::net::TcpListener;
use tower_http::{catch_panic::CatchPanicLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer};
use tracing::{Span, field::Empty};

use crate::{
    account, api, applications, audit, auth, candidate_import, candidate_portal, candidates, dashboard,
    error::AppError, evaluation, interview_templates, interviews, jobs, layout, mail, privacy, reviews, settings,
    sharing, state::AppState, static_files, team, webhooks,
};

/// Scripts, styles, media and forms only from this origin; no inline script; never framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Form posts are small; answer uploads (which stream) set their own limit.
const FORM_BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Interview links are secrets: no page may leak its address to another site.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        // Only the candidate's pages record (their router allows the camera and microphone).
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    let mut router = Router::new()
        .merge(auth::router())
        .merge(dashboard::router())
        .merge(jobs::router())
        .merge(interview_templates::router())
        .merge(candidate_import::router())
        .merge(candidates::router())
        .merge(applications::router())
        .merge(interviews::router())
        .merge(evaluation::router())
        .merge(mail::router())
        .merge(settings::router())
        .merge(audit::router())
        .merge(webhooks::router())
        .merge(privacy::router())
        .merge(reviews::router())
        .merge(sharing::router())
        .merge(candidate_portal::router())
        .merge(team::router())
        .merge(account::router())
        .route("/healthz", get(healthz))
        .route("/static/{name}", get(static_files::serve))
        // After routing, so the route's template decides who may use it.
        .route_layer(middleware::from_fn(auth::roles::enforce))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(|_| AppError::Unexpected(anyhow::anyhow!("handler panicked")).into_response()))
        .layer(middleware::from_fn_with_state(state.clone(), layout::layout_middleware))
        .layer(middleware::from_fn_with_state(state.clone(), auth::session::load_user))
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf::refuse_cross_site))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        // After the pages' layers, so none of them applies: the API reads no session
        // cookie, renders no layout, and authenticates and limits by its keys instead.
        .merge(api::router(state.clone()));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    if state.config.https() {
        // Browsers that have seen the portal over HTTPS never try plain HTTP again.
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    // The route template, never the path: paths can hold interview tokens.
                    let route = request.extensions().get::<MatchedPath>().map_or("(unmatched)", |p| p.as_str());
                    tracing::info_span!("request", method = %request.method(), route, status = Empty, latency_ms = Empty)
                })
                .on_request(())
                .on_response(|response: &Response, latency: Duration, span: &Span| {
                    span.record("status", response.status().as_u16());
                    span.record("latency_ms", latency.as_millis() as u64);
                    tracing::info!("served");
                }),
        )
        .with_state(state)
}

/// An unknown address: the API's clients get a problem, people the page.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        api::problem::Problem::not_found().into_response()
    } else {
        layout::not_found().await.into_response()
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar!("select 1 as \"one!\"").fetch_one(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::error!(error = ?err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
pub async fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    auth::password::warm_up();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
