-- A search walks the newest candidates from an index, and reads the table for each one
-- only until a vacuum has marked its page visible to everyone: until then a common
-- surname's search costs about twice as much. By default autovacuum waits for a fifth of
-- the table to change (20,000 rows of 100,000, 200,000 of 1,000,000); candidates are
-- vacuumed after a fiftieth, for rows changed and for rows added alike.
alter table candidates set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
