//! SQL for candidates. Every statement is scoped by `company_id`.
//!
//! The list uses two static statements rather than one with an optional search: a
//! prepared statement may be planned once for every parameter value (a generic plan),
//! and `($n is null or search_text like $n)` would then never use the trigram index.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

use super::model::{CandidateStatus, NewCandidate, Search, StatusFilter};
use super::word_search;
use crate::ids::{CandidateId, CompanyId};
use crate::{
    interviews::lifecycle::{self, EmailCap},
    pagination::{PER_PAGE, PageNumber},
};

// The current list's statement spells the page size out (see `list`).
const _: () = assert!(PER_PAGE == 25);

pub struct CandidateRow {
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    pub status: CandidateStatus,
    pub last_activity_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A row of the list with how many match in all, which every row of a page carries so
/// that the page and its total take one round trip.
struct Listed {
    id: CandidateId,
    name: String,
    email: String,
    status: CandidateStatus,
    last_activity_at: OffsetDateTime,
    created_at: OffsetDateTime,
    total: i64,
}

impl From<Listed> for CandidateRow {
    fn from(row: Listed) -> Self {
        Self {
            id: row.id,
            name: row.name,
            email: row.email,
            status: row.status,
            last_activity_at: row.last_activity_at,
            created_at: row.created_at,
        }
    }
}

/// How many candidates match: counted, or, for a broad search, estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    pub approximate: bool,
}

