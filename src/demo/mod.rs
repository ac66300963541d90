//! `hifinity demo`: a demo company to explore the portal with, its interviews through
//! their whole life, and `hifinity demo --candidates N` / `--interviews N` for benchmarks.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use crate::ids::{AnswerId, CandidateId, CompanyId, InterviewId, JobId, QuestionId, TemplateId, UserId};
use crate::{
    auth::{self, password},
    interview_templates::{
        self,
        model::{AnswerKind, Difficulty, QuestionFields, TemplateFields},
    },
    interviews::lifecycle,
    jobs::{
        self,
        model::{JobFields, JobStatus},
    },
    storage::{self, MediaStore},
};

pub const EMAIL: &str = "demo@hifinity.test";
pub const PASSWORD: &str = "hifinity-demo-2026";
/// The demo team's reviewer, who signs in with the same password.
pub const REVIEWER_EMAIL: &str = "riley@hifinity.test";

/// The demo template answered in writing, which the demo's candidates take.
const WRITTEN_SCREENING: &str = "Written screening";

/// Candidates in a fresh demo company.
pub const DEMO_CANDIDATES: i64 = 50;

/// The recording every recorded demo answer plays: a test pattern with a tone, made by
/// `scripts/demo-recording`.
const RECORDING: &[u8] = include_bytes!("answer.webm");

/// Seeds the demo company; with `if_empty`, does nothing when the demo account exists.
/// Its recorded answers are written to `media`.
pub async fn seed(pool: &PgPool, media: &MediaStore, if_empty: bool) -> anyhow::Result<()> {
    if exists(pool).await? {
        if !if_empty {
            anyhow::bail!("the demo account {EMAIL} already exists");
        }
    } else {
        let company_id = create_company(pool).await?;
        seed_jobs_and_templates(pool, company_id).await.context("seeding the demo jobs and templates")?;
        seed_candidates(pool, company_id, DEMO_CANDIDATES).await.context("seeding demo candidates")?;
        seed_interviews(pool, media, company_id).await.context("seeding demo interviews")?;
    }
    println!("Demo account: sign in with {EMAIL} / {PASSWORD} (or create your own company at /sign-up).");
    Ok(())
}

async fn create_company(pool: &PgPool) -> anyhow::Result<CompanyId> {
    let hash = password::hash(PASSWORD.into()).await?;
    let mut tx = pool.begin().await?;
    // The demo account is verified so that the README's first steps sign straight in.
    let (company_id, _) =
        auth::create_company_with_owner(&mut tx, "Northwind Labs", "Dana Demo", EMAIL, &hash, auth::Verified::Yes)
            .await
            .map_err(|_| anyhow::anyhow!("could not create the demo account"))
            .context("seeding the demo company")?;
    tx.commit().await?;
    Ok(company_id)
}

/// `--candidates N`: adds N candidates to the demo company (created when missing), with
/// statuses spread over New, Invited, Active and Completed so that the status filter has
/// something to filter. Benchmark data: those statuses have no interviews behind them.
pub async fn seed_benchmark(pool: &PgPool, count: i64) -> anyhow::Result<CompanyId> {
    let company_id = match demo_company(pool).await? {
        Some(id) => id,
        None => create_company(pool).await?,
    };
    let started = std::time::Instant::now();
    let added = seed_candidates(pool, company_id, count).await?;
    spread_statuses(pool, company_id).await?;
    refresh_statistics(pool).await?;
    println!("Added {added} candidates to the demo company in {:.1}s.", started.elapsed().as_secs_f64());
    println!("Demo account: sign in with {EMAIL} / {PASSWORD}.");
    Ok(company_id)
}

/// Days the `--interviews` seeding spreads its invitations over: more than the
/// Dashboard's longest preset, so that a 90-day view has a full cohort.
const FUNNEL_DAYS: i32 = 120;

