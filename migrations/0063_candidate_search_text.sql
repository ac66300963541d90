-- The Candidates search matches a substring of the name or the email, without case.
-- Both are kept here lowercased, so that the list can test candidates as it walks them
-- newest first from an index alone and stop at the first page's matches, instead of
-- collecting every match of a common term (1,667 "nguyen" at 100,000 candidates) to
-- sort them. The line break between them never occurs in a search term (control
-- characters are dropped from it), so a term cannot match across the two.
alter table candidates
    add column search_text text not null generated always as (lower(name || E'\n' || email::text)) stored;

-- The current list newest first, with what its filters and search test, read from the
-- index alone: the first page, deep pages, the status filter and a search's walk.
drop index candidates_current_created_idx;
create index candidates_current_created_idx on candidates (company_id, created_at desc, id desc)
    include (status, search_text) where archived_at is null;

-- A rare term (one person) is looked up by its trigrams instead: one index for both
-- fields. Written through rather than into a pending list, which every search would
-- read in full until the next vacuum.
create index candidates_search_text_trgm_idx on candidates using gin (search_text gin_trgm_ops)
    with (fastupdate = off);
