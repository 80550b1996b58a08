package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"storelens/assets/assetstest"
	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/vision"
)

func TestRecountStoresEventsAndBuckets(t *testing.T) {
	video := assetstest.Footage(t, "vtest.avi")
	ctx := context.Background()
	db, err := localdb.Open(ctx, localdb.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = func() error {
		tx := localdbtest.Conn(t, db)
		if err := db.UpsertRegion(ctx, localdb.Region{ID: "hubei", Name: "湖北区", TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
		if err := db.UpsertStore(ctx, localdb.Store{ID: 7, Code: "WH007", Name: "武汉江汉路店", RegionID: "hubei", TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO cameras (id, code, store_id, role) VALUES (70, 'WH007-DOOR', 7, 'entrance')`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO counting_lines (camera_id, kind, points) VALUES (70, 'entrance', '384,120,384,576')`)
		return err
	}()
	if err != nil {
		t.Fatal(err)
	}
	// 10:14:10 in Wuhan: the 80 s clip spans two quarter hours.
	start := time.Date(2026, 11, 20, 10, 14, 10, 0, time.FixedZone("CST", 8*3600))
	out, err := Recount(ctx, db, RecountRequest{Video: video, CameraCode: "WH007-DOOR", Start: start})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Result
	if out.RecountID == 0 || r.In+r.Out < 20 {
		t.Fatalf("recount %d: %d in, %d out; the PETS clip has about 30 crossings of x=384", out.RecountID, r.In, r.Out)
	}
	rows, err := localdbtest.Conn(t, db).Query(`SELECT bucket_start, entries, exits FROM count_buckets WHERE camera_id = 70 AND source = 'local' ORDER BY bucket_start`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var starts []int64
	entries, exits := 0, 0
	for rows.Next() {
		var b int64
		var e, x int
		rows.Scan(&b, &e, &x)
		starts = append(starts, b)
		entries += e
		exits += x
	}
	q := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC).Unix()
	if len(starts) != 2 || starts[0] != q || starts[1] != q+900 {
		t.Errorf("local buckets start at %v, want 02:00 and 02:15 UTC", starts)
	}
	if entries != r.Entries || exits != r.Out {
		t.Errorf("buckets hold %d entries and %d exits, the recount found %d and %d", entries, exits, r.Entries, r.Out)
	}
	stored, err := db.RecountEvents(ctx, out.RecountID)
	if err != nil || len(stored) != len(r.Events) {
		t.Fatalf("%d events stored, %d found (%v)", len(stored), len(r.Events), err)
	}
	if want := start.Add(r.Events[0].T); stored[0].At.Sub(want).Abs() > time.Millisecond {
		t.Errorf("first event stored at %v, want %v", stored[0].At, want)
	}

	// A bad video stores nothing and says which file.
	_, err = Recount(ctx, db, RecountRequest{Video: "/nonexistent/door.mp4", CameraCode: "WH007-DOOR", Start: start})
	if !errors.Is(err, vision.ErrSourceMissing) {
		t.Errorf("recount of a missing file: %v", err)
	}
	var n int
	localdbtest.Conn(t, db).QueryRow(`SELECT COUNT(*) FROM recounts`).Scan(&n)
	if n != 1 {
		t.Errorf("%d recounts stored, want the one good recount", n)
	}
	// An unknown camera is refused before any work.
	if _, err := Recount(ctx, db, RecountRequest{Video: video, CameraCode: "NOPE", Start: start}); !errors.Is(err, localdb.ErrNotFound) {
		t.Errorf("recount for an unknown camera: %v", err)
	}
}

// TestRecountShowsEveryoneToTheReview: the review draws the boxes of a
// recount over the footage; they cover the people far from the line too,
// though the count itself looks only near it.
func TestRecountShowsEveryoneToTheReview(t *testing.T) {
	if testing.Short() {
		t.Skip("a recount with the learnt detector")
	}
	video := assetstest.Footage(t, "vtest.avi")
	far := 0
	out, err := Recount(context.Background(), nil, RecountRequest{Video: video,
		Count: vision.Config{Entrance: vision.Line{A: vision.Pt{X: 384, Y: 120}, B: vision.Pt{X: 384, Y: 576}}},
		OnTracks: func(frame int, tracks []TrackBox) {
			for _, tb := range tracks {
				if tb.Box.Foot().X < 150 {
					far++
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Result.In+out.Result.Out < 20 {
		t.Fatalf("%d in, %d out on x=384; the PETS clip has about 30 crossings", out.Result.In, out.Result.Out)
	}
	if far < 50 {
		t.Errorf("%d boxes of people left of x=150, 230 px from the line; the review must show them (PETS09 has people walking there for most of the clip)", far)
	}
}

// The people found ahead, from 30 s into the clip, are at the frames the
// recount analyses and are the people its tracks show there.
func TestPeopleAheadAreThePeopleTheRecountShows(t *testing.T) {
	if testing.Short() {
		t.Skip("the learnt detector over footage")
	}
	video := assetstest.Footage(t, "vtest.avi")
	ahead := map[int]int{}
	first := -1
	start := time.Now()
	var firstAfter time.Duration
	err := PeopleAhead(context.Background(), video, 30*time.Second, 10*time.Second, func(frame int, people []TrackBox) {
		if first < 0 {
			first, firstAfter = frame, time.Since(start)
		}
		ahead[frame] = len(people)
	})
	if err != nil {
		t.Fatal(err)
	}
	if first != 300 || len(ahead) != 50 {
		t.Fatalf("looks ahead start at frame %d, %d of them; want frame 300 (30 s at 10 fps) and 50 (5 a second for 10 s)", first, len(ahead))
	}
	tracked := map[int]int{}
	if _, err := Recount(context.Background(), nil, RecountRequest{Video: video,
		Count: vision.Config{Entrance: vision.Line{A: vision.Pt{X: 384, Y: 120}, B: vision.Pt{X: 384, Y: 576}}},
		OnTracks: func(frame int, tracks []TrackBox) {
			if _, ok := ahead[frame]; ok {
				tracked[frame] = len(tracks)
			}
		}}); err != nil {
		t.Fatal(err)
	}
	if len(tracked) != len(ahead) {
		t.Errorf("the recount analysed %d of the %d frames looked at ahead", len(tracked), len(ahead))
	}
	var a, r int
	for f, n := range ahead {
		a += n
		r += tracked[f]
	}
	t.Logf("people ahead %d, in the recount's tracks %d, over %d frames; the first look ahead came %v after the call", a, r, len(ahead), firstAfter.Round(time.Millisecond))
	if a < 3*len(ahead) || float64(a) < 0.8*float64(r) || float64(a) > 1.2*float64(r) {
		t.Errorf("%d people found ahead against %d in the recount's tracks at the same frames", a, r)
	}
}
