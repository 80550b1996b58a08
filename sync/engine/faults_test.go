package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

var small = []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff}

func TestBusyFeedIsRetriedThenSyncs(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), Status: http.StatusServiceUnavailable, Times: 3, RetryAfter: "0"})
	e := h.engine(func(c *Config) { c.Collections = small })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatalf("sync after three 503s: %v", err)
	}
	if got := len(h.hits.to(feed.CollectionPath(feed.CollStores))); got != 4 {
		t.Errorf("stores were requested %d times, want 3 failures + 1 success", got)
	}
	if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`); n != 120 {
		t.Errorf("%d stores stored, want 120", n)
	}
}

func TestHugeRetryAfterIsCappedAndCancellable(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	// A day-long Retry-After is waited for at most MaxRetryWait.
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), Status: http.StatusTooManyRequests, RetryAfter: "86400"})
	e := h.engine(func(c *Config) { c.Collections = small; c.MaxRetryWait = 500 * time.Millisecond })
	t0 := time.Now()
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatalf("sync after a 429: %v", err)
	}
	if el := time.Since(t0); el > time.Minute {
		t.Errorf("sync waited %v after a 429 with Retry-After one day; the wait should be capped at 0.5 s", el)
	}

	// With a long cap, cancelling the run ends the wait at once.
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollRegions), Status: http.StatusTooManyRequests, RetryAfter: "86400"})
	local := h.db
	if err := local.ResetFeedCursors(context.Background(), e.FeedName()); err != nil {
		t.Fatal(err)
	}
	e2 := h.engine(func(c *Config) { c.Collections = small; c.MaxRetryWait = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	t0 = time.Now()
	_, err := e2.Run(ctx)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("cancelled run returned %v, want ErrCancelled", err)
	}
	if el := time.Since(t0); el > 30*time.Second {
		t.Errorf("cancel took %v to end a Retry-After wait", el)
	}
}

func TestFinalAnswersAreNotRetried(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   error
		words  string
	}{
		{http.StatusBadRequest, ErrRejected, "refused"},
		{http.StatusUnauthorized, ErrSignIn, "sign in again"},
		{http.StatusNotImplemented, ErrRejected, "does not offer"},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			h := newHarness(t, demofeed.Config{})
			h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), Status: tc.status, Times: 5})
			e := h.engine(func(c *Config) { c.Collections = small })
			_, err := e.Run(context.Background())
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want kind %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), "stores") || !strings.Contains(err.Error(), tc.words) {
				t.Errorf("error %q should name the collection and say %q", err, tc.words)
			}
			if got := len(h.hits.to(feed.CollectionPath(feed.CollStores))); got != 1 {
				t.Errorf("a %d was requested %d times; it must not be retried", tc.status, got)
			}
		})
	}
	// A wrong token is the real 401.
	h := newHarness(t, demofeed.Config{})
	e := h.engine(func(c *Config) { c.Collections = small; c.Token = "s3cret-wrong-token" })
	_, err := e.Run(context.Background())
	if !errors.Is(err, ErrSignIn) || !strings.Contains(err.Error(), "sign in again") {
		t.Fatalf("wrong token: err = %v", err)
	}
	if n := len(h.hits.to("/")); n != 1 {
		t.Errorf("a 401 was requested %d times", n)
	}
}

func TestTokenNeverLoggedNorInErrors(t *testing.T) {
	const token = "tok-9f8e7d6c5b4a"
	h := newHarness(t, demofeed.Config{Token: token})
	// Failures of every kind, each logged by the retrying client.
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), Status: http.StatusServiceUnavailable, Times: 2, RetryAfter: "0"})
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollCameras), DropReply: true})
	e := h.engine(func(c *Config) { c.Collections = small; c.Token = token; c.PageRetries = 1 })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollRegions), Status: http.StatusServiceUnavailable, Times: 200, RetryAfter: "0"})
	h.db.ResetFeedCursors(context.Background(), e.FeedName())
	_, err := e.Run(context.Background())
	if err == nil {
		t.Fatal("a feed failing every retry should fail the sync")
	}
	e2 := h.engine(func(c *Config) { c.Collections = small; c.Token = token + "-stale" })
	_, err2 := e2.Run(context.Background())
	logs := h.logs.String()
	if !strings.Contains(logs, "retrying") && !strings.Contains(logs, "request failed") {
		t.Fatalf("the retrying client logged nothing; the test would prove nothing:\n%s", logs)
	}
	for _, s := range []string{logs, err.Error(), err2.Error()} {
		if strings.Contains(s, token) {
			t.Errorf("the token leaked into %q", s)
		}
	}
}

// A page that breaks off once is read again within the run; one that
// arrives cut short at the same byte every time, or malformed, is HQ's
// feed sending bad data: the run ends, nothing of the page is stored, the
// cursor stays, and what earlier pages stored stays.
func TestBrokenPagesAreRetriedOrRejectedWhole(t *testing.T) {
	for _, c := range []struct {
		name   string
		fault  demofeed.Fault
		finish bool
		want   []string
	}{
		{"short body once", demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), TruncateBody: true}, true, nil},
		{"short body every time", demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), TruncateBody: true, Times: 99}, false,
			[]string{"sync of stores", "cut short at the same byte", "nothing of that page was stored"}},
		{"malformed JSON", demofeed.Fault{PathPrefix: feed.CollectionPath(feed.CollStores), MalformedJSON: true}, false,
			[]string{"sync of stores", "could not be read", "nothing of that page was stored"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, demofeed.Config{})
			h.feed.Inject(c.fault)
			var retries []Progress
			e := h.engine(func(cfg *Config) {
				cfg.Collections = small
				cfg.Retries = 1
				cfg.PageRetries = 3
				cfg.MaxRetryWait = 50 * time.Millisecond
				cfg.Progress = func(p Progress) {
					if p.Retry > 0 {
						retries = append(retries, p)
					}
				}
			})
			_, err := e.Run(context.Background())
			if c.finish {
				if err != nil {
					t.Fatalf("a page cut short once ended the run: %v", err)
				}
				if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`); n != 120 {
					t.Errorf("%d stores after the page was read again, want 120", n)
				}
				if len(retries) != 1 || retries[0].RetryWhy != breakCut || retries[0].Collection != feed.CollStores || retries[0].Retries != 3 {
					t.Errorf("progress during the retry: %+v; want one retry of stores after a page cut short", retries)
				}
				return
			}
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("err = %v; want HQ's feed named as sending bad data", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err %q does not say %q", err, w)
				}
			}
			if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`); n != 0 {
				t.Errorf("%d stores of the broken page were stored", n)
			}
			if cur, _, _ := h.db.FeedCursor(context.Background(), e.FeedName(), feed.CollStores); cur != "" {
				t.Errorf("the cursor moved past a rejected page")
			}
			if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM regions`); n != 1 {
				t.Errorf("the region stored before the broken page is gone (%d)", n)
			}
			h.feed.ClearFaults()
			if _, err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`); n != 120 {
				t.Errorf("%d stores after the next run, want 120", n)
			}
		})
	}
}

func TestLostReplyIsRetriedWithTheSameKey(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	e := h.engine(func(c *Config) { c.Collections = small })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	task, err := h.db.CreateCorrectiveTask(context.Background(), localdb.CorrectiveTask{StoreID: 7, Title: "门口迎宾不到位",
		Body: "10:41–11:15 店员在门口玩手机", KPI: "entry_rate", CreatedBy: "区域经理"})
	if err != nil {
		t.Fatal(err)
	}
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.PathCorrectiveTasks, DropReply: true})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	posts := h.hits.to(feed.PathCorrectiveTasks)
	if len(posts) != 2 {
		t.Fatalf("%d POSTs, want the lost one and its retry", len(posts))
	}
	if k0, k1 := posts[0].header.Get(feed.HeaderIdempotencyKey), posts[1].header.Get(feed.HeaderIdempotencyKey); k0 != task.ID || k1 != task.ID {
		t.Errorf("idempotency keys %q, %q; want both %q", k0, k1, task.ID)
	}
	if got := h.feed.CorrectiveTasks(); len(got) != 1 || got[task.ID].Title != task.Title {
		t.Errorf("HQ holds %d tasks (%v), want exactly ours", len(got), got)
	}
	if sum.Pushed != 1 {
		t.Errorf("pushed %d", sum.Pushed)
	}
	if n, _ := h.db.PendingPushCount(context.Background()); n != 0 {
		t.Errorf("%d pushes still pending after HQ acknowledged", n)
	}
}

func TestCursorExpiredResyncsAndKeepsTheOutbox(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	colls := append(append([]string{}, small...), feed.CollWeather, feed.CollTaskStatus)
	now := time.Now()
	e := h.engine(func(c *Config) { c.Collections = colls; c.Now = func() time.Time { return now } })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM weather`)
	task, err := h.db.CreateCorrectiveTask(context.Background(), localdb.CorrectiveTask{StoreID: 3, Title: "橱窗陈列更新", CreatedBy: "m"})
	if err != nil {
		t.Fatal(err)
	}
	// HQ drops a staff member and rebuilds its data; for now it refuses
	// the push: it stays queued.
	staff := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff`)
	h.feed.Delete(feed.CollStaff, "101")
	h.feed.Rotate()
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.PathCorrectiveTasks, Status: http.StatusBadRequest})
	h.hits.reset()
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatalf("run after 410: %v", err)
	}
	if !sum.Resynced {
		t.Error("the run did not report the full re-read")
	}
	if n := len(h.hits.to(feed.CollectionPath(feed.CollRegions))); n != 2 {
		t.Errorf("regions read %d times, want the expired read and the fresh one", n)
	}
	if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff`); n != staff-1 || count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff WHERE id = 101`) != 0 {
		t.Errorf("%d staff after the re-read, want %d: the one HQ dropped (no tombstone after a 410) should be gone", n, staff-1)
	}
	if got := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM weather`); got != before {
		t.Errorf("weather rows %d after the re-read, want %d (no duplicates, none lost)", got, before)
	}
	if n, _ := h.db.PendingPushCount(context.Background()); n != 1 {
		t.Fatalf("outbox holds %d pushes after the resync, want the unsent task", n)
	}
	// An hour later HQ takes it.
	now = now.Add(2 * time.Hour)
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.feed.CorrectiveTasks()[task.ID]; !ok {
		t.Error("the task kept through the resync never reached HQ")
	}
}

