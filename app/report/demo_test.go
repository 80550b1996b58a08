package report_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/sync/demofeed/demotest"
)

// demoUntil fixes the demo chain's last day so the stories sit on known dates.
var demoUntil = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

var (
	demoOnce sync.Once
	demoDB   *localdb.DB
	demoErr  error
	demoTmp  string // the chain's folder when made for this run, removed after it
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDB != nil {
		demoDB.Close()
	}
	if demoTmp != "" {
		os.RemoveAll(demoTmp)
	}
	os.Exit(code)
}

// demoChain syncs the built-in demo chain through the real sync engine
// into a local store, with its history of corrective tasks, once per test
// binary. STORELENS_DEMO_DB keeps the synced chain between runs (a folder).
func demoChain(t testing.TB) *localdb.DB {
	t.Helper()
	if testing.Short() {
		t.Skip("syncing a year of the demo chain")
	}
	demoOnce.Do(func() {
		dir := os.Getenv("STORELENS_DEMO_DB")
		if dir == "" {
			if dir, demoErr = os.MkdirTemp("", "storelens-report-demo-"); demoErr != nil {
				return
			}
			demoTmp = dir
		}
		demoDB, demoErr = demotest.Synced(context.Background(), dir, demotest.Options{Until: demoUntil, Tasks: true, Marker: "synced-report"})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoDB
}

func demoInsight(db *localdb.DB) *insight.Insight {
	return insight.New(insight.Params{DB: db, Now: func() time.Time { return demoUntil.Add(30 * time.Hour) }})
}
