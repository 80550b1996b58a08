-- 0091: an inspection snapshot can be judged unclear (the picture does not
-- show what the check needs), as well as pass or fail.

CREATE TABLE results_v3 (
    id          TEXT PRIMARY KEY,             -- client-generated UUID
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    verdict     TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'unclear')),
    note        TEXT NOT NULL DEFAULT '',
    decided_at  INTEGER NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    task_id     TEXT REFERENCES corrective_tasks(id) ON DELETE SET NULL,
    UNIQUE (snapshot_id)
);
INSERT INTO results_v3 SELECT id, snapshot_id, verdict, note, decided_at, decided_by, task_id FROM inspection_results;
DROP TABLE inspection_results;
ALTER TABLE results_v3 RENAME TO inspection_results;
