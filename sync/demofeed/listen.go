package demofeed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// DefaultClipDir is where the demo feed caches its clips when the caller
// names no folder: the per-user cache folder, so they are cut only once.
func DefaultClipDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "storelens-demo-clips")
	}
	return filepath.Join(d, "storelens", "demo-clips")
}

// Running is a demo feed serving on a listener.
type Running struct {
	*Server
	// URL is the feed's base URL, e.g. http://127.0.0.1:43117.
	URL  string
	http *http.Server
	done chan error
}

// Listen builds the demo chain and serves it on addr ("127.0.0.1:0" picks a
// free loopback port) until ctx ends or Close is called. This is what
// `storelens --demo` starts in-process.
func Listen(ctx context.Context, cfg Config, addr string) (*Running, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo feed: cannot listen on %s: %w (pick another port)", addr, err)
	}
	r := &Running{Server: s, URL: "http://" + ln.Addr().String(), done: make(chan error, 1),
		http: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		err := r.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		r.done <- err
	}()
	go func() {
		<-ctx.Done()
		r.Close()
	}()
	return r, nil
}

// Close stops serving, letting requests in flight finish for up to 5 s.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.http.Shutdown(ctx)
}

// Wait blocks until the server stops and returns why.
func (r *Running) Wait() error { return <-r.done }
