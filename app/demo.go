package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"storelens/app/vocab"
	"storelens/localdb"
	"storelens/sync/demofeed"
)

// DemoToken is the bearer token the built-in demo chain accepts.
const DemoToken = "demo"

// DemoFeedName names the demo chain's cursors in the local store. The demo
// listens on a new loopback port at every start; a fixed name lets a second
// start continue incrementally instead of reading the whole year again.
const DemoFeedName = "demo"

// DemoChain is the demo chain's configuration: the one the window's --demo
// starts and the one `storelens demo-feed` serves by default, so both build
// the same stores, figures and stories. Its clips are cut into clipDir.
// Its stores answer corrective tasks within minutes (acknowledged after
// one, reported done after four), so a task's whole life can be followed
// in one sitting: sync, or wait for the next sync, to see each step.
func DemoChain(clipDir string, logf func(format string, args ...any)) demofeed.Config {
	return demofeed.Config{Seed: DemoSeed, Token: DemoToken, ClipDir: clipDir, Logf: logf,
		TaskSteps: []time.Duration{time.Minute, 4 * time.Minute}}
}

// DemoSeed picks the demo chain's figures.
const DemoSeed = 0

// startDemoFeed serves the demo chain (package demofeed) on 127.0.0.1 at a
// free port, with its clips cut into the data folder, and returns its base
// URL and a function that stops it.
func startDemoFeed(ctx context.Context, dataDir string, log *slog.Logger) (string, []demofeed.PastTask, func(), error) {
	srv, err := demofeed.New(DemoChain(filepath.Join(dataDir, "demo-clips"),
		func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...)) }))
	if err != nil {
		return "", nil, nil, fmt.Errorf("start the demo chain: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, fmt.Errorf("start the demo chain: no loopback port free: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("demo chain stopped", "error", err.Error())
		}
	}()
	url := "http://" + ln.Addr().String()
	log.Info("demo chain serving", "url", url, "until", srv.Until())
	return url, srv.PastTasks(), func() { hs.Close() }, nil
}

// recordDemoHistory puts the demo region's past tasks on the laptop once
// its stores have arrived (a later start finds them there and adds nothing).
func (a *App) recordDemoHistory(ctx context.Context, past []demofeed.PastTask) {
	for _, p := range past {
		st, err := a.db.StoreByCode(ctx, p.StoreCode)
		if err != nil {
			continue // not synced yet: the next sync tries again
		}
		t := localdb.CorrectiveTask{ID: p.ID, StoreID: st.ID, Category: p.Category, Title: p.Title, Body: p.Body, KPI: p.KPI, CreatedBy: vocab.ActorManager}
		var steps []localdb.TaskStatusChange
		for _, s := range p.Steps {
			steps = append(steps, localdb.TaskStatusChange{TaskID: p.ID, Status: s.Status, At: s.At, Actor: s.Actor, By: s.By, Note: s.Note})
		}
		if _, err := a.db.RecordPastTask(ctx, t, steps); err != nil {
			a.log.Warn("demo history", "task", p.Title, "err", err)
		}
	}
}
