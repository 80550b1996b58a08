// Package app is StoreLens's core, below the UI and above the parts: it opens
// the local store, runs the services (sync, recounts, insight) and offers the
// screens narrow, Fyne-free entry points. Nothing in app imports Fyne.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/vision"
)

// Version is the application version shown in the UI and sent to HQ.
const Version = "0.1.0"

// Config is what the composition root decides for the app.
type Config struct {
	// DataDir holds the database and the footage cache; "" means the
	// per-user default (localdb.DefaultDir), and for the demo chain a
	// "demo" folder inside it, so trying the demo never mixes its stores
	// with the chain's own.
	DataDir string
	// FeedURL is the HQ feed; "" when the manager has not set one yet.
	FeedURL string
	// Token is the sign-in token for FeedURL ("": the one kept in the
	// keyring); the commands take it from STORELENS_TOKEN.
	Token string
	// Demo starts the built-in demo chain on loopback and syncs from it.
	Demo bool
	// Logger receives diagnostics; nil means slog.Default.
	Logger *slog.Logger
	// SyncCollections limits every sync to these feed collections, in this
	// order; nil reads them all. SyncPageLimit asks HQ for pages of at most
	// that many items; 0 asks for the largest.
	SyncCollections []string
	SyncPageLimit   int
	// Existing opens only a data folder that already holds a local store:
	// a command that only reads must not leave an empty database in a
	// folder given by mistake. New then fails with ErrNoStore.
	Existing bool
}

// ErrNoStore is returned by New with Config.Existing when the data folder
// holds no local store.
var ErrNoStore = errors.New("no StoreLens data in this folder")

// App is one running StoreLens: the local store and the services on it.
type App struct {
	cfg  Config
	db   *localdb.DB
	log  *slog.Logger
	sync syncStatus

	insight *insight.Insight // KPIs, tag averages and flags, shared by every screen
	syncer  *syncService     // background sync, see sync.go

	inspMu      sync.Mutex  // one inspection run at a time
	inspRunning atomic.Bool // the background runner is on
	precheckMu  sync.Mutex
	precheck    vision.Detector // the inspections' pre-check, made on first use

	auditMu      sync.Mutex      // one audit run at a time
	auditRunning atomic.Bool     // the background audit is on
	tillDet      vision.Detector // the till scans' person detector, made on first use

	fetchMu  sync.Mutex
	fetching map[string]func(fraction float64) // clip downloads a screen follows, by recording id
}

// New opens the local store and prepares the services; Close releases them.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DataDir == "" {
		d, err := localdb.DefaultDir()
		if err != nil {
			return nil, fmt.Errorf("find a data directory: %w (pass --data-dir)", err)
		}
		cfg.DataDir = d
		if cfg.Demo {
			cfg.DataDir = filepath.Join(d, "demo")
		}
	}
	if cfg.Existing {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, localdb.FileName)); err != nil {
			return nil, fmt.Errorf("%w: %s (sync into it first with `storelens sync --data-dir %s`, or pass the folder that holds your data)", ErrNoStore, cfg.DataDir, cfg.DataDir)
		}
	}
	db, err := localdb.Open(ctx, localdb.Options{Dir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, db: db, log: cfg.Logger}
	a.insight = insight.New(insight.Params{DB: db})
	a.syncer = newSyncService(a)
	return a, nil
}

// DB is the local store.
func (a *App) DB() *localdb.DB { return a.db }

// Config returns the configuration the app was started with.
func (a *App) Config() Config { return a.cfg }

// Log is the app's logger.
func (a *App) Log() *slog.Logger { return a.log }

// Close stops the services and closes the store.
func (a *App) Close() error {
	if a == nil || a.db == nil {
		return nil
	}
	a.StopSync() // what a running sync committed stays; it resumes next start
	a.auditMu.Lock()
	if a.tillDet != nil {
		a.tillDet.Close()
		a.tillDet = nil
	}
	a.auditMu.Unlock()
	a.precheckMu.Lock()
	if a.precheck != nil {
		a.precheck.Close()
		a.precheck = nil
	}
	a.precheckMu.Unlock()
	return errors.Join(a.db.Close())
}
