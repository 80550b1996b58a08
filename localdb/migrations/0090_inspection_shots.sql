-- 0090: the snapshots this laptop takes for scheduled inspections, one per
-- schedule, camera and due moment (so a run caught up after the laptop was
-- closed never takes one twice), and the date a schedule applies from.

ALTER TABLE inspection_schedules ADD COLUMN starts_on TEXT NOT NULL DEFAULT '';

CREATE TABLE inspection_shots (
    id          INTEGER PRIMARY KEY,
    schedule_id INTEGER NOT NULL REFERENCES inspection_schedules(id) ON DELETE CASCADE,
    camera_id   INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
    due         INTEGER NOT NULL,            -- unix seconds of the store-local due moment
    taken_at    INTEGER NOT NULL,            -- unix seconds
    source      TEXT NOT NULL CHECK (source IN ('live', 'recording', 'hq')),
    snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
    UNIQUE (schedule_id, camera_id, due)
);
CREATE INDEX inspection_shots_due ON inspection_shots(due);
