package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
)

// InspectionsScreen is the review gallery of the scheduled inspections
// (定时抓拍): a day's snapshots by time, schedule and store, a large view
// of the one chosen, and a verdict by keyboard (P pass, F fail, U unclear,
// ←/→ to move) or mouse. A fail raises a corrective task with the
// snapshot as its evidence; verdicts go to HQ with the next sync.
type InspectionsScreen struct {
	run  Runner
	core *app.App
	win  fyne.Window

	content  fyne.CanvasObject
	day      time.Time // local midnight of the day shown
	dayLabel *widget.Label
	schedule *widget.Select
	store    *widget.Entry
	open     *widget.Check
	summary  *widget.Label
	grid     *widget.GridWrap
	big      *canvas.Image
	bigNote  *widget.Label
	details  *widget.Label
	comment  *widget.Entry
	raise    *widget.Check
	status   *widget.Label
	buttons  []*widget.Button

	all      []app.InspectionShot // the day's snapshots
	shots    []app.InspectionShot // those the filters keep
	images   map[int64]string     // picture files by snapshot id
	selected int
	judging  bool // a verdict is being saved: keys wait for it, none lands twice
	loading  int  // generation of the last load, so a late answer is dropped
	fitted   bool
}

// NewInspectionsScreen builds the gallery on the day of now.
func NewInspectionsScreen(run Runner, core *app.App, win fyne.Window, now time.Time) *InspectionsScreen {
	s := &InspectionsScreen{run: run, core: core, win: win, images: map[int64]string{}, selected: -1}
	s.day = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	s.dayLabel = widget.NewLabel("")
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.shiftDay(-1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.shiftDay(1) })
	s.schedule = widget.NewSelect([]string{tr("insp.allschedules", "All schedules")}, nil)
	s.schedule.SetSelectedIndex(0)
	s.store = widget.NewEntry()
	s.store.SetPlaceHolder(tr("insp.store", "Store code"))
	s.store.OnChanged = func(string) { s.filter() }
	s.open = widget.NewCheck(tr("insp.open", "Not judged only"), func(bool) { s.filter() })
	take := widget.NewButtonWithIcon(tr("insp.take", "Take due snapshots"), theme.MediaPhotoIcon(), s.takeNow)
	plans := widget.NewButtonWithIcon(tr("insp.schedules", "Schedules…"), theme.SettingsIcon(), func() {
		newScheduleList(s.run, s.core, s.win, s.Load).show()
	})
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord

	s.grid = widget.NewGridWrap(func() int { return len(s.shots) }, func() fyne.CanvasObject {
		img := canvas.NewImageFromImage(nil)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(152, 114))
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewBorder(nil, l, nil, nil, img)
	}, func(i widget.GridWrapItemID, o fyne.CanvasObject) {
		if i >= len(s.shots) {
			return
		}
		c := o.(*fyne.Container)
		sh := s.shots[i]
		c.Objects[1].(*widget.Label).SetText(shotCaption(sh))
		img := c.Objects[0].(*canvas.Image)
		if p := s.images[sh.SnapshotID]; p != img.File {
			img.File, img.Image = p, nil
			img.Refresh()
		}
	})
	s.grid.OnSelected = func(i widget.GridWrapItemID) {
		if i != s.selected {
			s.show(i)
		}
		// A click on the grid gives it the focus, and a focused grid
		// would take P, F and U: the gallery's keys stay the gallery's.
		s.win.Canvas().Unfocus()
	}

	s.big = canvas.NewImageFromImage(nil)
	s.big.FillMode = canvas.ImageFillContain
	s.big.SetMinSize(fyne.NewSize(240, 180))
	s.bigNote = widget.NewLabel("")
	s.details = widget.NewLabel("")
	s.details.Wrapping = fyne.TextWrapWord
	s.comment = widget.NewEntry()
	s.comment.SetPlaceHolder(tr("insp.comment", "Comment (optional)"))
	s.raise = widget.NewCheck(tr("insp.raise", "A fail raises a corrective task"), nil)
	s.raise.SetChecked(true)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	for _, v := range []struct {
		verdict, label string
		icon           fyne.Resource
		importance     widget.Importance
	}{
		{"pass", tr("insp.pass", "Pass (P)"), theme.ConfirmIcon(), widget.SuccessImportance},
		{"fail", tr("insp.fail", "Fail (F)"), theme.CancelIcon(), widget.DangerImportance},
		{"unclear", tr("insp.unclear", "Unclear (U)"), theme.QuestionIcon(), widget.MediumImportance},
	} {
		v := v
		b := widget.NewButtonWithIcon(v.label, v.icon, func() { s.Judge(v.verdict) })
		b.Importance = v.importance
		s.buttons = append(s.buttons, b)
	}
	hint := widget.NewLabel(tr("insp.keys", "Keys: P pass · F fail · U unclear · ← → previous / next"))
	hint.Importance = widget.LowImportance

	top := container.NewVBox(
		container.NewHBox(widget.NewLabelWithStyle(tr("insp.title", "Scheduled inspections"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			layout.NewSpacer(), plans, take),
		container.NewHBox(prev, s.dayLabel, next, s.schedule, container.NewGridWrap(fyne.NewSize(140, s.store.MinSize().Height), s.store), s.open),
		s.summary)
	side := container.NewBorder(nil,
		container.NewVBox(s.details, s.comment, s.raise, container.NewHBox(s.buttons[0], s.buttons[1], s.buttons[2]), hint, s.status),
		nil, nil, container.NewStack(s.big, container.NewCenter(s.bigNote)))
	split := container.NewHSplit(s.grid, side)
	split.SetOffset(0.5)
	s.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, split)
	s.schedule.OnChanged = func(string) { s.filter() }
	s.showDay()
	s.show(-1)
	return s
}

