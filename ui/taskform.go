package ui

import (
	"context"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/vocab"
)

// taskEvidence is a snapshot kept for a task.
type taskEvidence struct {
	snapshotID  int64
	image       image.Image
	at          time.Time
	recordingID int64
	cameraID    int64
}

// taskPrefill is what a task form starts with: from review (the
// snapshot), from a flag (reason and numbers) or from the store page.
type taskPrefill struct {
	store, storeName string
	category         string
	title, body      string
	kpi              string
	at               time.Time
	cameraID         int64
	recordingID      int64
	evidence         *taskEvidence
}

// showTaskForm asks for a corrective task and stores it as a draft or sends
// it; done hears the task stored.
func showTaskForm(win fyne.Window, run Runner, core *app.App, p taskPrefill, done func(app.Task)) {
	cats := make([]string, len(vocab.TaskCategories))
	for i, c := range vocab.TaskCategories {
		cats[i] = translated("taskcat."+c, c)
	}
	cat := widget.NewSelect(cats, nil)
	cat.SetSelectedIndex(max(0, indexOf(vocab.TaskCategories, p.category)))
	if p.category == "" {
		cat.SetSelectedIndex(len(cats) - 1)
	}
	title := widget.NewEntry()
	title.SetText(p.title)
	title.SetPlaceHolder(tr("taskform.title.hint", "What the store should change"))
	body := widget.NewMultiLineEntry()
	body.SetText(p.body)
	body.SetMinRowsVisible(3)
	due := widget.NewEntry()
	due.SetText(time.Now().AddDate(0, 0, 3).Format(time.DateOnly))
	kpis := []string{tr("taskform.nokpi", "none")}
	for _, m := range insight.Metrics {
		kpis = append(kpis, metricLabel(m))
	}
	kpi := widget.NewSelect(kpis, nil)
	kpi.SetSelectedIndex(0)
	for i, m := range insight.Metrics {
		if string(m) == p.kpi {
			kpi.SetSelectedIndex(i + 1)
		}
	}
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	items := []*widget.FormItem{
		widget.NewFormItem(tr("taskform.store", "Store"), widget.NewLabel(p.store+" "+p.storeName)),
		widget.NewFormItem(tr("taskform.category", "Category"), cat),
		widget.NewFormItem(tr("taskform.title", "Title"), title),
		widget.NewFormItem(tr("taskform.body", "Description"), body),
		widget.NewFormItem(tr("taskform.due", "Due (YYYY-MM-DD)"), due),
		widget.NewFormItem(tr("taskform.kpi", "KPI it targets"), kpi),
	}
	if p.evidence != nil && p.evidence.image != nil {
		img := canvas.NewImageFromImage(p.evidence.image)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(256, 192))
		items = append(items, widget.NewFormItem(tr("taskform.evidence", "Evidence"), img))
	}
	clip := widget.NewCheck(tr("taskform.clip", "Attach the footage from 30 s before to 30 s after"), nil)
	if !p.at.IsZero() && p.recordingID != 0 {
		clip.SetChecked(true)
		items = append(items, widget.NewFormItem("", clip))
	}
	langName := map[string]string{i18n.Chinese: "中文", i18n.English: "English"}[core.StoreLanguage(context.Background())]
	langNote := widget.NewLabel(tr("taskform.storelang", "Written for the store in {{.Lang}} (Settings → Store language).", map[string]any{"Lang": langName}))
	langNote.Importance = widget.LowImportance
	langNote.Wrapping = fyne.TextWrapWord
	items = append(items, widget.NewFormItem("", langNote))
	form := widget.NewForm(items...)
	var d *dialog.CustomDialog
	submit := func(draft bool) {
		req := app.NewTaskRequest{StoreCode: p.store, Title: strings.TrimSpace(title.Text), Body: body.Text,
			DueOn: strings.TrimSpace(due.Text), AtTime: p.at, CameraID: p.cameraID, RecordingID: p.recordingID, Draft: draft}
		if i := cat.SelectedIndex(); i >= 0 {
			req.Category = vocab.TaskCategories[i]
		}
		if i := kpi.SelectedIndex(); i > 0 {
			req.KPI = string(insight.Metrics[i-1])
		}
		if clip.Checked && !p.at.IsZero() {
			req.ClipFrom, req.ClipTo = p.at.Add(-30*time.Second), p.at.Add(30*time.Second)
		}
		if p.evidence != nil {
			req.SnapshotID = p.evidence.snapshotID
			if req.RecordingID == 0 {
				req.RecordingID = p.evidence.recordingID
			}
		}
		run.Go(func() {
			t, err := core.NewTask(context.Background(), req)
			fyne.Do(func() {
				if err != nil {
					problem.SetText(errText(err))
					problem.Show()
					return
				}
				d.Hide()
				if done != nil {
					done(t)
				}
			})
		})
	}
	send := widget.NewButton(tr("taskform.send", "Send to the store"), func() { submit(false) })
	send.Importance = widget.HighImportance
	draft := widget.NewButton(tr("taskform.draft", "Save as draft"), func() { submit(true) })
	cancel := widget.NewButton(tr("taskform.cancel", "Cancel"), func() { d.Hide() })
	content := container.NewVBox(form, problem)
	d = dialog.NewCustomWithoutButtons(tr("taskform.heading", "New corrective task"), container.NewVScroll(content), win)
	d.SetButtons([]fyne.CanvasObject{cancel, draft, send})
	d.Resize(fyne.NewSize(560, 560))
	d.Show()
}
