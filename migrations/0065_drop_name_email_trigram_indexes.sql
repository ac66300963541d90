-- Every search (the Candidates page, the Interviews page, the Applications list and the
-- JSON API) now matches `candidates.search_text`, with its own trigram index. The
-- separate name and email indexes only cost a write whenever a candidate changes.
drop index candidates_name_trgm_idx;
drop index candidates_email_trgm_idx;
