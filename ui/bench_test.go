package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// benchChain opens the 2000-store × 1-year chain the insight benchmarks
// build (in $STORELENS_BENCH_DIR, default .cache/insight-chain at the
// repository root), building it first if needed.
func benchChain(b *testing.B) *localdb.DB {
	if testing.Short() {
		b.Skip("the 2000-store chain takes minutes to build the first time")
	}
	dir := os.Getenv("STORELENS_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join("..", ".cache", "insight-chain")
	}
	db, err := synthchain.Cached(context.Background(), dir, synthchain.Defaults(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkClickToScreen measures, on the 2000-store chain, the time from
// a manager's click to the screen drawn: the query, applying the result to
// the widgets, rendering the charts and painting the whole 1366×768 window
// (software painter). Under `go test` the background work runs inline, so
// each figure is the sequential sum; the app renders the seven charts
// concurrently.
func BenchmarkClickToScreen(b *testing.B) {
	db := benchChain(b)
	test.NewTempApp(b)
	end := synthchain.Defaults().End
	ins := insight.New(insight.Params{DB: db, Now: func() time.Time { return end }})
	size := fyne.NewSize(1366, 768)

	b.Run("dashboard-period-2000-stores", func(b *testing.B) {
		src := &timedRegion{in: ins}
		d := NewDashboard(Runner{Inline: true}, src, nil, nil, end)
		w := test.NewWindow(d.Content())
		defer w.Close()
		w.Resize(size)
		var paint time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if i%2 == 0 {
				test.Tap(d.picker.prev)
			} else {
				test.Tap(d.picker.next)
			}
			start := time.Now()
			w.Canvas().Capture()
			paint += time.Since(start)
		}
		b.ReportMetric(float64(paint.Milliseconds())/float64(b.N), "ms-paint")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/click")
		b.ReportMetric(float64(len(d.ov.Stores)), "stores")
		b.ReportMetric(float64(src.total.Milliseconds())/float64(src.n), "ms-query")
	})

	b.Run("store-page-week", func(b *testing.B) {
		p := defaultPeriod(end)
		src := &timedStore{in: ins}
		s := NewStorePage(Runner{Inline: true}, src, nil, end)
		w := test.NewWindow(s.Content())
		defer w.Close()
		w.Resize(size)
		codes := []string{synthchain.StoryEarlyClose, synthchain.StoryLowRate, synthchain.StoryBlocked, synthchain.StoryDrop}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s.Open(codes[i%len(codes)], p)
			w.Canvas().Capture()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/click")
		b.ReportMetric(float64(src.total.Milliseconds())/float64(src.n), "ms-query")
		if s.forecast.Rendered() == nil {
			b.Fatalf("store page drew no forecast chart: %q", s.forecast.statusText())
		}
	})
}

// timedRegion and timedStore time the insight queries, so the figures can
// be split into query and screen.
type timedRegion struct {
	in    *insight.Insight
	total time.Duration
	n     int
}

func (t *timedRegion) Region(ctx context.Context, p insight.Period, f insight.Filter) (insight.RegionOverview, error) {
	start := time.Now()
	defer func() { t.total += time.Since(start); t.n++ }()
	return t.in.Region(ctx, p, f)
}

type timedStore struct {
	in    *insight.Insight
	total time.Duration
	n     int
}

func (t *timedStore) Store(ctx context.Context, code string, p insight.Period) (insight.StoreDetail, error) {
	start := time.Now()
	defer func() { t.total += time.Since(start); t.n++ }()
	return t.in.Store(ctx, code, p)
}

// BenchmarkClickToScreenDataDir is the same measure on the data folder in
// $STORELENS_BENCH_DATA (for instance a synced demo chain, a manager-sized
// region), skipped when unset.
func BenchmarkClickToScreenDataDir(b *testing.B) {
	dir := os.Getenv("STORELENS_BENCH_DATA")
	if dir == "" {
		b.Skip("set STORELENS_BENCH_DATA to a data folder")
	}
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	test.NewTempApp(b)
	ins := insight.New(insight.Params{DB: db})
	src := &timedRegion{in: ins}
	now := time.Now()
	d := NewDashboard(Runner{Inline: true}, src, nil, nil, now)
	w := test.NewWindow(d.Content())
	defer w.Close()
	w.Resize(fyne.NewSize(1366, 768))
	var paint time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			test.Tap(d.picker.prev)
		} else {
			test.Tap(d.picker.next)
		}
		start := time.Now()
		w.Canvas().Capture()
		paint += time.Since(start)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/click")
	b.ReportMetric(float64(len(d.ov.Stores)), "stores")
	b.ReportMetric(float64(src.total.Milliseconds())/float64(src.n), "ms-query")
	b.ReportMetric(float64(paint.Milliseconds())/float64(b.N), "ms-paint")
}
