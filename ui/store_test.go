package ui

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"storelens/app"
	"storelens/app/chart"
	"storelens/app/insight"
	"storelens/localdb"
)

type fakeStore struct{ d insight.StoreDetail }

func (f fakeStore) Store(_ context.Context, code string, p insight.Period) (insight.StoreDetail, error) {
	if code != f.d.Store.Code {
		return insight.StoreDetail{}, insight.ErrUnknownStore
	}
	d := f.d
	d.Period = p
	return d, nil
}

type fakeProfile struct{}

func (fakeProfile) StoreProfile(_ context.Context, code string, _ time.Time) (app.StoreProfile, error) {
	return app.StoreProfile{
		Store: localdb.Store{Code: code, Address: "武汉市武昌区中南路 7 号", StaffCount: 6,
			Hours: []localdb.OpeningHours{{ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Weekdays: 0b0011111, Opens: "10:00", Closes: "22:00"}}},
		Alerts: []app.CameraAlert{{StoreCode: code, CameraCode: "CAM-1", CameraName: "入口", Kind: "occlusion", Started: time.Date(2026, 11, 18, 2, 0, 0, 0, time.UTC)}},
		Tasks:  []app.TaskSummary{{ID: "t1", Title: "门口迎宾", Status: "acknowledged", DueOn: "2026-11-30"}},
	}, nil
}

// oneDayStore is a store with one day of hours (10:00–21:00 local) and
// no POS data, no recount, no monthly history: partial data, as a new
// store has.
func oneDayStore(t *testing.T) (insight.StoreDetail, *time.Location) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	d := insight.StoreDetail{Store: insight.StoreInfo{Code: "S001", Name: "武汉群光店", TimeZone: "Asia/Shanghai", Tags: []string{"商场店"}}}
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, loc)
	for h := 10; h <= 21; h++ {
		st := day.Add(time.Duration(h) * time.Hour)
		d.Hourly = append(d.Hourly, insight.HourPoint{Start: st.UTC(), LocalDay: "2026-11-20", LocalHour: h, Open: true, Entries: int64(20 + h), Predicted: insight.Band{Low: 15, High: 50}})
	}
	d.KPIs = insight.KPIs{Entries: 400}
	d.Rank = map[insight.Metric]insight.Rank{insight.Entries: {Position: 3, Of: 52}}
	d.TagRank = map[string]map[insight.Metric]insight.Rank{"商场店": {insight.Entries: {Position: 2, Of: 12}}}
	return d, loc
}

