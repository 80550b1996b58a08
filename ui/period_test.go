package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"storelens/app/insight"
)

func fyneSize(w, h float32) fyne.Size { return fyne.NewSize(w, h) }

func tableCell(row, col int) widget.TableCellID { return widget.TableCellID{Row: row, Col: col} }

func TestPeriodPicker(t *testing.T) {
	test.NewTempApp(t)
	var got []insight.Period
	start := defaultPeriod(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)) // a Tuesday of W48
	pp := newPeriodPicker(start, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), func(p insight.Period) { got = append(got, p) })
	w := test.NewWindow(pp.box)
	defer w.Close()
	if pp.Period().String() != "2026-W47" {
		t.Fatalf("default period %s, want the last complete week, 2026-W47", pp.Period())
	}
	if p := defaultPeriod(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)); p.String() != "2026-W47" {
		t.Fatalf("on Monday morning the default is %s, want last week 2026-W47", p)
	}
	pp.kind.SetSelected(pp.kind.Options[2]) // Month
	if p := pp.Period(); p.Kind != insight.Month || p.String() != "2026-11" || pp.entry.Text != "2026-11" {
		t.Fatalf("month: %v (entry %q), want 2026-11", p, pp.entry.Text)
	}
	test.Tap(pp.prev)
	if p := pp.Period(); p.String() != "2026-10" || p.NumDays() != 31 {
		t.Fatalf("◀ from 2026-11 gives %v, want 2026-10 with 31 days", p)
	}
	pp.kind.SetSelected(pp.kind.Options[0]) // Day: the month's last day
	if p := pp.Period(); p.String() != "2026-10-31" {
		t.Fatalf("day: %v, want 2026-10-31", p)
	}
	test.Tap(pp.next)
	if p := pp.Period(); p.String() != "2026-11-01" {
		t.Fatalf("▶ from 2026-10-31 gives %v", p)
	}
	// Custom: type a range and press Enter.
	pp.kind.SetSelected(pp.kind.Options[3])
	pp.entry.SetText("2026-11-01..2026-11-15")
	pp.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p := pp.Period(); p.Kind != insight.Range || p.NumDays() != 15 {
		t.Fatalf("custom range: %v, want 15 days", p)
	}
	// A bad period is explained and changes nothing.
	before := len(got)
	pp.entry.SetText("next tuesday")
	pp.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if pp.errLabel.Hidden || pp.errLabel.Text == "" {
		t.Fatal("a bad period shows no explanation")
	}
	if len(got) != before || pp.Period().NumDays() != 15 {
		t.Fatalf("a bad period changed the period to %v", pp.Period())
	}
	pp.entry.SetText("2026-W47")
	pp.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !pp.errLabel.Hidden || pp.Period().String() != "2026-11-16..2026-11-22" && pp.Period().String() != "2026-W47" {
		t.Fatalf("after a good period: %v, error shown %v", pp.Period(), !pp.errLabel.Hidden)
	}
}

// Switching to a shorter kind stays inside the period shown and never
// past today: November seen on 24 November becomes its last full week
// (W47, not W48 still running), October its last full week (W43, not the
// one reaching into November), and a day is yesterday.
func TestSwitchingKindStaysInsideThePeriod(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	month := func(y int, m time.Month) insight.Period {
		from := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return insight.Period{Kind: insight.Month, From: from, To: from.AddDate(0, 1, 0)}
	}
	for _, c := range []struct {
		from insight.Period
		kind insight.PeriodKind
		want string
	}{
		{month(2026, 11), insight.Week, "2026-W47"},
		{month(2026, 10), insight.Week, "2026-W43"},
		{month(2026, 12), insight.Week, "2026-W52"},
		{month(2026, 11), insight.Day, "2026-11-23"},
		{month(2026, 10), insight.Day, "2026-10-31"},
		{insight.WeekOf(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)), insight.Day, "2026-11-23"},
		{insight.WeekOf(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)), insight.Month, "2026-11"},
	} {
		got := switchKind(c.from, c.kind, now)
		narrower := c.kind < c.from.Kind
		if got.String() != c.want || narrower && (got.From.Before(c.from.From) || got.To.After(c.from.To)) {
			t.Errorf("%s switched to kind %v gives %s, want %s", c.from, c.kind, got, c.want)
		}
	}
}
