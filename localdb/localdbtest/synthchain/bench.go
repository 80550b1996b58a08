package synthchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/localdb/localdbtest"
)

var (
	hqOnce sync.Once
	hqDB   *localdb.DB
	hqErr  error
)

// Benchmark is the 2000-store × 1-year chain of Defaults, built once into
// $STORELENS_BENCH_DIR (default .cache/insight-chain at the repository
// root, which is root from the caller's folder) and reused by later runs
// and by every benchmark of the binary. It skips under -short.
func Benchmark(tb testing.TB, root string) *localdb.DB {
	tb.Helper()
	if testing.Short() {
		tb.Skip("the 2000-store chain takes minutes to build the first time")
	}
	hqOnce.Do(func() {
		dir := os.Getenv("STORELENS_BENCH_DIR")
		if dir == "" {
			dir = filepath.Join(root, ".cache", "insight-chain")
		}
		start, last := time.Now(), time.Now()
		hqDB, hqErr = Cached(context.Background(), dir, Defaults(), func(done, total int) {
			if time.Since(last) > 15*time.Second {
				fmt.Fprintf(os.Stderr, "building benchmark chain: %d/%d stores (%s)\n", done, total, time.Since(start).Round(time.Second))
				last = time.Now()
			}
		})
		if hqErr == nil {
			st, _ := os.Stat(hqDB.Path())
			var stores, buckets, days int64
			r := localdbtest.Conn(tb, hqDB)
			r.QueryRow(`SELECT count(*) FROM stores`).Scan(&stores)
			r.QueryRow(`SELECT count(*) FROM store_daily`).Scan(&days)
			r.QueryRow(`SELECT count(*) FROM pos_hourly`).Scan(&buckets)
			fmt.Printf("benchmark chain: %d stores, %d store-days, %d POS hours (×4 count buckets), database %.0f MB, ready in %s\n",
				stores, days, buckets, float64(st.Size())/1e6, time.Since(start).Round(time.Second))
		}
	})
	if hqErr != nil {
		tb.Fatal(hqErr)
	}
	return hqDB
}
