package insight_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// hqChain is the 2000-store × 1-year benchmark chain (synthchain.Benchmark).
func hqChain(b *testing.B) *localdb.DB { return synthchain.Benchmark(b, filepath.Join("..", "..")) }

func benchInsight(db *localdb.DB) *insight.Insight {
	return insight.New(insight.Params{DB: db, Now: func() time.Time { return synthchain.Defaults().End }})
}

// The HQ dashboard: all 2000 stores with tag averages, ranks and flags for
// the last week.
func BenchmarkRegionOverviewWeek2000Stores(b *testing.B) {
	in := benchInsight(hqChain(b))
	p, _ := insight.ParsePeriod("2026-W47", nil)
	var ov insight.RegionOverview
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if ov, err = in.Region(context.Background(), p, insight.Filter{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/overview")
	flagged := map[string]bool{}
	for _, f := range ov.Flags {
		flagged[f.Store] = true
	}
	b.ReportMetric(float64(len(flagged)), "flagged-stores")
	fmt.Printf("region overview 2000 stores, week: %.1f ms; %d of %d stores flagged, %d flags\n",
		float64(b.Elapsed().Microseconds())/1000/float64(b.N), len(flagged), len(ov.Stores), len(ov.Flags))
}

// The HQ dashboard for a month (monthly rollups).
func BenchmarkRegionOverviewMonth2000Stores(b *testing.B) {
	in := benchInsight(hqChain(b))
	p, _ := insight.ParsePeriod("2026-10", nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := in.Region(context.Background(), p, insight.Filter{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/overview")
	fmt.Printf("region overview 2000 stores, month: %.1f ms\n", float64(b.Elapsed().Microseconds())/1000/float64(b.N))
}

// A regional manager's dashboard: one region of 200 stores.
func BenchmarkRegionOverviewWeek200Stores(b *testing.B) {
	in := benchInsight(hqChain(b))
	p, _ := insight.ParsePeriod("2026-W47", nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := in.Region(context.Background(), p, insight.Filter{RegionID: "R01"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/overview")
	fmt.Printf("region overview 200 stores, week: %.1f ms\n", float64(b.Elapsed().Microseconds())/1000/float64(b.N))
}

// One store's year of hourly data with the forecast band.
func BenchmarkStoreYearHourly(b *testing.B) {
	in := benchInsight(hqChain(b))
	p, _ := insight.ParsePeriod("2025-11-24..2026-11-22", nil)
	var n int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, err := in.Hourly(context.Background(), "S01234", p)
		if err != nil {
			b.Fatal(err)
		}
		n = len(h)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/year")
	fmt.Printf("one store's year of hourly data with forecast band: %d hours in %.1f ms\n", n, float64(b.Elapsed().Microseconds())/1000/float64(b.N))
}

// The store page for a week (region of 200 stores for ranks and averages).
func BenchmarkStorePageWeek(b *testing.B) {
	in := benchInsight(hqChain(b))
	p, _ := insight.ParsePeriod("2026-W47", nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := in.Store(context.Background(), "S01234", p); err != nil {
			b.Fatal(err)
		}
	}
	fmt.Printf("store page, week: %.1f ms\n", float64(b.Elapsed().Microseconds())/1000/float64(b.N))
}

// What the sync engine pays per page: refresh three days of one store.
func BenchmarkRefreshRollupsThreeDays(b *testing.B) {
	db := hqChain(b)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	from := time.Date(2026, 11, 18, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Recomputed from the same buckets: the cached chain stays as built.
		if err := db.RefreshRollups(context.Background(), 1234, from, to); err != nil {
			b.Fatal(err)
		}
	}
	fmt.Printf("RefreshRollups, 3 days of one store: %.2f ms\n", float64(b.Elapsed().Microseconds())/1000/float64(b.N))
}
