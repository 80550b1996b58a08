package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/localdb"
)

// scheduleList is the dialog of the inspection schedules: search, tick
// several to pause, resume or delete them at once, make a new one or edit
// one.
type scheduleList struct {
	run    Runner
	core   *app.App
	win    fyne.Window
	search *widget.Entry
	list   *widget.List
	status *widget.Label
	all    []app.Schedule
	shown  []app.Schedule
	ticked map[int64]bool
	codes  map[int64]string // store codes by id, for the lines
	// changed runs after every change (the gallery reloads).
	changed func()
}

func newScheduleList(run Runner, core *app.App, win fyne.Window, changed func()) *scheduleList {
	l := &scheduleList{run: run, core: core, win: win, ticked: map[int64]bool{}, changed: changed}
	l.search = widget.NewEntry()
	l.search.SetPlaceHolder(tr("sched.search", "Search by name"))
	l.search.OnChanged = func(string) { l.filter() }
	l.status = widget.NewLabel("")
	l.status.Wrapping = fyne.TextWrapWord
	l.list = widget.NewList(func() int { return len(l.shown) }, func() fyne.CanvasObject {
		c := widget.NewCheck("", nil)
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil)
		return container.NewBorder(nil, nil, nil, edit, c)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(l.shown) {
			return
		}
		s := l.shown[i]
		row := o.(*fyne.Container)
		c := row.Objects[0].(*widget.Check)
		c.OnChanged = nil
		c.SetText(l.line(s))
		c.SetChecked(l.ticked[s.ID])
		c.OnChanged = func(on bool) { l.ticked[s.ID] = on }
		row.Objects[1].(*widget.Button).OnTapped = func() { l.edit(s) }
	})
	return l
}

// line says a schedule: name, days, times, stores, camera, start, paused.
func (l *scheduleList) line(s app.Schedule) string {
	stores := tr("sched.allstores", "every store")
	switch {
	case len(s.StoreIDs) > 0:
		var codes []string
		for _, id := range s.StoreIDs {
			codes = append(codes, l.codes[id])
		}
		stores = strings.Join(codes, ", ")
	case s.StoreID != 0:
		stores = l.codes[s.StoreID]
	case s.Tag != "":
		stores = s.Tag
	}
	out := fmt.Sprintf("%s · %s · %s · %s · %s", s.Name, daysText(s.Weekdays), strings.ReplaceAll(s.Times, ",", " "), stores,
		translated("role."+s.CameraRole, s.CameraRole))
	if s.StartsOn != "" {
		out += " · " + tr("sched.from", "from {{.Date}}", map[string]any{"Date": s.StartsOn})
	}
	if !s.Active {
		out += " · " + tr("sched.paused", "paused")
	}
	return out
}

var dayKeys = []string{"weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat", "weekday.sun"}

// daysText is a set of weekdays for a reader: every day, or the days
// ("Mon–Fri, Sun").
func daysText(w localdb.Weekdays) string {
	if w == localdb.AllWeek {
		return tr("sched.everyday", "every day")
	}
	return app.WeekdaysText(w, CurrentLanguage())
}

func (l *scheduleList) filter() {
	q := strings.ToLower(strings.TrimSpace(l.search.Text))
	l.shown = l.shown[:0]
	for _, s := range l.all {
		if q == "" || strings.Contains(strings.ToLower(s.Name), q) {
			l.shown = append(l.shown, s)
		}
	}
	l.list.Refresh()
}

// load reads the schedules and the store codes they name.
func (l *scheduleList) load() {
	l.run.Go(func() {
		ctx := context.Background()
		all, err := l.core.Schedules(ctx)
		codes, cerr := l.core.StoreCodes(ctx)
		l.run.Do(func() {
			if err == nil {
				err = cerr
			}
			if err != nil {
				l.status.SetText(errText(err))
				return
			}
			l.all, l.codes = all, codes
			l.filter()
		})
	})
}

