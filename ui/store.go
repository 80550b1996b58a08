package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/chart"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/vocab"
)

// storeSource is what the store page reads: one store's detail for a
// period (the insight service in the app, hand-made data in tests).
type storeSource interface {
	Store(ctx context.Context, code string, p insight.Period) (insight.StoreDetail, error)
}

// profileSource reads a store's address, opening-hours schedule and camera
// alerts.
type profileSource interface {
	StoreProfile(ctx context.Context, code string, since time.Time) (app.StoreProfile, error)
}

// storeTileMetrics are the store page's KPI tiles, in order.
var storeTileMetrics = []insight.Metric{insight.Entries, insight.EntryRate, insight.Conversion, insight.Sales, insight.ATV, insight.Dwell}

// StorePage is one store: header, KPIs with ranks, flags and camera alerts,
// and the charts; a click on a time chart selects that moment for footage.
type StorePage struct {
	run  Runner
	src  storeSource
	prof profileSource
	// OnFootage opens the footage review of store code at t; it reports
	// false while no review screen exists, and the page then says so.
	OnFootage func(code string, t time.Time) bool
	// OnRaiseTask opens the task form for the store (prefilled from a flag).
	OnRaiseTask func(p taskPrefill)
	// StoreLanguage is the language of what goes to a store (Chinese
	// when unset).
	StoreLanguage func() string
	storeName     string // of the store on the page
	alertJumps    *fyne.Container

	code     string
	empty    *widget.Label
	options  []string // every store, as "CODE name"
	offered  []string // those the drop-down lists now
	loc      *time.Location
	picker   *periodPicker
	codeSel  *widget.SelectEntry
	title    *widget.Label
	info     *widget.Label
	schedule *widget.Label
	tiles    []*KPITile
	flags    *fyne.Container
	alerts   *widget.Label
	tasks    *widget.Label
	pickNote *widget.Label
	busy     *widget.ProgressBarInfinite
	status   *widget.Label
	body     *fyne.Container
	content  fyne.CanvasObject

	forecast, trafficConv, hourly, staff, trend, weather, recount *ChartView

	gen    int
	loaded chan struct{}
	// Picked is the last time selected on a chart (zero if none).
	Picked time.Time
}

