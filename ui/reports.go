package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/report"
)

// ReportsScreen makes the weekly report: the manager picks the period, the
// stores (all, a tag, or by code) and the formats, follows the progress,
// and opens the folder or the file when it is written. The reports made
// here are listed with their period.
type ReportsScreen struct {
	run  Runner
	core *app.App
	win  fyne.Window

	content fyne.CanvasObject
	picker  *periodPicker
	tag     *widget.Select
	tags    []string
	codes   *widget.Entry
	pdf     *widget.Check
	xlsx    *widget.Check
	dir     string
	dirText *widget.Label
	make    *widget.Button
	bar     *widget.ProgressBar
	step    *widget.Label
	result  *widget.Label
	actions *fyne.Container
	recent  *fyne.Container
	busy    bool
	fitted  bool

	// OpenURL opens a folder or file with the desktop's own program
	// (fyne's OpenURL in the window; a test records it).
	OpenURL func(*url.URL) error
}

// NewReportsScreen builds the Reports area.
func NewReportsScreen(run Runner, core *app.App, win fyne.Window, now time.Time) *ReportsScreen {
	s := &ReportsScreen{run: run, core: core, win: win, dir: core.ReportsDir()}
	s.OpenURL = func(u *url.URL) error { return fyne.CurrentApp().OpenURL(u) }
	s.picker = newPeriodPicker(defaultPeriod(now), now, nil)
	s.tag = widget.NewSelect([]string{tr("reports.alltags", "All stores")}, nil)
	s.tag.SetSelectedIndex(0)
	s.codes = widget.NewEntry()
	s.codes.SetPlaceHolder(tr("reports.codes.hint", "Store codes, e.g. CS001, CS002 (optional)"))
	s.pdf = widget.NewCheck(tr("reports.pdf", "PDF for reading"), nil)
	s.pdf.SetChecked(true)
	s.xlsx = widget.NewCheck(tr("reports.xlsx", "Excel for working"), nil)
	s.xlsx.SetChecked(true)
	s.dirText = widget.NewLabel(s.dir)
	s.dirText.Truncation = fyne.TextTruncateEllipsis
	change := widget.NewButtonWithIcon(tr("reports.dir.change", "Change…"), theme.FolderOpenIcon(), s.chooseDir)
	s.make = widget.NewButtonWithIcon(tr("reports.make", "Make the report"), theme.DocumentCreateIcon(), s.Make)
	s.make.Importance = widget.HighImportance
	s.bar = widget.NewProgressBar()
	s.bar.Hide()
	s.step = widget.NewLabel("")
	s.step.Wrapping = fyne.TextWrapWord
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.actions = container.NewHBox()
	s.recent = container.NewVBox()

	title := widget.NewLabelWithStyle(tr("reports.title", "Reports"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(tr("reports.intro", "The weekly report from the figures on this laptop: a PDF to hand upward, an Excel workbook to work in. It works offline."))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("reports.period", "Period"), container.NewVBox(s.picker.Content(), s.picker.Problem())),
		widget.NewFormItem(tr("reports.tag", "Stores"), s.tag),
		widget.NewFormItem(tr("reports.codes", "Only these stores"), s.codes),
		widget.NewFormItem(tr("reports.formats", "Files"), container.NewHBox(s.pdf, s.xlsx)),
		widget.NewFormItem(tr("reports.dir", "Folder"), container.NewBorder(nil, nil, nil, change, s.dirText)),
	)
	recentTitle := widget.NewLabelWithStyle(tr("reports.recent", "Reports made here"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewVBox(title, intro, form, container.NewHBox(s.make), s.bar, s.step, s.result, s.actions,
		widget.NewSeparator(), recentTitle, s.recent)
	s.content = container.NewVScroll(container.NewPadded(body))
	return s
}

// Content is the area's content.
func (s *ReportsScreen) Content() fyne.CanvasObject { return s.content }

// Load fills the tag choice and the list of recent reports.
func (s *ReportsScreen) Load() {
	s.run.Go(func() {
		ctx := context.Background()
		tags, terr := s.core.Tags(ctx)
		recent, rerr := s.core.RecentReports(ctx, 12)
		_, last, _ := s.core.DataDays(ctx)
		s.run.Do(func() {
			s.fitPeriod(last)
			if terr == nil {
				s.tags = tags
				sel := s.tag.Selected
				s.tag.Options = append([]string{tr("reports.alltags", "All stores")}, tags...)
				s.tag.SetSelected(sel)
				if s.tag.SelectedIndex() < 0 {
					s.tag.SetSelectedIndex(0)
				}
			}
			s.showRecent(recent, rerr)
		})
	})
}

// fitPeriod moves the default week back to the last complete week the
// local data covers, once, when the laptop has not synced the weeks since
// (a report of a week without figures would say nothing).
func (s *ReportsScreen) fitPeriod(last string) {
	if s.fitted || last == "" {
		return
	}
	s.fitted = true
	p := s.picker.Period()
	if p.Kind != insight.Week || p.LastDay() <= last {
		return
	}
	end, err := time.Parse("2006-01-02", last)
	if err != nil {
		return
	}
	w := insight.WeekOf(end)
	if w.LastDay() > last {
		w = w.Shift(-7)
	}
	s.picker.set(w)
}

func (s *ReportsScreen) chooseDir() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.dir = u.Path()
		s.dirText.SetText(s.dir)
	}, s.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(s.dir)); err == nil {
		d.SetLocation(l)
	}
	d.Show()
}

