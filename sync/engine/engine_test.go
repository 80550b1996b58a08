package engine

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/sync/demofeed"
)

// until is the last day the test feeds serve: fixed, so every run sees the
// same data.
var until = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

type harness struct {
	t    *testing.T
	hits *hitLog
	feed *demofeed.Server
	srv  *httptest.Server
	db   *localdb.DB
	dir  string
	logs *syncBuffer
	log  *slog.Logger
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var clipDir = filepath.Join(os.TempDir(), "storelens-engine-test-clips")

func newHarness(t *testing.T, cfg demofeed.Config) *harness {
	t.Helper()
	if cfg.Until.IsZero() {
		cfg.Until = until
	}
	cfg.Logf = func(string, ...any) {}
	fs, err := demofeed.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hl := &hitLog{}
	srv := httptest.NewServer(hl.wrap(fs))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logs := &syncBuffer{}
	return &harness{t: t, hits: hl, feed: fs, srv: srv, db: db, dir: dir, logs: logs,
		log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

func (h *harness) engine(mod func(*Config)) *Engine {
	h.t.Helper()
	cfg := Config{FeedURL: h.srv.URL, Token: "demo", DB: h.db, Logger: h.log, MaxRetryWait: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// hit is one request the test feed received and how it was answered.
type hit struct {
	method, path string
	header       http.Header
	status       int  // status sent, 0 if none
	aborted      bool // the connection was dropped
}

// hitLog records every request to the feed; after, when set, runs once a
// request is answered.
type hitLog struct {
	mu    sync.Mutex
	hits  []hit
	after func(h hit)
	// stall, when > 0, makes the next clip download send that many bytes
	// and then nothing until the client gives up.
	stall int64
}

type stallWriter struct {
	http.ResponseWriter
	left int64
	done <-chan struct{}
}

func (w *stallWriter) Write(b []byte) (int, error) {
	if int64(len(b)) > w.left {
		n, _ := w.ResponseWriter.Write(b[:w.left])
		w.ResponseWriter.(http.Flusher).Flush()
		<-w.done
		return n, http.ErrAbortHandler
	}
	w.left -= int64(len(b))
	return w.ResponseWriter.Write(b)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(c int) {
	if w.status == 0 {
		w.status = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (l *hitLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		if l.stall > 0 && strings.HasPrefix(r.URL.Path, "/v1/recordings/") {
			w = &stallWriter{ResponseWriter: w, left: l.stall, done: r.Context().Done()}
			l.stall = 0
		}
		l.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			h := hit{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), status: sw.status, aborted: p != nil}
			l.mu.Lock()
			l.hits = append(l.hits, h)
			after := l.after
			l.mu.Unlock()
			if after != nil {
				after(h)
			}
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

func (l *hitLog) to(prefix string) []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []hit
	for _, h := range l.hits {
		if strings.HasPrefix(h.path, prefix) {
			out = append(out, h)
		}
	}
	return out
}

func (l *hitLog) reset() {
	l.mu.Lock()
	l.hits = nil
	l.mu.Unlock()
}

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }
