package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // photos and evidence are JPEGs
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/vocab"
)

// TasksScreen lists the corrective tasks with filters, and shows one with
// its history, the store's reply and photo, and the effect on the KPI it
// targeted; the manager sends drafts, verifies or reopens done tasks and
// comments from here.
type TasksScreen struct {
	run  Runner
	core *app.App
	win  fyne.Window

	content  fyne.CanvasObject
	store    *widget.Entry
	status   *widget.Select
	category *widget.Select
	overdue  *widget.Check
	summary  *widget.Label
	list     *widget.List
	detail   *fyne.Container
	tasks    []app.Task
	selected string

	// OnFootage opens a task's evidence in the review.
	OnFootage func(code string, at time.Time)
}

// NewTasksScreen builds the task list.
func NewTasksScreen(run Runner, core *app.App, win fyne.Window) *TasksScreen {
	s := &TasksScreen{run: run, core: core, win: win}
	s.store = widget.NewEntry()
	s.store.SetPlaceHolder(tr("tasks.filter.store", "Store code"))
	s.store.OnSubmitted = func(string) { s.Load() }
	all := tr("tasks.filter.all", "All")
	statuses := []string{all}
	for _, st := range vocab.TaskStatuses {
		statuses = append(statuses, translated("task."+st, st))
	}
	s.status = widget.NewSelect(statuses, nil)
	s.status.SetSelectedIndex(0)
	s.status.OnChanged = func(string) { s.Load() }
	cats := []string{all}
	for _, c := range vocab.TaskCategories {
		cats = append(cats, translated("taskcat."+c, c))
	}
	s.category = widget.NewSelect(cats, nil)
	s.category.SetSelectedIndex(0)
	s.category.OnChanged = func(string) { s.Load() }
	s.overdue = widget.NewCheck(tr("tasks.filter.overdue", "Overdue only"), nil)
	s.overdue.OnChanged = func(bool) { s.Load() }
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.list = widget.NewList(func() int { return len(s.tasks) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(s.tasks) {
			o.(*widget.Label).SetText(taskLine(s.tasks[i]))
		}
	})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.tasks) {
			s.selected = s.tasks[i].ID
			s.showDetail(s.tasks[i])
		}
	}
	s.detail = container.NewVBox(widget.NewLabel(tr("tasks.pick", "Pick a task to see its history, the store's reply and its effect.")))
	filters := container.NewHBox(widget.NewLabel(tr("tasks.filter", "Filter:")), container.NewGridWrap(fyne.NewSize(130, s.store.MinSize().Height), s.store),
		s.status, s.category, s.overdue, widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.Load))
	split := container.NewHSplit(s.list, container.NewVScroll(s.detail))
	split.Offset = 0.45
	s.content = container.NewBorder(container.NewVBox(container.NewHScroll(filters), s.summary), nil, nil, nil, split)
	return s
}

// Content is the screen.
func (s *TasksScreen) Content() fyne.CanvasObject { return s.content }

// taskLine is a task in one line of the list.
func taskLine(t app.Task) string {
	st := translated("task."+t.Status, t.Status)
	if t.WaitingToSend {
		st += " · " + tr("task.waiting", "waiting to send")
	}
	due := ""
	if t.DueOn != "" {
		due = " · " + tr("tasks.due", "due {{.Day}}", map[string]any{"Day": t.DueOn})
		if t.DueOn < time.Now().Format(time.DateOnly) && (t.Status == vocab.TaskSent || t.Status == vocab.TaskAcknowledged || t.Status == vocab.TaskReopened) {
			due += " ⚠"
		}
	}
	return fmt.Sprintf("[%s] %s · %s · %s%s", st, t.StoreCode, translated("taskcat."+t.Category, t.Category), t.Title, due)
}

