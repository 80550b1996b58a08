package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

// clipHarness syncs the recordings index of a demo feed that has clips, with
// prefetching off so each test decides what is downloaded.
func clipHarness(t *testing.T) (*harness, *Engine, []localdb.CachedRecording) {
	t.Helper()
	h := newHarness(t, demofeed.Config{ClipDir: clipDir})
	if err := h.db.SetSetting(context.Background(), SettingPrefetchClips, "0"); err != nil {
		t.Fatal(err)
	}
	e := h.engine(func(c *Config) {
		c.Collections = []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollRecordings}
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	recs, err := h.db.RecordingsToPrefetch(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 4 {
		t.Skipf("the demo feed serves %d clips (needs ffmpeg and the sample footage)", len(recs))
	}
	return h, e, recs
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestDownloadCutAtARandomByteResumes(t *testing.T) {
	h, e, recs := clipHarness(t)
	rec := recs[0]
	cut := 1 + rand.Int64N(rec.Size-1)
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.PathRecordings, CutAfterBytes: cut})
	h.hits.reset()
	path, err := e.Download(context.Background(), rec.RemoteID)
	if err != nil {
		t.Fatalf("download cut after %d of %d bytes: %v", cut, rec.Size, err)
	}
	if got := fileSHA(t, path); got != rec.SHA256 {
		t.Fatalf("downloaded clip SHA-256 %s, index says %s", got, rec.SHA256)
	}
	hits := h.hits.to(feed.PathRecordings)
	if len(hits) != 2 {
		t.Fatalf("%d requests, want the cut one and its continuation", len(hits))
	}
	if r := hits[1].header.Get("Range"); r != "bytes="+strconv.FormatInt(cut, 10)+"-" || hits[1].header.Get("If-Range") == "" || hits[1].status != 206 {
		t.Errorf("continuation asked Range %q If-Range %q and got %d; want bytes=%d- with the ETag, answered 206",
			r, hits[1].header.Get("If-Range"), hits[1].status, cut)
	}
	if hits[0].header.Get("Accept-Encoding") != "identity" {
		t.Errorf("download asked Accept-Encoding %q, want identity", hits[0].header.Get("Accept-Encoding"))
	}
	st, _ := h.db.RecordingByRemoteID(context.Background(), rec.RemoteID)
	if st.State != "ready" || st.LocalPath != path {
		t.Errorf("index says %s at %q", st.State, st.LocalPath)
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Error("the .part file is still there")
	}
}

func TestDownloadRestartsWhenTheClipChangesMidResume(t *testing.T) {
	h, e, recs := clipHarness(t)
	rec := recs[1]
	cut := rec.Size / 3
	h.feed.Inject(demofeed.Fault{PathPrefix: feed.PathRecordings, CutAfterBytes: cut})
	h.hits.reset()
	// HQ re-exports the clip right after the transfer broke.
	h.hits.mu.Lock()
	h.hits.after = func(x hit) {
		if x.aborted && strings.HasPrefix(x.path, feed.PathRecordings) {
			h.feed.ReplaceRecording(rec.RemoteID)
		}
	}
	h.hits.mu.Unlock()
	path, err := e.Download(context.Background(), rec.RemoteID)
	hits := h.hits.to(feed.PathRecordings)
	if len(hits) < 2 || hits[1].header.Get("If-Range") == "" || hits[1].status != 200 {
		t.Fatalf("after the ETag changed the continuation should be answered with the whole new clip (200); hits %+v", hits)
	}
	if err == nil {
		// HQ's index already names the new cut: the whole file is the new one.
		if got := fileSHA(t, path); got != rec.SHA256 {
			t.Fatalf("spliced file: SHA-256 %s", got)
		}
		return
	}
	// The index still names the old cut: the new bytes are refused whole,
	// never spliced onto the old ones, and nothing is left in place.
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "does not match HQ's index") {
		t.Fatalf("err = %v", err)
	}
	final := filepath.Join(e.cacheDir(), clipName(rec.RemoteID))
	st, _ := h.db.RecordingByRemoteID(context.Background(), rec.RemoteID)
	if st.State != "failed" || st.LocalPath != "" {
		t.Errorf("index says %s at %q after a mismatching download", st.State, st.LocalPath)
	}
	for _, p := range []string{final, final + ".part"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is on disk after a mismatching download", p)
		}
	}
	t.Logf("restarted, then refused: %v", err)
}

