package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/audit"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/localdb"
)

// AuditScreen is the cashier audit (收银追溯): the findings of a period
// across the region or at one store, filtered by kind and state, each with
// its evidence (the receipts and their lines, who stood at the till, a
// still of the till camera); the manager opens the footage at the moment,
// dismisses a finding with a reason or turns it into a task for the store.
type AuditScreen struct {
	run  Runner
	core *app.App
	win  fyne.Window

	content  fyne.CanvasObject
	picker   *periodPicker
	store    *widget.Entry
	kind     *widget.Select
	status   *widget.Select
	summary  *widget.Label
	progress *widget.ProgressBar
	runBtn   *widget.Button
	list     *widget.List
	detail   *fyne.Container

	findings []app.AuditFinding
	selected int64
	loading  int
	// bg is the background audit's progress while it runs (nil when idle).
	bg *app.AuditProgress

	// OnFootage opens the footage of a store's camera at a moment.
	OnFootage func(code string, cameraID int64, at time.Time)
	// OnTask shows a task just raised from a finding.
	OnTask func(id string)
}

// auditStatuses are the states the filter offers, after "all".
var auditStatuses = []string{localdb.FindingOpen, localdb.FindingDismissed, localdb.FindingTasked}

// NewAuditScreen builds the findings list on the last seven days up to now.
func NewAuditScreen(run Runner, core *app.App, win fyne.Window, now time.Time) *AuditScreen {
	s := &AuditScreen{run: run, core: core, win: win}
	s.picker = newPeriodPicker(app.RecentAuditPeriod(now), now, func(insight.Period) { s.Load() })
	s.store = widget.NewEntry()
	s.store.SetPlaceHolder(tr("audit.store", "Store code"))
	s.store.OnSubmitted = func(string) { s.Load() }
	all := tr("tasks.filter.all", "All")
	kinds := []string{tr("audit.allkinds", "All kinds")}
	for _, k := range audit.Kinds {
		kinds = append(kinds, tr("audit.kind."+k, k))
	}
	s.kind = widget.NewSelect(kinds, nil)
	s.kind.SetSelectedIndex(0)
	s.kind.OnChanged = func(string) { s.Load() }
	statuses := []string{all}
	for _, st := range auditStatuses {
		statuses = append(statuses, tr("audit.status."+st, st))
	}
	s.status = widget.NewSelect(statuses, nil)
	s.status.SetSelectedIndex(1)
	s.status.OnChanged = func(string) { s.Load() }
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.runBtn = widget.NewButtonWithIcon(tr("audit.run", "Check the period"), theme.SearchIcon(), s.Audit)
	s.runBtn.Importance = widget.HighImportance
	limits := widget.NewButtonWithIcon(tr("audit.thresholds", "Thresholds…"), theme.SettingsIcon(), s.showThresholds)
	// Two lines an item: when, where and what; then the finding's sentence.
	s.list = widget.NewList(func() int { return len(s.findings) }, func() fyne.CanvasObject {
		head, why := widget.NewLabel(""), widget.NewLabel("")
		head.TextStyle = fyne.TextStyle{Bold: true}
		head.Truncation, why.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
		return container.New(layout.NewCustomPaddedVBoxLayout(-12), head, why)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(s.findings) {
			head, why := findingLines(s.findings[i])
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(head)
			c.Objects[1].(*widget.Label).SetText(why)
		}
	})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.findings) {
			s.selected = s.findings[i].ID
			s.showDetail(s.findings[i])
		}
	}
	s.detail = container.NewVBox(widget.NewLabel(tr("audit.pick", "Pick a finding to see its receipts, who stood at the till and the till camera's still.")))
	filters := container.NewHBox(container.NewGridWrap(fyne.NewSize(120, s.store.MinSize().Height), s.store), s.kind, s.status,
		widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.Load))
	top := container.NewVBox(
		container.NewHScroll(container.NewHBox(s.picker.Content(), s.runBtn, limits)), s.picker.Problem(),
		container.NewHScroll(filters), s.progress, s.summary)
	split := container.NewHSplit(s.list, container.NewVScroll(s.detail))
	split.Offset = 0.45
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

// Content is the screen.
func (s *AuditScreen) Content() fyne.CanvasObject { return s.content }

