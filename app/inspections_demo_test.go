package app

import (
	"context"
	"testing"
	"time"

	"storelens/sync/demofeed"
)

// On the demo chain, whose HQ scripts greeting misses (nobody at the
// door) among its entrance snapshots, the pre-check's "nobody" agrees with
// the script: the run catches up a week from HQ's snapshots, and the
// pre-check downloads and looks at each picture.
func TestPreCheckAgreesWithTheScriptedGreetingMisses(t *testing.T) {
	if testing.Short() {
		t.Skip("cuts the demo footage and runs the person detector on a week of snapshots")
	}
	until := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	a := syncedDemo(t, until, "regions", "stores", "cameras", "inspection_schedules", "snapshots")
	ctx := context.Background()
	run, err := a.RunInspections(ctx, InspectionRequest{Now: until.Add(20 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// The greeting checks of the first 12 stores over the week.
	var tp, fp, fn, tn int
	stores := map[string]bool{}
	for _, s := range run.Taken {
		if s.Schedule != "迎宾检查" {
			continue
		}
		if len(stores) == 12 && !stores[s.StoreCode] {
			continue
		}
		stores[s.StoreCode] = true
		sug, err := a.PreCheck(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		sn, err := a.db.SnapshotByID(ctx, s.SnapshotID)
		if err != nil {
			t.Fatal(err)
		}
		miss := demofeed.GreetingMiss(sn.RemoteID)
		switch {
		case miss && sug == "nobody":
			tp++
		case !miss && sug == "nobody":
			fp++
		case miss:
			fn++
		default:
			tn++
		}
	}
	n := tp + fp + fn + tn
	agree := float64(tp+tn) / float64(n)
	t.Logf("pre-check on %d greeting snapshots of %d stores: %d scripted misses; nobody suggested for %d of them and for %d others; agreement %.1f%%",
		n, len(stores), tp+fn, tp, fp, 100*agree)
	if tp+fn < 10 {
		t.Fatalf("only %d scripted misses: the check would prove little", tp+fn)
	}
	if agree < 0.95 || fn > (tp+fn)/10 {
		t.Errorf("the pre-check agrees with the script on %.1f%% (missed %d of %d misses)", 100*agree, fn, tp+fn)
	}
}