// Content is the area's content.
func (s *InspectionsScreen) Content() fyne.CanvasObject { return s.content }

func (s *InspectionsScreen) showDay() {
	s.dayLabel.SetText(s.day.Format("2006-01-02") + " " + translated(weekdayKey(s.day.Weekday()), ""))
}

func weekdayKey(w time.Weekday) string {
	return []string{"weekday.sun", "weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat"}[w]
}

func (s *InspectionsScreen) shiftDay(n int) {
	s.day = s.day.AddDate(0, 0, n)
	s.showDay()
	s.Load()
}

// shotCaption is a snapshot's line under its picture.
func shotCaption(sh app.InspectionShot) string {
	mark := map[string]string{"pass": "✓", "fail": "✗", "unclear": "?"}[sh.Verdict]
	if mark == "" && (sh.Suggestion == "nobody" || sh.Suggestion == "changed") {
		mark = "○" // the pre-check saw nobody, or the banner changed: look first
	}
	// The verdict's mark first: a narrow cell cuts the schedule's name, not it.
	return strings.TrimSpace(fmt.Sprintf("%s %s %s %s", mark, shotTime(sh).Format("15:04"), sh.StoreCode, sh.Schedule))
}

// shotTime is the due moment on the store's clock.
func shotTime(sh app.InspectionShot) time.Time {
	if loc, err := time.LoadLocation(sh.TimeZone); err == nil {
		return sh.Due.In(loc)
	}
	return sh.Due
}

// Load reads the day's snapshots, then fetches their pictures in the
// background.
func (s *InspectionsScreen) Load() {
	s.loading++
	gen, day, first := s.loading, s.day, !s.fitted
	s.fitted = true
	s.summary.SetText(tr("chart.loading", "Loading…"))
	s.run.Go(func() {
		ctx := context.Background()
		// A day either side covers every store's clock; each snapshot is
		// then kept on its own store's date.
		shots, err := s.core.InspectionShots(ctx, day.AddDate(0, 0, -1), day.AddDate(0, 0, 2))
		// The first time, a day without snapshots yet (before the first
		// check of the morning) gives way to the last day that has some.
		if first && err == nil {
			if !anyOn(shots, day) {
				week, _ := s.core.InspectionShots(ctx, day.AddDate(0, 0, -7), day)
				if len(week) > 0 {
					last := shotTime(week[len(week)-1])
					day = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.Local)
					shots, err = s.core.InspectionShots(ctx, day.AddDate(0, 0, -1), day.AddDate(0, 0, 2))
				}
			}
		}
		var kept []app.InspectionShot
		for _, sh := range shots {
			if anyOn([]app.InspectionShot{sh}, day) {
				kept = append(kept, sh)
			}
		}
		s.run.Do(func() {
			if gen != s.loading {
				return
			}
			if err != nil {
				s.summary.SetText(errText(err))
				return
			}
			s.day = day
			s.showDay()
			s.all = kept
			names := []string{tr("insp.allschedules", "All schedules")}
			for _, sh := range kept {
				if !contains(names, sh.Schedule) {
					names = append(names, sh.Schedule)
				}
			}
			sel := s.schedule.Selected
			s.schedule.Options = names
			if !contains(names, sel) {
				sel = names[0]
			}
			on := s.schedule.OnChanged
			s.schedule.OnChanged = nil
			s.schedule.SetSelected(sel)
			s.schedule.OnChanged = on
			s.filter()
		})
		s.fetchImages(gen, kept)
	})
}

