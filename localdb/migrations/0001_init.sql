-- 0001: the whole domain of product.md.
--
-- Conventions (every later migration follows them):
--   * instants are INTEGER Unix seconds in UTC; a store's local clock comes from
--     stores.time_zone (an IANA name), never from a hard-coded zone;
--   * calendar days and clock times that belong to a store's local calendar
--     (opening hours, weather days) are TEXT 'YYYY-MM-DD' / 'HH:MM';
--   * money is INTEGER fen (1/100 yuan) so sums are exact;
--   * rows that arrive from HQ carry the feed's id in remote_id (or use it as
--     their key) so a re-delivered page upserts instead of duplicating.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE stores (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    region_id   TEXT NOT NULL REFERENCES regions(id),
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    area_sqm    REAL,
    time_zone   TEXT NOT NULL,
    opened_on   TEXT,            -- local date the store opened
    closed_on   TEXT,            -- local date it closed for good, NULL while trading
    staff_count INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX stores_region ON stores(region_id);

-- Opening hours as on the source's store page: a date range, the weekdays it
-- applies to, and the local opening and closing time. When ranges overlap the
-- one with the highest priority (then the narrowest range) wins.
CREATE TABLE opening_hours (
    id         INTEGER PRIMARY KEY,
    store_id   INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    valid_from TEXT NOT NULL,               -- 'YYYY-MM-DD', inclusive
    valid_to   TEXT NOT NULL,               -- 'YYYY-MM-DD', inclusive
    weekdays   INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127), -- bit 0 = Monday … bit 6 = Sunday
    opens      TEXT NOT NULL,               -- 'HH:MM' local
    closes     TEXT NOT NULL,               -- 'HH:MM' local; '24:00' allowed
    priority   INTEGER NOT NULL DEFAULT 0,
    CHECK (valid_from <= valid_to)
);
CREATE INDEX opening_hours_store ON opening_hours(store_id);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE store_tags (
    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (store_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX store_tags_tag ON store_tags(tag_id, store_id);

CREATE TABLE cameras (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    store_id     INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL CHECK (role IN ('entrance', 'storefront', 'till', 'floor')),
    stream_url   TEXT NOT NULL DEFAULT '',
    snapshot_url TEXT NOT NULL DEFAULT '',
    frame_width  INTEGER,
    frame_height INTEGER,
    updated_at   INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX cameras_store ON cameras(store_id);

-- Counting geometry of a camera, in image pixels of the camera's frame.
-- kind 'entrance' is the directed in/out line (A→B, see docs), 'outside' the
-- storefront line for passers-by, 'staff_zone' a polygon whose tracks are staff,
-- 'till_zone' the area in front of a till for the cashier audit.
CREATE TABLE counting_lines (
    id        INTEGER PRIMARY KEY,
    camera_id INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('entrance', 'outside', 'staff_zone', 'till_zone')),
    points    TEXT NOT NULL,   -- 'x1,y1,x2,y2[,x3,y3…]'
    UNIQUE (camera_id, kind)
);

-- 15-minute counts per camera. source 'device' arrives from HQ, 'local' is a
-- recount of footage on this machine; both live side by side.
CREATE TABLE count_buckets (
    camera_id      INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    source         TEXT NOT NULL CHECK (source IN ('device', 'local')),
    bucket_start   INTEGER NOT NULL CHECK (bucket_start % 900 = 0),
    store_id       INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    entries        INTEGER NOT NULL DEFAULT 0 CHECK (entries >= 0),
    exits          INTEGER NOT NULL DEFAULT 0 CHECK (exits >= 0),
    passers_by     INTEGER NOT NULL DEFAULT 0 CHECK (passers_by >= 0),
    staff_excluded INTEGER NOT NULL DEFAULT 0 CHECK (staff_excluded >= 0),
    reentries      INTEGER NOT NULL DEFAULT 0 CHECK (reentries >= 0),
    dwell_sum_s    REAL NOT NULL DEFAULT 0,   -- sum of matched dwell times
    dwell_n        INTEGER NOT NULL DEFAULT 0,-- persons matched on the way out
    suspect        INTEGER NOT NULL DEFAULT 0 CHECK (suspect IN (0, 1)),
    PRIMARY KEY (camera_id, source, bucket_start)
) WITHOUT ROWID;
CREATE INDEX count_buckets_store_time ON count_buckets(store_id, bucket_start);

-- A local recount of footage: one run of the counter over one video.
CREATE TABLE recounts (
    id           INTEGER PRIMARY KEY,
    camera_id    INTEGER REFERENCES cameras(id) ON DELETE CASCADE,
    recording_id INTEGER REFERENCES recordings(id) ON DELETE SET NULL,
    video        TEXT NOT NULL,
    started_at   INTEGER NOT NULL,  -- wall-clock time of the video's first frame
    frames       INTEGER NOT NULL DEFAULT 0,
    fps          REAL NOT NULL DEFAULT 0,
    params       TEXT NOT NULL DEFAULT '{}',  -- JSON: lines, detector, thresholds
    created_at   INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE count_events (
    id         INTEGER PRIMARY KEY,
    recount_id INTEGER NOT NULL REFERENCES recounts(id) ON DELETE CASCADE,
    t_ms       INTEGER NOT NULL,   -- UTC Unix milliseconds
    frame      INTEGER NOT NULL,
    line       TEXT NOT NULL CHECK (line IN ('entrance', 'outside')),
    direction  TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    track      INTEGER NOT NULL,
    staff      INTEGER NOT NULL DEFAULT 0 CHECK (staff IN (0, 1)),
    reentry    INTEGER NOT NULL DEFAULT 0 CHECK (reentry IN (0, 1)),
    dwell_s    REAL
);
CREATE INDEX count_events_recount ON count_events(recount_id, t_ms);

CREATE TABLE pos_hourly (
    store_id        INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    hour_start      INTEGER NOT NULL CHECK (hour_start % 3600 = 0),
    receipts        INTEGER NOT NULL DEFAULT 0,  -- transactions: refunds and staff purchases excluded
    items           INTEGER NOT NULL DEFAULT 0,
    sales_fen       INTEGER NOT NULL DEFAULT 0,
    refunds         INTEGER NOT NULL DEFAULT 0,
    staff_purchases INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, hour_start)
) WITHOUT ROWID;

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    store_id    INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT 'sales',
    member_card TEXT            -- the staff member's own loyalty card, for the cashier audit
);
CREATE INDEX staff_store ON staff(store_id);

CREATE TABLE pos_receipts (
    id                INTEGER PRIMARY KEY,
    store_id          INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    receipt_no        TEXT NOT NULL,
    t                 INTEGER NOT NULL,
    till              TEXT NOT NULL DEFAULT '',
    amount_fen        INTEGER NOT NULL,
    discount_fen      INTEGER NOT NULL DEFAULT 0,
    cashier           TEXT NOT NULL DEFAULT '',
    member_card       TEXT,
    is_refund         INTEGER NOT NULL DEFAULT 0 CHECK (is_refund IN (0, 1)),
    is_staff_purchase INTEGER NOT NULL DEFAULT 0 CHECK (is_staff_purchase IN (0, 1)),
    UNIQUE (store_id, receipt_no)
);
CREATE INDEX pos_receipts_store_time ON pos_receipts(store_id, t);
CREATE INDEX pos_receipts_card ON pos_receipts(member_card) WHERE member_card IS NOT NULL;

CREATE TABLE pos_receipt_lines (
    receipt_id      INTEGER NOT NULL REFERENCES pos_receipts(id) ON DELETE CASCADE,
    line_no         INTEGER NOT NULL,
    sku             TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    qty             INTEGER NOT NULL,
    unit_price_fen  INTEGER NOT NULL,
    amount_fen      INTEGER NOT NULL,
    PRIMARY KEY (receipt_id, line_no)
) WITHOUT ROWID;

CREATE TABLE staff_shifts (
    id       INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    staff_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    starts   INTEGER NOT NULL,
    ends     INTEGER NOT NULL,
    CHECK (ends > starts)
);
CREATE INDEX staff_shifts_store_time ON staff_shifts(store_id, starts);

CREATE TABLE weather (
    city       TEXT NOT NULL,
    day        TEXT NOT NULL,       -- local date in the city
    condition  TEXT NOT NULL CHECK (condition IN ('sunny', 'cloudy', 'rain', 'heavy_rain', 'snow', 'fog')),
    temp_min_c REAL,
    temp_max_c REAL,
    precip_mm  REAL,
    PRIMARY KEY (city, day)
) WITHOUT ROWID;

-- Footage clips known to the chain. state follows a download:
-- remote → downloading → ready (→ evicted when the cache needs room), or failed.
CREATE TABLE recordings (
    id             INTEGER PRIMARY KEY,
    remote_id      TEXT NOT NULL UNIQUE,
    camera_id      INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    starts         INTEGER NOT NULL,
    duration_s     REAL NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    url            TEXT NOT NULL,
    etag           TEXT,
    local_path     TEXT,
    state          TEXT NOT NULL DEFAULT 'remote' CHECK (state IN ('remote', 'downloading', 'ready', 'failed', 'evicted')),
    bytes_done     INTEGER NOT NULL DEFAULT 0,
    last_viewed_at INTEGER,
    open_count     INTEGER NOT NULL DEFAULT 0, -- clips being played are never evicted
    error          TEXT
);
CREATE INDEX recordings_camera_time ON recordings(camera_id, starts);

CREATE TABLE inspection_schedules (
    id          INTEGER PRIMARY KEY,
    remote_id   TEXT UNIQUE,
    name        TEXT NOT NULL,              -- e.g. 迎宾检查 door greeting check
    store_id    INTEGER REFERENCES stores(id) ON DELETE CASCADE, -- NULL: every store of the region
    camera_role TEXT NOT NULL DEFAULT 'entrance' CHECK (camera_role IN ('entrance', 'storefront', 'till', 'floor')),
    weekdays    INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    times       TEXT NOT NULL,              -- 'HH:MM,HH:MM,…' local
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE snapshots (
    id          INTEGER PRIMARY KEY,
    remote_id   TEXT UNIQUE,               -- NULL for snapshots taken on this machine
    camera_id   INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    schedule_id INTEGER REFERENCES inspection_schedules(id) ON DELETE SET NULL,
    t           INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('inspection', 'review', 'device')),
    url         TEXT NOT NULL DEFAULT '',
    sha256      TEXT,
    local_path  TEXT
);
CREATE INDEX snapshots_camera_time ON snapshots(camera_id, t);

CREATE TABLE corrective_tasks (
    id                   TEXT PRIMARY KEY,        -- client-generated UUID, also the push's idempotency key root
    store_id             INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    title                TEXT NOT NULL,
    body                 TEXT NOT NULL DEFAULT '',
    kpi                  TEXT,                    -- metric the task targets (entry_rate, conversion, …)
    at_time              INTEGER,                 -- the moment of footage the task is about
    evidence_snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
    recording_id         INTEGER REFERENCES recordings(id) ON DELETE SET NULL,
    due_on               TEXT,                    -- local date
    status               TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'in_progress', 'done', 'verified', 'cancelled')),
    created_by           TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    done_at              INTEGER
);
CREATE INDEX corrective_tasks_store ON corrective_tasks(store_id, created_at);

