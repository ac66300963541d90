-- Housekeeping deletes the previews that were never imported once they are a day old:
-- this finds them without reading the imported ones, which are kept.
create index candidate_imports_not_imported_idx on candidate_imports (created_at) where imported_at is null;
