package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app/insight"
)

// periodPicker chooses the period a screen shows: a day, an ISO week, a
// month or a custom range of days, stepped with ◀ ▶ or typed.
type periodPicker struct {
	kind     *widget.Select
	entry    *widget.Entry
	prev     *widget.Button
	next     *widget.Button
	errLabel *widget.Label
	p        insight.Period
	onChange func(insight.Period)
	clock    func() time.Time // the screen's now, running on
	box      fyne.CanvasObject
}

var periodKinds = []insight.PeriodKind{insight.Day, insight.Week, insight.Month, insight.Range}

func periodKindLabels() []string {
	return []string{
		tr("period.day", "Day"),
		tr("period.week", "Week"),
		tr("period.month", "Month"),
		tr("period.custom", "Custom"),
	}
}

// defaultPeriod is the last complete week, the one the weekly review is
// about: a week still in progress would compare four days with seven.
func defaultPeriod(now time.Time) insight.Period {
	return insight.WeekOf(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)).Shift(-7)
}

// newPeriodPicker shows p; now is the screen's present, from which the
// picker's clock runs on (a day switched to is never past today).
func newPeriodPicker(p insight.Period, now time.Time, onChange func(insight.Period)) *periodPicker {
	started := time.Now()
	pp := &periodPicker{p: p, onChange: onChange, clock: func() time.Time { return now.Add(time.Since(started)) }}
	pp.kind = widget.NewSelect(periodKindLabels(), nil)
	pp.entry = widget.NewEntry()
	pp.entry.SetPlaceHolder("2026-W47")
	pp.errLabel = widget.NewLabel("")
	pp.errLabel.Importance = widget.DangerImportance
	pp.errLabel.Wrapping = fyne.TextWrapWord
	pp.errLabel.Hide()
	pp.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { pp.step(-1) })
	pp.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { pp.step(1) })
	pp.entry.OnSubmitted = func(s string) { pp.typed(s) }
	pp.kind.SetSelectedIndex(kindIndex(p.Kind))
	pp.kind.OnChanged = func(string) { pp.setKind(periodKinds[pp.kind.SelectedIndex()]) }
	pp.entry.SetText(p.String())
	entryBox := container.NewGridWrap(fyne.NewSize(196, pp.entry.MinSize().Height), pp.entry)
	pp.box = container.NewHBox(pp.kind, pp.prev, entryBox, pp.next)
	return pp
}

func kindIndex(k insight.PeriodKind) int {
	for i, x := range periodKinds {
		if x == k {
			return i
		}
	}
	return 1
}

// Period is the period shown.
func (pp *periodPicker) Period() insight.Period { return pp.p }

// Show shows p without telling the screen: the screen is about to load p
// itself (a store opened from the dashboard for the dashboard's period).
func (pp *periodPicker) Show(p insight.Period) {
	on := pp.onChange
	pp.onChange = nil
	pp.set(p)
	pp.onChange = on
}

// Content is the picker's row: kind, back, the period, forward.
func (pp *periodPicker) Content() fyne.CanvasObject { return pp.box }

// Problem is the line under the row that explains a period that cannot be
// read; it is hidden while there is none.
func (pp *periodPicker) Problem() fyne.CanvasObject { return pp.errLabel }

// set shows p and tells the screen.
func (pp *periodPicker) set(p insight.Period) {
	pp.p = p
	pp.entry.SetText(p.String())
	pp.errLabel.Hide()
	if pp.kind.SelectedIndex() != kindIndex(p.Kind) {
		on := pp.kind.OnChanged
		pp.kind.OnChanged = nil
		pp.kind.SetSelectedIndex(kindIndex(p.Kind))
		pp.kind.OnChanged = on
	}
	if pp.onChange != nil {
		pp.onChange(p)
	}
}

// setKind switches kind. A shorter kind stays inside the period shown and
// takes its last complete day, week or month up to today (a month switched
// to weeks shows its last full week, never one past it or in the future); a
// longer kind takes the one holding the current period's last day. Custom
// keeps the days and lets the manager type a range.
func (pp *periodPicker) setKind(k insight.PeriodKind) {
	if k == insight.Range {
		pp.p.Kind = insight.Range
		pp.entry.SetText(pp.p.String())
		if c := fyne.CurrentApp().Driver().CanvasForObject(pp.entry); c != nil {
			c.Focus(pp.entry)
		}
		return
	}
	pp.set(switchKind(pp.p, k, pp.clock()))
}

// switchKind is the period of kind k that setKind shows for p on the day
// of now.
func switchKind(p insight.Period, k insight.PeriodKind, now time.Time) insight.Period {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.From.Location())
	end := p.To // the days before end are the ones to choose from
	if today.Before(end) && today.After(p.From) {
		end = today
	}
	last := end.AddDate(0, 0, -1)
	monthOf := func(d time.Time) insight.Period {
		m := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, d.Location())
		return insight.Period{Kind: insight.Month, From: m, To: m.AddDate(0, 1, 0)}
	}
	switch k {
	case insight.Day:
		return insight.Period{Kind: insight.Day, From: last, To: end}
	case insight.Week:
		w := insight.WeekOf(last)
		if p.NumDays() > 7 && w.To.After(end) && !w.From.AddDate(0, 0, -7).Before(p.From) {
			w = w.Shift(-7) // the last full week inside the period
		}
		return w
	default:
		m := monthOf(last)
		if p.NumDays() > 31 && m.To.After(end) && !m.From.AddDate(0, -1, 0).Before(p.From) {
			m = monthOf(m.From.AddDate(0, 0, -1))
		}
		return m
	}
}

// step moves one period back (-1) or forward (+1).
func (pp *periodPicker) step(n int) {
	p := pp.p
	if p.Kind == insight.Month {
		from := p.From.AddDate(0, n, 0)
		pp.set(insight.Period{Kind: insight.Month, From: from, To: from.AddDate(0, 1, 0)})
		return
	}
	pp.set(p.Shift(n * p.NumDays()))
}

// typed reads a period the manager wrote; a bad one is explained and the
// period shown does not change.
func (pp *periodPicker) typed(s string) {
	p, err := insight.ParsePeriod(s, time.UTC)
	if err != nil {
		pp.errLabel.SetText(tr("period.bad", "Cannot read the period “{{.Text}}”: write a day (2026-11-20), a week (2026-W47), a month (2026-11) or a range (2026-11-01..2026-11-15).", map[string]any{"Text": s}))
		pp.errLabel.Show()
		return
	}
	if pp.kind.SelectedIndex() == kindIndex(insight.Range) && p.Kind != insight.Range {
		p.Kind = insight.Range
	}
	pp.set(p)
}
