//! Demo and benchmark data only, for `hifinity demo`; the portal never calls it. It writes
//! interviews without their transitions, so it lives here beside the one owner of the
//! `interviews` table: a demo interview moved back in time after its life was played
//! through the transitions, and interviews written in bulk with a made-up history.

use crate::ids::{CompanyId, InterviewId, UserId};
use sqlx::PgPool;

/// Moves an interview's whole history (its times, timeline, emails, answers and
/// evaluation runs) `days` into the past, so that a demo spreads over weeks.
pub async fn backdate(pool: &PgPool, company_id: CompanyId, id: InterviewId, days: f64) -> sqlx::Result<()> {
    // One statement: the interview and everything hanging on it move together.
    sqlx::query!(
        "with interview as (
           update interviews set
           created_at = created_at - make_interval(secs => $3), updated_at = updated_at - make_interval(secs => $3),
           last_invited_at = last_invited_at - make_interval(secs => $3),
           expires_at = expires_at - make_interval(secs => $3),
           email_sent_at = email_sent_at - make_interval(secs => $3),
           email_opened_at = email_opened_at - make_interval(secs => $3),
           link_opened_at = link_opened_at - make_interval(secs => $3),
           consented_at = consented_at - make_interval(secs => $3),
           human_review_requested_at = human_review_requested_at - make_interval(secs => $3),
           started_at = started_at - make_interval(secs => $3),
           completed_at = completed_at - make_interval(secs => $3)
         where company_id = $1 and id = $2),
         events as (
           update interview_events set created_at = created_at - make_interval(secs => $3)
           where company_id = $1 and interview_id = $2),
         sent as (
           update emails set created_at = created_at - make_interval(secs => $3),
                             sent_at = sent_at - make_interval(secs => $3),
                             opened_at = opened_at - make_interval(secs => $3)
           where company_id = $1 and interview_id = $2),
         answered as (
           update answers set created_at = created_at - make_interval(secs => $3)
           where company_id = $1 and interview_id = $2)
         update evaluations set created_at = created_at - make_interval(secs => $3),
                                started_at = started_at - make_interval(secs => $3),
                                finished_at = finished_at - make_interval(secs => $3)
         where company_id = $1 and interview_id = $2",
        company_id as CompanyId,
        id as InterviewId,
        days * 86_400.0,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Interviews written per statement.
const BATCH: i64 = 10_000;

/// Sends up to `count` interviews, one to each of the company's candidates who has none,
/// round-robin over its published templates, spread over the last `days` days, with a
/// funnel like a real one: about 72 % open the email, 55 % the link, 45 % start, 35 %
/// complete (a few of them asking for a person's review), and the rest expire, are
/// cancelled or are still open. Started interviews that stopped hold answers up to the
/// question where they stopped; completed ones get a finished evaluation (a score and a
/// recommendation) but no answers, and nobody has a timeline. Each has its invitation email,
/// sent to the mailbox. Returns how many were written.
pub async fn funnel(pool: &PgPool, company_id: CompanyId, sent_by: UserId, count: i64, days: i32) -> sqlx::Result<i64> {
    let mut written = 0;
    while written < count {
        let batch = BATCH.min(count - written);
        let inserted = sqlx::query!(
            r#"with versions as (
                   select t.job_id, t.published_version_id as version_id,
                          row_number() over (order by t.created_at, t.id) - 1 as n, count(*) over () as total
                   from interview_templates t
                   where t.company_id = $1 and t.published_version_id is not null
               ),
               fresh as (
                   select c.id, row_number() over (order by c.created_at, c.id) - 1 as n
                   from candidates c
                   where c.company_id = $1 and c.archived_at is null
                     and not exists (select 1 from interviews i where i.company_id = $1 and i.candidate_id = c.id)
                   order by c.created_at, c.id
                   limit $2
               ),
               picked as materialized (
                   select fresh.id as candidate_id, v.job_id, v.version_id, random() as stage, random() as pace,
                          now() - make_interval(secs => random() * $4 * 86400) as sent_at
                   from fresh join versions v on v.n = fresh.n % v.total
               ),
               timed as (
                   -- How long the candidate took from the invitation to their last step,
                   -- never past now.
                   select picked.*, least(make_interval(secs => 2400 + pace * pace * 432000), (now() - sent_at) * 0.95) as took
                   from picked
               ),
               apps as (
                   insert into applications (id, company_id, candidate_id, job_id, stage, created_at, updated_at)
                   select gen_random_uuid(), $1, candidate_id, job_id, 'interviewing', sent_at, sent_at from picked
                   on conflict (candidate_id, job_id) do update set updated_at = excluded.updated_at
                   returning id, candidate_id, job_id
               ),
               seeded as (
                   insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id,
                       status, link_nonce, idempotency_key, sent_by, expires_at, email_sent_at, email_opened_at,
                       link_opened_at, consented_at, consent_notice_version, started_at, completed_at,
                       human_review_requested_at, reminders_sent, last_invited_at, created_at, updated_at)
                   select gen_random_uuid(), $1, apps.id, t.candidate_id, t.job_id, t.version_id,
                          case when t.stage < 0.35 then 'completed'::interview_status
                               when t.stage < 0.45 and t.pace < 0.25 then 'cancelled'
                               when t.sent_at + interval '14 days' < now() then 'expired'
                               when t.stage < 0.45 then 'in_progress'
                               when t.pace > 0.97 then 'cancelled'
                               else 'pending' end,
                          decode(md5(random()::text), 'hex'), gen_random_uuid(), $3, t.sent_at + interval '14 days',
                          t.sent_at + interval '30 seconds',
                          case when t.stage < 0.72 then t.sent_at + t.took * 0.6 end,
                          case when t.stage < 0.55 then t.sent_at + t.took * 0.7 end,
                          case when t.stage < 0.45 then t.sent_at + t.took * 0.72 end,
                          case when t.stage < 0.45 then 'seeded' end,
                          case when t.stage < 0.45 then t.sent_at + t.took * 0.75 end,
                          case when t.stage < 0.35 then t.sent_at + t.took end,
                          case when t.stage < 0.02 then t.sent_at + t.took * 0.72 end,
                          case when t.stage >= 0.45 then (t.pace > 0.5)::int + (t.pace > 0.8)::int
                               else (t.pace > 0.85)::int end,
                          t.sent_at, t.sent_at, t.sent_at + t.took
                   from timed t join apps on apps.candidate_id = t.candidate_id and apps.job_id = t.job_id
                   returning id, candidate_id, created_at, email_sent_at, email_opened_at
               )
               -- Each interview's invitation, as sending leaves it: sent (to the mailbox),
               -- and opened when the interview says so. One per interview, so the count
               -- written is the interviews'.
               insert into emails (id, company_id, interview_id, kind, to_address, status, transport, attempts,
                                   next_attempt_at, pixel_id, sent_at, opened_at, created_at)
               select gen_random_uuid(), $1, s.id, 'invitation', c.email::text, 'sent', 'mailbox', 1,
                      s.created_at, gen_random_uuid(), s.email_sent_at, s.email_opened_at, s.created_at
               from seeded s join candidates c on c.id = s.candidate_id"#,
            company_id as CompanyId,
            batch,
            sent_by as UserId,
            f64::from(days),
        )
        .execute(pool)
        .await?
        .rows_affected() as i64;
        if inserted == 0 {
            break;
        }
        written += inserted;
        // The next batch looks for candidates without an interview: planned on tables
        // whose statistics still say they are empty, it would read every interview of
        // the company for each candidate (autovacuum may be off or not yet round).
        sqlx::query("analyze candidates, interviews").execute(pool).await?;
    }
    sqlx::query!(
        r#"insert into evaluations (id, company_id, interview_id, status, provider, method_version, overall_score,
                                   recommendation, summary, created_at, started_at, finished_at)
           select gen_random_uuid(), i.company_id, i.id, 'done', 'rubric', 'seeded', score,
                  case when score >= 80 then 'strong_yes'::recommendation when score >= 65 then 'yes'
                       when score >= 45 then 'maybe' else 'no' end,
                  'Seeded evaluation.', i.completed_at, i.completed_at, i.completed_at + interval '2 minutes'
           from interviews i cross join lateral (select 20 + abs(hashtext(i.id::text)) % 80 as score) s
           where i.company_id = $1 and i.status = 'completed' and i.human_review_requested_at is null
             and not exists (select 1 from evaluations e where e.company_id = i.company_id and e.interview_id = i.id)"#,
        company_id as CompanyId,
    )
    .execute(pool)
    .await?;
    // Answers up to a question picked per interview, so that "where candidates stop" has
    // something to show; a video answer points at no recording.
    sqlx::query!(
        r#"insert into answers (id, interview_id, company_id, question_id, answer_kind, text_answer, media_key,
                                media_type, media_bytes, created_at)
           select gen_random_uuid(), i.id, i.company_id, q.id, q.answer_kind,
                  case when q.answer_kind = 'text' then 'Seeded answer.' end,
                  case when q.answer_kind = 'video' then 'seeded/no-recording.webm' end,
                  case when q.answer_kind = 'video' then 'video/webm' end,
                  case when q.answer_kind = 'video' then 0 end,
                  i.started_at
           from interviews i
           cross join lateral (
               select id, answer_kind, row_number() over (order by position) - 1 as place, count(*) over () as questions
               from version_questions where version_id = i.template_version_id
           ) q
           where i.company_id = $1 and i.started_at is not null and i.completed_at is null
             and q.place < abs(hashtext(i.id::text)) % q.questions
             and not exists (select 1 from answers a where a.interview_id = i.id)"#,
        company_id as CompanyId,
    )
    .execute(pool)
    .await?;
    Ok(written)
}
