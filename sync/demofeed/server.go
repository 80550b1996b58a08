package demofeed

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"storelens/sync/feed"
)

// Config sets up a demo feed. The zero value serves seed 0 up to the end of
// yesterday with the token "demo" and no recordings.
type Config struct {
	// Seed picks the chain's figures; the stores, stories and their dates do
	// not depend on it.
	Seed int64
	// Until is the last local day served (its calendar date is used); zero
	// means yesterday in the region's zone.
	Until time.Time
	// Token is the bearer token accepted; "" means "demo".
	Token string
	// ClipDir is where the MP4 clips and snapshot stills made from the sample
	// footage are cached; "" serves an empty recordings collection.
	ClipDir string
	// Footage is the sample video the clips are cut from; "" finds vtest.avi
	// with assets.SampleFootage.
	Footage string
	// Now is the clock that moves pushed corrective tasks along; nil is time.Now.
	Now func() time.Time
	// TaskSteps are the delays after a push (or a reopening) at which the
	// store acknowledges a task and reports it done; nil means 5 min and 2 h.
	// The store reports done, with a reply and a photo, every task but each
	// fourth one received, which stays acknowledged (some stores are slow).
	// A reopened task is always done again.
	TaskSteps []time.Duration
	// Logf receives the feed's log lines; nil is log.Printf.
	Logf func(format string, args ...any)
}

// Server serves the feed protocol of package feed for the demo chain, from
// memory. It is safe for concurrent use.
type Server struct {
	cfg    Config
	token  string
	chain  *chain
	clock  storyClock
	first  day
	until  day
	static map[string][]keyed
	media  *media
	recs   []recording
	mux    *http.ServeMux

	mu       sync.Mutex
	rotation int
	deleted  map[string]map[string]bool
	tombs    map[string][]feed.Tombstone
	answers  map[string]storedAnswer // idempotency: path+key → first answer
	tasks    map[string]feed.CorrectiveTaskPush
	changes  []feed.TaskStatusChange // sorted by At
	managed  map[string]managed      // the manager's last verify or reopen, by task
	received int                     // tasks received so far
	verdicts map[string]feed.InspectionVerdictPush
	// schedulePushes are the schedule changes received, in order.
	schedulePushes []feed.InspectionSchedulePush
	faults         []*Fault
	recVersions    map[string]int
	recIndex       map[string]int // position in recs by id
	segs           segmentCache
	changed        map[string][]keyed // per collection: items changed after they were served, in order
}

type keyed struct {
	key  string
	item any
}

type storedAnswer struct {
	bodySum [32]byte
	status  int
	body    []byte
}

