package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Recount is one run of the local counter over one video of one camera.
type Recount struct {
	ID          int64 // set by SaveRecount
	CameraID    int64
	RecordingID int64 // 0 when the video is not a synced recording
	Video       string
	// StartedAt is the wall-clock time of the video's first frame.
	StartedAt time.Time
	// Duration is the length of the analysed footage.
	Duration time.Duration
	Frames   int
	FPS      float64
	// Params is the counting set-up as JSON (lines, detector, thresholds),
	// kept so a reviewer can see what produced the numbers.
	Params string
}

// RecountEvent is one line crossing found by a recount.
type RecountEvent struct {
	At        time.Time
	Frame     int
	Line      string // "entrance" or "outside"
	Direction string // "in" or "out"
	Track     int
	Staff     bool
	Reentry   bool
	// Dwell is the time inside for an exit matched to its entry; 0 if none.
	Dwell time.Duration
}

// SaveRecount stores a recount and its events, replaces any earlier recount
// of the same camera that covers an overlapping period (a recount of the
// same footage supersedes the last one instead of doubling its counts),
// rebuilds the camera's source='local' 15-minute buckets over the period and
// refreshes the store's rollups, all in one transaction: either the whole
// recount lands or nothing changes.
func (db *DB) SaveRecount(ctx context.Context, r *Recount, events []RecountEvent) error {
	if r.CameraID == 0 {
		return fmt.Errorf("recount of %s: no camera given; a recount is stored against a camera", r.Video)
	}
	if r.StartedAt.IsZero() {
		return fmt.Errorf("recount of %s: the time of the first frame is unknown; give the start time", r.Video)
	}
	from := r.StartedAt.UTC()
	to := from.Add(r.Duration)
	return db.write(ctx, func(tx *sql.Tx) error {
		var storeID int64
		if err := tx.QueryRowContext(ctx, `SELECT store_id FROM cameras WHERE id = ?`, r.CameraID).Scan(&storeID); err != nil {
			if err == sql.ErrNoRows {
				return fmt.Errorf("recount of %s: camera %d is not in the local store; sync first: %w", r.Video, r.CameraID, ErrNotFound)
			}
			return err
		}
		// Earlier recounts of this camera over an overlapping period go;
		// the buckets are rebuilt over everything they covered.
		const overlap = `camera_id = ? AND started_at < ? AND started_at + CAST(frames / MAX(fps, 0.001) AS INTEGER) + 1 > ?`
		var oldFrom, oldTo sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(started_at), MAX(started_at + CAST(frames / MAX(fps, 0.001) AS INTEGER) + 1) FROM recounts WHERE `+overlap,
			r.CameraID, to.Unix()+1, from.Unix()).Scan(&oldFrom, &oldTo); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recounts WHERE `+overlap, r.CameraID, to.Unix()+1, from.Unix()); err != nil {
			return err
		}
		span0, span1 := from, to
		if oldFrom.Valid && oldFrom.Int64 < span0.Unix() {
			span0 = time.Unix(oldFrom.Int64, 0)
		}
		if oldTo.Valid && oldTo.Int64 > span1.Unix() {
			span1 = time.Unix(oldTo.Int64, 0)
		}
		var rec any
		if r.RecordingID != 0 {
			rec = r.RecordingID
		}
		params := r.Params
		if params == "" {
			params = "{}"
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO recounts (camera_id, recording_id, video, started_at, frames, fps, params) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.CameraID, rec, r.Video, from.Unix(), r.Frames, r.FPS, params)
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO count_events (recount_id, t_ms, frame, line, direction, track, staff, reentry, dwell_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, e := range events {
			var dwell any
			if e.Dwell > 0 {
				dwell = e.Dwell.Seconds()
			}
			if _, err := ins.ExecContext(ctx, r.ID, e.At.UnixMilli(), e.Frame, e.Line, e.Direction, e.Track, e.Staff, e.Reentry, dwell); err != nil {
				return fmt.Errorf("recount of %s, event at frame %d: %w", r.Video, e.Frame, err)
			}
		}
		return rebuildLocalBuckets(ctx, tx, r.CameraID, storeID, span0, span1)
	})
}

