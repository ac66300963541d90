//! The yardstick for `scripts/bench-candidates`: the least a list page can do. One
//! statement for the newest 25 current candidates of the company with the most (through
//! the same index as the Candidates page), rendered with askama, with no session, layout
//! or count, on the app's own pool. The script serves it beside the app and reports the
//! Candidates page's requests per second as a share of this page's, measured in the
//! same run.
//!
//! DATABASE_URL=… cargo run --release --example bare_page -- 127.0.0.1:3101

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::Html, routing::get};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    email: String,
    status: String,
    last_activity_at: OffsetDateTime,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html><html lang="en"><head><title>Candidates</title></head><body><table>
{% for row in rows %}<tr><td><a href="/candidates/{{ row.id }}">{{ row.name }}</a></td><td>{{ row.email }}</td><td>{{ row.status }}</td><td>{{ row.last_activity_at }}</td></tr>
{% endfor %}</table></body></html>"#
)]
struct Page {
    rows: Vec<Row>,
}

#[derive(Clone)]
struct Bare {
    pool: PgPool,
    company_id: Uuid,
}

async fn page(State(bare): State<Bare>) -> Result<Html<String>, StatusCode> {
    let rows = sqlx::query_as::<_, Row>(
        "select id, name, email::text as email, status::text as status, last_activity_at from candidates
         where company_id = $1 and archived_at is null order by created_at desc, id desc limit 25",
    )
    .bind(bare.company_id)
    .fetch_all(&bare.pool)
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Page { rows }.render().map(Html).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3101".into());
    let database_url = std::env::var("DATABASE_URL")?;
    let pool = hifinity::db::connect(&database_url).await?;
    let company_id = sqlx::query_scalar("select company_id from candidates group by 1 order by count(*) desc limit 1")
        .fetch_one(&pool)
        .await?;
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("bare_page listening on {}", listener.local_addr()?);
    axum::serve(listener, Router::new().route("/", get(page)).with_state(Bare { pool, company_id })).await?;
    Ok(())
}
