package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"storelens/app/vocab"
)

// seedHealthCamera adds an entrance camera to the store of seedStore.
func seedHealthCamera(t *testing.T, db *DB, id int64, code string, storeID int64) {
	t.Helper()
	err := db.write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO cameras(id, code, store_id, name, role) VALUES (?, ?, ?, '入口', 'entrance')`, id, code, storeID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// putHealthBucket writes a count bucket the way a sync page does: an upsert that
// carries the device's own suspect flag.
func putHealthBucket(t *testing.T, db *DB, camera, store int64, source string, start time.Time, entries int) {
	t.Helper()
	err := db.write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries, suspect) VALUES (?, ?, ?, ?, ?, 0)
			ON CONFLICT(camera_id, source, bucket_start) DO UPDATE SET entries = excluded.entries, suspect = excluded.suspect`,
			camera, source, start.Unix(), store, entries)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func suspectHealthBuckets(t *testing.T, db *DB, camera int64) []string {
	t.Helper()
	rows, err := db.r.Query(`SELECT source, bucket_start FROM count_buckets WHERE camera_id = ? AND suspect = 1 ORDER BY bucket_start, source`, camera)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		var b int64
		if err := rows.Scan(&src, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s@%s", src, time.Unix(b, 0).UTC().Format("15:04")))
	}
	return out
}

func TestAlertMarksOverlappingCountsSuspect(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s := seedStore(t, db)
	seedHealthCamera(t, db, 7, "WH001-C1", s.ID)
	seedHealthCamera(t, db, 8, "WH001-C2", s.ID)
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for q := range 8 { // 02:00 … 03:45 UTC
		b := day.Add(2*time.Hour + time.Duration(q)*15*time.Minute)
		putHealthBucket(t, db, 7, s.ID, "device", b, 5)
		putHealthBucket(t, db, 8, s.ID, "device", b, 5)
	}
	putHealthBucket(t, db, 7, s.ID, "local", day.Add(2*time.Hour+30*time.Minute), 4)

	// A banner from 02:20 to 02:50 on camera 7.
	var id int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertHealthAlert(ctx, tx, HealthAlert{CameraID: 7, Kind: vocab.AlertOcclusion, Source: vocab.AlertFromLocal,
			Started: day.Add(2*time.Hour + 20*time.Minute), Ended: day.Add(2*time.Hour + 50*time.Minute), Measure: 0.33,
			Detail: `{"blocked_share":0.33}`})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "[device@02:15 device@02:30 local@02:30 device@02:45]"
	if got := fmt.Sprint(suspectHealthBuckets(t, db, 7)); got != want {
		t.Errorf("suspect buckets of camera 7 = %s, want %s", got, want)
	}
	if got := suspectHealthBuckets(t, db, 8); len(got) != 0 {
		t.Errorf("camera 8 had no alert but its buckets %v are suspect", got)
	}

	// A sync re-delivers the 02:30 device bucket with suspect=0: it stays suspect.
	putHealthBucket(t, db, 7, s.ID, "device", day.Add(2*time.Hour+30*time.Minute), 6)
	if got := fmt.Sprint(suspectHealthBuckets(t, db, 7)); got != want {
		t.Errorf("after a re-delivered bucket: suspect = %s, want %s", got, want)
	}

	// A device alert on camera 8, still open, arriving through sync: every
	// bucket from its start on, including ones that arrive afterwards.
	for range 2 { // written as a sync page does, without any marking of its own
		_, err := db.w.Exec(`INSERT INTO camera_alerts(remote_id, camera_id, kind, source, started_at) VALUES ('dev-al-1', 8, 'moved', 'device', ?)
			ON CONFLICT(remote_id) DO UPDATE SET started_at = excluded.started_at`, day.Add(3*time.Hour+40*time.Minute).Unix())
		if err != nil {
			t.Fatal(err)
		}
	}
	putHealthBucket(t, db, 8, s.ID, "device", day.Add(4*time.Hour), 3)
	if got := fmt.Sprint(suspectHealthBuckets(t, db, 8)); got != "[device@03:30 device@03:45 device@04:00]" {
		t.Errorf("open device alert: suspect buckets of camera 8 = %s", got)
	}
	all, err := db.HealthAlerts(ctx, AlertFilter{StoreID: s.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != id || all[0].Detail != `{"blocked_share":0.33}` || all[1].Source != "device" || !all[1].Open() {
		t.Errorf("alerts of the store = %+v", all)
	}
}

func TestCloseCameraAlert(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s := seedStore(t, db)
	seedHealthCamera(t, db, 7, "WH001-C1", s.ID)
	start := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	id, err := db.InsertHealthAlert(ctx, HealthAlert{CameraID: 7, Kind: vocab.AlertNoSignal, Source: vocab.AlertFromLocal, Started: start})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CloseCameraAlert(ctx, id, start.Add(-time.Minute)); err == nil {
		t.Error("closing an alert before its start was accepted")
	}
	open, _ := db.HealthAlerts(ctx, AlertFilter{CameraID: 7, OpenOnly: true})
	if len(open) != 1 {
		t.Fatalf("a refused close changed the alert: open alerts = %+v", open)
	}
	end := start.Add(20 * time.Minute)
	if err := db.CloseCameraAlert(ctx, id, end); err != nil {
		t.Fatal(err)
	}
	if err := db.CloseCameraAlert(ctx, id, end.Add(time.Hour)); err == nil {
		t.Error("closing an alert twice was accepted")
	}
	got, _ := db.HealthAlerts(ctx, AlertFilter{CameraID: 7})
	if len(got) != 1 || !got[0].Ended.Equal(end) {
		t.Errorf("after close: %+v", got)
	}
	if err := db.CloseCameraAlert(ctx, 999, end); !errors.Is(err, ErrNotFound) {
		t.Errorf("closing a missing alert: err = %v, want ErrNotFound", err)
	}
	// Overlap filter: the closed alert is outside a later window.
	later, _ := db.HealthAlerts(ctx, AlertFilter{CameraID: 7, From: end.Add(time.Minute), To: end.Add(time.Hour)})
	if len(later) != 0 {
		t.Errorf("closed alert reported in a window after its end: %+v", later)
	}
}

func TestBadAlertIsRefusedAndNothingIsLost(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s := seedStore(t, db)
	seedHealthCamera(t, db, 7, "WH001-C1", s.ID)
	start := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	good := HealthAlert{CameraID: 7, Kind: vocab.AlertDefocus, Source: vocab.AlertFromLocal, Started: start, Ended: start.Add(time.Hour)}
	bad := []HealthAlert{
		{CameraID: 7, Kind: "smudge", Source: vocab.AlertFromLocal, Started: start},
		{CameraID: 7, Kind: vocab.AlertMoved, Source: "guess", Started: start},
		{CameraID: 7, Kind: vocab.AlertMoved, Source: vocab.AlertFromLocal, Started: start, Ended: start.Add(-time.Second)},
		{CameraID: 7, Kind: vocab.AlertMoved, Source: vocab.AlertFromLocal},
		{CameraID: 7, Kind: vocab.AlertMoved, Source: vocab.AlertFromLocal, Started: start, Detail: "{not json"},
		{CameraID: 404, Kind: vocab.AlertMoved, Source: vocab.AlertFromLocal, Started: start},
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := insertHealthAlert(ctx, tx, good); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		err := db.write(ctx, func(tx *sql.Tx) error { _, err := insertHealthAlert(ctx, tx, b); return err })
		if err == nil {
			t.Errorf("alert %+v was accepted", b)
		}
	}
	got, _ := db.HealthAlerts(ctx, AlertFilter{})
	if len(got) != 1 || got[0].Kind != vocab.AlertDefocus {
		t.Errorf("after refused alerts the store holds %+v, want only the first", got)
	}
}

func TestAlertHoursOnTheStoresClock(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	seedStore(t, db) // Asia/Shanghai
	// A store on a half-hour offset shows that hours are the store's own.
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := upsertRegion(ctx, tx, Region{ID: "in", Name: "India", TimeZone: "Asia/Kolkata"}); err != nil {
			return err
		}
		return upsertStore(ctx, tx, Store{ID: 202, Code: "BLR01", Name: "Bengaluru", RegionID: "in", TimeZone: "Asia/Kolkata"})
	})
	if err != nil {
		t.Fatal(err)
	}
	seedHealthCamera(t, db, 7, "WH001-C1", 101)
	seedHealthCamera(t, db, 9, "BLR01-C1", 202)
	// 02:20–03:10 UTC is 10:20–11:10 in Shanghai, 07:50–08:40 in Kolkata.
	start := time.Date(2026, 11, 20, 2, 20, 0, 0, time.UTC)
	end := start.Add(50 * time.Minute)
	for _, cam := range []int64{7, 9} {
		if _, err := db.InsertHealthAlert(ctx, HealthAlert{CameraID: cam, Kind: vocab.AlertOcclusion, Source: vocab.AlertFromLocal, Started: start, Ended: end}); err != nil {
			t.Fatal(err)
		}
	}
	// A device bucket already flagged by the camera itself, an hour later.
	if _, err := db.w.Exec(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, suspect) VALUES (7, 'device', ?, 101, 1)`,
		time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC).Unix()); err != nil {
		t.Fatal(err)
	}
	day0, day1 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		store int64
		want  string
	}{
		{101, "[10:00 [occlusion] 11:00 [occlusion] 13:00 [suspect]]"},
		{202, "[07:00 [occlusion] 08:00 [occlusion]]"},
	}
	for _, tc := range cases {
		hours, err := db.AlertHours(ctx, tc.store, day0, day1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hours {
			got = append(got, h.Start.Format("15:04"), fmt.Sprint(h.Kinds))
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("store %d: suspect hours = %v, want %s", tc.store, got, tc.want)
		}
	}
	if _, err := db.AlertHours(ctx, 999, day0, day1); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing store: err = %v", err)
	}
}

func TestCameraReferenceIsReplacedOnRelearn(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s := seedStore(t, db)
	seedHealthCamera(t, db, 7, "WH001-C1", s.ID)
	if _, err := db.CameraReference(ctx, 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no reference yet: err = %v, want ErrNotFound", err)
	}
	t1 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	t2 := t1.AddDate(0, 0, 14)
	for i, at := range []time.Time{t1, t2} {
		if err := db.SaveCameraReference(ctx, CameraReferenceRecord{CameraID: 7, LearntAt: at, LearntFrom: fmt.Sprintf("clip%d.avi", i), Reference: []byte{byte(i + 1), 2, 3}}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := db.CameraReference(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !r.LearntAt.Equal(t2) || r.LearntFrom != "clip1.avi" || r.Reference[0] != 2 {
		t.Errorf("reference = %+v, want the re-learnt one", r)
	}
	if err := db.SaveCameraReference(ctx, CameraReferenceRecord{CameraID: 7, LearntAt: t2}); err == nil {
		t.Error("an empty reference was stored")
	}
	p, err := db.CameraPlaceByCode(ctx, "wh001-c1")
	if err != nil || p.CameraID != 7 || p.StoreCode != "WH001" || p.TimeZone != "Asia/Shanghai" {
		t.Errorf("camera place = %+v, %v", p, err)
	}
}