CREATE TABLE task_status_history (
    id        INTEGER PRIMARY KEY,
    task_id   TEXT NOT NULL REFERENCES corrective_tasks(id) ON DELETE CASCADE,
    remote_id TEXT UNIQUE,                   -- set for changes that came back from HQ
    status    TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'in_progress', 'done', 'verified', 'cancelled')),
    at        INTEGER NOT NULL,
    by        TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    source    TEXT NOT NULL CHECK (source IN ('local', 'hq'))
);
CREATE INDEX task_status_history_task ON task_status_history(task_id, at);

CREATE TABLE inspection_results (
    id          TEXT PRIMARY KEY,             -- client-generated UUID
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    verdict     TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
    note        TEXT NOT NULL DEFAULT '',
    decided_at  INTEGER NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    task_id     TEXT REFERENCES corrective_tasks(id) ON DELETE SET NULL,
    UNIQUE (snapshot_id)
);

-- Camera alerts from the devices (source 'device', via sync) and from local
-- footage checks (source 'local'). ended_at NULL while the alert is open.
CREATE TABLE camera_alerts (
    id         INTEGER PRIMARY KEY,
    remote_id  TEXT UNIQUE,
    camera_id  INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('occlusion', 'moved', 'defocus', 'no_signal')),
    source     TEXT NOT NULL CHECK (source IN ('device', 'local')),
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    measure    REAL,
    detail     TEXT NOT NULL DEFAULT '{}',
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX camera_alerts_camera_time ON camera_alerts(camera_id, started_at);

-- One cursor per feed and collection; the cursor of a page commits in the
-- same transaction as the page's rows.
CREATE TABLE sync_cursors (
    feed        TEXT NOT NULL,
    collection  TEXT NOT NULL,
    cursor      TEXT NOT NULL DEFAULT '',
    complete_at INTEGER,            -- last time the collection was read to its end
    PRIMARY KEY (feed, collection)
) WITHOUT ROWID;

-- What this machine must tell HQ, written in the same transaction as the
-- thing itself and removed only once HQ has acknowledged it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('corrective_task', 'task_status', 'inspection_result')),
    payload         TEXT NOT NULL,     -- JSON body of the push
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    delivered_at    INTEGER,
    response        TEXT
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