/// One page of the Candidates list, newest first, and how many match in all.
pub async fn list(
    pool: &PgPool,
    company_id: CompanyId,
    filter: StatusFilter,
    search: &Search,
    page: PageNumber,
) -> sqlx::Result<(Vec<CandidateRow>, Total)> {
    let archived = filter.archived();
    let status = filter.status();
    let pattern = search.pattern();
    if let Some(pattern) = pattern.as_deref().filter(|_| !archived) {
        // A full name, an address or a number names few people: their matches are
        // collected from an index, unless there turn out to be many.
        if search.looks_specific() {
            let listed = collected(pool, company_id, filter, search, page, FEW_MATCHES).await?;
            if listed.first().is_none_or(|first| first.total < FEW_MATCHES) {
                return counted(pool, company_id, filter, Some(pattern), page, listed).await;
            }
        // Part of one word, without a status filter: from the lists of the words holding it.
        } else if status.is_none()
            && let Some(found) = word_search::search(pool, company_id, search.text(), page).await?
        {
            return Ok(found);
        }
        if let Some(found) = search_newest(pool, company_id, status, search.text(), page).await? {
            return Ok(found);
        }
    }
    let listed = match &pattern {
        None if archived => {
            sqlx::query_as!(
                Listed,
                r#"select id, name, email::text as "email!", status as "status: _", last_activity_at, created_at,
                          (select coalesce(sum(candidates), 0)::int8 from candidate_counts
                           where company_id = $1 and archived) as "total!"
                   from candidates
                   where company_id = $1 and archived_at is not null
                   order by created_at desc, id desc
                   limit $2 offset $3"#,
                company_id as CompanyId,
                page.limit(),
                page.offset(),
            )
            .fetch_all(pool)
            .await?
        }
        // The first page of everyone, the one nearly every visit shows: the newest 25
        // current candidates, read straight from the table in index order, and the
        // total from `candidate_counts`. Half the work of looking their ids up first and
        // the rows by id after, as a filtered page does (25 more primary key descents).
        None if page.offset() == 0 && status.is_none() => {
            sqlx::query_as!(
                Listed,
                r#"select id, name, email::text as "email!", status as "status: _", last_activity_at, created_at,
                          (select coalesce(sum(candidates), 0)::int8 from candidate_counts
                           where company_id = $1 and not archived) as "total!"
                   from candidates
                   where company_id = $1 and archived_at is null
                   order by created_at desc, id desc
                   limit 25"#,
                company_id as CompanyId,
            )
            .fetch_all(pool)
            .await?
        }
        // A filtered page's ids come from an index-only scan of the partial index
        // `candidates_current_created_idx`, which holds the status: only the 25 rows
        // shown are read, not every candidate the filter skips. The limit is a literal so
        // that a generic plan, too, expects 25 rows (and looks them up by id instead of
        // hashing the whole table). The total comes from `candidate_counts`. The first
        // page has a statement without an offset: Postgres prices an offset it cannot see
        // at a tenth of the rows, so with one it never settles on a generic plan and
        // plans the statement every time.
        None if page.offset() == 0 => {
            sqlx::query_as!(
                Listed,
                r#"select c.id, c.name, c.email::text as "email!", c.status as "status: _", c.last_activity_at, c.created_at,
                          (select coalesce(sum(candidates), 0)::int8 from candidate_counts
                           where company_id = $1 and not archived and ($2::candidate_status is null or status = $2)) as "total!"
                   from (
                       select id, created_at from candidates
                       where company_id = $1 and archived_at is null and ($2::candidate_status is null or status = $2)
                       order by created_at desc, id desc
                       limit 25
                   ) shown
                   join candidates c on c.id = shown.id
                   order by shown.created_at desc, shown.id desc"#,
                company_id as CompanyId,
                status as Option<CandidateStatus>,
            )
            .fetch_all(pool)
            .await?
        }
        // A deep page of everyone starts at the day (from `candidate_days`) holding its
        // first row, and skips only that day's newer candidates: page 200 steps over a
        // few hundred index entries instead of 4,975 (each a visit to the table while
        // their pages are not yet marked visible by a vacuum).
        None if status.is_none() => {
            sqlx::query_as!(
                Listed,
                r#"with start as (
                       select day, newer from (
                           select day, candidates,
                                  (sum(candidates) over (order by day desc rows unbounded preceding))::int8 - candidates as newer
                           from candidate_days where company_id = $1
                           order by day desc
                       ) days
                       where newer + candidates > $2::int8
                       limit 1
                   )
                   select c.id, c.name, c.email::text as "email!", c.status as "status: _", c.last_activity_at, c.created_at,
                          (select coalesce(sum(candidates), 0)::int8 from candidate_counts
                           where company_id = $1 and not archived) as "total!"
                   from (
                       select id, created_at from candidates
                       where company_id = $1 and archived_at is null
                         and created_at < (select day from start) + interval '24 hours'
                       order by created_at desc, id desc
                       limit 25 offset $2 - (select newer from start)
                   ) shown
                   join candidates c on c.id = shown.id
                   order by shown.created_at desc, shown.id desc"#,
                company_id as CompanyId,
                page.offset(),
            )
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query_as!(
                Listed,
                r#"select c.id, c.name, c.email::text as "email!", c.status as "status: _", c.last_activity_at, c.created_at,
                          (select coalesce(sum(candidates), 0)::int8 from candidate_counts
                           where company_id = $1 and not archived and ($2::candidate_status is null or status = $2)) as "total!"
                   from (
                       select id, created_at from candidates
                       where company_id = $1 and archived_at is null and ($2::candidate_status is null or status = $2)
                       order by created_at desc, id desc
                       limit 25 offset $3
                   ) shown
                   join candidates c on c.id = shown.id
                   order by shown.created_at desc, shown.id desc"#,
                company_id as CompanyId,
                status as Option<CandidateStatus>,
                page.offset(),
            )
            .fetch_all(pool)
            .await?
        }
        // A rare term, or the archived: every match is collected from an index.
        Some(_) => collected(pool, company_id, filter, search, page, i64::MAX).await?,
    };
    counted(pool, company_id, filter, pattern.as_deref(), page, listed).await
}

/// The page's rows with their exact total, which the rows carry; a page past the end
/// has none to carry it, and counts.
async fn counted(
    pool: &PgPool,
    company_id: CompanyId,
    filter: StatusFilter,
    pattern: Option<&str>,
    page: PageNumber,
    listed: Vec<Listed>,
) -> sqlx::Result<(Vec<CandidateRow>, Total)> {
    let count = match listed.first() {
        Some(first) => first.total,
        None if page.offset() == 0 => 0,
        None => count(pool, company_id, filter, pattern).await?,
    };
    Ok((listed.into_iter().map(CandidateRow::from).collect(), Total { count, approximate: false }))
}

/// Up to this many matches of a specific-looking term are collected from an index
/// before the term is taken for a common one.
const FEW_MATCHES: i64 = 500;

