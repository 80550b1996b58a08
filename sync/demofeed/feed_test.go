package demofeed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"storelens/app/vocab"
	"storelens/sync/feed"
)

var testUntil = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// clipDir is shared by the tests of this package so the clips are cut once.
var (
	clipDir     string
	clipDirOnce sync.Once
)

func sharedClipDir(t *testing.T) string {
	clipDirOnce.Do(func() {
		d, err := os.MkdirTemp("", "demofeed-clips-")
		if err != nil {
			t.Fatal(err)
		}
		clipDir = d
	})
	return clipDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if clipDir != "" {
		os.RemoveAll(clipDir)
	}
	os.Exit(code)
}

// fakeClock is a settable clock for the task steps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t     *testing.T
	s     *Server
	srv   *httptest.Server
	clock *fakeClock
	logs  *bytes.Buffer
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{t: t, clock: &fakeClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}}
	var mu sync.Mutex
	if cfg.Until.IsZero() {
		cfg.Until = testUntil
	}
	cfg.Now = h.clock.Now
	cfg.Logf = func(f string, a ...any) { mu.Lock(); fmt.Fprintf(h.logs, f+"\n", a...); mu.Unlock() }
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	h.srv = httptest.NewServer(s)
	t.Cleanup(h.srv.Close)
	return h
}

// get fetches path with the demo token (gzip negotiated by net/http).
func (h *harness) get(path string, hdr ...string) (*http.Response, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer demo")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp, b
}

type rawPage struct {
	Collection string            `json:"collection"`
	Items      []json.RawMessage `json:"items"`
	Tombstones []feed.Tombstone  `json:"tombstones"`
	NextCursor string            `json:"next_cursor"`
	HasMore    bool              `json:"has_more"`
}

func (h *harness) page(coll, cursor string, params ...string) (rawPage, []byte) {
	h.t.Helper()
	q := url.Values{}
	if cursor != "" {
		q.Set(feed.ParamCursor, cursor)
	}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	resp, body := h.get(feed.CollectionPath(coll) + "?" + q.Encode())
	if resp.StatusCode != 200 {
		h.t.Fatalf("%s: status %d: %s", coll, resp.StatusCode, body)
	}
	var p rawPage
	if err := json.Unmarshal(body, &p); err != nil {
		h.t.Fatalf("%s: %v", coll, err)
	}
	return p, body
}

// readAll pages through a collection and returns its items and last cursor.
func (h *harness) readAll(coll string, params ...string) ([]json.RawMessage, string) {
	h.t.Helper()
	var items []json.RawMessage
	cur := ""
	for {
		p, _ := h.page(coll, cur, params...)
		items = append(items, p.Items...)
		cur = p.NextCursor
		if !p.HasMore {
			return items, cur
		}
	}
}

