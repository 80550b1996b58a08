package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/report"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
	"storelens/sync/demofeed"
)

// hqChain is the 2000-store × 1-year benchmark chain (synthchain.Benchmark).
func hqChain(b *testing.B) *localdb.DB { return synthchain.Benchmark(b, filepath.Join("..", "..")) }

// peakHeap samples the heap in use while fn runs and returns its peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak
}

func benchReport(b *testing.B, src report.Sources, req report.Request) {
	var res report.Result
	var took time.Duration
	var peak uint64
	for b.Loop() {
		req.Dir = b.TempDir()
		peak = max(peak, peakHeap(func() {
			start := time.Now()
			var err error
			if res, err = report.Make(context.Background(), src, req, nil); err != nil {
				b.Fatal(err)
			}
			took = time.Since(start)
		}))
	}
	sizes := ""
	for _, f := range res.Files {
		st, _ := os.Stat(f)
		sizes += fmt.Sprintf(" %s %.0f KB", filepath.Ext(f), float64(st.Size())/1024)
		b.ReportMetric(float64(st.Size())/1024, filepath.Ext(f)[1:]+"-KB")
	}
	b.ReportMetric(float64(res.Pages), "pages")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	fmt.Printf("report of %d stores, %s: %.1f s, PDF %d pages,%s, peak heap %.0f MB\n",
		res.Stores, req.Period, took.Seconds(), res.Pages, sizes, float64(peak)/(1<<20))
}

// BenchmarkReportDemoRegion makes both files of a week for the demo
// chain's region of 120 stores (target: under 5 s).
func BenchmarkReportDemoRegion(b *testing.B) {
	db := demoChain(b)
	p, _ := insight.ParsePeriod("2026-W46", time.UTC)
	benchReport(b, report.Sources{Insight: demoInsight(db), DB: db},
		report.Request{Period: p, RegionID: demofeed.RegionID, RegionName: "华中区", Lang: i18n.Chinese, Now: demoUntil})
}

// BenchmarkReportChain2000 makes both files of a week for every store of
// the 2000-store chain (target: under 60 s, memory bounded).
func BenchmarkReportChain2000(b *testing.B) {
	db := hqChain(b)
	end := synthchain.Defaults().End
	in := insight.New(insight.Params{DB: db, Now: func() time.Time { return end }})
	benchReport(b, report.Sources{Insight: in, DB: db},
		report.Request{Period: insight.WeekOf(end).Shift(-7), Lang: i18n.Chinese, Now: end})
}