// New builds the demo chain for cfg and returns its server, ready to be used
// as an http.Handler (httptest.NewServer(s), or on a listener). Building the
// clips on the first start takes a few seconds; later starts reuse them.
func New(cfg Config) (*Server, error) {
	if cfg.Token == "" {
		cfg.Token = "demo"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	if len(cfg.TaskSteps) == 0 {
		cfg.TaskSteps = []time.Duration{5 * time.Minute, 2 * time.Hour}
	}
	u := untilDay(cfg.Until)
	s := &Server{cfg: cfg, token: cfg.Token, until: u, first: u - 365, clock: newStoryClock(u),
		deleted: map[string]map[string]bool{}, tombs: map[string][]feed.Tombstone{},
		answers: map[string]storedAnswer{}, tasks: map[string]feed.CorrectiveTaskPush{}, managed: map[string]managed{},
		verdicts: map[string]feed.InspectionVerdictPush{}, recVersions: map[string]int{}, changed: map[string][]keyed{}}
	s.chain = buildChain(uint64(cfg.Seed), s.first, s.until)
	s.media = prepareMedia(cfg.ClipDir, cfg.Footage, cfg.Logf)
	s.buildStatic()
	s.routes()
	return s, nil
}

// untilDay is the local day of t, or yesterday in the region's zone for zero.
func untilDay(t time.Time) day {
	if t.IsZero() {
		loc, err := time.LoadLocation(regionZone)
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		return dayOf(time.Now().In(loc)) - 1
	}
	return dayOf(t)
}

// Until is the last local day served, 'YYYY-MM-DD'.
func (s *Server) Until() string { return s.view().until.String() }

// StoreCount is the number of stores of the demo region.
func (s *Server) StoreCount() int { return len(s.chain.stores) }

// Stories lists the scripted findings in the data this server serves.
func (s *Server) Stories() []Story { return s.chain.stories(s.view().clock) }

// Rotate starts a new data generation: every cursor handed out before is
// answered 410 cursor_expired from now on, as after a rebuild at HQ.
func (s *Server) Rotate() {
	s.mu.Lock()
	s.rotation++
	s.mu.Unlock()
}

// Delete removes the item with the given key from a collection; clients
// reading on from an earlier cursor receive a Tombstone for it.
func (s *Server) Delete(collection, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deleted[collection] == nil {
		s.deleted[collection] = map[string]bool{}
	}
	s.deleted[collection][key] = true
	s.tombs[collection] = append(s.tombs[collection], feed.Tombstone{ID: key, DeletedAt: s.cfg.Now().Unix()})
}

// ReplaceRecording swaps the bytes of a recording for another cut (a new
// ETag, size and SHA-256), as when HQ re-exports a clip while a client is
// half-way through downloading it.
//
// Readers of the recordings collection with an earlier cursor receive the
// changed index item (new size and SHA-256) on their next page.
func (s *Server) ReplaceRecording(id string) {
	rec, ok := s.recordingByID(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recVersions[id]++
	if ok && len(s.media.clips) > 0 {
		item := s.recordingItemLocked(rec)
		s.changed[feed.CollRecordings] = append(s.changed[feed.CollRecordings], keyed{item.Key(), item})
	}
}

// recordingItemLocked is the index item of rec as it stands (s.mu held).
func (s *Server) recordingItemLocked(rec recording) feed.Recording {
	if rec.segment != nil {
		return rec.Recording // size and SHA-256 come with the export
	}
	v := s.recVersions[rec.ID]
	c := s.media.clips[(rec.variant+v)%len(s.media.clips)]
	out := rec.Recording
	out.Size, out.SHA256 = c.size, c.sha
	return out
}

// CorrectiveTasks returns the tasks HQ holds, by id: what arrived through pushes.
func (s *Server) CorrectiveTasks() map[string]feed.CorrectiveTaskPush {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]feed.CorrectiveTaskPush, len(s.tasks))
	for k, v := range s.tasks {
		out[k] = v
	}
	return out
}

// InspectionVerdicts returns the verdicts HQ holds, by id.
func (s *Server) InspectionVerdicts() map[string]feed.InspectionVerdictPush {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]feed.InspectionVerdictPush, len(s.verdicts))
	for k, v := range s.verdicts {
		out[k] = v
	}
	return out
}

// view is what one request serves: the last day, the stories' clock and the
// data generation, read together.
type view struct {
	until day
	clock storyClock
	gen   string
}

func (s *Server) view() view {
	s.mu.Lock()
	defer s.mu.Unlock()
	return view{until: s.until, clock: s.clock, gen: fmt.Sprintf("%d.%s.%d", s.cfg.Seed, s.clock.anchor, s.rotation)}
}

// Advance serves days more days, as when the next night's data arrives at
// HQ: readers continue from their cursors and receive only the new days.
// Crossing into a new month starts a new data generation (the stories hang
// off the month), so earlier cursors are then answered 410.
func (s *Server) Advance(days int) {
	s.mu.Lock()
	s.until += day(days)
	s.clock = newStoryClock(s.until)
	s.mu.Unlock()
}

func (s *Server) buildStatic() {
	st := map[string][]keyed{}
	st[feed.CollRegions] = []keyed{{s.chain.region.Key(), s.chain.region}}
	for _, x := range s.chain.stores {
		st[feed.CollStores] = append(st[feed.CollStores], keyed{x.feed.Key(), x.feed})
		for _, c := range x.cameras {
			st[feed.CollCameras] = append(st[feed.CollCameras], keyed{c.Key(), c})
		}
		for _, p := range x.staff {
			st[feed.CollStaff] = append(st[feed.CollStaff], keyed{p.Key(), p})
		}
	}
	for _, sc := range inspectionSchedules {
		st[feed.CollInspectionSchedules] = append(st[feed.CollInspectionSchedules], keyed{sc.Key(), sc})
	}
	s.recordingList() // the recordings collection is built per request from s.recs
	s.static = st
}

// inspectionSchedules are the region's scheduled snapshot checks.
var inspectionSchedules = []feed.InspectionSchedule{
	{ID: "insp-greeting", Name: "迎宾检查", CameraRole: feed.RoleEntrance, Weekdays: allWeek, Times: "10:00,14:00,16:00,18:00", Active: true},
	{ID: "insp-till", Name: "收银台检查", CameraRole: feed.RoleTill, Weekdays: allWeek, Times: "12:00,19:00", Active: true},
	{ID: "insp-banner", Name: "店外吊旗巡检", CameraRole: feed.RoleEntrance, Weekdays: sunToFri, Times: "09:30", Active: true},
}

