-- 0060: a version on each rollup backlog row.
--
-- A sync computes a store's rollups from a read snapshot (beside the writer,
-- on the other core) and writes them only if the store's backlog row still
-- carries the seq it read; any page touching the store, and any direct
-- refresh of its rollups (a local recount, a camera health check), sets a
-- new seq, so figures computed from older data are never written over newer.
ALTER TABLE rollup_backlog ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
