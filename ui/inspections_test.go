package ui

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"storelens/app"
	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/localdb/localdbtest/synthchain"
)

// A manager reviews a day's inspection snapshots by keyboard alone: F, P
// and U judge the one in view and move on to the next not judged; a fail
// raises a corrective task with the snapshot; each verdict waits in the
// outbox once, with the picture of a snapshot HQ has not seen.
func TestInspectionGalleryByKeyboard(t *testing.T) {
	core, cams, due := galleryDay(t)
	w := test.NewTempWindow(t, nil)
	s := NewInspectionsScreen(Runner{Inline: true}, core, w, due)
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1024, 640))
	s.Load()
	if len(s.shots) != 3 || !strings.Contains(s.summary.Text, "待判定 3张") {
		t.Fatalf("gallery shows %d snapshots, summary %q", len(s.shots), s.summary.Text)
	}
	if s.selected != 0 || s.images[s.shots[0].SnapshotID] == "" {
		t.Fatalf("the first snapshot is not in view with its picture: selected %d", s.selected)
	}
	key := func(k fyne.KeyName) { s.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyF)
	if !strings.Contains(s.status.Text, "待办单") || s.selected != 1 {
		t.Errorf("after F: %q, selected %d", s.status.Text, s.selected)
	}
	key(fyne.KeyP)
	key(fyne.KeyU)
	if !strings.Contains(s.summary.Text, "合格 1张、不合格 1张、无法判断 1张、待判定 0张") {
		t.Errorf("summary after three verdicts: %q", s.summary.Text)
	}
	// A judged snapshot keeps its verdict: going back and pressing P again
	// changes nothing.
	key(fyne.KeyLeft)
	key(fyne.KeyLeft)
	key(fyne.KeyP)

	shots, err := core.InspectionShots(context.Background(), due.Add(-time.Hour), due.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range shots {
		got[x.CameraCode] = x.Verdict
	}
	if got[cams[0].code] != "fail" || got[cams[1].code] != "pass" || got[cams[2].code] != "unclear" {
		t.Errorf("verdicts stored: %v", got)
	}
	tasks, err := core.Tasks(context.Background(), app.TaskFilter{})
	if err != nil || len(tasks) != 1 || tasks[0].Category != "door_greeting" || !strings.Contains(tasks[0].Title, "门口叫卖检查") {
		t.Fatalf("tasks after one fail: %+v (%v)", tasks, err)
	}
	pushes, err := core.DB().PendingPushes(context.Background(), time.Now().Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, p := range pushes {
		kinds[p.Kind]++
		if p.Kind == localdb.OutboxInspectionResult {
			var v struct {
				SnapshotJPEG []byte `json:"snapshot_jpeg"`
				CameraID     int64  `json:"camera_id"`
				Due          int64  `json:"due"`
				Source       string `json:"source"`
				TaskID       string `json:"task_id"`
				Verdict      string `json:"verdict"`
			}
			json.Unmarshal(p.Payload, &v)
			if len(v.SnapshotJPEG) < 100 || v.CameraID == 0 || v.Due != due.Unix() || v.Source != "live" {
				t.Errorf("verdict push lacks the picture or its moment: %d bytes, camera %d, due %d, %q", len(v.SnapshotJPEG), v.CameraID, v.Due, v.Source)
			}
			if (v.Verdict == "fail") != (v.TaskID != "") {
				t.Errorf("%s verdict names task %q", v.Verdict, v.TaskID)
			}
		}
	}
	if kinds[localdb.OutboxInspectionResult] != 3 || kinds[localdb.OutboxCorrectiveTask] != 1 {
		t.Errorf("outbox: %v, want 3 verdicts and 1 task", kinds)
	}
}

// galleryCam is a camera of the gallery's day.
type galleryCam struct {
	id   int64
	code string
}

// galleryDay is a chain of three stores with one live snapshot of each
// entrance camera due at 10:00 on 2026-11-20 (store time), each picture a
// different grey.
func galleryDay(t *testing.T) (*app.App, []galleryCam, time.Time) {
	t.Helper()
	end := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	due := time.Date(2026, 11, 20, 10, 0, 0, 0, sh)
	var cams []galleryCam
	core := synthCore(t, synthchain.Options{Stores: 3, Regions: 1, Days: 14, End: end, Seed: 4}, func(db *localdb.DB) {
		dir := t.TempDir()
		c := localdbtest.Conn(t, db)
		if _, err := c.Exec(`UPDATE stores SET time_zone = 'Asia/Shanghai'`); err != nil {
			t.Fatal(err)
		}
		res, err := c.Exec(`INSERT INTO inspection_schedules(remote_id, name, camera_role, weekdays, times, active) VALUES ('door', '门口叫卖检查', 'entrance', 127, '10:00', 1)`)
		if err != nil {
			t.Fatal(err)
		}
		sched, _ := res.LastInsertId()
		// One live snapshot per store's entrance camera at 10:00.
		rows, err := c.Query(`SELECT c.id, c.code FROM cameras c JOIN stores s ON s.id = c.store_id ORDER BY s.code`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k galleryCam
			rows.Scan(&k.id, &k.code)
			cams = append(cams, k)
		}
		rows.Close()
		for i, k := range cams {
			pic := image.NewRGBA(image.Rect(0, 0, 320, 240))
			for p := range pic.Pix {
				pic.Pix[p] = uint8(40 * (i + 1))
			}
			pic.Set(10, 10, color.White)
			path := filepath.Join(dir, k.code+".jpg")
			f, _ := os.Create(path)
			jpeg.Encode(f, pic, nil)
			f.Close()
			if _, err := db.RecordShots(context.Background(), []localdb.ShotToRecord{{InspectionShot: localdb.InspectionShot{ScheduleID: sched, CameraID: k.id,
				CameraCode: k.code, Due: due, TakenAt: due.Add(20 * time.Second), Source: "live", Path: path}}}); err != nil {
				t.Fatal(err)
			}
		}
	})
	return core, cams, due
}

// Keys typed faster than the verdicts are saved land once, on the picture
// on screen: F then U, U at once judge only the first snapshot; a
// snapshot whose picture is not on screen yet is not judged at all.
func TestGalleryKeysTypedFastLandOnThePictureShown(t *testing.T) {
	SetLanguage(LangChinese)
	core, cams, due := galleryDay(t)
	w := test.NewTempWindow(t, nil)
	var mu stdsync.Mutex
	ui := func(fn func()) { mu.Lock(); defer mu.Unlock(); fn() }
	s := NewInspectionsScreen(Runner{UI: ui}, core, w, due)
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1024, 640))
	ui(s.Load)
	ready := func() bool {
		var ok bool
		ui(func() {
			ok = len(s.shots) == 3 && s.selected == 0 && s.big.File != "" && s.big.File == s.images[s.shots[0].SnapshotID]
		})
		return ok
	}
	waitFor(t, ready, "the gallery never showed its first picture")
	key := func(k fyne.KeyName) { ui(func() { s.TypedKey(&fyne.KeyEvent{Name: k}) }) }
	// Three keys in one go, before the UI hears the first verdict saved.
	ui(func() {
		for _, k := range []fyne.KeyName{fyne.KeyF, fyne.KeyU, fyne.KeyU} {
			s.TypedKey(&fyne.KeyEvent{Name: k})
		}
	})
	waitFor(t, func() bool { var n int; ui(func() { n = s.selected }); return n == 1 }, "the gallery did not move on after F")
	// The next picture is taken away as if it were still being fetched.
	ui(func() {
		delete(s.images, s.shots[2].SnapshotID)
		s.show(2)
	})
	key(fyne.KeyP)
	var status string
	ui(func() { status = s.status.Text })
	if !strings.Contains(status, "尚未显示") && !strings.Contains(status, "not on screen") {
		t.Errorf("P on a picture not yet shown says %q", status)
	}
	time.Sleep(300 * time.Millisecond)
	shots, err := core.InspectionShots(context.Background(), due.Add(-time.Hour), due.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range shots {
		got[x.CameraCode] = x.Verdict
	}
	if got[cams[0].code] != "fail" || got[cams[1].code] != "" || got[cams[2].code] != "" {
		t.Errorf("verdicts stored after F, U, U and P: %v; want only the first, a fail", got)
	}
}

