package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	stdsync "sync"
	"time"

	"storelens/app/i18n"
)

// Why a page broke off on the way: a page is an idempotent read, so each
// of these is read again within the run instead of ending it.
const (
	breakDropped = "dropped" // the connection broke during the body
	breakCut     = "cut"     // the body ended before its announced length
	breakStalled = "stalled" // no byte arrived for StallTimeout
	breakBusy    = "busy"    // HQ answered busy or failing through every quick retry
)

// pageBreak is a page that broke off on the way; err is what the run
// reports if it keeps breaking.
type pageBreak struct {
	why string
	at  int64 // body bytes received before the break
	err error
}

func (b *pageBreak) Error() string { return b.err.Error() }
func (b *pageBreak) Unwrap() error { return b.err }

// fetchPageRetrying reads a page, reading it again after a break with
// capped, jittered back-off, PageRetries times at most. What earlier pages
// stored stays whatever happens. A break that persists ends the run with
// what it was: the network (dropped, stalled, busy) or, when the body ends
// at the same byte every time on a connection that otherwise works, HQ's
// feed sending a page cut short.
func (e *Engine) fetchPageRetrying(ctx context.Context, idx int, coll, cursor string, window int) (*decodedPage, error) {
	var cuts []int64
	for attempt := 0; ; attempt++ {
		pg, err := e.fetchPage(ctx, coll, cursor, window)
		if err == nil {
			return pg, nil
		}
		why, at := breakOf(err)
		if why == "" || ctx.Err() != nil {
			return nil, unwrapBreak(err)
		}
		if why == breakCut {
			cuts = append(cuts, at)
		}
		if attempt >= e.cfg.PageRetries {
			return nil, e.persistentBreak(coll, why, cuts, attempt+1, unwrapBreak(err))
		}
		wait := e.retryWait(attempt)
		e.log.Debug("page broke off; reading it again", "collection", coll, "why", why, "attempt", attempt+1, "of", e.cfg.PageRetries, "wait", wait)
		e.emit(Progress{Phase: PhasePull, Collection: coll, Index: idx + 1, Retry: attempt + 1, Retries: e.cfg.PageRetries, RetryWhy: why,
			Fraction: -1})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, e.wrapTransport(coll, ctx.Err())
		case <-t.C:
		}
	}
}

// breakOf says why err broke a page off ("" when it is no break: a refusal,
// bad data, a full disk), and how far the body had come.
func breakOf(err error) (string, int64) {
	var b *pageBreak
	if errors.As(err, &b) {
		return b.why, b.at
	}
	// HQ busy or failing past the quick retries, or slow to answer: worth
	// another read. HQ not reachable at all is not: the laptop is offline,
	// and the run says so at once.
	var se *Error
	if errors.As(err, &se) && se.Kind == ErrOffline && (se.What.Has("sync.what.busy") || se.What.Has("sync.what.slow")) {
		return breakBusy, 0
	}
	return "", 0
}

func unwrapBreak(err error) error {
	var b *pageBreak
	if errors.As(err, &b) {
		return b.err
	}
	return err
}

// persistentBreak is the error of a page that kept breaking off.
func (e *Engine) persistentBreak(coll, why string, cuts []int64, tries int, last error) error {
	if why == breakCut && len(cuts) >= 2 && sameAll(cuts) {
		return &Error{Kind: ErrRejected, Collection: coll, What: say("what.cut_same", "Tries", tries, "At", cuts[0]),
			Action: say("do.bad_feed"), Err: last}
	}
	var se *Error
	if errors.As(last, &se) {
		out := *se
		out.Kind = ErrOffline
		out.What = say("what.kept_breaking", "Tries", tries, "Why", i18n.Label("sync.break."+why), "Last", se.What)
		out.Action = say("do.later")
		return &out
	}
	return last
}

func sameAll(v []int64) bool {
	for _, x := range v[1:] {
		if x != v[0] {
			return false
		}
	}
	return true
}

// retryWait is the back-off before reading a page again: doubling from
// half a second, capped at MaxRetryWait, with up to half of it as jitter so
// laptops behind one hotel gateway do not retry in step.
func (e *Engine) retryWait(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt, 10)
	d = min(d, e.cfg.MaxRetryWait)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// idleWatch calls cancel when no byte has arrived for a while.
type idleWatch struct {
	mu     stdsync.Mutex
	t      *time.Timer
	idle   time.Duration
	expire bool
}

func newIdleWatch(idle time.Duration, cancel context.CancelFunc) *idleWatch {
	w := &idleWatch{idle: idle}
	w.t = time.AfterFunc(idle, func() {
		w.mu.Lock()
		w.expire = true
		w.mu.Unlock()
		cancel()
	})
	return w
}

func (w *idleWatch) alive() { w.t.Reset(w.idle) }

func (w *idleWatch) stop() { w.t.Stop() }

func (w *idleWatch) fired() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.expire
}