/// A page of the matches collected from an index, at most `cap` of them, each row
/// carrying how many were collected. Every match collected is read anyway to sort them,
/// so that count is nearly free.
///
/// A term whose words meet ("ava smith", an address) is looked up by its word pairs
/// (`word_pairs` in the migrations): one short list, where its trigrams would be those of
/// everyone with either name. A term without one (a single word, or words too short to
/// pair) is looked up by its trigrams, asked for its whole words (`Search::trigram_pattern`).
/// Each branch is gated on the term's pairs, a value known once per statement, so only
/// one of them runs. Either way the matches are then tested against the term itself.
///
/// The term reaches each condition through a subquery, a value no plan can see: every
/// plan then prices the term alike, so the statement settles on a generic plan instead
/// of being planned on every search (0.2 ms). `matches` is materialized and planned on
/// its own, for every row, so that the planner neither walks the newest-first index
/// testing every candidate against the pattern (100 ms at 100,000 candidates) nor scans
/// the table for the first `cap` matches; `capped` then stops reading it early.
async fn collected(
    pool: &PgPool,
    company_id: CompanyId,
    filter: StatusFilter,
    search: &Search,
    page: PageNumber,
    cap: i64,
) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"with term as materialized (select lower($5) as text, word_pairs(lower($5), true) as pairs),
           matches as materialized (
               select id, created_at from candidates
               where (select cardinality(pairs) > 0 from term)
                 and company_id = $1 and (archived_at is not null) = $2 and ($3::candidate_status is null or status = $3)
                 and word_pairs(search_text, false) @> (select pairs from term)
                 and strpos(search_text, (select text from term)) > 0
               union all
               select id, created_at from candidates
               where (select cardinality(pairs) = 0 from term)
                 and company_id = $1 and (archived_at is not null) = $2 and ($3::candidate_status is null or status = $3)
                 and search_text like (select lower($4))
                 and strpos(search_text, (select text from term)) > 0
           ),
           capped as materialized (select id, created_at from matches limit $6)
           select c.id, c.name, c.email::text as "email!", c.status as "status: _", c.last_activity_at, c.created_at,
                  (select count(*) from capped) as "total!"
           from (select id, created_at from capped order by created_at desc, id desc limit 25 offset $7) shown
           join candidates c on c.id = shown.id
           order by shown.created_at desc, shown.id desc"#,
        company_id as CompanyId,
        filter.archived(),
        filter.status() as Option<CandidateStatus>,
        search.trigram_pattern(),
        search.text(),
        cap,
        page.offset(),
    )
    .fetch_all(pool)
    .await
}

/// How many of the newest current candidates a search tests per match its page needs:
/// a term rarer than this is looked up in an index instead.
const WALKED_PER_MATCH: i64 = 80;

/// A row of a search's page found by walking the newest candidates.
struct Walked {
    id: CandidateId,
    name: String,
    email: String,
    status: CandidateStatus,
    last_activity_at: OffsetDateTime,
    created_at: OffsetDateTime,
    /// Where the page's last match stands in the current list (1 for the newest), and
    /// how many current candidates there are.
    position: i64,
    current: i64,
}

