-- 0030: camera health.
--
-- camera_references: what each camera normally sees, learnt from normal
-- footage (vision/health's Reference, encoded), so later checks compare the
-- camera against itself; replaced when the manager re-learns it after a
-- legitimate re-installation.
CREATE TABLE camera_references (
    camera_id  INTEGER PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
    learnt_at  INTEGER NOT NULL,              -- wall clock, UTC Unix seconds
    learnt_from TEXT NOT NULL DEFAULT '',     -- footage it was learnt from
    reference  BLOB NOT NULL
);

-- Counts taken while a camera was in alert are suspect, whichever arrives
-- first: an alert marks the camera's existing 15-minute buckets it overlaps,
-- and a bucket written (or re-written by a sync upsert) during an alert is
-- marked as it lands. An open alert (ended_at NULL) covers everything after
-- its start. Marks are never removed by these triggers.
CREATE TRIGGER camera_alerts_suspect_insert AFTER INSERT ON camera_alerts BEGIN
    UPDATE count_buckets SET suspect = 1
    WHERE camera_id = NEW.camera_id AND suspect = 0
      AND bucket_start + 900 > NEW.started_at
      AND (NEW.ended_at IS NULL OR bucket_start < NEW.ended_at);
END;

CREATE TRIGGER camera_alerts_suspect_update AFTER UPDATE OF camera_id, started_at, ended_at ON camera_alerts BEGIN
    UPDATE count_buckets SET suspect = 1
    WHERE camera_id = NEW.camera_id AND suspect = 0
      AND bucket_start + 900 > NEW.started_at
      AND (NEW.ended_at IS NULL OR bucket_start < NEW.ended_at);
END;

CREATE TRIGGER count_buckets_suspect_insert AFTER INSERT ON count_buckets
WHEN NEW.suspect = 0 AND EXISTS (
    SELECT 1 FROM camera_alerts a
    WHERE a.camera_id = NEW.camera_id AND a.started_at < NEW.bucket_start + 900
      AND (a.ended_at IS NULL OR a.ended_at > NEW.bucket_start))
BEGIN
    UPDATE count_buckets SET suspect = 1
    WHERE camera_id = NEW.camera_id AND source = NEW.source AND bucket_start = NEW.bucket_start;
END;

CREATE TRIGGER count_buckets_suspect_update AFTER UPDATE ON count_buckets
WHEN NEW.suspect = 0 AND EXISTS (
    SELECT 1 FROM camera_alerts a
    WHERE a.camera_id = NEW.camera_id AND a.started_at < NEW.bucket_start + 900
      AND (a.ended_at IS NULL OR a.ended_at > NEW.bucket_start))
BEGIN
    UPDATE count_buckets SET suspect = 1
    WHERE camera_id = NEW.camera_id AND source = NEW.source AND bucket_start = NEW.bucket_start;
END;
