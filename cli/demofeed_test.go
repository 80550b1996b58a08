package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"storelens/app"
	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestDemoFeedServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runDemoFeed(ctx, Env{Stdout: &out, Stderr: &errOut},
			[]string{"--listen", "127.0.0.1:0", "--seed", "9", "--until", "2026-11-26", "--clips", ""})
	}()
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		base = strings.TrimSpace(out.String())
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		cancel()
		t.Fatalf("no URL printed; stderr: %s", errOut.String())
	}
	req, _ := http.NewRequest("GET", base+feed.CollectionPath(feed.CollStores), nil)
	req.Header.Set("Authorization", "Bearer demo")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var pg feed.Page[feed.Store]
	json.NewDecoder(resp.Body).Decode(&pg)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(pg.Items) < 100 || pg.Items[0].Name != "武汉群光店" {
		t.Errorf("stores: %d, %d items", resp.StatusCode, len(pg.Items))
	}
	if !strings.Contains(errOut.String(), "2026-11-26") {
		t.Errorf("the banner does not say up to when it serves: %s", errOut.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo-feed ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo-feed did not stop when cancelled")
	}
}

func TestDemoFeedRejectsABadDate(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runDemoFeed(context.Background(), Env{Stdout: &out, Stderr: &errOut}, []string{"--until", "26/11/2026", "--clips", ""})
	if err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad --until: %v", err)
	}
}

// The window's --demo and `demo-feed` with its defaults serve the same
// chain: the same counts for the same stores, so a manager trying one and
// an analyst the other see the same flagged stores.
func TestDemoFeedDefaultsServeTheWindowsDemoChain(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runDemoFeed(ctx, Env{Stdout: &out, Stderr: &errOut}, []string{"--listen", "127.0.0.1:0", "--clips", ""})
	}()
	var base string
	for i := 0; i < 400 && base == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		base = strings.TrimSpace(out.String())
	}
	if base == "" {
		t.Fatalf("no URL printed; stderr: %s", errOut.String())
	}
	win, err := demofeed.New(app.DemoChain("", func(string, ...any) {}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(win)
	defer srv.Close()
	items := func(base, coll string) string {
		req, _ := http.NewRequest("GET", base+feed.CollectionPath(coll)+"?limit=500", nil)
		req.Header.Set("Authorization", "Bearer "+app.DemoToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var pg struct{ Items json.RawMessage }
		if err := json.NewDecoder(resp.Body).Decode(&pg); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s from %s: %d %v", coll, base, resp.StatusCode, err)
		}
		return string(pg.Items)
	}
	for _, coll := range []string{feed.CollStores, feed.CollCounts, feed.CollAlerts} {
		a, b := items(base, coll), items(srv.URL, coll)
		if a != b || len(a) < 1000 {
			t.Errorf("%s: demo-feed serves %d bytes, the window's demo %d, and they differ", coll, len(a), len(b))
		}
	}
	cancel()
	<-done
}