// sunToFri is Monday to Friday and Sunday (bit 0 Monday … bit 6 Sunday).
const sunToFri = 0b1011111

// snapshotDays is how far back the inspection snapshots reach.
const snapshotDays = 14

// --- HTTP ---

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET "+feed.PathCollections+"{name}", s.serveCollection)
	m.HandleFunc("POST "+feed.PathCorrectiveTasks, s.pushTask)
	m.HandleFunc("POST "+feed.PathTaskStatus, s.pushTaskStatus)
	m.HandleFunc("POST "+feed.PathInspectionVerdicts, s.pushVerdict)
	m.HandleFunc("POST "+feed.PathInspectionSchedules, s.pushSchedule)
	m.HandleFunc("GET "+feed.PathRecordings+"{id}", s.serveRecording)
	m.HandleFunc("GET "+feed.PathRecordings+"{id}/export", s.exportRecording)
	m.HandleFunc("GET "+feed.PathSnapshots+"{id}", s.serveSnapshot)
	// The same paths with another method: a JSON 405 rather than the mux's text.
	for path, allow := range map[string]string{
		feed.PathCollections + "{name}": "GET", feed.PathCorrectiveTasks: "POST", feed.PathTaskStatus: "POST",
		feed.PathInspectionVerdicts: "POST", feed.PathInspectionSchedules: "POST", feed.PathRecordings + "{id}": "GET", feed.PathSnapshots + "{id}": "GET",
	} {
		m.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, feed.CodeBadRequest, r.Method+" is not allowed on "+r.URL.Path, "use "+allow)
		})
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, feed.CodeNotFound, "no such path "+r.URL.Path, "check the feed address: it should end before /v1")
	})
	s.mux = m
}