func decodeAll[T any](t *testing.T, raw []json.RawMessage) []T {
	t.Helper()
	out := make([]T, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestSameSeedAndUntilServeIdenticalBytes(t *testing.T) {
	a := newHarness(t, Config{Seed: 3})
	b := newHarness(t, Config{Seed: 3})
	c := newHarness(t, Config{Seed: 4})
	for _, coll := range []string{feed.CollStores, feed.CollCameras, feed.CollStaff, feed.CollWeather, feed.CollCounts, feed.CollPOSHourly, feed.CollReceipts, feed.CollShifts, feed.CollSnapshots} {
		pa, ba := a.page(coll, "", feed.ParamLimit, "300")
		pb, bb := b.page(coll, "", feed.ParamLimit, "300")
		if !bytes.Equal(ba, bb) {
			t.Errorf("%s: first pages differ between two servers with the same seed", coll)
		}
		// A page deep inside the collection, too.
		_, ba2 := a.page(coll, pa.NextCursor, feed.ParamLimit, "300")
		_, bb2 := b.page(coll, pb.NextCursor, feed.ParamLimit, "300")
		if !bytes.Equal(ba2, bb2) {
			t.Errorf("%s: second pages differ between two servers with the same seed", coll)
		}
	}
	_, ba := a.page(feed.CollCounts, "", feed.ParamLimit, "50")
	_, bc := c.page(feed.CollCounts, "", feed.ParamLimit, "50")
	if bytes.Equal(ba, bc) {
		t.Error("seeds 3 and 4 serve the same counts")
	}
	// The stories do not depend on the seed.
	if fmt.Sprint(a.s.Stories()) != fmt.Sprint(c.s.Stories()) {
		t.Error("stories moved with the seed")
	}
}

func keysOf[T interface{ Key() string }](t *testing.T, raw []json.RawMessage) []string {
	var keys []string
	for _, x := range decodeAll[T](t, raw) {
		keys = append(keys, x.Key())
	}
	return keys
}

func TestPagingServesEachItemOnceWhateverThePageSize(t *testing.T) {
	h := newHarness(t, Config{Seed: 1})
	cases := []struct {
		coll   string
		params []string
		keys   func([]json.RawMessage) []string
	}{
		{feed.CollWeather, nil, func(r []json.RawMessage) []string { return keysOf[feed.Weather](t, r) }},
		{feed.CollReceipts, []string{feed.ParamWindowDays, "1"}, func(r []json.RawMessage) []string { return keysOf[feed.Receipt](t, r) }},
		{feed.CollStaff, nil, func(r []json.RawMessage) []string { return keysOf[feed.Staff](t, r) }},
	}
	for _, c := range cases {
		whole, _ := h.readAll(c.coll, append([]string{feed.ParamLimit, "20000"}, c.params...)...)
		small, _ := h.readAll(c.coll, append([]string{feed.ParamLimit, "331"}, c.params...)...)
		wk, sk := c.keys(whole), c.keys(small)
		if len(wk) == 0 || strings.Join(wk, ",") != strings.Join(sk, ",") {
			t.Errorf("%s: pages of 331 served %d items, one big page %d (or in another order)", c.coll, len(sk), len(wk))
		}
		seen := map[string]bool{}
		for _, k := range sk {
			if seen[k] {
				t.Errorf("%s: item %s served twice", c.coll, k)
			}
			seen[k] = true
		}
	}
}

func TestReceiptsWindow(t *testing.T) {
	h := newHarness(t, Config{Seed: 1})
	first := func(params ...string) string {
		p, _ := h.page(feed.CollReceipts, "", append(params, feed.ParamLimit, "1")...)
		r := decodeAll[feed.Receipt](t, p.Items)[0]
		return time.Unix(r.T, 0).In(h.s.chain.stores[0].loc).Format("2006-01-02")
	}
	if got := first(); got != "2026-10-23" {
		t.Errorf("default window starts %s, want 2026-10-23 (35 days to 2026-11-26)", got)
	}
	if got := first(feed.ParamWindowDays, "7"); got != "2026-11-20" {
		t.Errorf("window_days=7 starts %s", got)
	}
	if got := first(feed.ParamSince, "2026-11-01"); got != "2026-11-01" {
		t.Errorf("since=2026-11-01 starts %s", got)
	}
	resp, body := h.get(feed.CollectionPath(feed.CollReceipts) + "?window_days=lots")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "window_days") {
		t.Errorf("bad window_days: %d %s", resp.StatusCode, body)
	}
}

func TestTombstonesReachAReaderWithAnOldCursor(t *testing.T) {
	h := newHarness(t, Config{})
	staff, cur := h.readAll(feed.CollStaff)
	victim := decodeAll[feed.Staff](t, staff)[5].Key()
	p, _ := h.page(feed.CollStaff, cur)
	if len(p.Items) != 0 || len(p.Tombstones) != 0 || p.HasMore {
		t.Fatalf("reading on at the end should be empty: %+v", p)
	}
	h.s.Delete(feed.CollStaff, victim)
	p, _ = h.page(feed.CollStaff, cur)
	if len(p.Tombstones) != 1 || p.Tombstones[0].ID != victim {
		t.Fatalf("tombstones after delete = %+v, want %s", p.Tombstones, victim)
	}
	again, _ := h.page(feed.CollStaff, p.NextCursor)
	if len(again.Tombstones) != 0 {
		t.Errorf("a tombstone was served twice")
	}
	fresh, _ := h.readAll(feed.CollStaff)
	for _, k := range keysOf[feed.Staff](t, fresh) {
		if k == victim {
			t.Errorf("deleted staff member %s still served on a fresh read", k)
		}
	}
	if len(fresh) != len(staff)-1 {
		t.Errorf("fresh read has %d staff, want %d", len(fresh), len(staff)-1)
	}
}

func TestOldGenerationCursorIsGone(t *testing.T) {
	h := newHarness(t, Config{})
	p, _ := h.page(feed.CollCounts, "", feed.ParamLimit, "10")
	h.s.Rotate()
	resp, body := h.get(feed.CollectionPath(feed.CollCounts) + "?cursor=" + url.QueryEscape(p.NextCursor))
	var e feed.Error
	json.Unmarshal(body, &e)
	if resp.StatusCode != http.StatusGone || e.Code != feed.CodeCursorExpired || e.Action == "" {
		t.Errorf("old cursor: %d %s", resp.StatusCode, body)
	}
	resp, body = h.get(feed.CollectionPath(feed.CollCounts) + "?cursor=garbage!")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("damaged cursor: %d %s", resp.StatusCode, body)
	}
	// A cursor of another collection is refused too.
	resp, _ = h.get(feed.CollectionPath(feed.CollStaff) + "?cursor=" + url.QueryEscape(p.NextCursor))
	if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusGone {
		t.Errorf("foreign cursor: %d", resp.StatusCode)
	}
}

