package ui

import (
	"context"
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
	"storelens/app/insight"
)

// regionSource is what the dashboard reads: the region overview for a
// period and filter (the insight service in the app, hand-made data in
// tests).
type regionSource interface {
	Region(ctx context.Context, p insight.Period, f insight.Filter) (insight.RegionOverview, error)
}

// alertSource lists camera alerts open now or started since a time.
type alertSource interface {
	CameraAlerts(ctx context.Context, since time.Time) ([]app.CameraAlert, error)
}

// dashboardTileMetrics are the region KPI tiles, in order.
var dashboardTileMetrics = []insight.Metric{insight.Entries, insight.EntryRate, insight.Conversion, insight.Sales, insight.ATV, insight.Dwell}

// Table columns of the store table.
const (
	colFlags = iota
	colStore
	colTags
	colReason
	colDailyEntries
	colEntryRate
	colConversion
	colATV
	colSales
	colDwell
	colRank
	numCols
)

// colMetric is the metric a KPI column shows (and is compared with its tag
// average), "" for the other columns.
var colMetric = map[int]insight.Metric{
	colDailyEntries: insight.DailyEntries, colEntryRate: insight.EntryRate, colConversion: insight.Conversion,
	colATV: insight.ATV, colSales: insight.Sales, colDwell: insight.Dwell,
}

// Dashboard is the region dashboard: period and tag, region KPI tiles, the
// store table against tag averages (flagged stores first), and which
// stores' numbers are suspect now.
type Dashboard struct {
	run    Runner
	src    regionSource
	alerts alertSource
	sync   func() app.SyncState
	// OnOpenStore opens a store's page for the period shown.
	OnOpenStore func(code string, p insight.Period)
	// OnLoaded is told each overview shown (the store page lists its stores).
	OnLoaded func(insight.RegionOverview)

	picker      *periodPicker
	tagSel      *widget.Select
	search      *widget.Entry
	flaggedOnly *widget.Check
	openBtn     *widget.Button
	tiles       []*KPITile
	table       *storeTable
	busy        *widget.ProgressBarInfinite
	status      *widget.Label
	detail      *widget.Label
	health      *widget.Label
	content     fyne.CanvasObject

	ov       insight.RegionOverview
	tagAvg   map[string]insight.TagAverage
	rows     []int // indexes into ov.Stores after filter and sort
	sortCol  int   // -1: flagged first (default)
	sortDesc bool
	selected int // row selected, -1 none
	tag      string
	gen      int
	loaded   chan struct{} // receives after each load is applied (tests)
}

