//! The Interviews list (as filtered) and a job's interviews as a CSV file, streamed a chunk
//! at a time from the database so a large export never sits in memory. Every cell goes through
//! [`neutralise`], so a spreadsheet shows what a candidate typed instead of running it.

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, header},
    response::Response,
};
use futures_util::TryStreamExt;
use rules::spreadsheet::neutralise;
use sqlx::PgPool;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use tokio::sync::mpsc;

use super::store::{self, InterviewRow, ListFilter};
use crate::ids::{CompanyId, InterviewId};

const HEADER: [&str; 11] = [
    "Candidate",
    "Email",
    "Job",
    "Status",
    "Sent (UTC)",
    "Completed (UTC)",
    "Deadline (UTC)",
    "Evaluation score",
    "Recommendation",
    "Team rating",
    "Decision",
];

/// Rows read and encoded into one chunk of the response.
const ROWS_PER_CHUNK: usize = 500;

/// A row's cells, in the order of [`HEADER`].
fn cells(row: &InterviewRow) -> [String; 11] {
    let date = |at: OffsetDateTime| at.format(&Rfc3339).unwrap_or_default();
    // Blind review hides the scores and ratings from the viewer until they rated every answer.
    let shown = !row.rate_first;
    [
        row.candidate_name.clone(),
        row.candidate_email.clone(),
        row.job_title.clone(),
        row.status.label().to_owned(),
        date(row.created_at),
        row.completed_at.map(date).unwrap_or_default(),
        date(row.expires_at),
        row.evaluation_score.filter(|_| shown).map(|s| s.to_string()).unwrap_or_default(),
        row.evaluation_recommendation.filter(|_| shown).map(|r| r.0.label().to_owned()).unwrap_or_default(),
        row.team_rating.filter(|_| shown).map(|r| format!("{r:.1}")).unwrap_or_default(),
        row.decision.map(|d| d.label().to_owned()).unwrap_or_default(),
    ]
}

/// The interviews `filter` selects, in the list's order, as a streamed CSV download named `file_name`.
pub fn csv_response(pool: PgPool, company_id: CompanyId, filter: ListFilter, file_name: &str) -> Response {
    let (chunks, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        if let Err(err) = write_rows(&pool, company_id, &filter, &chunks).await {
            tracing::error!(error = ?err, "the CSV export stopped");
            // The client sees a broken download rather than a file that looks complete.
            let _ = chunks.send(Err(std::io::Error::other("the export stopped"))).await;
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Writes the header then the rows, a chunk at a time; stops quietly when the client has gone.
/// One read-only transaction at one snapshot reads the selected ids once (ids alone, so
/// 100,000 of them take 1.6 MB) and then the rows a chunk at a time: an interview sent
/// meanwhile is neither in the file twice nor half in it.
async fn write_rows(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    chunks: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let header = encode(&[HEADER.map(str::to_owned)])?;
    if chunks.send(Ok(header)).await.is_err() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    sqlx::query!("set transaction isolation level repeatable read, read only").execute(&mut *tx).await?;
    let ids: Vec<InterviewId> =
        store::select(&mut *tx, company_id, filter, None, 0).map_ok(|selected| selected.id).try_collect().await?;
    for chunk in ids.chunks(ROWS_PER_CHUNK) {
        let rows = store::rows(&mut *tx, company_id, chunk, filter.viewer).await?;
        if chunks.send(Ok(encode(&rows.iter().map(cells).collect::<Vec<_>>())?)).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// CSV lines of `records`, every cell neutralised.
fn encode<const N: usize>(records: &[[String; N]]) -> anyhow::Result<Bytes> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer.write_record(record.iter().map(|cell| neutralise(cell).into_owned()))?;
    }
    Ok(Bytes::from(writer.into_inner().map_err(|err| anyhow::anyhow!("writing CSV: {err}"))?))
}

/// The file name of an export made now: `interviews-2026-12-06.csv`.
pub fn file_name(prefix: &str) -> String {
    let today = OffsetDateTime::now_utc().date();
    format!("{prefix}-{today}.csv")
}
