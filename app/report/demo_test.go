package report_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"storelens/app/insight"
	"storelens/app/vocab"
	"storelens/localdb"
	"storelens/sync/demofeed"
	"storelens/sync/engine"
	"storelens/sync/feed"
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
		if dir != "" {
			if _, err := os.Stat(filepath.Join(dir, "synced-report")); err == nil {
				demoDB, demoErr = localdb.Open(context.Background(), localdb.Options{Dir: dir})
				return
			}
		} else {
			d, err := os.MkdirTemp("", "storelens-report-demo-")
			if err != nil {
				demoErr = err
				return
			}
			dir, demoTmp = d, d
		}
		srv, err := demofeed.New(demofeed.Config{Until: demoUntil, Logf: func(string, ...any) {}})
		if err != nil {
			demoErr = err
			return
		}
		hs := httptest.NewServer(srv)
		defer hs.Close()
		db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
		if err != nil {
			demoErr = err
			return
		}
		e, err := engine.New(engine.Config{FeedURL: hs.URL, Token: "demo", DB: db, FeedName: "demo",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Collections: []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff, feed.CollShifts,
				feed.CollWeather, feed.CollCounts, feed.CollPOSHourly, feed.CollAlerts}})
		if err != nil {
			demoErr = err
			return
		}
		if _, err := e.Run(context.Background()); err != nil {
			demoErr = err
			return
		}
		ctx := context.Background()
		for _, p := range srv.PastTasks() {
			st, err := db.StoreByCode(ctx, p.StoreCode)
			if err != nil {
				demoErr = err
				return
			}
			task := localdb.CorrectiveTask{ID: p.ID, StoreID: st.ID, Category: p.Category, Title: p.Title, Body: p.Body, KPI: p.KPI, CreatedBy: vocab.ActorManager}
			var steps []localdb.TaskStatusChange
			for _, s := range p.Steps {
				steps = append(steps, localdb.TaskStatusChange{TaskID: p.ID, Status: s.Status, At: s.At, Actor: s.Actor, By: s.By, Note: s.Note})
			}
			if _, err := db.RecordPastTask(ctx, task, steps); err != nil {
				demoErr = err
				return
			}
		}
		demoDB = db
		os.WriteFile(filepath.Join(dir, "synced-report"), nil, 0o600)
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoDB
}

func demoInsight(db *localdb.DB) *insight.Insight {
	return insight.New(insight.Params{DB: db, Now: func() time.Time { return demoUntil.Add(30 * time.Hour) }})
}
