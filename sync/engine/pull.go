package engine

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"storelens/localdb"
	"storelens/sync/feed"
)

// decodedPage is a page read in full and checked, ready to be stored.
type decodedPage struct {
	next          string
	hasMore       bool
	items         int
	bytes         int64
	firstT, lastT int64 // time span of the items (time series), 0 if none
	keys          []string
	apply         func(p *localdb.FeedPage) error
}

// sweepable are the collections a fresh read in one page may sweep: the
// feed keys of their items and whether those keys are numbers.
var sweepable = map[string]struct {
	table   localdb.SweepTable
	numeric bool
}{
	feed.CollStores: {localdb.SweepStores, true}, feed.CollCameras: {localdb.SweepCameras, true},
	feed.CollStaff: {localdb.SweepStaff, true}, feed.CollInspectionSchedules: {localdb.SweepInspectionSchedules, false},
	feed.CollRecordings: {localdb.SweepRecordings, false},
}

func keysJSON(keys []string, numeric bool) []byte {
	var b []byte
	if numeric {
		b = append(b, '[')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, k...)
		}
		return append(b, ']')
	}
	b, _ = json.Marshal(keys)
	return b
}

type fetched struct {
	pg  *decodedPage
	err error
}

// pull reads one collection from its stored cursor to the end. The next
// page is fetched while the current one is being stored; a page's cursor
// is stored only with the page, so dropping a fetched page on failure loses
// nothing.
func (e *Engine) pull(ctx context.Context, idx int, coll string) (st CollectionStats, err error) {
	st = CollectionStats{Name: coll}
	t0 := time.Now()
	defer func() { st.Took = time.Since(t0) }()
	cursor, _, err := e.cfg.DB.FeedCursor(ctx, e.feed, coll)
	if err != nil {
		return st, storageError(coll, err)
	}
	window := 0
	if coll == feed.CollReceipts {
		window = e.intSetting(ctx, SettingReceiptWindowDays, feed.DefaultReceiptWindowDays)
	}
	fctx, cancel := context.WithCancel(ctx)
	ch := make(chan fetched, 1)
	go func() {
		defer close(ch)
		cur := cursor
		for {
			pg, err := e.fetchPageRetrying(fctx, idx, coll, cur, window)
			select {
			case ch <- fetched{pg, err}:
			case <-fctx.Done():
				return
			}
			if err != nil || !pg.hasMore {
				return
			}
			cur = pg.next
		}
	}()
	defer func() {
		cancel()
		for range ch {
		}
	}()
	var first int64
	fresh := cursor == ""
	for f := range ch {
		if f.err != nil {
			return st, f.err
		}
		pg := f.pg
		prune := coll == feed.CollReceipts && !pg.hasMore && window > 0
		keep := int64(window+1) * 86400
		var skipped int
		var notes []string
		apply := func(p *localdb.FeedPage) error {
			// Rollups are settled once after all pages (settleRollups); the
			// backlog row commits with the page.
			p.DeferRollups()
			if err := pg.apply(p); err != nil {
				return err
			}
			skipped, notes = p.Skipped()
			if prune {
				return p.PruneReceipts(keep)
			}
			// A fresh read that fits one page is the whole collection:
			// what is not in it was dropped at HQ (after a 410 no
			// tombstone says so).
			if sw, ok := sweepable[coll]; ok && fresh && st.Pages == 0 && !pg.hasMore {
				n, err := p.Sweep(sw.table, keysJSON(pg.keys, sw.numeric))
				if n > 0 {
					e.log.Info("removed items HQ no longer lists", "collection", coll, "rows", n)
				}
				return err
			}
			return nil
		}
		rows, err := e.cfg.DB.ApplyFeedPage(ctx, e.feed, coll, pg.next, !pg.hasMore, apply)
		if err != nil {
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				return st, e.wrapTransport(coll, context.Canceled)
			}
			return st, storageError(coll, err)
		}
		st.Pages++
		st.Rows += int64(rows)
		if skipped > 0 {
			st.Skipped += int64(skipped)
			if len(st.SkipNotes) < 3 {
				st.SkipNotes = append(st.SkipNotes, notes[:min(len(notes), 3-len(st.SkipNotes))]...)
			}
			e.log.Warn("items left out: they point at a store or camera this laptop does not hold", "collection", coll, "items", skipped)
		}
		st.Bytes += pg.bytes
		if first == 0 && pg.firstT > 0 {
			first = pg.firstT
		}
		frac := 0.0
		if now := e.cfg.Now().Unix(); first > 0 && pg.lastT > first && now > first {
			frac = min(1, float64(pg.lastT-first)/float64(now-first))
		}
		e.pageDone(Progress{Phase: PhasePull, Collection: coll, Index: idx + 1, Items: st.Rows, Bytes: st.Bytes, Pages: st.Pages},
			int64(rows), pg.bytes, frac, !pg.hasMore)
	}
	return st, nil
}