/// A search's page from the newest current candidates, tested as they are walked from
/// `candidates_current_created_idx` alone, stopping at the page's last match (or after
/// `walk` candidates) instead of reading and sorting every match: the searches the
/// words' lists cannot answer (a status filter, punctuation, a term inside many words).
/// A common term ("nguyen" with a status filter, 1 in 60 without one) fills its page
/// within the first couple of thousand; its total is
/// then estimated from how far the walk went, assuming matches spread evenly over time,
/// and the page says "about". None when the walk did not fill the page (the term is
/// rare: its matches are collected from an index instead), or when the list is
/// short enough to count exactly.
///
/// How far the walk went is counted afterwards, not while walking: the candidates of
/// the days after the last match's day come from `candidate_days`, only that day's are
/// counted, newest first from the index and never more than were walked (without that
/// limit, Postgres expects a ninth of the table and counts with parallel workers, 15 ms
/// to start them). Numbering every row as it is walked (a window function) cost as much
/// as the walk itself. Every parameter but the company is read through a subquery, a value no
/// plan can see, so that the statement settles on a generic plan rather than being
/// planned on every search (0.2 ms).
async fn search_newest(
    pool: &PgPool,
    company_id: CompanyId,
    status: Option<CandidateStatus>,
    term: &str,
    page: PageNumber,
) -> sqlx::Result<Option<(Vec<CandidateRow>, Total)>> {
    let needed = page.offset() + PER_PAGE;
    let walk = needed * WALKED_PER_MATCH;
    let rows = sqlx::query_as!(
        Walked,
        r#"with shown as (
               select id, created_at from (
                   select id, created_at, status, search_text from candidates
                   where company_id = $1 and archived_at is null
                   order by created_at desc, id desc
                   limit (select $2::int8)
               ) walked
               where strpos(search_text, (select lower($3))) > 0
                 and ((select $4::candidate_status) is null or status = (select $4::candidate_status))
               order by created_at desc, id desc
               limit 25 offset (select $5::int8)
           ),
           last as (
               select created_at, id, date_trunc('day', created_at, 'UTC') as day
               from shown order by created_at, id limit 1
           )
           select c.id, c.name, c.email::text as "email!", c.status as "status: _", c.last_activity_at, c.created_at,
                  (select coalesce(sum(candidates), 0)::int8 from candidate_days
                   where company_id = $1 and day > (select day from last))
                  + (select count(*) from (
                         select from candidates n
                         where n.company_id = $1 and n.archived_at is null
                           and (n.created_at, n.id) >= (select created_at, id from last)
                           and n.created_at < (select day from last) + interval '24 hours'
                         order by n.created_at desc, n.id desc
                         limit (select $2::int8)
                     ) same_day) as "position!",
                  (select coalesce(sum(candidates), 0)::int8 from candidate_counts
                   where company_id = $1 and not archived) as "current!"
           from shown
           join candidates c on c.id = shown.id
           order by shown.created_at desc, shown.id desc"#,
        company_id as CompanyId,
        walk,
        term,
        status as Option<CandidateStatus>,
        page.offset(),
    )
    .fetch_all(pool)
    .await?;
    let Some(last) = rows.last() else { return Ok(None) };
    if rows.len() < PER_PAGE as usize || last.current <= walk {
        return Ok(None);
    }
    // The position comes from kept per-day totals; it is never below the matches found.
    let estimate = (needed as f64 * last.current as f64 / last.position.max(needed) as f64).round() as i64;
    let total = Total { count: crate::pagination::rounded_estimate(estimate).max(needed), approximate: true };
    let rows = rows
        .into_iter()
        .map(|row| CandidateRow {
            id: row.id,
            name: row.name,
            email: row.email,
            status: row.status,
            last_activity_at: row.last_activity_at,
            created_at: row.created_at,
        })
        .collect();
    Ok(Some((rows, total)))
}

/// How many candidates match the filter and search.
async fn count(pool: &PgPool, company_id: CompanyId, filter: StatusFilter, pattern: Option<&str>) -> sqlx::Result<i64> {
    match pattern {
        None => {
            sqlx::query_scalar!(
                r#"select coalesce(sum(candidates), 0)::int8 as "total!" from candidate_counts
                   where company_id = $1 and archived = $2 and ($3::candidate_status is null or status = $3)"#,
                company_id as CompanyId,
                filter.archived(),
                filter.status() as Option<CandidateStatus>,
            )
            .fetch_one(pool)
            .await
        }
        Some(pattern) => {
            sqlx::query_scalar!(
                r#"select count(*) as "total!" from candidates
                   where company_id = $1 and (archived_at is not null) = $2 and ($3::candidate_status is null or status = $3)
                     and search_text like (select lower($4))"#,
                company_id as CompanyId,
                filter.archived(),
                filter.status() as Option<CandidateStatus>,
                pattern,
            )
            .fetch_one(pool)
            .await
        }
    }
}

/// Where a page of the list by cursor starts: after this candidate, newest first.
pub type After = (OffsetDateTime, CandidateId);

