package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"storelens/localdb/localdbtest"
	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

func waitState(t *testing.T, ch <-chan SyncState, ok func(SyncState) bool) SyncState {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatal("the sync state never reached what was expected")
		}
	}
}

func TestBackgroundSyncRunsOnStartOnDemandAndAsksToSignIn(t *testing.T) {
	keyring.MockInit()
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir(), SyncCollections: []string{feed.CollRegions, feed.CollStores, feed.CollCameras}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer a.StopSync()
	states := make(chan SyncState, 1024)
	a.OnSyncState(func(s SyncState) { states <- s })

	if _, err := a.SignIn(ctx, srv.URL, "demo"); err != nil {
		t.Fatal(err)
	}
	a.StartSync(ctx)
	s := waitState(t, states, func(s SyncState) bool { return !s.Running && !s.LastSync.IsZero() })
	if s.Err != "" {
		t.Fatalf("first background sync: %s", s.Err)
	}
	var stores int
	localdbtest.Conn(t, a.DB()).QueryRow(`SELECT count(*) FROM stores`).Scan(&stores)
	if stores != 120 {
		t.Errorf("%d stores after the background sync", stores)
	}

	// A stale token: the next run, asked for now, says to sign in again.
	if _, err := a.SignIn(ctx, srv.URL, "expired"); err != nil {
		t.Fatal(err)
	}
	s = waitState(t, states, func(s SyncState) bool { return !s.Running && s.Err != "" })
	if !strings.Contains(s.Err, "sign in again") || strings.Contains(s.Err, "expired") {
		t.Errorf("state error %q: want a sign-in request without the token", s.Err)
	}
}

func TestDemoFeedServesOnLoopbackWithTheDemoToken(t *testing.T) {
	url, stop, err := startDemoFeed(context.Background(), t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("demo feed at %s, want loopback", url)
	}
	req, _ := http.NewRequest("GET", url+feed.CollectionPath(feed.CollRegions), nil)
	req.Header.Set("Authorization", "Bearer "+DemoToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("demo feed answered %d to the demo token", resp.StatusCode)
	}
}
