package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"storelens/app"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// The schedules dialog lists each schedule in a line a manager reads at a
// glance, finds them by name, and pauses the ticked ones at once.
func TestScheduleListSearchAndBatchPause(t *testing.T) {
	core := synthCore(t, synthchain.Options{Stores: 3, Regions: 1, Days: 7, End: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Seed: 1}, nil)
	ctx := context.Background()
	if _, err := core.SaveSchedule(ctx, app.ScheduleEdit{Name: "门口叫卖检查-10点", Weekdays: localdb.AllWeek, Times: "10:00", StartsOn: "2024-05-20"}); err != nil {
		t.Fatal(err)
	}
	if _, err := core.SaveSchedule(ctx, app.ScheduleEdit{Name: "店外吊旗巡检", Weekdays: 0b1011111, Times: "09:30", StoreCodes: []string{"S00002"}, CameraRole: "storefront"}); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	l := newScheduleList(Runner{Inline: true}, core, w, nil)
	w.SetContent(l.content())
	l.load()
	if len(l.shown) != 2 {
		t.Fatalf("%d schedules listed", len(l.shown))
	}
	lines := []string{l.line(l.shown[0]), l.line(l.shown[1])}
	if !strings.Contains(lines[0], "店外吊旗巡检 · 周一–周五、周日 · 09:30 · S00002 · 店外摄像头") ||
		!strings.Contains(lines[1], "门口叫卖检查-10点 · 每天 · 10:00 · 全部门店 · 门口摄像头 · 2024-05-20起") {
		t.Errorf("lines %q", lines)
	}
	l.search.SetText("吊旗")
	if len(l.shown) != 1 {
		t.Errorf("search keeps %d", len(l.shown))
	}
	l.search.SetText("")
	l.batch(func(ctx context.Context, ids []int64) error { return core.PauseSchedules(ctx, ids, true) }, "sched.paused.n")
	if !strings.Contains(l.status.Text, "请先勾选") {
		t.Errorf("nothing ticked: %q", l.status.Text)
	}
	l.ticked[l.shown[1].ID] = true
	l.batch(func(ctx context.Context, ids []int64) error { return core.PauseSchedules(ctx, ids, true) }, "sched.paused.n")
	if !strings.Contains(l.status.Text, "已暂停 1个计划") || !strings.Contains(l.line(l.shown[1]), "已暂停") {
		t.Errorf("after pausing: %q, %q", l.status.Text, l.line(l.shown[1]))
	}
}