// ServeHTTP checks the bearer token, applies injected faults and serves the
// protocol.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="storelens-feed"`)
		writeError(w, http.StatusUnauthorized, feed.CodeUnauthorized, "the access token is missing or not valid", "sign in again with a valid token")
		return
	}
	if f := s.takeFault(r.URL.Path); f != nil {
		f.apply(w, r, s.mux)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func writeError(w http.ResponseWriter, status int, code, msg, action string) {
	b, _ := json.Marshal(feed.Error{Code: code, Message: msg, Action: action})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// cursor is what an opaque cursor carries.
type cursor struct {
	C string `json:"c"`           // collection
	G string `json:"g"`           // data generation
	D int32  `json:"d,omitempty"` // next day of a time series
	U int    `json:"u,omitempty"` // next unit of the day, or index of a static list
	O int    `json:"o,omitempty"` // items of that unit already served
	T int    `json:"t,omitempty"` // tombstones already served
	P int    `json:"p,omitempty"` // changed items already re-served
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	return c, err
}

type collSpec struct {
	def, max int
	// perDay lists the units of a time series per day; nil for a static list.
	units func(s *Server) int
	// gen produces the items of one unit.
	gen func(s *Server, v view, d day, u int) []keyed
	// firstDay is where a fresh read of the series starts.
	firstDay func(s *Server, v view, q requestParams) day
}

type requestParams struct{ windowFirst day }

var collSpecs = map[string]collSpec{
	feed.CollRegions:             {def: 1000, max: 5000},
	feed.CollStores:              {def: 1000, max: 5000},
	feed.CollCameras:             {def: 2000, max: 10000},
	feed.CollStaff:               {def: 5000, max: 20000},
	feed.CollInspectionSchedules: {def: 1000, max: 5000},
	feed.CollRecordings:          {def: 1000, max: 5000},
	feed.CollTaskStatus:          {def: 1000, max: 5000},
	feed.CollCounts: {def: 1000, max: 5000, units: storeUnits, gen: func(s *Server, v view, d day, u int) []keyed {
		cd := s.chain.counts(s.chain.stores[u], d, v.clock)
		return []keyed{{cd.feed.Key(), cd.feed}}
	}},
	feed.CollPOSHourly: {def: 20000, max: 50000, units: storeUnits, gen: func(s *Server, v view, d day, u int) []keyed {
		st := s.chain.stores[u]
		_, hs := s.chain.receipts(st, d, v.clock, s.chain.entryCounts(st, d, v.clock), false)
		return keyAll(hs)
	}},
	feed.CollReceipts: {def: 5000, max: 20000, units: storeUnits, gen: func(s *Server, v view, d day, u int) []keyed {
		st := s.chain.stores[u]
		rs, _ := s.chain.receipts(st, d, v.clock, s.chain.entryCounts(st, d, v.clock), true)
		return keyAll(rs)
	}, firstDay: func(s *Server, v view, q requestParams) day { return q.windowFirst }},
	feed.CollShifts: {def: 20000, max: 50000, units: storeUnits, gen: func(s *Server, v view, d day, u int) []keyed {
		return keyAll(s.chain.shifts(s.chain.stores[u], d, v.clock))
	}},
	feed.CollAlerts: {def: 5000, max: 20000, units: storeUnits, gen: func(s *Server, v view, d day, u int) []keyed {
		return keyAll(s.chain.alerts(s.chain.stores[u], d, v.clock))
	}},
	feed.CollWeather: {def: 5000, max: 20000, units: func(s *Server) int { return len(s.chain.cities) }, gen: func(s *Server, v view, d day, u int) []keyed {
		w := s.chain.weatherOf(u, d)
		return []keyed{{w.Key(), w}}
	}},
	feed.CollSnapshots: {def: 5000, max: 20000, units: storeUnits, gen: func(s *Server, v view, d day, u int) []keyed {
		return keyAll(s.snapshots(s.chain.stores[u], d))
	}, firstDay: func(s *Server, v view, q requestParams) day { return v.until - snapshotDays + 1 }},
}

func storeUnits(s *Server) int { return len(s.chain.stores) }

type keyer interface{ Key() string }

func keyAll[T keyer](xs []T) []keyed {
	out := make([]keyed, len(xs))
	for i, x := range xs {
		out[i] = keyed{x.Key(), x}
	}
	return out
}

// page is the envelope as written on the wire.
type page struct {
	Collection string           `json:"collection"`
	Items      []any            `json:"items"`
	Tombstones []feed.Tombstone `json:"tombstones"`
	NextCursor string           `json:"next_cursor"`
	HasMore    bool             `json:"has_more"`
}

func (s *Server) serveCollection(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	spec, ok := collSpecs[name]
	if !ok {
		writeError(w, http.StatusNotFound, feed.CodeNotFound, "no collection named "+strconv.Quote(name),
			"use one of: "+strings.Join(feed.Collections, ", "))
		return
	}
	q := r.URL.Query()
	limit := spec.def
	if v := q.Get(feed.ParamLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, feed.CodeBadRequest, "limit "+strconv.Quote(v)+" is not a positive whole number", "send a limit from 1 to "+strconv.Itoa(spec.max))
			return
		}
		limit = min(n, spec.max)
	}
	v := s.view()
	gen := v.gen
	var c cursor
	if cs := q.Get(feed.ParamCursor); cs != "" {
		var err error
		c, err = decodeCursor(cs)
		if err != nil || c.C != name {
			writeError(w, http.StatusBadRequest, feed.CodeBadRequest, "the cursor for "+name+" is damaged or belongs to another collection",
				"read "+name+" again without a cursor")
			return
		}
		if c.G != gen {
			writeError(w, http.StatusGone, feed.CodeCursorExpired, "the cursor for "+name+" belongs to an earlier generation of the data",
				"drop every stored cursor and read all collections again from the start; keep unsent pushes")
			return
		}
	} else {
		c = cursor{C: name, G: gen}
		if spec.units != nil {
			c.D = int32(s.first)
			if spec.firstDay != nil {
				p := requestParams{windowFirst: v.until - feed.DefaultReceiptWindowDays + 1}
				if wd := q.Get(feed.ParamWindowDays); wd != "" {
					n, err := strconv.Atoi(wd)
					if err != nil || n < 1 || n > 366 {
						writeError(w, http.StatusBadRequest, feed.CodeBadRequest, "window_days "+strconv.Quote(wd)+" is not a number of days from 1 to 366", "send window_days between 1 and 366, or leave it out for 35")
						return
					}
					p.windowFirst = v.until - day(n) + 1
				}
				if since := q.Get(feed.ParamSince); since != "" {
					d, err := parseDay(since)
					if err != nil {
						writeError(w, http.StatusBadRequest, feed.CodeBadRequest, "since "+strconv.Quote(since)+" is not a date", "send since as YYYY-MM-DD")
						return
					}
					p.windowFirst = d
				}
				c.D = int32(max(spec.firstDay(s, v, p), s.first))
			}
		}
	}
	pg := page{Collection: name, Items: make([]any, 0, min(limit, 1024))}
	s.mu.Lock()
	deleted := s.deleted[name]
	tombs := s.tombs[name]
	changed := s.changed[name]
	s.mu.Unlock()
	// A fresh read needs no tombstones: deleted items are simply absent.
	if q.Get(feed.ParamCursor) != "" && c.T < len(tombs) {
		pg.Tombstones = tombs[c.T:]
	}
	c.T = len(tombs)
	// Items changed since the reader's cursor come again first; a fresh read
	// serves them as they stand anyway.
	if q.Get(feed.ParamCursor) != "" {
		for _, it := range changed[min(c.P, len(changed)):] {
			if !deleted[it.key] {
				pg.Items = append(pg.Items, it.item)
			}
		}
	}
	c.P = len(changed)
	if pg.Tombstones == nil {
		pg.Tombstones = []feed.Tombstone{}
	}
	take := func(items []keyed, from int) int {
		i := from
		for ; i < len(items) && len(pg.Items) < limit; i++ {
			if !deleted[items[i].key] {
				pg.Items = append(pg.Items, items[i].item)
			}
		}
		return i
	}
	switch {
	case name == feed.CollTaskStatus:
		items := s.visibleChanges()
		c.U = take(items, c.U)
		pg.HasMore = c.U < len(items)
	case name == feed.CollRecordings:
		s.mu.Lock()
		items := make([]keyed, len(s.recs))
		for i, r := range s.recs {
			it := s.recordingItemLocked(r)
			items[i] = keyed{it.Key(), it}
		}
		s.mu.Unlock()
		c.U = take(items, c.U)
		pg.HasMore = c.U < len(items)
	case spec.units == nil:
		s.mu.Lock()
		items := s.static[name] // a push replaces the slice, never writes into the one handed out
		s.mu.Unlock()
		c.U = take(items, c.U)
		pg.HasMore = c.U < len(items)
	default:
		units := spec.units(s)
		for day(c.D) <= v.until && len(pg.Items) < limit {
			items := spec.gen(s, v, day(c.D), c.U)
			n := take(items, c.O)
			if n < len(items) {
				c.O = n
				break
			}
			c.O = 0
			c.U++
			if c.U >= units {
				c.U = 0
				c.D++
			}
		}
		pg.HasMore = day(c.D) <= v.until
	}
	pg.NextCursor = c.encode()
	body, err := appendPage(make([]byte, 0, 1<<20), &pg)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "could not encode "+name+": "+err.Error(), "try again later")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// --- media ---

