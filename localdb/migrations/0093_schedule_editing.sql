-- 0093: inspection schedules edited on the laptop. A schedule covers
-- every store, one store (store_id), the stores of a tag, or a list of
-- stores (store_ids, comma-separated ids); its changes go to HQ through
-- the outbox as 'inspection_schedule' pushes.

ALTER TABLE inspection_schedules ADD COLUMN tag TEXT NOT NULL DEFAULT '';
ALTER TABLE inspection_schedules ADD COLUMN store_ids TEXT NOT NULL DEFAULT '';

CREATE TABLE outbox_v2 (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('corrective_task', 'task_status', 'inspection_result', 'inspection_schedule')),
    payload         TEXT NOT NULL,     -- JSON body of the push
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    delivered_at    INTEGER,
    response        TEXT,
    task_id         TEXT
);
INSERT INTO outbox_v2 SELECT id, idempotency_key, kind, payload, created_at, attempts, next_attempt_at, last_error, delivered_at, response, task_id FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX outbox_task ON outbox(task_id) WHERE delivered_at IS NULL;