func TestAuthRequiresTheToken(t *testing.T) {
	h := newHarness(t, Config{})
	for _, hdr := range []string{"", "Bearer nope", "Basic ZGVtbzpkZW1v"} {
		req, _ := http.NewRequest("GET", h.srv.URL+feed.CollectionPath(feed.CollStores), nil)
		if hdr != "" {
			req.Header.Set("Authorization", hdr)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e feed.Error
		if resp.StatusCode != 401 || json.Unmarshal(body, &e) != nil || e.Code != feed.CodeUnauthorized || strings.Contains(string(body), "demo") {
			t.Errorf("Authorization %q: %d %s", hdr, resp.StatusCode, body)
		}
	}
	resp, body := h.get(feed.CollectionPath("nonsense"))
	if resp.StatusCode != 404 || !strings.Contains(string(body), "stores") {
		t.Errorf("unknown collection: %d %s", resp.StatusCode, body)
	}
	if st, body, hdr := h.post(feed.CollectionPath(feed.CollStores), "", map[string]int{}); st != 405 || hdr.Get("Allow") != "GET" || !json.Valid(body) {
		t.Errorf("POST to a collection: %d %q %s", st, hdr.Get("Allow"), body)
	}
}

func (h *harness) post(path, key string, body any) (int, []byte, http.Header) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", h.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer demo")
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(feed.HeaderIdempotencyKey, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

func TestPushesAreIdempotentAndTasksMoveAlong(t *testing.T) {
	h := newHarness(t, Config{})
	task := feed.CorrectiveTaskPush{ID: "6f1c2b1e-1111-4a4a-9b9b-0123456789ab", StoreID: 1, Title: "门口迎宾", Body: "19:50闭店，请按排班营业至22:00",
		KPI: "entries", CreatedBy: "区域经理", CreatedAt: h.clock.Now().Unix()}
	st1, b1, _ := h.post(feed.PathCorrectiveTasks, task.ID, task)
	h.clock.Add(time.Minute)
	st2, b2, hdr := h.post(feed.PathCorrectiveTasks, task.ID, task)
	if st1 != 201 || st2 != 201 || !bytes.Equal(b1, b2) || hdr.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat push: %d %s / %d %s", st1, b1, st2, b2)
	}
	if n := len(h.s.CorrectiveTasks()); n != 1 {
		t.Fatalf("HQ holds %d tasks after a repeated push, want 1", n)
	}
	other := task
	other.Title = "另一件事"
	if st, b, _ := h.post(feed.PathCorrectiveTasks, task.ID, other); st != 422 || !strings.Contains(string(b), feed.CodeIdempotencyMismatch) {
		t.Errorf("same key, other body: %d %s", st, b)
	}
	if st, _, _ := h.post(feed.PathCorrectiveTasks, "", task); st != 400 {
		t.Errorf("no key: %d", st)
	}
	bad := task
	bad.ID, bad.StoreID = "7f1c2b1e-1111-4a4a-9b9b-0123456789ab", 99999
	if st, b, _ := h.post(feed.PathCorrectiveTasks, bad.ID, bad); st != 422 || !strings.Contains(string(b), "store_id") {
		t.Errorf("unknown store: %d %s", st, b)
	}
	// The store moves the task along as the clock runs.
	statuses := func() []string {
		items, _ := h.readAll(feed.CollTaskStatus)
		var out []string
		for _, c := range decodeAll[feed.TaskStatusChange](t, items) {
			if c.TaskID == task.ID {
				out = append(out, c.Status)
			}
		}
		return out
	}
	if got := statuses(); len(got) != 0 {
		t.Errorf("statuses right after the push: %v", got)
	}
	_, cur := h.readAll(feed.CollTaskStatus)
	h.clock.Add(10 * time.Minute)
	if got := statuses(); fmt.Sprint(got) != "[acknowledged]" {
		t.Errorf("after 10 min: %v", got)
	}
	h.clock.Add(3 * time.Hour)
	if got := statuses(); fmt.Sprint(got) != "[acknowledged done]" {
		t.Errorf("after 3 h: %v", got)
	}
	p, _ := h.page(feed.CollTaskStatus, cur)
	if len(p.Items) != 2 {
		t.Errorf("reading on from the old cursor gives %d changes, want 2", len(p.Items))
	}
	items, _ := h.readAll(feed.CollTaskStatus)
	for _, c := range decodeAll[feed.TaskStatusChange](t, items) {
		if c.TaskID == task.ID && c.Status == vocab.TaskDone && (c.Actor != vocab.ActorStore || c.Note == "" || len(c.PhotoJPEG) == 0) {
			t.Errorf("the store's done carries no reply or photo: %+v", c)
		}
	}
	// The manager reopens it: the store acknowledges and reports it done again.
	reopen := feed.TaskStatusPush{ID: "5f1c2b1e-1111-4a4a-9b9b-0123456789ab", TaskID: task.ID, Status: vocab.TaskReopened, At: 1, By: "m", Note: "门口仍无人"}
	if st, b, _ := h.post(feed.PathTaskStatus, reopen.ID, reopen); st != 201 {
		t.Fatalf("reopen: %d %s", st, b)
	}
	h.clock.Add(3 * time.Hour)
	if got := statuses(); fmt.Sprint(got) != "[acknowledged done acknowledged done]" {
		t.Errorf("after reopening and 3 h: %v", got)
	}
	verify := feed.TaskStatusPush{ID: "4f1c2b1e-1111-4a4a-9b9b-0123456789ab", TaskID: task.ID, Status: vocab.TaskVerified, At: 2, By: "m"}
	if st, b, _ := h.post(feed.PathTaskStatus, verify.ID, verify); st != 201 {
		t.Fatalf("verify: %d %s", st, b)
	}
	again := verify
	again.ID = "3f1c2b1e-1111-4a4a-9b9b-0123456789ab"
	again.Status = vocab.TaskReopened
	if st, _, _ := h.post(feed.PathTaskStatus, again.ID, again); st != 409 {
		t.Errorf("reopening a verified task: HTTP %d, want 409", st)
	}
	// Verdicts.
	v := feed.InspectionVerdictPush{ID: "8f1c2b1e-1111-4a4a-9b9b-0123456789ab", SnapshotID: "sn-11-1790000000", Verdict: "fail", DecidedAt: 1, DecidedBy: "x"}
	s1, vb1, _ := h.post(feed.PathInspectionVerdicts, v.ID, v)
	s2, vb2, _ := h.post(feed.PathInspectionVerdicts, v.ID, v)
	if s1 != 201 || s2 != 201 || !bytes.Equal(vb1, vb2) || len(h.s.InspectionVerdicts()) != 1 {
		t.Errorf("verdict pushes: %d %s / %d %s", s1, vb1, s2, vb2)
	}
	v.Verdict = "maybe"
	v.ID = "9f1c2b1e-1111-4a4a-9b9b-0123456789ab"
	if st, _, _ := h.post(feed.PathInspectionVerdicts, v.ID, v); st != 422 {
		t.Errorf("verdict maybe: %d", st)
	}
}

func TestLostReplyThenRetryHoldsOneTask(t *testing.T) {
	h := newHarness(t, Config{})
	h.s.Inject(Fault{PathPrefix: feed.PathCorrectiveTasks, DropReply: true})
	task := feed.CorrectiveTaskPush{ID: "6f1c2b1e-2222-4a4a-9b9b-0123456789ab", StoreID: 2, Title: "t", CreatedAt: 1}
	b, _ := json.Marshal(task)
	req, _ := http.NewRequest("POST", h.srv.URL+feed.PathCorrectiveTasks, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer demo")
	req.Header.Set(feed.HeaderIdempotencyKey, task.ID)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the reply should have been lost, got %d", resp.StatusCode)
	}
	if len(h.s.CorrectiveTasks()) != 1 {
		t.Fatal("the push whose reply was lost was not stored")
	}
	st, _, hdr := h.post(feed.PathCorrectiveTasks, task.ID, task)
	if st != 201 || hdr.Get("Idempotent-Replayed") != "true" || len(h.s.CorrectiveTasks()) != 1 {
		t.Errorf("retry after lost reply: %d replayed=%q tasks=%d", st, hdr.Get("Idempotent-Replayed"), len(h.s.CorrectiveTasks()))
	}
}

func TestInjectedFaults(t *testing.T) {
	h := newHarness(t, Config{})
	path := feed.CollectionPath(feed.CollStores)
	h.s.Inject(Fault{PathPrefix: feed.PathCollections, Status: 503, RetryAfter: "2", Times: 2})
	h.s.Inject(Fault{PathPrefix: feed.PathCollections, Status: 429, RetryAfter: "86400"})
	for i, want := range []int{503, 503, 429, 200} {
		resp, body := h.get(path)
		if resp.StatusCode != want {
			t.Errorf("request %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want != 200 && (resp.Header.Get("Retry-After") == "" || !json.Valid(body)) {
			t.Errorf("request %d: no Retry-After or no JSON error: %s", i, body)
		}
	}
	h.s.Inject(Fault{PathPrefix: feed.PathCollections, TruncateBody: true})
	req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer demo")
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body read without the expected error: %v", err)
	}
	h.s.Inject(Fault{PathPrefix: feed.PathCollections, MalformedJSON: true})
	resp2, body := h.get(path)
	if resp2.StatusCode != 200 || json.Valid(body) {
		t.Errorf("malformed fault: %d, valid JSON %v", resp2.StatusCode, json.Valid(body))
	}
	if _, body := h.get(path); !json.Valid(body) {
		t.Error("faults outlived their count")
	}
}

