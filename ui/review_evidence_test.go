package ui

import (
	"testing"
	"time"
)

// TestNoSnapshotOfAnotherMomentWhileOneLoads goes from one store's
// footage to another's the way a chart click does: from the click until
// the new moment is decoded, the old picture is gone and neither Snapshot
// nor Raise a task does anything; once the new moment is on screen, the
// snapshot's task names that store and that moment, and its evidence is
// the frame of it.
func TestNoSnapshotOfAnotherMomentWhileOneLoads(t *testing.T) {
	SetLanguage(LangEnglish)
	r, ui, _ := demoReview(t)
	var raised []taskPrefill
	r.OnTask = func(p taskPrefill) { raised = append(raised, p) }
	loc, _ := time.LoadLocation("Asia/Shanghai")
	shown := func() (s time.Time) { ui(func() { s = r.shown }); return }
	// HQ exports a segment before it is fetched: allow it the time.
	waitLong := func(ok func() bool, msg string) {
		t.Helper()
		for deadline := time.Now().Add(120 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(msg)
			}
		}
	}

	first := time.Date(2026, 11, 19, 20, 0, 0, 0, loc)
	ui(func() { r.Open("WH001", first) })
	waitLong(func() bool { return !shown().IsZero() }, "WH001's footage never showed")

	second := time.Date(2026, 11, 18, 15, 12, 0, 0, loc)
	ui(func() {
		r.Open("CS002", second)
		if r.img.Image != blankFrame {
			t.Error("WH001's picture stayed on screen while CS002's moment loads")
		}
		if !r.snapBtn.Disabled() || !r.taskBtn.Disabled() {
			t.Errorf("while CS002 loads: Snapshot disabled %v, Raise a task disabled %v", r.snapBtn.Disabled(), r.taskBtn.Disabled())
		}
		// A fast click on either does nothing.
		r.snapshot()
		r.raise(nil)
	})
	waitLong(func() bool { return !shown().IsZero() }, "CS002's footage never showed")
	ui(func() {
		if len(raised) != 0 {
			t.Fatalf("a task was raised while the moment loaded: %+v", raised)
		}
		if d := r.shown.Sub(second); d < 0 || d > 100*time.Millisecond {
			t.Errorf("asked for %s, on screen %s", second.Format(time.DateTime), r.shown.In(loc).Format(time.DateTime))
		}
		r.snapshot()
	})
	waitFor(t, func() bool { var n int; ui(func() { n = len(raised) }); return n == 1 }, "the snapshot raised no task")
	ui(func() {
		p := raised[0]
		if p.store != "CS002" || p.evidence == nil {
			t.Fatalf("the task is for %q with evidence %v", p.store, p.evidence)
		}
		if d := p.evidence.at.Sub(second); d < 0 || d > 100*time.Millisecond {
			t.Errorf("the evidence is of %s, the moment on screen %s", p.evidence.at.In(loc).Format(time.DateTime), second.Format(time.DateTime))
		}
		if !containsAll(p.body, "CS002-ENT1", "2026-11-18 15:12") {
			t.Errorf("the task says %q", p.body)
		}
	})
}
