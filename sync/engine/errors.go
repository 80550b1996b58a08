package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"storelens/app/i18n"
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
	Kind       error     // one of the Err* kinds above
	Collection string    // collection, "outbox" or "recording <id>"; "" for the run
	What       i18n.Text // what happened, in plain words
	Action     i18n.Text // what to do next
	Err        error     // the underlying error, already scrubbed
}

// Text is the whole message as catalogue phrases, for a person in either
// language: "sync of counts: HQ's page arrived cut short …; sync again".
func (e *Error) Text() i18n.Text {
	var t i18n.Text
	if e.Collection != "" {
		// A collection is named as the status bar names it.
		var coll any = e.Collection
		if k := "sync.phase." + e.Collection; i18n.Default().Has(i18n.English, k) {
			coll = i18n.Label(k)
		}
		t = i18n.Say("sync.err.in", "Coll", coll, "What", e.What)
	} else {
		t = i18n.Say("sync.err.run", "What", e.What)
	}
	if len(e.Action) > 0 {
		t = t.And("sync.err.next", "Action", e.Action)
	}
	return t
}

// Error is the message in English, for logs and the command line's -v.
func (e *Error) Error() string { return e.Text().In(i18n.English) }

// Is matches the error's Kind.
func (e *Error) Is(target error) bool { return e.Kind == target }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

type scrubbedError struct{ msg string }

func (s scrubbedError) Error() string { return s.msg }

func (e *Engine) wrapTransport(coll string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if errors.Is(err, context.DeadlineExceeded) {
			return &Error{Kind: ErrOffline, Collection: coll, What: say("what.slow"), Action: say("do.network"), Err: scrubbedError{scrub(err.Error(), e.secrets())}}
		}
		return &Error{Kind: ErrCancelled, Collection: coll, What: say("what.stopped"), Action: say("do.continue"), Err: context.Canceled}
	}
	return &Error{Kind: ErrOffline, Collection: coll,
		What:   say("what.unreachable", "Host", e.base.Host, "Cause", scrub(rootCause(err), e.secrets())),
		Action: say("do.offline"),
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
		return &Error{Kind: ErrSignIn, Collection: coll, What: say("what.token_refused", "Code", code), Action: say("do.sign_in_again")}
	case http.StatusGone:
		return errCursorExpired
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusInternalServerError:
		return &Error{Kind: ErrOffline, Collection: coll, What: say("what.busy", "Tries", e.cfg.Retries+1, "Code", code, "HQ", hq), Action: say("do.later")}
	case http.StatusNotImplemented:
		return &Error{Kind: ErrRejected, Collection: coll, What: say("what.not_offered", "Code", code, "HQ", hq), Action: say("do.ask_or_update")}
	case http.StatusNotFound:
		return &Error{Kind: ErrRejected, Collection: coll, What: say("what.no_such", "Code", code, "HQ", hq), Action: say("do.check_url")}
	default:
		return &Error{Kind: ErrRejected, Collection: coll, What: say("what.refused", "Code", code, "HQ", hq), Action: say("do.report")}
	}
}

func storageError(coll string, err error) error {
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Kind: ErrCancelled, Collection: coll, What: say("what.stopped"), Action: say("do.continue"), Err: err}
	case errors.Is(err, localdb.ErrDiskFull):
		return &Error{Kind: ErrStorage, Collection: coll, What: say("what.disk_full"), Action: say("do.free_space"), Err: err}
	case errors.Is(err, localdb.ErrReadOnlyDir):
		return &Error{Kind: ErrStorage, Collection: coll, What: say("what.read_only"), Action: say("do.writable"), Err: err}
	case strings.Contains(err.Error(), "disk I/O error") || strings.Contains(err.Error(), "readonly") ||
		strings.Contains(err.Error(), "not permitted") || strings.Contains(err.Error(), "permission denied"):
		return &Error{Kind: ErrStorage, Collection: coll, What: say("what.write_failed", "Detail", err.Error()), Action: say("do.writable_check"), Err: err}
	case errors.Is(err, localdb.ErrConstraint):
		return &Error{Kind: ErrRejected, Collection: coll, What: say("what.contradict", "Detail", err.Error()), Action: say("do.report_hq"), Err: err}
	}
	// What is left is an item the local store cannot take (a bucket outside
	// its day, an unknown time zone, …): HQ's data, not the disk.
	return &Error{Kind: ErrRejected, Collection: coll, What: say("what.unstorable", "Detail", err.Error()), Action: say("do.report_hq"), Err: err}
}

func rejectedPage(coll string, what i18n.Text, err error) error {
	return &Error{Kind: ErrRejected, Collection: coll, What: say("what.page_bad", "What", what), Action: say("do.bad_feed"), Err: err}
}

// say is a sentence of the sync's part of the catalogue ("sync.<key>").
func say(key string, kv ...any) i18n.Text { return i18n.Say("sync."+key, kv...) }

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
