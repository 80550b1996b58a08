package app

import (
	"context"
	"testing"
	"time"
)

func TestSyncWithoutFeedSaysWhatToSetUp(t *testing.T) {
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	got := make(chan SyncState, 16)
	a.OnSyncState(func(s SyncState) {
		if !s.Running && s.Err != "" {
			select {
			case got <- s:
			default:
			}
		}
	})
	a.StartSync(ctx)
	select {
	case s := <-got:
		if s.ErrKind != "config" || s.Offline {
			t.Errorf("no feed set: kind %q offline=%v (%s), want a configuration problem", s.ErrKind, s.Offline, s.Err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the sync never reported that no feed is set")
	}
}

// A removed listener hears no more changes; the others still do.
func TestSyncStateListenerCanBeRemoved(t *testing.T) {
	a := &App{}
	var kept, removed int
	a.OnSyncState(func(SyncState) { kept++ })
	stop := a.OnSyncState(func(SyncState) { removed++ })
	a.UpdateSyncState(func(s *SyncState) { s.Phase = "stores" })
	stop()
	a.UpdateSyncState(func(s *SyncState) { s.Phase = "counts" })
	if kept != 3 || removed != 2 {
		t.Errorf("kept listener called %d times (want 3: once on registering, twice on changes), removed one %d (want 2)", kept, removed)
	}
}

// After runs that end offline the background sync tries again sooner than
// its interval, backing off, never later than the interval.
func TestOfflineRetriesBackOffWithinTheInterval(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, DefaultSyncInterval, DefaultSyncInterval}
	for n, w := range want {
		if got := offlineRetry(n); got != w {
			t.Errorf("after %d offline runs: wait %v, want %v", n+1, got, w)
		}
	}
}