func (l *scheduleList) tickedIDs() []int64 {
	var ids []int64
	for _, s := range l.all {
		if l.ticked[s.ID] {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// batch runs fn on the ticked schedules and says what it did.
func (l *scheduleList) batch(fn func(ctx context.Context, ids []int64) error, done string) {
	ids := l.tickedIDs()
	if len(ids) == 0 {
		l.status.SetText(tr("sched.tickfirst", "Tick the schedules first."))
		return
	}
	l.run.Go(func() {
		err := fn(context.Background(), ids)
		l.run.Do(func() {
			if err != nil {
				l.status.SetText(errText(err))
				return
			}
			l.ticked = map[int64]bool{}
			l.status.SetText(tr(done, "", map[string]any{"N": len(ids)}))
			l.load()
			if l.changed != nil {
				l.changed()
			}
		})
	})
}

// content is the dialog's body.
func (l *scheduleList) content() fyne.CanvasObject {
	newBtn := widget.NewButtonWithIcon(tr("sched.new", "New schedule"), theme.ContentAddIcon(), func() { l.edit(app.Schedule{Active: true}) })
	newBtn.Importance = widget.HighImportance
	pause := widget.NewButton(tr("sched.pause", "Pause"), func() {
		l.batch(func(ctx context.Context, ids []int64) error { return l.core.PauseSchedules(ctx, ids, true) }, "sched.paused.n")
	})
	resume := widget.NewButton(tr("sched.resume", "Resume"), func() {
		l.batch(func(ctx context.Context, ids []int64) error { return l.core.PauseSchedules(ctx, ids, false) }, "sched.resumed.n")
	})
	del := widget.NewButtonWithIcon(tr("sched.delete", "Delete"), theme.DeleteIcon(), func() {
		n := len(l.tickedIDs())
		if n == 0 {
			l.status.SetText(tr("sched.tickfirst", "Tick the schedules first."))
			return
		}
		dialog.ShowConfirm(tr("sched.delete", "Delete"), tr("sched.delete.ask", "Delete {{.N}} schedules? The snapshots they took stay.", map[string]any{"N": n}), func(ok bool) {
			if ok {
				l.batch(l.core.DeleteSchedules, "sched.deleted.n")
			}
		}, l.win)
	})
	del.Importance = widget.DangerImportance
	top := container.NewBorder(nil, nil, nil, container.NewHBox(newBtn, pause, resume, del), l.search)
	return container.NewBorder(top, l.status, nil, nil, l.list)
}

// show opens the dialog.
func (l *scheduleList) show() {
	d := dialog.NewCustom(tr("sched.title", "Inspection schedules"), tr("sched.close", "Close"), l.content(), l.win)
	d.Resize(fyne.NewSize(min(900, l.win.Canvas().Size().Width-40), min(560, l.win.Canvas().Size().Height-40)))
	l.load()
	d.Show()
}

// edit opens the form of schedule s (ID 0: a new one).
func (l *scheduleList) edit(s app.Schedule) {
	name := widget.NewEntry()
	name.SetText(s.Name)
	name.SetPlaceHolder("门口叫卖检查-10点")
	var days []*widget.Check
	dayBox := container.NewHBox()
	for i, k := range dayKeys {
		c := widget.NewCheck(translated(k, k), nil)
		c.SetChecked(s.ID == 0 || s.Weekdays&(1<<i) != 0)
		days = append(days, c)
		dayBox.Add(c)
	}
	times := widget.NewEntry()
	times.SetText(strings.ReplaceAll(s.Times, ",", ", "))
	times.SetPlaceHolder("10:00, 14:00, 16:00, 18:00")
	stores := widget.NewEntry()
	stores.SetPlaceHolder(tr("sched.codes.hint", "Store codes, e.g. CS001, CS002 (empty: every store or the tag)"))
	var codes []string
	for _, id := range s.StoreIDs {
		codes = append(codes, l.codes[id])
	}
	if s.StoreID != 0 {
		codes = append(codes, l.codes[s.StoreID])
	}
	stores.SetText(strings.Join(codes, ", "))
	tag := widget.NewEntry()
	tag.SetText(s.Tag)
	tag.SetPlaceHolder(tr("sched.tag.hint", "A tag, e.g. 商场店 (optional)"))
	roleNames := []string{}
	for _, r := range app.CameraRoles {
		roleNames = append(roleNames, translated("role."+r, r))
	}
	role := widget.NewSelect(roleNames, nil)
	role.SetSelectedIndex(0)
	for i, r := range app.CameraRoles {
		if r == s.CameraRole {
			role.SetSelectedIndex(i)
		}
	}
	starts := widget.NewEntry()
	starts.SetText(s.StartsOn)
	starts.SetPlaceHolder("2024-05-20")
	paused := widget.NewCheck(tr("sched.pausedbox", "Paused"), nil)
	paused.SetChecked(!s.Active)
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(tr("sched.name", "Name"), name),
		widget.NewFormItem(tr("sched.days", "Days"), dayBox),
		widget.NewFormItem(tr("sched.times", "Times"), times),
		widget.NewFormItem(tr("sched.stores", "Stores"), stores),
		widget.NewFormItem(tr("sched.tag", "Tag"), tag),
		widget.NewFormItem(tr("sched.camera", "Camera"), role),
		widget.NewFormItem(tr("sched.starts", "From"), starts),
		widget.NewFormItem("", paused),
		widget.NewFormItem("", problem),
	}
	title := tr("sched.newtitle", "New schedule")
	if s.ID != 0 {
		title = tr("sched.edittitle", "Edit schedule")
	}
	var d dialog.Dialog
	d = dialog.NewForm(title, tr("sched.save", "Save"), tr("sched.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		var w localdb.Weekdays
		for i, c := range days {
			if c.Checked {
				w |= 1 << i
			}
		}
		e := app.ScheduleEdit{ID: s.ID, Name: name.Text, Weekdays: w, Times: times.Text, Tag: tag.Text, StartsOn: starts.Text,
			CameraRole: app.CameraRoles[max(0, role.SelectedIndex())], Paused: paused.Checked,
			StoreCodes: strings.FieldsFunc(stores.Text, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' })}
		l.run.Go(func() {
			_, err := l.core.SaveSchedule(context.Background(), e)
			l.run.Do(func() {
				if err != nil {
					// The form stays open on what was typed, with the reason.
					problem.SetText(errText(err))
					d.Show()
					return
				}
				l.status.SetText(tr("sched.saved", "Saved “{{.Name}}”; it goes to HQ with the next sync.", map[string]any{"Name": strings.TrimSpace(e.Name)}))
				l.load()
				if l.changed != nil {
					l.changed()
				}
			})
		})
	}, l.win)
	d.Resize(fyne.NewSize(min(760, l.win.Canvas().Size().Width-40), 0))
	d.Show()
}
