package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/localdb/localdbtest"
)

// TestCameraAlertsAndStoreProfile reads alerts and a store's header from a
// real store file: open alerts always, ended ones only when recent.
func TestCameraAlertsAndStoreProfile(t *testing.T) {
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	week := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	err = func() error {
		tx := localdbtest.Conn(t, a.DB())
		if err := a.DB().UpsertRegion(ctx, localdb.Region{ID: "wh", Name: "武汉", TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
		if err := a.DB().UpsertStore(ctx, localdb.Store{ID: 1, Code: "WH001", Name: "武汉群光店", RegionID: "wh", Address: "洪山区珞喻路6号", TimeZone: "Asia/Shanghai", StaffCount: 7,
			Tags: []string{"商场店"}, Hours: []localdb.OpeningHours{{ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Weekdays: localdb.AllWeek, Opens: "10:00", Closes: "22:00"}}}); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO cameras(id, code, store_id, name, role) VALUES (1, 'WH001-IN', 1, '门口客流', 'entrance')`); err != nil {
			return err
		}
		for _, al := range []struct {
			kind         string
			start, ended int64
		}{
			{"occlusion", week.Add(-30 * 24 * time.Hour).Unix(), 0},                                   // open for a month: shown
			{"moved", week.Add(2 * 24 * time.Hour).Unix(), week.Add(3 * 24 * time.Hour).Unix()},       // ended in the week: shown
			{"defocus", week.Add(-20 * 24 * time.Hour).Unix(), week.Add(-19 * 24 * time.Hour).Unix()}, // ended long before: not shown
		} {
			var ended any
			if al.ended > 0 {
				ended = al.ended
			}
			if _, err := tx.Exec(`INSERT INTO camera_alerts(camera_id, kind, source, started_at, ended_at) VALUES (1, ?, 'device', ?, ?)`, al.kind, al.start, ended); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`INSERT INTO corrective_tasks(id, store_id, title, status, due_on, created_at, updated_at) VALUES ('t1', 1, '门口迎宾', 'acknowledged', '2026-11-30', ?, ?)`, week.Unix(), week.Unix())
		return err
	}()
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := a.CameraAlerts(ctx, week)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 2 || alerts[0].Kind != "moved" || alerts[0].Open() || alerts[1].Kind != "occlusion" || !alerts[1].Open() {
		t.Fatalf("alerts %+v, want the week's ended 'moved' then the open 'occlusion'", alerts)
	}
	if alerts[1].StoreCode != "WH001" || alerts[1].CameraName != "门口客流" {
		t.Errorf("alert names its store and camera: %+v", alerts[1])
	}
	p, err := a.StoreProfile(ctx, "WH001", week)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 1 || p.Tasks[0].Status != "acknowledged" || p.Tasks[0].DueOn != "2026-11-30" {
		t.Errorf("tasks %+v, want the one in progress", p.Tasks)
	}
	if p.Store.Address != "洪山区珞喻路6号" || len(p.Store.Hours) != 1 || len(p.Alerts) != 2 {
		t.Errorf("profile %+v", p)
	}
	if _, err := a.StoreProfile(ctx, "NOPE", week); !errors.Is(err, ErrStoreNotFound) {
		t.Errorf("unknown store: %v, want ErrStoreNotFound", err)
	}
	if first := a.Insight(); first == nil || first != a.Insight() {
		t.Error("Insight is not one shared service")
	}
}
