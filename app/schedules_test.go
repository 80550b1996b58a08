package app

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"storelens/app/i18n"
	"storelens/localdb"
	"storelens/sync/demofeed"
)

// Schedules made, paused and deleted here cover the stores they name, go
// to HQ exactly once each, and come back from HQ unchanged; a wrong one is
// refused naming what is wrong.
func TestSchedulesMadeHereGoToHQ(t *testing.T) {
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir(), FeedURL: srv.URL, Token: "demo",
		SyncCollections: []string{"regions", "stores", "cameras", "inspection_schedules"}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SyncOnce(ctx, SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		e    ScheduleEdit
		want string
	}{
		{ScheduleEdit{Weekdays: localdb.AllWeek, Times: "10:00"}, "名称"},
		{ScheduleEdit{Name: "x", Times: "10:00"}, "至少"},
		{ScheduleEdit{Name: "x", Weekdays: localdb.AllWeek, Times: "25:00"}, "25:00"},
		{ScheduleEdit{Name: "x", Weekdays: localdb.AllWeek, Times: "10:00", Tag: "火星店"}, "火星店"},
		{ScheduleEdit{Name: "x", Weekdays: localdb.AllWeek, Times: "10:00", StoreCodes: []string{"ZZ1"}}, "ZZ1"},
		{ScheduleEdit{Name: "x", Weekdays: localdb.AllWeek, Times: "10:00", StartsOn: "2024/05/20"}, "2024/05/20"},
	} {
		_, err := a.SaveSchedule(ctx, c.e)
		var said *SaidError
		if err == nil || !errors.As(err, &said) || !strings.Contains(said.Say.In(i18n.Chinese), c.want) {
			t.Errorf("%+v: %v, want a sentence naming %q", c.e, err, c.want)
		}
	}
	door, err := a.SaveSchedule(ctx, ScheduleEdit{Name: "门口叫卖检查-10点", Weekdays: localdb.AllWeek, Times: "10:00", StoreCodes: []string{"wh001", "CS001"}, StartsOn: "2024-05-20"})
	if err != nil {
		t.Fatal(err)
	}
	banner, err := a.SaveSchedule(ctx, ScheduleEdit{Name: "商场吊旗巡检", Weekdays: 0b1011111, Times: "9:30", Tag: "商场店", CameraRole: "entrance"})
	if err != nil {
		t.Fatal(err)
	}
	if banner.Times != "09:30" {
		t.Errorf("times stored as %q", banner.Times)
	}
	plan, err := a.InspectionSchedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cover := map[string][]string{}
	for _, d := range plan {
		cover[d.Name] = append(cover[d.Name], d.StoreCode)
	}
	if got := strings.Join(cover["门口叫卖检查-10点"], ","); got != "CS001,WH001" {
		t.Errorf("the door check covers %s, want CS001 and WH001", got)
	}
	stores, err := a.db.Stores(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	malls := 0
	for _, st := range stores {
		if slices.Contains(st.Tags, "商场店") {
			malls++
		}
	}
	if n := len(cover["商场吊旗巡检"]); n != malls || n == 0 {
		t.Errorf("the banner check covers %d stores, want the %d 商场店", n, malls)
	}
	if err := a.PauseSchedules(ctx, []int64{door.ID}, true); err != nil {
		t.Fatal(err)
	}
	plan, _ = a.InspectionSchedules(ctx)
	for _, d := range plan {
		if d.Name == door.Name {
			t.Errorf("a paused schedule is still due")
		}
	}
	if err := a.DeleteSchedules(ctx, []int64{banner.ID}); err != nil {
		t.Fatal(err)
	}
	// One sync delivers the four changes, in order; a second sends nothing
	// and reads the door check back from HQ, paused, and no banner check.
	if _, err := a.SyncOnce(ctx, SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SyncOnce(ctx, SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	pushes := fs.SchedulePushes()
	if len(pushes) != 4 || pushes[0].Name != door.Name || pushes[2].Active || !pushes[3].Deleted {
		t.Fatalf("HQ received %+v", pushes)
	}
	all, err := a.Schedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
		if s.Name == door.Name && (s.Active || len(s.StoreIDs) != 2 || s.StartsOn != "2024-05-20") {
			t.Errorf("the door check came back as %+v", s)
		}
	}
	if strings.Join(names, ",") != "店外吊旗巡检,收银台检查,迎宾检查,门口叫卖检查-10点" {
		t.Errorf("schedules after the round trip: %v", names)
	}
}
