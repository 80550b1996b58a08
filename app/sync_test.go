package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/sync/demofeed"
	"storelens/sync/engine"
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

	// A token HQ refuses is not "signed in": the sign-in fails saying so,
	// without the token, and the token that works stays in use.
	_, err = a.SignIn(ctx, srv.URL, "expired")
	if !errors.Is(err, engine.ErrSignIn) || !strings.Contains(err.Error(), "sign in again") || strings.Contains(err.Error(), "expired") {
		t.Fatalf("signing in with a refused token: %v; want a sign-in refusal without the token", err)
	}
	first := s.LastSync
	a.SyncNow()
	s = waitState(t, states, func(s SyncState) bool { return !s.Running && s.LastSync.After(first) })
	if s.Err != "" {
		t.Errorf("after a refused sign-in the working token was lost: %s", s.Err)
	}

	// A feed that cannot be reached is not "signed in" either.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	if _, err := a.SignIn(ctx, dead.URL, "demo"); !errors.Is(err, engine.ErrOffline) {
		t.Errorf("signing in to a feed that is down: %v, want the feed named unreachable", err)
	}
	if got := a.FeedURL(ctx); got != srv.URL {
		t.Errorf("a failed sign-in changed the saved feed to %q", got)
	}

	// A stale token: the token is revoked at HQ after signing in; the next
	// run says to sign in again.
	fs.Inject(demofeed.Fault{PathPrefix: feed.PathCollections, Status: http.StatusUnauthorized, Times: 100})
	a.SyncNow()
	s = waitState(t, states, func(s SyncState) bool { return !s.Running && s.Err != "" })
	if !strings.Contains(s.Err, "sign in again") {
		t.Errorf("state error %q: want a sign-in request", s.Err)
	}
}

func TestDemoFeedServesOnLoopbackWithTheDemoToken(t *testing.T) {
	url, past, stop, err := startDemoFeed(context.Background(), t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// The demo's history: one task done months ago, verified, so its effect can be measured.
	if len(past) != 1 || past[0].Steps[len(past[0].Steps)-1].Status != "verified" || past[0].Steps[3].Status != "done" ||
		time.Since(past[0].Steps[3].At) < 60*24*time.Hour {
		t.Errorf("demo history %+v", past)
	}
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

// The demo chain keeps its stores apart from the chain's own: by default it
// lives in a folder of its own inside the per-user data folder.
func TestTheDemoChainKeepsItsDataApart(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", home)
	for _, c := range []struct {
		demo bool
		want string
	}{{false, filepath.Join(home, "storelens")}, {true, filepath.Join(home, "storelens", "demo")}} {
		a, err := New(context.Background(), Config{Demo: c.demo})
		if err != nil {
			t.Fatal(err)
		}
		got := a.Config().DataDir
		a.Close()
		if got != c.want {
			t.Errorf("demo=%v keeps its data in %s, want %s", c.demo, got, c.want)
		}
		if _, err := os.Stat(filepath.Join(got, localdb.FileName)); err != nil {
			t.Errorf("demo=%v: no database in %s: %v", c.demo, got, err)
		}
	}
}