func TestRecordingsDownloadResumesWithRange(t *testing.T) {
	h := newHarness(t, Config{ClipDir: sharedClipDir(t)})
	items, recCursor := h.readAll(feed.CollRecordings)
	recs := decodeAll[feed.Recording](t, items)
	if len(recs) < 20 {
		t.Fatalf("only %d recordings indexed; log: %s", len(recs), h.logs)
	}
	rec := recs[0]
	full, whole := h.get(rec.URL)
	sum := sha256.Sum256(whole)
	if full.StatusCode != 200 || int64(len(whole)) != rec.Size || hex.EncodeToString(sum[:]) != rec.SHA256 || full.Header.Get("Content-Encoding") != "" {
		t.Fatalf("full download: %d, %d bytes (index says %d), sha ok %v, encoding %q", full.StatusCode, len(whole), rec.Size, hex.EncodeToString(sum[:]) == rec.SHA256, full.Header.Get("Content-Encoding"))
	}
	etag := full.Header.Get("ETag")
	// A cut download, then the rest with Range + If-Range.
	h.s.Inject(Fault{PathPrefix: feed.PathRecordings, CutAfterBytes: 12345})
	req, _ := http.NewRequest("GET", h.srv.URL+rec.URL, nil)
	req.Header.Set("Authorization", "Bearer demo")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || len(part) != 12345 {
		t.Fatalf("cut download: %d bytes, err %v", len(part), err)
	}
	rest, tail := h.get(rec.URL, "Range", fmt.Sprintf("bytes=%d-", len(part)), "If-Range", etag, "Accept-Encoding", "gzip")
	if rest.StatusCode != 206 || rest.Header.Get("Content-Encoding") != "" {
		t.Fatalf("resume: %d %q", rest.StatusCode, rest.Header.Get("Content-Encoding"))
	}
	sum = sha256.Sum256(append(part, tail...))
	if hex.EncodeToString(sum[:]) != rec.SHA256 {
		t.Fatal("resumed download does not match the index's SHA-256")
	}
	// HQ re-exports the clip: the old ETag no longer matches, the whole new file comes back.
	h.s.ReplaceRecording(rec.ID)
	again, newBody := h.get(rec.URL, "Range", fmt.Sprintf("bytes=%d-", len(part)), "If-Range", etag)
	if again.StatusCode != 200 || again.Header.Get("ETag") == etag || bytes.Equal(newBody, whole) {
		t.Errorf("after an ETag change: %d, etag %q (was %q)", again.StatusCode, again.Header.Get("ETag"), etag)
	}
	// The index tells readers with a cursor about the new cut.
	p, _ := h.page(feed.CollRecordings, recCursor)
	upd := decodeAll[feed.Recording](t, p.Items)
	newSum := sha256.Sum256(newBody)
	if len(upd) != 1 || upd[0].ID != rec.ID || upd[0].SHA256 != hex.EncodeToString(newSum[:]) || upd[0].Size != int64(len(newBody)) {
		t.Errorf("reading the index on after the re-export gives %+v", upd)
	}
	if p2, _ := h.page(feed.CollRecordings, p.NextCursor); len(p2.Items) != 0 {
		t.Errorf("the changed item came twice")
	}
	// Snapshots are real JPEGs.
	snaps, _ := h.page(feed.CollSnapshots, "", feed.ParamLimit, "3")
	sn := decodeAll[feed.Snapshot](t, snaps.Items)[0]
	r2, img := h.get(sn.URL)
	s2 := sha256.Sum256(img)
	if r2.StatusCode != 200 || !bytes.HasPrefix(img, []byte{0xFF, 0xD8}) || hex.EncodeToString(s2[:]) != sn.SHA256 {
		t.Errorf("snapshot %s: %d, %d bytes", sn.ID, r2.StatusCode, len(img))
	}
}

