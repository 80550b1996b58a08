package ui

import (
	"context"
	"slices"
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

// placeSource lists the regions and cities of the local stores.
type placeSource interface {
	Places(ctx context.Context) ([]app.Place, error)
}

// placeOpt is one choice of the region/city chooser: a region ("" for
// all) and, within it, a city ("" for all of the region).
type placeOpt struct{ region, city string }

// dashboardTileMetrics are the region KPI tiles, in order.
var dashboardTileMetrics = []insight.Metric{insight.Entries, insight.EntryRate, insight.Conversion, insight.Sales, insight.ATV, insight.Dwell}

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
	placeSel    *widget.Select
	placeOpts   []placeOpt
	scope       *widget.Label
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
	rows     []int // indexes into ov.Stores after filter and sort
	sortCol  int   // -1: flagged first (default)
	sortDesc bool
	selected int // row selected, -1 none
	tag      string
	region   string // the region loaded ("" all)
	city     string // the city the table keeps ("" all)
	gen      int
	loaded   chan struct{} // receives after each load is applied (tests)
}

// NewDashboard builds the dashboard over src; alerts and sync may be nil.
// It loads the default period right away.
func NewDashboard(run Runner, src regionSource, alerts alertSource, sync func() app.SyncState, now time.Time) *Dashboard {
	d := &Dashboard{run: run, src: src, alerts: alerts, sync: sync, sortCol: -1, selected: -1, loaded: make(chan struct{}, 64)}
	d.picker = newPeriodPicker(defaultPeriod(now), now, func(insight.Period) { d.load() })
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
	d.placeSel = widget.NewSelect([]string{tr("dashboard.allplaces", "All stores")}, func(string) { d.placeChosen() })
	d.placeSel.SetSelectedIndex(0)
	d.placeOpts = []placeOpt{{}}
	d.scope = widget.NewLabel("")
	d.scope.SizeName = theme.SizeNameCaptionText
	d.scope.Hide()
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

	fixed := func(w float32, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	// The search takes the width the rest leaves, so the row fits a
	// 1024-pixel screen in either language.
	bar := container.NewBorder(nil, nil,
		container.NewHBox(d.picker.Content(), fixed(120, d.tagSel), fixed(140, d.placeSel)),
		d.flaggedOnly, container.New(shrinkable{w: 90}, d.search))
	tiles := container.NewGridWithColumns(len(d.tiles))
	for _, t := range d.tiles {
		tiles.Add(t)
	}
	// Opening the store is next to the reasons it is opened for.
	right := container.NewVScroll(container.NewVBox(
		heading(tr("dashboard.flags", "Why this store is flagged")), d.detail, container.NewHBox(d.openBtn),
		widget.NewSeparator(),
		heading(tr("dashboard.health", "Suspect numbers and sync")), d.health,
	))
	legend := widget.NewLabel(tr("dashboard.legend", "▲ ▼ beside a figure: above or below the average of the store's tag · ⚠ counts suspect, not compared · the tiles compare with the previous period"))
	legend.SizeName = theme.SizeNameCaptionText
	legend.Wrapping = fyne.TextWrapWord
	split := container.NewHSplit(container.NewBorder(container.NewVBox(d.busy, d.status), legend, nil, nil, d.table), right)
	split.Offset = 0.8
	d.content = container.NewBorder(container.NewVBox(bar, d.picker.Problem(), tiles, d.scope), nil, nil, nil, split)
	d.load()
	return d
}

// UsePlaces offers the regions and cities of src in the chooser beside the
// tag: a region reloads the figures for its stores (as the headless
// commands' --region does); a city keeps the table to its stores, and the
// line under the tiles says the tiles are for the whole selection.
func (d *Dashboard) UsePlaces(src placeSource) {
	d.run.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		places, err := src.Places(ctx)
		if err != nil {
			return // the chooser keeps "All stores"; the table still loads
		}
		fyne.Do(func() { d.setPlaces(places) })
	})
}

// setPlaces fills the chooser: all stores, then each region (when there is
// more than one) and its cities, each with its number of stores.
func (d *Dashboard) setPlaces(places []app.Place) {
	regions := map[string]bool{}
	total := 0
	for _, p := range places {
		regions[p.RegionID] = true
		total += p.Stores
	}
	labels := []string{tr("dashboard.allplaces.n", "All stores ({{.N}})", map[string]any{"N": total})}
	opts := []placeOpt{{}}
	for i, p := range places {
		if len(regions) > 1 && (i == 0 || places[i-1].RegionID != p.RegionID) {
			n := 0
			for _, q := range places {
				if q.RegionID == p.RegionID {
					n += q.Stores
				}
			}
			labels = append(labels, tr("dashboard.place.region", "{{.Region}} ({{.N}})", map[string]any{"Region": p.RegionName, "N": n}))
			opts = append(opts, placeOpt{region: p.RegionID})
		}
		if p.City == "" {
			continue
		}
		city := tr("dashboard.place.city", "{{.City}} ({{.N}})", map[string]any{"City": p.City, "N": p.Stores})
		if len(regions) > 1 {
			city = p.RegionName + " · " + city
		}
		labels = append(labels, city)
		opts = append(opts, placeOpt{region: p.RegionID, city: p.City})
	}
	cur := placeOpt{region: d.region, city: d.city}
	d.placeOpts = opts
	on := d.placeSel.OnChanged
	d.placeSel.OnChanged = nil
	d.placeSel.Options = labels
	d.placeSel.SetSelectedIndex(max(0, slices.Index(opts, cur)))
	d.placeSel.OnChanged = on
	d.placeSel.Refresh()
}