func TestCacheCapEvictsLeastRecentlyViewedNeverOpenOrAttached(t *testing.T) {
	h, e, all := clipHarness(t)
	ctx := context.Background()
	// Four recordings of one cut: the same size, so the cap below fits two
	// and a half of them whatever cuts the demo serves.
	bySHA := map[string][]localdb.CachedRecording{}
	var recs []localdb.CachedRecording
	for _, r := range all {
		bySHA[r.SHA256] = append(bySHA[r.SHA256], r)
		if len(bySHA[r.SHA256]) == 4 {
			recs = bySHA[r.SHA256]
			break
		}
	}
	if len(recs) < 4 {
		t.Fatal("the demo feed serves no cut at four moments")
	}
	a, b, c, d := recs[0], recs[1], recs[2], recs[3]
	capBytes := a.Size + b.Size + max(c.Size, d.Size)/2
	if err := h.db.SetSetting(ctx, SettingCacheMaxBytes, strconv.FormatInt(capBytes, 10)); err != nil {
		t.Fatal(err)
	}
	pa, err := e.Download(ctx, a.RemoteID)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := e.Download(ctx, b.RemoteID)
	if err != nil {
		t.Fatal(err)
	}
	// a was viewed long ago, b just now (and is closed again).
	localdbtest.Conn(t, h.db).Exec(`UPDATE recordings SET last_viewed_at = 1000 WHERE remote_id = ?`, a.RemoteID)
	bb, _ := h.db.RecordingByRemoteID(ctx, b.RemoteID)
	h.db.OpenRecording(ctx, bb.ID, until)
	h.db.CloseRecording(ctx, bb.ID)
	if _, err := e.Download(ctx, c.RemoteID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pa); !os.IsNotExist(err) {
		t.Error("the least recently viewed clip was not evicted")
	}
	if _, err := os.Stat(pb); err != nil {
		t.Error("the recently viewed clip was evicted")
	}
	// Now b is open in a player and c is a task's evidence: neither may go.
	h.db.OpenRecording(ctx, bb.ID, until)
	cc, _ := h.db.RecordingByRemoteID(ctx, c.RemoteID)
	if _, err := h.db.CreateCorrectiveTask(ctx, localdb.CorrectiveTask{StoreID: 1, Title: "整改", RecordingID: cc.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Download(ctx, d.RemoteID)
	if !errors.Is(err, ErrStorage) || !strings.Contains(err.Error(), "cache is full") {
		t.Fatalf("err = %v; want a full cache naming open or attached clips", err)
	}
	for _, r := range []localdb.CachedRecording{b, c} {
		st, _ := h.db.RecordingByRemoteID(ctx, r.RemoteID)
		if st.State != "ready" {
			t.Errorf("clip %s is %s; an open or attached clip was evicted", r.RemoteID, st.State)
		}
	}
}

func TestStalledDownloadIsCutAndResumed(t *testing.T) {
	h, e, recs := clipHarness(t)
	old := idleTimeout
	idleTimeout = 500 * time.Millisecond
	t.Cleanup(func() { idleTimeout = old })
	rec := recs[2]
	h.hits.mu.Lock()
	h.hits.stall = rec.Size / 2
	h.hits.mu.Unlock()
	h.hits.reset()
	path, err := e.Download(context.Background(), rec.RemoteID)
	if err != nil {
		t.Fatalf("download that stalled half-way: %v", err)
	}
	if got := fileSHA(t, path); got != rec.SHA256 {
		t.Fatalf("SHA-256 %s, index says %s", got, rec.SHA256)
	}
	hits := h.hits.to(feed.PathRecordings)
	if len(hits) != 2 || hits[1].header.Get("Range") == "" {
		t.Errorf("%d requests; want the stalled one and a ranged continuation", len(hits))
	}
}

func TestTwoDownloadsOfOneClipShareOneTransfer(t *testing.T) {
	h, e, recs := clipHarness(t)
	rec := recs[3]
	h.hits.reset()
	paths := make(chan string, 2)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			p, err := e.Download(context.Background(), rec.RemoteID)
			paths <- p
			errs <- err
		}()
	}
	p1, p2 := <-paths, <-paths
	if err := errors.Join(<-errs, <-errs); err != nil {
		t.Fatal(err)
	}
	if p1 != p2 || fileSHA(t, p1) != rec.SHA256 {
		t.Errorf("paths %q %q", p1, p2)
	}
	if n := len(h.hits.to(feed.PathRecordings)); n != 1 {
		t.Errorf("%d transfers of one clip, want 1", n)
	}
}
