//! Rows a test needs before it can send an interview, inserted directly so that these
//! tests depend only on the schema.

use sqlx::PgPool;
use uuid::Uuid;

pub struct Sendable {
    pub company_id: Uuid,
    pub job_id: Uuid,
    pub version_id: Uuid,
    pub candidate_id: Uuid,
}

pub async fn job(pool: &PgPool, company_id: Uuid, title: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query("insert into jobs (id, company_id, title) values ($1, $2, $3)")
        .bind(id)
        .bind(company_id)
        .bind(title)
        .execute(pool)
        .await
        .unwrap();
    id
}

/// A published template (version 1) of `job_id` with video and text questions.
pub async fn published_template(pool: &PgPool, company_id: Uuid, job_id: Uuid, name: &str) -> (Uuid, Uuid) {
    published_template_timed(pool, company_id, job_id, name, 30, 120).await
}

/// Like [`published_template`] (two video questions, then a text one), with every
/// question's thinking and answer time in seconds.
pub async fn published_template_timed(
    pool: &PgPool,
    company_id: Uuid,
    job_id: Uuid,
    name: &str,
    thinking_seconds: i32,
    answer_seconds: i32,
) -> (Uuid, Uuid) {
    let template_id = Uuid::new_v4();
    let version_id = Uuid::new_v4();
    sqlx::query(
        "insert into interview_templates (id, company_id, job_id, name, difficulty, focus_area, duration_minutes, intro)
         values ($1, $2, $3, $4, 'medium', 'System design', 20, 'Take your time and think aloud.')",
    )
    .bind(template_id)
    .bind(company_id)
    .bind(job_id)
    .bind(name)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into template_versions (id, template_id, company_id, number, name, difficulty, focus_area, duration_minutes, intro, retakes)
         values ($1, $2, $3, 1, $4, 'medium', 'System design', 20, 'Take your time and think aloud.', 0)",
    )
    .bind(version_id)
    .bind(template_id)
    .bind(company_id)
    .bind(name)
    .execute(pool)
    .await
    .unwrap();
    let questions = [
        (
            "Tell us about a system you designed and the trade-offs you made.",
            "video",
            vec!["trade-offs", "scalability"],
        ),
        ("How would you find the cause of a slow database query?", "video", vec!["explain plan", "indexes"]),
        ("Describe how you review a colleague's code.", "text", vec!["kindness", "correctness"]),
    ];
    for (position, (prompt, kind, points)) in questions.iter().enumerate() {
        let points: Vec<String> = points.iter().map(|p| p.to_string()).collect();
        sqlx::query(
            "insert into version_questions (id, version_id, position, prompt, answer_kind, thinking_seconds, answer_seconds, key_points)
             values ($1, $2, $3, $4, $5::answer_kind, $6, $7, $8)",
        )
        .bind(Uuid::new_v4())
        .bind(version_id)
        .bind(position as i32)
        .bind(prompt)
        .bind(kind)
        .bind(thinking_seconds)
        .bind(answer_seconds)
        .bind(&points)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("update interview_templates set status = 'published', published_version_id = $1 where id = $2")
        .bind(version_id)
        .bind(template_id)
        .execute(pool)
        .await
        .unwrap();
    (template_id, version_id)
}

pub async fn candidate(pool: &PgPool, company_id: Uuid, name: &str, email: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query("insert into candidates (id, company_id, name, email) values ($1, $2, $3, $4)")
        .bind(id)
        .bind(company_id)
        .bind(name)
        .bind(email)
        .execute(pool)
        .await
        .unwrap();
    id
}

pub async fn sendable(pool: &PgPool, company_id: Uuid) -> Sendable {
    let job_id = job(pool, company_id, "Senior Backend Engineer").await;
    let (_, version_id) = published_template(pool, company_id, job_id, "Backend screen").await;
    let candidate_id = candidate(pool, company_id, "Ada Lovelace", "ada@example.com").await;
    Sendable { company_id, job_id, version_id, candidate_id }
}

/// What an operator does for a new company that needs to send more than the first
/// week's daily cap (`hifinity demo --email-cap` for the demo company): sets its own cap.
pub async fn raise_email_cap(pool: &PgPool, company_id: Uuid, cap: i32) {
    sqlx::query("update companies set daily_email_cap = $2 where id = $1")
        .bind(company_id)
        .bind(cap)
        .execute(pool)
        .await
        .unwrap();
}
