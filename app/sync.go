package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"storelens/app/i18n"
	"storelens/sync/demofeed"
	"storelens/sync/engine"
)

// Settings keys of the sync service.
const (
	// SettingFeedURL is the HQ feed address the manager entered.
	SettingFeedURL = "sync.feed_url"
	// SettingSyncMinutes is the pause between background syncs (default 15).
	SettingSyncMinutes = "sync.interval_minutes"
)

// DefaultSyncInterval is the pause between background syncs.
const DefaultSyncInterval = 15 * time.Minute

// syncService runs the engine in the background: once on start, then on a
// timer and whenever SyncNow asks. One run at a time.
type syncService struct {
	a       *App
	tokens  *engine.Tokens
	trigger chan struct{}
	stop    context.CancelFunc
	done    chan struct{}

	mu        sync.Mutex
	eng       *engine.Engine
	feedURL   string
	feedName  string
	runCancel context.CancelFunc
	demoStop  func()
	demoPast  []demofeed.PastTask // recorded after the first sync that brings their stores
}

func newSyncService(a *App) *syncService {
	return &syncService{a: a, tokens: engine.NewTokens(a.log), trigger: make(chan struct{}, 1)}
}

func (a *App) syncSvc() *syncService { return a.syncer }

// StartSync starts the background sync: with Config.Demo it first starts
// the built-in demo chain on loopback (token "demo"); otherwise it uses
// Config.FeedURL, else the address saved in Settings, with the token from
// the OS keyring. It returns at once; progress and errors arrive through
// OnSyncState. Call StopSync before Close.
func (a *App) StartSync(ctx context.Context) {
	s := a.syncSvc()
	s.mu.Lock()
	if s.done != nil {
		s.mu.Unlock()
		return
	}
	ctx, s.stop = context.WithCancel(ctx)
	s.done = make(chan struct{})
	s.mu.Unlock()
	a.db.ResetOpenRecordings(ctx)
	a.loadLastSync(ctx)
	go s.loop(ctx)
}

// StopSync cancels a running sync and stops the timer (and the demo
// chain); what the run committed stays. It waits until the sync has ended.
func (a *App) StopSync() {
	s := a.syncSvc()
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-done
	s.mu.Lock()
	if s.demoStop != nil {
		s.demoStop()
		s.demoStop = nil
	}
	s.stop, s.done, s.eng = nil, nil, nil
	s.mu.Unlock()
}

// SyncNow asks the background sync to run now (or right after the run in
// progress). It never blocks.
func (a *App) SyncNow() {
	select {
	case a.syncSvc().trigger <- struct{}{}:
	default:
	}
}

// CancelSync stops the run in progress, if any; the next timer or SyncNow
// continues where it stopped.
func (a *App) CancelSync() {
	s := a.syncSvc()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runCancel != nil {
		s.runCancel()
	}
}

// SignIn asks HQ whether it accepts token at feedURL and, only when it
// does, saves the address in Settings and the token in the OS keyring (or,
// without a keyring, in memory until the app closes), then syncs.
// persistent reports whether the token survives a restart. A token HQ
// refuses, or a feed that cannot be reached, changes nothing: the error says
// which (errors.Is engine.ErrSignIn or engine.ErrOffline).
func (a *App) SignIn(ctx context.Context, feedURL, token string) (persistent bool, err error) {
	probe, err := engine.New(engine.Config{FeedURL: feedURL, Token: token, DB: a.db, PageLimit: 1, Retries: 1, Logger: a.log})
	if err != nil {
		return false, err
	}
	if err := probe.Check(ctx); err != nil {
		return false, err
	}
	if err := a.db.SetSetting(ctx, SettingFeedURL, feedURL); err != nil {
		return false, fmt.Errorf("save the feed address: %w", err)
	}
	s := a.syncSvc()
	persistent = s.tokens.Set(probe.FeedName(), token)
	s.mu.Lock()
	s.eng = nil // rebuilt with the new address and token
	s.mu.Unlock()
	a.SyncNow()
	return persistent, nil
}

// DownloadRecording makes a clip of the index available locally (from the
// cache, or downloaded, resuming a broken transfer) and returns its path.
func (a *App) DownloadRecording(ctx context.Context, remoteID string) (string, error) {
	e, err := a.syncSvc().engine(ctx)
	if err != nil {
		return "", err
	}
	return e.Download(ctx, remoteID)
}

// engine returns the engine for the configured feed, building it when the
// configuration changed.
func (s *syncService) engine(ctx context.Context) (*engine.Engine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eng != nil {
		return s.eng, nil
	}
	a := s.a
	cfg, err := a.engineConfig(ctx, s, "", "")
	if err != nil {
		return nil, err
	}
	cfg.Progress = a.onProgress
	e, err := engine.New(cfg)
	if err != nil {
		return nil, err
	}
	s.eng, s.feedName = e, e.FeedName()
	return e, nil
}

