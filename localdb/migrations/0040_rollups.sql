-- 0040: rollups that screens read instead of raw 15-minute buckets.
-- Maintained by localdb.RefreshRollups inside each sync page's transaction.
--
-- store_hourly: one row per store and UTC hour that is scheduled open or has
-- any data. local_day/local_hour/weekday are on the store's own clock
-- (weekday 0 = Monday … 6 = Sunday). Counts are the device's; local_* the
-- local recount of the same hour. suspect is 1 when a device bucket of the
-- hour is suspect or a camera alert overlaps it; alert_kinds is a bit set
-- (1 occlusion, 2 moved, 4 defocus, 8 no_signal, 16 suspect device bucket).
-- staff is staff on shift in the hour (overlapping shift seconds / 3600).
-- last_entry_min is the local minute of day at which the hour's last
-- 15-minute bucket with entries ends (-1 when no entries).
CREATE TABLE store_hourly (
    store_id         INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    hour_start       INTEGER NOT NULL CHECK (hour_start % 3600 = 0),
    local_day        TEXT NOT NULL,
    local_hour       INTEGER NOT NULL,
    weekday          INTEGER NOT NULL,
    open             INTEGER NOT NULL DEFAULT 0,
    entries          INTEGER NOT NULL DEFAULT 0,
    exits            INTEGER NOT NULL DEFAULT 0,
    passers_by       INTEGER NOT NULL DEFAULT 0,
    staff_excluded   INTEGER NOT NULL DEFAULT 0,
    reentries        INTEGER NOT NULL DEFAULT 0,
    dwell_sum_s      REAL NOT NULL DEFAULT 0,
    dwell_n          INTEGER NOT NULL DEFAULT 0,
    suspect          INTEGER NOT NULL DEFAULT 0,
    alert_kinds      INTEGER NOT NULL DEFAULT 0,
    has_local        INTEGER NOT NULL DEFAULT 0,
    local_entries    INTEGER NOT NULL DEFAULT 0,
    local_passers_by INTEGER NOT NULL DEFAULT 0,
    transactions     INTEGER NOT NULL DEFAULT 0,
    items            INTEGER NOT NULL DEFAULT 0,
    sales_fen        INTEGER NOT NULL DEFAULT 0,
    staff            REAL NOT NULL DEFAULT 0,
    last_entry_min   INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (store_id, hour_start)
) WITHOUT ROWID;

-- store_daily: one row per store and local day of the store's clock.
-- sched_* is the opening schedule of the day (NULL when not scheduled open);
-- traded is 1 when the day has any count or receipt; open_hours counts the
-- scheduled open hours of a traded day. Totals cover every hour of the day
-- so no receipt is lost to a schedule; open-hour figures are separate.
CREATE TABLE store_daily (
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
    PRIMARY KEY (store_id, local_day)
) WITHOUT ROWID;
CREATE INDEX store_daily_day ON store_daily(local_day, store_id);
