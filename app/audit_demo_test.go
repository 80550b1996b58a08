package app

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"storelens/app/audit"
	"storelens/app/insight"
	"storelens/localdb"
	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

// storyFinding maps the demo chain's till stories to the finding a manager
// should be shown.
var storyFinding = map[string]string{
	demofeed.StoryReceiptNoPerson: audit.ReceiptNoCustomer,
	demofeed.StoryTillNoReceipt:   audit.CustomerNoReceipt,
	demofeed.StoryStaffCardAtTill: audit.StaffMemberCard,
	demofeed.StoryRefundRun:       audit.RefundPattern,
	demofeed.StoryHeavyDiscount:   audit.DiscountPattern,
}

// On the demo chain synced through the real engine (receipts, entrance
// counts, staff and the till camera's recordings, downloaded from a
// loopback HQ and scanned by the person detector), the cashier audit of
// two weeks finds every scripted till anomaly on its day, with its
// evidence, and few other things; a second run keeps a dismissal.
func TestCashierAuditFindsTheScriptedAnomalies(t *testing.T) {
	if testing.Short() {
		t.Skip("cuts the demo footage and scans the till recordings of two weeks")
	}
	until := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	a := syncedDemo(t, until, feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff,
		feed.CollReceipts, feed.CollRecordings)
	ctx := context.Background()
	period := insight.Period{Kind: insight.Range, From: until.AddDate(0, 0, -13), To: until.AddDate(0, 0, 1)}
	start := time.Now()
	var last AuditProgress
	// While the till footage is scanned, what the receipts alone show is
	// already on the list.
	early := map[string]int{}
	res, err := a.Audit(ctx, AuditRequest{Period: period, Progress: func(p AuditProgress) {
		if p.Scanned == 1 && !p.Early && p.Checked == 0 {
			fs, err := a.AuditFindings(ctx, FindingFilter{Period: period})
			if err != nil {
				t.Error(err)
			}
			for _, f := range fs {
				early[f.Kind]++
			}
		}
		last = p
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{audit.StaffMemberCard, audit.RefundPattern, audit.DiscountPattern} {
		if early[k] == 0 {
			t.Errorf("no %s finding listed while the till footage was scanned (%v)", k, early)
		}
	}
	took := time.Since(start)
	if res.NoDetector != nil || res.NotHere != 0 || res.Scanned == 0 || last.Checked != res.Stores {
		t.Fatalf("scanned %d till recordings, %d not here, detector %v; checked %d of %d stores",
			res.Scanned, res.NotHere, res.NoDetector, last.Checked, res.Stores)
	}

	// The scripted set: each till story's days inside the period.
	type key struct{ kind, store, day string }
	want := map[key]bool{}
	for _, s := range demofeed.Stories(until) {
		kind, ok := storyFinding[s.Kind]
		if !ok {
			continue
		}
		for _, d := range s.Days {
			if d >= period.FirstDay() && d <= period.LastDay() {
				want[key{kind, s.StoreCode, d}] = true
			}
		}
	}
	got := map[key]int{}
	byKind := map[string]int{}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	var extra []string
	for _, f := range res.Findings {
		k := key{f.Kind, f.StoreCode, f.At.In(loc).Format(time.DateOnly)}
		got[k]++
		byKind[f.Kind]++
		if !want[k] {
			ev, _ := FindingEvidence(f)
			extra = append(extra, f.StoreCode+" "+f.Kind+" "+f.At.In(loc).Format(time.DateTime)+" "+FindingSummary(f, ev).In("en"))
		}
	}
	found := 0
	for k := range want {
		if got[k] > 0 {
			found++
		} else {
			t.Errorf("missed: %s at %s on %s", k.kind, k.store, k.day)
		}
	}
	tp := 0
	for k, n := range got {
		if want[k] {
			tp += n
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		t.Logf("not scripted: %s", e)
	}
	precision := float64(tp) / float64(len(res.Findings))
	recall := float64(found) / float64(len(want))
	weeks := float64(period.NumDays()) / 7
	t.Logf("%d stores, %.0f weeks: %d findings (%.3f per store-week) %v; scripted %d store-days, found %d: precision %.2f, recall %.2f; "+
		"%d till recordings scanned; audit took %s", res.Stores, weeks, len(res.Findings), float64(len(res.Findings))/float64(res.Stores)/weeks,
		byKind, len(want), found, precision, recall, res.Scanned, took.Round(time.Second))
	if recall < 1 {
		t.Errorf("recall %.2f on the scripted set, want 1", recall)
	}
	if precision < 0.9 {
		t.Errorf("precision %.2f, want ≥ 0.9", precision)
	}

	// Evidence: receipts with lines, the presence span, a still on disk.
	for _, f := range res.Findings {
		ev, err := FindingEvidence(f)
		if err != nil {
			t.Fatal(err)
		}
		switch f.Kind {
		case audit.ReceiptNoCustomer, audit.StaffMemberCard, audit.RefundPattern, audit.DiscountPattern:
			if len(ev.Receipts) == 0 || len(ev.Receipts[0].Lines) == 0 {
				t.Errorf("%s %s: no receipt lines in the evidence", f.StoreCode, f.Kind)
			}
		}
		if ev.Basis == "till_footage" {
			if ev.Presence == nil || f.CameraID == 0 || ev.Snapshot == "" {
				t.Errorf("%s %s at %s: footage finding without span, camera or still: %+v", f.StoreCode, f.Kind, f.At, ev)
			} else if _, err := os.Stat(ev.Snapshot); err != nil {
				t.Errorf("still of %s %s: %v", f.StoreCode, f.Kind, err)
			}
		}
		if f.Kind == audit.CustomerNoReceipt && (ev.Presence.To.Sub(ev.Presence.From) < 4*time.Minute || ev.Presence.Waiting == 0) {
			t.Errorf("有人无单 at %s: waited %s, %d people", f.At, ev.Presence.To.Sub(ev.Presence.From), ev.Presence.Waiting)
		}
	}

	// A dismissal stands when the audit runs again; a task is raised once.
	if len(res.Findings) < 2 {
		t.Fatal("too few findings to go on")
	}
	if err := a.DismissFinding(ctx, res.Findings[0].ID, " "); err == nil {
		t.Error("a dismissal without a reason was accepted")
	}
	if err := a.DismissFinding(ctx, res.Findings[0].ID, "manager's own purchase, checked with the store"); err != nil {
		t.Fatal(err)
	}
	task, err := a.FindingTask(ctx, res.Findings[1].ID, NewTaskRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if task.Category != "till" || task.Title == "" {
		t.Errorf("task from a finding: %+v", task)
	}
	again, err := a.Audit(ctx, AuditRequest{Period: period})
	if err != nil {
		t.Fatal(err)
	}
	if again.Scanned != 0 || len(again.Findings) != len(res.Findings) {
		t.Errorf("second run scanned %d recordings again and found %d (first %d)", again.Scanned, len(again.Findings), len(res.Findings))
	}
	status := map[int64]AuditFinding{}
	for _, f := range again.Findings {
		status[f.ID] = f
	}
	if f := status[res.Findings[0].ID]; f.Status != localdb.FindingDismissed || f.Reason == "" {
		t.Errorf("dismissed finding after a second run: %s %q", f.Status, f.Reason)
	}
	if f := status[res.Findings[1].ID]; f.Status != localdb.FindingTasked || f.TaskID != task.ID {
		t.Errorf("tasked finding after a second run: %s %q", f.Status, f.TaskID)
	}
	if t2, err := a.FindingTask(ctx, res.Findings[1].ID, NewTaskRequest{}); err != nil || t2.ID != task.ID {
		t.Errorf("a second task from the same finding: %v %v", t2.ID, err)
	}
}
