package app

import (
	"context"
	"sort"
	"testing"
	"time"

	"storelens/sync/demofeed"
)

// The banner check's pre-check compares each snapshot's banner zone with
// the last one the manager passed. On the demo chain, whose HQ scripts
// banner misses (the banner not hung) among its 店外吊旗巡检 snapshots, a
// manager passes the first good snapshot of each store; "changed" then
// agrees with the script on the rest, and there is no suggestion before a
// reference exists.
func TestBannerPreCheckAgreesWithTheScriptedMisses(t *testing.T) {
	if testing.Short() {
		t.Skip("cuts the demo footage and compares two weeks of banner snapshots")
	}
	until := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	a := syncedDemo(t, until, "regions", "stores", "cameras", "inspection_schedules", "snapshots")
	ctx := context.Background()
	run, err := a.RunInspections(ctx, InspectionRequest{Now: until.Add(20 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	byStore := map[string][]InspectionShot{}
	for _, s := range run.Taken {
		if s.Schedule == "店外吊旗巡检" {
			byStore[s.StoreCode] = append(byStore[s.StoreCode], s)
		}
	}
	codes := make([]string, 0, len(byStore))
	for c := range byStore {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	if len(codes) > 40 {
		codes = codes[:40]
	}
	var tp, fp, fn, tn, before, weekdaysWrong int
	for _, code := range codes {
		shots := byStore[code]
		sort.Slice(shots, func(i, j int) bool { return shots[i].Due.Before(shots[j].Due) })
		ref := -1
		for i, s := range shots {
			if s.Due.Weekday() == time.Saturday {
				weekdaysWrong++
			}
			sn, err := a.db.SnapshotByID(ctx, s.SnapshotID)
			if err != nil {
				t.Fatal(err)
			}
			miss := demofeed.BannerMiss(sn.RemoteID)
			sug, err := a.PreCheck(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if ref < 0 {
				if sug != "" {
					t.Errorf("%s %s: suggestion %q before any snapshot was passed", code, s.Due, sug)
				}
				before++
				if !miss {
					if _, err := a.JudgeInspection(ctx, JudgeRequest{Shot: s, Verdict: "pass"}); err != nil {
						t.Fatal(err)
					}
					ref = i
				}
				continue
			}
			switch {
			case miss && sug == "changed":
				tp++
			case !miss && sug == "changed":
				fp++
			case miss:
				fn++
			default:
				tn++
			}
		}
	}
	n := tp + fp + fn + tn
	agree := float64(tp+tn) / float64(n)
	t.Logf("banner pre-check on %d snapshots of %d stores (%d before a reference, no suggestion): %d scripted misses; changed suggested for %d of them and for %d others; agreement %.1f%%",
		n, len(codes), before, tp+fn, tp, fp, 100*agree)
	if weekdaysWrong > 0 {
		t.Errorf("%d banner snapshots on Saturdays; the schedule runs Sunday to Friday", weekdaysWrong)
	}
	if tp+fn < 10 || n < 100 {
		t.Fatalf("only %d snapshots with %d scripted misses: the check would prove little", n, tp+fn)
	}
	if agree < 0.95 || fn > (tp+fn)/10 {
		t.Errorf("the banner pre-check agrees with the script on %.1f%% (missed %d of %d misses)", 100*agree, fn, tp+fn)
	}
}
