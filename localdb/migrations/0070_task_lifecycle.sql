-- 0070: the corrective task's lifecycle as managers and stores use it.
--
-- draft → sent → acknowledged → done → verified, or reopened (and then
-- acknowledged and done again). A task has a category (门口叫卖, 营业时间,
-- 陈列, 收银, 设备, other), an optional clip range of footage, and the store's
-- latest reply. Each history row says who acted (manager, store or hq) and
-- may carry the store's photo. A row that keeps the status is a comment.
--
-- The three tables that name tasks are rebuilt: a new table is filled,
-- the old one dropped, the new one renamed (the references follow the
-- rename). Old statuses map: open → sent (it was pushed when created),
-- in_progress → acknowledged, cancelled → verified (closed by the manager).

CREATE TABLE tasks_v2 (
    id                   TEXT PRIMARY KEY,        -- client-generated UUID, also the push's idempotency key
    store_id             INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    category             TEXT NOT NULL DEFAULT 'other'
                         CHECK (category IN ('door_greeting', 'opening_hours', 'display', 'till', 'camera', 'other')),
    title                TEXT NOT NULL,
    body                 TEXT NOT NULL DEFAULT '',
    kpi                  TEXT,                    -- metric the task targets (entry_rate, conversion, …)
    at_time              INTEGER,                 -- the moment of footage the task is about
    camera_id            INTEGER REFERENCES cameras(id) ON DELETE SET NULL,
    evidence_snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
    recording_id         INTEGER REFERENCES recordings(id) ON DELETE SET NULL,
    clip_from            INTEGER,                 -- a range of footage attached as evidence
    clip_to              INTEGER,
    due_on               TEXT,                    -- local date
    status               TEXT NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'sent', 'acknowledged', 'done', 'verified', 'reopened')),
    reply                TEXT NOT NULL DEFAULT '', -- the store's latest reply
    created_by           TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    sent_at              INTEGER,
    done_at              INTEGER
);
INSERT INTO tasks_v2(id, store_id, title, body, kpi, at_time, evidence_snapshot_id, recording_id, due_on, status,
                     created_by, created_at, updated_at, sent_at, done_at)
SELECT id, store_id, title, body, kpi, at_time, evidence_snapshot_id, recording_id, due_on,
       CASE status WHEN 'open' THEN 'sent' WHEN 'in_progress' THEN 'acknowledged' WHEN 'cancelled' THEN 'verified' ELSE status END,
       created_by, created_at, updated_at, created_at, done_at
FROM corrective_tasks;

CREATE TABLE history_v2 (
    id        INTEGER PRIMARY KEY,
    task_id   TEXT NOT NULL REFERENCES tasks_v2(id) ON DELETE CASCADE,
    remote_id TEXT UNIQUE,                   -- set for changes that came back from HQ
    status    TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'acknowledged', 'done', 'verified', 'reopened')),
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL DEFAULT 'manager' CHECK (actor IN ('manager', 'store', 'hq')),
    by        TEXT NOT NULL DEFAULT '',       -- the person's name, when known
    note      TEXT NOT NULL DEFAULT '',       -- the comment or the store's reply
    photo     BLOB,                           -- the store's photo (JPEG), when it sent one
    source    TEXT NOT NULL CHECK (source IN ('local', 'hq'))
);
INSERT INTO history_v2(id, task_id, remote_id, status, at, actor, by, note, source)
SELECT id, task_id, remote_id,
       CASE status WHEN 'open' THEN 'sent' WHEN 'in_progress' THEN 'acknowledged' WHEN 'cancelled' THEN 'verified' ELSE status END,
       at, CASE source WHEN 'hq' THEN 'store' ELSE 'manager' END, by, note, source
FROM task_status_history;

CREATE TABLE results_v2 (
    id          TEXT PRIMARY KEY,             -- client-generated UUID
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    verdict     TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
    note        TEXT NOT NULL DEFAULT '',
    decided_at  INTEGER NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    task_id     TEXT REFERENCES tasks_v2(id) ON DELETE SET NULL,
    UNIQUE (snapshot_id)
);
INSERT INTO results_v2 SELECT id, snapshot_id, verdict, note, decided_at, decided_by, task_id FROM inspection_results;

DROP TABLE inspection_results;
DROP TABLE task_status_history;
DROP TABLE corrective_tasks;
ALTER TABLE tasks_v2 RENAME TO corrective_tasks;
ALTER TABLE history_v2 RENAME TO task_status_history;
ALTER TABLE results_v2 RENAME TO inspection_results;
CREATE INDEX corrective_tasks_store ON corrective_tasks(store_id, created_at);
CREATE INDEX corrective_tasks_status ON corrective_tasks(status, due_on);
CREATE INDEX task_status_history_task ON task_status_history(task_id, at);

-- A push names the task it is about, so a task can say it is waiting to send.
ALTER TABLE outbox ADD COLUMN task_id TEXT;
UPDATE outbox SET task_id = idempotency_key WHERE kind = 'corrective_task';
UPDATE outbox SET task_id = json_extract(payload, '$.task_id') WHERE kind IN ('task_status', 'inspection_result');
CREATE INDEX outbox_task ON outbox(task_id) WHERE delivered_at IS NULL;