// NewDashboard builds the dashboard over src; alerts and sync may be nil.
// It loads the default period right away.
func NewDashboard(run Runner, src regionSource, alerts alertSource, sync func() app.SyncState, now time.Time) *Dashboard {
	d := &Dashboard{run: run, src: src, alerts: alerts, sync: sync, sortCol: -1, selected: -1, loaded: make(chan struct{}, 64)}
	d.picker = newPeriodPicker(defaultPeriod(now), func(insight.Period) { d.load() })
	d.tagSel = widget.NewSelect([]string{tr("dashboard.alltags", "All tags")}, func(s string) {
		t := s
		if d.tagSel.SelectedIndex() <= 0 {
			t = ""
		}
		if t != d.tag {
			d.tag = t
			d.load()
		}
	})
	d.tagSel.SetSelectedIndex(0)
	d.search = widget.NewEntry()
	d.search.SetPlaceHolder(tr("dashboard.search", "Find store, code or tag"))
	d.search.OnChanged = func(string) { d.refilter() }
	d.flaggedOnly = widget.NewCheck(tr("dashboard.flaggedonly", "Flagged only"), func(bool) { d.refilter() })
	d.openBtn = widget.NewButtonWithIcon(tr("dashboard.open", "Open store"), theme.NavigateNextIcon(), func() { d.openSelected() })
	d.openBtn.Importance = widget.HighImportance
	d.openBtn.Disable()
	for _, m := range dashboardTileMetrics {
		d.tiles = append(d.tiles, NewKPITile(metricLabel(m)))
	}
	d.busy = widget.NewProgressBarInfinite()
	d.busy.Hide()
	d.busy.Stop()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.status.Hide()
	d.detail = widget.NewLabel(tr("dashboard.pick", "Select a store to read its flags. Double-click or press “Open store” for its page."))
	d.detail.Wrapping = fyne.TextWrapWord
	d.health = widget.NewLabel("")
	d.health.Wrapping = fyne.TextWrapWord
	d.table = d.newTable()

	search := container.NewGridWrap(fyne.NewSize(180, d.search.MinSize().Height), d.search)
	bar := container.NewHBox(d.picker.Content(), d.tagSel, search, d.flaggedOnly, d.openBtn)
	tiles := container.NewGridWithColumns(len(d.tiles))
	for _, t := range d.tiles {
		tiles.Add(t)
	}
	right := container.NewVScroll(container.NewVBox(
		heading(tr("dashboard.flags", "Why this store is flagged")), d.detail,
		widget.NewSeparator(),
		heading(tr("dashboard.health", "Suspect numbers and sync")), d.health,
	))
	split := container.NewHSplit(container.NewBorder(container.NewVBox(d.busy, d.status), nil, nil, nil, d.table), right)
	split.Offset = 0.76
	d.content = container.NewBorder(container.NewVBox(bar, d.picker.Problem(), tiles), nil, nil, nil, split)
	d.load()
	return d
}

// Content is the dashboard's screen.
func (d *Dashboard) Content() fyne.CanvasObject { return d.content }

// Period is the period shown.
func (d *Dashboard) Period() insight.Period { return d.picker.Period() }

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// formatMetric writes a value for a manager: counts and money with
// thousands separators, dwell in the UI's language.
func formatMetric(m insight.Metric, v float64, ok bool) string {
	if !ok || math.IsNaN(v) {
		return "—"
	}
	switch m {
	case insight.Entries, insight.PassersBy, insight.Transactions, insight.StaffExcluded:
		return groupDigits(fmt.Sprintf("%.0f", v))
	case insight.Sales:
		return "¥" + groupDigits(fmt.Sprintf("%.0f", v/100))
	case insight.Dwell:
		return tr("unit.minutes", "{{.N}} min", map[string]any{"N": fmt.Sprintf("%.1f", v/60)})
	}
	return insight.FormatValue(m, v, ok)
}

// groupDigits puts thousands separators into an integer's digits.
func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func metricLabel(m insight.Metric) string {
	return translated("metric."+string(m), m.Label(CurrentLanguage()))
}

// load fetches the overview for the period and tag in the background; the
// table shows a loading bar meanwhile and keeps its old rows.
func (d *Dashboard) load() {
	d.gen++
	gen, p, f := d.gen, d.picker.Period(), insight.Filter{Tag: d.tag}
	d.busy.Show()
	d.busy.Start()
	d.status.Hide()
	d.run.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		ov, err := d.src.Region(ctx, p, f)
		var alerts []app.CameraAlert
		var alertErr error
		if err == nil && d.alerts != nil {
			alerts, alertErr = d.alerts.CameraAlerts(ctx, p.From.AddDate(0, 0, -1))
		}
		fyne.Do(func() {
			if gen != d.gen {
				return
			}
			d.busy.Stop()
			d.busy.Hide()
			if err != nil {
				d.status.SetText(tr("dashboard.error", "The region for {{.Period}} could not be loaded: {{.Err}}. Check the data folder in Settings, or sync again.", map[string]any{"Period": p.String(), "Err": err.Error()}))
				d.status.Importance = widget.DangerImportance
				d.status.Show()
			} else {
				d.apply(ov)
				d.showHealth(alerts, alertErr)
				if d.OnLoaded != nil {
					d.OnLoaded(ov)
				}
			}
			select {
			case d.loaded <- struct{}{}:
			default:
			}
		})
	})
}