// request is the report the form asks for.
func (s *ReportsScreen) request() (app.ReportRequest, error) {
	req := app.ReportRequest{Period: s.picker.Period(), Lang: CurrentLanguage(), Dir: s.dir, Now: time.Now()}
	if i := s.tag.SelectedIndex(); i > 0 && i-1 < len(s.tags) {
		req.Tag = s.tags[i-1]
	}
	for _, c := range strings.FieldsFunc(s.codes.Text, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		req.Codes = append(req.Codes, strings.ToUpper(strings.TrimSpace(c)))
	}
	if s.pdf.Checked {
		req.Formats = append(req.Formats, report.PDF)
	}
	if s.xlsx.Checked {
		req.Formats = append(req.Formats, report.Excel)
	}
	if len(req.Formats) == 0 {
		return req, fmt.Errorf("%s", tr("reports.err.noformat", "Tick PDF, Excel or both."))
	}
	return req, nil
}

// Make writes the report in the background, showing its progress.
func (s *ReportsScreen) Make() {
	if s.busy {
		return
	}
	req, err := s.request()
	if err != nil {
		s.result.SetText(err.Error())
		s.result.Importance = widget.DangerImportance
		s.result.Refresh()
		return
	}
	s.busy = true
	s.make.Disable()
	s.bar.SetValue(0)
	s.bar.Show()
	s.result.SetText("")
	s.actions.Objects = nil
	s.actions.Refresh()
	s.step.SetText(i18n.Say("report.step.figures").In(req.Lang))
	s.run.Go(func() {
		start := time.Now()
		res, err := s.core.MakeReport(context.Background(), req, func(f float64, step i18n.Text) {
			s.run.Do(func() {
				s.bar.SetValue(f)
				s.step.SetText(step.In(req.Lang))
			})
		})
		took := time.Since(start)
		s.run.Do(func() {
			s.busy = false
			s.make.Enable()
			s.bar.Hide()
			if err != nil {
				s.step.SetText("")
				s.result.Importance = widget.DangerImportance
				s.result.SetText(errText(err))
				return
			}
			s.done(req, res, took)
			s.Load()
		})
	})
}