// findingLines are a finding as the list shows it: when, where, what and
// its state; then its sentence.
func findingLines(f app.AuditFinding) (head, why string) {
	ev, _ := app.FindingEvidence(f)
	mark := ""
	switch f.Status {
	case localdb.FindingDismissed:
		mark = " · " + tr("audit.status.dismissed", "dismissed")
	case localdb.FindingTasked:
		mark = " · " + tr("audit.status.tasked", "task raised")
	}
	return fmt.Sprintf("%s · %s · %s %s%s", f.At.In(loadLoc(f.TimeZone)).Format("01-02 15:04"), tr("audit.kind."+f.Kind, f.Kind),
		f.StoreCode, f.StoreName, mark), app.FindingSummary(f, ev).In(CurrentLanguage())
}

// findingLine is the list's two lines in one.
func findingLine(f app.AuditFinding) string {
	head, why := findingLines(f)
	return head + " · " + why
}

func (s *AuditScreen) filter() app.FindingFilter {
	f := app.FindingFilter{Period: s.picker.Period(), StoreCode: strings.ToUpper(strings.TrimSpace(s.store.Text))}
	if i := s.kind.SelectedIndex(); i > 0 {
		f.Kind = audit.Kinds[i-1]
	}
	if i := s.status.SelectedIndex(); i > 0 {
		f.Status = auditStatuses[i-1]
	}
	return f
}

// Load lists the findings kept for the period and filters.
func (s *AuditScreen) Load() {
	s.loading++
	gen := s.loading
	f := s.filter()
	s.run.Go(func() {
		fs, err := s.core.AuditFindings(context.Background(), f)
		s.run.Do(func() {
			if gen != s.loading {
				return
			}
			if err != nil {
				s.summary.SetText(errText(err))
				s.findings = nil
				s.list.Refresh()
				return
			}
			s.findings = fs
			s.summary.SetText(s.summaryText(fs, f))
			if s.bg != nil {
				s.summary.SetText(s.backgroundText())
			}
			s.list.UnselectAll()
			s.list.Refresh()
			shown := false
			for i, x := range fs {
				if x.ID == s.selected {
					s.list.Select(i)
					shown = true
				}
			}
			if !shown && s.selected != 0 {
				// The finding open in the detail left the list (dismissed,
				// tasked, or filtered out): nothing of it stays actionable.
				s.selected = 0
				s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(tr("audit.gone", "The finding you had open has left this list: its state changed or the filters leave it out. Pick another."))}
				s.detail.Refresh()
			}
		})
	})
}

func (s *AuditScreen) summaryText(fs []app.AuditFinding, f app.FindingFilter) string {
	if len(fs) == 0 {
		if f.Kind != "" || f.StoreCode != "" || f.Status != localdb.FindingOpen {
			return tr("audit.none.filtered", "No finding matches these filters in {{.Period}}.", map[string]any{"Period": f.Period.String()})
		}
		return tr("audit.none", "No open finding in {{.Period}}. Check the period to audit the receipts and till footage synced since.",
			map[string]any{"Period": f.Period.String()})
	}
	stores := map[string]bool{}
	for _, x := range fs {
		stores[x.StoreCode] = true
	}
	return tr("audit.summary", "{{.N}} findings at {{.Stores}} stores in {{.Period}}, newest first.",
		map[string]any{"N": len(fs), "Stores": len(stores), "Period": f.Period.String()})
}

// Background shows the progress of the audit that runs after each sync
// (nil when it has ended): the list may still grow.
func (s *AuditScreen) Background(p *app.AuditProgress) {
	s.bg = p
	if p == nil {
		s.progress.Hide()
		return
	}
	if p.Early && p.Stores > 0 {
		s.progress.SetValue(float64(p.Checked) / float64(p.Stores))
	} else if total := p.ToScan + p.Stores; total > 0 {
		s.progress.SetValue(float64(p.Scanned+p.Checked) / float64(total))
	}
	s.progress.Show()
	s.summary.SetText(s.backgroundText())
	// A batch of stores' findings is kept: show them while the run goes on.
	if p.Checked > 0 && (p.Checked%app.AuditBatch == 0 || p.Checked == p.Stores) {
		s.Load()
	}
}

func (s *AuditScreen) backgroundText() string {
	p := s.bg
	if p.Early {
		return tr("audit.bg.early", "Checking the last seven days after the sync: what the receipts already show, {{.N}} of {{.Of}} stores; the new till footage comes next…",
			map[string]any{"N": p.Checked, "Of": p.Stores})
	}
	if p.Checked == 0 && p.ToScan > 0 {
		return tr("audit.bg.scanning", "Checking the last seven days after the sync: looking at the till footage, {{.N}} of {{.Of}} recordings…",
			map[string]any{"N": p.Scanned, "Of": p.ToScan})
	}
	return tr("audit.bg.checking", "Checking the last seven days after the sync: {{.N}} of {{.Of}} stores…", map[string]any{"N": p.Checked, "Of": p.Stores})
}