// loadedSignal receives once per load applied.
func (d *Dashboard) loadedSignal() <-chan struct{} { return d.loaded }

// apply shows an overview; it runs on the UI goroutine.
func (d *Dashboard) apply(ov insight.RegionOverview) {
	d.ov = ov
	d.tagAvg = map[string]insight.TagAverage{}
	for _, ta := range ov.TagAverages {
		d.tagAvg[ta.Tag] = ta
	}
	if d.tag == "" {
		opts := []string{tr("dashboard.alltags", "All tags")}
		for _, ta := range ov.TagAverages {
			opts = append(opts, ta.Tag)
		}
		d.tagSel.Options = opts
		d.tagSel.Refresh()
	}
	for i, m := range dashboardTileMetrics {
		d.setTile(d.tiles[i], m, ov)
	}
	if len(ov.Stores) == 0 {
		d.status.SetText(tr("dashboard.empty", "No stores in {{.Period}} yet. Sync from HQ (bottom right) or start the demo chain with --demo.", map[string]any{"Period": ov.Period.String()}))
		d.status.Importance = widget.MediumImportance
		d.status.Show()
	}
	d.refilter()
}

func (d *Dashboard) setTile(t *KPITile, m insight.Metric, ov insight.RegionOverview) {
	for _, tile := range ov.Tiles {
		if tile.Metric != m {
			continue
		}
		change, good := changeText(m, tile.Change())
		t.Set(formatMetric(m, tile.Value, tile.OK), change, good, tr("dashboard.tile.stores", "{{.N}} stores", map[string]any{"N": len(ov.Stores)}))
		return
	}
	v, ok := ov.Total.Value(m)
	t.Set(formatMetric(m, v, ok), "", 0, "")
}

// changeText says a change against the previous period ("▲ 12.3% vs
// previous") and whether it is good (+1), bad (-1) or neither.
func changeText(m insight.Metric, c insight.Change) (string, int) {
	rel, ok := c.Relative()
	if !ok {
		return tr("change.none", "no previous period to compare"), 0
	}
	arrow, good := "▲", 1
	if rel < 0 {
		arrow, good = "▼", -1
	}
	if math.Abs(rel) < 0.0005 {
		arrow, good = "=", 0
	}
	return fmt.Sprintf("%s %.1f%% %s", arrow, math.Abs(rel)*100, tr("change.vsprev", "vs previous period")), good
}

// refilter applies the search, the flagged-only switch and the sort.
func (d *Dashboard) refilter() {
	q := strings.ToLower(strings.TrimSpace(d.search.Text))
	d.rows = d.rows[:0]
	for i, s := range d.ov.Stores {
		if d.flaggedOnly.Checked && len(s.Flags) == 0 {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(s.Store.Code+" "+s.Store.Name+" "+s.Store.City+" "+strings.Join(s.Store.Tags, " ")), q) {
			continue
		}
		d.rows = append(d.rows, i)
	}
	d.sortRows()
	d.selected = -1
	d.openBtn.Disable()
	d.table.UnselectAll()
	d.table.Refresh()
}

// sortBy sorts by column col; a second tap on the same column reverses it.
// Columns of KPIs start with the best first.
func (d *Dashboard) sortBy(col int) {
	if d.sortCol == col {
		d.sortDesc = !d.sortDesc
	} else {
		d.sortCol = col
		d.sortDesc = col != colStore && col != colTags && col != colRank
	}
	d.sortRows()
	d.table.Refresh()
}

func maxSeverity(s insight.StoreKPIs) float64 {
	m := 0.0
	for _, f := range s.Flags {
		m = math.Max(m, f.Severity)
	}
	return m
}

