// Package engine is StoreLens's sync engine: it pulls every collection of
// the HQ feed (package feed) into the local store page by page, pushes what
// the manager created (corrective tasks, status changes, inspection
// verdicts) from the outbox exactly once as HQ sees it, and downloads
// footage clips into a size-capped cache.
//
// Every page commits together with its cursor (localdb.ApplyFeedPage), so a
// run that is cancelled, crashes or is killed continues where it stopped and
// never stores a page twice. The bearer token travels only in the
// Authorization header; it never appears in a URL, a log line or an error.
// The engine knows nothing of windows: progress leaves through a callback.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"storelens/sync/feed"
)

// Settings keys the engine reads from the local settings table.
const (
	// SettingReceiptWindowDays is how many days of individual receipts to
	// keep (default feed.DefaultReceiptWindowDays); older ones are pruned,
	// the hourly summaries keep the whole history.
	SettingReceiptWindowDays = "sync.receipt_window_days"
	// SettingCacheMaxBytes caps the footage cache (default DefaultCacheMaxBytes).
	SettingCacheMaxBytes = "recordings.cache_max_bytes"
	// SettingPrefetchClips is how many of the newest clips a run downloads
	// ahead of being asked (default DefaultPrefetchClips; 0 turns it off).
	SettingPrefetchClips = "recordings.prefetch"
)

// Defaults of the settings above.
const (
	DefaultCacheMaxBytes = 2 << 30
	DefaultPrefetchClips = 12
)

