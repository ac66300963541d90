//! The Interviews list (as filtered) and a job's interviews as a CSV file, streamed row by
//! row from the database so a large export never sits in memory. Every cell goes through
//! [`neutralise`], so a spreadsheet shows what a candidate typed instead of running it.

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, header},
    response::Response,
};
use futures_util::{StreamExt, TryStreamExt};
use rules::spreadsheet::neutralise;
use sqlx::PgPool;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use tokio::sync::mpsc;

use super::{model::InterviewStatus, store::ListFilter};
use crate::evaluation::model::{Decision, StoredRecommendation};
use crate::ids::{ApplicationId, CompanyId, JobId, UserId};

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

/// Rows encoded into one chunk of the response.
const ROWS_PER_CHUNK: usize = 200;

struct ExportRow {
    candidate_name: String,
    candidate_email: String,
    job_title: String,
    status: InterviewStatus,
    created_at: OffsetDateTime,
    completed_at: Option<OffsetDateTime>,
    expires_at: OffsetDateTime,
    evaluation_score: Option<i32>,
    evaluation_recommendation: Option<StoredRecommendation>,
    team_rating: Option<f64>,
    decision: Option<Decision>,
    /// Blind review hides the scores and ratings from the viewer until they rated every answer.
    rate_first: bool,
}

impl ExportRow {
    fn cells(&self) -> [String; 11] {
        let date = |at: OffsetDateTime| at.format(&Rfc3339).unwrap_or_default();
        let hidden = self.rate_first;
        [
            self.candidate_name.clone(),
            self.candidate_email.clone(),
            self.job_title.clone(),
            self.status.label().to_owned(),
            date(self.created_at),
            self.completed_at.map(date).unwrap_or_default(),
            date(self.expires_at),
            self.evaluation_score.filter(|_| !hidden).map(|s| s.to_string()).unwrap_or_default(),
            self.evaluation_recommendation.filter(|_| !hidden).map(|r| r.0.label().to_owned()).unwrap_or_default(),
            self.team_rating.filter(|_| !hidden).map(|r| format!("{r:.1}")).unwrap_or_default(),
            self.decision.map(|d| d.label().to_owned()).unwrap_or_default(),
        ]
    }
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
    let mut rows = rows(pool, company_id, filter).chunks(ROWS_PER_CHUNK);
    while let Some(batch) = rows.next().await {
        let cells = batch.into_iter().map(|row| row.map(|row| row.cells())).collect::<sqlx::Result<Vec<_>>>()?;
        if chunks.send(Ok(encode(&cells)?)).await.is_err() {
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

/// The list's query (same filters and order), every row rather than a page.
fn rows<'a>(
    pool: &'a PgPool,
    company_id: CompanyId,
    filter: &'a ListFilter,
) -> impl futures_util::Stream<Item = sqlx::Result<ExportRow>> + 'a {
    sqlx::query_as!(
        ExportRow,
        r#"select c.name as candidate_name, c.email::text as "candidate_email!", j.title as job_title,
                  i.status as "status: _", i.created_at, i.completed_at, i.expires_at,
                  done.overall_score as "evaluation_score?", done.recommendation as "evaluation_recommendation?: _",
                  i.team_rating, d.decision as "decision?: _",
                  (co.blind_review and ($9 or exists(
                     select 1 from interview_reviewers r where r.interview_id = i.id and r.user_id = $8))
                   and (select count(*) from answer_reviews v join answers a on a.id = v.answer_id
                        where a.interview_id = i.id and v.user_id = $8)
                     < (select count(*) from answers a where a.interview_id = i.id)) as "rate_first!"
           from interviews i
           join companies co on co.id = i.company_id
           join candidates c on c.id = i.candidate_id
           join jobs j on j.id = i.job_id
           left join interview_decisions d on d.interview_id = i.id and d.company_id = i.company_id
           left join lateral (
             select e.overall_score, e.recommendation from evaluations e
             where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done'
             order by e.created_at desc, e.id desc limit 1) done on true
           where i.company_id = $1
             and ($2::interview_status is null or i.status = $2)
             and ($3::uuid is null or i.job_id = $3)
             and ($4::text is null or c.name ilike $4 or c.email::text ilike $4)
             and ($5::int4 is null or done.overall_score >= $5)
             and ($7::uuid is null or i.application_id = $7)
             and (not $10 or (i.status = 'completed'
                  and exists(select 1 from interview_reviewers r where r.interview_id = i.id and r.user_id = $8)
                  and exists(select 1 from evaluations e
                             where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done')
                  and (select count(*) from answer_reviews v join answers a on a.id = v.answer_id
                       where a.interview_id = i.id and v.user_id = $8)
                    < (select count(*) from answers a where a.interview_id = i.id)))
           order by case when $6::text = 'score' then done.overall_score end desc nulls last,
                    case when $6::text = 'score_asc' then done.overall_score end asc nulls last,
                    case when $6::text = 'rating' then i.team_rating end desc nulls last,
                    case when $6::text = 'rating_asc' then i.team_rating end asc nulls last,
                    i.created_at desc, i.id desc"#,
        company_id as CompanyId,
        filter.status as Option<InterviewStatus>,
        filter.job_id as Option<JobId>,
        filter.candidate.as_deref().map(crate::db::like_pattern),
        filter.min_score,
        filter.sort,
        filter.application_id as Option<ApplicationId>,
        filter.viewer.user_id as UserId,
        filter.viewer.is_reviewer,
        filter.waiting_for_my_review,
    )
    .fetch(pool)
    .map_err(Into::into)
}

/// The file name of an export made now: `interviews-2026-12-06.csv`.
pub fn file_name(prefix: &str) -> String {
    let today = OffsetDateTime::now_utc().date();
    format!("{prefix}-{today}.csv")
}
