package localdb

import (
	"context"
	"fmt"
	"time"
)

// Timeline is what a day of a camera's footage is laid over: the counts
// (device and local, by 15 minutes), the local recount's single crossings,
// the camera's alerts and the store's receipts.
type Timeline struct {
	Buckets  []TimelineBucket
	Events   []TimelineEvent
	Alerts   []TimelineAlert
	Receipts []time.Time
}

// TimelineBucket is one 15-minute count of a camera.
type TimelineBucket struct {
	Start   time.Time
	Source  string // device or local
	In, Out int
	Suspect bool
}

// TimelineEvent is one crossing found by a local recount.
type TimelineEvent struct {
	At    time.Time
	Dir   string // in or out
	Line  string // entrance or outside
	Track int
	Staff bool
}

// TimelineAlert is one camera alert over the day.
type TimelineAlert struct {
	Kind     string
	From, To time.Time // To is zero while open
}

// CameraTimeline reads a camera's timeline over [from, to).
func (db *DB) CameraTimeline(ctx context.Context, cameraID int64, from, to time.Time) (Timeline, error) {
	var tl Timeline
	rows, err := db.r.QueryContext(ctx, `SELECT bucket_start, source, entries, exits, suspect FROM count_buckets
		WHERE camera_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start, source`, cameraID, from.Unix(), to.Unix())
	if err != nil {
		return tl, fmt.Errorf("read the camera's timeline: %w", MapError(err))
	}
	for rows.Next() {
		var b TimelineBucket
		var start int64
		if err := rows.Scan(&start, &b.Source, &b.In, &b.Out, &b.Suspect); err != nil {
			rows.Close()
			return tl, err
		}
		b.Start = time.Unix(start, 0)
		tl.Buckets = append(tl.Buckets, b)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT e.t_ms, e.direction, e.line, e.track, e.staff FROM count_events e
		JOIN recounts r ON r.id = e.recount_id WHERE r.camera_id = ? AND e.t_ms >= ? AND e.t_ms < ? ORDER BY e.t_ms`,
		cameraID, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return tl, MapError(err)
	}
	for rows.Next() {
		var e TimelineEvent
		var ms int64
		if err := rows.Scan(&ms, &e.Dir, &e.Line, &e.Track, &e.Staff); err != nil {
			rows.Close()
			return tl, err
		}
		e.At = time.UnixMilli(ms)
		tl.Events = append(tl.Events, e)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT kind, started_at, COALESCE(ended_at, 0) FROM camera_alerts
		WHERE camera_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at`, cameraID, to.Unix(), from.Unix())
	if err != nil {
		return tl, MapError(err)
	}
	for rows.Next() {
		var a TimelineAlert
		var s, e int64
		if err := rows.Scan(&a.Kind, &s, &e); err != nil {
			rows.Close()
			return tl, err
		}
		a.From, a.To = time.Unix(s, 0), unixTime(e)
		tl.Alerts = append(tl.Alerts, a)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT p.t FROM pos_receipts p JOIN cameras c ON c.store_id = p.store_id
		WHERE c.id = ? AND p.t >= ? AND p.t < ? ORDER BY p.t`, cameraID, from.Unix(), to.Unix())
	if err != nil {
		return tl, MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return tl, err
		}
		tl.Receipts = append(tl.Receipts, time.Unix(t, 0))
	}
	return tl, rows.Err()
}