// engineConfig is the one place a sync engine's configuration is decided,
// for the window's background sync and the headless one alike. The feed is,
// in order: feedURL, the demo chain (Config.Demo, started on first use),
// Config.FeedURL, the address saved in Settings. The token is token, else the
// demo's, else the one kept for that feed in the keyring. s.mu is held.
func (a *App) engineConfig(ctx context.Context, s *syncService, feedURL, token string) (engine.Config, error) {
	url, name := feedURL, ""
	if url == "" && a.cfg.Demo {
		if s.demoStop == nil {
			u, past, stop, err := startDemoFeed(ctx, a.cfg.DataDir, a.log)
			if err != nil {
				return engine.Config{}, err
			}
			s.feedURL, s.demoStop, s.demoPast = u, stop, past
		}
		url, name = s.feedURL, DemoFeedName
		if token == "" {
			token = DemoToken
		}
	}
	if url == "" {
		url = a.cfg.FeedURL
	}
	if token == "" && url == a.cfg.FeedURL {
		token = a.cfg.Token
	}
	if url == "" {
		v, _, err := a.db.Setting(ctx, SettingFeedURL)
		if err != nil {
			return engine.Config{}, err
		}
		url = v
	}
	if url == "" {
		return engine.Config{}, &engine.Error{Kind: engine.ErrConfig, What: i18n.Say("sync.what.no_feed"), Action: i18n.Say("sync.do.enter_feed")}
	}
	if token == "" {
		probe, err := engine.New(engine.Config{FeedURL: url, Token: "-", DB: a.db})
		if err != nil {
			return engine.Config{}, err
		}
		t, err := s.tokens.Get(probe.FeedName())
		if err != nil {
			return engine.Config{}, &engine.Error{Kind: engine.ErrSignIn, What: i18n.Say("sync.what.signed_out", "Feed", probe.FeedName()), Action: i18n.Say("sync.do.sign_in_settings")}
		}
		token = t
	}
	return engine.Config{FeedURL: url, Token: token, DB: a.db, FeedName: name, Logger: a.log,
		Collections: a.cfg.SyncCollections, PageLimit: a.cfg.SyncPageLimit}, nil
}

// SyncOnceRequest is one headless sync.
type SyncOnceRequest struct {
	// FeedURL and Token override the configured feed and the kept token.
	FeedURL, Token string
	// Collections limits the run to these collections, in this order; nil
	// reads them all. PageLimit asks HQ for pages of at most that many items.
	Collections []string
	PageLimit   int
	// Progress receives the engine's progress, one call at a time.
	Progress func(engine.Progress)
}

// SyncOnce runs one sync in the caller's goroutine and returns what it did:
// the headless `storelens sync`. It is built exactly as the window's
// background sync is, and must not run beside StartSync.
func (a *App) SyncOnce(ctx context.Context, req SyncOnceRequest) (engine.Summary, error) {
	s := a.syncSvc()
	s.mu.Lock()
	cfg, err := a.engineConfig(ctx, s, req.FeedURL, req.Token)
	s.mu.Unlock()
	if err != nil {
		return engine.Summary{}, err
	}
	if req.Collections != nil {
		cfg.Collections = req.Collections
	}
	if req.PageLimit > 0 {
		cfg.PageLimit = req.PageLimit
	}
	cfg.Progress = req.Progress
	e, err := engine.New(cfg)
	if err != nil {
		return engine.Summary{}, err
	}
	defer func() {
		s.mu.Lock()
		if s.demoStop != nil {
			s.demoStop()
			s.demoStop = nil
		}
		s.mu.Unlock()
	}()
	return e.Run(ctx)
}

func (s *syncService) loop(ctx context.Context) {
	defer close(s.done)
	var prefetch sync.WaitGroup
	defer prefetch.Wait() // the fetch behind the sync ends with it
	failures := 0
	var prefetching atomic.Bool
	for {
		offline := s.runOnce(ctx)
		s.mu.Lock()
		past := s.demoPast
		s.mu.Unlock()
		if !offline && len(past) > 0 {
			s.a.recordDemoHistory(ctx, past)
		}
		if !offline && prefetching.CompareAndSwap(false, true) {
			// The flagged hours' footage, fetched behind the sync.
			prefetch.Add(1)
			go func() {
				defer prefetch.Done()
				defer prefetching.Store(false)
				s.a.prefetchFlagged(ctx)
			}()
		}
		wait := s.interval(ctx)
		// A run that ended on the network tries again sooner than the
		// regular interval: 30 s, 1, 2, 4 … minutes, never later than it.
		if offline {
			wait = min(wait, offlineRetry(failures))
			failures++
		} else {
			failures = 0
		}
		next := time.Now().Add(wait)
		s.a.UpdateSyncState(func(st *SyncState) { st.NextTry = next })
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.trigger:
			t.Stop()
		case <-t.C:
		}
	}
}

func (s *syncService) interval(ctx context.Context) time.Duration {
	v, ok, err := s.a.db.Setting(ctx, SettingSyncMinutes)
	if err != nil || !ok {
		return DefaultSyncInterval
	}
	m, err := strconv.Atoi(v)
	if err != nil || m < 1 {
		return DefaultSyncInterval
	}
	return time.Duration(m) * time.Minute
}

// offlineRetry is the wait after the n-th run in a row that ended offline.
func offlineRetry(n int) time.Duration {
	return min(30*time.Second<<min(n, 10), DefaultSyncInterval)
}