func TestDiskFullKeepsWhatWasStored(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	e := h.engine(func(c *Config) { c.Collections = small })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	stores := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`)
	// The disk fills up after the page's rows are written, before its
	// commit: the store says so the way localdb maps SQLite's SQLITE_FULL
	// (tested in localdb against a real size limit).
	e2 := h.engine(func(c *Config) { c.Collections = []string{feed.CollWeather}; c.DB = fullDisk{c.DB} })
	_, err := e2.Run(context.Background())
	if !errors.Is(err, ErrStorage) || !strings.Contains(err.Error(), "disk is full") || !strings.Contains(err.Error(), "weather") {
		t.Fatalf("err = %v; want a disk-full error naming weather", err)
	}
	if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM weather`); n != 0 {
		t.Errorf("%d weather rows of the failed page were kept", n)
	}
	var ok string
	localdbtest.Conn(t, h.db).QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if ok != "ok" || count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`) != stores {
		t.Errorf("after disk full: integrity %q, stores changed", ok)
	}
}

func TestReadOnlyDataDirIsAClearError(t *testing.T) {
	if _, err := exec.LookPath("chattr"); err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and chattr to make a folder read-only for root")
	}
	h := newHarness(t, demofeed.Config{})
	e := h.engine(func(c *Config) { c.Collections = small })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(h.dir, "*"))
	args := append([]string{"+i", h.dir}, files...)
	if out, err := exec.Command("chattr", args...).CombinedOutput(); err != nil {
		t.Skipf("chattr: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", append([]string{"-i", h.dir}, files...)...).Run() })
	e2 := h.engine(func(c *Config) { c.Collections = []string{feed.CollWeather} })
	_, err := e2.Run(context.Background())
	if !errors.Is(err, ErrStorage) || !strings.Contains(err.Error(), "weather") {
		t.Fatalf("err = %v; want a storage error naming weather", err)
	}
	t.Logf("read-only data folder: %v", err)
	exec.Command("chattr", append([]string{"-i", h.dir}, files...)...).Run()
	var ok string
	localdbtest.Conn(t, h.db).QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if ok != "ok" || count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM stores`) != 120 {
		t.Errorf("after the read-only folder: integrity %q", ok)
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.ReplaceAll(fmtInt(n), " ", "")) }

