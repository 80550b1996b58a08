package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
)

// fakeRegion serves a hand-made overview and records what was asked.
type fakeRegion struct {
	mu      sync.Mutex
	ov      insight.RegionOverview
	periods []insight.Period
	filters []insight.Filter
}

func (f *fakeRegion) Region(_ context.Context, p insight.Period, fl insight.Filter) (insight.RegionOverview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.periods = append(f.periods, p)
	f.filters = append(f.filters, fl)
	ov := f.ov
	ov.Period = p
	if ov.DataThrough != "" && ov.Days == 0 {
		ov.Days = p.NumDays()
	}
	return ov, nil
}

func (f *fakeRegion) asked() ([]insight.Period, []insight.Filter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]insight.Period{}, f.periods...), append([]insight.Filter{}, f.filters...)
}

func storeRow(code, name, tag string, daily, entryRate float64, flags ...insight.Flag) insight.StoreKPIs {
	k := insight.KPIs{Entries: int64(daily * 7), PassersBy: int64(daily * 7 / entryRate), TradingDays: 7, Transactions: int64(daily * 7 * 0.1), SalesFen: int64(daily * 7 * 0.1 * 30000)}
	k.EntryRate = insight.Ratio{Num: float64(k.Entries), Den: float64(k.PassersBy)}
	k.Conversion = insight.Ratio{Num: float64(k.Transactions), Den: float64(k.Entries)}
	k.ATVFen = insight.Ratio{Num: float64(k.SalesFen), Den: float64(k.Transactions)}
	k.DailyEntries = insight.Ratio{Num: float64(k.Entries), Den: 7}
	return insight.StoreKPIs{
		Store: insight.StoreInfo{Code: code, Name: name, Tags: []string{tag}, TimeZone: "Asia/Shanghai"},
		KPIs:  k,
		Flags: flags,
		Rank:  map[insight.Metric]insight.Rank{},
	}
}

// demoOverview has four stores given in no useful order: two flagged (one
// far below its tag, one with suspect counts) and two ordinary.
func demoOverview() insight.RegionOverview {
	below := insight.Flag{Store: "B002", Kind: insight.BelowTagAverage, Metric: insight.EntryRate, Severity: 0.6, Tag: "商场店",
		Reason: i18n.Say("reason.below_tag", "Metric", insight.EntryRate.LabelKey(), "Value", "2.40%", "Tag", "商场店", "Average", "6.10%", "Stores", 3, "Gap", "61%")}
	suspect := insight.Flag{Store: "C003", Kind: insight.SuspectCounts, Severity: 0.2,
		Reason: i18n.Say("reason.suspect", "Suspect", 30, "Open", 100, "Kinds", i18n.Labels{"alert.occlusion"})}
	ov := insight.RegionOverview{
		Coverage: insight.Coverage{DataFrom: "2025-01-01", DataThrough: "2026-11-23"},
		Stores: []insight.StoreKPIs{
			storeRow("A001", "万达店", "商场店", 300, 0.08),
			storeRow("D004", "旗舰店", "商场店", 500, 0.07),
			storeRow("C003", "步行街店", "街边店", 200, 0.05, suspect),
			storeRow("B002", "群光店", "商场店", 150, 0.024, below),
		},
		TagAverages: []insight.TagAverage{
			{Tag: "商场店", Stores: 3, Mean: map[insight.Metric]float64{insight.DailyEntries: 316, insight.EntryRate: 0.061}, N: map[insight.Metric]int{insight.DailyEntries: 3, insight.EntryRate: 3}},
		},
		Tiles: []insight.Tile{{Metric: insight.Entries, Value: 8050, Previous: 7000, OK: true, PrevOK: true}},
	}
	ov.Stores[1].Rank[insight.DailyEntries] = insight.Rank{Position: 1, Of: 4}
	ov.Stores[0].Rank[insight.DailyEntries] = insight.Rank{Position: 2, Of: 4}
	ov.Stores[2].Rank[insight.DailyEntries] = insight.Rank{Position: 3, Of: 4}
	ov.Stores[3].Rank[insight.DailyEntries] = insight.Rank{Position: 4, Of: 4}
	return ov
}

func waitLoaded(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("the screen did not finish loading within 10 s")
	}
}

