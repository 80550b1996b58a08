// Package demotest hands tests the built-in demo chain synced through the
// real sync engine into a local store (test helpers only).
package demotest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"storelens/app/vocab"
	"storelens/localdb"
	"storelens/sync/demofeed"
	"storelens/sync/engine"
	"storelens/sync/feed"
)

// Figures are the collections a KPI is made of: receipts, footage and
// inspections do not enter one.
var Figures = []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff, feed.CollShifts,
	feed.CollWeather, feed.CollCounts, feed.CollPOSHourly, feed.CollAlerts}

// Options say what goes into the store.
type Options struct {
	// Until is the demo chain's last day.
	Until time.Time
	// Collections are synced (nil: Figures).
	Collections []string
	// Tasks records the chain's history of corrective tasks.
	Tasks bool
	// Marker names the file that says dir holds a finished sync, so a
	// folder kept between runs (STORELENS_DEMO_DB) is synced once.
	Marker string
}

// Synced opens the local store in dir, syncing the demo chain into it
// first unless dir already holds a finished sync (its Marker file).
func Synced(ctx context.Context, dir string, o Options) (*localdb.DB, error) {
	if o.Marker != "" {
		if _, err := os.Stat(filepath.Join(dir, o.Marker)); err == nil {
			return localdb.Open(ctx, localdb.Options{Dir: dir})
		}
	}
	srv, err := demofeed.New(demofeed.Config{Until: o.Until, Logf: func(string, ...any) {}})
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	db, err := localdb.Open(ctx, localdb.Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	colls := o.Collections
	if colls == nil {
		colls = Figures
	}
	e, err := engine.New(engine.Config{FeedURL: hs.URL, Token: "demo", DB: db, FeedName: "demo",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Collections: colls})
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := e.Run(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if o.Tasks {
		for _, p := range srv.PastTasks() {
			st, err := db.StoreByCode(ctx, p.StoreCode)
			if err != nil {
				db.Close()
				return nil, err
			}
			task := localdb.CorrectiveTask{ID: p.ID, StoreID: st.ID, Category: p.Category, Title: p.Title, Body: p.Body, KPI: p.KPI, CreatedBy: vocab.ActorManager}
			var steps []localdb.TaskStatusChange
			for _, s := range p.Steps {
				steps = append(steps, localdb.TaskStatusChange{TaskID: p.ID, Status: s.Status, At: s.At, Actor: s.Actor, By: s.By, Note: s.Note})
			}
			if _, err := db.RecordPastTask(ctx, task, steps); err != nil {
				db.Close()
				return nil, err
			}
		}
	}
	if o.Marker != "" {
		os.WriteFile(filepath.Join(dir, o.Marker), nil, 0o600)
	}
	return db, nil
}