func (d *Dashboard) sortRows() {
	st := d.ov.Stores
	less := func(a, b int) bool { // a, b index st; ascending order
		sa, sb := st[a], st[b]
		switch d.sortCol {
		case colReason:
			return maxSeverity(sa) < maxSeverity(sb)
		case colFlags:
			if len(sa.Flags) != len(sb.Flags) {
				return len(sa.Flags) < len(sb.Flags)
			}
			return maxSeverity(sa) < maxSeverity(sb)
		case colStore:
			return sa.Store.Code < sb.Store.Code
		case colTags:
			return strings.Join(sa.Store.Tags, ",") < strings.Join(sb.Store.Tags, ",")
		case colRank:
			return rankOf(sa).Position < rankOf(sb).Position
		}
		m := colMetric[d.sortCol]
		va, oka := sa.KPIs.Value(m)
		vb, okb := sb.KPIs.Value(m)
		if oka != okb {
			return !oka // undefined values sort as the lowest
		}
		return va < vb
	}
	sort.SliceStable(d.rows, func(i, j int) bool {
		a, b := d.rows[i], d.rows[j]
		if d.sortCol < 0 {
			// Default: flagged first, most serious first, then by code.
			fa, fb := len(st[a].Flags) > 0, len(st[b].Flags) > 0
			if fa != fb {
				return fa
			}
			if sa, sb := maxSeverity(st[a]), maxSeverity(st[b]); sa != sb {
				return sa > sb
			}
			return st[a].Store.Code < st[b].Store.Code
		}
		if d.sortDesc {
			return less(b, a)
		}
		return less(a, b)
	})
}

func rankOf(s insight.StoreKPIs) insight.Rank {
	r := s.Rank[insight.DailyEntries]
	if r.Position == 0 {
		return insight.Rank{Position: math.MaxInt32}
	}
	return r
}

// tagAverageFor is the tag average a store's metric is compared with: the
// tag of its below-average flag if any, else its first tag with an average.
func (d *Dashboard) tagAverageFor(s insight.StoreKPIs, m insight.Metric) (float64, string, bool) {
	tags := append([]string{}, s.Store.Tags...)
	for _, f := range s.Flags {
		if f.Kind == insight.BelowTagAverage && f.Tag != "" {
			tags = append([]string{f.Tag}, tags...)
			break
		}
	}
	for _, t := range tags {
		if ta, ok := d.tagAvg[t]; ok {
			if n := ta.N[m]; n > 0 || ta.N == nil {
				if v, ok := ta.Mean[m]; ok {
					return v, t, true
				}
			}
		}
	}
	return 0, "", false
}

func (d *Dashboard) columnTitle(col int) string {
	switch col {
	case colFlags:
		return tr("dashboard.col.flags", "Flags")
	case colStore:
		return tr("dashboard.col.store", "Store")
	case colTags:
		return tr("dashboard.col.tags", "Tags")
	case colRank:
		return tr("dashboard.col.rank", "Rank")
	case colReason:
		return tr("dashboard.col.reason", "Reason")
	}
	return metricLabel(colMetric[col])
}

var columnWidths = [numCols]float32{58, 160, 104, 300, 96, 90, 90, 96, 118, 90, 64}

// storeTable is the dashboard's table with the keyboard finished: arrows
// move, Space selects (the reasons show on the right), Enter opens the
// selected store.
type storeTable struct {
	widget.Table
	onEnter func()
}

// TypedKey opens the selected store on Enter and leaves the rest to the table.
func (t *storeTable) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		if t.onEnter != nil {
			t.onEnter()
		}
		return
	}
	t.Table.TypedKey(ev)
}

