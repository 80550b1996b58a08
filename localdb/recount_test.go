package localdb

import (
	"context"
	"errors"
	"testing"
	"time"
)

func seedCamera(t *testing.T, db *DB) int64 {
	t.Helper()
	s := seedStore(t, db)
	res, err := db.w.Exec(`INSERT INTO cameras (code, store_id, role) VALUES ('WH001-C1', ?, 'entrance')`, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

type bucketRow struct {
	start                                             int64
	entries, exits, passers, staff, reentries, dwellN int
	dwellSum                                          float64
}

func localBuckets(t *testing.T, db *DB, cam int64) []bucketRow {
	t.Helper()
	rows, err := db.r.Query(`SELECT bucket_start, entries, exits, passers_by, staff_excluded, reentries, dwell_n, dwell_sum_s
		FROM count_buckets WHERE camera_id = ? AND source = 'local' ORDER BY bucket_start`, cam)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []bucketRow
	for rows.Next() {
		var b bucketRow
		if err := rows.Scan(&b.start, &b.entries, &b.exits, &b.passers, &b.staff, &b.reentries, &b.dwellN, &b.dwellSum); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestSaveRecountBuckets(t *testing.T) {
	db := openTest(t)
	cam := seedCamera(t, db)
	ctx := context.Background()
	// 10:10 to 10:40 Shanghai time = 02:10 to 02:40 UTC: three quarter hours.
	start := time.Date(2026, 11, 20, 10, 10, 0, 0, time.FixedZone("CST", 8*3600))
	at := func(min float64) time.Time { return start.Add(time.Duration(min * float64(time.Minute))) }
	events := []RecountEvent{
		{At: at(1), Frame: 600, Line: "entrance", Direction: "in", Track: 1},
		{At: at(2), Frame: 1200, Line: "entrance", Direction: "in", Track: 2, Staff: true},
		{At: at(3), Frame: 1800, Line: "outside", Direction: "out", Track: 3},
		{At: at(4), Frame: 2400, Line: "outside", Direction: "in", Track: 4},
		{At: at(12), Frame: 7200, Line: "entrance", Direction: "out", Track: 1, Dwell: 11 * time.Minute},
		{At: at(14), Frame: 8400, Line: "entrance", Direction: "in", Track: 5, Reentry: true},
		{At: at(16), Frame: 9600, Line: "entrance", Direction: "in", Track: 6},
	}
	r := &Recount{CameraID: cam, Video: "/footage/wh001-c1.mp4", StartedAt: start, Duration: 30 * time.Minute, Frames: 18000, FPS: 10}
	if err := db.SaveRecount(ctx, r, events); err != nil {
		t.Fatal(err)
	}
	got := localBuckets(t, db, cam)
	q := func(h, m int) int64 { return time.Date(2026, 11, 20, h, m, 0, 0, time.UTC).Unix() }
	want := []bucketRow{
		{start: q(2, 0), entries: 1, staff: 1, passers: 2},
		{start: q(2, 15), exits: 1, reentries: 1, entries: 1, dwellN: 1, dwellSum: 660},
		{start: q(2, 30)},
	}
	if len(got) != len(want) {
		t.Fatalf("buckets %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bucket %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	back, err := db.RecountEvents(ctx, r.ID)
	if err != nil || len(back) != len(events) || back[4].Dwell != 11*time.Minute || !back[1].Staff || !back[0].At.Equal(events[0].At) {
		t.Fatalf("events came back as %+v (%v)", back, err)
	}

	// Recounting the same footage replaces the first recount: no doubling.
	r2 := &Recount{CameraID: cam, Video: r.Video, StartedAt: start, Duration: 30 * time.Minute, Frames: 18000, FPS: 10}
	if err := db.SaveRecount(ctx, r2, events[:1]); err != nil {
		t.Fatal(err)
	}
	got = localBuckets(t, db, cam)
	if len(got) != 3 || got[0].entries != 1 || got[0].staff != 0 || got[1].entries != 0 || got[1].exits != 0 {
		t.Errorf("after a recount of the same footage: %+v", got)
	}
	var n int
	db.r.QueryRow(`SELECT COUNT(*) FROM recounts`).Scan(&n)
	if n != 1 {
		t.Errorf("%d recounts stored, want the newer one only", n)
	}

	// A reviewer marks track 1 as staff: the entry moves to staff.
	if err := db.MarkTrackStaff(ctx, r2.ID, 1); err != nil {
		t.Fatal(err)
	}
	got = localBuckets(t, db, cam)
	if got[0].entries != 0 || got[0].staff != 1 {
		t.Errorf("after marking track 1 as staff: %+v", got[0])
	}
	if err := db.MarkTrackStaff(ctx, r2.ID, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("marking a track that crossed nothing: %v", err)
	}
}

func TestSaveRecountRefusesUnknownCamera(t *testing.T) {
	db := openTest(t)
	seedCamera(t, db)
	ctx := context.Background()
	err := db.SaveRecount(ctx, &Recount{CameraID: 999, Video: "x.mp4", StartedAt: time.Now(), Duration: time.Minute, Frames: 600, FPS: 10},
		[]RecountEvent{{At: time.Now(), Line: "entrance", Direction: "in", Track: 1}})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("recount for camera 999: %v, want ErrNotFound", err)
	}
	var n int
	db.r.QueryRow(`SELECT COUNT(*) FROM count_events`).Scan(&n)
	if n != 0 {
		t.Errorf("%d events stored from a refused recount", n)
	}
	// A bad event rolls the whole recount back.
	cam := int64(1)
	err = db.SaveRecount(ctx, &Recount{CameraID: cam, Video: "y.mp4", StartedAt: time.Now(), Duration: time.Minute, Frames: 600, FPS: 10},
		[]RecountEvent{{At: time.Now(), Line: "entrance", Direction: "in", Track: 1}, {At: time.Now(), Line: "diagonal", Direction: "in", Track: 2}})
	if !errors.Is(err, ErrConstraint) {
		t.Fatalf("recount with a bad line name: %v, want ErrConstraint", err)
	}
	db.r.QueryRow(`SELECT COUNT(*) FROM recounts`).Scan(&n)
	if n != 0 {
		t.Errorf("%d recounts stored after a failed save", n)
	}
}