func TestNoClipFolderMeansNoRecordingsAndALogLine(t *testing.T) {
	h := newHarness(t, Config{})
	items, _ := h.readAll(feed.CollRecordings)
	if len(items) != 0 || !strings.Contains(h.logs.String(), "recordings collection is empty") {
		t.Errorf("%d recordings, log %q", len(items), h.logs)
	}
	h2 := newHarness(t, Config{ClipDir: t.TempDir(), Footage: "/nonexistent/vtest.avi"})
	items, _ = h2.readAll(feed.CollRecordings)
	if len(items) != 0 || !strings.Contains(h2.logs.String(), "left out") {
		t.Errorf("missing footage: %d recordings, log %q", len(items), h2.logs)
	}
}

func TestPagesAreGzippedOnlyWhenAsked(t *testing.T) {
	h := newHarness(t, Config{})
	for _, ae := range []string{"gzip", "identity", "gzip;q=0"} {
		req, _ := http.NewRequest("GET", h.srv.URL+feed.CollectionPath(feed.CollCounts)+"?limit=20", nil)
		req.Header.Set("Authorization", "Bearer demo")
		req.Header.Set("Accept-Encoding", ae)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		gz := resp.Header.Get("Content-Encoding") == "gzip"
		if gz != (ae == "gzip") || (!gz && !json.Valid(body)) || (gz && !bytes.HasPrefix(body, []byte{0x1f, 0x8b})) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", ae, resp.Header.Get("Content-Encoding"))
		}
	}
}

func TestAdvanceServesOnlyTheNewDays(t *testing.T) {
	h := newHarness(t, Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	_, cur := h.readAll(feed.CollWeather)
	_, rcur := h.readAll(feed.CollReceipts, feed.ParamWindowDays, "2")
	h.s.Advance(1)
	p, _ := h.page(feed.CollWeather, cur)
	days := map[string]int{}
	for _, w := range decodeAll[feed.Weather](t, p.Items) {
		days[w.Day]++
	}
	if len(days) != 1 || days["2026-11-21"] != len(cities) || p.HasMore {
		t.Errorf("after one more day, reading on gives %v (has_more %v)", days, p.HasMore)
	}
	rp, _ := h.page(feed.CollReceipts, rcur, feed.ParamLimit, "20000")
	for _, r := range decodeAll[feed.Receipt](t, rp.Items) {
		if d := time.Unix(r.T, 0).In(h.s.chain.stores[0].loc).Format("2006-01-02"); d != "2026-11-21" {
			t.Fatalf("reading receipts on gives a receipt of %s", d)
		}
	}
	if len(rp.Items) < 1000 {
		t.Errorf("a new day brought only %d receipts", len(rp.Items))
	}
	// Into December: the stories move with the month, old cursors expire.
	h.s.Advance(12)
	resp, _ := h.get(feed.CollectionPath(feed.CollWeather) + "?cursor=" + url.QueryEscape(p.NextCursor))
	if resp.StatusCode != http.StatusGone {
		t.Errorf("a cursor from November read in a December generation: %d", resp.StatusCode)
	}
}