// NewStorePage builds an empty store page; Open shows a store.
func NewStorePage(run Runner, src storeSource, prof profileSource, now time.Time) *StorePage {
	s := &StorePage{run: run, src: src, prof: prof, loc: time.UTC, loaded: make(chan struct{}, 64)}
	s.picker = newPeriodPicker(defaultPeriod(now), now, func(insight.Period) { s.load() })
	s.codeSel = widget.NewSelectEntry(nil)
	s.codeSel.SetPlaceHolder(tr("store.code", "Store code"))
	s.codeSel.OnSubmitted = s.typed
	s.codeSel.OnChanged = func(c string) {
		for _, o := range s.options {
			if o == c {
				s.Open(strings.Fields(c)[0], s.picker.Period())
				return
			}
		}
		// The list offers what matches what is typed so far.
		if ms := s.matches(c); len(ms) > 0 {
			s.offer(ms)
		} else {
			s.offer(s.options)
		}
	}
	s.title = widget.NewLabelWithStyle(tr("store.none", "No store open"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.info = widget.NewLabel(tr("store.choose", "Open a store from the dashboard (double-click a row) or type its code above."))
	s.info.Wrapping = fyne.TextWrapWord
	s.schedule = widget.NewLabel("")
	s.schedule.Wrapping = fyne.TextWrapWord
	for _, m := range storeTileMetrics {
		s.tiles = append(s.tiles, NewKPITile(metricLabel(m)))
	}
	s.flags = container.NewVBox()
	s.alerts = widget.NewLabel("")
	s.alerts.Wrapping = fyne.TextWrapWord
	s.alertJumps = container.NewHBox()
	s.pickNote = widget.NewLabel(tr("store.clickhint", "Click a point or bar on a time chart to pick that hour for footage review."))
	s.pickNote.Wrapping = fyne.TextWrapWord
	s.pickNote.Importance = widget.MediumImportance
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Stop()
	s.busy.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.status.Hide()

	s.forecast, s.trafficConv, s.hourly, s.staff = NewChartView(run), NewChartView(run), NewChartView(run), NewChartView(run)
	s.trend, s.weather, s.recount = NewChartView(run), NewChartView(run), NewChartView(run)
	for _, c := range []*ChartView{s.forecast, s.trafficConv, s.staff, s.trend, s.recount} {
		c.OnPick = s.picked
	}
	s.recount.NoData = tr("chart.recount.none", "No local recount of this store's footage in the period: device counts are shown unchecked.")
	s.weather.NoData = tr("chart.weather.none", "No weather records for this store's city in the period.")
	s.trend.NoData = tr("chart.trend.none", "Not enough history for a monthly trend yet.")
	s.staff.NoData = tr("chart.staff.none", "No staff shifts on record for the period, so the staff ratio cannot be computed.")
	s.hourly.OnPick = s.picked
	s.weather.OnPick = s.picked

	codeBox := container.NewGridWrap(fyne.NewSize(240, s.codeSel.MinSize().Height), s.codeSel)
	bar := container.NewHBox(codeBox, s.picker.Content())
	tiles := container.NewGridWithColumns(len(s.tiles))
	for _, t := range s.tiles {
		tiles.Add(t)
	}
	titled := func(key, def string, c *ChartView) fyne.CanvasObject {
		h := heading(tr(key, def))
		h.Wrapping = fyne.TextWrapWord // a long title takes two lines on a narrow screen
		return container.NewBorder(h, nil, nil, nil, c)
	}
	charts := container.NewGridWithColumns(2,
		titled("chart.forecast", "Real vs predicted traffic", s.forecast),
		titled("chart.trafficconv", "Traffic vs conversion", s.trafficConv),
		titled("chart.hourly", "Hourly traffic: weekdays vs weekends & holidays", s.hourly),
		titled("chart.staff", "Entries per staff member by hour", s.staff),
		titled("chart.trend", "Monthly entry rate", s.trend),
		titled("chart.weather", "Daily entries by weather", s.weather),
		titled("chart.recount", "Device count vs local recount", s.recount),
	)
	s.tasks = widget.NewLabel("")
	s.tasks.Wrapping = fyne.TextWrapWord
	side := container.NewGridWithColumns(2,
		container.NewVBox(heading(tr("store.flags", "Flags")), s.flags),
		container.NewVBox(heading(tr("store.alerts", "Camera alerts")), s.alerts, s.alertJumps,
			heading(tr("store.tasks", "Corrective tasks")), s.tasks,
			container.NewHBox(widget.NewButtonWithIcon(tr("store.task.new", "Raise a task…"), theme.DocumentCreateIcon(), func() {
				if s.OnRaiseTask != nil && s.code != "" {
					s.OnRaiseTask(taskPrefill{store: s.code, storeName: s.storeName})
				}
			}))),
	)
	s.body = container.NewVBox(s.title, s.info, s.schedule, tiles, side, widget.NewSeparator(), s.pickNote, charts)
	s.body.Hide()
	s.empty = widget.NewLabel(tr("store.choose", "Open a store from the dashboard (double-click a row) or type its code above."))
	s.empty.Alignment = fyne.TextAlignCenter
	s.content = container.NewBorder(container.NewVBox(bar, s.picker.Problem(), s.busy, s.status), nil, nil, nil,
		container.NewStack(container.NewCenter(s.empty), container.NewVScroll(container.NewPadded(s.body))))
	return s
}

func (s *StorePage) charts() []*ChartView {
	return []*ChartView{s.forecast, s.trafficConv, s.hourly, s.staff, s.trend, s.weather, s.recount}
}

// Content is the store page's screen.
func (s *StorePage) Content() fyne.CanvasObject { return s.content }

// SetStores offers codes (as "CODE name") in the store chooser.
func (s *StorePage) SetStores(codes []string) {
	s.options = codes
	s.offer(codes)
	if s.code != "" {
		s.showCode(s.code)
	}
}

// offer lists stores in the chooser's drop-down.
func (s *StorePage) offer(list []string) {
	s.offered = list
	s.codeSel.SetOptions(list)
}

// matches are the offered stores whose code, name or city holds q (any
// case); all of them for an empty q.
func (s *StorePage) matches(q string) []string {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return s.options
	}
	var out []string
	for _, o := range s.options {
		if strings.Contains(strings.ToLower(o), q) {
			out = append(out, o)
		}
	}
	return out
}

// typed opens what the manager typed and pressed Enter on: a store code,
// or part of a name or city that only one store has. Several matches are
// listed to pick from; none is said, and nothing changes.
func (s *StorePage) typed(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	code := strings.Fields(text)[0]
	for _, o := range s.options {
		if strings.EqualFold(strings.Fields(o)[0], code) {
			s.Open(strings.Fields(o)[0], s.picker.Period())
			return
		}
	}
	ms := s.matches(text)
	switch {
	case len(s.options) == 0:
		s.Open(code, s.picker.Period()) // no list yet: the load says whether it exists
	case len(ms) == 1:
		s.Open(strings.Fields(ms[0])[0], s.picker.Period())
	case len(ms) > 1:
		s.offer(ms)
		s.status.Importance = widget.MediumImportance
		s.status.SetText(tr("store.pick.many", "{{.N}} stores match “{{.Text}}”: pick one from the list.", map[string]any{"N": len(ms), "Text": text}))
		s.status.Show()
		if b, ok := s.codeSel.ActionItem.(*widget.Button); ok && b.OnTapped != nil && fyne.CurrentApp().Driver().CanvasForObject(s.codeSel) != nil {
			b.OnTapped()
		}
	default:
		s.status.Importance = widget.WarningImportance
		s.status.SetText(tr("store.pick.none", "No store matches “{{.Text}}”: type a store code, or part of a name or city.", map[string]any{"Text": text}))
		s.status.Show()
	}
}

// Open shows store code for period p.
func (s *StorePage) Open(code string, p insight.Period) {
	if code == "" {
		return
	}
	s.code = code
	s.showCode(code)
	if p != s.picker.Period() {
		s.picker.Show(p)
	}
	s.load()
}

// showCode puts the open store in the chooser as "CODE name", without
// reopening it.
func (s *StorePage) showCode(code string) {
	text := code
	for _, o := range s.options {
		if f := strings.Fields(o); len(f) > 0 && strings.EqualFold(f[0], code) {
			text = o
			break
		}
	}
	if s.codeSel.Text == text {
		return
	}
	onChanged := s.codeSel.OnChanged
	s.codeSel.OnChanged = nil
	s.codeSel.SetText(text)
	s.codeSel.OnChanged = onChanged
}

// loadedSignal receives once per load applied.
func (s *StorePage) loadedSignal() <-chan struct{} { return s.loaded }

// load fetches the store's detail and profile in the background.
func (s *StorePage) load() {
	if s.code == "" {
		return
	}
	s.gen++
	gen, code, p := s.gen, s.code, s.picker.Period()
	s.busy.Show()
	s.busy.Start()
	s.status.Hide()
	for _, c := range s.charts() {
		c.SetLoading()
	}
	s.run.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		det, err := s.src.Store(ctx, code, p)
		var prof app.StoreProfile
		var perr error
		if err == nil && s.prof != nil {
			prof, perr = s.prof.StoreProfile(ctx, code, p.From.AddDate(0, 0, -1))
		}
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			s.busy.Stop()
			s.busy.Hide()
			if err != nil {
				msg := tr("store.error", "Store {{.Code}} could not be loaded for {{.Period}}: {{.Err}}. Check the code, or sync again.", map[string]any{"Code": code, "Period": p.String(), "Err": err.Error()})
				if errors.Is(err, insight.ErrUnknownStore) || errors.Is(err, app.ErrStoreNotFound) {
					msg = tr("store.unknown", "There is no store {{.Code}} on this laptop. Pick one from the list or the dashboard.", map[string]any{"Code": code})
				}
				s.status.SetText(msg)
				s.status.Importance = widget.DangerImportance
				s.status.Show()
				for _, c := range s.charts() {
					c.SetDraw(func(chart.Options) (*chart.Rendered, error) { return nil, chart.ErrNoData }, time.UTC)
				}
			} else {
				s.apply(det, prof, perr)
			}
			select {
			case s.loaded <- struct{}{}:
			default:
			}
		})
	})
}