/// `--interviews N`: N more interviews in the demo company (created with its whole demo
/// when missing), each to a new candidate, with a realistic funnel over the last
/// [`FUNNEL_DAYS`] days; written in bulk, for the Dashboard's benchmark.
pub async fn seed_funnel(pool: &PgPool, media: &MediaStore, count: i64) -> anyhow::Result<CompanyId> {
    if !exists(pool).await? {
        seed(pool, media, false).await?;
    }
    let company_id = demo_company(pool).await?.context("the demo company does not exist")?;
    let started = std::time::Instant::now();
    seed_candidates(pool, company_id, count).await?;
    let owner = owner(pool, company_id).await?;
    let written = lifecycle::seed::funnel(pool, company_id, owner, count, FUNNEL_DAYS)
        .await
        .context("writing the seeded interviews")?;
    // Their candidates' status follows their interview, as the lifecycle keeps it.
    sqlx::query!(
        "update candidates c set status = case i.status when 'pending' then 'invited'::candidate_status
                                                         when 'in_progress' then 'active' else 'completed' end
         from interviews i
         where c.company_id = $1 and c.status = 'new' and i.company_id = c.company_id and i.candidate_id = c.id
           and i.status in ('pending', 'in_progress', 'completed')",
        company_id as CompanyId,
    )
    .execute(pool)
    .await
    .context("updating the seeded candidates' status")?;
    refresh_statistics(pool).await?;
    println!("Added {written} interviews to the demo company in {:.1}s.", started.elapsed().as_secs_f64());
    println!("Demo account: sign in with {EMAIL} / {PASSWORD}.");
    Ok(company_id)
}

pub async fn demo_company(pool: &PgPool) -> sqlx::Result<Option<CompanyId>> {
    sqlx::query_scalar!(
        r#"select company_id as "company_id: CompanyId" from users where email = $1::text::citext"#,
        EMAIL
    )
    .fetch_optional(pool)
    .await
}

/// `--email-cap N`: the demo company's own cap on candidate emails a day, replacing the
/// server's cap for companies in their first week.
pub async fn raise_email_cap(pool: &PgPool, cap: i32) -> anyhow::Result<()> {
    let company_id = demo_company(pool).await?.context("the demo company does not exist")?;
    sqlx::query!("update companies set daily_email_cap = $2 where id = $1", company_id as CompanyId, cap)
        .execute(pool)
        .await?;
    println!("The demo company may queue {cap} candidate emails a day.");
    Ok(())
}

const FIRST_NAMES: &[&str] = &[
    "Ava", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sofia", "Lucas", "Amara", "Ethan", "Chloé", "Hiroshi", "Priya",
    "Arjun", "Fatima", "Omar", "Ingrid", "Lars", "Mei", "Wei", "Zanele", "Kofi", "Isabella", "Diego", "Hannah",
    "Jonas", "Aisha", "Yusuf", "Grace", "Samuel", "Nadia", "Ivan", "Elena", "Marco", "Léa", "Hugo", "Sara", "Tomás",
    "Maya", "Daniel", "Camille", "Jakub", "Aoife", "Ciarán", "Leila", "Reza", "Chen", "Yuki", "Ana", "Pedro", "Zoe",
    "Finn", "Nia", "Malik", "Ruth", "Felix", "Signe", "Emil", "Rosa", "Andrés",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "García",
    "Martínez",
    "Nguyen",
    "Kim",
    "Patel",
    "Singh",
    "Okafor",
    "Mensah",
    "Müller",
    "Schmidt",
    "Rossi",
    "Bianchi",
    "Dubois",
    "Lefèvre",
    "Kowalski",
    "Nowak",
    "Andersson",
    "Johansson",
    "Tanaka",
    "Sato",
    "Wang",
    "Li",
    "Chen",
    "Haddad",
    "Hussein",
    "O'Brien",
    "Murphy",
    "Silva",
    "Santos",
    "Costa",
    "Ivanova",
    "Petrov",
    "Novak",
    "Horvat",
    "Jensen",
    "Hansen",
    "Larsen",
    "Cohen",
    "Levi",
    "Fernández",
    "López",
    "Brown",
    "Taylor",
    "Wilson",
    "Clarke",
    "Walker",
    "Abebe",
    "Mwangi",
    "Ndlovu",
    "Reyes",
    "Cruz",
    "Yilmaz",
    "Demir",
    "Kaya",
    "Ahmed",
    "Rahman",
    "Das",
    "Iyer",
];

const DOMAINS: &[&str] = &["example.com", "example.org", "mail.example.net", "inbox.example.com", "post.example.org"];

const NOTES: &[&str] = &[
    "Referred by a teammate.",
    "Met at the spring career fair; strong portfolio.",
    "Prefers interviews after 2 pm.",
    "Open to relocation.",
    "Available from next month.",
];

/// Rows per insert: big enough to be fast, small enough to keep each statement short.
const BATCH: i64 = 10_000;

