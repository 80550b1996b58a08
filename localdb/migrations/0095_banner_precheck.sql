-- 0095: the pre-checks' zones. An entrance or storefront camera may have a
-- 'door_zone' (where a greeter stands: the greeting check's pre-check
-- looks for a person there) and a 'banner_zone' (where the hanging banner
-- should be: a banner check's snapshot is compared there with the last one
-- the manager passed, suggestion 'same' or 'changed'). SQLite cannot widen a CHECK, so both
-- tables are made anew with the same rows (nothing references them).
CREATE TABLE counting_lines_0095 (
    id        INTEGER PRIMARY KEY,
    camera_id INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('entrance', 'outside', 'staff_zone', 'till_zone', 'till_staff', 'door_zone', 'banner_zone')),
    points    TEXT NOT NULL,   -- 'x1,y1,x2,y2[,x3,y3…]'
    UNIQUE (camera_id, kind)
);
INSERT INTO counting_lines_0095(id, camera_id, kind, points) SELECT id, camera_id, kind, points FROM counting_lines;
DROP TABLE counting_lines;
ALTER TABLE counting_lines_0095 RENAME TO counting_lines;

CREATE TABLE inspection_shots_0095 (
    id          INTEGER PRIMARY KEY,
    schedule_id INTEGER NOT NULL REFERENCES inspection_schedules(id) ON DELETE CASCADE,
    camera_id   INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    due         INTEGER NOT NULL,            -- unix seconds of the store-local due moment
    taken_at    INTEGER NOT NULL,            -- unix seconds
    source      TEXT NOT NULL CHECK (source IN ('live', 'recording', 'hq')),
    snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
    suggestion  TEXT NOT NULL DEFAULT '' CHECK (suggestion IN ('', 'person', 'nobody', 'same', 'changed')),
    UNIQUE (schedule_id, camera_id, due)
);
INSERT INTO inspection_shots_0095(id, schedule_id, camera_id, due, taken_at, source, snapshot_id, suggestion)
    SELECT id, schedule_id, camera_id, due, taken_at, source, snapshot_id, suggestion FROM inspection_shots;
DROP TABLE inspection_shots;
ALTER TABLE inspection_shots_0095 RENAME TO inspection_shots;
CREATE INDEX inspection_shots_due ON inspection_shots(due);