// apply shows a store; it runs on the UI goroutine.
func (s *StorePage) apply(d insight.StoreDetail, prof app.StoreProfile, perr error) {
	loc, err := time.LoadLocation(d.Store.TimeZone)
	if err != nil || d.Store.TimeZone == "" {
		loc = time.UTC
	}
	s.loc = loc
	s.Picked = time.Time{}
	s.empty.Hide()
	s.body.Show()
	s.title.SetText(d.Store.Name + "  " + d.Store.Code)
	var info []string
	if prof.Store.Address != "" {
		info = append(info, prof.Store.Address)
	} else if d.Store.City != "" {
		info = append(info, d.Store.City)
	}
	if len(d.Store.Tags) > 0 {
		info = append(info, tr("store.tags", "Tags: {{.Tags}}", map[string]any{"Tags": strings.Join(d.Store.Tags, "、")}))
	} else {
		info = append(info, tr("store.notags", "No tag: compared with no other store"))
	}
	staff := d.Store.StaffCount
	if prof.Store.StaffCount > 0 {
		staff = prof.Store.StaffCount
	}
	info = append(info, tr("store.staff", "Staff: {{.N}}", map[string]any{"N": staff}))
	if prof.Store.OpenedOn != "" {
		info = append(info, tr("store.opened", "Opened {{.Day}}", map[string]any{"Day": prof.Store.OpenedOn}))
	}
	s.info.SetText(strings.Join(info, " · "))
	s.schedule.SetText(scheduleText(hoursInPeriod(prof.Store.Hours, d.Period), d.Store.OpeningHours))

	for i, m := range storeTileMetrics {
		v, ok := d.KPIs.Value(m)
		pv, pok := d.Previous.Value(m)
		change, good := changeText(m, insight.Change{Now: v, Before: pv, NowOK: ok, BeforeOK: pok}, d.Incomplete())
		if d.NoData() {
			change, good = "", 0
		}
		s.tiles[i].Set(formatMetric(m, v, ok), change, good, rankText(d, m))
	}
	s.showFlags(d)
	s.showAlerts(prof.Alerts, perr)
	s.storeName = prof.Store.Name
	s.showTasks(prof.Tasks, prof.Effects)
	s.pickNote.Importance = widget.MediumImportance
	s.pickNote.SetText(tr("store.clickhint", "Click a point or bar on a time chart to pick that hour for footage review."))
	s.setCharts(d)
}