/// Up to `limit` candidates after `after`, newest first, matching the same status filter
/// and search as the Candidates page: the JSON API's list, paged by keyset so a walk
/// through every page sees each candidate once even while new ones are added.
pub async fn list_after(
    pool: &PgPool,
    company_id: CompanyId,
    filter: StatusFilter,
    search: &Search,
    after: Option<After>,
    limit: i64,
) -> sqlx::Result<Vec<CandidateRow>> {
    let (after_created, after_id) = after.unzip();
    sqlx::query_as!(
        CandidateRow,
        r#"select id, name, email::text as "email!", status as "status: _", last_activity_at, created_at
           from candidates
           where company_id = $1 and (archived_at is not null) = $2 and ($3::candidate_status is null or status = $3)
             and ($4::text is null or search_text like lower($4))
             and ($5::timestamptz is null or (created_at, id) < ($5, $6))
           order by created_at desc, id desc
           limit $7"#,
        company_id as CompanyId,
        filter.archived(),
        filter.status() as Option<CandidateStatus>,
        search.pattern(),
        after_created,
        after_id as Option<CandidateId>,
        limit,
    )
    .fetch_all(pool)
    .await
}

pub struct Candidate {
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub status: CandidateStatus,
    pub last_activity_at: OffsetDateTime,
    pub archived_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    /// Whether any interview was ever sent: such a candidate is archived, never deleted.
    pub interviewed: bool,
}

pub async fn find(pool: &PgPool, company_id: CompanyId, id: CandidateId) -> sqlx::Result<Option<Candidate>> {
    sqlx::query_as!(
        Candidate,
        r#"select id, name, email::text as "email!", phone, notes, status as "status: _", last_activity_at, archived_at, created_at,
                  exists(select 1 from interviews i where i.company_id = $1 and i.candidate_id = $2) as "interviewed!"
           from candidates where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        id as CandidateId,
    )
    .fetch_optional(pool)
    .await
}

/// The candidate who already has this email in the company (emails compare without case).
pub struct ExistingCandidate {
    pub id: CandidateId,
    pub name: String,
}

pub async fn find_by_email(
    executor: impl PgExecutor<'_>,
    company_id: CompanyId,
    email: &str,
) -> sqlx::Result<Option<ExistingCandidate>> {
    sqlx::query_as!(
        ExistingCandidate,
        "select id, name from candidates where company_id = $1 and email = $2::text::citext",
        company_id as CompanyId,
        email,
    )
    .fetch_optional(executor)
    .await
}

pub enum Created {
    Created(CandidateId),
    /// The same form was submitted before (double click, retry): nothing new was made.
    AlreadySubmitted(CandidateId),
    EmailTaken(ExistingCandidate),
    /// The key names another company's candidate (a forged form), or the conflicting
    /// candidate vanished in between: the user should reload the form and retry.
    Refused,
}

/// Inserts with the form's idempotency key as the id, so a repeated submission finds
/// its first result instead of making a second candidate.
pub async fn create(
    pool: &PgPool,
    company_id: CompanyId,
    id: CandidateId,
    candidate: &NewCandidate,
) -> sqlx::Result<Created> {
    let inserted = sqlx::query_scalar!(
        r#"insert into candidates (id, company_id, name, email, phone, notes)
           values ($1, $2, $3, $4::text::citext, $5, $6)
           on conflict do nothing
           returning id as "id: CandidateId""#,
        id as CandidateId,
        company_id as CompanyId,
        candidate.name.as_str(),
        candidate.email.as_str(),
        candidate.phone,
        candidate.notes,
    )
    .fetch_optional(pool)
    .await?;
    if let Some(id) = inserted {
        return Ok(Created::Created(id));
    }
    // Unscoped on purpose: only whose row holds this key is read, to tell a repeated
    // form from a key that collides with another company's candidate.
    let earlier = sqlx::query_scalar!(
        r#"select company_id as "company_id: CompanyId" from candidates where id = $1"#,
        id as CandidateId
    )
    .fetch_optional(pool)
    .await?;
    match earlier {
        Some(owner) if owner == company_id => Ok(Created::AlreadySubmitted(id)),
        Some(_) => Ok(Created::Refused),
        None => match find_by_email(pool, company_id, candidate.email.as_str()).await? {
            Some(existing) => Ok(Created::EmailTaken(existing)),
            None => Ok(Created::Refused),
        },
    }
}

