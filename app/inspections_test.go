package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"storelens/app"
	"storelens/app/insight"
	"storelens/assets/assetstest"
	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/localdb/localdbtest/synthchain"
)

// inspectionChain is a small chain with its entrance cameras, on the
// Shanghai clock, and one schedule: the door greeting check of the
// source, every day at 10:00, 14:00, 16:00 and 18:00 from 2026-11-16.
func inspectionChain(t *testing.T) (*app.App, int64) {
	t.Helper()
	dir := t.TempDir()
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	o := synthchain.Options{Stores: 2, Regions: 1, Days: 14, End: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Seed: 2}
	if err := synthchain.Build(context.Background(), db, o, nil); err != nil {
		t.Fatal(err)
	}
	c := localdbtest.Conn(t, db)
	if _, err := c.Exec(`UPDATE stores SET time_zone = 'Asia/Shanghai'`); err != nil {
		t.Fatal(err)
	}
	res, err := c.Exec(`INSERT INTO inspection_schedules(remote_id, name, store_id, camera_role, weekdays, times, active, starts_on)
		VALUES ('insp-door', '门口叫卖检查', (SELECT id FROM stores ORDER BY code LIMIT 1), 'entrance', 127, '10:00,14:00,16:00,18:00', 1, '2026-11-16')`)
	if err != nil {
		t.Fatal(err)
	}
	sched, _ := res.LastInsertId()
	db.Close()
	core, err := app.New(context.Background(), app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	return core, sched
}

// hqSnapshots has HQ take the 10:00 and 14:00 snapshots of 2026-11-20 (a
// minute late) of the first store's entrance.
func hqSnapshots(t *testing.T, c *sql.DB, sched int64, sh *time.Location) {
	t.Helper()
	for i, hm := range []string{"10:01", "14:01"} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 "+hm, sh)
		if _, err := c.Exec(`INSERT INTO snapshots(remote_id, camera_id, schedule_id, t, source, url)
			VALUES (?, (SELECT c.id FROM cameras c JOIN stores s ON s.id = c.store_id ORDER BY s.code LIMIT 1), ?, ?, 'inspection', ?)`,
			fmt.Sprintf("hq-%d", i), sched, at.Unix(), fmt.Sprintf("/v1/snapshots/hq-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// A run after the laptop was closed catches up every moment due since
// (from HQ's snapshots here: the chain has no recordings), a second run
// takes nothing twice, and a moment no source has is reported with why.
func TestInspectionsCatchUpOnceAndSayWhatIsMissing(t *testing.T) {
	core, sched := inspectionChain(t)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := localdbtest.Conn(t, core.DB())
	// HQ took the 10:00 and 14:00 snapshots of 2026-11-20 (a minute late);
	// 16:00 it did not.
	hqSnapshots(t, c, sched, sh)
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 16:30", sh)
	run, err := core.RunInspections(ctx, app.InspectionRequest{Now: now, AtLocal: "2026-11-20 14:30"})
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-16 … 19 four times a day, 20th twice: 18 moments up to 14:30,
	// of which HQ has two.
	if len(run.Taken) != 2 || len(run.Missing) != 16 {
		t.Fatalf("taken %d, missing %d; want 2 and 16", len(run.Taken), len(run.Missing))
	}
	for _, s := range run.Taken {
		if s.Source != "hq" {
			t.Errorf("%s taken from %s, want HQ's snapshot", s.Due, s.Source)
		}
	}
	why := run.Missing[0].Why.In("zh")
	if !strings.Contains(why, "录像") || !strings.Contains(why, "总部") {
		t.Errorf("a missing moment says %q; want the recording and HQ named", why)
	}
	// The clock moves on: the same run again takes nothing new; up to
	// 18:00 it tries 16:00 and 18:00 (nothing has them).
	again, err := core.RunInspections(ctx, app.InspectionRequest{Now: now, AtLocal: "2026-11-20 14:30"})
	if err != nil || len(again.Taken) != 0 {
		t.Errorf("a second run took %d (%v)", len(again.Taken), err)
	}
	later, err := core.RunInspections(ctx, app.InspectionRequest{Now: now, AtLocal: "2026-11-20 18:00"})
	if err != nil || len(later.Taken) != 0 || len(later.Missing) != 18 {
		t.Errorf("up to 18:00: taken %d, missing %d (%v); want 0 and 18", len(later.Taken), len(later.Missing), err)
	}
	shots, err := core.InspectionShots(ctx, now.AddDate(0, 0, -7), now.AddDate(0, 0, 1))
	if err != nil || len(shots) != 2 {
		t.Fatalf("%d snapshots kept (%v), want 2", len(shots), err)
	}
	if shots[0].Schedule != "门口叫卖检查" || shots[0].Due.In(sh).Format("15:04") != "10:00" || shots[0].URL == "" {
		t.Errorf("first snapshot %+v", shots[0])
	}
	// Before its start date the schedule is not due.
	if got := app.DueMoments(localdb.InspectionDue{Weekdays: 127, Times: "10:00", StartsOn: "2026-11-16"},
		now.AddDate(0, 0, -10), now, sh); len(got) != 5 {
		t.Errorf("due moments from the start date: %v", got)
	}
	// Sun–Fri 09:30 (店外吊旗巡检): no Saturday.
	if got := app.DueMoments(localdb.InspectionDue{Weekdays: 0b1011111, Times: "09:30"}, now.AddDate(0, 0, -7), now, sh); len(got) != 6 {
		t.Errorf("Sun–Fri over a week: %d moments", len(got))
	}
}

// mjpeg serves frames of the footage as a camera's MJPEG stream over HTTP.
func mjpeg(t *testing.T, video string) *httptest.Server {
	t.Helper()
	vc, err := gocv.VideoCaptureFile(video)
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	var frames [][]byte
	m := gocv.NewMat()
	defer m.Close()
	for len(frames) < 30 && vc.Read(&m) {
		buf, err := gocv.IMEncode(gocv.JPEGFileExt, m)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, append([]byte(nil), buf.GetBytes()...))
		buf.Close()
	}
	var mu sync.Mutex
	served := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=frame")
		for i := 0; r.Context().Err() == nil && i < 300; i++ {
			f := frames[i%len(frames)]
			fmt.Fprintf(w, "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(f))
			w.Write(f)
			w.Write([]byte("\r\n"))
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			mu.Lock()
			served++
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// At the due moment, with the camera reachable, the snapshot is the live
// picture; a camera that does not answer falls back on the next source
// and says so.
func TestInspectionTakesTheLivePicture(t *testing.T) {
	core, _ := inspectionChain(t)
	ctx := context.Background()
	srv := mjpeg(t, assetstest.Footage(t, "vtest.avi"))
	c := localdbtest.Conn(t, core.DB())
	if _, err := c.Exec(`UPDATE cameras SET stream_url = ? WHERE store_id = (SELECT id FROM stores ORDER BY code LIMIT 1)`, srv.URL+"/stream.mjpg"); err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 10:03", sh)
	run, err := core.RunInspections(ctx, app.InspectionRequest{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var live *app.InspectionShot
	for i, s := range run.Taken {
		if s.Due.Equal(now.Add(-3 * time.Minute)) {
			live = &run.Taken[i]
		}
	}
	if live == nil || live.Source != "live" {
		t.Fatalf("the 10:00 moment was not taken live: taken %+v, missing %d", run.Taken, len(run.Missing))
	}
	f, err := os.Open(live.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 768 || b.Dy() != 576 {
		t.Errorf("live picture %v, want the camera's 768×576", b)
	}
	// Earlier moments are past the live window: they are not live.
	for _, m := range run.Missing {
		if m.Due.Equal(live.Due) {
			t.Errorf("the live moment is also missing")
		}
	}

	// The camera stops answering: the next due moment says why.
	srv.Close()
	later, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 14:02", sh)
	run, err = core.RunInspections(ctx, app.InspectionRequest{Now: later})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range run.Missing {
		if m.Due.Equal(later.Add(-2*time.Minute)) && strings.Contains(m.Why.In("en"), "live stream") {
			found = true
		}
	}
	if !found {
		t.Errorf("an unreachable camera is not named among the reasons: %+v", run.Missing)
	}
}

// A full catch-up reaches back to the Monday of last week on the store's
// clock, whatever the day, so last week's report has every day: a run on
// a Monday at 13:00 takes last Monday's 09:30 banner check, which seven
// days back (13:00) would leave out.
func TestCatchUpCoversLastWeekWhole(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, c := range []struct{ now, want string }{
		{"2026-12-07 13:00", "2026-11-30 00:00"}, // Monday
		{"2026-12-13 23:59", "2026-11-30 00:00"}, // Sunday
		{"2026-12-08 00:10", "2026-11-30 00:00"}, // Tuesday just after midnight
		{"2026-12-14 07:00", "2026-12-07 00:00"}, // the next Monday
	} {
		now, _ := time.ParseInLocation("2006-01-02 15:04", c.now, sh)
		if got := app.CatchUpFrom(now.UTC(), sh).Format("2006-01-02 15:04"); got != c.want {
			t.Errorf("catch-up on %s starts %s, want %s", c.now, got, c.want)
		}
	}
	banner := localdb.InspectionDue{Weekdays: 0b1011111, Times: "09:30"}
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-07 13:00", sh)
	got := app.DueMoments(banner, app.CatchUpFrom(now, sh), now, sh)
	if len(got) == 0 || got[0].Format("2006-01-02 15:04") != "2026-11-30 09:30" {
		t.Fatalf("the catch-up's first banner moment is %v, want 2026-11-30 09:30", got)
	}
	// Mon–Fri and Sun of last week, and this Monday: 7 moments.
	if len(got) != 7 {
		t.Errorf("%d banner moments caught up, want 7", len(got))
	}
}

// What goes to a store is in the store's language, not the manager's: a
// failed inspection's task is titled in Chinese by default, in English
// once the chain's store language is English; another language is refused.
func TestTasksSpeakTheStoresLanguage(t *testing.T) {
	core, sched := inspectionChain(t)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := localdbtest.Conn(t, core.DB())
	hqSnapshots(t, c, sched, sh)
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 16:30", sh)
	run, err := core.RunInspections(ctx, app.InspectionRequest{Now: now, AtLocal: "2026-11-20 14:30"})
	if err != nil || len(run.Taken) != 2 {
		t.Fatalf("taken %d (%v)", len(run.Taken), err)
	}
	if got := core.StoreLanguage(ctx); got != "zh" {
		t.Errorf("the store language is %q by default, want zh", got)
	}
	first, err := core.JudgeInspection(ctx, app.JudgeRequest{Shot: run.Taken[0], Verdict: "fail", Task: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := core.SetStoreLanguage(ctx, "fr"); err == nil {
		t.Error("French was accepted as the store language")
	}
	if err := core.SetStoreLanguage(ctx, "en"); err != nil {
		t.Fatal(err)
	}
	second, err := core.JudgeInspection(ctx, app.JudgeRequest{Shot: run.Taken[1], Verdict: "fail", Task: true})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := core.Tasks(ctx, app.TaskFilter{})
	if err != nil || len(tasks) != 2 {
		t.Fatalf("%d tasks (%v)", len(tasks), err)
	}
	titles := map[string]bool{}
	for _, tk := range tasks {
		titles[tk.Title] = true
	}
	if !titles["巡检不合格：门口叫卖检查"] || !titles["Inspection failed: 门口叫卖检查"] {
		t.Errorf("task titles %v (verdicts %s, %s); want one in Chinese, then one in English", titles, first.Verdict, second.Verdict)
	}
}

// A greeting task is judged by the store's inspections passed before and
// after it (a till task by the cashier audit's findings, where receipts
// were synced): the entry rate alone says little of either.
func TestTaskEffectFollowsTheTasksCategory(t *testing.T) {
	core, sched := inspectionChain(t)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := localdbtest.Conn(t, core.DB())
	hqSnapshots(t, c, sched, sh)
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 16:30", sh)
	run, err := core.RunInspections(ctx, app.InspectionRequest{Now: now, AtLocal: "2026-11-20 14:30"})
	if err != nil || len(run.Taken) != 2 {
		t.Fatalf("taken %d (%v)", len(run.Taken), err)
	}
	for i, v := range []string{"fail", "pass"} {
		if _, err := core.JudgeInspection(ctx, app.JudgeRequest{Shot: run.Taken[i], Verdict: v}); err != nil {
			t.Fatal(err)
		}
	}
	code := run.Taken[0].StoreCode
	created, _ := time.ParseInLocation(time.DateOnly, "2026-11-22", sh)
	effect := func(category string) insight.TaskEffect {
		t.Helper()
		tk, err := core.NewTask(ctx, app.NewTaskRequest{StoreCode: code, Category: category, Title: "整改 " + category})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(`UPDATE corrective_tasks SET created_at = ? WHERE id = ?`, created.Add(9*time.Hour).Unix(), tk.ID); err != nil {
			t.Fatal(err)
		}
		te, err := core.TaskEffect(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		return te
	}
	te := effect("door_greeting")
	if m := te.Measure; m == nil || m.Kind != insight.MeasureInspections || m.Before != 1 || m.BeforeOf != 2 {
		t.Errorf("greeting task: measure %+v, want 1 of 2 inspections passed in the week before", m)
	}
	if got := te.Summary.In("zh"); !strings.HasPrefix(got, "整改前巡检合格 1/2次；") {
		t.Errorf("greeting task summary %q", got)
	}
	// This chain syncs no receipts: a till task has nothing to count on
	// either side, and says no "0 → 0".
	te = effect("till")
	if te.Measure != nil || strings.Contains(te.Summary.In("en"), "Till findings") {
		t.Errorf("till task without receipts: measure %+v, summary %q", te.Measure, te.Summary.In("en"))
	}
	if te := effect("display"); te.Measure != nil {
		t.Errorf("a display task has a measure %+v", te.Measure)
	}
}