// A snapshot the pre-check finds without anybody at the door, or with its
// banner zone changed, is marked to be looked at first; one that looks as
// expected is not.
func TestShotCaptionMarksWhatToLookAtFirst(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	for sug, mark := range map[string]bool{"nobody": true, "changed": true, "person": false, "same": false, "": false} {
		c := shotCaption(app.InspectionShot{StoreCode: "S00001", Schedule: "店外吊旗巡检", Due: at, TimeZone: "UTC", Suggestion: sug})
		if strings.HasPrefix(c, "○") != mark {
			t.Errorf("suggestion %q: caption %q", sug, c)
		}
	}
	if c := shotCaption(app.InspectionShot{Verdict: "pass", Suggestion: "changed", Due: at, TimeZone: "UTC"}); !strings.HasPrefix(c, "✓") {
		t.Errorf("a judged snapshot shows its verdict, not the pre-check: %q", c)
	}
}

// The day's counts follow the schedule chosen: two schedules' snapshots
// together, then one schedule's alone.
func TestGalleryCountsFollowTheScheduleChosen(t *testing.T) {
	SetLanguage(LangChinese)
	core, cams, due := galleryDay(t)
	c := localdbtest.Conn(t, core.DB())
	res, err := c.Exec(`INSERT INTO inspection_schedules(remote_id, name, camera_role, weekdays, times, active) VALUES ('greet', '迎宾检查', 'entrance', 127, '10:00', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	sched, _ := res.LastInsertId()
	if _, err := core.DB().RecordShots(context.Background(), []localdb.ShotToRecord{{InspectionShot: localdb.InspectionShot{ScheduleID: sched, CameraID: cams[0].id,
		CameraCode: cams[0].code, Due: due, TakenAt: due.Add(20 * time.Second), Source: "hq"}}}); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	s := NewInspectionsScreen(Runner{Inline: true}, core, w, due)
	w.SetContent(s.Content())
	s.Load()
	if !strings.Contains(s.summary.Text, "共 4张") {
		t.Errorf("all schedules: %q, want 4 snapshots", s.summary.Text)
	}
	s.schedule.SetSelected("迎宾检查")
	if !strings.Contains(s.summary.Text, "共 1张") || len(s.shots) != 1 {
		t.Errorf("迎宾检查 chosen: %q and %d in the grid, want 1", s.summary.Text, len(s.shots))
	}
	s.schedule.SetSelected("门口叫卖检查")
	if !strings.Contains(s.summary.Text, "共 3张") || len(s.shots) != 3 {
		t.Errorf("门口叫卖检查 chosen: %q and %d in the grid, want 3", s.summary.Text, len(s.shots))
	}
}
