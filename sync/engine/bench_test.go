package engine

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/sync/demofeed"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// importBaseline exports table from the database at path as CSV and times
// the sqlite3 shell importing it into a fresh database holding the same
// table and indexes (WAL, synchronous=FULL, as localdb opens its file): the
// rows and rows per second.
func importBaseline(dir, path, table string) (int, float64, error) {
	sh, err := exec.LookPath("sqlite3")
	if err != nil {
		return 0, 0, fmt.Errorf("no sqlite3 shell (make deps installs it)")
	}
	// The table and its indexes; triggers (which reach other tables) are
	// left out, which only makes the yardstick faster.
	schema, err := exec.Command(sh, path, "SELECT group_concat(sql, ';'||char(10)) || ';' FROM sqlite_master WHERE tbl_name = '"+table+"' AND type IN ('table', 'index') AND sql IS NOT NULL").Output()
	if err != nil {
		return 0, 0, fmt.Errorf("schema of %s: %w", table, err)
	}
	csvPath := filepath.Join(dir, table+".csv")
	if out, err := exec.Command(sh, "-csv", path, ".once "+csvPath, "SELECT * FROM "+table).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("export %s: %v %s", table, err, out)
	}
	var n int
	if out, err := exec.Command(sh, path, "SELECT count(*) FROM "+table).Output(); err == nil {
		fmt.Sscan(string(out), &n)
	}
	fresh := filepath.Join(dir, "import.db")
	setup := "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n" + string(schema)
	if out, err := exec.Command(sh, fresh, setup).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("create %s: %v %s", table, err, out)
	}
	t0 := time.Now()
	if out, err := exec.Command(sh, "-cmd", "PRAGMA synchronous=FULL", fresh, ".import --csv "+csvPath+" "+table).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("import %s: %v %s", table, err, out)
	}
	took := time.Since(t0)
	return n, float64(n) / took.Seconds(), nil
}

// BenchmarkFirstSync syncs the whole demo region (about 120 stores, a year
// of 15-minute counts, POS hours, shifts, 35 days of receipts) from an
// in-process demo feed over loopback HTTP into a fresh database, then the
// next day incrementally, and prints wall time, CPU time (client and demo
// server share the process), rows per second and the database size.
//
//	go test -run '^$' -bench FirstSync -benchtime 1x ./sync/engine/
func BenchmarkFirstSync(b *testing.B) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		db, err := localdb.Open(ctx, localdb.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		serve := func(until time.Time) *httptest.Server {
			fs, err := demofeed.New(demofeed.Config{Until: until, Logf: func(string, ...any) {}})
			if err != nil {
				b.Fatal(err)
			}
			return httptest.NewServer(fs)
		}
		run := func(srv *httptest.Server) (Summary, time.Duration, time.Duration) {
			e, err := New(Config{FeedURL: srv.URL, Token: "demo", DB: db, FeedName: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			c0, t0 := cpuTime(), time.Now()
			sum, err := e.Run(ctx)
			if err != nil {
				b.Fatal(err)
			}
			return sum, time.Since(t0), cpuTime() - c0
		}
		srv := serve(day1)
		b.StartTimer()
		sum, wall, cpu := run(srv)
		b.StopTimer()
		srv.Close()
		size := dirBytes(dir)
		fmt.Printf("first sync: %d rows, %.1f MB received, %.1f s wall, %.1f s CPU, %.0f rows/s; database %.0f MB\n",
			sum.Rows, float64(sum.Bytes)/1e6, wall.Seconds(), cpu.Seconds(), float64(sum.Rows)/wall.Seconds(), float64(size)/1e6)
		for _, c := range sum.Collections {
			fmt.Printf("  %-21s %3d pages %9d rows %6.1f MB %6.2f s\n", c.Name, c.Pages, c.Rows, float64(c.Bytes)/1e6, c.Took.Seconds())
		}
		b.ReportMetric(wall.Seconds(), "first-sync-s")
		b.ReportMetric(float64(sum.Rows)/wall.Seconds(), "rows/s")
		// The yardstick: the sqlite3 shell's .import of the largest table's
		// rows (as CSV) into an empty copy with the same indexes and the
		// same durability, timed in this run on this machine.
		if n, rate, err := importBaseline(b.TempDir(), db.Path(), "count_buckets"); err != nil {
			fmt.Printf("sqlite3 .import baseline not measured: %v\n", err)
		} else {
			ratio := float64(sum.Rows) / wall.Seconds() / rate
			fmt.Printf("sqlite3 shell .import of %d count_buckets rows: %.0f rows/s; first sync ingests at %.2f× that\n", n, rate, ratio)
			b.ReportMetric(ratio, "ingest-vs-import")
		}
		b.ReportMetric(float64(size)/1e6, "db-MB")

		// The next day: only what is new travels.
		srv = serve(day1.AddDate(0, 0, 1))
		sum2, wall2, cpu2 := run(srv)
		srv.Close()
		fmt.Printf("incremental sync (one more day): %d rows, %.2f MB received, %.2f s wall, %.2f s CPU\n",
			sum2.Rows, float64(sum2.Bytes)/1e6, wall2.Seconds(), cpu2.Seconds())
		b.ReportMetric(wall2.Seconds(), "incremental-s")
		db.Close()
	}
}