// done says what was written and offers to open it.
func (s *ReportsScreen) done(req app.ReportRequest, res report.Result, took time.Duration) {
	var names []string
	for _, f := range res.Files {
		names = append(names, filepath.Base(f))
	}
	s.step.SetText(tr("reports.done", "Written in {{.Secs}} s: {{.Stores}} stores.", map[string]any{
		"Secs": fmt.Sprintf("%.1f", took.Seconds()), "Stores": res.Stores}))
	s.result.Importance = widget.MediumImportance
	s.result.SetText(strings.Join(names, "\n"))
	s.actions.Objects = s.openButtons(req.Dir, res.Files)
	s.actions.Refresh()
}

// openButtons open the folder and each file.
func (s *ReportsScreen) openButtons(dir string, files []string) []fyne.CanvasObject {
	out := []fyne.CanvasObject{widget.NewButtonWithIcon(tr("reports.opendir", "Open the folder"), theme.FolderOpenIcon(), func() { s.open(dir) })}
	for _, f := range files {
		f := f
		label := tr("reports.openpdf", "Open the PDF")
		icon := theme.DocumentIcon()
		if strings.HasSuffix(f, ".xlsx") {
			label = tr("reports.openxlsx", "Open the workbook")
			icon = theme.GridIcon()
		}
		out = append(out, widget.NewButtonWithIcon(label, icon, func() { s.open(f) }))
	}
	return out
}

func (s *ReportsScreen) open(path string) {
	if err := s.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
		// No program to open it (on Linux: no xdg-open): hand the manager
		// the path instead of the system's error.
		fyne.CurrentApp().Clipboard().SetContent(path)
		msg := tr("reports.err.open", "StoreLens could not open {{.Path}} ({{.Err}}). Its path is copied: paste it into a file manager or the program you read reports with.", map[string]any{"Path": path, "Err": err.Error()})
		if errors.Is(err, exec.ErrNotFound) {
			msg = tr("reports.err.noopener", "This laptop has no program set to open files for StoreLens (xdg-open is missing; the package xdg-utils brings it). The path of {{.Path}} is copied: paste it into a file manager.", map[string]any{"Path": path})
		}
		dialog.ShowError(errors.New(msg), s.win)
	}
}

// showRecent lists the reports made here, newest first.
func (s *ReportsScreen) showRecent(recent []app.ReportRecord, err error) {
	s.recent.Objects = nil
	switch {
	case err != nil:
		l := widget.NewLabel(errText(err))
		l.Importance = widget.DangerImportance
		s.recent.Add(l)
	case len(recent) == 0:
		s.recent.Add(widget.NewLabel(tr("reports.recent.none", "No report made on this laptop yet.")))
	}
	for _, r := range recent {
		r := r
		line := widget.NewLabel(recentLine(r))
		line.Truncation = fyne.TextTruncateEllipsis
		dir := ""
		if len(r.Files) > 0 {
			dir = filepath.Dir(r.Files[0])
		}
		open := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { s.open(dir) })
		s.recent.Add(container.NewBorder(nil, nil, nil, open, line))
	}
	s.recent.Refresh()
}

// recentLine says a recent report: its period, what it covered, when.
func recentLine(r app.ReportRecord) string {
	scope := tr("reports.scope.all", "all stores")
	switch {
	case strings.HasPrefix(r.Scope, "tag:"):
		scope = strings.TrimPrefix(r.Scope, "tag:")
	case strings.HasPrefix(r.Scope, "stores:"):
		scope = strings.ReplaceAll(strings.TrimPrefix(r.Scope, "stores:"), ",", ", ")
	}
	var kinds []string
	for _, f := range r.Files {
		kinds = append(kinds, strings.ToUpper(strings.TrimPrefix(filepath.Ext(f), ".")))
	}
	return tr("reports.recent.line", "{{.Period}} · {{.Scope}} · {{.Stores}} stores · {{.Files}} · made {{.At}}", map[string]any{
		"Period": r.Period, "Scope": scope, "Stores": r.Stores, "Files": strings.Join(kinds, "+"),
		"At": r.MadeAt.Local().Format("2006-01-02 15:04")})
}