// placeChosen applies the region or city picked.
func (d *Dashboard) placeChosen() {
	i := d.placeSel.SelectedIndex()
	if i < 0 || i >= len(d.placeOpts) {
		return
	}
	o := d.placeOpts[i]
	d.city = o.city
	// A city in a multi-region list loads its region; with one region the
	// whole list is already loaded.
	region := o.region
	if len(d.placeOpts) > 0 && !d.multiRegion() {
		region = ""
	}
	if region != d.region {
		d.region = region
		d.load()
		return
	}
	d.refilter()
}

func (d *Dashboard) multiRegion() bool {
	for _, o := range d.placeOpts {
		if o.region != "" && o.city == "" {
			return true
		}
	}
	return false
}

// Content is the dashboard's screen.
func (d *Dashboard) Content() fyne.CanvasObject { return d.content }

// Period is the period shown.
func (d *Dashboard) Period() insight.Period { return d.picker.Period() }

// load fetches the overview for the period and tag in the background; the
// table shows a loading bar meanwhile and keeps its old rows.
func (d *Dashboard) load() {
	d.gen++
	gen, p, f := d.gen, d.picker.Period(), insight.Filter{Tag: d.tag, RegionID: d.region}
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
	d.showCoverage()
	d.fitContent()
	d.refilter()
}

// showCoverage says, above the table, what the figures cover when that is
// not simply the whole period: nothing synced yet (with the sync's
// progress), a period before or after the data, or one the data ends in.
func (d *Dashboard) showCoverage() {
	ov := d.ov
	text, imp := "", widget.MediumImportance
	var st app.SyncState
	if d.sync != nil {
		st = d.sync()
	}
	switch {
	case ov.DataThrough == "" && st.Running:
		text = tr("dashboard.firstsync", "Fetching the region's data from HQ — {{.Progress}} The stores appear here when it finishes.", map[string]any{"Progress": syncProgressText(st)})
	case ov.DataThrough == "" || len(ov.Stores) == 0:
		text = tr("dashboard.empty", "No store data on this laptop yet. Sync from HQ with “Sync now” at the bottom right; Settings holds the feed address and sign-in.")
	case ov.NoData() && ov.Period.LastDay() < ov.DataFrom:
		text = tr("dashboard.before", "No data for {{.Period}}: the data on this laptop starts on {{.From}}.", map[string]any{"Period": ov.Period.String(), "From": ov.DataFrom})
	case ov.NoData():
		text = tr("dashboard.future", "No data for {{.Period}} yet: the data on this laptop runs to {{.Through}}.", map[string]any{"Period": ov.Period.String(), "Through": ov.DataThrough})
	case ov.Incomplete():
		text = tr("dashboard.partial", "{{.Period}} so far: {{.Days}} of {{.N}} days, to {{.Through}}. The changes compare with the same days of {{.Prev}}.", map[string]any{
			"Period": ov.Period.String(), "Days": ov.Days, "N": ov.Period.NumDays(), "Through": ov.DataThrough, "Prev": ov.Previous.String()})
		imp = widget.WarningImportance
	}
	d.status.SetText(text)
	d.status.Importance = imp
	d.status.Hidden = text == ""
	d.status.Refresh()
}

// SyncChanged follows a running sync while the dashboard has nothing to
// show, so the first wait reads as progress rather than an empty screen.
func (d *Dashboard) SyncChanged() {
	if d.ov.DataThrough == "" && d.busy.Hidden {
		d.showCoverage()
	}
}

func (d *Dashboard) setTile(t *KPITile, m insight.Metric, ov insight.RegionOverview) {
	for _, tile := range ov.Tiles {
		if tile.Metric != m {
			continue
		}
		if ov.NoData() {
			break
		}
		change, good := changeText(m, tile.Change(), ov.Incomplete())
		t.Set(formatMetric(m, tile.Value, tile.OK), change, good, tr("dashboard.tile.stores", "{{.N}} stores", map[string]any{"N": len(ov.Stores)}))
		return
	}
	t.Set(formatMetric(m, 0, false), "", 0, "")
}
