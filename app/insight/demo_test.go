package insight_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/sync/demofeed"
	"storelens/sync/demofeed/demotest"
)

// demoUntil fixes the demo chain's last day so the stories sit on known dates.
var demoUntil = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

var (
	demoOnce sync.Once
	demoDB   *localdb.DB
	demoErr  error
)

// demoChain syncs the built-in demo chain through the real sync engine into
// a local store, once per test binary.
func demoChain(t *testing.T) *localdb.DB {
	t.Helper()
	if testing.Short() {
		t.Skip("syncing a year of the demo chain")
	}
	demoOnce.Do(func() {
		// STORELENS_DEMO_DB keeps the synced chain between runs (a folder).
		dir := os.Getenv("STORELENS_DEMO_DB")
		if dir == "" {
			dir = t.TempDir()
		}
		demoDB, demoErr = demotest.Synced(context.Background(), dir, demotest.Options{Until: demoUntil, Marker: "synced"})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoDB
}

func demoInsight(db *localdb.DB) *insight.Insight {
	return insight.New(insight.Params{DB: db, Now: func() time.Time { return demoUntil.Add(30 * time.Hour) }})
}

// Each scripted story of the demo chain is flagged with the right reason in
// the week it happens, and an ordinary week flags few stores.
func TestDemoChainStoriesAreFlagged(t *testing.T) {
	db := demoChain(t)
	in := demoInsight(db)
	ctx := context.Background()
	flagsOf := func(p insight.Period) (map[string][]insight.Flag, int) {
		t.Helper()
		fl, n, err := in.Flags(ctx, p, insight.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		by := map[string][]insight.Flag{}
		for _, f := range fl {
			by[f.Store] = append(by[f.Store], f)
		}
		t.Logf("%s: %d of %d stores flagged", p, len(by), n)
		for code, fs := range by {
			for _, f := range fs {
				t.Logf("  %s %s: %s", code, f.Kind, f.Reason.In("en"))
			}
		}
		return by, n
	}
	find := func(by map[string][]insight.Flag, code string, kind insight.FlagKind, m insight.Metric, words ...string) *insight.Flag {
		t.Helper()
		for i, f := range by[code] {
			if f.Kind == kind && (m == "" || f.Metric == m) {
				for _, w := range words {
					if !strings.Contains(f.Reason.In("en"), w) {
						t.Errorf("%s %s: reason %q lacks %q", code, kind, f.Reason.In("en"), w)
					}
				}
				return &by[code][i]
			}
		}
		t.Errorf("%s is not flagged %s %s; its flags: %+v", code, kind, m, by[code])
		return nil
	}
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	stories := map[string]demofeed.Story{}
	for _, s := range demofeed.Stories(demoUntil) {
		stories[s.Kind] = s
	}

	// 19:50 instead of 22:00, in the last week of the story.
	s := stories[demofeed.StoryEarlyClose]
	by, _ := flagsOf(insight.WeekOf(day(s.Days[len(s.Days)-1])))
	if f := find(by, s.StoreCode, insight.EarlyClosing, "", "scheduled closing 22:00", "average of 商场店"); f != nil {
		for _, d := range f.Days {
			if !slices.Contains(s.Days, d) {
				t.Errorf("early closing on %s, which is not a story day", d)
			}
		}
		if len(f.Hours) == 0 {
			t.Errorf("early closing without hours to jump to")
		}
	}

	// The 2% entry rate, seven months before; and the monthly climb to 8.36%.
	s = stories[demofeed.StoryEntryRateRamp]
	by, _ = flagsOf(insight.WeekOf(day(s.From).AddDate(0, 0, 7)))
	find(by, s.StoreCode, insight.AbnormalEntryRate, insight.EntryRate, "abnormally low")
	find(by, s.StoreCode, insight.BelowTagAverage, insight.EntryRate, "average of")
	last, _ := insight.ParsePeriod(s.To[:7], nil)
	detail, err := in.Store(ctx, s.StoreCode, last)
	if err != nil {
		t.Fatal(err)
	}
	var trend []float64
	for _, m := range detail.Monthly {
		if m.Month >= s.From[:7] && m.Month <= s.To[:7] {
			trend = append(trend, m.EntryRate.Value())
		}
	}
	t.Logf("%s monthly entry rate %s..%s: %.4f", s.StoreCode, s.From[:7], s.To[:7], trend)
	if len(trend) != 7 || trend[0] > 0.03 || trend[6] < 0.075 {
		t.Errorf("monthly entry-rate trend %v, want 7 months from about 2%% to about 8.4%%", trend)
	}
	for i := 1; i < len(trend); i++ {
		if trend[i] <= trend[i-1] {
			t.Errorf("entry rate fell from month %d to %d: %v", i-1, i, trend)
		}
	}

	// The banner: counts collapse with no device alert — a sharp drop, not
	// an early closing.
	s = stories[demofeed.StoryCameraBlocked]
	by, _ = flagsOf(insight.WeekOf(day(s.To).AddDate(0, 0, -3)))
	find(by, s.StoreCode, insight.SharpDrop, insight.DailyEntries, "down 8")
	for _, f := range by[s.StoreCode] {
		if f.Kind == insight.EarlyClosing {
			t.Errorf("blocked lens read as early closing: %s", f.Reason.In("en"))
		}
	}

	// The moved camera: a device alert. Its counts are suspect, so the one
	// flag says so and lists the open hours it covers; its fallen entry rate
	// is neither a drop nor a gap to the tag, and it takes no traffic rank.
	s = stories[demofeed.StoryCameraMoved]
	moved := insight.WeekOf(day(s.From))
	by, _ = flagsOf(moved)
	if f := find(by, s.StoreCode, insight.SuspectCounts, "", "camera moved"); f != nil {
		if len(by[s.StoreCode]) != 1 {
			t.Errorf("%s has suspect counts yet %d flags: %v", s.StoreCode, len(by[s.StoreCode]), by[s.StoreCode])
		}
		if len(f.Hours) != int(f.Value) {
			t.Errorf("%s suspect flag lists %d hours, its reason says %v suspect open hours", s.StoreCode, len(f.Hours), f.Value)
		}
	}
	ov, err := in.Region(ctx, moved, insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range ov.Stores {
		if row.Store.Code != s.StoreCode {
			continue
		}
		hours, err := in.Hourly(ctx, row.Store.Code, moved)
		if err != nil {
			t.Fatal(err)
		}
		open := map[time.Time]bool{}
		for _, h := range hours {
			open[h.Start] = h.Open
		}
		for _, f := range row.Flags {
			for _, h := range f.Hours {
				if !open[h] {
					t.Errorf("%s flag lists %s, not an open hour", s.StoreCode, h)
				}
			}
		}
		for _, m := range []insight.Metric{insight.EntryRate, insight.DailyEntries, insight.Conversion} {
			if r := row.Rank[m]; r.Position != 0 {
				t.Errorf("%s with suspect counts ranks %d/%d in %s", s.StoreCode, r.Position, r.Of, m)
			}
		}
		if r := row.Rank[insight.Sales]; r.Position == 0 {
			t.Errorf("%s lost its sales rank: the till is not the camera", s.StoreCode)
		}
	}
	for _, ta := range ov.TagAverages {
		if n := ta.N[insight.EntryRate]; n >= ta.Stores && slicesContains(storeTags(ov, s.StoreCode), ta.Tag) {
			t.Errorf("tag %s averages the entry rate of all %d stores, the suspect one included", ta.Tag, n)
		}
	}

	// An ordinary week: November's second week, no story but the moved
	// camera (still in alert) and the early closings.
	by, n := flagsOf(insight.WeekOf(day("2026-11-09")))
	others := 0
	for code := range by {
		story := false
		for _, st := range stories {
			story = story || st.StoreCode == code
		}
		if !story {
			others++
		}
	}
	t.Logf("ordinary week: %d of %d stores flagged, %d of them outside the stories", len(by), n, others)
	if others > n/20 {
		t.Errorf("%d of %d ordinary stores flagged in an ordinary week: a flood", others, n)
	}
}

// The forecast of daily entries beats the seasonal-naive baseline on the
// demo chain's last eight whole weeks, each held out.
func TestDemoChainForecastBeatsSeasonalNaive(t *testing.T) {
	db := demoChain(t)
	in := demoInsight(db)
	end := insight.WeekOf(demoUntil).From // Monday of the last, partial week
	bt, err := in.Backtest(context.Background(), insight.Filter{}, end, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo chain backtest, 8 weeks to %s: %d stores, %d store-days, MAPE %.1f%% vs seasonal-naive %.1f%%, 10–90%% band covers %.0f%%",
		end.Format("2006-01-02"), bt.Stores, bt.Days, 100*bt.MAPE, 100*bt.BaselineMAPE, 100*bt.Coverage)
	if bt.Stores < 100 || bt.Days < 100*50 {
		t.Errorf("backtest scored only %d stores, %d days", bt.Stores, bt.Days)
	}
	if bt.MAPE >= bt.BaselineMAPE {
		t.Errorf("forecast MAPE %.3f does not beat seasonal-naive %.3f", bt.MAPE, bt.BaselineMAPE)
	}
}

func storeTags(ov insight.RegionOverview, code string) []string {
	for _, r := range ov.Stores {
		if r.Store.Code == code {
			return r.Store.Tags
		}
	}
	return nil
}

func slicesContains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// A period the data ends inside is compared like with like: its days so far
// against the same first days of the previous period, and says how many
// days it covers; a period after the data has no closed stores, only no
// data yet.
func TestPeriodsPastTheDataCompareLikeWithLike(t *testing.T) {
	db := demoChain(t)
	in := demoInsight(db)
	ctx := context.Background()
	month, err := insight.ParsePeriod("2026-11", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := in.Region(ctx, month, insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// The feed ends at midnight UTC, early morning of the 20th in China.
	through := demoUntil.Format("2006-01-02")
	if ov.DataThrough != through || !ov.Incomplete() || ov.Days != demoUntil.Day() {
		t.Fatalf("November with data to %s: through %q, incomplete %v, %d days", through, ov.DataThrough, ov.Incomplete(), ov.Days)
	}
	if ov.Previous.FirstDay() != "2026-10-01" || ov.Previous.NumDays() != ov.Days {
		t.Errorf("November so far is compared with %s (%d days), not October's first %d days", ov.Previous, ov.Previous.NumDays(), ov.Days)
	}
	for _, tile := range ov.Tiles {
		c := tile.Change()
		if r, ok := c.Relative(); ok && (r < -0.3 || r > 0.3) {
			t.Errorf("%s: %+.1f%% against the same days of October: not like with like", tile.Metric, 100*r)
		}
	}

	future, _ := insight.ParsePeriod("2027-01", time.UTC)
	ov, err = in.Region(ctx, future, insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !ov.NoData() || ov.Days != 0 {
		t.Errorf("2027-01 after data ending %s: no data %v, %d days", ov.DataThrough, ov.NoData(), ov.Days)
	}
	for _, s := range ov.Stores {
		if s.Closed || len(s.Flags) > 0 {
			t.Errorf("%s in a month without data yet: closed %v, %d flags", s.Store.Code, s.Closed, len(s.Flags))
		}
	}
	past, _ := insight.ParsePeriod("2026-10", time.UTC)
	ov, _ = in.Region(ctx, past, insight.Filter{})
	if ov.Incomplete() || ov.NoData() || ov.Previous.String() != "2026-09" {
		t.Errorf("October, wholly inside the data: incomplete %v, no data %v, compared with %s", ov.Incomplete(), ov.NoData(), ov.Previous)
	}
}

// A year ago that the data starts inside is no comparison: a week is never
// set against the two days of it that the history holds. The period whose
// year-ago days straddle the first day of data has no year-ago figures
// and says how many of its days the data holds; a period whose year ago
// lies wholly inside the data is compared as before.
func TestYearAgoOnlyPartlyInTheDataIsNotCompared(t *testing.T) {
	db := demoChain(t)
	in := demoInsight(db)
	ctx := context.Background()
	any, err := in.Region(ctx, insight.Period{Kind: insight.Day, From: demoUntil.AddDate(0, 0, -2), To: demoUntil.AddDate(0, 0, -1)}, insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := time.Parse("2006-01-02", any.DataFrom)
	// The last four days of data (a year of it): their year ago is the
	// three days before the data starts and its first day.
	p := insight.Period{Kind: insight.Range, From: first.AddDate(0, 0, 364-3), To: first.AddDate(0, 0, 364+1)}
	ov, err := in.Region(ctx, p, insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !ov.YearAgoIncomplete() || ov.YearAgoDays != 1 || ov.YearAgo.FirstDay() != first.AddDate(0, 0, -3).Format("2006-01-02") {
		t.Fatalf("year ago of %s with data from %s: %s, %d days in the data, incomplete %v", p, ov.DataFrom, ov.YearAgo, ov.YearAgoDays, ov.YearAgoIncomplete())
	}
	for _, tile := range ov.Tiles {
		if tile.YearAgoOK {
			t.Errorf("%s has a year-ago figure (%v) from 1 of 4 days", tile.Metric, tile.YearAgo)
		}
	}
	for _, s := range ov.Stores {
		if s.YearAgo.TradingDays != 0 {
			t.Fatalf("%s: year-ago KPIs of %d days", s.Store.Code, s.YearAgo.TradingDays)
		}
	}
	// The last day of data alone: its year ago is the first day of data,
	// wholly in it, and compared.
	p = insight.Period{Kind: insight.Range, From: first.AddDate(0, 0, 364), To: first.AddDate(0, 0, 365)}
	if ov, err = in.Region(ctx, p, insight.Filter{}); err != nil {
		t.Fatal(err)
	}
	if ov.YearAgoIncomplete() || !ov.Tiles[0].YearAgoOK {
		t.Errorf("year ago of %s, inside the data from %s: incomplete %v, compared %v", p, ov.DataFrom, ov.YearAgoIncomplete(), ov.Tiles[0].YearAgoOK)
	}
}