// MarkTrackStaff records a reviewer's "this is staff" on one track of a
// recount: its crossings become staff crossings (no longer entries) and the
// camera's local buckets and the store's rollups follow.
func (db *DB) MarkTrackStaff(ctx context.Context, recountID int64, track int) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var cam, store, started, frames int64
		var fps float64
		err := tx.QueryRowContext(ctx, `SELECT r.camera_id, c.store_id, r.started_at, r.frames, r.fps FROM recounts r JOIN cameras c ON c.id = r.camera_id WHERE r.id = ?`, recountID).
			Scan(&cam, &store, &started, &frames, &fps)
		if err == sql.ErrNoRows {
			return fmt.Errorf("recount %d is not in the local store (it may have been replaced by a newer recount): %w", recountID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE count_events SET staff = 1 WHERE recount_id = ? AND track = ?`, recountID, track)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("track %d crossed no line in recount %d; pick a track from its events: %w", track, recountID, ErrNotFound)
		}
		from := time.Unix(started, 0)
		to := from.Add(time.Duration(float64(frames) / max(fps, 0.001) * float64(time.Second)))
		return rebuildLocalBuckets(ctx, tx, cam, store, from, to)
	})
}

// RecountEvents lists the events of a recount in time order.
func (db *DB) RecountEvents(ctx context.Context, recountID int64) ([]RecountEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT t_ms, frame, line, direction, track, staff, reentry, COALESCE(dwell_s, 0) FROM count_events WHERE recount_id = ? ORDER BY t_ms, id`, recountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecountEvent
	for rows.Next() {
		var e RecountEvent
		var ms int64
		var dwell float64
		if err := rows.Scan(&ms, &e.Frame, &e.Line, &e.Direction, &e.Track, &e.Staff, &e.Reentry, &dwell); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(ms).UTC()
		e.Dwell = time.Duration(dwell * float64(time.Second))
		out = append(out, e)
	}
	return out, rows.Err()
}

// rebuildLocalBuckets recomputes the camera's local 15-minute buckets that
// overlap [from, to) from the events of every recount of the camera. Every
// bucket the footage covers gets a row, zero counts included: an empty
// quarter hour in a recount is a finding, not missing data.
func rebuildLocalBuckets(ctx context.Context, tx *sql.Tx, cameraID, storeID int64, from, to time.Time) error {
	first := from.Unix() / 900 * 900
	end := (to.Unix() + 899) / 900 * 900
	if end <= first {
		end = first + 900
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM count_buckets WHERE camera_id = ? AND source = 'local' AND bucket_start >= ? AND bucket_start < ?`, cameraID, first, end); err != nil {
		return err
	}
	for b := first; b < end; b += 900 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO count_buckets (camera_id, source, bucket_start, store_id) VALUES (?, 'local', ?, ?)`, cameraID, b, storeID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE count_buckets SET
			entries        = agg.entries,
			exits          = agg.exits,
			passers_by     = agg.passers_by,
			staff_excluded = agg.staff_excluded,
			reentries      = agg.reentries,
			dwell_sum_s    = agg.dwell_sum,
			dwell_n        = agg.dwell_n
		FROM (
			SELECT (e.t_ms / 1000) / 900 * 900 AS b,
				SUM(e.line = 'entrance' AND e.direction = 'in' AND e.staff = 0 AND e.reentry = 0) AS entries,
				SUM(e.line = 'entrance' AND e.direction = 'out' AND e.staff = 0) AS exits,
				SUM(e.line = 'outside' AND e.staff = 0) AS passers_by,
				SUM(e.line = 'entrance' AND e.direction = 'in' AND e.staff = 1) AS staff_excluded,
				SUM(e.line = 'entrance' AND e.direction = 'in' AND e.staff = 0 AND e.reentry = 1) AS reentries,
				COALESCE(SUM(CASE WHEN e.staff = 0 THEN e.dwell_s END), 0) AS dwell_sum,
				COUNT(CASE WHEN e.staff = 0 THEN e.dwell_s END) AS dwell_n
			FROM count_events e JOIN recounts r ON r.id = e.recount_id
			WHERE r.camera_id = ? AND e.t_ms >= ? * 1000 AND e.t_ms < ? * 1000
			GROUP BY b
		) AS agg
		WHERE count_buckets.camera_id = ? AND count_buckets.source = 'local' AND count_buckets.bucket_start = agg.b`,
		cameraID, first, end, cameraID); err != nil {
		return err
	}
	return refreshRollups(ctx, tx, storeID, time.Unix(first, 0), time.Unix(end, 0))
}

// CountingCamera is a camera and its counting geometry, as a recount needs
// it: each kind ('entrance', 'outside', 'staff_zone', 'till_zone') maps to
// its points text 'x1,y1,x2,y2[,…]' in the camera's pixels.
type CountingCamera struct {
	ID      int64
	StoreID int64
	Code    string
	Width   int // 0 when unknown
	Height  int
	Lines   map[string]string
}

// CountingCameraByCode looks a camera up by its code.
func (db *DB) CountingCameraByCode(ctx context.Context, code string) (CountingCamera, error) {
	c := CountingCamera{Code: code, Lines: map[string]string{}}
	var w, h sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT id, store_id, frame_width, frame_height FROM cameras WHERE code = ?`, code).Scan(&c.ID, &c.StoreID, &w, &h)
	if err == sql.ErrNoRows {
		return c, fmt.Errorf("camera %q is not in the local store; check the code or sync first: %w", code, ErrNotFound)
	}
	if err != nil {
		return c, err
	}
	c.Width, c.Height = int(w.Int64), int(h.Int64)
	rows, err := db.r.QueryContext(ctx, `SELECT kind, points FROM counting_lines WHERE camera_id = ?`, c.ID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, p string
		if err := rows.Scan(&k, &p); err != nil {
			return c, err
		}
		c.Lines[k] = p
	}
	return c, rows.Err()
}