// rankText is "#3/52 in region", then "#2/12 in 商场店" on a line of its own.
func rankText(d insight.StoreDetail, m insight.Metric) string {
	var parts []string
	if r, ok := d.Rank[m]; ok && r.Position > 0 {
		parts = append(parts, tr("store.rank.region", "#{{.P}}/{{.N}} in region", map[string]any{"P": r.Position, "N": r.Of}))
	}
	for _, tag := range d.Store.Tags {
		if r, ok := d.TagRank[tag][m]; ok && r.Position > 0 {
			parts = append(parts, tr("store.rank.tag", "#{{.P}}/{{.N}} in {{.Tag}}", map[string]any{"P": r.Position, "N": r.Of, "Tag": tag}))
			break
		}
	}
	if len(parts) == 0 && d.CountsSuspect && m.FromCounts() {
		return tr("store.rank.suspect", "not ranked: counts suspect")
	}
	if len(parts) == 0 {
		return tr("store.rank.none", "not ranked (too little data)")
	}
	return strings.Join(parts, "\n") // one rank a line: a narrow tile cuts neither
}

// scheduleText lists the opening-hours rules: date range × weekdays × hours.
func scheduleText(hours []app.OpeningHours, today string) string {
	if len(hours) == 0 {
		if today != "" {
			return tr("store.hours.today", "Opening hours today: {{.H}}", map[string]any{"H": today})
		}
		return tr("store.hours.none", "No opening hours on record: every hour counts as open.")
	}
	lines := []string{tr("store.hours", "Opening hours:")}
	for _, h := range hours {
		lines = append(lines, fmt.Sprintf("  %s – %s · %s · %s–%s", h.ValidFrom, h.ValidTo, app.WeekdaysText(h.Weekdays, CurrentLanguage()), h.Opens, h.Closes))
	}
	return strings.Join(lines, "\n")
}

// hoursInPeriod keeps the opening-hours rules whose date range overlaps
// the period: the schedule that applied to the numbers on screen.
func hoursInPeriod(hours []app.OpeningHours, p insight.Period) []app.OpeningHours {
	first, last := p.FirstDay(), p.LastDay()
	var out []app.OpeningHours
	for _, h := range hours {
		if h.ValidFrom <= last && h.ValidTo >= first {
			out = append(out, h)
		}
	}
	return out
}

func (s *StorePage) showFlags(d insight.StoreDetail) {
	s.flags.RemoveAll()
	if len(d.Flags) == 0 {
		s.flags.Add(widget.NewLabel(tr("store.noflags", "No flags for this period.")))
	}
	open := map[int64]bool{}
	for _, h := range d.Hourly {
		if h.Open {
			open[h.Start.Unix()] = true
		}
	}
	storeLang := i18n.Chinese
	if s.StoreLanguage != nil {
		storeLang = s.StoreLanguage()
	}
	for _, f := range d.Flags {
		l := widget.NewLabel(tr("store.flag.line", "⚑ {{.Kind}}: {{.Reason}}", map[string]any{"Kind": flagKindLabel(f.Kind), "Reason": f.Reason.In(CurrentLanguage())}))
		l.Wrapping = fyne.TextWrapWord
		s.flags.Add(l)
		if s.OnRaiseTask != nil {
			p := flagPrefill(f, d.Store.Code, d.Store.Name, storeLang)
			s.flags.Add(container.NewHBox(widget.NewButtonWithIcon(tr("store.flag.task", "Raise a task for this"), theme.DocumentCreateIcon(), func() { s.OnRaiseTask(p) })))
		}
		// Jump to the trading hours among the flag's hours: footage of a
		// closed shop at night shows nothing.
		hours := make([]time.Time, 0, len(f.Hours))
		for _, h := range f.Hours {
			if open[h.Unix()] {
				hours = append(hours, h)
			}
		}
		if len(hours) == 0 {
			hours = f.Hours
		}
		var jumps []fyne.CanvasObject
		for _, h := range jumpHours(hours, s.loc, 6) {
			t := h.In(s.loc)
			jumps = append(jumps, widget.NewButtonWithIcon(t.Format("01-02 15:04"), theme.MediaPlayIcon(), func() { s.pickTime(t) }))
		}
		if len(jumps) > 0 {
			// The buttons wrap onto more rows where the column is narrow.
			size := jumps[0].MinSize()
			for _, j := range jumps {
				size = size.Max(j.MinSize())
			}
			s.flags.Add(container.NewGridWrap(size, jumps...))
		}
	}
	s.flags.Refresh()
}