func TestRollupsAreSettledBesideLaterPulls(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	var phases []string
	e := h.engine(func(c *Config) {
		c.Collections = []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff, feed.CollShifts, feed.CollWeather, feed.CollAlerts}
		c.Progress = func(p Progress) { phases = append(phases, p.Phase) }
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := h.db.RollupBacklog(context.Background()); n != 0 {
		t.Errorf("%d stores still owe rollups after the run", n)
	}
	var staffed int64
	localdbtest.Conn(t, h.db).QueryRow(`SELECT count(*) FROM store_hourly WHERE staff > 0`).Scan(&staffed)
	if staffed == 0 {
		t.Error("no hour of the rollups counts staff on shift")
	}
	if !strings.Contains(strings.Join(phases, " "), PhaseRollups) {
		t.Error("the rollup refresh was never reported")
	}
}

func TestBusyPushEndpointDoesNotStopThePull(t *testing.T) {
	h := newHarness(t, demofeed.Config{})
	now := time.Now()
	e := h.engine(func(c *Config) { c.Collections = small; c.Retries = 1; c.Now = func() time.Time { return now } })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	task, err := h.db.CreateCorrectiveTask(context.Background(), localdb.CorrectiveTask{StoreID: 9, Title: "试衣间排队", CreatedBy: "m"})
	if err != nil {
		t.Fatal(err)
	}
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.PathCorrectiveTasks, Status: http.StatusServiceUnavailable, Times: 2, RetryAfter: "0"})
	h.feed.Delete(feed.CollStaff, "101")
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatalf("a busy push endpoint failed the whole sync: %v", err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "tasks and verdicts") || !strings.Contains(sum.Warnings[0], "stays queued") {
		t.Errorf("warnings %q; want one about the queued push", sum.Warnings)
	}
	if n := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff WHERE id = 101`); n != 0 {
		t.Error("the pull did not run: the staff member HQ deleted is still here")
	}
	now = now.Add(2 * time.Minute)
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.feed.CorrectiveTasks()[task.ID]; !ok {
		t.Error("the queued task never reached HQ")
	}
}

// fullDisk is the local store on a disk that fills up during a page: the
// page's rows are written, then the commit cannot be made.
type fullDisk struct{ Store }

func (d fullDisk) ApplyFeedPage(ctx context.Context, feedName, coll, next string, complete bool, fn func(p *localdb.FeedPage) error) (int, error) {
	return d.Store.ApplyFeedPage(ctx, feedName, coll, next, complete, func(p *localdb.FeedPage) error {
		if err := fn(p); err != nil {
			return err
		}
		return fmt.Errorf("%w: free some space or move the data directory (--data-dir): database or disk is full", localdb.ErrDiskFull)
	})
}
