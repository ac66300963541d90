//! A search for part of one word ("nguyen", "guye"), looked up in the lists of the
//! candidates' words (`candidate_words`, migration 0070) rather than by testing the
//! newest candidates one by one: the page reads 25 entries of each word containing the
//! term, however rare the term is among the candidates, and its total is exact.

use sqlx::PgPool;

use super::store::{CandidateRow, Total};
use crate::ids::CompanyId;
use crate::pagination::{PER_PAGE, PageNumber};

/// Up to this many words containing the term are read; a term found in more ("son":
/// every Johnson, Anderson and Jackson) is left to the walk of the newest candidates,
/// which fills its page quickly because such a term is common.
const MOST_WORDS: usize = 8;

/// When several words contain the term, a candidate may hold two of them, so their
/// candidates are counted one by one: up to this many, beyond which the walk's estimate
/// is cheaper.
const MOST_COUNTED: i64 = 5_000;

/// The page and its exact total, or None when the term is not part of a single word
/// (it holds a space, a digit or punctuation) or lies in too many words to read.
///
/// The test for "part of a single word" is Postgres' own `[[:alpha:]]`, the one that
/// split the candidates' words: a term of letters is then inside one of their words
/// wherever it occurs, and the words containing it hold exactly its matches. The term
/// reaches each condition through a subquery, a value no plan can see, so that the
/// statement settles on a generic plan that looks the words up by their trigrams.
pub(super) async fn search(
    pool: &PgPool,
    company_id: CompanyId,
    term: &str,
    page: PageNumber,
) -> sqlx::Result<Option<(Vec<CandidateRow>, Total)>> {
    let found = sqlx::query!(
        r#"select (select lower($2) ~ '^[[:alpha:]]{3,}$') as "one_word!",
                  coalesce(array_agg(word), '{}') as "words!",
                  coalesce(sum(candidates), 0)::int8 as "held!"
           from (
               select word, candidates from candidate_word_counts
               where company_id = $1 and (select lower($2) ~ '^[[:alpha:]]{3,}$')
                 and word like (select '%' || lower($2) || '%')
               limit $3
           ) words"#,
        company_id as CompanyId,
        term,
        MOST_WORDS as i64 + 1,
    )
    .fetch_one(pool)
    .await?;
    let words = found.words;
    if !found.one_word || words.len() > MOST_WORDS || (words.len() > 1 && found.held > MOST_COUNTED) {
        return Ok(None);
    }
    let count = match words.len() {
        0 => return Ok(Some((Vec::new(), Total { count: 0, approximate: false }))),
        1 => found.held,
        _ => counted(pool, company_id, &words).await?,
    };
    let rows = sqlx::query_as!(
        CandidateRow,
        r#"select c.id, c.name, c.email::text as "email!", c.status as "status: _", c.last_activity_at, c.created_at
           from (
               select distinct entry.created_at, entry.candidate_id
               from unnest($2::text[]) as term(word)
               cross join lateral (
                   select created_at, candidate_id from candidate_words
                   where company_id = $1 and candidate_words.word = term.word
                   order by created_at desc, candidate_id desc
                   limit $3
               ) entry
               order by entry.created_at desc, entry.candidate_id desc
               limit $5 offset $4
           ) shown
           join candidates c on c.company_id = $1 and c.id = shown.candidate_id
           order by shown.created_at desc, shown.candidate_id desc"#,
        company_id as CompanyId,
        &words,
        page.offset() + PER_PAGE,
        page.offset(),
        PER_PAGE,
    )
    .fetch_all(pool)
    .await?;
    Ok(Some((rows, Total { count, approximate: false })))
}

/// How many candidates hold any of `words`.
async fn counted(pool: &PgPool, company_id: CompanyId, words: &[String]) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(distinct candidate_id) as "count!" from candidate_words
           where company_id = $1 and word = any($2)"#,
        company_id as CompanyId,
        words,
    )
    .fetch_one(pool)
    .await
}
