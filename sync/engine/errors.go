package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"storelens/localdb"
)

// Kinds of sync failure; test them with errors.Is(err, engine.ErrSignIn).
var (
	// ErrSignIn: HQ did not accept the token (401) or there is none.
	ErrSignIn = errors.New("sign-in needed")
	// ErrOffline: HQ could not be reached, or stayed busy through every retry.
	ErrOffline = errors.New("feed unreachable")
	// ErrRejected: HQ sent something unusable (cut short, malformed JSON,
	// impossible values) or refused the request as malformed; nothing of it
	// was stored.
	ErrRejected = errors.New("rejected")
	// ErrStorage: the local store could not be written (disk full,
	// read-only data folder).
	ErrStorage = errors.New("local store not writable")
	// ErrCancelled: the run was cancelled; what was committed stays.
	ErrCancelled = errors.New("cancelled")
	// ErrConfig: the feed address or a setting is unusable.
	ErrConfig = errors.New("configuration")
)

// errCursorExpired is HQ's 410: every collection is read again.
var errCursorExpired = errors.New("cursor expired")

// Error is a sync failure a person can act on: which collection (or
// recording, or push), what happened, and what to do next. It never
// carries the token or a URL's query.
type Error struct {
	Kind       error  // one of the Err* kinds above
	Collection string // collection, "outbox" or "recording <id>"; "" for the run
	What       string // what happened, in plain words
	Action     string // what to do next
	Err        error  // the underlying error, already scrubbed
}

// Error reads "sync of counts: HQ sent a page that was cut short …; sync again".
func (e *Error) Error() string {
	s := "sync"
	if e.Collection != "" {
		s += " of " + e.Collection
	}
	s += ": " + e.What
	if e.Action != "" {
		s += "; " + e.Action
	}
	return s
}

// Is matches the error's Kind.
func (e *Error) Is(target error) bool { return e.Kind == target }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

type scrubbedError struct{ msg string }

func (s scrubbedError) Error() string { return s.msg }

func (e *Engine) wrapTransport(coll string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if errors.Is(err, context.DeadlineExceeded) {
			return &Error{Kind: ErrOffline, Collection: coll, What: "HQ took too long to answer",
				Action: "check the network and sync again", Err: scrubbedError{scrub(err.Error(), e.secrets())}}
		}
		return &Error{Kind: ErrCancelled, Collection: coll, What: "stopped before the end; what was received so far is kept",
			Action: "sync again to continue where it stopped", Err: context.Canceled}
	}
	return &Error{Kind: ErrOffline, Collection: coll,
		What:   "HQ's feed at " + e.base.Host + " could not be reached (" + scrub(rootCause(err), e.secrets()) + ")",
		Action: "check the network or VPN and sync again; everything already synced stays available offline",
		Err:    scrubbedError{scrub(err.Error(), e.secrets())}}
}

func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// statusError turns a non-2xx answer into an *Error; the body must be unread.
func (e *Engine) statusError(coll string, resp *http.Response) error {
	fe := e.readErrorBody(resp)
	hq := ""
	if fe != nil {
		hq = ": " + fe.Message
	}
	code := fmt.Sprintf("HTTP %d", resp.StatusCode)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return &Error{Kind: ErrSignIn, Collection: coll, What: "HQ did not accept the sign-in token (" + code + ")",
			Action: "sign in again in Settings (or set STORELENS_TOKEN for the command line)"}
	case http.StatusGone:
		return errCursorExpired
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusInternalServerError:
		return &Error{Kind: ErrOffline, Collection: coll, What: fmt.Sprintf("HQ stayed busy or failing through %d tries (%s%s)", e.cfg.Retries+1, code, hq),
			Action: "sync again later; everything already synced stays available offline"}
	case http.StatusNotImplemented:
		return &Error{Kind: ErrRejected, Collection: coll, What: "HQ does not offer this (" + code + hq + ")",
			Action: "ask HQ whether its feed supports it, or update StoreLens"}
	case http.StatusNotFound:
		return &Error{Kind: ErrRejected, Collection: coll, What: "HQ has no such thing (" + code + hq + ")",
			Action: "check the feed address in Settings: it should end before /v1"}
	default:
		return &Error{Kind: ErrRejected, Collection: coll, What: "HQ refused the request (" + code + hq + ")",
			Action: "this needs a fix in StoreLens or at HQ; report it with this message"}
	}
}

func storageError(coll string, err error) error {
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Kind: ErrCancelled, Collection: coll, What: "stopped before the end; what was received so far is kept",
			Action: "sync again to continue where it stopped", Err: err}
	case errors.Is(err, localdb.ErrDiskFull):
		return &Error{Kind: ErrStorage, Collection: coll, What: "the disk is full; the page being stored was not kept and nothing stored before was damaged",
			Action: "free some disk space (or move the data folder with --data-dir) and sync again", Err: err}
	case errors.Is(err, localdb.ErrReadOnlyDir):
		return &Error{Kind: ErrStorage, Collection: coll, What: "the data folder cannot be written; nothing was changed",
			Action: "make the data folder writable or choose another with --data-dir, then sync again", Err: err}
	case strings.Contains(err.Error(), "disk I/O error") || strings.Contains(err.Error(), "readonly") ||
		strings.Contains(err.Error(), "not permitted") || strings.Contains(err.Error(), "permission denied"):
		return &Error{Kind: ErrStorage, Collection: coll, What: "the data folder could not be written (" + err.Error() + "); the page was not kept and nothing stored before was damaged",
			Action: "make the data folder writable (or choose another with --data-dir) and check the disk, then sync again", Err: err}
	case errors.Is(err, localdb.ErrConstraint):
		return &Error{Kind: ErrRejected, Collection: coll, What: "HQ sent rows that contradict what is stored (" + err.Error() + "); that page was not kept",
			Action: "sync again; if it repeats, report it to HQ", Err: err}
	}
	// What is left is an item the local store cannot take (a bucket outside
	// its day, an unknown time zone, …): HQ's data, not the disk.
	return &Error{Kind: ErrRejected, Collection: coll, What: "HQ sent an item that cannot be stored (" + err.Error() + "); that page was not kept",
		Action: "sync again; if it repeats, report it to HQ", Err: err}
}

func rejectedPage(coll, what string, err error) error {
	return &Error{Kind: ErrRejected, Collection: coll, What: what + "; nothing of that page was stored",
		Action: "sync again; if it repeats, HQ's feed is sending bad data: report it", Err: err}
}