func waitChart(t *testing.T, c *ChartView) *chart.Rendered {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if r := c.Rendered(); r != nil {
			return r
		}
		if txt := c.statusText(); txt != "" && txt != "Loading…" {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("chart not drawn within 15 s")
	return nil
}

func TestStorePageChartClickSelectsThatHour(t *testing.T) {
	test.NewTempApp(t)
	d, loc := oneDayStore(t)
	s := NewStorePage(Runner{Inline: true}, fakeStore{d}, fakeProfile{}, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	w := test.NewWindow(s.Content())
	w.Resize(fyne.NewSize(1366, 768))
	defer w.Close()
	s.Open("S001", insight.Period{Kind: insight.Day, From: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)})
	waitLoaded(t, s.loadedSignal())

	if !strings.Contains(s.info.Text, "中南路") || !strings.Contains(s.schedule.Text, "10:00–22:00") {
		t.Errorf("header: %q / %q, want the address and the schedule", s.info.Text, s.schedule.Text)
	}
	if _, _, _, detail := s.tiles[0].Texts(); !strings.Contains(detail, "3/52") || !strings.Contains(detail, "2/12") {
		t.Errorf("entries tile detail %q, want rank in region 3/52 and in tag 2/12", detail)
	}
	if !strings.Contains(s.tasks.Text, "门口迎宾") || !strings.Contains(s.tasks.Text, "acknowledged") {
		t.Errorf("tasks %q, want the task and its status", s.tasks.Text)
	}
	if !strings.Contains(s.alerts.Text, "入口") {
		t.Errorf("camera alerts %q, want the blocked entrance camera", s.alerts.Text)
	}

	r := waitChart(t, s.forecast)
	if r == nil {
		t.Fatalf("forecast chart not drawn: %q", s.forecast.statusText())
	}
	want := time.Date(2026, 11, 20, 16, 0, 0, 0, loc)
	x, ok := r.XOf(want)
	if !ok {
		t.Fatal("no 16:00 point on the forecast chart")
	}
	test.TapAt(s.forecast, fyne.NewPos(x+3, (r.PlotTop+r.PlotBottom)/2))
	if !s.Picked.Equal(want) {
		t.Fatalf("click at 16:00 picked %v, want %v", s.Picked, want)
	}
	if !strings.Contains(s.pickNote.Text, "2026-11-20 16:00") || !strings.Contains(s.pickNote.Text, "Selected") {
		t.Errorf("after the click the page says %q", s.pickNote.Text)
	}

	// With a review screen registered, the click goes to it.
	var gotCode string
	var gotT time.Time
	s.OnFootage = func(code string, t time.Time) bool { gotCode, gotT = code, t; return true }
	x2, _ := r.XOf(want.Add(2 * time.Hour))
	test.TapAt(s.forecast, fyne.NewPos(x2, (r.PlotTop+r.PlotBottom)/2))
	if gotCode != "S001" || !gotT.Equal(want.Add(2*time.Hour)) {
		t.Fatalf("footage hook got %q %v, want S001 at 18:00", gotCode, gotT)
	}
}

func TestStorePagePartialDataLooksDeliberate(t *testing.T) {
	test.NewTempApp(t)
	d, _ := oneDayStore(t)
	s := NewStorePage(Runner{Inline: true}, fakeStore{d}, fakeProfile{}, time.Now())
	w := test.NewWindow(s.Content())
	w.Resize(fyne.NewSize(1366, 768))
	defer w.Close()
	s.Open("S001", insight.Period{Kind: insight.Day, From: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)})
	waitLoaded(t, s.loadedSignal())
	// No monthly history, no weather, no recount: each says so in place.
	for name, c := range map[string]*ChartView{"trend": s.trend, "weather": s.weather, "recount": s.recount} {
		if r := waitChart(t, c); r != nil {
			t.Errorf("%s chart drew an image with no data", name)
		}
		if txt := c.statusText(); !strings.Contains(txt, "No ") && !strings.Contains(txt, "Not enough") {
			t.Errorf("%s chart says %q, want a no-data message", name, txt)
		}
	}
	// No POS data: the traffic chart still draws (entries without conversion).
	if r := waitChart(t, s.trafficConv); r == nil || len(r.Hits) != 12 {
		t.Errorf("traffic vs conversion without POS: %+v", r)
	}
	// An unknown store is explained.
	s.Open("NOPE", s.picker.Period())
	waitLoaded(t, s.loadedSignal())
	if s.status.Hidden || !strings.Contains(s.status.Text, "NOPE") {
		t.Errorf("unknown store shows %q", s.status.Text)
	}
}

