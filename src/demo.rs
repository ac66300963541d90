//! `hifinity demo`: a demo company to explore the portal with, and
//! `hifinity demo --candidates N` for benchmarks.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::{self, password};

pub const EMAIL: &str = "demo@hifinity.test";
pub const PASSWORD: &str = "hifinity-demo-2026";

/// Candidates in a fresh demo company.
pub const DEMO_CANDIDATES: i64 = 50;

/// Seeds the demo company; with `if_empty`, does nothing when the demo account exists.
pub async fn seed(pool: &PgPool, if_empty: bool) -> anyhow::Result<()> {
    if exists(pool).await? {
        if !if_empty {
            anyhow::bail!("the demo account {EMAIL} already exists");
        }
    } else {
        let company_id = create_company(pool).await?;
        seed_candidates(pool, company_id, DEMO_CANDIDATES).await.context("seeding demo candidates")?;
    }
    println!("Demo account: sign in with {EMAIL} / {PASSWORD} (or create your own company at /sign-up).");
    Ok(())
}

async fn create_company(pool: &PgPool) -> anyhow::Result<Uuid> {
    let hash = password::hash(PASSWORD.into()).await?;
    let (company_id, _) = auth::create_company_with_owner(pool, "Northwind Labs", "Dana Demo", EMAIL, &hash)
        .await
        .map_err(|_| anyhow::anyhow!("could not create the demo account"))
        .context("seeding the demo company")?;
    Ok(company_id)
}

/// `--candidates N`: adds N candidates to the demo company (created when missing), with
/// statuses spread over New, Invited, Active and Completed so that the status filter has
/// something to filter. Benchmark data: those statuses have no interviews behind them.
pub async fn seed_benchmark(pool: &PgPool, count: i64) -> anyhow::Result<Uuid> {
    let company_id = match demo_company(pool).await? {
        Some(id) => id,
        None => create_company(pool).await?,
    };
    let started = std::time::Instant::now();
    let added = seed_candidates(pool, company_id, count).await?;
    spread_statuses(pool, company_id).await?;
    println!("Added {added} candidates to the demo company in {:.1}s.", started.elapsed().as_secs_f64());
    println!("Demo account: sign in with {EMAIL} / {PASSWORD}.");
    Ok(company_id)
}

pub async fn demo_company(pool: &PgPool) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select company_id from users where email = $1::text::citext", EMAIL)
        .fetch_optional(pool)
        .await
}

const FIRST_NAMES: &[&str] = &[
    "Ava", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sofia", "Lucas", "Amara", "Ethan", "Chloé", "Hiroshi",
    "Priya", "Arjun", "Fatima", "Omar", "Ingrid", "Lars", "Mei", "Wei", "Zanele", "Kofi", "Isabella", "Diego",
    "Hannah", "Jonas", "Aisha", "Yusuf", "Grace", "Samuel", "Nadia", "Ivan", "Elena", "Marco", "Léa", "Hugo",
    "Sara", "Tomás", "Maya", "Daniel", "Camille", "Jakub", "Aoife", "Ciarán", "Leila", "Reza", "Chen", "Yuki",
    "Ana", "Pedro", "Zoe", "Finn", "Nia", "Malik", "Ruth", "Felix", "Signe", "Emil", "Rosa", "Andrés",
];

const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "García", "Martínez", "Nguyen", "Kim", "Patel", "Singh", "Okafor", "Mensah", "Müller",
    "Schmidt", "Rossi", "Bianchi", "Dubois", "Lefèvre", "Kowalski", "Nowak", "Andersson", "Johansson",
    "Tanaka", "Sato", "Wang", "Li", "Chen", "Haddad", "Hussein", "O'Brien", "Murphy", "Silva", "Santos",
    "Costa", "Ivanova", "Petrov", "Novak", "Horvat", "Jensen", "Hansen", "Larsen", "Cohen", "Levi",
    "Fernández", "López", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Abebe", "Mwangi", "Ndlovu",
    "Reyes", "Cruz", "Yilmaz", "Demir", "Kaya", "Ahmed", "Rahman", "Das", "Iyer",
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
/// notes, added over the last 18 months) in a few bulk statements, then applications
/// for about 50 of them to the company's open jobs, if it has any. Returns how many
/// candidates were added.
pub async fn seed_candidates(pool: &PgPool, company_id: Uuid, count: i64) -> anyhow::Result<i64> {
    let first_names: Vec<String> = FIRST_NAMES.iter().map(|s| s.to_string()).collect();
    let last_names: Vec<String> = LAST_NAMES.iter().map(|s| s.to_string()).collect();
    let domains: Vec<String> = DOMAINS.iter().map(|s| s.to_string()).collect();
    let notes: Vec<String> = NOTES.iter().map(|s| s.to_string()).collect();
    // Numbers continue after the company's existing candidates, so emails stay unique
    // when seeding twice.
    let first = sqlx::query_scalar!(r#"select count(*) as "n!" from candidates where company_id = $1"#, company_id)
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
                          now() - make_interval(secs => ((n * 7919) % 47000000)::float8) - interval '5 days' as added_at
               ) person
               on conflict do nothing"#,
            company_id,
            &first_names,
            &last_names,
            &domains,
            &notes,
            start,
            end,
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
async fn seed_applications(pool: &PgPool, company_id: Uuid) -> anyhow::Result<()> {
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
                  (array['applied', 'applied', 'screening', 'interviewing', 'offer', 'hired', 'rejected'])[1 + picked.n % 7],
                  picked.created_at + interval '1 day', picked.created_at + interval '2 days'
           from picked join open_jobs on open_jobs.n = picked.n % open_jobs.total
           on conflict do nothing"#,
        company_id,
    )
    .execute(pool)
    .await
    .context("inserting demo applications")?;
    Ok(())
}

/// Benchmark only: about 40% New, 25% Invited, 15% Active, 20% Completed.
async fn spread_statuses(pool: &PgPool, company_id: Uuid) -> anyhow::Result<()> {
    sqlx::query!(
        r#"update candidates set status = case
               when bucket < 40 then 'new' when bucket < 65 then 'invited'
               when bucket < 80 then 'active' else 'completed' end
           from (select id as candidate_id, abs(hashtext(id::text)) % 100 as bucket
                 from candidates where company_id = $1 and status = 'new') spread
           where candidates.id = spread.candidate_id and bucket >= 40"#,
        company_id,
    )
    .execute(pool)
    .await
    .context("spreading benchmark statuses")?;
    Ok(())
}

pub async fn exists(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"select exists(select 1 from users where email = $1::text::citext) as "exists!""#, EMAIL)
        .fetch_one(pool)
        .await
}
