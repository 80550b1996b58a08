-- 0010: rollups a sync still owes.
--
-- A sync page records here, in its own transaction, the span of each store
-- whose counts, POS hours, shifts or alerts it changed; the sync refreshes
-- those rollups (localdb.RefreshRollupBacklog) once after its pages instead
-- of after every page, so a first sync computes each store-day once rather
-- than once per collection. A crash between the two leaves the row here and
-- the next sync finishes the job: nothing is lost, nothing computed twice.
CREATE TABLE rollup_backlog (
    store_id INTEGER PRIMARY KEY REFERENCES stores(id) ON DELETE CASCADE,
    from_t   INTEGER NOT NULL,   -- UTC Unix seconds, inclusive
    to_t     INTEGER NOT NULL,   -- UTC Unix seconds, exclusive
    CHECK (to_t > from_t)
);
