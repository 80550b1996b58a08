-- 0094: the cashier audit (收银追溯).
--
-- A till camera's zones: 'till_zone' is the customer side of the counter,
-- 'till_staff' the staff side behind it. SQLite cannot widen a CHECK, so the
-- table is made anew with the same rows.
CREATE TABLE counting_lines_0094 (
    id        INTEGER PRIMARY KEY,
    camera_id INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('entrance', 'outside', 'staff_zone', 'till_zone', 'till_staff')),
    points    TEXT NOT NULL,   -- 'x1,y1,x2,y2[,x3,y3…]'
    UNIQUE (camera_id, kind)
);
INSERT INTO counting_lines_0094(id, camera_id, kind, points) SELECT id, camera_id, kind, points FROM counting_lines;
DROP TABLE counting_lines;
ALTER TABLE counting_lines_0094 RENAME TO counting_lines;

-- till_scans: a till camera's recording looked at by the person detector.
-- sha256 is the clip scanned: a clip HQ replaced is scanned again.
CREATE TABLE till_scans (
    recording_id INTEGER PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
    camera_id    INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    starts       INTEGER NOT NULL,   -- Unix seconds, the clip's first frame
    ends         INTEGER NOT NULL,   -- Unix seconds, after its last sample
    sha256       TEXT NOT NULL,
    detector     TEXT NOT NULL,      -- 'dnn' or 'motion'
    step_s       REAL NOT NULL,      -- seconds between samples
    scanned_at   INTEGER NOT NULL
);
CREATE INDEX till_scans_camera ON till_scans(camera_id, starts);

-- till_presence: the people the detector saw in each zone at one sample;
-- waiting counts the customers standing where they stood at the sample
-- before (someone waiting, not walking past).
CREATE TABLE till_presence (
    recording_id INTEGER NOT NULL REFERENCES till_scans(recording_id) ON DELETE CASCADE,
    t            INTEGER NOT NULL,   -- Unix seconds
    customers    INTEGER NOT NULL CHECK (customers >= 0),
    waiting      INTEGER NOT NULL CHECK (waiting >= 0 AND waiting <= customers),
    staff        INTEGER NOT NULL CHECK (staff >= 0),
    PRIMARY KEY (recording_id, t)
) WITHOUT ROWID;

-- audit_findings: what the audit found, with its evidence (JSON). subject
-- makes one finding of one thing (a receipt, a card on a day, a cashier on
-- a day, a span of presence), so that a new run keeps the manager's
-- dismissal or task.
CREATE TABLE audit_findings (
    id         INTEGER PRIMARY KEY,
    store_id   INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('receipt_no_customer', 'customer_no_receipt', 'staff_member_card',
                                             'refund_pattern', 'discount_pattern')),
    at         INTEGER NOT NULL,     -- Unix seconds, the moment the footage opens at
    subject    TEXT NOT NULL,
    camera_id  INTEGER REFERENCES cameras(id) ON DELETE SET NULL,
    evidence   TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'tasked')),
    reason     TEXT NOT NULL DEFAULT '',
    task_id    TEXT REFERENCES corrective_tasks(id) ON DELETE SET NULL,
    found_at   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (store_id, kind, subject)
);
CREATE INDEX audit_findings_at ON audit_findings(at);