/// Inserts `count` realistic candidates (varied names, unique emails, some phones and
/// notes, added over the last 18 months, oldest first as the app writes them, so that
/// the table is in the order candidates were added) in a few bulk statements, then applications
/// for about 50 of them to the company's open jobs, if it has any. Returns how many
/// candidates were added.
pub async fn seed_candidates(pool: &PgPool, company_id: CompanyId, count: i64) -> anyhow::Result<i64> {
    let first_names: Vec<String> = FIRST_NAMES.iter().map(|s| s.to_string()).collect();
    let last_names: Vec<String> = LAST_NAMES.iter().map(|s| s.to_string()).collect();
    let domains: Vec<String> = DOMAINS.iter().map(|s| s.to_string()).collect();
    let notes: Vec<String> = NOTES.iter().map(|s| s.to_string()).collect();
    // Numbers continue after the company's existing candidates, so emails stay unique
    // when seeding twice.
    let first = sqlx::query_scalar!(
        r#"select count(*) as "n!" from candidates where company_id = $1"#,
        company_id as CompanyId
    )
    .fetch_one(pool)
    .await?;
    let mut added = 0;
    let mut start = first;
    while start < first + count {
        let end = (start + BATCH).min(first + count) - 1;
        // The multipliers are coprime with the list lengths, so names vary row to row.
        let inserted = sqlx::query!(
            r#"insert into candidates (id, company_id, name, email, phone, notes, created_at, last_activity_at)
               select gen_random_uuid(), $1, person.first_name || ' ' || person.last_name,
                      (regexp_replace(translate(lower(person.first_name || '.' || person.last_name),
                          'áàäâãåéèëêíìïîóòöôõøúùüûçñ', 'aaaaaaeeeeiiiioooooouuuucn'), '[^a-z.]', '', 'g')
                        || n || '@' || ($4::text[])[1 + n % cardinality($4::text[])])::citext,
                      case when n % 3 = 0 then '+1 555 ' || lpad((n % 10000)::text, 4, '0') end,
                      case when n % 7 = 0 then ($5::text[])[1 + n % cardinality($5::text[])] end,
                      person.added_at, person.added_at + make_interval(days => (n % 5)::int)
               from generate_series($6::int8, $7::int8) as n
               cross join lateral (
                   select ($2::text[])[1 + (n * 7) % cardinality($2::text[])] as first_name,
                          ($3::text[])[1 + (n * 11 + n / 60) % cardinality($3::text[])] as last_name,
                          now() - interval '5 days' - make_interval(secs => ($8::int8 - n) * 47000000.0 / $9::int8) as added_at
               ) person
               on conflict do nothing"#,
            company_id as CompanyId,
            &first_names,
            &last_names,
            &domains,
            &notes,
            start,
            end,
            first + count,
            count,
        )
        .execute(pool)
        .await
        .context("inserting candidates")?;
        added += inserted.rows_affected() as i64;
        start = end + 1;
    }
    seed_applications(pool, company_id).await?;
    Ok(added)
}

/// Puts about 50 of the newest candidates without an application on the company's open
/// jobs, round-robin, at varied stages. Nothing happens without open jobs.
async fn seed_applications(pool: &PgPool, company_id: CompanyId) -> anyhow::Result<()> {
    sqlx::query!(
        r#"with open_jobs as (
               select id, row_number() over (order by created_at, id) - 1 as n, count(*) over () as total
               from jobs where company_id = $1 and status = 'open'
           ),
           picked as (
               select c.id, c.created_at, row_number() over (order by c.created_at desc, c.id) - 1 as n
               from candidates c
               where c.company_id = $1 and c.archived_at is null
                 and not exists (select 1 from applications a where a.candidate_id = c.id)
               order by c.created_at desc, c.id
               limit 50
           )
           insert into applications (id, company_id, candidate_id, job_id, stage, created_at, updated_at)
           select gen_random_uuid(), $1, picked.id, open_jobs.id,
                  (array['applied', 'applied', 'screening', 'interviewing', 'offer', 'hired', 'rejected']::application_stage[])
                    [1 + picked.n % 7],
                  picked.created_at + interval '1 day', picked.created_at + interval '2 days'
           from picked join open_jobs on open_jobs.n = picked.n % open_jobs.total
           on conflict do nothing"#,
        company_id as CompanyId,
    )
    .execute(pool)
    .await
    .context("inserting demo applications")?;
    Ok(())
}

/// Gives the planner the bulk-written tables' sizes, as autovacuum's analyze would within
/// a minute; their dead rows and visibility are left for vacuum, so a benchmark run right
/// after seeding sees the pages as they are before autovacuum has run.
async fn refresh_statistics(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query("analyze candidates, candidate_counts, interviews")
        .execute(pool)
        .await
        .context("analyzing the seeded tables")?;
    Ok(())
}