// Load reads the tasks the filters keep.
func (s *TasksScreen) Load() {
	f := app.TaskFilter{StoreCode: strings.TrimSpace(s.store.Text), Overdue: s.overdue.Checked}
	if i := s.status.SelectedIndex(); i > 0 {
		f.Status = vocab.TaskStatuses[i-1]
	}
	if i := s.category.SelectedIndex(); i > 0 {
		f.Category = vocab.TaskCategories[i-1]
	}
	s.run.Go(func() {
		tasks, err := s.core.Tasks(context.Background(), f)
		fyne.Do(func() {
			if err != nil {
				s.summary.SetText(errText(err))
				return
			}
			// Newest first on screen.
			for i, j := 0, len(tasks)-1; i < j; i, j = i+1, j-1 {
				tasks[i], tasks[j] = tasks[j], tasks[i]
			}
			s.tasks = tasks
			waiting, done := 0, 0
			for _, t := range tasks {
				if t.WaitingToSend {
					waiting++
				}
				if t.Status == vocab.TaskDone {
					done++
				}
			}
			s.summary.SetText(tr("tasks.summary", "{{.N}} tasks · {{.Waiting}} waiting to send · {{.Done}} reported done, to verify", map[string]any{"N": len(tasks), "Waiting": waiting, "Done": done}))
			s.list.Refresh()
			for i, t := range tasks {
				if t.ID == s.selected {
					s.list.Select(i)
					s.showDetail(t)
				}
			}
		})
	})
}

// Select shows task id (after raising it, say).
func (s *TasksScreen) Select(id string) {
	s.selected = id
	s.Load()
}

func (s *TasksScreen) showDetail(t app.Task) {
	gen := t.ID
	s.run.Go(func() {
		ctx := context.Background()
		hist, err := s.core.TaskHistory(ctx, t.ID)
		eff, effErr := s.core.TaskEffect(ctx, t.ID)
		fyne.Do(func() {
			if s.selected != gen {
				return
			}
			s.detail.Objects = s.detailObjects(t, hist, err, eff.Summary.In(CurrentLanguage()), effErr)
			s.detail.Refresh()
		})
	})
}

func (s *TasksScreen) detailObjects(t app.Task, hist []app.TaskStep, histErr error, effect string, effErr error) []fyne.CanvasObject {
	title := widget.NewLabel(t.Title)
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Wrapping = fyne.TextWrapWord
	lines := []string{
		tr("tasks.d.store", "Store: {{.Code}} {{.Name}}", map[string]any{"Code": t.StoreCode, "Name": t.StoreName}),
		tr("tasks.d.status", "Status: {{.Status}} · category {{.Category}}", map[string]any{"Status": translated("task."+t.Status, t.Status), "Category": translated("taskcat."+t.Category, t.Category)}),
	}
	if t.DueOn != "" {
		lines = append(lines, tr("tasks.due", "due {{.Day}}", map[string]any{"Day": t.DueOn}))
	}
	if t.WaitingToSend {
		w := tr("tasks.d.waiting", "Waiting to send: it goes to HQ with the next sync that reaches it.")
		if t.SendError != "" {
			w += " " + tr("tasks.d.lasttry", "Last try: {{.Err}}", map[string]any{"Err": t.SendError})
		}
		lines = append(lines, w)
	}
	if t.Body != "" {
		lines = append(lines, t.Body)
	}
	info := widget.NewLabel(strings.Join(lines, "\n"))
	info.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{title, info}
	if t.SnapshotPath != "" {
		if img := loadPicture(t.SnapshotPath); img != nil {
			objs = append(objs, heading(tr("tasks.d.evidence", "Evidence")), picture(img))
		}
	}
	loc := loadLoc(t.StoreZone)
	var hb strings.Builder
	for i, h := range hist {
		what := translated("task."+h.Status, h.Status)
		if i > 0 && hist[i-1].Status == h.Status {
			what = tr("tasks.d.comment", "comment")
		}
		fmt.Fprintf(&hb, "%s · %s · %s", h.At.In(loc).Format("2006-01-02 15:04"), translated("taskactor."+h.Actor, h.Actor), what)
		if h.By != "" && h.By != h.Actor {
			hb.WriteString(" (" + h.By + ")")
		}
		if h.Note != "" {
			hb.WriteString(": " + h.Note)
		}
		hb.WriteString("\n")
	}
	if histErr != nil {
		hb.WriteString(errText(histErr))
	}
	hl := widget.NewLabel(strings.TrimSpace(hb.String()))
	hl.Wrapping = fyne.TextWrapWord
	objs = append(objs, heading(tr("tasks.d.history", "History")), hl)
	for i := len(hist) - 1; i >= 0; i-- {
		if len(hist[i].Photo) > 0 {
			if img, _, err := image.Decode(bytes.NewReader(hist[i].Photo)); err == nil {
				objs = append(objs, heading(tr("tasks.d.photo", "The store's photo")), picture(img))
			}
			break
		}
	}
	if effErr == nil && effect != "" {
		el := widget.NewLabel(effect)
		el.Wrapping = fyne.TextWrapWord
		objs = append(objs, heading(tr("tasks.d.effect", "Effect")), el)
	}
	objs = append(objs, s.actions(t))
	return objs
}