// anyOn reports whether a snapshot is due on day (on its store's clock).
func anyOn(shots []app.InspectionShot, day time.Time) bool {
	for _, sh := range shots {
		if shotTime(sh).Format("2006-01-02") == day.Format("2006-01-02") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fetchImages finds each snapshot's picture (HQ's are downloaded once) and
// shows it as it arrives.
func (s *InspectionsScreen) fetchImages(gen int, shots []app.InspectionShot) {
	ctx := context.Background()
	for _, sh := range shots {
		path, err := s.core.ShotImage(ctx, sh)
		if err != nil {
			continue // offline: the caption stands, the picture comes on the next visit
		}
		sug, _ := s.core.PreCheck(ctx, sh)
		id, shotID := sh.SnapshotID, sh.ID
		s.run.Do(func() {
			if gen != s.loading {
				return
			}
			for _, list := range [][]app.InspectionShot{s.all, s.shots} {
				for k := range list {
					if list[k].ID == shotID && sug != "" {
						list[k].Suggestion = sug
					}
				}
			}
			s.images[id] = path
			s.grid.Refresh()
			if s.selected >= 0 && s.selected < len(s.shots) && s.shots[s.selected].SnapshotID == id {
				s.showPicture(s.shots[s.selected])
				s.showDetails(s.shots[s.selected])
			}
		})
	}
}

// filter keeps the snapshots the schedule, store and "not judged" filters
// ask for, and says the day's counts.
func (s *InspectionsScreen) filter() {
	code := strings.ToUpper(strings.TrimSpace(s.store.Text))
	s.shots = s.shots[:0]
	for _, sh := range s.all {
		if s.schedule.SelectedIndex() > 0 && sh.Schedule != s.schedule.Selected {
			continue
		}
		if code != "" && !strings.Contains(sh.StoreCode, code) {
			continue
		}
		if s.open.Checked && sh.Verdict != "" {
			continue
		}
		s.shots = append(s.shots, sh)
	}
	s.recount()
	s.grid.UnselectAll()
	s.grid.Refresh()
	first := -1
	for i, sh := range s.shots {
		if sh.Verdict == "" {
			first = i
			break
		}
	}
	if first < 0 && len(s.shots) > 0 {
		first = 0
	}
	s.show(first)
}

// show makes snapshot i the one in the large view (-1: none).
func (s *InspectionsScreen) show(i int) {
	s.selected = i
	if i < 0 || i >= len(s.shots) {
		s.selected = -1
		s.grid.UnselectAll()
		s.big.File, s.big.Image = "", nil
		s.big.Refresh()
		s.bigNote.SetText("")
		s.details.SetText("")
		for _, b := range s.buttons {
			b.Disable()
		}
		return
	}
	sh := s.shots[i]
	s.showDetails(sh)
	for _, b := range s.buttons {
		if sh.Verdict == "" {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if sh.Verdict != "" {
		s.status.SetText(tr("insp.judged", "Judged: {{.Verdict}}", map[string]any{"Verdict": translated("verdict."+sh.Verdict, sh.Verdict)}))
	} else {
		s.status.SetText("")
	}
	s.showPicture(sh)
	s.grid.Select(i) // marks it in the grid and scrolls it into view
}

// showDetails says what the snapshot in view is, and the pre-check's
// suggestion beside it (never the verdict).
func (s *InspectionsScreen) showDetails(sh app.InspectionShot) {
	text := tr("insp.details", "{{.Schedule}} · {{.Store}} · camera {{.Camera}} · due {{.Due}} · from {{.Source}}", map[string]any{
		"Schedule": sh.Schedule, "Store": sh.StoreCode, "Camera": sh.CameraCode,
		"Due": shotTime(sh).Format("2006-01-02 15:04"), "Source": translated("insp.source."+sh.Source, sh.Source)})
	if sh.Suggestion != "" {
		text += "\n" + translated("insp.sug."+sh.Suggestion, sh.Suggestion)
	}
	s.details.SetText(text)
}

func (s *InspectionsScreen) showPicture(sh app.InspectionShot) {
	p := s.images[sh.SnapshotID]
	if p == "" {
		s.bigNote.SetText(tr("insp.fetching", "Fetching the picture…"))
	} else {
		s.bigNote.SetText("")
	}
	if s.big.File != p {
		s.big.File, s.big.Image = p, nil
		s.big.Refresh()
	}
}

// TypedKey handles the gallery's keys: P, F, U and the arrows.
func (s *InspectionsScreen) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyP:
		s.Judge("pass")
	case fyne.KeyF:
		s.Judge("fail")
	case fyne.KeyU:
		s.Judge("unclear")
	case fyne.KeyLeft, fyne.KeyUp:
		if s.selected > 0 {
			s.show(s.selected - 1)
		}
	case fyne.KeyRight, fyne.KeyDown:
		if s.selected+1 < len(s.shots) {
			s.show(s.selected + 1)
		}
	}
}

// Judge gives the snapshot in the large view a verdict, then moves on to
// the next one not judged.
func (s *InspectionsScreen) Judge(verdict string) {
	if s.judging || s.selected < 0 || s.selected >= len(s.shots) {
		return
	}
	i := s.selected
	req := app.JudgeRequest{Shot: s.shots[i], Verdict: verdict, Note: s.comment.Text, Task: s.raise.Checked}
	if req.Shot.Verdict != "" {
		return
	}
	// A verdict is for the picture the manager sees: none while it is
	// still being fetched.
	if p := s.images[req.Shot.SnapshotID]; p == "" || s.big.File != p {
		s.status.SetText(tr("insp.notyet", "The picture of {{.Store}} is not on screen yet: judge it once you see it.", map[string]any{"Store": req.Shot.StoreCode}))
		return
	}
	s.judging = true
	s.run.Go(func() {
		shot, err := s.core.JudgeInspection(context.Background(), req)
		s.run.Do(func() {
			s.judging = false
			if err != nil {
				s.status.SetText(errText(err))
				return
			}
			for k := range s.all {
				if s.all[k].ID == shot.ID {
					s.all[k].Verdict = shot.Verdict
				}
			}
			if i < len(s.shots) && s.shots[i].ID == shot.ID {
				s.shots[i].Verdict = shot.Verdict
			}
			s.comment.SetText("")
			msg := tr("insp.saved", "{{.Store}} {{.Time}}: {{.Verdict}}; it goes to HQ with the next sync.", map[string]any{
				"Store": shot.StoreCode, "Time": shotTime(shot).Format("15:04"), "Verdict": translated("verdict."+shot.Verdict, shot.Verdict)})
			if verdict == "fail" && req.Task {
				msg += " " + tr("insp.tasked", "A corrective task was raised with the snapshot.")
			}
			s.grid.Refresh()
			s.recount()
			next := -1
			for k := i + 1; k < len(s.shots); k++ {
				if s.shots[k].Verdict == "" {
					next = k
					break
				}
			}
			if next < 0 {
				next = i
			}
			s.show(next)
			s.status.SetText(msg)
		})
	})
}

// recount says the day's counts.
func (s *InspectionsScreen) recount() {
	if len(s.all) == 0 {
		s.summary.SetText(tr("insp.none", "No inspection snapshot on this day yet. Snapshots are taken at each schedule's times while StoreLens is open, and caught up when it starts."))
		return
	}
	// The counts follow the schedule and store chosen (not "not judged
	// only", which would hide the verdicts being counted).
	code := strings.ToUpper(strings.TrimSpace(s.store.Text))
	var n, pass, fail, unclear, open int
	for _, sh := range s.all {
		if s.schedule.SelectedIndex() > 0 && sh.Schedule != s.schedule.Selected {
			continue
		}
		if code != "" && !strings.Contains(sh.StoreCode, code) {
			continue
		}
		n++
		switch sh.Verdict {
		case "pass":
			pass++
		case "fail":
			fail++
		case "unclear":
			unclear++
		default:
			open++
		}
	}
	s.summary.SetText(tr("insp.summary", "{{.N}} snapshots: {{.Pass}} pass, {{.Fail}} fail, {{.Unclear}} unclear, {{.Open}} to judge", map[string]any{
		"N": n, "Pass": pass, "Fail": fail, "Unclear": unclear, "Open": open}))
}

// takeNow runs the inspections due now (the background run does so every
// minute) and reloads the day.
func (s *InspectionsScreen) takeNow() {
	s.status.SetText(tr("insp.taking", "Taking the snapshots due…"))
	s.run.Go(func() {
		run, err := s.core.RunInspections(context.Background(), app.InspectionRequest{})
		s.run.Do(func() {
			if err != nil {
				s.status.SetText(errText(err))
				return
			}
			s.status.SetText(tr("insp.taken", "{{.N}} snapshots taken; {{.Missing}} due moments have no picture yet.", map[string]any{
				"N": len(run.Taken), "Missing": len(run.Missing)}))
			s.Load()
		})
	})
}