/// Benchmark only: about 40% New, 25% Invited, 15% Active, 20% Completed.
async fn spread_statuses(pool: &PgPool, company_id: CompanyId) -> anyhow::Result<()> {
    sqlx::query!(
        r#"update candidates set status = case
               when bucket < 40 then 'new'::candidate_status when bucket < 65 then 'invited'
               when bucket < 80 then 'active' else 'completed' end
           from (select id as candidate_id, abs(hashtext(id::text)) % 100 as bucket
                 from candidates where company_id = $1 and status = 'new') spread
           where candidates.id = spread.candidate_id and bucket >= 40"#,
        company_id as CompanyId,
    )
    .execute(pool)
    .await
    .context("spreading benchmark statuses")?;
    Ok(())
}

/// A demo interview's life, played through the same transitions as the portal's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Life {
    /// Sent; the candidate has not opened the email yet.
    Sent,
    EmailOpened,
    LinkOpened,
    /// Started, with this many questions answered.
    InProgress(usize),
    /// Every question answered and evaluated by the built-in rubric; rated by the team when true.
    Completed {
        rated: bool,
    },
    /// The recorded interview, every answer the demo's recording, rated by the team. With
    /// no transcription service the rubric scores none of them, and the page says so.
    CompletedOnVideo,
    /// Completed with a person's review instead of AI, at the candidate's request.
    PersonReview,
    /// Never completed by its deadline, after answering this many questions (0: never started).
    Expired(usize),
    /// Cancelled by the recruiter after this many answers (0: never started).
    Cancelled(usize),
}

/// Each demo interview's life, and how many days ago it was sent: spread over four weeks
/// so that the Dashboard has a funnel and completions on several days.
const LIVES: &[(Life, f64)] = &[
    (Life::Completed { rated: true }, 26.0),
    (Life::Expired(1), 25.0),
    (Life::Expired(0), 24.0),
    (Life::Completed { rated: false }, 22.5),
    (Life::Cancelled(2), 21.0),
    (Life::Expired(1), 19.0),
    (Life::Completed { rated: true }, 17.0),
    (Life::PersonReview, 15.0),
    (Life::Expired(0), 16.0),
    (Life::Completed { rated: true }, 12.0),
    (Life::Cancelled(0), 11.0),
    (Life::Completed { rated: false }, 9.0),
    (Life::EmailOpened, 8.0),
    (Life::CompletedOnVideo, 6.0),
    (Life::LinkOpened, 5.0),
    (Life::InProgress(1), 4.0),
    (Life::Completed { rated: false }, 3.0),
    (Life::Sent, 2.0),
    (Life::InProgress(2), 1.5),
    (Life::EmailOpened, 1.0),
    (Life::Sent, 0.2),
];

/// Typed answers that cover most of the written screening's key points, so the built-in
/// rubric has something to score without a transcription service.
const ANSWERS: &[&str] = &[
    "First I listen for the real reason: I call them quickly, review their usage data and account history \
     before the call, and then propose a concrete plan with owners and dates. If product or sales can help I \
     involve them, and if it is not a fit I let go gracefully.",
    "I agree on success criteria with the customer up front, follow a structured onboarding plan with \
     milestones, train the key users and find a champion, then track adoption and follow up every week.",
    "I'm sorry: yesterday's outage delayed your invitations by several hours. All of them have now been \
     sent and nothing was lost. We have added monitoring so that a stuck queue alerts us at once. If any \
     candidate missed a deadline, reply and I will extend it for you today.",
];

