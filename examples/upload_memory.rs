//! Measures the server's memory while a candidate uploads one large video answer.
//!
//! Run by `scripts/bench-upload`, which starts the server. This creates a company, a
//! started interview with one video question (in the database at DATABASE_URL), builds
//! its link with SECRET_KEY, streams a synthetic WebM of UPLOAD_MB megabytes to it
//! without holding it in memory, and reports the server's resident memory (VmRSS) before
//! and its peak (VmHWM) after, read from /proc/<SERVER_PID>/status.

use std::{env, time::Instant};

use futures_util::stream;
use hifinity::{domain::SecretKey, interviews::link};
use uuid::Uuid;

fn memory_kib(pid: &str, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
        .expect("a memory figure")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let pool = sqlx::PgPool::connect(&env::var("DATABASE_URL")?).await?;
    let key = SecretKey::parse(&env::var("SECRET_KEY")?)?;
    let base = env::var("BASE")?;
    let pid = env::var("SERVER_PID")?;
    let megabytes: usize = env::var("UPLOAD_MB").unwrap_or_else(|_| "300".into()).parse()?;

    let (company, job, template, version, question, candidate, application, interview) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let nonce = link::new_nonce();
    let mut tx = pool.begin().await?;
    for (sql, ids) in [
        ("insert into companies (id, name) values ($1, 'Upload Bench')", vec![company]),
        ("insert into jobs (id, company_id, title) values ($1, $2, 'Engineer')", vec![job, company]),
        (
            "insert into interview_templates (id, company_id, job_id, name, difficulty, duration_minutes) values ($1, $2, $3, 'Screen', 'easy', 10)",
            vec![template, company, job],
        ),
        (
            "insert into template_versions (id, template_id, company_id, number, name, difficulty, duration_minutes, retakes) values ($1, $2, $3, 1, 'Screen', 'easy', 10, 0)",
            vec![version, template, company],
        ),
        (
            "insert into version_questions (id, version_id, position, prompt, answer_kind, thinking_seconds, answer_seconds, key_points) values ($1, $2, 0, 'Tell us about yourself.', 'video', 10, 600, '{}')",
            vec![question, version],
        ),
        (
            "insert into candidates (id, company_id, name, email) values ($1, $2, 'Bench Candidate', 'bench@example.com')",
            vec![candidate, company],
        ),
        (
            "insert into applications (id, company_id, candidate_id, job_id) values ($1, $2, $3, $4)",
            vec![application, company, candidate, job],
        ),
    ] {
        let mut query = sqlx::query(sql);
        for id in ids {
            query = query.bind(id);
        }
        query.execute(&mut *tx).await?;
    }
    sqlx::query(
        "insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id, status,
                                 link_nonce, idempotency_key, expires_at, started_at)
         values ($1, $2, $3, $4, $5, $6, 'in_progress', $7, $1, now() + interval '1 day', now())",
    )
    .bind(interview)
    .bind(company)
    .bind(application)
    .bind(candidate)
    .bind(job)
    .bind(version)
    .bind(&nonce)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    let url = format!("{base}/i/{}/answers/{question}", link::token(&key, interview, &nonce));
    // 1 MiB chunks, generated as they are sent: the client holds one at a time.
    let chunk = bytes::Bytes::from(vec![0x42u8; 1024 * 1024]);
    let header = bytes::Bytes::from_static(&[0x1A, 0x45, 0xDF, 0xA3]);
    let body =
        stream::iter(std::iter::once(header).chain(std::iter::repeat_n(chunk, megabytes)).map(Ok::<_, std::io::Error>));

    let before = memory_kib(&pid, "VmRSS:");
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "video/webm")
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await?;
    let elapsed = started.elapsed().as_secs_f64();
    let status = response.status();
    let peak = memory_kib(&pid, "VmHWM:");
    let stored: i64 = sqlx::query_scalar("select media_bytes from answers where interview_id = $1")
        .bind(interview)
        .fetch_one(&pool)
        .await?;
    println!(
        "upload: {megabytes} MiB in {elapsed:.1} s ({:.0} MiB/s), answer {status}, stored {} MiB",
        megabytes as f64 / elapsed,
        stored / (1024 * 1024)
    );
    println!(
        "server memory: {:.1} MiB before, peak {:.1} MiB, growth {:.1} MiB",
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
        (peak.saturating_sub(before)) as f64 / 1024.0
    );
    Ok(())
}