func loadPicture(path string) image.Image {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}

func picture(img image.Image) fyne.CanvasObject {
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.SetMinSize(fyne.NewSize(320, 240))
	return c
}

// actions are what the manager can do with t now.
func (s *TasksScreen) actions(t app.Task) fyne.CanvasObject {
	box := container.NewHBox()
	act := func(status, comment string) {
		s.run.Go(func() {
			err := s.core.SetTaskStatus(context.Background(), t.ID, status, comment)
			fyne.Do(func() {
				if err != nil {
					dialog.ShowInformation(tr("tasks.a.failed", "Not done"), errText(err), s.win)
					return
				}
				s.Load()
			})
		})
	}
	withNote := func(heading, status string, required bool) {
		e := widget.NewMultiLineEntry()
		e.SetMinRowsVisible(3)
		d := dialog.NewForm(heading, tr("taskform.ok", "OK"), tr("taskform.cancel", "Cancel"),
			[]*widget.FormItem{widget.NewFormItem(tr("tasks.a.note", "Comment"), e)}, func(ok bool) {
				if ok && (!required || strings.TrimSpace(e.Text) != "") {
					act(status, e.Text)
				}
			}, s.win)
		d.Resize(fyne.NewSize(460, 240))
		d.Show()
	}
	switch t.Status {
	case vocab.TaskDraft:
		b := widget.NewButtonWithIcon(tr("tasks.a.send", "Send to the store"), theme.MailSendIcon(), func() { act(vocab.TaskSent, "") })
		b.Importance = widget.HighImportance
		box.Add(b)
	case vocab.TaskDone:
		v := widget.NewButtonWithIcon(tr("tasks.a.verify", "Verify"), theme.ConfirmIcon(), func() { withNote(tr("tasks.a.verify", "Verify"), vocab.TaskVerified, false) })
		v.Importance = widget.HighImportance
		box.Add(v)
		box.Add(widget.NewButtonWithIcon(tr("tasks.a.reopen", "Reopen"), theme.ContentUndoIcon(), func() { withNote(tr("tasks.a.reopen", "Reopen"), vocab.TaskReopened, true) }))
	}
	box.Add(widget.NewButtonWithIcon(tr("tasks.a.comment", "Comment"), theme.DocumentCreateIcon(), func() { withNote(tr("tasks.a.comment", "Comment"), "", true) }))
	if !t.AtTime.IsZero() && s.OnFootage != nil {
		box.Add(widget.NewButtonWithIcon(tr("tasks.a.footage", "Open the footage"), theme.MediaPlayIcon(), func() { s.OnFootage(t.StoreCode, t.AtTime) }))
	}
	return box
}