func (d *Dashboard) newTable() *storeTable {
	t := &storeTable{onEnter: d.openSelected}
	t.Length = func() (int, int) { return len(d.rows), numCols }
	t.CreateCell = func() fyne.CanvasObject {
		return newTapCell(func(row, _ int) { d.table.Select(widget.TableCellID{Row: row, Col: colStore}) }, func(row, _ int) {
			d.selectRow(row)
			d.openSelected()
		})
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { d.updateCell(id, o.(*tapCell)) }
	t.ExtendBaseWidget(t)
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		title := d.columnTitle(id.Col)
		if id.Col == d.sortCol {
			if d.sortDesc {
				title += " ▼"
			} else {
				title += " ▲"
			}
		}
		b.SetText(title)
		col := id.Col
		b.OnTapped = func() { d.sortBy(col) }
	}
	for i, w := range columnWidths {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(id widget.TableCellID) { d.selectRow(id.Row) }
	return t
}

// cellText is what a table cell shows: the text, and a marker with its
// colour (tag average above/below).
func (d *Dashboard) cellText(row, col int) (text, marker string, markColor fyne.ThemeColorName) {
	s := d.ov.Stores[d.rows[row]]
	switch col {
	case colFlags:
		if len(s.Flags) > 0 {
			return fmt.Sprintf("⚑ %d", len(s.Flags)), "", ""
		}
		if s.Closed {
			return tr("dashboard.closed", "closed"), "", ""
		}
		return "", "", ""
	case colStore:
		return s.Store.Code + " " + s.Store.Name, "", ""
	case colTags:
		return strings.Join(s.Store.Tags, "、"), "", ""
	case colRank:
		r := s.Rank[insight.DailyEntries]
		if r.Position == 0 {
			return "—", "", ""
		}
		return fmt.Sprintf("%d/%d", r.Position, r.Of), "", ""
	case colReason:
		if len(s.Flags) == 0 {
			return "", "", ""
		}
		txt := s.Flags[0].Reason.In(CurrentLanguage())
		if len(s.Flags) > 1 {
			txt += " " + tr("dashboard.more", "(+{{.N}} more)", map[string]any{"N": len(s.Flags) - 1})
		}
		return txt, "", ""
	}
	m := colMetric[col]
	v, ok := s.KPIs.Value(m)
	text = formatMetric(m, v, ok)
	if avg, _, aok := d.tagAverageFor(s, m); ok && aok && avg > 0 {
		switch {
		case v < avg*0.995:
			return text, "▼", theme.ColorNameError
		case v > avg*1.005:
			return text, "▲", theme.ColorNameSuccess
		default:
			return text, "=", theme.ColorNamePlaceHolder
		}
	}
	return text, "", ""
}

func (d *Dashboard) updateCell(id widget.TableCellID, c *tapCell) {
	c.row, c.col = id.Row, id.Col
	var text, marker string
	var col fyne.ThemeColorName
	if id.Row >= 0 && id.Row < len(d.rows) {
		text, marker, col = d.cellText(id.Row, id.Col)
	}
	imp := widget.MediumImportance
	if id.Col == colFlags && strings.HasPrefix(text, "⚑") {
		imp = widget.DangerImportance
	}
	// One refresh per cell, and none when nothing changed: with 2000 stores
	// re-measuring truncated labels is most of a table refresh.
	if c.label.Text != text || c.label.Importance != imp {
		c.label.Text, c.label.Importance = text, imp
		c.label.Refresh()
	}
	mc := c.marker.Color
	if col != "" {
		mc = theme.Color(col)
	}
	if c.marker.Text != marker || mc != c.marker.Color {
		c.marker.Text, c.marker.Color = marker, mc
		c.marker.Refresh()
	}
}

// selectRow shows the row's flags and camera problems on the right.
func (d *Dashboard) selectRow(row int) {
	if row < 0 || row >= len(d.rows) {
		return
	}
	d.selected = row
	d.openBtn.Enable()
	s := d.ov.Stores[d.rows[row]]
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s · %s\n", s.Store.Code, s.Store.Name, strings.Join(s.Store.Tags, "、"))
	if len(s.Flags) == 0 {
		b.WriteString(tr("dashboard.noflags", "No flags: this store is in line with its tag this period."))
	}
	for _, f := range s.Flags {
		fmt.Fprintf(&b, "\n⚑ %s\n%s\n", flagKindLabel(f.Kind), f.Reason.In(CurrentLanguage()))
	}
	for _, m := range []insight.Metric{insight.DailyEntries, insight.EntryRate, insight.Conversion, insight.ATV} {
		v, ok := s.KPIs.Value(m)
		if avg, tag, aok := d.tagAverageFor(s, m); aok {
			fmt.Fprintf(&b, "\n%s: %s · %s %s", metricLabel(m), formatMetric(m, v, ok), tr("dashboard.tagavg", "average of {{.Tag}}", map[string]any{"Tag": tag}), formatMetric(m, avg, true))
		}
	}
	d.detail.SetText(b.String())
}

func flagKindLabel(k insight.FlagKind) string { return translated("flag."+string(k), string(k)) }

func (d *Dashboard) openSelected() {
	if d.selected < 0 || d.selected >= len(d.rows) || d.OnOpenStore == nil {
		return
	}
	d.OnOpenStore(d.ov.Stores[d.rows[d.selected]].Store.Code, d.picker.Period())
}

// showHealth lists the stores whose numbers are suspect now and why, and
// the state of the data on this laptop.
func (d *Dashboard) showHealth(alerts []app.CameraAlert, err error) {
	var b strings.Builder
	if d.sync != nil {
		st := d.sync()
		switch {
		case st.Running:
			b.WriteString(tr("dashboard.sync.running", "Sync is running: the figures will update when it finishes."))
		case st.LastSync.IsZero():
			b.WriteString(tr("dashboard.sync.never", "Never synced: the figures are what is stored on this laptop."))
		default:
			b.WriteString(tr("dashboard.sync.last", "Data synced {{.Time}}.", map[string]any{"Time": st.LastSync.Local().Format("2006-01-02 15:04")}))
		}
		if st.Err != "" {
			b.WriteString("\n" + st.Err)
		}
		b.WriteString("\n")
	}
	suspect := 0
	for _, s := range d.ov.Stores {
		for _, f := range s.Flags {
			if f.Kind == insight.SuspectCounts {
				suspect++
				fmt.Fprintf(&b, "\n⚠ %s %s: %s", s.Store.Code, s.Store.Name, f.Reason.In(CurrentLanguage()))
			}
		}
	}
	open := 0
	for _, a := range alerts {
		if !a.Open() {
			continue
		}
		open++
		if open > 30 {
			continue
		}
		fmt.Fprintf(&b, "\n• %s %s · %s: %s %s", a.StoreCode, a.StoreName, cameraName(a), alertKindLabel(a.Kind), tr("dashboard.alert.since", "since {{.Time}}", map[string]any{"Time": a.Started.Local().Format("01-02 15:04")}))
	}
	if open > 30 {
		b.WriteString("\n" + tr("dashboard.alert.more", "… and {{.N}} more open camera alerts", map[string]any{"N": open - 30}))
	}
	if err != nil {
		b.WriteString("\n" + tr("dashboard.alert.error", "Camera alerts could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
	}
	if suspect == 0 && open == 0 && err == nil {
		b.WriteString("\n" + tr("dashboard.health.ok", "No open camera alerts: every store's counts can be trusted for this period."))
	}
	d.health.SetText(strings.TrimSpace(b.String()))
}

func cameraName(a app.CameraAlert) string {
	if a.CameraName != "" {
		return a.CameraName
	}
	return a.CameraCode
}

func alertKindLabel(k string) string { return translated("alert."+k, k) }

// translated looks up a key built from data (a metric, flag kind, alert
// kind or weather condition); TestDynamicKeysAreTranslated checks that
// every value the data can take has a translation in both languages.
func translated(key, fallback string) string { return tr(key, fallback) }