// Audit runs the audit over the period (and store) chosen, with progress.
func (s *AuditScreen) Audit() {
	req := app.AuditRequest{Period: s.picker.Period()}
	if c := strings.ToUpper(strings.TrimSpace(s.store.Text)); c != "" {
		req.StoreCodes = []string{c}
	}
	s.runBtn.Disable()
	s.progress.SetValue(0)
	s.progress.Show()
	s.summary.SetText(tr("audit.running", "Checking {{.Period}}…", map[string]any{"Period": req.Period.String()}))
	req.Progress = func(p app.AuditProgress) {
		s.run.Do(func() {
			total := p.ToScan + p.Stores
			if total > 0 {
				s.progress.SetValue(float64(p.Scanned+p.Checked) / float64(total))
			}
			if p.Checked == 0 && p.ToScan > 0 {
				s.summary.SetText(tr("audit.scanning", "Looking at the till footage: {{.N}} of {{.Of}} recordings…", map[string]any{"N": p.Scanned, "Of": p.ToScan}))
			}
		})
	}
	s.run.Go(func() {
		start := time.Now()
		res, err := s.core.Audit(context.Background(), req)
		s.run.Do(func() {
			s.runBtn.Enable()
			s.progress.Hide()
			if err != nil {
				s.summary.SetText(errText(err))
				return
			}
			s.Load()
			note := tr("audit.done", "Checked {{.Stores}} stores in {{.Secs}} s: {{.N}} findings, {{.Scanned}} till recordings looked at.",
				map[string]any{"Stores": res.Stores, "Secs": fmt.Sprintf("%.1f", time.Since(start).Seconds()), "N": len(res.Findings), "Scanned": res.Scanned})
			if res.NotHere > 0 {
				note += " " + tr("audit.nothere", "{{.N}} till recordings could not be fetched (offline): their hours were checked on the receipts alone.", map[string]any{"N": res.NotHere})
			}
			if res.NoDetector != nil {
				note += " " + tr("audit.nodetector", "The person detector could not be loaded, so no till footage was looked at; reinstall StoreLens.")
			}
			dialog.ShowInformation(tr("audit.title", "Cashier audit"), note, s.win)
		})
	})
}

func (s *AuditScreen) showDetail(f app.AuditFinding) {
	s.detail.Objects = s.detailObjects(f)
	s.detail.Refresh()
}

