-- 0042: weekly and monthly sums of store_daily, so the region overview of a
-- week or a month reads one row per store and period instead of seven or
-- thirty. local_day is the period's first local day (the ISO week's Monday,
-- the month's 1st). Maintained by localdb.RefreshRollups with the days.
CREATE TABLE store_weekly (
    local_day                  TEXT NOT NULL,    -- Monday of the ISO week
    store_id                   INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    days                       INTEGER NOT NULL DEFAULT 0,
    traded                     INTEGER NOT NULL DEFAULT 0,
    open_hours                 INTEGER NOT NULL DEFAULT 0,
    suspect_hours              INTEGER NOT NULL DEFAULT 0,
    alert_kinds                INTEGER NOT NULL DEFAULT 0,
    entries                    INTEGER NOT NULL DEFAULT 0,
    exits                      INTEGER NOT NULL DEFAULT 0,
    passers_by                 INTEGER NOT NULL DEFAULT 0,
    staff_excluded             INTEGER NOT NULL DEFAULT 0,
    dwell_sum_s                REAL NOT NULL DEFAULT 0,
    dwell_n                    INTEGER NOT NULL DEFAULT 0,
    transactions               INTEGER NOT NULL DEFAULT 0,
    items                      INTEGER NOT NULL DEFAULT 0,
    sales_fen                  INTEGER NOT NULL DEFAULT 0,
    staff_hours                REAL NOT NULL DEFAULT 0,
    local_hours                INTEGER NOT NULL DEFAULT 0,
    local_entries              INTEGER NOT NULL DEFAULT 0,
    local_passers_by           INTEGER NOT NULL DEFAULT 0,
    device_entries_local_hours INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (local_day, store_id)
) WITHOUT ROWID;
CREATE INDEX store_weekly_store ON store_weekly(store_id, local_day);
CREATE TABLE store_monthly (
    local_day                  TEXT NOT NULL,    -- first day of the month
    store_id                   INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    days                       INTEGER NOT NULL DEFAULT 0,
    traded                     INTEGER NOT NULL DEFAULT 0,
    open_hours                 INTEGER NOT NULL DEFAULT 0,
    suspect_hours              INTEGER NOT NULL DEFAULT 0,
    alert_kinds                INTEGER NOT NULL DEFAULT 0,
    entries                    INTEGER NOT NULL DEFAULT 0,
    exits                      INTEGER NOT NULL DEFAULT 0,
    passers_by                 INTEGER NOT NULL DEFAULT 0,
    staff_excluded             INTEGER NOT NULL DEFAULT 0,
    dwell_sum_s                REAL NOT NULL DEFAULT 0,
    dwell_n                    INTEGER NOT NULL DEFAULT 0,
    transactions               INTEGER NOT NULL DEFAULT 0,
    items                      INTEGER NOT NULL DEFAULT 0,
    sales_fen                  INTEGER NOT NULL DEFAULT 0,
    staff_hours                REAL NOT NULL DEFAULT 0,
    local_hours                INTEGER NOT NULL DEFAULT 0,
    local_entries              INTEGER NOT NULL DEFAULT 0,
    local_passers_by           INTEGER NOT NULL DEFAULT 0,
    device_entries_local_hours INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (local_day, store_id)
) WITHOUT ROWID;
CREATE INDEX store_monthly_store ON store_monthly(store_id, local_day);

INSERT INTO store_weekly SELECT date(local_day, 'weekday 0', '-6 days'), store_id, count(*), sum(traded), sum(open_hours), sum(suspect_hours), max(alert_kinds), sum(entries), sum(exits), sum(passers_by), sum(staff_excluded), sum(dwell_sum_s), sum(dwell_n), sum(transactions), sum(items), sum(sales_fen), sum(staff_hours), sum(local_hours), sum(local_entries), sum(local_passers_by), sum(device_entries_local_hours)
    FROM store_daily GROUP BY 1, 2;
INSERT INTO store_monthly SELECT substr(local_day, 1, 8) || '01', store_id, count(*), sum(traded), sum(open_hours), sum(suspect_hours), max(alert_kinds), sum(entries), sum(exits), sum(passers_by), sum(staff_excluded), sum(dwell_sum_s), sum(dwell_n), sum(transactions), sum(items), sum(sales_fen), sum(staff_hours), sum(local_hours), sum(local_entries), sum(local_passers_by), sum(device_entries_local_hours)
    FROM store_daily GROUP BY 1, 2;
