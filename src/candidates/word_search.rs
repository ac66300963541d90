//! A search for part of one word ("nguyen", "guye"), looked up in the lists of the
//! candidates' words (`candidate_words`, migration 0070) rather than by testing the
//! newest candidates one by one: the page reads 25 entries of each word containing the
//! term, however rare the term is among the candidates, and its total is exact.

use sqlx::PgPool;

use super::model::CandidateStatus;
use super::store::{CandidateRow, Total};
use crate::ids::{CandidateId, CompanyId};
use crate::pagination::{PER_PAGE, PageNumber};

/// Up to this many words containing the term are read; a term found in more ("son":
/// every Johnson, Anderson and Jackson) is left to the walk of the newest candidates,
/// which fills its page quickly because such a term is common.
const MOST_WORDS: i64 = 8;

/// When several words contain the term, a candidate may hold two of them, so their
/// candidates are counted one by one: up to this many, beyond which the walk's estimate
/// is cheaper.
const MOST_COUNTED: i64 = 5_000;

/// The page and its exact total, or None when the term is not part of a single word
/// (it holds a space, a digit or punctuation) or lies in too many words to read.
///
/// The test for "part of a single word" is Postgres' own `[[:alpha:]]`, the one that
/// split the candidates' words: a term of letters is then inside one of their words
/// wherever it occurs, and the words containing it hold exactly its matches. One
/// statement finds the words, decides whether they can be read, and reads the page,
/// with one row when the page is empty. The term, the bounds and the page reach the
/// statement through subqueries, values no plan can see: every plan then prices them
/// alike, so the statement settles on a generic plan (planned for each search, it took
/// 0.6 ms to plan and 0.3 ms to run), which looks the words up by their trigrams.
pub(super) async fn search(
    pool: &PgPool,
    company_id: CompanyId,
    term: &str,
    page: PageNumber,
) -> sqlx::Result<Option<(Vec<CandidateRow>, Total)>> {
    let rows = sqlx::query!(
        r#"with found as materialized (
               select one_word and cardinality(words) <= (select $3::int8) and (cardinality(words) <= 1 or held <= (select $4::int8)) as readable,
                      words, held
               from (
                   select (select lower($2) ~ '^[[:alpha:]]{3,}$') as one_word,
                          coalesce(array_agg(word), '{}') as words,
                          coalesce(sum(candidates), 0)::int8 as held
                   from (
                       select word, candidates from candidate_word_counts
                       where company_id = $1 and (select lower($2) ~ '^[[:alpha:]]{3,}$')
                         and word like (select '%' || lower($2) || '%')
                       limit (select $3::int8 + 1)
                   ) held_by
               ) words
           ),
           -- A candidate may hold two of several words containing the term.
           total as materialized (
               select case when readable and cardinality(words) > 1
                           then (select count(distinct candidate_id) from candidate_words
                                 where company_id = $1 and word = any(found.words))
                           else held end as count
               from found
           )
           select found.readable as "readable!", (select count from total) as "total!",
                  c.id as "id?: CandidateId", c.name as "name?", c.email::text as "email?", c.status as "status?: CandidateStatus",
                  c.last_activity_at as "last_activity_at?", c.created_at as "created_at?"
           from found
           left join lateral (
               select distinct entry.created_at, entry.candidate_id
               from unnest(found.words) as term(word)
               cross join lateral (
                   select created_at, candidate_id from candidate_words
                   where company_id = $1 and candidate_words.word = term.word
                   order by created_at desc, candidate_id desc
                   limit (select $5::int8)
               ) entry
               where found.readable
               order by entry.created_at desc, entry.candidate_id desc
               limit (select $7::int8) offset (select $6::int8)
           ) shown on true
           left join candidates c on c.company_id = $1 and c.id = shown.candidate_id
           order by shown.created_at desc, shown.candidate_id desc"#,
        company_id as CompanyId,
        term,
        MOST_WORDS,
        MOST_COUNTED,
        page.offset() + PER_PAGE,
        page.offset(),
        PER_PAGE,
    )
    .fetch_all(pool)
    .await?;
    let Some(first) = rows.first().filter(|first| first.readable) else { return Ok(None) };
    let total = Total { count: first.total, approximate: false };
    let shown = rows
        .into_iter()
        .filter_map(|row| {
            Some(CandidateRow {
                id: row.id?,
                name: row.name?,
                email: row.email?,
                status: row.status?,
                last_activity_at: row.last_activity_at?,
                created_at: row.created_at?,
            })
        })
        .collect();
    Ok(Some((shown, total)))
}
