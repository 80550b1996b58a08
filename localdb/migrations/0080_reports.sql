-- 0080: the weekly reports made on this machine, so the Reports area can
-- list the recent ones with their period and open their folder.

CREATE TABLE reports (
    id        INTEGER PRIMARY KEY,
    made_at   INTEGER NOT NULL,            -- unix seconds
    period    TEXT NOT NULL,               -- as typed: '2026-W47', '2026-11', '2026-11-01..2026-11-15'
    scope     TEXT NOT NULL DEFAULT '',    -- '' (every store), 'tag:商场店' or 'stores:SH001,SH002'
    lang      TEXT NOT NULL,
    stores    INTEGER NOT NULL,
    files     TEXT NOT NULL                -- JSON array of absolute paths
);
CREATE INDEX reports_made ON reports(made_at DESC);