pub enum Updated {
    /// Saved; with a corrected address, this many interviews got a new link sent to it.
    Updated {
        new_links: usize,
    },
    NotFound,
    EmailTaken(ExistingCandidate),
}

/// Saves the candidate. A corrected address gives their open interviews new links, in
/// the same transaction, so the address and the links never disagree; a new company's
/// daily email cap may refuse that, and then nothing is saved.
pub async fn update(
    pool: &PgPool,
    company_id: CompanyId,
    id: CandidateId,
    candidate: &NewCandidate,
    email_cap: EmailCap,
) -> lifecycle::Result<Updated> {
    let mut tx = pool.begin().await?;
    let email_changed = sqlx::query_scalar!(
        r#"select email <> $3::text::citext as "changed!" from candidates where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        id as CandidateId,
        candidate.email.as_str(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(email_changed) = email_changed else { return Ok(Updated::NotFound) };
    // The interviews before the candidate: the order every transition locks them in.
    let new_links = if email_changed {
        lifecycle::address_corrected(&mut tx, company_id, id, candidate.email.as_str(), email_cap).await?
    } else {
        0
    };
    let result = sqlx::query!(
        "update candidates set name = $3, email = $4::text::citext, phone = $5, notes = $6, updated_at = now()
         where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as CandidateId,
        candidate.name.as_str(),
        candidate.email.as_str(),
        candidate.phone,
        candidate.notes,
    )
    .execute(&mut *tx)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 0 => Ok(Updated::NotFound),
        Ok(_) => {
            tx.commit().await?;
            Ok(Updated::Updated { new_links })
        }
        Err(err) if err.as_database_error().is_some_and(|db| db.is_unique_violation()) => {
            // Nothing of this edit is kept, new links included.
            drop(tx);
            match find_by_email(pool, company_id, candidate.email.as_str()).await? {
                Some(existing) => Ok(Updated::EmailTaken(existing)),
                None => Err(err.into()),
            }
        }
        Err(err) => Err(err.into()),
    }
}

pub enum Removed {
    /// Never invited: nothing refers to them, so they are gone.
    Deleted,
    /// Invited at least once: kept for the interviews' history, hidden from the list.
    Archived,
    AlreadyArchived,
}

pub async fn delete_or_archive(pool: &PgPool, company_id: CompanyId, id: CandidateId) -> sqlx::Result<Option<Removed>> {
    let mut tx = pool.begin().await?;
    // Decided by the interviews themselves: a candidate whose interviews were all
    // cancelled is "new" again but still has a history to keep.
    let found = sqlx::query!(
        r#"select archived_at,
                  exists(select 1 from interviews i where i.company_id = $1 and i.candidate_id = $2) as "interviewed!"
           from candidates where company_id = $1 and id = $2 for update"#,
        company_id as CompanyId,
        id as CandidateId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(candidate) = found else { return Ok(None) };
    let removed = if !candidate.interviewed {
        sqlx::query!(
            "delete from candidates where company_id = $1 and id = $2",
            company_id as CompanyId,
            id as CandidateId
        )
        .execute(&mut *tx)
        .await?;
        Removed::Deleted
    } else if candidate.archived_at.is_some() {
        Removed::AlreadyArchived
    } else {
        sqlx::query!(
            "update candidates set archived_at = now(), updated_at = now() where company_id = $1 and id = $2",
            company_id as CompanyId,
            id as CandidateId,
        )
        .execute(&mut *tx)
        .await?;
        Removed::Archived
    };
    tx.commit().await?;
    Ok(Some(removed))
}

/// Brings archived candidates back to the list, as adding one to a job needs; returns
/// those of `ids` that are the company's candidates.
pub async fn restore<'c>(
    conn: impl PgExecutor<'c>,
    company_id: CompanyId,
    ids: &[CandidateId],
) -> sqlx::Result<Vec<CandidateId>> {
    sqlx::query_scalar!(
        r#"update candidates set archived_at = null, updated_at = now()
           where company_id = $1 and id = any($2)
           returning id as "id: CandidateId""#,
        company_id as CompanyId,
        ids as &[CandidateId],
    )
    .fetch_all(conn)
    .await
}
