//! The database keeps each company's rows to themselves: a child row that names a parent
//! of another company is refused, whatever statement wrote it.

use sqlx::PgPool;
use uuid::Uuid;

use crate::fixtures;

/// PostgreSQL's `foreign_key_violation`.
const FOREIGN_KEY_VIOLATION: &str = "23503";

async fn company(pool: &PgPool, name: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query("insert into companies (id, name) values ($1, $2)").bind(id).bind(name).execute(pool).await.unwrap();
    id
}

#[sqlx::test]
async fn every_key_between_company_rows_includes_the_company(pool: PgPool) {
    // Foreign keys from a company-scoped table to another company-scoped table that do
    // not carry company_id: each could link two companies' rows.
    let unscoped: Vec<String> = sqlx::query_scalar(
        "select format('%s -> %s (%s)', c.conrelid::regclass, c.confrelid::regclass, pg_get_constraintdef(c.oid))
           from pg_constraint c
          where c.contype = 'f'
            and exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attname = 'company_id')
            and exists (select 1 from pg_attribute a where a.attrelid = c.confrelid and a.attname = 'company_id')
            and c.confrelid <> 'companies'::regclass
            and not exists (
                select 1 from pg_attribute a
                 where a.attrelid = c.conrelid and a.attname = 'company_id' and a.attnum = any (c.conkey))
          order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // Tasks may belong to no company, and their rows are read only by claimed work.
    let unscoped: Vec<_> = unscoped.into_iter().filter(|key| !key.starts_with("evaluations -> tasks")).collect();
    assert!(unscoped.is_empty(), "keys that do not include company_id: {unscoped:#?}");
}

#[sqlx::test]
async fn an_application_for_another_companys_candidate_is_refused(pool: PgPool) {
    let ours = company(&pool, "Acme").await;
    let theirs = company(&pool, "Globex").await;
    let job = fixtures::job(&pool, ours, "Engineer").await;
    let their_candidate = fixtures::candidate(&pool, theirs, "Grace Hopper", "grace@example.com").await;

    let refused =
        sqlx::query("insert into applications (id, company_id, candidate_id, job_id) values ($1, $2, $3, $4)")
            .bind(Uuid::new_v4())
            .bind(ours)
            .bind(their_candidate)
            .bind(job)
            .execute(&pool)
            .await
            .expect_err("an application linked another company's candidate");
    let code = refused.as_database_error().and_then(|e| e.code()).map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some(FOREIGN_KEY_VIOLATION), "{refused}");
    assert_eq!(sqlx::query_scalar::<_, i64>("select count(*) from applications").fetch_one(&pool).await.unwrap(), 0);
}

#[sqlx::test]
async fn an_interview_sent_for_another_companys_job_is_refused(pool: PgPool) {
    let ours = company(&pool, "Acme").await;
    let theirs = company(&pool, "Globex").await;
    let sendable = fixtures::sendable(&pool, ours).await;
    let their_job = fixtures::job(&pool, theirs, "Engineer").await;
    let application = Uuid::new_v4();
    sqlx::query("insert into applications (id, company_id, candidate_id, job_id) values ($1, $2, $3, $4)")
        .bind(application)
        .bind(ours)
        .bind(sendable.candidate_id)
        .bind(sendable.job_id)
        .execute(&pool)
        .await
        .unwrap();

    let refused = sqlx::query(
        "insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id, link_nonce,
                                 idempotency_key, expires_at)
         values ($1, $2, $3, $4, $5, $6, '\\x00', gen_random_uuid(), now() + interval '7 days')",
    )
    .bind(Uuid::new_v4())
    .bind(ours)
    .bind(application)
    .bind(sendable.candidate_id)
    .bind(their_job)
    .bind(sendable.version_id)
    .execute(&pool)
    .await
    .expect_err("an interview linked another company's job");
    let code = refused.as_database_error().and_then(|e| e.code()).map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some(FOREIGN_KEY_VIOLATION), "{refused}");
}
