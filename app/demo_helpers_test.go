package app

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"storelens/assets/assetstest"
	"storelens/sync/demofeed"
)

// syncedDemo serves the demo chain up to until, with its footage cut into
// the test's folder, on loopback, and returns an App synced with the
// collections from it; both are closed when the test ends.
func syncedDemo(t *testing.T, until time.Time, collections ...string) *App {
	t.Helper()
	fs, err := demofeed.New(demofeed.Config{Until: until, ClipDir: filepath.Join(t.TempDir(), "clips"),
		Footage: assetstest.Footage(t, "vtest.avi"), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir(), FeedURL: srv.URL, Token: "demo", SyncCollections: collections})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.SyncOnce(ctx, SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	return a
}