// Config is what an Engine needs. DB and FeedURL are required.
type Config struct {
	// FeedURL is HQ's base URL, up to (not including) /v1.
	FeedURL string
	// Token is the bearer token; it is only ever sent in the Authorization
	// header to the feed's own host.
	Token string
	// DB is the local store the engine writes.
	DB Store
	// FeedName names the feed's cursors in the local store; "" uses the
	// feed URL's scheme, host and path. The built-in demo passes "demo" so
	// its random port does not make every start a first sync.
	FeedName string
	// CacheDir holds downloaded clips; "" is "recordings" beside the database.
	CacheDir string
	// HTTPClient is the underlying client (tests); nil builds one.
	HTTPClient *http.Client
	// Logger receives diagnostics, scrubbed of the token; nil is slog.Default.
	Logger *slog.Logger
	// Retries is how often a failing request is retried (default 5).
	Retries int
	// MaxRetryWait caps every wait between retries, whatever Retry-After
	// asks (default 30 s).
	MaxRetryWait time.Duration
	// PageTimeout bounds one page request including its body (default 2 min).
	PageTimeout time.Duration
	// PageRetries is how often a page that broke off on the way (connection
	// dropped, body cut short, stalled, HQ busy past the quick retries) is
	// read again within the run before the run ends (default 8).
	PageRetries int
	// StallTimeout is how long a page's body may deliver nothing before
	// the read is abandoned and the page read again (default 30 s).
	StallTimeout time.Duration
	// Collections limits a run to these collections, in this order; nil is
	// feed.Collections.
	Collections []string
	// PageLimit asks HQ for at most this many items per page; 0 asks for
	// the collection's largest page (fewer, larger transactions).
	PageLimit int
	// Progress, when set, is called after every page, push, rollup and
	// download step, one call at a time, from the sync's goroutines.
	Progress func(Progress)
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

// Engine runs syncs against one feed. Run may be called again after it
// returns; two concurrent Runs of one Engine wait for each other.
type Engine struct {
	cfg    Config
	base   *url.URL
	feed   string
	http   *retryablehttp.Client
	log    *slog.Logger
	runMu  sync.Mutex
	emitMu sync.Mutex
	prog   progressState

	clipMu    sync.Mutex
	clipLocks map[string]*clipLock
}

// New checks cfg and prepares an engine; it does not touch the network.
func New(cfg Config) (*Engine, error) {
	if cfg.DB == nil {
		return nil, errors.New("sync: no local store given")
	}
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(cfg.FeedURL), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Kind: ErrConfig, What: say("what.bad_url", "URL", fmt.Sprintf("%q", scrub(cfg.FeedURL, []string{cfg.Token}))),
			Action: say("do.enter_url")}
	}
	if u.User != nil || u.RawQuery != "" {
		return nil, &Error{Kind: ErrConfig, What: say("what.url_userinfo"), Action: say("do.url_alone")}
	}
	if cfg.Token == "" {
		return nil, &Error{Kind: ErrSignIn, What: say("what.no_token", "Host", u.Host), Action: say("do.sign_in")}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Retries == 0 {
		cfg.Retries = 5
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	if cfg.PageTimeout <= 0 {
		cfg.PageTimeout = 2 * time.Minute
	}
	if cfg.PageRetries == 0 {
		cfg.PageRetries = 8
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = 30 * time.Second
	}
	if cfg.Collections == nil {
		cfg.Collections = feed.Collections
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	name := cfg.FeedName
	if name == "" {
		name = u.Scheme + "://" + u.Host + u.Path
	}
	e := &Engine{cfg: cfg, base: u, feed: name, log: cfg.Logger}
	e.http = newHTTPClient(cfg.HTTPClient, cfg.Retries, cfg.MaxRetryWait, cfg.Logger, cfg.Token)
	return e, nil
}

// FeedName is the name under which this feed's cursors are stored.
func (e *Engine) FeedName() string { return e.feed }

// Check asks HQ for the first item of the store list with the token and
// stores nothing: nil when HQ answered and accepted the token, else an
// *Error (ErrSignIn when HQ refused the token, ErrOffline when it could not
// be reached). Sign-in calls it so that "signed in" means HQ said yes.
func (e *Engine) Check(ctx context.Context) error {
	_, err := e.fetchPage(ctx, feed.CollStores, "", 0)
	var pb *pageBreak
	if errors.As(err, &pb) {
		return pb.err
	}
	return err
}

// Summary is what one run did.
type Summary struct {
	// Collections has one entry per collection read, in reading order.
	Collections []CollectionStats
	Rows        int64 // rows stored
	Bytes       int64 // bytes received for pages (compressed as sent)
	Pushed      int   // pushes HQ acknowledged
	Downloaded  int   // clips downloaded (or completed)
	Resynced    bool  // HQ expired the cursors and everything was read again
	Duration    time.Duration
	// Warnings are failures that did not stop the run (a push HQ refused,
	// a clip that failed its checksum), in plain words.
	Warnings []string
}

// CollectionStats is one collection's part of a run.
type CollectionStats struct {
	Name  string
	Pages int
	Rows  int64
	Bytes int64
	Took  time.Duration
	// Skipped counts items left out because they point at a region, store
	// or camera the laptop does not hold; SkipNotes names a few of them.
	Skipped   int64
	SkipNotes []string
}

// Run performs one sync: pushes the outbox, reads every collection to its
// end, then downloads the newest clips up to the cache's cap. It stops at
// the first failure that would make the rest pointless (signed out,
// offline, disk full, cancelled) and returns an *Error saying which
// collection, what happened and what to do. Everything committed before the
// failure stays.
func (e *Engine) Run(ctx context.Context) (Summary, error) {
	// The run goes on a goroutine of its own: a caller on a goroutine locked
	// to its OS thread (the GUI toolkit locks the main one, and the CLI runs
	// there) would otherwise hand every database call's wake-up between OS
	// threads, which cost a first sync a third more CPU.
	type result struct {
		sum Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := e.run(ctx)
		done <- result{sum, err}
	}()
	r := <-done
	return r.sum, r.err
}

func (e *Engine) run(ctx context.Context) (sum Summary, err error) {
	e.runMu.Lock()
	defer e.runMu.Unlock()
	start := e.cfg.Now()
	e.prog.reset(len(e.cfg.Collections))
	defer func() { sum.Duration = e.cfg.Now().Sub(start) }()

	n, warn, err := e.pushOutbox(ctx)
	sum.Pushed += n
	sum.Warnings = append(sum.Warnings, warn...)
	// HQ's push endpoint failing is no reason not to read what is new; a
	// feed that is down altogether fails the pull below anyway.
	pushErr := err
	if err != nil && !errors.Is(err, ErrOffline) {
		return sum, err
	}
	for attempt := 0; ; attempt++ {
		err := e.pullAll(ctx, &sum)
		if errors.Is(err, errCursorExpired) && attempt == 0 {
			e.log.Info("feed cursors expired; reading every collection again", "feed", scrub(e.feed, nil))
			if err := e.cfg.DB.ResetFeedCursors(ctx, e.feed); err != nil {
				return sum, storageError("", err)
			}
			sum.Resynced = true
			sum.Collections = nil
			e.prog.reset(len(e.cfg.Collections))
			continue
		}
		if errors.Is(err, errCursorExpired) {
			return sum, &Error{Kind: ErrRejected, What: say("what.cursors_again"), Action: say("do.later_support")}
		}
		if err != nil {
			return sum, err
		}
		break
	}
	if err := e.settleRollups(ctx, false); err != nil {
		return sum, err
	}
	// Fold the write-ahead log back into the database so a big first sync
	// does not leave hundreds of megabytes of WAL behind.
	if err := e.cfg.DB.Checkpoint(ctx); err != nil {
		e.log.Debug("checkpoint after sync", "error", err.Error())
	}
	// Pushes made while the pull ran go out now.
	n, warn, err = e.pushOutbox(ctx)
	sum.Pushed += n
	sum.Warnings = append(sum.Warnings, warn...)
	if err != nil {
		return sum, err
	}
	if pushErr != nil {
		sum.Warnings = append(sum.Warnings, pushErr.Error()+" (what you created stays queued and goes with the next sync)")
	}
	d, warn, err := e.prefetchClips(ctx)
	sum.Downloaded += d
	sum.Warnings = append(sum.Warnings, warn...)
	if err != nil {
		return sum, err
	}
	e.emit(Progress{Phase: PhaseDone, Done: true})
	return sum, nil
}

// rollupHeavy are the collections whose pages fill the rollup backlog with
// long spans; once the last of them is read, the backlog is settled while
// the remaining collections are fetched.
var rollupHeavy = map[string]bool{feed.CollShifts: true, feed.CollCounts: true, feed.CollPOSHourly: true}

func (e *Engine) pullAll(ctx context.Context, sum *Summary) (err error) {
	last := -1
	for i, coll := range e.cfg.Collections {
		if rollupHeavy[coll] {
			last = i
		}
	}
	// Settling runs beside the later pulls: the two share the one writer
	// connection transaction by transaction, while the later collections'
	// downloading and decoding use the other core.
	var settled chan error
	defer func() {
		if settled != nil {
			if serr := <-settled; err == nil {
				err = serr
			}
		}
	}()
	for i, coll := range e.cfg.Collections {
		st, err := e.pull(ctx, i, coll)
		sum.Rows += st.Rows
		sum.Bytes += st.Bytes
		if err != nil {
			return err
		}
		sum.Collections = append(sum.Collections, st)
		if st.Skipped > 0 {
			sum.Warnings = append(sum.Warnings, fmt.Sprintf("%s: %d items were left out because they point at a store or camera HQ's feed no longer lists (%s); "+
				"the rest is stored. Tell HQ's support that the feed lists items of a store or camera it removed", coll, st.Skipped, strings.Join(st.SkipNotes, "; ")))
		}
		if i == last && i < len(e.cfg.Collections)-1 {
			settled = make(chan error, 1)
			go func() { settled <- e.settleRollups(ctx, true) }()
		}
	}
	return nil
}

// resolve turns a path or URL from the feed into an absolute URL on the
// feed; sameHost says whether the token may go there.
func (e *Engine) resolve(ref string) (u *url.URL, sameHost bool, err error) {
	r, err := url.Parse(ref)
	if err != nil {
		return nil, false, err
	}
	if r.IsAbs() {
		return r, r.Scheme == e.base.Scheme && r.Host == e.base.Host, nil
	}
	out := *e.base
	out.Path = strings.TrimRight(e.base.Path, "/") + "/" + strings.TrimLeft(r.Path, "/")
	out.RawQuery = r.RawQuery
	return &out, true, nil
}

func (e *Engine) newRequest(ctx context.Context, method string, u *url.URL, body any, sameHost bool) (*retryablehttp.Request, error) {
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if sameHost {
		req.Header.Set("Authorization", "Bearer "+e.cfg.Token)
	}
	req.Header.Set("User-Agent", "StoreLens-sync")
	return req, nil
}

// readErrorBody reads HQ's Error body, if any, with the token scrubbed.
func (e *Engine) readErrorBody(resp *http.Response) *feed.Error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	var fe feed.Error
	if err := jsonUnmarshal(b, &fe); err != nil || fe.Message == "" {
		return nil
	}
	fe.Message = scrub(fe.Message, []string{e.cfg.Token})
	fe.Action = scrub(fe.Action, []string{e.cfg.Token})
	return &fe
}

func (e *Engine) secrets() []string { return []string{e.cfg.Token} }