func (s *AuditScreen) detailObjects(f app.AuditFinding) []fyne.CanvasObject {
	ev, err := app.FindingEvidence(f)
	loc := loadLoc(f.TimeZone)
	title := widget.NewLabel(tr("audit.kind."+f.Kind, f.Kind) + " · " + f.StoreCode + " " + f.StoreName)
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Wrapping = fyne.TextWrapWord
	lines := []string{app.FindingSummary(f, ev).In(CurrentLanguage()),
		tr("audit.d.when", "When: {{.Time}} (store time)", map[string]any{"Time": f.At.In(loc).Format("2006-01-02 15:04:05")})}
	switch f.Status {
	case localdb.FindingDismissed:
		lines = append(lines, tr("audit.d.dismissed", "Dismissed: {{.Reason}}", map[string]any{"Reason": f.Reason}))
	case localdb.FindingTasked:
		lines = append(lines, tr("audit.d.tasked", "A corrective task was raised for it."))
	}
	if err != nil {
		lines = append(lines, errText(err))
	}
	info := widget.NewLabel(strings.Join(lines, "\n"))
	info.Wrapping = fyne.TextWrapWord
	// The actions come first: they need no scroll on a laptop's screen.
	objs := []fyne.CanvasObject{title, info, s.actions(f)}
	if ev.Snapshot != "" {
		if img := loadPicture(ev.Snapshot); img != nil {
			objs = append(objs, heading(tr("audit.d.still", "Till camera")), picture(img))
		}
	}
	if p := ev.Presence; p != nil {
		pl := widget.NewLabel(tr("audit.d.presence", "{{.From}}–{{.To}}: at most {{.Customers}} on the customer side ({{.Waiting}} standing), {{.Staff}} behind the counter",
			map[string]any{"From": p.From.In(loc).Format("15:04:05"), "To": p.To.In(loc).Format("15:04:05"), "Customers": p.Customers,
				"Waiting": p.Waiting, "Staff": p.Staff}))
		pl.Wrapping = fyne.TextWrapWord
		objs = append(objs, heading(tr("audit.d.till", "At the till")), pl)
	}
	if len(ev.Receipts) > 0 {
		var b strings.Builder
		for _, r := range ev.Receipts {
			fmt.Fprintf(&b, "%s · %s · %s · %s", r.At.In(loc).Format("15:04:05"), r.No, r.Cashier, insight.FormatMoney(r.AmountFen))
			if r.DiscountFen > 0 {
				b.WriteString(" · " + tr("audit.d.discount", "discount {{.Amount}}", map[string]any{"Amount": insight.FormatMoney(r.DiscountFen)}))
			}
			if r.MemberCard != "" {
				b.WriteString(" · " + tr("audit.d.card", "card {{.Card}}", map[string]any{"Card": r.MemberCard}))
			}
			if r.Refund {
				b.WriteString(" · " + tr("audit.d.refund", "refund"))
			}
			b.WriteString("\n")
			for _, l := range r.Lines {
				fmt.Fprintf(&b, "    %s %s ×%d  %s\n", l.SKU, l.Name, l.Qty, insight.FormatMoney(l.AmountFen))
			}
		}
		rl := widget.NewLabel(strings.TrimSpace(b.String()))
		rl.Wrapping = fyne.TextWrapWord
		objs = append(objs, heading(tr("audit.d.receipts", "Receipts")), rl)
	}
	return objs
}

// actions are what the manager can do with f now.
func (s *AuditScreen) actions(f app.AuditFinding) fyne.CanvasObject {
	box := container.NewHBox()
	if s.OnFootage != nil {
		box.Add(widget.NewButtonWithIcon(tr("tasks.a.footage", "Open the footage"), theme.MediaPlayIcon(), func() { s.OnFootage(f.StoreCode, f.CameraID, f.At) }))
	}
	switch f.Status {
	case localdb.FindingOpen:
		t := widget.NewButtonWithIcon(tr("audit.a.task", "Raise a task…"), theme.MailSendIcon(), func() { s.raiseTask(f) })
		t.Importance = widget.HighImportance
		box.Add(t)
		box.Add(widget.NewButtonWithIcon(tr("audit.a.dismiss", "Dismiss…"), theme.CancelIcon(), func() { s.dismiss(f) }))
	case localdb.FindingDismissed:
		box.Add(widget.NewButtonWithIcon(tr("audit.a.reopen", "Put back on the list"), theme.ContentUndoIcon(), func() {
			s.act(func(ctx context.Context) error { return s.core.ReopenFinding(ctx, f.ID) })
		}))
	case localdb.FindingTasked:
		if s.OnTask != nil && f.TaskID != "" {
			box.Add(widget.NewButtonWithIcon(tr("audit.a.showtask", "Show the task"), theme.ListIcon(), func() { s.OnTask(f.TaskID) }))
		}
	}
	return box
}

// holdActions disables the detail's buttons while what one asked is done,
// so that a finding cannot get a second task or dismissal meanwhile.
func (s *AuditScreen) holdActions() {
	walkObjects(s.detail, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			b.Disable()
		}
	})
}

func (s *AuditScreen) act(fn func(ctx context.Context) error) {
	s.holdActions()
	s.run.Go(func() {
		err := fn(context.Background())
		s.run.Do(func() {
			if err != nil {
				dialog.ShowInformation(tr("tasks.a.failed", "Not done"), errText(err), s.win)
			}
			s.Load()
		})
	})
}

func (s *AuditScreen) dismiss(f app.AuditFinding) {
	e := widget.NewMultiLineEntry()
	e.SetMinRowsVisible(3)
	e.SetPlaceHolder(tr("audit.reason.hint", "e.g. checked with the store: the manager's own purchase"))
	d := dialog.NewForm(tr("audit.a.dismiss", "Dismiss…"), tr("taskform.ok", "OK"), tr("taskform.cancel", "Cancel"),
		[]*widget.FormItem{widget.NewFormItem(tr("audit.reason", "Reason"), e)}, func(ok bool) {
			if ok {
				s.act(func(ctx context.Context) error { return s.core.DismissFinding(ctx, f.ID, e.Text) })
			}
		}, s.win)
	d.Resize(fyne.NewSize(480, 260))
	d.Show()
	s.win.Canvas().Focus(e) // the reason can be typed at once
}