func codesShown(d *Dashboard) []string {
	var out []string
	for r := range d.rows {
		txt, _, _ := d.cellText(r, colStore)
		out = append(out, strings.Fields(txt)[0])
	}
	return out
}

func newTestDashboard(t *testing.T) (*Dashboard, *fakeRegion) {
	test.NewTempApp(t)
	src := &fakeRegion{ov: demoOverview()}
	d := NewDashboard(Runner{Inline: true}, src, nil, nil, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w := test.NewWindow(d.Content())
	w.Resize(d.Content().MinSize().Max(fyneSize(1366, 768)))
	t.Cleanup(w.Close)
	waitLoaded(t, d.loadedSignal())
	return d, src
}

func TestDashboardListsFlaggedStoresFirstWithTheirReason(t *testing.T) {
	d, _ := newTestDashboard(t)
	if got := strings.Join(codesShown(d), ","); got != "B002,C003,A001,D004" {
		t.Fatalf("rows %s, want the flagged stores first, most serious first: B002,C003,A001,D004", got)
	}
	reason, _, _ := d.cellText(0, colReason)
	if !strings.Contains(reason, "2.40%") || !strings.Contains(reason, "6.10%") {
		t.Errorf("the first row's reason reads %q; it must state the numbers in place", reason)
	}
	flags, _, _ := d.cellText(0, colFlags)
	if !strings.HasPrefix(flags, "⚑") {
		t.Errorf("flag column of a flagged store reads %q", flags)
	}
	// B002's entries per day (150) are below the 商场店 average (316): marked ▼;
	// D004 (500) above: ▲.
	if _, m, _ := d.cellText(0, colDailyEntries); m != "▼" {
		t.Errorf("B002 entries/day marker %q, want ▼ (below its tag average)", m)
	}
	if _, m, _ := d.cellText(3, colDailyEntries); m != "▲" {
		t.Errorf("D004 entries/day marker %q, want ▲ (above its tag average)", m)
	}
	// The region tile shows the change against the previous period.
	_, value, change, _ := d.tiles[0].Texts()
	if value != "8,050" || !strings.Contains(change, "▲ 15.0%") {
		t.Errorf("entries tile %q / %q, want 8,050 and ▲ 15.0%%", value, change)
	}
}

func TestDashboardTableSortsByHeader(t *testing.T) {
	d, _ := newTestDashboard(t)
	d.sortBy(colDailyEntries)
	if got := strings.Join(codesShown(d), ","); got != "D004,A001,C003,B002" {
		t.Fatalf("sorted by entries/day: %s, want the busiest first D004,A001,C003,B002", got)
	}
	d.sortBy(colDailyEntries)
	if got := strings.Join(codesShown(d), ","); got != "B002,C003,A001,D004" {
		t.Fatalf("second tap: %s, want the order reversed", got)
	}
	d.sortBy(colStore)
	if got := strings.Join(codesShown(d), ","); got != "A001,B002,C003,D004" {
		t.Fatalf("sorted by store: %s, want by code", got)
	}
	d.sortBy(colRank)
	if got := strings.Join(codesShown(d), ","); got != "D004,A001,C003,B002" {
		t.Fatalf("sorted by rank: %s, want #1 first", got)
	}
}

func TestDashboardFiltersBySearchAndFlaggedOnly(t *testing.T) {
	d, _ := newTestDashboard(t)
	test.Type(d.search, "群光")
	if got := codesShown(d); len(got) != 1 || got[0] != "B002" {
		t.Fatalf("search 群光 shows %v, want only B002", got)
	}
	d.search.SetText("街边")
	if got := codesShown(d); len(got) != 1 || got[0] != "C003" {
		t.Fatalf("search by tag 街边 shows %v, want C003", got)
	}
	d.search.SetText("")
	test.Tap(d.flaggedOnly)
	if got := strings.Join(codesShown(d), ","); got != "B002,C003" {
		t.Fatalf("flagged only shows %s, want B002,C003", got)
	}
}

func TestDashboardOpensTheSelectedStore(t *testing.T) {
	d, _ := newTestDashboard(t)
	var opened string
	d.OnOpenStore = func(code string, p insight.Period) { opened = code }
	if !d.openBtn.Disabled() {
		t.Fatal("Open store is enabled with no store selected")
	}
	d.table.Select(tableCell(0, colStore))
	if !strings.Contains(d.detail.Text, "2.40%") {
		t.Errorf("selecting B002 shows %q, want its flag reason", d.detail.Text)
	}
	test.Tap(d.openBtn)
	if opened != "B002" {
		t.Fatalf("Open store opened %q, want B002", opened)
	}
	// From the keyboard: Space selects the focused row, Enter opens it.
	opened = ""
	d.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	d.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	d.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if opened != "C003" {
		t.Fatalf("↓ Space Enter opened %q, want the second row C003", opened)
	}
	// A double click on a cell opens its row too: the cell comes from the
	// table's own CreateCell and UpdateCell, with the handlers the table
	// draws with.
	opened = ""
	cell := d.table.CreateCell().(*tapCell)
	d.table.UpdateCell(tableCell(1, colStore), cell)
	if cell.label.Text == "" {
		t.Fatal("the table's cell for row 2 shows nothing")
	}
	test.DoubleTap(cell)
	if opened != "C003" {
		t.Fatalf("double-click on row 2 opened %q, want C003", opened)
	}
}

func TestDashboardTagFilterAsksForTheTag(t *testing.T) {
	d, src := newTestDashboard(t)
	d.tagSel.SetSelected("商场店")
	waitLoaded(t, d.loadedSignal())
	_, filters := src.asked()
	if last := filters[len(filters)-1]; last.Tag != "商场店" {
		t.Fatalf("tag filter asked for %+v, want Tag 商场店", last)
	}
}

type failingRegion struct{}

func (failingRegion) Region(context.Context, insight.Period, insight.Filter) (insight.RegionOverview, error) {
	return insight.RegionOverview{}, errors.New("database is locked")
}

func TestDashboardEmptyAndFailingSayWhatToDo(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(Runner{Inline: true}, &fakeRegion{}, nil, nil, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w := test.NewWindow(d.Content())
	defer w.Close()
	waitLoaded(t, d.loadedSignal())
	if d.status.Hidden || !strings.Contains(d.status.Text, "Sync") {
		t.Errorf("no stores: the dashboard says %q (hidden %v); it must point to syncing", d.status.Text, d.status.Hidden)
	}
	if _, v, _, _ := d.tiles[0].Texts(); v != "—" && v != "0" {
		t.Errorf("no stores: entries tile shows %q", v)
	}

	f := NewDashboard(Runner{Inline: true}, failingRegion{}, nil, nil, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w2 := test.NewWindow(f.Content())
	defer w2.Close()
	waitLoaded(t, f.loadedSignal())
	if f.status.Hidden || !strings.Contains(f.status.Text, "database is locked") || !strings.Contains(f.status.Text, "2026-W47") {
		t.Errorf("a failed load says %q; it must name the period, the cause and the next step", f.status.Text)
	}
}

// The dashboard as a manager sees it, on fixed data, in both languages at
// 1366×768, with a flagged store selected: compared with the golden images
// in testdata/ (Fyne's test painter and theme, so they are exact).
func TestDashboardLooksAsItShould(t *testing.T) {
	for _, lang := range []string{LangEnglish, LangChinese} {
		t.Run(lang, func(t *testing.T) {
			SetLanguage(lang)
			defer SetLanguage(LangEnglish)
			test.NewTempApp(t)
			d := NewDashboard(Runner{Inline: true}, &fakeRegion{ov: demoOverview()}, nil, nil, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
			w := test.NewWindow(d.Content())
			t.Cleanup(w.Close)
			w.Resize(fyneSize(1366, 768))
			waitLoaded(t, d.loadedSignal())
			d.table.Select(tableCell(0, colStore))
			// Lay the window out again, as the window's event loop would
			// after the panel's text changed.
			w.Resize(fyneSize(1366, 767))
			w.Resize(fyneSize(1366, 768))
			test.AssertImageMatches(t, "dashboard_"+lang+"_1366.png", w.Canvas().Capture())
		})
	}
}

type fakePlaces []app.Place

func (f fakePlaces) Places(context.Context) ([]app.Place, error) { return f, nil }

// Among many stores a manager narrows to a region or a city: a region
// reloads the figures for its stores, a city keeps the table to its stores
// and a line says the tiles still add up the whole selection.
func TestDashboardNarrowsToARegionOrACity(t *testing.T) {
	SetLanguage(LangEnglish)
	d, src := newTestDashboard(t)
	for i, c := range []string{"武汉", "武汉", "宜昌", "宜昌"} {
		d.ov.Stores[i].Store.City = c
		src.ov.Stores[i].Store.City = c
	}
	d.UsePlaces(fakePlaces{
		{RegionID: "HZ", RegionName: "华中区", City: "武汉", Stores: 2},
		{RegionID: "HZ", RegionName: "华中区", City: "宜昌", Stores: 2},
		{RegionID: "HN", RegionName: "华南区", City: "广州", Stores: 5},
	})
	want := []string{"All stores (9)", "华中区 (4)", "华中区 · 武汉 (2)", "华中区 · 宜昌 (2)", "华南区 (5)", "华南区 · 广州 (5)"}
	if got := d.placeSel.Options; !slices.Equal(got, want) {
		t.Fatalf("the chooser offers %q, want %q", got, want)
	}
	d.placeSel.SetSelected("华南区 (5)")
	waitLoaded(t, d.loadedSignal())
	if _, fs := src.asked(); fs[len(fs)-1].RegionID != "HN" {
		t.Errorf("choosing a region loaded %+v, want region HN", fs[len(fs)-1])
	}
	d.placeSel.SetSelected("华中区 · 宜昌 (2)")
	waitLoaded(t, d.loadedSignal())
	if _, fs := src.asked(); fs[len(fs)-1].RegionID != "HZ" {
		t.Errorf("choosing a city of another region loaded %+v, want its region HZ", fs[len(fs)-1])
	}
	if got := codesShown(d); len(got) != 2 || !slices.Contains(got, "B002") || !slices.Contains(got, "C003") {
		t.Errorf("宜昌 shows %v, want its two stores", got)
	}
	if !d.scope.Visible() || !strings.Contains(d.scope.Text, "all 4 stores") || !strings.Contains(d.scope.Text, "lists 2") {
		t.Errorf("with a city chosen the line under the tiles reads %q (visible %v)", d.scope.Text, d.scope.Visible())
	}
	d.placeSel.SetSelected("华中区 (4)")
	if len(d.rows) != 4 || d.scope.Visible() {
		t.Errorf("the whole region shows %d rows, scope line visible %v", len(d.rows), d.scope.Visible())
	}
	// A search narrows the table too, and says so.
	d.search.SetText("群光")
	if len(d.rows) != 1 || !strings.Contains(d.scope.Text, "lists 1") {
		t.Errorf("a search shows %d rows and says %q", len(d.rows), d.scope.Text)
	}
}

// The health panel counts the stores with suspect hours as the report
// does: the flagged one (not compared) and those with too few suspect
// hours for the flag, and then does not say every count can be trusted.
func TestDashboardHealthNamesEveryStoreWithSuspectHours(t *testing.T) {
	SetLanguage(LangChinese)
	defer SetLanguage(LangEnglish)
	test.NewTempApp(t)
	ov := demoOverview()
	for i := range ov.Stores {
		switch ov.Stores[i].Store.Code {
		case "C003":
			ov.Stores[i].CountsSuspect, ov.Stores[i].KPIs.SuspectHours = true, 30
		case "A001":
			ov.Stores[i].KPIs.SuspectHours = 3
		}
	}
	// The last sync's error, in the window's language as the status bar
	// says it, not the English of the log.
	syncState := func() app.SyncState {
		return app.SyncState{Err: "sync: no HQ feed address is set", ErrKind: "config", ErrText: i18n.Say("sync.what.no_feed")}
	}
	d := NewDashboard(Runner{Inline: true}, &fakeRegion{ov: ov}, nil, syncState, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	w := test.NewWindow(d.Content())
	t.Cleanup(w.Close)
	waitLoaded(t, d.loadedSignal())
	got := d.health.Text
	if !strings.Contains(got, "C003") || !strings.Contains(got, "A001") || strings.Contains(got, "B002") || strings.Contains(got, "可信") {
		t.Errorf("the health panel reads:\n%s\nwant C003 (flagged) and A001 (3 suspect hours), not B002, and no claim that every count can be trusted", got)
	}
	if strings.Contains(got, "no HQ feed") || !strings.Contains(got, i18n.Say("sync.what.no_feed").In(i18n.Chinese)) {
		t.Errorf("the health panel gives the sync error as:\n%s\nwant it in Chinese", got)
	}
}