/// The demo's interviews through their whole life (see [`LIVES`]), each played through
/// the lifecycle's transitions as the candidate and the recruiter would, then moved back
/// to the day it was sent. Completed ones are rated by the owner and a reviewer; their
/// evaluations are queued and run by the workers (`hifinity serve` does at once).
async fn seed_interviews(pool: &PgPool, media: &MediaStore, company_id: CompanyId) -> anyhow::Result<()> {
    let templates = interview_templates::store::sendable_templates(pool, company_id).await?;
    let (Some(written), Some(recorded)) = (
        templates.iter().find(|t| t.name == WRITTEN_SCREENING),
        templates.iter().find(|t| t.name != WRITTEN_SCREENING),
    ) else {
        return Ok(());
    };
    let owner = owner(pool, company_id).await?;
    let reviewer = add_reviewer(pool, company_id).await?;
    let questions_of = |version_id| async move {
        interview_templates::store::version_with_questions(pool, company_id, version_id)
            .await?
            .context("the demo template's questions")
            .map(|version| version.questions)
    };
    let (written_questions, recorded_questions) =
        (questions_of(written.version_id).await?, questions_of(recorded.version_id).await?);
    let candidates = sqlx::query_scalar!(
        r#"select id as "id: CandidateId" from candidates where company_id = $1 order by created_at desc limit $2"#,
        company_id as CompanyId,
        LIVES.len() as i64,
    )
    .fetch_all(pool)
    .await?;
    for (&(life, days_ago), candidate_id) in LIVES.iter().zip(candidates) {
        // Those who answer take the written screening; the others were sent a recorded one.
        let (template, questions) = match life {
            Life::Sent | Life::EmailOpened | Life::LinkOpened | Life::CompletedOnVideo => {
                (recorded, &recorded_questions)
            }
            _ => (written, &written_questions),
        };
        let request = lifecycle::SendRequest {
            company_id,
            user_id: owner,
            candidate_id,
            job_id: template.job_id,
            version_id: template.version_id,
            idempotency_key: Uuid::new_v4(),
            link_valid_days: 14,
            // The operator's own seeding, not a new company's sending.
            email_cap: lifecycle::EmailCap(None),
        };
        let id = lifecycle::send(pool, &request).await?.interview_id;
        if life != Life::Sent {
            lifecycle::email_opened(&mut *pool.acquire().await?, company_id, id).await?;
        }
        let answered = match life {
            Life::Sent | Life::EmailOpened | Life::LinkOpened | Life::Expired(0) | Life::Cancelled(0) => None,
            Life::InProgress(n) | Life::Expired(n) | Life::Cancelled(n) => Some(n),
            Life::Completed { .. } | Life::CompletedOnVideo | Life::PersonReview => Some(questions.len()),
        };
        if !matches!(life, Life::Sent | Life::EmailOpened) {
            lifecycle::link_opened(pool, company_id, id).await?;
        }
        if let Some(answered) = answered {
            // A documentation address (RFC 5737): the demo's candidates are nobody.
            lifecycle::consent(pool, company_id, id, "demo", [192, 0, 2, 1].into()).await?;
            if life == Life::PersonReview {
                lifecycle::request_human_review(pool, company_id, id).await?;
            }
            lifecycle::start(pool, company_id, id).await?;
            for (question, text) in questions.iter().zip(ANSWERS.iter().cycle()).take(answered) {
                lifecycle::show_question(pool, company_id, id, question.id, false).await?;
                let key = format!("{}/{}-demo.webm", storage::interview_folder(id.uuid()), question.id);
                let content = match question.answer_kind {
                    AnswerKind::Text => lifecycle::AnswerContent::Text(text),
                    AnswerKind::Video => {
                        let mut upload = media.begin(&key).await?;
                        upload.write(RECORDING).await?;
                        upload.finish().await?;
                        lifecycle::AnswerContent::Video {
                            key: &key,
                            media_type: "video/webm",
                            bytes: RECORDING.len() as i64,
                        }
                    }
                };
                let now = time::OffsetDateTime::now_utc();
                lifecycle::answer(pool, company_id, id, question.id, content, now, std::time::Duration::ZERO).await?;
            }
        }
        match life {
            Life::Completed { rated } => {
                lifecycle::complete(pool, company_id, id).await?;
                crate::reviews::store::assign(pool, company_id, owner, id, reviewer, None).await?;
                if rated {
                    rate(pool, company_id, id, &[(owner, 4), (reviewer, 3)]).await?;
                }
            }
            Life::CompletedOnVideo => {
                lifecycle::complete(pool, company_id, id).await?;
                crate::reviews::store::assign(pool, company_id, owner, id, reviewer, None).await?;
                rate(pool, company_id, id, &[(owner, 4), (reviewer, 4)]).await?;
            }
            Life::PersonReview => lifecycle::complete(pool, company_id, id).await?,
            Life::Cancelled(_) => lifecycle::cancel(pool, company_id, id, owner).await?,
            _ => {}
        }
        lifecycle::seed::backdate(pool, company_id, id, days_ago).await?;
    }
    // Those sent more than two weeks ago and never completed are past their deadline.
    lifecycle::expire_overdue(pool).await?;
    Ok(())
}

