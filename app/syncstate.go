package app

import (
	"storelens/app/i18n"
	"sync"
	"time"
)

// SyncState is what the window's status area shows about synchronisation.
type SyncState struct {
	Running  bool
	Phase    string    // collection or step being worked on, e.g. "count_buckets"
	Done     int64     // items done in this run
	Total    int64     // items expected, 0 when unknown
	Bytes    int64     // bytes received in this run
	LastSync time.Time // end of the last complete run, zero if never
	Err      string    // the last run's error in plain words (English), "" if none
	// ErrText is Err as catalogue phrases, for the window to show in the
	// manager's language; empty when the error has no phrases.
	ErrText i18n.Text
	// ErrKind sorts Err: signin, offline, config, storage, rejected,
	// cancelled or other ("" when the run succeeded or Err is a warning).
	ErrKind string
	Offline bool // the feed could not be reached
	// NextTry is when the background sync runs next (sooner after a run
	// that ended offline); zero before the first run ends.
	NextTry time.Time
	// Retry, Retries and RetryWhy say that a page is being read again after
	// it broke off (engine.Progress); zero otherwise.
	Retry, Retries int
	RetryWhy       string
}

// Fraction is the progress in [0,1], or -1 when the total is unknown.
func (s SyncState) Fraction() float64 {
	if s.Total <= 0 {
		return -1
	}
	return min(1, float64(s.Done)/float64(s.Total))
}

// syncStatus fans the sync state out to observers. Observers run on the
// goroutine that changed the state: UI observers must hop to the UI thread.
type syncStatus struct {
	mu        sync.Mutex
	state     SyncState
	next      int
	observers map[int]func(SyncState)
}

func (s *syncStatus) set(fn func(*SyncState)) {
	s.mu.Lock()
	fn(&s.state)
	st := s.state
	obs := make([]func(SyncState), 0, len(s.observers))
	for _, o := range s.observers {
		obs = append(obs, o)
	}
	s.mu.Unlock()
	for _, o := range obs {
		o(st)
	}
}

// SyncState returns the current synchronisation state.
func (a *App) SyncState() SyncState {
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	return a.sync.state
}

// OnSyncState registers fn to be called with every change of the sync
// state, from whichever goroutine made the change, and once right away.
// The returned function removes fn; a screen that is rebuilt (a language
// switch) calls it so the old screen stops listening.
func (a *App) OnSyncState(fn func(SyncState)) (remove func()) {
	a.sync.mu.Lock()
	if a.sync.observers == nil {
		a.sync.observers = map[int]func(SyncState){}
	}
	id := a.sync.next
	a.sync.next++
	a.sync.observers[id] = fn
	st := a.sync.state
	a.sync.mu.Unlock()
	fn(st)
	return func() {
		a.sync.mu.Lock()
		delete(a.sync.observers, id)
		a.sync.mu.Unlock()
	}
}

// UpdateSyncState changes the sync state and notifies the observers.
func (a *App) UpdateSyncState(fn func(*SyncState)) { a.sync.set(fn) }