// runOnce runs one sync and reports whether it ended because HQ could not
// be reached.
func (s *syncService) runOnce(ctx context.Context) (offline bool) {
	a := s.a
	a.UpdateSyncState(func(st *SyncState) {
		st.Running, st.Phase, st.Done, st.Total, st.Bytes, st.Err, st.ErrKind, st.Offline = true, "", 0, 0, 0, "", "", false
	})
	e, err := s.engine(ctx)
	var sum engine.Summary
	if err == nil {
		rctx, cancel := context.WithCancel(ctx)
		s.mu.Lock()
		s.runCancel = cancel
		s.mu.Unlock()
		sum, err = e.Run(rctx)
		cancel()
		s.mu.Lock()
		s.runCancel = nil
		s.mu.Unlock()
	}
	if err != nil {
		a.log.Warn("sync failed", "error", err.Error())
	} else {
		a.log.Info("sync finished", "rows", sum.Rows, "bytes", sum.Bytes, "took", sum.Duration.Round(time.Millisecond), "pushed", sum.Pushed)
	}
	offline = errors.Is(err, engine.ErrOffline)
	a.UpdateSyncState(func(st *SyncState) {
		st.Running = false
		st.Phase = ""
		st.Retry, st.Retries, st.RetryWhy = 0, 0, ""
		if err == nil {
			st.LastSync = time.Now()
			st.Err, st.ErrText = "", nil
			if len(sum.Warnings) > 0 {
				st.Err = sum.Warnings[0]
			}
			return
		}
		st.Err = err.Error()
		st.ErrText = nil
		var ee *engine.Error
		if errors.As(err, &ee) {
			st.ErrText = ee.Text()
		}
		st.Offline = errors.Is(err, engine.ErrOffline)
		st.ErrKind = syncErrKind(err)
	})
	return offline
}

// SyncErrorText is a sync or sign-in failure as catalogue phrases, for a
// person in either language; nil when err is not one (show err.Error()).
func SyncErrorText(err error) i18n.Text {
	var ee *engine.Error
	if errors.As(err, &ee) {
		return ee.Text()
	}
	return nil
}

// syncErrKind sorts a failed run for the status bar, which names the kind
// in the UI's language before the detail.
func syncErrKind(err error) string {
	switch {
	case errors.Is(err, engine.ErrSignIn):
		return "signin"
	case errors.Is(err, engine.ErrOffline):
		return "offline"
	case errors.Is(err, engine.ErrConfig):
		return "config"
	case errors.Is(err, engine.ErrStorage):
		return "storage"
	case errors.Is(err, engine.ErrRejected):
		return "rejected"
	case errors.Is(err, engine.ErrCancelled):
		return "cancelled"
	}
	return "other"
}

// onProgress turns the engine's progress into the status bar's state.
func (a *App) onProgress(p engine.Progress) {
	if p.Phase == engine.PhaseDownload || p.Phase == engine.PhaseExport {
		a.fetchMu.Lock()
		fn := a.fetching[p.Collection]
		a.fetchMu.Unlock()
		if fn != nil {
			f := p.Fraction
			if p.Phase == engine.PhaseExport {
				f = -1
			}
			fn(f)
		}
	}
	a.UpdateSyncState(func(st *SyncState) {
		if (p.Phase == engine.PhaseDownload || p.Phase == engine.PhaseExport) && !st.Running {
			// A clip a screen asked for outside a sync run: that screen
			// shows its progress; the sync bar is about syncs.
			return
		}
		st.Running = p.Phase != engine.PhaseDone
		switch p.Phase {
		case engine.PhasePull:
			if p.Retry > 0 {
				// A page is being read again: say so, keep the counts.
				st.Phase, st.Retry, st.Retries, st.RetryWhy = p.Collection, p.Retry, p.Retries, p.RetryWhy
				return
			}
			st.Retry, st.Retries, st.RetryWhy = 0, 0, ""
			st.Phase, st.Done, st.Bytes, st.Total = p.Collection, p.RunItems, p.RunBytes, 0
			if p.Fraction > 0.01 {
				st.Total = int64(float64(p.RunItems) / p.Fraction)
			}
		case engine.PhaseRollups:
			// Stores whose hourly and daily figures are refreshed.
			st.Phase, st.Done, st.Total = "rollups", p.Items, 0
			if p.Fraction > 0 {
				st.Total = int64(float64(p.Items)/p.Fraction + 0.5)
			}
		case engine.PhaseDownload, engine.PhaseExport:
			// The clip being fetched: no item count to show.
			st.Phase, st.Done, st.Total = "recordings", 0, 0
		case engine.PhasePush:
			st.Phase, st.Done, st.Total = "outbox", int64(p.Index), int64(p.Of)
		}
	})
}

// loadLastSync shows the end of the last complete read as "Last sync".
func (a *App) loadLastSync(ctx context.Context) {
	if last, err := a.db.LastCompleteSync(ctx); err == nil && !last.IsZero() {
		a.UpdateSyncState(func(st *SyncState) { st.LastSync = last })
	}
}
