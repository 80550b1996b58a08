package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"path/filepath"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/vision"
	"storelens/vision/health"
)

// bannerClip writes the first `seconds` of vtest.avi to an MJPG file, with
// a flat banner over the upper right of the view from `from` seconds on
// (from < 0: never).
func bannerClip(t *testing.T, seconds, from float64) string {
	t.Helper()
	src := assetstest.Footage(t, "vtest.avi")
	s, err := vision.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := filepath.Join(t.TempDir(), "clip.avi")
	w, err := gocv.VideoWriterFile(out, "MJPG", s.FPS(), s.Size().X, s.Size().Y, true)
	if err != nil {
		t.Fatal(err)
	}
	f := gocv.NewMat()
	defer f.Close()
	for n := 0; float64(n)/s.FPS() < seconds; n++ {
		if err := s.Read(context.Background(), &f); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatal(err)
		}
		if from >= 0 && float64(n)/s.FPS() >= from {
			gocv.Rectangle(&f, image.Rect(f.Cols()/2, 0, f.Cols(), f.Rows()*2/3), color.RGBA{200, 30, 40, 0}, -1)
		}
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func healthStore(t *testing.T) *localdb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := localdb.Open(ctx, localdb.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = func() error {
		tx := localdbtest.Conn(t, db)
		if err := db.UpsertRegion(ctx, localdb.Region{ID: "hubei", Name: "湖北区", TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
		if err := db.UpsertStore(ctx, localdb.Store{ID: 101, Code: "WH001", Name: "武汉群光店", RegionID: "hubei", TimeZone: "Asia/Shanghai",
			Hours: []localdb.OpeningHours{{ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Weekdays: localdb.AllWeek, Opens: "10:00", Closes: "22:00"}}}); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO cameras(id, code, store_id, role) VALUES (7, 'WH001-C1', 101, 'entrance')`); err != nil {
			return err
		}
		// Device counts 10:00–12:00 local (02:00–04:00 UTC).
		for b := int64(1795140000); b < 1795140000+2*3600; b += 900 { // 2026-11-20 02:00 UTC
			if _, err := tx.Exec(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries) VALUES (7, 'device', ?, 101, 12)`, b); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestHealthCheckStoresAlertsAndMarksCounts: a banner hung at 10:44:30 in a
// recording that starts at 10:44 is stored as a local occlusion alert at the
// right wall-clock time; the counts of that quarter hour become suspect, the
// store's hour is suspect in the rollups; checking the same footage again
// does not double the alert; the next recording, with the banner gone,
// closes it.
func TestHealthCheckStoresAlertsAndMarksCounts(t *testing.T) {
	db := healthStore(t)
	ctx := context.Background()
	clip := bannerClip(t, 52, 30)
	start := time.Date(2026, 11, 20, 10, 44, 0, 0, time.FixedZone("CST", 8*3600)) // 02:44 UTC
	req := HealthCheckRequest{Video: clip, CameraCode: "wh001-c1", Start: start}
	var first *HealthCheckOutcome
	for run := range 2 {
		out, err := CheckHealth(ctx, db, req)
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = out
		}
	}
	if !first.ReferenceStored || !first.Report.Learnt {
		t.Errorf("first check of the camera should learn and store its reference: %+v", first)
	}
	alerts, err := db.HealthAlerts(ctx, localdb.AlertFilter{CameraID: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 {
		t.Fatalf("after two checks of the same footage: %d alerts stored, want 1: %+v", len(alerts), alerts)
	}
	a := alerts[0]
	bannerAt := start.Add(30 * time.Second)
	if a.Kind != "occlusion" || a.Source != "local" || !a.Open() || a.Started.Before(bannerAt) || a.Started.After(bannerAt.Add(5*time.Second)) {
		t.Errorf("stored alert = %+v, want an open local occlusion from about %s", a, bannerAt.UTC())
	}
	var suspect []int64
	rows, _ := localdbtest.Conn(t, db).Query(`SELECT bucket_start FROM count_buckets WHERE camera_id = 7 AND suspect = 1 ORDER BY bucket_start`)
	for rows.Next() {
		var b int64
		rows.Scan(&b)
		suspect = append(suspect, b)
	}
	rows.Close()
	// The alert is open, so 02:30 UTC and every later bucket are suspect.
	if len(suspect) != 6 || suspect[0] != time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC).Unix() {
		t.Errorf("suspect buckets = %v", suspect)
	}
	hours, _, err := db.SuspectHours(ctx, 101, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(hours) == 0 || !hours[0].Equal(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("rollup suspect hours = %v, want 10:00 local (02:00 UTC) first", hours)
	}

	// The next recording, 11:30, uses the stored reference and shows the
	// view clear again: the open alert ends there.
	clean := bannerClip(t, 25, -1)
	next := time.Date(2026, 11, 20, 11, 30, 0, 0, time.FixedZone("CST", 8*3600))
	out, err := CheckHealth(ctx, db, HealthCheckRequest{Video: clean, CameraCode: "WH001-C1", Start: next})
	if err != nil {
		t.Fatal(err)
	}
	if out.Report.Learnt || out.ReferenceStored || out.ClosedAlerts != 1 || len(out.StoredAlerts) != 0 {
		t.Errorf("second recording: learnt=%v stored=%v closed=%d new=%d", out.Report.Learnt, out.ReferenceStored, out.ClosedAlerts, len(out.StoredAlerts))
	}
	alerts, _ = db.HealthAlerts(ctx, localdb.AlertFilter{CameraID: 7})
	if len(alerts) != 1 || !alerts[0].Ended.Equal(next) {
		t.Errorf("after the clean recording: %+v, want the alert ended at %s", alerts, next.UTC())
	}
}

func TestHealthCheckRefusesBadInputAndKeepsStore(t *testing.T) {
	db := healthStore(t)
	ctx := context.Background()
	clip := bannerClip(t, 12, -1)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		req  HealthCheckRequest
	}{
		{"unknown camera", HealthCheckRequest{Video: clip, CameraCode: "NOPE", Start: at}},
		{"no start time", HealthCheckRequest{Video: clip, CameraCode: "WH001-C1"}},
		{"missing video", HealthCheckRequest{Video: filepath.Join(t.TempDir(), "gone.avi"), CameraCode: "WH001-C1", Start: at}},
		{"missing reference", HealthCheckRequest{Video: clip, CameraCode: "WH001-C1", Start: at, Reference: "/nowhere/ref.png"}},
	}
	for _, tc := range cases {
		if _, err := CheckHealth(ctx, db, tc.req); err == nil {
			t.Errorf("%s: accepted", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	var n int
	localdbtest.Conn(t, db).QueryRow(`SELECT (SELECT count(*) FROM camera_alerts) + (SELECT count(*) FROM camera_references) + (SELECT count(*) FROM count_buckets WHERE suspect = 1)`).Scan(&n)
	if n != 0 {
		t.Errorf("refused checks left %d rows behind", n)
	}
}

// TestCheckRecordingHealth: a downloaded clip is checked with its own start
// time and camera; a clip not yet downloaded is refused with the next step.
func TestCheckRecordingHealth(t *testing.T) {
	db := healthStore(t)
	ctx := context.Background()
	clip := bannerClip(t, 45, 20)
	starts := time.Date(2026, 11, 20, 2, 10, 0, 0, time.UTC)
	_, err := localdbtest.Conn(t, db).Exec(`INSERT INTO recordings(id, remote_id, camera_id, starts, duration_s, size_bytes, sha256, url, local_path, state) VALUES
		(1, 'rec-1', 7, ?, 40, 1, 'x', 'http://hq/rec-1', ?, 'ready'),
		(2, 'rec-2', 7, ?, 40, 1, 'x', 'http://hq/rec-2', NULL, 'remote')`, starts.Unix(), clip, starts.Add(time.Hour).Unix())
	if err != nil {
		t.Fatal(err)
	}
	a := &App{db: db}
	out, err := a.CheckRecordingHealth(ctx, 1, health.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.StoredAlerts) != 1 || out.StoredAlerts[0].Kind != "occlusion" {
		t.Fatalf("stored alerts = %+v, want one occlusion", out.StoredAlerts)
	}
	if at := out.StoredAlerts[0].Started; at.Before(starts.Add(20*time.Second)) || at.After(starts.Add(25*time.Second)) {
		t.Errorf("alert starts at %s, the banner went up at %s", at, starts.Add(20*time.Second))
	}
	if _, err := a.CheckRecordingHealth(ctx, 2, health.Config{}); err == nil {
		t.Error("a clip that is not downloaded was checked")
	} else {
		t.Log(err)
	}
	if _, err := a.CheckRecordingHealth(ctx, 99, health.Config{}); !errors.Is(err, localdb.ErrNotFound) {
		t.Errorf("missing recording: err = %v", err)
	}
}