func TestChartRedrawsForTheTheme(t *testing.T) {
	a := test.NewTempApp(t)
	light, dark := theme.VariantLight, theme.VariantDark
	a.Settings().SetTheme(lensTheme{Theme: theme.DefaultTheme(), variant: &light})
	d, loc := oneDayStore(t)
	fi := chart.ForecastInput{Step: time.Hour}
	for _, h := range d.Hourly {
		fi.Actual = append(fi.Actual, chart.Point{T: h.Start, V: float64(h.Entries)})
	}
	c := NewChartView(Runner{Inline: true})
	w := test.NewWindow(c)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 300))
	c.SetDraw(func(o chart.Options) (*chart.Rendered, error) { return chart.Forecast(o, fi) }, loc)
	first := waitChart(t, c)
	if first == nil || isDark(chartPalette().Background) {
		t.Fatalf("light theme: chart drawn %v, palette dark %v", first != nil, isDark(chartPalette().Background))
	}
	a.Settings().SetTheme(lensTheme{Theme: theme.DefaultTheme(), variant: &dark})
	c.Refresh() // what Fyne does to every widget on a theme change
	second := c.Rendered()
	if second == first {
		t.Fatal("the chart was not redrawn after the theme changed")
	}
	img, err := png.Decode(bytes.NewReader(second.Image))
	if err != nil {
		t.Fatal(err)
	}
	if !isDark(img.At(2, 2)) {
		t.Fatalf("after switching to dark the chart background is %v", img.At(2, 2))
	}
}

func TestStoreChooserShowsTheOpenStore(t *testing.T) {
	test.NewTempApp(t)
	d, _ := oneDayStore(t)
	s := NewStorePage(Runner{Inline: true}, fakeStore{d}, fakeProfile{}, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	w := test.NewWindow(s.Content())
	defer w.Close()
	s.SetStores([]string{"S001 中南路店", "S002 光谷店"})
	s.Open("S001", s.picker.Period())
	waitLoaded(t, s.loadedSignal())
	if s.codeSel.Text != "S001 中南路店" {
		t.Errorf("chooser reads %q with S001 open, want its code and name", s.codeSel.Text)
	}
}

// The store chooser can be typed into: part of a name opens the one store
// that has it, a word several share lists them to pick from, and a word
// none has says so and leaves the open store open.
func TestStoreChooserOpensWhatIsTyped(t *testing.T) {
	SetLanguage(LangEnglish)
	test.NewTempApp(t)
	d, _ := oneDayStore(t)
	s := NewStorePage(Runner{Inline: true}, fakeStore{d}, fakeProfile{}, time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	w := test.NewWindow(s.Content())
	defer w.Close()
	s.SetStores([]string{"S001 中南路店 · 武汉", "S002 光谷店 · 武汉", "S003 万达店 · 宜昌"})
	submit := func(text string) {
		s.codeSel.SetText(text)
		s.codeSel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	submit("光谷")
	if s.code != "S002" {
		t.Fatalf("typing 光谷 opened %q, want S002 光谷店", s.code)
	}
	waitLoaded(t, s.loadedSignal())
	submit("s003")
	if s.code != "S003" {
		t.Errorf("typing the code in lower case opened %q, want S003", s.code)
	}
	waitLoaded(t, s.loadedSignal())
	submit("武汉")
	if s.code != "S003" || !strings.Contains(s.status.Text, "2 stores match") || len(s.offered) != 2 {
		t.Errorf("typing a city two stores share: open %q, status %q, list %q", s.code, s.status.Text, s.offered)
	}
	submit("上海")
	if s.code != "S003" || !strings.Contains(s.status.Text, "No store matches “上海”") {
		t.Errorf("typing what no store has: open %q, status %q", s.code, s.status.Text)
	}
}

// A flag of three early closings, two hours each, offers a button on each
// of the three days (not the first four hours, which cover two).
func TestFlagButtonsCoverEveryDay(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	var hours []time.Time
	for _, d := range []int{17, 18, 19} {
		for _, h := range []int{20, 21} {
			hours = append(hours, time.Date(2026, 11, d, h, 0, 0, 0, sh).UTC())
		}
	}
	got := jumpHours(hours, sh, 4)
	days := map[int]bool{}
	for _, h := range got {
		days[h.In(sh).Day()] = true
	}
	if len(got) != 4 || len(days) != 3 {
		t.Errorf("buttons at %v: want four covering the 17th, 18th and 19th", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Before(got[i-1]) {
			t.Errorf("buttons out of time order: %v", got)
		}
	}
}