// settleRollups refreshes the rollups the pages of this or an interrupted
// earlier run deferred, one store per transaction; quiet keeps it from
// reporting progress.
func (e *Engine) settleRollups(ctx context.Context, quiet bool) error {
	n, err := e.cfg.DB.RollupBacklog(ctx)
	if err != nil || n == 0 {
		return storageErrorOrNil("rollups", err)
	}
	err = e.cfg.DB.RefreshRollupBacklog(ctx, func(done, total int) {
		// Beside a pull, the pull's progress is what a person follows.
		if !quiet {
			e.emit(Progress{Phase: PhaseRollups, Collection: "rollups", Items: int64(done), Fraction: float64(done) / float64(total)})
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return e.wrapTransport("rollups", context.Canceled)
		}
		return storageError("rollups", err)
	}
	return nil
}

func storageErrorOrNil(coll string, err error) error {
	if err == nil {
		return nil
	}
	return storageError(coll, err)
}

// countingReader counts the bytes read through it, keeps the first read
// error and tells the stall watch about every byte.
type countingReader struct {
	r     io.Reader
	n     int64
	err   error
	watch *idleWatch
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.watch != nil {
		c.watch.alive()
	}
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// fetchPage requests one page and decodes it completely. A body shorter
// than announced, a broken gzip stream, malformed JSON or impossible
// content reject the page as a whole.
func (e *Engine) fetchPage(ctx context.Context, coll, cursor string, windowDays int) (*decodedPage, error) {
	dec, ok := decoders[coll]
	if !ok {
		return nil, &Error{Kind: ErrConfig, Collection: coll, What: say("what.unknown_coll"), Action: say("do.update")}
	}
	u, _, _ := e.resolve(feed.CollectionPath(coll))
	q := url.Values{}
	if cursor != "" {
		q.Set(feed.ParamCursor, cursor)
	} else if windowDays > 0 {
		q.Set(feed.ParamWindowDays, strconv.Itoa(windowDays))
	}
	if e.cfg.PageLimit > 0 {
		q.Set(feed.ParamLimit, strconv.Itoa(e.cfg.PageLimit))
	} else if l, ok := largestPage[coll]; ok {
		q.Set(feed.ParamLimit, strconv.Itoa(l))
	}
	u.RawQuery = q.Encode()
	pctx, cancel := context.WithTimeout(ctx, e.cfg.PageTimeout)
	defer cancel()
	req, err := e.newRequest(pctx, http.MethodGet, u, nil, true)
	if err != nil {
		return nil, e.wrapTransport(coll, err)
	}
	req.Header.Set("Accept", "application/json")
	// On loopback (the built-in demo chain) compressing costs both ends
	// more CPU than the bytes it saves; elsewhere it saves the network.
	if loopbackHost(e.base.Hostname()) {
		req.Header.Set("Accept-Encoding", "identity")
	} else {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, e.wrapTransport(coll, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, e.statusError(coll, resp)
	}
	// A connection that stops delivering is noticed, not waited on: no
	// byte for StallTimeout cancels the request, and the page is read again.
	stall := newIdleWatch(e.cfg.StallTimeout, cancel)
	defer stall.stop()
	cr := &countingReader{r: resp.Body, watch: stall}
	var body io.Reader = cr
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		gz, err := gzip.NewReader(cr)
		if err != nil {
			return nil, rejectedPage(coll, say("what.not_gzip", "Detail", scrub(err.Error(), e.secrets())), err)
		}
		defer gz.Close()
		body = gz
	}
	pg, err := dec(coll, body)
	if err != nil {
		if ctx.Err() != nil {
			return nil, e.wrapTransport(coll, ctx.Err())
		}
		if stall.fired() {
			return nil, &pageBreak{why: breakStalled, at: cr.n, err: e.wrapTransport(coll, context.DeadlineExceeded)}
		}
		if pctx.Err() != nil {
			return nil, &pageBreak{why: breakStalled, at: cr.n, err: e.wrapTransport(coll, pctx.Err())}
		}
		var se *Error
		if errors.As(err, &se) {
			return nil, err
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(cr.err, io.ErrUnexpectedEOF) {
			// The body ended before its announced length.
			return nil, &pageBreak{why: breakCut, at: cr.n, err: rejectedPage(coll, say("what.cut_short"), scrubbedError{scrub(err.Error(), e.secrets())})}
		}
		if cr.err != nil && !errors.Is(cr.err, io.EOF) {
			// The connection broke while the body arrived (reset, a
			// proxy giving up): the network's fault, and a read to repeat.
			return nil, &pageBreak{why: breakDropped, at: cr.n, err: rejectedPage(coll,
				say("what.dropped", "Detail", scrub(rootCause(cr.err), e.secrets())), scrubbedError{scrub(cr.err.Error(), e.secrets())})}
		}
		what := say("what.unreadable", "Detail", scrub(err.Error(), e.secrets()))
		return nil, rejectedPage(coll, what, scrubbedError{scrub(err.Error(), e.secrets())})
	}
	// Anything left unread (or a read error at the very end) means the body
	// did not match what was announced.
	if n, err := io.Copy(io.Discard, body); err != nil || n > 0 {
		return nil, rejectedPage(coll, say("what.overlong"), err)
	}
	pg.bytes = cr.n
	return pg, nil
}

// loopbackHost reports whether host names this machine.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// largestPage asks for big pages of the big collections: fewer round trips
// and transactions.
var largestPage = map[string]int{
	feed.CollCounts: 5000, feed.CollPOSHourly: 50000, feed.CollReceipts: 20000, feed.CollShifts: 50000,
	feed.CollAlerts: 20000, feed.CollWeather: 20000, feed.CollSnapshots: 20000,
}

type decodeFunc func(coll string, r io.Reader) (*decodedPage, error)

// decodePage reads a Page[T] and prepares its storing: tombstones first,
// then the items (the current state wins).
func decodePage[T any](coll string, r io.Reader, timeOf func(*T) int64, put func(*localdb.FeedPage, *T) error, del func(*localdb.FeedPage, string) error) (*decodedPage, error) {
	var pg feed.Page[T]
	dec := json.NewDecoder(r)
	if err := dec.Decode(&pg); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("more data after the page")
		}
		return nil, err
	}
	if pg.Collection != "" && pg.Collection != coll {
		return nil, rejectedPage(coll, say("what.wrong_coll", "Got", fmt.Sprintf("%q", pg.Collection)), nil)
	}
	if pg.HasMore && pg.NextCursor == "" {
		return nil, rejectedPage(coll, say("what.no_cursor"), nil)
	}
	d := &decodedPage{next: pg.NextCursor, hasMore: pg.HasMore, items: len(pg.Items)}
	for i := range pg.Items {
		if k, ok := any(pg.Items[i]).(interface{ Key() string }); ok {
			d.keys = append(d.keys, k.Key())
		}
	}
	if timeOf != nil {
		for i := range pg.Items {
			t := timeOf(&pg.Items[i])
			if d.firstT == 0 || t < d.firstT {
				d.firstT = t
			}
			d.lastT = max(d.lastT, t)
		}
	}
	d.apply = func(p *localdb.FeedPage) error {
		for _, t := range pg.Tombstones {
			if err := del(p, t.ID); err != nil {
				return fmt.Errorf("deleting %s: %w", t.ID, err)
			}
		}
		for i := range pg.Items {
			if err := put(p, &pg.Items[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return d, nil
}

func byID(f func(*localdb.FeedPage, int64) error) func(*localdb.FeedPage, string) error {
	return func(p *localdb.FeedPage, key string) error {
		id, err := localdb.ParseKeyInt(key)
		if err != nil {
			return err
		}
		return f(p, id)
	}
}

func splitKey(key string) (string, string, error) {
	i := strings.LastIndexByte(key, '/')
	if i <= 0 || i == len(key)-1 {
		return "", "", fmt.Errorf("key %q is not of the form a/b", key)
	}
	return key[:i], key[i+1:], nil
}

func storeOf(s *feed.Store) localdb.Store {
	out := localdb.Store{ID: s.ID, Code: s.Code, Name: s.Name, RegionID: s.RegionID, Address: s.Address, City: s.City,
		AreaSqm: s.AreaSqm, TimeZone: s.TimeZone, OpenedOn: s.OpenedOn, ClosedOn: s.ClosedOn, StaffCount: s.StaffCount, Tags: s.Tags}
	for _, h := range s.Hours {
		out.Hours = append(out.Hours, localdb.OpeningHours{ValidFrom: h.ValidFrom, ValidTo: h.ValidTo, Weekdays: localdb.Weekdays(h.Weekdays),
			Opens: h.Opens, Closes: h.Closes, Priority: h.Priority})
	}
	return out
}

var decoders = map[string]decodeFunc{
	feed.CollRegions: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.Region) error {
			if x.ID == "" || x.TimeZone == "" {
				return fmt.Errorf("region %q has no id or time zone", x.Name)
			}
			if _, err := time.LoadLocation(x.TimeZone); err != nil {
				return fmt.Errorf("region %s: time zone %q is unknown", x.ID, x.TimeZone)
			}
			return p.UpsertRegion(localdb.Region{ID: x.ID, Name: x.Name, TimeZone: x.TimeZone})
		}, func(p *localdb.FeedPage, k string) error { return p.DeleteRegion(k) })
	},
	feed.CollStores: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.Store) error {
			if _, err := time.LoadLocation(x.TimeZone); err != nil || x.TimeZone == "" {
				return fmt.Errorf("store %s: time zone %q is unknown", x.Code, x.TimeZone)
			}
			return p.UpsertStore(storeOf(x))
		}, byID((*localdb.FeedPage).DeleteStore))
	},
	feed.CollCameras: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.Camera) error {
			cam := localdb.Camera{ID: x.ID, Code: x.Code, StoreID: x.StoreID, Name: x.Name, Role: x.Role, StreamURL: x.StreamURL,
				SnapshotURL: x.SnapshotURL, FrameWidth: x.FrameWidth, FrameHeight: x.FrameHeight}
			for _, l := range x.Lines {
				cam.Lines = append(cam.Lines, localdb.CountingLine{Kind: l.Kind, Points: l.Points})
			}
			return p.UpsertCamera(cam)
		}, byID((*localdb.FeedPage).DeleteCamera))
	},
	feed.CollStaff: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.Staff) error {
			return p.UpsertStaff(localdb.StaffMember{ID: x.ID, Code: x.Code, StoreID: x.StoreID, Name: x.Name, Role: x.Role, MemberCard: x.MemberCard})
		}, byID((*localdb.FeedPage).DeleteStaff))
	},
	feed.CollShifts: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, func(x *feed.Shift) int64 { return x.Starts }, func(p *localdb.FeedPage, x *feed.Shift) error {
			return p.UpsertShift(localdb.Shift{ID: x.ID, StoreID: x.StoreID, StaffID: x.StaffID, Starts: x.Starts, Ends: x.Ends})
		}, byID((*localdb.FeedPage).DeleteShift))
	},
	feed.CollWeather: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, func(x *feed.Weather) int64 { return dayUnix(x.Day) }, func(p *localdb.FeedPage, x *feed.Weather) error {
			return p.UpsertWeather(localdb.Weather{City: x.City, Day: x.Day, Condition: x.Condition, TempMinC: x.TempMinC, TempMaxC: x.TempMaxC, PrecipMM: x.PrecipMM})
		}, func(p *localdb.FeedPage, k string) error {
			city, day, err := splitKey(k)
			if err != nil {
				return err
			}
			return p.DeleteWeather(city, day)
		})
	},
	feed.CollCounts: func(c string, r io.Reader) (*decodedPage, error) {
		var buf []localdb.CountBucket
		return decodePage(c, r, func(x *feed.CountDay) int64 { return x.First }, func(p *localdb.FeedPage, x *feed.CountDay) error {
			buf = buf[:0]
			for k, b := range x.Buckets {
				buf = append(buf, localdb.CountBucket{Start: x.Start(k), Entries: b[feed.BucketEntries], Exits: b[feed.BucketExits],
					PassersBy: b[feed.BucketPassersBy], StaffExcluded: b[feed.BucketStaffExcluded], Reentries: b[feed.BucketReentries],
					DwellSumS: float64(b[feed.BucketDwellSumS]), DwellN: b[feed.BucketDwellN]})
			}
			return p.ReplaceCountDay(x.CameraID, x.StoreID, x.Day, buf)
		}, func(p *localdb.FeedPage, k string) error {
			cam, day, err := splitKey(k)
			if err != nil {
				return err
			}
			id, err := localdb.ParseKeyInt(cam)
			if err != nil {
				return err
			}
			return p.DeleteCountDay(id, day)
		})
	},
	feed.CollPOSHourly: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, func(x *feed.POSHour) int64 { return x.HourStart }, func(p *localdb.FeedPage, x *feed.POSHour) error {
			return p.UpsertPOSHour(localdb.POSHour{StoreID: x.StoreID, HourStart: x.HourStart, Receipts: x.Receipts, Items: x.Items,
				SalesFen: x.SalesFen, Refunds: x.Refunds, StaffPurchases: x.StaffPurchases})
		}, func(p *localdb.FeedPage, k string) error {
			s, h, err := splitKey(k)
			if err != nil {
				return err
			}
			store, err1 := localdb.ParseKeyInt(s)
			hour, err2 := localdb.ParseKeyInt(h)
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			return p.DeletePOSHour(store, hour)
		})
	},
	feed.CollReceipts: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, func(x *feed.Receipt) int64 { return x.T }, func(p *localdb.FeedPage, x *feed.Receipt) error {
			rc := localdb.Receipt{ID: x.ID, StoreID: x.StoreID, ReceiptNo: x.ReceiptNo, T: x.T, Till: x.Till, AmountFen: x.AmountFen,
				DiscountFen: x.DiscountFen, Cashier: x.Cashier, MemberCard: x.MemberCard, IsRefund: x.IsRefund, IsStaffPurchase: x.IsStaffPurchase,
				Lines: make([]localdb.ReceiptLine, len(x.Lines))}
			for i, l := range x.Lines {
				rc.Lines[i] = localdb.ReceiptLine{SKU: l.SKU, Name: l.Name, Qty: l.Qty, UnitPriceFen: l.UnitPriceFen, AmountFen: l.AmountFen}
			}
			return p.UpsertReceipt(rc)
		}, byID((*localdb.FeedPage).DeleteReceipt))
	},
	feed.CollAlerts: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, func(x *feed.CameraAlert) int64 { return x.StartedAt }, func(p *localdb.FeedPage, x *feed.CameraAlert) error {
			if x.Detail != "" && !json.Valid([]byte(x.Detail)) {
				return fmt.Errorf("alert %s: detail is not JSON", x.ID)
			}
			return p.UpsertCameraAlert(localdb.DeviceAlert{RemoteID: x.ID, CameraID: x.CameraID, Kind: x.Kind, StartedAt: x.StartedAt,
				EndedAt: x.EndedAt, Measure: x.Measure, Detail: x.Detail})
		}, func(p *localdb.FeedPage, k string) error { return p.DeleteCameraAlert(k) })
	},
	feed.CollRecordings: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.Recording) error {
			if x.OnRequest {
				x.Size, x.SHA256 = 0, "" // told by the export
			} else if len(x.SHA256) != 64 || x.Size <= 0 {
				return fmt.Errorf("recording %s: no usable size or SHA-256 in HQ's index", x.ID)
			}
			return p.UpsertRecording(localdb.Recording{RemoteID: x.ID, CameraID: x.CameraID, Starts: x.Starts, DurationS: x.DurationS,
				Size: x.Size, SHA256: strings.ToLower(x.SHA256), URL: x.URL})
		}, func(p *localdb.FeedPage, k string) error { return p.DeleteRecording(k) })
	},
	feed.CollInspectionSchedules: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.InspectionSchedule) error {
			return p.UpsertInspectionSchedule(localdb.InspectionSchedule{RemoteID: x.ID, Name: x.Name, StoreID: x.StoreID, CameraRole: x.CameraRole,
				Weekdays: localdb.Weekdays(x.Weekdays), Times: x.Times, Active: x.Active, StartsOn: x.StartsOn, Tag: x.Tag, StoreIDs: x.StoreIDs})
		}, func(p *localdb.FeedPage, k string) error { return p.DeleteInspectionSchedule(k) })
	},
	feed.CollSnapshots: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, func(x *feed.Snapshot) int64 { return x.T }, func(p *localdb.FeedPage, x *feed.Snapshot) error {
			return p.UpsertSnapshot(localdb.Snapshot{RemoteID: x.ID, CameraID: x.CameraID, ScheduleRemoteID: x.ScheduleID, T: x.T,
				Source: x.Source, URL: x.URL, SHA256: x.SHA256})
		}, func(p *localdb.FeedPage, k string) error { return p.DeleteSnapshot(k) })
	},
	feed.CollTaskStatus: func(c string, r io.Reader) (*decodedPage, error) {
		return decodePage(c, r, nil, func(p *localdb.FeedPage, x *feed.TaskStatusChange) error {
			_, err := p.ApplyTaskStatusChange(localdb.TaskStatusChange{RemoteID: x.ID, TaskID: x.TaskID, Status: x.Status,
				At: time.Unix(x.At, 0), Actor: x.Actor, By: x.By, Note: x.Note, Photo: x.PhotoJPEG, Source: "hq"})
			return err
		}, func(p *localdb.FeedPage, k string) error { return p.DeleteTaskStatusChange(k) })
	},
}

func dayUnix(day string) int64 {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return 0
	}
	return t.Unix()
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// intSetting reads a whole-number setting, or def when unset or unusable.
func (e *Engine) intSetting(ctx context.Context, key string, def int) int {
	v, ok, err := e.cfg.DB.Setting(ctx, key)
	if err != nil || !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		e.log.Warn("setting is not a whole number; using the default", "key", key, "value", v, "default", def)
		return def
	}
	return n
}