func (s *AuditScreen) raiseTask(f app.AuditFinding) {
	ev, _ := app.FindingEvidence(f)
	title := widget.NewEntry()
	lang := s.core.StoreLanguage(context.Background())
	title.SetText(i18n.Say("audit.kind."+f.Kind).In(lang) + " · " + f.At.In(loadLoc(f.TimeZone)).Format("01-02 15:04"))
	body := widget.NewMultiLineEntry()
	body.SetMinRowsVisible(4)
	body.Wrapping = fyne.TextWrapWord
	body.SetText(app.FindingSummary(f, ev).In(lang))
	due := widget.NewEntry()
	due.SetPlaceHolder("YYYY-MM-DD")
	due.SetText(time.Now().AddDate(0, 0, 3).Format(time.DateOnly))
	d := dialog.NewForm(tr("audit.a.task", "Raise a task…"), tr("taskform.send", "Send"), tr("taskform.cancel", "Cancel"),
		[]*widget.FormItem{
			widget.NewFormItem(tr("taskform.title", "Title"), title),
			widget.NewFormItem(tr("taskform.body", "What to do"), body),
			widget.NewFormItem(tr("taskform.due", "Due"), due),
		}, func(ok bool) {
			if !ok {
				return
			}
			req := app.NewTaskRequest{Title: title.Text, Body: body.Text, DueOn: strings.TrimSpace(due.Text)}
			s.holdActions()
			s.run.Go(func() {
				t, err := s.core.FindingTask(context.Background(), f.ID, req)
				s.run.Do(func() {
					s.Load()
					if err != nil {
						dialog.ShowInformation(tr("tasks.a.failed", "Not done"), errText(err), s.win)
						return
					}
					if s.OnTask != nil {
						s.OnTask(t.ID)
					}
				})
			})
		}, s.win)
	d.Resize(fyne.NewSize(520, 360))
	d.Show()
}

// showThresholds edits the audit's thresholds, kept with the settings.
func (s *AuditScreen) showThresholds() {
	ctx := context.Background()
	var items []*widget.FormItem
	entries := make([]*widget.Entry, len(app.AuditSettings))
	for i, st := range app.AuditSettings {
		e := widget.NewEntry()
		e.SetText(fmt.Sprint(s.core.IntSetting(ctx, st)))
		entries[i] = e
		items = append(items, widget.NewFormItem(tr("setting."+st.Key, st.Key), e))
		items[len(items)-1].HintText = tr("audit.limits", "default {{.Default}}, {{.Min}}–{{.Max}}",
			map[string]any{"Default": st.Default, "Min": st.Min, "Max": st.Max})
	}
	d := dialog.NewForm(tr("audit.thresholds.title", "Cashier audit thresholds"), tr("taskform.ok", "OK"), tr("taskform.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		// Every value is checked before any is kept.
		vals := make([]int64, len(app.AuditSettings))
		for i, st := range app.AuditSettings {
			field := tr("setting."+st.Key, st.Key)
			if _, err := fmt.Sscan(strings.TrimSpace(entries[i].Text), &vals[i]); err != nil {
				dialog.ShowInformation(tr("tasks.a.failed", "Not done"), tr("audit.badnumber", "{{.Field}}: {{.Value}} is not a whole number; nothing was changed.",
					map[string]any{"Field": field, "Value": entries[i].Text}), s.win)
				return
			}
			if v := vals[i] * st.Unit; v < st.Min || v > st.Max {
				dialog.ShowInformation(tr("tasks.a.failed", "Not done"), settingError(field, &app.OutOfRange{Setting: st, Value: vals[i],
					Min: st.Min / st.Unit, Max: st.Max / st.Unit})+" "+tr("audit.nothingchanged", "Nothing was changed."), s.win)
				return
			}
		}
		for i, st := range app.AuditSettings {
			if err := s.core.SetIntSetting(ctx, st, vals[i]); err != nil {
				dialog.ShowInformation(tr("tasks.a.failed", "Not done"), settingError(tr("setting."+st.Key, st.Key), err), s.win)
				return
			}
		}
		s.summary.SetText(tr("audit.thresholds.saved", "Thresholds saved; check the period again to apply them."))
	}, s.win)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}