/// A reviewer on the demo team, who rates the completed interviews beside the owner.
async fn add_reviewer(pool: &PgPool, company_id: CompanyId) -> anyhow::Result<UserId> {
    let hash = password::hash(PASSWORD.into()).await?;
    let id = sqlx::query_scalar!(
        r#"insert into users (id, company_id, name, email, password_hash, role, email_verified_at)
           values ($1, $2, 'Riley Reviewer', $3, $4, 'reviewer', now()) returning id as "id: UserId""#,
        UserId::generate() as UserId,
        company_id as CompanyId,
        REVIEWER_EMAIL,
        hash,
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// The demo company's owner: its first member.
async fn owner(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<UserId> {
    sqlx::query_scalar!(
        r#"select id as "id: UserId" from users where company_id = $1 order by created_at limit 1"#,
        company_id as CompanyId
    )
    .fetch_one(pool)
    .await
}

/// Each rater's rating of every answer of the interview, with the answer's position
/// nudging it so that the ratings differ per answer.
async fn rate(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    raters: &[(UserId, i32)],
) -> anyhow::Result<()> {
    let answers = sqlx::query_scalar!(
        r#"select a.id as "id: AnswerId" from answers a join version_questions q on q.id = a.question_id
         where a.company_id = $1 and a.interview_id = $2 order by q.position"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await?;
    for &(user_id, base) in raters {
        for (n, answer_id) in answers.iter().enumerate() {
            let rating = (base + n as i32 % 2).clamp(1, 5);
            crate::evaluation::store::save_answer_review(
                pool,
                company_id,
                interview_id,
                *answer_id,
                user_id,
                rating,
                None,
            )
            .await?;
        }
    }
    Ok(())
}

pub async fn exists(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"select exists(select 1 from users where email = $1::text::citext) as "exists!""#, EMAIL)
        .fetch_one(pool)
        .await
}

struct DemoJob {
    title: &'static str,
    department: &'static str,
    location: &'static str,
    description: &'static str,
    open: bool,
    templates: &'static [DemoTemplate],
}

struct DemoTemplate {
    name: &'static str,
    difficulty: Difficulty,
    focus_area: &'static str,
    duration_minutes: i32,
    intro: &'static str,
    publish: bool,
    questions: &'static [DemoQuestion],
}

struct DemoQuestion {
    prompt: &'static str,
    answer_kind: AnswerKind,
    thinking_seconds: i32,
    answer_seconds: i32,
    key_points: &'static [&'static str],
}

const fn q(
    prompt: &'static str,
    answer_kind: AnswerKind,
    thinking_seconds: i32,
    answer_seconds: i32,
    key_points: &'static [&'static str],
) -> DemoQuestion {
    DemoQuestion { prompt, answer_kind, thinking_seconds, answer_seconds, key_points }
}

use AnswerKind::{Text, Video};

const DEMO_JOBS: &[DemoJob] = &[
    DemoJob {
        title: "Senior Backend Engineer",
        department: "Engineering",
        location: "Berlin or remote (EU)",
        description: "Design, build and run the services behind our hiring platform: APIs, background \
            workers and the PostgreSQL schema. You own features from design to production.",
        open: true,
        templates: &[
            DemoTemplate {
                name: "Backend engineering interview",
                difficulty: Difficulty::Hard,
                focus_area: "System design and reliability",
                duration_minutes: 30,
                intro: "Thanks for applying to Northwind Labs! This interview has four questions about how \
                    you design and run backend systems. There are no trick questions: talk us through your \
                    thinking as you would with a colleague.",
                publish: true,
                questions: &[
                    q(
                        "Walk us through a backend service you designed and own. What were the main trade-offs?",
                        Video,
                        30,
                        180,
                        &[
                            "Describes the problem and its constraints clearly",
                            "Names concrete trade-offs (consistency vs availability, latency vs cost, build vs buy)",
                            "Explains how the design was validated: load tests, metrics, incidents",
                            "Reflects on what they would do differently now",
                        ],
                    ),
                    q(
                        "After a deploy, an endpoint's p99 latency tripled while the average looks normal. How do you investigate?",
                        Video,
                        45,
                        180,
                        &[
                            "Checks what changed in the deploy and keeps rollback as an option",
                            "Uses percentiles and traces to find the slow path rather than averages",
                            "Considers query plans, lock contention, N+1 queries and pool exhaustion",
                            "Confirms the fix with metrics and adds an alert or test so it cannot return silently",
                        ],
                    ),
                    q(
                        "How would you make an endpoint that sends an email safe to retry, so a double click never sends two?",
                        Text,
                        60,
                        600,
                        &[
                            "An idempotency key stored under a unique constraint",
                            "A replayed request returns the original result",
                            "The email is queued in the same transaction as the data (outbox)",
                            "Handles concurrent duplicates, not only sequential ones",
                        ],
                    ),
                    q(
                        "Tell us about a time you disagreed with a technical decision. What did you do?",
                        Video,
                        30,
                        120,
                        &[
                            "Raised the concern with evidence rather than opinion",
                            "Listened to and understood the other side",
                            "Disagreed and committed, or escalated appropriately",
                            "Shares the outcome and what they learned",
                        ],
                    ),
                ],
            },
            DemoTemplate {
                name: "Take-home debrief",
                difficulty: Difficulty::Medium,
                focus_area: "Code review and testing",
                duration_minutes: 15,
                intro: "A short follow-up on your take-home exercise.",
                publish: false,
                questions: &[
                    q(
                        "Which part of your take-home solution would you review most carefully, and why?",
                        Video,
                        30,
                        120,
                        &[
                            "Identifies the riskiest part honestly",
                            "Explains the failure modes they worried about",
                            "Suggests tests that would catch them",
                        ],
                    ),
                    q(
                        "What would you change before running this code in production?",
                        Text,
                        30,
                        300,
                        &[
                            "Error handling and input validation",
                            "Observability: logs and metrics",
                            "Configuration and secrets",
                        ],
                    ),
                ],
            },
        ],
    },
    DemoJob {
        title: "Product Designer",
        department: "Design",
        location: "London (hybrid)",
        description: "Shape how recruiters and candidates experience Hifinity, from research to polished, \
            accessible interfaces.",
        open: true,
        templates: &[DemoTemplate {
            name: "Product design interview",
            difficulty: Difficulty::Medium,
            focus_area: "Design process and collaboration",
            duration_minutes: 25,
            intro: "Hello! These four questions are about how you work as a product designer. Use examples \
                from your own projects wherever you can.",
            publish: true,
            questions: &[
                q(
                    "Pick a product you designed end to end. How did you get from the problem to the shipped solution?",
                    Video,
                    30,
                    180,
                    &[
                        "Frames the user problem and the business goal",
                        "Describes the research used: interviews, data, usability tests",
                        "Shows iteration: options explored and why one was chosen",
                        "Measured the impact after launch",
                    ],
                ),
                q(
                    "Engineering says your design can't ship on time. How do you decide what to cut?",
                    Video,
                    30,
                    120,
                    &[
                        "Separates the core user value from nice-to-haves",
                        "Works with engineers on cheaper alternatives",
                        "Keeps accessibility and quality non-negotiable",
                        "Plans the follow-up iterations",
                    ],
                ),
                q(
                    "How do you make sure a design is accessible?",
                    Text,
                    30,
                    300,
                    &[
                        "Contrast of at least 4.5:1 and never colour alone to carry meaning",
                        "Keyboard navigation and visible focus",
                        "Labels, semantic structure and screen-reader testing",
                        "Accessibility is part of every review, not an afterthought",
                    ],
                ),
                q(
                    "Describe feedback on your work that was hard to hear. What did you do with it?",
                    Video,
                    20,
                    120,
                    &[
                        "Gives a specific example",
                        "Separates ego from the work",
                        "Changed the design or the process as a result",
                        "Seeks critique as a habit",
                    ],
                ),
            ],
        }],
    },
    DemoJob {
        title: "Customer Success Manager",
        department: "Customer Success",
        location: "Remote (US time zones)",
        description: "Help our customers hire well with Hifinity: onboarding, adoption and renewals for a \
            portfolio of mid-sized companies.",
        open: true,
        templates: &[
            DemoTemplate {
                name: WRITTEN_SCREENING,
                difficulty: Difficulty::Easy,
                focus_area: "Customer empathy, in writing",
                duration_minutes: 20,
                intro: "Three short written questions: take your time and answer as you would write to a customer.",
                publish: true,
                questions: &[
                    q(
                        "A long-time customer writes that they will cancel at renewal next month. What do you do in the first week?",
                        Text,
                        30,
                        600,
                        &[
                            "Reaches out quickly and listens for the real reason",
                            "Reviews usage data and account history before the call",
                            "Proposes a concrete plan with owners and dates",
                        ],
                    ),
                    q(
                        "How do you onboard a new customer so that they see value quickly?",
                        Text,
                        30,
                        600,
                        &[
                            "Agrees on success criteria with the customer up front",
                            "Follows a structured plan with milestones",
                            "Tracks adoption and follows up",
                        ],
                    ),
                    q(
                        "Write a short reply to a customer whose interview invitations were delayed by our outage yesterday.",
                        Text,
                        60,
                        600,
                        &[
                            "Acknowledges the problem and apologises without excuses",
                            "Says what is being done to prevent it",
                            "Offers concrete help or a next step",
                        ],
                    ),
                ],
            },
            DemoTemplate {
                name: "Customer success interview",
                difficulty: Difficulty::Easy,
                focus_area: "Customer empathy and retention",
                duration_minutes: 20,
                intro: "Welcome, and thank you for your time. Three questions follow; the last one is answered in \
                writing.",
                publish: true,
                questions: &[
                    q(
                        "A long-time customer writes that they will cancel at renewal next month. What do you do in the first week?",
                        Video,
                        30,
                        180,
                        &[
                            "Reaches out quickly and listens for the real reason",
                            "Reviews usage data and account history before the call",
                            "Proposes a concrete plan with owners and dates",
                            "Involves product or sales when needed, and knows when to let go gracefully",
                        ],
                    ),
                    q(
                        "How do you onboard a new customer so that they see value quickly?",
                        Video,
                        30,
                        150,
                        &[
                            "Agrees on success criteria with the customer up front",
                            "Follows a structured plan with milestones",
                            "Trains key users and finds a champion",
                            "Tracks adoption and follows up",
                        ],
                    ),
                    q(
                        "Write a short reply to a customer whose interview invitations were delayed by our outage yesterday.",
                        Text,
                        60,
                        600,
                        &[
                            "Acknowledges the problem and apologises without excuses",
                            "Explains what happened and the current status in plain language",
                            "Says what is being done to prevent it",
                            "Offers concrete help or a next step",
                        ],
                    ),
                ],
            },
        ],
    },
    DemoJob {
        title: "Data Analyst",
        department: "Analytics",
        location: "Berlin",
        description: "Filled in March. Turn hiring data into decisions for our customers and our own teams.",
        open: false,
        templates: &[DemoTemplate {
            name: "Analytics interview",
            difficulty: Difficulty::Medium,
            focus_area: "SQL and experimentation",
            duration_minutes: 20,
            intro: "Three questions about analysis and experiments.",
            publish: true,
            questions: &[
                q(
                    "How would you find out whether a new onboarding email increased activation?",
                    Video,
                    30,
                    180,
                    &[
                        "Defines activation precisely",
                        "Proposes a randomised experiment or a sound comparison group",
                        "Considers sample size and duration",
                        "Watches for confounders and novelty effects",
                    ],
                ),
                q(
                    "Explain the difference between a LEFT JOIN and an INNER JOIN, and a bug you have seen from mixing them up.",
                    Text,
                    30,
                    300,
                    &[
                        "LEFT JOIN keeps unmatched rows of the left table, with nulls",
                        "INNER JOIN keeps only matching rows",
                        "A WHERE condition on the right table turns a left join into an inner join",
                        "A concrete example of lost or duplicated rows",
                    ],
                ),
                q(
                    "Tell us about an analysis that changed a decision.",
                    Video,
                    30,
                    150,
                    &[
                        "States the business question",
                        "Explains the method and the data",
                        "Communicated the result clearly to stakeholders",
                        "Describes the outcome",
                    ],
                ),
            ],
        }],
    },
];

/// Demo jobs with their interview templates, created and published through the same
/// store functions as the portal: three open jobs, each with a published template, one
/// draft template, and a closed job.
pub async fn seed_jobs_and_templates(pool: &PgPool, company_id: CompanyId) -> anyhow::Result<()> {
    for demo_job in DEMO_JOBS {
        let job_id = JobId::generate();
        let fields = JobFields {
            title: demo_job.title.into(),
            department: Some(demo_job.department.into()),
            location: Some(demo_job.location.into()),
            description: Some(demo_job.description.into()),
        };
        jobs::store::create(pool, company_id, job_id, &fields).await?;
        for demo in demo_job.templates {
            let template_id = TemplateId::generate();
            let fields = TemplateFields {
                name: demo.name.into(),
                difficulty: demo.difficulty,
                focus_area: Some(demo.focus_area.into()),
                duration_minutes: demo.duration_minutes,
                intro: Some(demo.intro.into()),
                retakes: 0,
                practice_prompt: None,
            };
            interview_templates::store::create(pool, company_id, template_id, job_id, &fields).await?;
            for question in demo.questions {
                let fields = QuestionFields {
                    prompt: question.prompt.into(),
                    answer_kind: question.answer_kind,
                    thinking_seconds: question.thinking_seconds,
                    answer_seconds: question.answer_seconds,
                    key_points: question.key_points.iter().map(|p| (*p).to_owned()).collect(),
                };
                interview_templates::store::add_question(
                    pool,
                    company_id,
                    template_id,
                    QuestionId::generate(),
                    &fields,
                )
                .await
                .map_err(|err| anyhow::anyhow!("adding a demo question: {err:?}"))?;
            }
            if demo.publish {
                interview_templates::store::publish(pool, company_id, template_id)
                    .await
                    .map_err(|err| anyhow::anyhow!("publishing a demo template: {err:?}"))?;
            }
        }
        if !demo_job.open {
            jobs::store::set_status(pool, company_id, job_id, JobStatus::Closed).await?;
        }
    }
    Ok(())
}