// jumpHours picks up to n of a flag's hours (in time order) to offer as
// buttons: the first of every day before a second of any, so that a flag
// of three days offers all three.
func jumpHours(hours []time.Time, loc *time.Location, n int) []time.Time {
	sorted := append([]time.Time(nil), hours...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(sorted[j]) })
	seen := map[string]bool{}
	taken := make([]bool, len(sorted))
	var out []time.Time
	for i, h := range sorted {
		if d := h.In(loc).Format(time.DateOnly); !seen[d] && len(out) < n {
			seen[d], taken[i] = true, true
			out = append(out, h)
		}
	}
	for i, h := range sorted {
		if !taken[i] && len(out) < n {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

func (s *StorePage) showAlerts(alerts []app.CameraAlert, err error) {
	var b strings.Builder
	for _, a := range alerts {
		state := tr("store.alert.open", "open")
		if !a.Open() {
			state = tr("store.alert.ended", "ended {{.Time}}", map[string]any{"Time": a.Ended.In(s.loc).Format("01-02 15:04")})
		}
		fmt.Fprintf(&b, "• %s: %s · %s %s · %s\n", cameraName(a), alertKindLabel(a.Kind), tr("store.alert.from", "from"), a.Started.In(s.loc).Format("01-02 15:04"), state)
	}
	if err != nil {
		b.WriteString(tr("dashboard.alert.error", "Camera alerts could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
	}
	if b.Len() == 0 {
		b.WriteString(tr("store.noalerts", "No camera alerts in this period."))
	}
	s.alerts.SetText(strings.TrimSpace(b.String()))
	// The footage of each alert's start, a click away.
	s.alertJumps.RemoveAll()
	for i, a := range alerts {
		if i == 3 {
			break
		}
		t := a.Started
		s.alertJumps.Add(widget.NewButtonWithIcon(t.In(s.loc).Format("01-02 15:04"), theme.MediaPlayIcon(), func() { s.pickTime(t) }))
	}
	s.alertJumps.Refresh()
}

func (s *StorePage) showTasks(tasks []app.TaskSummary, effects map[string]insight.Text) {
	if len(tasks) == 0 {
		s.tasks.SetText(tr("store.notasks", "No corrective tasks for this store yet."))
		return
	}
	var b strings.Builder
	for _, t := range tasks {
		fmt.Fprintf(&b, "• %s · %s", t.Title, taskStatusLabel(t.Status))
		if t.DueOn != "" {
			b.WriteString(" · " + tr("store.task.due", "due {{.Day}}", map[string]any{"Day": t.DueOn}))
		}
		if t.WaitingToSend {
			b.WriteString(" · " + tr("task.waiting", "waiting to send"))
		}
		if e, ok := effects[t.ID]; ok {
			b.WriteString("\n   " + e.In(CurrentLanguage()))
		}
		b.WriteString("\n")
	}
	s.tasks.SetText(strings.TrimSpace(b.String()))
}

func taskStatusLabel(st string) string { return translated("task."+st, st) }

// picked handles a click on a chart.
func (s *StorePage) picked(h chart.Hit) {
	switch {
	case !h.Time.IsZero() && math.IsNaN(h.Value):
		s.pickNote.SetText(tr("store.pick.closed", "{{.Time}}: no counts at that hour (closed, or no data); pick an hour with traffic.", map[string]any{"Time": h.Time.In(s.loc).Format("2006-01-02 15:04")}))
		s.pickNote.Importance = widget.MediumImportance
		s.pickNote.Refresh()
	case !h.Time.IsZero():
		s.pickTime(h.Time)
	case h.Hour >= 0:
		s.pickNote.SetText(tr("store.pick.hour", "{{.H}}:00 is an average over the period's days; pick an hour on a time chart to see its footage.", map[string]any{"H": fmt.Sprintf("%02d", h.Hour)}))
	}
}

// pickTime selects a moment of the store for footage review.
func (s *StorePage) pickTime(t time.Time) {
	s.Picked = t
	s.pickNote.Importance = widget.HighImportance
	when := t.In(s.loc).Format("2006-01-02 15:04")
	if s.OnFootage != nil && s.OnFootage(s.code, t) {
		s.pickNote.SetText(tr("store.pick.opening", "Opening the footage of {{.Time}}…", map[string]any{"Time": when}))
		return
	}
	s.pickNote.SetText(tr("store.pick.selected", "Selected {{.Time}} ({{.Code}}).", map[string]any{"Time": when, "Code": s.code}))
}

// setCharts hands each chart its data.
func (s *StorePage) setCharts(d insight.StoreDetail) {
	loc := s.loc
	c := chart.ForStore(d, loc, storeChartNames())
	fi, tc, hp, sr, trend, wi, rc := c.Forecast, c.TrafficConversion, c.Hourly, c.Staff, c.Trend, c.Weather, c.Recount
	s.forecast.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.Forecast(o, fi) }, loc)
	s.trafficConv.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.TrafficConversion(o, tc) }, loc)
	s.hourly.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.HourlyProfile(o, hp) }, loc)
	s.staff.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.StaffRatio(o, sr) }, loc)
	s.trend.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.EntryRateTrend(o, trend) }, loc)
	s.weather.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.TrafficByWeather(o, wi) }, loc)
	s.recount.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.DeviceVsLocal(o, rc) }, loc)
}

// storeChartNames are the store charts' words in the UI's language.
func storeChartNames() chart.StoreNames { return chart.Names(CurrentLanguage()) }

// flagPrefill is a task form filled from a flag: its kind chooses the
// category and the KPI, its reason (with the numbers) is the description.
func flagPrefill(f insight.Flag, code, name, lang string) taskPrefill {
	// What goes to the store is in the store's language (lang).
	say := func(key, fallback string) string {
		if i18n.Default().Has(lang, key) {
			return i18n.Say(key).In(lang)
		}
		return fallback
	}
	p := taskPrefill{store: code, storeName: name, body: f.Reason.In(lang), kpi: string(f.Metric)}
	switch string(f.Kind) {
	case vocab.FlagEarlyClosing:
		p.category, p.title = vocab.TaskCatOpeningHours, say("store.flag.task.early", "Keep to the opening hours")
	case vocab.FlagAbnormalEntryRate:
		p.category, p.title = vocab.TaskCatDoorGreeting, say("store.flag.task.entry", "Bring the entry rate back: greet at the door")
	case vocab.FlagSuspectCounts:
		p.category, p.title = vocab.TaskCatCamera, say("store.flag.task.camera", "Check the entrance camera")
	default:
		p.category, p.title = vocab.TaskCatOther, say("flag."+string(f.Kind), string(f.Kind))
	}
	if len(f.Hours) > 0 {
		p.at = f.Hours[0]
	}
	if p.kpi == "" {
		p.kpi = "entry_rate"
	}
	return p
}
