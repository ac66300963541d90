-- A search for a full name ("ava smith") is looked up by where its words meet rather
-- than by its trigrams. Each trigram of a full name belongs to everyone with that first
-- name or that surname: at 1,000,000 candidates "ava smith" read four lists of 16,668
-- entries to find 278. A word pair (the last three characters of a word and the first
-- three of the next: "ava smi") belongs to few candidates besides the ones sought.
--
-- `word_pairs(text, false)` lists the pairs of a candidate's text. For a search term,
-- `word_pairs(term, true)` lists only the pairs that every text containing the term
-- has: the term's first word may be the end of a longer word and its last word the
-- start of one, so a pair is kept only when those outer words have three characters or
-- more. Words are runs of letters and digits, split the same way on both sides.
-- PL/pgSQL rather than one SQL statement: a quarter of the time per candidate written.
create function word_pairs(words text, ends_may_be_partial boolean) returns text[]
    language plpgsql immutable strict parallel safe as $$
declare
    word text[] := array_remove(regexp_split_to_array(words, '[^[:alnum:]]+'), '');
    last int := cardinality(word);
    pairs text[] := '{}';
begin
    for i in 1 .. last - 1 loop
        if not (ends_may_be_partial and ((i = 1 and length(word[1]) < 3) or (i + 1 = last and length(word[last]) < 3))) then
            pairs := pairs || (right(word[i], 3) || ' ' || left(word[i + 1], 3));
        end if;
    end loop;
    return pairs;
end
$$;

-- Written through rather than into a pending list, as the trigram index is.
create index candidates_word_pairs_idx on candidates using gin (word_pairs(search_text, false))
    with (fastupdate = off);