func (s *Server) serveRecording(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rec, ok := s.recordingByID(id)
	if ok && len(s.media.clips) == 0 {
		ok = false
	}
	if !ok {
		writeError(w, http.StatusNotFound, feed.CodeNotFound, "no recording "+strconv.Quote(id), "sync the recordings index and download one it lists")
		return
	}
	if rec.segment != nil {
		s.serveSegment(w, r, rec)
		return
	}
	s.mu.Lock()
	v := s.recVersions[id]
	s.mu.Unlock()
	clip := s.media.clips[(rec.variant+v)%len(s.media.clips)]
	f, err := os.Open(clip.path)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, feed.CodeUnavailable, "recording "+id+" cannot be read at HQ just now", "try again later")
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("ETag", fmt.Sprintf(`"%s-v%d"`, clip.sha[:16], v))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// pictureOf is the JPEG of snapshot id ("sn-<camera>-<t>"): the empty
// entrance for a scripted greeting miss, else one of the stills.
func (s *Server) pictureOf(id string) still {
	if strings.HasSuffix(id, bannerSuffix) && len(s.media.banners) > 0 {
		i := stillIndex(id, len(s.media.stills))
		if BannerMiss(id) {
			return s.media.stills[i]
		}
		return s.media.banners[i]
	}
	if GreetingMiss(id) && len(s.media.empty) > 0 {
		parts := strings.Split(id, "-")
		if len(parts) == 3 {
			cam, _ := strconv.ParseInt(parts[1], 10, 64)
			for _, st := range s.chain.stores {
				for _, c := range st.cameras {
					if c.ID == cam && c.Role == feed.RoleEntrance {
						return s.media.empty[0]
					}
				}
			}
		}
	}
	return s.media.stills[stillIndex(id, len(s.media.stills))]
}

func (s *Server) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !strings.HasPrefix(id, "sn-") || len(s.media.stills) == 0 {
		writeError(w, http.StatusNotFound, feed.CodeNotFound, "no snapshot "+strconv.Quote(id), "sync the snapshots and fetch one it lists")
		return
	}
	img := s.pictureOf(id)
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("ETag", `"`+img.sha[:16]+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(img.data))
}
