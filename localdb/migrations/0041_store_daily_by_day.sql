-- 0041: store_daily clustered by day. The region overview reads one week of
-- every store (a contiguous range this way, 2000 scattered lookups the old
-- way); one store's history goes through store_daily_store instead.
CREATE TABLE store_daily_by_day (
    store_id           INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    local_day          TEXT NOT NULL,
    weekday            INTEGER NOT NULL,
    sched_opens_min    INTEGER,
    sched_closes_min   INTEGER,
    sched_hours        INTEGER NOT NULL DEFAULT 0,
    traded             INTEGER NOT NULL DEFAULT 0,
    open_hours         INTEGER NOT NULL DEFAULT 0,
    suspect_hours      INTEGER NOT NULL DEFAULT 0,
    alert_kinds        INTEGER NOT NULL DEFAULT 0,
    entries            INTEGER NOT NULL DEFAULT 0,
    exits              INTEGER NOT NULL DEFAULT 0,
    passers_by         INTEGER NOT NULL DEFAULT 0,
    staff_excluded     INTEGER NOT NULL DEFAULT 0,
    dwell_sum_s        REAL NOT NULL DEFAULT 0,
    dwell_n            INTEGER NOT NULL DEFAULT 0,
    transactions       INTEGER NOT NULL DEFAULT 0,
    items              INTEGER NOT NULL DEFAULT 0,
    sales_fen          INTEGER NOT NULL DEFAULT 0,
    staff_hours        REAL NOT NULL DEFAULT 0,
    local_hours        INTEGER NOT NULL DEFAULT 0,
    local_entries      INTEGER NOT NULL DEFAULT 0,
    local_passers_by   INTEGER NOT NULL DEFAULT 0,
    device_entries_local_hours INTEGER NOT NULL DEFAULT 0,
    last_entry_min     INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (local_day, store_id)
) WITHOUT ROWID;
INSERT INTO store_daily_by_day SELECT * FROM store_daily ORDER BY local_day, store_id;
DROP TABLE store_daily;
ALTER TABLE store_daily_by_day RENAME TO store_daily;
CREATE INDEX store_daily_store ON store_daily(store_id, local_day);
