package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// This file is the local half of the HQ feed: typed writes of every synced
// collection's rows, and the per-collection cursors. The sync engine opens a
// FeedPage for each page it receives; the page's rows, its tombstones, the
// rollups they touch and the collection's next cursor all commit in one
// transaction, so a crash (or kill -9) at any moment leaves either the whole
// page or nothing of it, and the next run continues from the stored cursor.

// FeedCursor returns the stored cursor of a feed's collection ("" to read
// from the start) and when the collection was last read to its end (zero if
// never).
func (db *DB) FeedCursor(ctx context.Context, feed, collection string) (cursor string, completeAt time.Time, err error) {
	var done sql.NullInt64
	err = db.r.QueryRowContext(ctx, `SELECT cursor, complete_at FROM sync_cursors WHERE feed = ? AND collection = ?`, feed, collection).Scan(&cursor, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, MapError(err)
	}
	if done.Valid {
		completeAt = time.Unix(done.Int64, 0)
	}
	return cursor, completeAt, nil
}

// LastCompleteSync is when the newest complete read of any collection
// ended; zero before the first.
func (db *DB) LastCompleteSync(ctx context.Context) (time.Time, error) {
	var last int64
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(complete_at), 0) FROM sync_cursors`).Scan(&last); err != nil {
		return time.Time{}, MapError(err)
	}
	if last == 0 {
		return time.Time{}, nil
	}
	return time.Unix(last, 0), nil
}

// ResetFeedCursors forgets every cursor of a feed, so the next sync reads
// every collection from the start (HQ answered "cursor expired"). Stored
// rows and the outbox stay: a re-read upserts over them.
func (db *DB) ResetFeedCursors(ctx context.Context, feed string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sync_cursors SET cursor = '' WHERE feed = ?`, feed)
	return MapError(err)
}

// ResetFeedCursor forgets the cursor of one collection of a feed.
func (db *DB) ResetFeedCursor(ctx context.Context, feed, collection string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sync_cursors SET cursor = '' WHERE feed = ? AND collection = ?`, feed, collection)
	return MapError(err)
}

// ApplyFeedPage writes one page of a feed's collection in one transaction:
// fn stores the page's items and tombstones through p, then the rollups of
// every store and time range the page touched are refreshed and the
// collection's cursor becomes next (and, when complete, the collection is
// marked read to its end). If fn or anything after it fails, nothing of the
// page is kept. It returns the number of rows written.
func (db *DB) ApplyFeedPage(ctx context.Context, feed, collection, next string, complete bool, fn func(p *FeedPage) error) (int, error) {
	var rows int
	var remove []string
	err := db.write(ctx, func(tx *sql.Tx) error {
		// Pages are large and touch B-tree pages all over the count and
		// receipt tables; a bigger page cache on the writer saves rewriting
		// the same pages many times per transaction.
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -196608`); err != nil {
			return err
		}
		p := &FeedPage{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}, touched: map[int64]*span{},
			zones: map[int64]*time.Location{}, camStore: map[int64]int64{}}
		defer p.close()
		if err := fn(p); err != nil {
			return err
		}
		if err := p.finish(); err != nil {
			return err
		}
		var done any
		if complete {
			done = time.Now().Unix()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_cursors(feed, collection, cursor, complete_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(feed, collection) DO UPDATE SET cursor = excluded.cursor, complete_at = COALESCE(excluded.complete_at, complete_at)`,
			feed, collection, next, done); err != nil {
			return err
		}
		rows, remove = p.rows, p.removeFiles
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, f := range remove {
		os.Remove(f)
	}
	return rows, nil
}

// FeedPage writes the rows of one page inside ApplyFeedPage's transaction.
// Bulk rows (counts, POS hours, receipts) are batched into multi-row
// statements; they are all flushed before the page commits. A FeedPage is
// not safe for concurrent use.
type FeedPage struct {
	ctx         context.Context
	tx          *sql.Tx
	stmts       map[string]*sql.Stmt
	touched     map[int64]*span
	zones       map[int64]*time.Location
	camStore    map[int64]int64
	countDays   map[[2]int64]bool // camera-days replaced by this page
	parents     map[parentKey]bool
	skipped     int
	skipNotes   []string
	rows        int
	removeFiles []string
	deferRollup bool
	counts      *batcher
	posHours    *batcher
	receipts    *batcher
	lines       *batcher
}

type span struct{ from, to int64 }

func (p *FeedPage) close() {
	for _, s := range p.stmts {
		s.Close()
	}
}

// Rows is the number of rows written so far.
func (p *FeedPage) Rows() int { return p.rows }

func (p *FeedPage) stmt(query string) (*sql.Stmt, error) {
	if s, ok := p.stmts[query]; ok {
		return s, nil
	}
	s, err := p.tx.PrepareContext(p.ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = s
	return s, nil
}

func (p *FeedPage) exec(query string, args ...any) (sql.Result, error) {
	s, err := p.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(p.ctx, args...)
}

// touch records that a store's rollups over [from, to) need refreshing.
func (p *FeedPage) touch(storeID, from, to int64) {
	if s, ok := p.touched[storeID]; ok {
		s.from, s.to = min(s.from, from), max(s.to, to)
		return
	}
	p.touched[storeID] = &span{from, to}
}

func (p *FeedPage) finish() error {
	for _, b := range []*batcher{p.counts, p.posHours, p.receipts, p.lines} {
		if b != nil {
			if err := b.flush(); err != nil {
				return err
			}
		}
	}
	for id, s := range p.touched {
		if p.deferRollup {
			if _, err := p.exec(`INSERT INTO rollup_backlog(store_id, from_t, to_t, seq) VALUES (?, ?, ?, ?)
				ON CONFLICT(store_id) DO UPDATE SET from_t = min(from_t, excluded.from_t), to_t = max(to_t, excluded.to_t), seq = excluded.seq`,
				id, s.from, s.to, nextBacklogSeq()); err != nil {
				return err
			}
			continue
		}
		if err := refreshRollups(p.ctx, p.tx, id, time.Unix(s.from, 0), time.Unix(s.to, 0)); err != nil {
			return err
		}
	}
	return nil
}

// DeferRollups makes the page record the stores and spans it touched in the
// rollup backlog (same transaction) instead of refreshing their rollups
// now; RefreshRollupBacklog settles them later. A sync reading many pages
// of several collections over the same days computes each day once.
func (p *FeedPage) DeferRollups() { p.deferRollup = true }

// RollupBacklog is the number of stores whose rollups a sync still owes.
func (db *DB) RollupBacklog(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM rollup_backlog`).Scan(&n)
	return n, MapError(err)
}

// backlogSeq numbers the versions of rollup backlog rows; seeded from the
// clock so numbers stay unique across runs and processes.
var backlogSeq atomic.Int64

func init() { backlogSeq.Store(time.Now().UnixNano()) }

func nextBacklogSeq() int64 { return backlogSeq.Add(1) }

// RefreshRollupBacklog refreshes the rollups recorded by deferred pages,
// one store per transaction (the refresh and the removal of its backlog row
// commit together), calling progress after each store.
//
// The rollups of the next store are computed on a reader connection while
// the writer stores the previous one, so the two cores share the work. A
// store whose backlog row changed since its snapshot was read (a page or a
// recount touched it meanwhile) is computed again inside the writer's
// transaction, so older figures never overwrite newer ones.
func (db *DB) RefreshRollupBacklog(ctx context.Context, progress func(done, total int)) error {
	type item struct{ store, from, to, seq int64 }
	rows, err := db.w.QueryContext(ctx, `SELECT store_id, from_t, to_t, seq FROM rollup_backlog ORDER BY store_id`)
	if err != nil {
		return MapError(err)
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.store, &it.from, &it.to, &it.seq); err != nil {
			rows.Close()
			return err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return MapError(err)
	}
	type computed struct {
		store, seq int64 // seq -1: compute in the writer
		set        *rollupSet
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan computed, 1)
	go func() {
		defer close(ch)
		for _, it := range items {
			c := computed{store: it.store, seq: -1}
			if db.r != nil {
				if seq, set, err := db.snapshotRollups(cctx, it.store); err == nil {
					c.seq, c.set = seq, set
				}
			}
			select {
			case ch <- c:
			case <-cctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel()
		for range ch {
		}
	}()
	i := 0
	for c := range ch {
		err := db.write(ctx, func(tx *sql.Tx) error {
			// Re-read the row: a page may have widened it since.
			var from, to, seq int64
			err := tx.QueryRowContext(ctx, `SELECT from_t, to_t, seq FROM rollup_backlog WHERE store_id = ?`, c.store).Scan(&from, &to, &seq)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			if seq == c.seq && c.seq >= 0 {
				if c.set != nil {
					if err := c.set.write(ctx, tx); err != nil {
						return err
					}
				}
			} else if err := refreshRollups(ctx, tx, c.store, time.Unix(from, 0), time.Unix(to, 0)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `DELETE FROM rollup_backlog WHERE store_id = ?`, c.store)
			return err
		})
		if err != nil {
			return fmt.Errorf("refresh the figures of store %d: %w", c.store, err)
		}
		i++
		if progress != nil {
			progress(i, len(items))
		}
	}
	return ctx.Err()
}

// snapshotRollups computes a store's owed rollups from one read snapshot:
// the backlog row's seq and span, and the rows computed from the data as of
// that same snapshot. seq is -1 when the store owes nothing.
func (db *DB) snapshotRollups(ctx context.Context, store int64) (int64, *rollupSet, error) {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return -1, nil, err
	}
	defer tx.Rollback()
	var from, to, seq int64
	if err := tx.QueryRowContext(ctx, `SELECT from_t, to_t, seq FROM rollup_backlog WHERE store_id = ?`, store).Scan(&from, &to, &seq); err != nil {
		return -1, nil, err
	}
	set, err := computeRollups(ctx, tx, store, time.Unix(from, 0), time.Unix(to, 0))
	return seq, set, err
}

// batcher accumulates rows of one bulk INSERT and executes it every max
// rows, so a page of a million values costs a few hundred statements, not
// a million. The rows travel as one JSON array (see jsonrows.go).
type batcher struct {
	p     *FeedPage
	query string
	max   int
	buf   []byte
	n     int
	// before, when set, runs ahead of each flush with the batch's rows as
	// JSON (an array of arrays in the tuple's order).
	before func(rows string) error
}

// newBatcher prepares a bulk INSERT: head is "INSERT INTO t(cols) VALUES ",
// tuple the VALUES template of one row with a "?" per value, tail the
// ON CONFLICT clause.
func (p *FeedPage) newBatcher(head, tuple, tail string, max int) *batcher {
	head = strings.TrimSpace(head)
	head = strings.TrimSpace(strings.TrimSuffix(head, "VALUES"))
	q := head + ` SELECT ` + jsonSelect(tuple) + ` FROM jsonb_each(jsonb(?)) WHERE true ` + tail
	return &batcher{p: p, query: q, max: max}
}

func (b *batcher) add(args ...any) error {
	if b.n == 0 {
		b.buf = append(b.buf[:0], '[')
	} else {
		b.buf = append(b.buf, ',')
	}
	var err error
	if b.buf, err = appendJSONRow(b.buf, args); err != nil {
		return err
	}
	b.n++
	if b.n == b.max {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if b.n == 0 {
		return nil
	}
	rows := string(append(b.buf, ']'))
	n := b.n
	b.buf, b.n = b.buf[:0], 0
	if b.before != nil {
		if err := b.before(rows); err != nil {
			return err
		}
	}
	if _, err := b.p.exec(b.query, rows); err != nil {
		return err
	}
	b.p.rows += n
	return nil
}

func (p *FeedPage) zone(storeID int64) (*time.Location, error) {
	if l, ok := p.zones[storeID]; ok {
		return l, nil
	}
	var name string
	if err := p.tx.QueryRowContext(p.ctx, `SELECT time_zone FROM stores WHERE id = ?`, storeID).Scan(&name); err != nil {
		return nil, fmt.Errorf("store %d: %w", storeID, MapError(err))
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("store %d: time zone %q is unknown: %v", storeID, name, err)
	}
	p.zones[storeID] = l
	return l, nil
}

func (p *FeedPage) cameraStore(cameraID int64) (int64, error) {
	if s, ok := p.camStore[cameraID]; ok {
		return s, nil
	}
	var s int64
	if err := p.tx.QueryRowContext(p.ctx, `SELECT store_id FROM cameras WHERE id = ?`, cameraID).Scan(&s); err != nil {
		return 0, fmt.Errorf("camera %d: %w", cameraID, MapError(err))
	}
	p.camStore[cameraID] = s
	return s, nil
}

// localDay is the UTC span of the local day 'YYYY-MM-DD' of a store.
func (p *FeedPage) localDay(storeID int64, day string) (from, to int64, err error) {
	loc, err := p.zone(storeID)
	if err != nil {
		return 0, 0, err
	}
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	if err != nil {
		return 0, 0, fmt.Errorf("day %q is not YYYY-MM-DD", day)
	}
	return d.Unix(), d.AddDate(0, 0, 1).Unix(), nil
}

// parentKey names a row items point at: a region, store or camera.
type parentKey struct {
	table string
	id    int64
	key   string // for string keys (regions)
}

func newParentKey(table string, id any) parentKey {
	switch v := id.(type) {
	case int64:
		return parentKey{table: table, id: v}
	case string:
		return parentKey{table: table, key: v}
	}
	return parentKey{table: table, key: fmt.Sprint(id)}
}

// hasParent reports whether the page's database holds the row items of
// the page point at; answers are cached for the page.
func (p *FeedPage) hasParent(table, col string, id any) (bool, error) {
	k := newParentKey(table, id)
	if ok, seen := p.parents[k]; seen {
		return ok, nil
	}
	var one int
	err := p.tx.QueryRowContext(p.ctx, `SELECT 1 FROM `+table+` WHERE `+col+` = ?`, id).Scan(&one)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if p.parents == nil {
		p.parents = map[parentKey]bool{}
	}
	p.parents[k] = err == nil
	return err == nil, nil
}

// setParent records that the page stored (or removed) a parent row.
func (p *FeedPage) setParent(table string, id any, ok bool) {
	if p.parents == nil {
		p.parents = map[parentKey]bool{}
	}
	p.parents[newParentKey(table, id)] = ok
}

// orphan reports whether an item points at a store (and camera, when
// cameraID is not 0) this machine does not hold; such an item is left out
// and counted (Skipped) instead of failing the page, which would stop the
// collection at this page on every run.
func (p *FeedPage) orphan(what string, storeID, cameraID int64) (bool, error) {
	if storeID != 0 {
		ok, err := p.hasParent("stores", "id", storeID)
		if err != nil || !ok {
			if err == nil {
				p.skip(fmt.Sprintf("%s (store %d is not known)", what, storeID))
			}
			return !ok, err
		}
	}
	if cameraID != 0 {
		ok, err := p.hasParent("cameras", "id", cameraID)
		if err != nil || !ok {
			if err == nil {
				p.skip(fmt.Sprintf("%s (camera %d is not known)", what, cameraID))
			}
			return !ok, err
		}
	}
	return false, nil
}

func (p *FeedPage) skip(note string) {
	p.skipped++
	if len(p.skipNotes) < 3 {
		p.skipNotes = append(p.skipNotes, note)
	}
}

// Skipped is the number of items the page left out because they point at
// a region, store or camera this machine does not hold (HQ removed it, or
// lists the item before its parent), and a few of them in words.
func (p *FeedPage) Skipped() (int, []string) { return p.skipped, p.skipNotes }

// --- regions and stores ---

// UpsertRegion stores a region.
func (p *FeedPage) UpsertRegion(r Region) error {
	p.rows++
	return upsertRegion(p.ctx, p.tx, r)
}

// DeleteRegion removes a region that has no stores left.
func (p *FeedPage) DeleteRegion(id string) error {
	_, err := p.exec(`DELETE FROM regions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM stores WHERE region_id = ?)`, id, id)
	return err
}

// UpsertStore stores a store with its tags and opening hours.
func (p *FeedPage) UpsertStore(s Store) error {
	if ok, err := p.hasParent("regions", "id", s.RegionID); err != nil {
		return err
	} else if !ok {
		p.skip(fmt.Sprintf("store %s (region %s is not known)", s.Code, s.RegionID))
		return nil
	}
	p.setParent("stores", s.ID, true)
	p.rows++
	delete(p.zones, s.ID)
	return upsertStore(p.ctx, p.tx, s)
}

// DeleteStore removes a store and everything hanging off it.
func (p *FeedPage) DeleteStore(id int64) error {
	p.parents = nil // its cameras go with it
	return deleteStore(p.ctx, p.tx, id)
}

// --- cameras and staff ---

// Camera is one camera of a store with its counting geometry.
type Camera struct {
	ID          int64
	Code        string
	StoreID     int64
	Name        string
	Role        string // entrance, storefront, till, floor
	StreamURL   string
	SnapshotURL string
	FrameWidth  int
	FrameHeight int
	Lines       []CountingLine
}

// CountingLine is a line or zone of a camera in image pixels: Kind is
// entrance, outside, staff_zone or till_zone; Points "x1,y1,x2,y2[,…]".
type CountingLine struct {
	Kind   string
	Points string
}

// UpsertCamera stores a camera and replaces its counting lines.
func (p *FeedPage) UpsertCamera(c Camera) error {
	if skip, err := p.orphan("camera "+c.Code, c.StoreID, 0); skip || err != nil {
		return err
	}
	p.setParent("cameras", c.ID, true)
	if _, err := p.exec(`INSERT INTO cameras(id, code, store_id, name, role, stream_url, snapshot_url, frame_width, frame_height)
		VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0))
		ON CONFLICT(id) DO UPDATE SET code = excluded.code, store_id = excluded.store_id, name = excluded.name, role = excluded.role,
			stream_url = excluded.stream_url, snapshot_url = excluded.snapshot_url, frame_width = excluded.frame_width,
			frame_height = excluded.frame_height, updated_at = unixepoch()`,
		c.ID, c.Code, c.StoreID, c.Name, c.Role, c.StreamURL, c.SnapshotURL, c.FrameWidth, c.FrameHeight); err != nil {
		return fmt.Errorf("camera %s: %w", c.Code, err)
	}
	p.camStore[c.ID] = c.StoreID
	if _, err := p.exec(`DELETE FROM counting_lines WHERE camera_id = ?`, c.ID); err != nil {
		return err
	}
	for _, l := range c.Lines {
		if _, err := p.exec(`INSERT INTO counting_lines(camera_id, kind, points) VALUES (?, ?, ?)`, c.ID, l.Kind, l.Points); err != nil {
			return fmt.Errorf("camera %s line %s: %w", c.Code, l.Kind, err)
		}
	}
	p.rows++
	return nil
}

// DeleteCamera removes a camera with its counts, footage index and alerts.
func (p *FeedPage) DeleteCamera(id int64) error {
	p.setParent("cameras", id, false)
	_, err := p.exec(`DELETE FROM cameras WHERE id = ?`, id)
	return err
}

// StaffMember is one member of a store's staff.
type StaffMember struct {
	ID         int64
	Code       string
	StoreID    int64
	Name       string
	Role       string
	MemberCard string // '' when none
}

// UpsertStaff stores a staff member.
func (p *FeedPage) UpsertStaff(s StaffMember) error {
	if skip, err := p.orphan("staff member "+s.Code, s.StoreID, 0); skip || err != nil {
		return err
	}
	if s.Role == "" {
		s.Role = "sales"
	}
	_, err := p.exec(`INSERT INTO staff(id, code, store_id, name, role, member_card) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''))
		ON CONFLICT(id) DO UPDATE SET code = excluded.code, store_id = excluded.store_id, name = excluded.name,
			role = excluded.role, member_card = excluded.member_card`,
		s.ID, s.Code, s.StoreID, s.Name, s.Role, s.MemberCard)
	if err != nil {
		return fmt.Errorf("staff %s: %w", s.Code, err)
	}
	p.rows++
	return nil
}

// DeleteStaff removes a staff member; their shifts stay without a name.
func (p *FeedPage) DeleteStaff(id int64) error {
	_, err := p.exec(`DELETE FROM staff WHERE id = ?`, id)
	return err
}

// Shift is one staff member on shift at a store, UTC Unix seconds.
type Shift struct {
	ID      int64
	StoreID int64
	StaffID int64
	Starts  int64
	Ends    int64
}

// UpsertShift stores a shift and marks the store's rollups over it stale.
func (p *FeedPage) UpsertShift(s Shift) error {
	if skip, err := p.orphan(fmt.Sprintf("shift %d", s.ID), s.StoreID, 0); skip || err != nil {
		return err
	}
	if s.Ends <= s.Starts {
		return fmt.Errorf("shift %d of store %d ends before it starts", s.ID, s.StoreID)
	}
	// A shift of someone no longer on the staff list keeps its hours.
	_, err := p.exec(`INSERT INTO staff_shifts(id, store_id, staff_id, starts, ends) VALUES (?, ?, (SELECT id FROM staff WHERE id = ?), ?, ?)
		ON CONFLICT(id) DO UPDATE SET store_id = excluded.store_id, staff_id = excluded.staff_id, starts = excluded.starts, ends = excluded.ends`,
		s.ID, s.StoreID, s.StaffID, s.Starts, s.Ends)
	if err != nil {
		return fmt.Errorf("shift %d: %w", s.ID, err)
	}
	p.touch(s.StoreID, s.Starts, s.Ends)
	p.rows++
	return nil
}

// DeleteShift removes a shift.
func (p *FeedPage) DeleteShift(id int64) error {
	var store, starts, ends int64
	err := p.tx.QueryRowContext(p.ctx, `SELECT store_id, starts, ends FROM staff_shifts WHERE id = ?`, id).Scan(&store, &starts, &ends)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := p.exec(`DELETE FROM staff_shifts WHERE id = ?`, id); err != nil {
		return err
	}
	p.touch(store, starts, ends)
	return nil
}

// --- weather ---

// Weather is one city's weather on one local day.
type Weather struct {
	City      string
	Day       string // 'YYYY-MM-DD'
	Condition string // sunny, cloudy, rain, heavy_rain, snow, fog
	TempMinC  float64
	TempMaxC  float64
	PrecipMM  float64
}

// UpsertWeather stores a city's weather of a day.
func (p *FeedPage) UpsertWeather(w Weather) error {
	_, err := p.exec(`INSERT INTO weather(city, day, condition, temp_min_c, temp_max_c, precip_mm) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(city, day) DO UPDATE SET condition = excluded.condition, temp_min_c = excluded.temp_min_c,
			temp_max_c = excluded.temp_max_c, precip_mm = excluded.precip_mm`,
		w.City, w.Day, w.Condition, w.TempMinC, w.TempMaxC, w.PrecipMM)
	if err != nil {
		return fmt.Errorf("weather of %s on %s: %w", w.City, w.Day, err)
	}
	p.rows++
	return nil
}

// DeleteWeather removes a city's weather of a day.
func (p *FeedPage) DeleteWeather(city, day string) error {
	_, err := p.exec(`DELETE FROM weather WHERE city = ? AND day = ?`, city, day)
	return err
}

// --- device counts ---

// CountBucket is one camera's device count over the 15 minutes from Start
// (UTC Unix seconds, a multiple of 900). Entries are after staff exclusion
// and re-entry de-duplication.
type CountBucket struct {
	Start         int64
	Entries       int64
	Exits         int64
	PassersBy     int64
	StaffExcluded int64
	Reentries     int64
	DwellSumS     float64
	DwellN        int64
}

// ReplaceCountDay replaces a camera's device counts of one local day with
// buckets: buckets of the day not given are removed (unknown), so a
// re-delivered day never leaves a stale bucket behind.
func (p *FeedPage) ReplaceCountDay(cameraID, storeID int64, day string, buckets []CountBucket) error {
	if skip, err := p.orphan(fmt.Sprintf("counts of camera %d on %s", cameraID, day), storeID, cameraID); skip || err != nil {
		return err
	}
	from, to, err := p.localDay(storeID, day)
	if err != nil {
		return fmt.Errorf("counts of camera %d: %w", cameraID, err)
	}
	// The day's old buckets go first, so its new ones insert without
	// conflict. Should a page carry the same camera-day twice, the first
	// one's rows still waiting in the batch are written before the delete.
	key := [2]int64{cameraID, from}
	if p.countDays == nil {
		p.countDays = map[[2]int64]bool{}
	}
	if p.countDays[key] {
		if err := p.counts.flushIfAny(); err != nil {
			return err
		}
	}
	p.countDays[key] = true
	if _, err := p.exec(`DELETE FROM count_buckets WHERE camera_id = ? AND source = 'device' AND bucket_start >= ? AND bucket_start < ?`,
		cameraID, from, to); err != nil {
		return err
	}
	if p.counts == nil {
		p.counts = p.newBatcher(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries, exits, passers_by,
			staff_excluded, reentries, dwell_sum_s, dwell_n) VALUES `, `(?,'device',?,?,?,?,?,?,?,?,?)`, ``, 4096)
	}
	var seen [2]uint64
	dup := false
	for _, b := range buckets {
		if b.Start%900 != 0 || b.Start < from || b.Start >= to || b.Start-from >= 128*900 {
			return fmt.Errorf("counts of camera %d on %s: bucket at %d is not a 15-minute bucket of that day", cameraID, day, b.Start)
		}
		if b.Entries < 0 || b.Exits < 0 || b.PassersBy < 0 || b.StaffExcluded < 0 || b.Reentries < 0 {
			return fmt.Errorf("counts of camera %d on %s: negative count at %d", cameraID, day, b.Start)
		}
		// A local day has at most 100 buckets (25 hours).
		i := (b.Start - from) / 900
		if seen[i/64]&(1<<(i%64)) != 0 {
			dup = true
		}
		seen[i/64] |= 1 << (i % 64)
	}
	if dup {
		// The same bucket twice: the later one wins, as an upsert would.
		last := map[int64]int{}
		for i, b := range buckets {
			last[b.Start] = i
		}
		var keep []CountBucket
		for i, b := range buckets {
			if last[b.Start] == i {
				keep = append(keep, b)
			}
		}
		buckets = keep
	}
	for _, b := range buckets {
		if err := p.counts.add(cameraID, b.Start, storeID, b.Entries, b.Exits, b.PassersBy, b.StaffExcluded, b.Reentries, b.DwellSumS, b.DwellN); err != nil {
			return fmt.Errorf("counts of camera %d on %s: %w", cameraID, day, err)
		}
	}
	p.touch(storeID, from, to)
	return nil
}

// DeleteCountDay removes a camera's device counts of one local day.
func (p *FeedPage) DeleteCountDay(cameraID int64, day string) error {
	store, err := p.cameraStore(cameraID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	return p.ReplaceCountDay(cameraID, store, day, nil)
}

// --- POS ---

// POSHour is one store's till summary for one UTC hour.
type POSHour struct {
	StoreID        int64
	HourStart      int64
	Receipts       int // transactions: refunds and staff purchases excluded
	Items          int
	SalesFen       int64
	Refunds        int
	StaffPurchases int
}

// UpsertPOSHour stores a store's till summary of an hour.
func (p *FeedPage) UpsertPOSHour(h POSHour) error {
	if skip, err := p.orphan(fmt.Sprintf("POS hour %d of store %d", h.HourStart, h.StoreID), h.StoreID, 0); skip || err != nil {
		return err
	}
	if h.HourStart%3600 != 0 {
		return fmt.Errorf("POS hour of store %d at %d does not start on the hour", h.StoreID, h.HourStart)
	}
	if p.posHours == nil {
		p.posHours = p.newBatcher(`INSERT INTO pos_hourly(store_id, hour_start, receipts, items, sales_fen, refunds, staff_purchases) VALUES `,
			`(?,?,?,?,?,?,?)`, ` ON CONFLICT(store_id, hour_start) DO UPDATE SET receipts = excluded.receipts, items = excluded.items,
			sales_fen = excluded.sales_fen, refunds = excluded.refunds, staff_purchases = excluded.staff_purchases`, 4096)
	}
	p.touch(h.StoreID, h.HourStart, h.HourStart+3600)
	return p.posHours.add(h.StoreID, h.HourStart, h.Receipts, h.Items, h.SalesFen, h.Refunds, h.StaffPurchases)
}

// DeletePOSHour removes a store's till summary of an hour.
func (p *FeedPage) DeletePOSHour(storeID, hourStart int64) error {
	if err := p.posHours.flushIfAny(); err != nil {
		return err
	}
	if _, err := p.exec(`DELETE FROM pos_hourly WHERE store_id = ? AND hour_start = ?`, storeID, hourStart); err != nil {
		return err
	}
	p.touch(storeID, hourStart, hourStart+3600)
	return nil
}

func (b *batcher) flushIfAny() error {
	if b == nil {
		return nil
	}
	return b.flush()
}

// Receipt is one POS receipt with its lines.
type Receipt struct {
	ID              int64
	StoreID         int64
	ReceiptNo       string
	T               int64
	Till            string
	AmountFen       int64
	DiscountFen     int64
	Cashier         string
	MemberCard      string // '' when none
	IsRefund        bool
	IsStaffPurchase bool
	Lines           []ReceiptLine
}

// ReceiptLine is one line of a receipt.
type ReceiptLine struct {
	SKU          string
	Name         string
	Qty          int
	UnitPriceFen int64
	AmountFen    int64
}

// UpsertReceipt stores a receipt and replaces its lines.
func (p *FeedPage) UpsertReceipt(r Receipt) error {
	if skip, err := p.orphan("receipt "+r.ReceiptNo, r.StoreID, 0); skip || err != nil {
		return err
	}
	if r.ReceiptNo == "" {
		return fmt.Errorf("receipt %d of store %d has no receipt number", r.ID, r.StoreID)
	}
	if p.receipts == nil {
		p.receipts = p.newBatcher(`INSERT INTO pos_receipts(id, store_id, receipt_no, t, till, amount_fen, discount_fen, cashier,
			member_card, is_refund, is_staff_purchase) VALUES `, `(?,?,?,?,?,?,?,?,NULLIF(?,''),?,?)`,
			` ON CONFLICT(id) DO UPDATE SET store_id = excluded.store_id, receipt_no = excluded.receipt_no, t = excluded.t,
			till = excluded.till, amount_fen = excluded.amount_fen, discount_fen = excluded.discount_fen, cashier = excluded.cashier,
			member_card = excluded.member_card, is_refund = excluded.is_refund, is_staff_purchase = excluded.is_staff_purchase`, 2048)
		p.lines = p.newBatcher(`INSERT INTO pos_receipt_lines(receipt_id, line_no, sku, name, qty, unit_price_fen, amount_fen) VALUES `,
			`(?,?,?,?,?,?,?)`, ` ON CONFLICT(receipt_id, line_no) DO UPDATE SET sku = excluded.sku, name = excluded.name,
			qty = excluded.qty, unit_price_fen = excluded.unit_price_fen, amount_fen = excluded.amount_fen`, 4096)
		// A re-delivered receipt replaces its lines: the old ones go when
		// its batch is written, before any of its new lines (which are only
		// written after their receipt: a batch of lines writes the pending
		// receipts first, for the foreign key).
		p.receipts.before = func(rows string) error {
			_, err := p.exec(`DELETE FROM pos_receipt_lines WHERE receipt_id IN (SELECT value->>0 FROM json_each(?))`, rows)
			return err
		}
		p.lines.before = func(string) error { return p.receipts.flush() }
	}
	if err := p.receipts.add(r.ID, r.StoreID, r.ReceiptNo, r.T, r.Till, r.AmountFen, r.DiscountFen, r.Cashier, r.MemberCard,
		r.IsRefund, r.IsStaffPurchase); err != nil {
		return fmt.Errorf("receipt %s of store %d: %w", r.ReceiptNo, r.StoreID, err)
	}
	for i, l := range r.Lines {
		if err := p.lines.add(r.ID, i+1, l.SKU, l.Name, l.Qty, l.UnitPriceFen, l.AmountFen); err != nil {
			return fmt.Errorf("receipt %s of store %d line %d: %w", r.ReceiptNo, r.StoreID, i+1, err)
		}
	}
	return nil
}

// DeleteReceipt removes a receipt and its lines.
func (p *FeedPage) DeleteReceipt(id int64) error {
	if err := p.receipts.flushIfAny(); err != nil {
		return err
	}
	if err := p.lines.flushIfAny(); err != nil {
		return err
	}
	_, err := p.exec(`DELETE FROM pos_receipts WHERE id = ?`, id)
	return err
}

// PruneReceipts removes receipts (with their lines) more than keep seconds
// older than the newest stored receipt: the cashier audit keeps only a
// recent window of detail, the trends read the hourly summaries. Counting
// from the newest receipt, not the clock, keeps a laptop that was offline
// for a month from emptying its audit.
func (p *FeedPage) PruneReceipts(keep int64) error {
	if err := p.receipts.flushIfAny(); err != nil {
		return err
	}
	if err := p.lines.flushIfAny(); err != nil {
		return err
	}
	_, err := p.exec(`DELETE FROM pos_receipts WHERE t < (SELECT max(t) FROM pos_receipts) - ?`, keep)
	return err
}

// --- camera alerts ---

// DeviceAlert is an alert a camera device raised, as HQ's feed sends it.
// EndedAt is 0 while open.
type DeviceAlert struct {
	RemoteID  string
	CameraID  int64
	Kind      string // one of vocab.AlertKinds
	StartedAt int64
	EndedAt   int64
	Measure   float64
	Detail    string // JSON object, '' for none
}

// UpsertCameraAlert stores a device alert and marks the store's rollups
// over the alert's period stale (suspect hours).
func (p *FeedPage) UpsertCameraAlert(a DeviceAlert) error {
	if skip, err := p.orphan("alert "+a.RemoteID, 0, a.CameraID); skip || err != nil {
		return err
	}
	store, err := p.cameraStore(a.CameraID)
	if err != nil {
		return fmt.Errorf("alert %s: %w", a.RemoteID, err)
	}
	if a.Detail == "" {
		a.Detail = "{}"
	}
	var old struct{ from, to sql.NullInt64 }
	p.tx.QueryRowContext(p.ctx, `SELECT started_at, COALESCE(ended_at, ?) FROM camera_alerts WHERE remote_id = ?`, time.Now().Unix(), a.RemoteID).Scan(&old.from, &old.to)
	if _, err := p.exec(`INSERT INTO camera_alerts(remote_id, camera_id, kind, source, started_at, ended_at, measure, detail)
		VALUES (?, ?, ?, 'device', ?, NULLIF(?, 0), ?, ?)
		ON CONFLICT(remote_id) DO UPDATE SET camera_id = excluded.camera_id, kind = excluded.kind, started_at = excluded.started_at,
			ended_at = excluded.ended_at, measure = excluded.measure, detail = excluded.detail`,
		a.RemoteID, a.CameraID, a.Kind, a.StartedAt, a.EndedAt, a.Measure, a.Detail); err != nil {
		return fmt.Errorf("alert %s on camera %d: %w", a.RemoteID, a.CameraID, err)
	}
	end := a.EndedAt
	if end == 0 {
		end = time.Now().Unix()
	}
	p.touch(store, a.StartedAt, end)
	if old.from.Valid {
		p.touch(store, old.from.Int64, old.to.Int64)
	}
	p.rows++
	return nil
}

// DeleteCameraAlert removes a device alert.
func (p *FeedPage) DeleteCameraAlert(remoteID string) error {
	var store, from, to int64
	err := p.tx.QueryRowContext(p.ctx, `SELECT c.store_id, a.started_at, COALESCE(a.ended_at, unixepoch()) FROM camera_alerts a
		JOIN cameras c ON c.id = a.camera_id WHERE a.remote_id = ?`, remoteID).Scan(&store, &from, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := p.exec(`DELETE FROM camera_alerts WHERE remote_id = ?`, remoteID); err != nil {
		return err
	}
	p.touch(store, from, to)
	return nil
}

// --- recordings, inspections, task status ---

// Recording is a footage clip in HQ's index.
type Recording struct {
	RemoteID  string
	CameraID  int64
	Starts    int64
	DurationS float64
	Size      int64
	SHA256    string
	URL       string // relative to the feed's base URL
}

// UpsertRecording stores a clip of HQ's index. A clip whose content changed
// at HQ (another SHA-256) goes back to "remote": its old download no longer
// counts.
func (p *FeedPage) UpsertRecording(r Recording) error {
	if skip, err := p.orphan("recording "+r.RemoteID, 0, r.CameraID); skip || err != nil {
		return err
	}
	var oldSHA, oldPath sql.NullString
	p.tx.QueryRowContext(p.ctx, `SELECT sha256, local_path FROM recordings WHERE remote_id = ?`, r.RemoteID).Scan(&oldSHA, &oldPath)
	if _, err := p.exec(`INSERT INTO recordings(remote_id, camera_id, starts, duration_s, size_bytes, sha256, url) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(remote_id) DO UPDATE SET camera_id = excluded.camera_id, starts = excluded.starts, duration_s = excluded.duration_s,
			url = excluded.url, size_bytes = excluded.size_bytes,
			state = CASE WHEN sha256 = excluded.sha256 THEN state ELSE 'remote' END,
			local_path = CASE WHEN sha256 = excluded.sha256 THEN local_path ELSE NULL END,
			bytes_done = CASE WHEN sha256 = excluded.sha256 THEN bytes_done ELSE 0 END,
			etag = CASE WHEN sha256 = excluded.sha256 THEN etag ELSE NULL END,
			sha256 = excluded.sha256`,
		r.RemoteID, r.CameraID, r.Starts, r.DurationS, r.Size, r.SHA256, r.URL); err != nil {
		return fmt.Errorf("recording %s: %w", r.RemoteID, err)
	}
	if oldSHA.Valid && oldSHA.String != r.SHA256 && oldPath.Valid && oldPath.String != "" {
		p.removeFiles = append(p.removeFiles, oldPath.String)
	}
	p.rows++
	return nil
}

// DeleteRecording removes a clip from the index and, once the page has
// committed, its downloaded file.
func (p *FeedPage) DeleteRecording(remoteID string) error {
	var path sql.NullString
	p.tx.QueryRowContext(p.ctx, `SELECT local_path FROM recordings WHERE remote_id = ?`, remoteID).Scan(&path)
	if _, err := p.exec(`DELETE FROM recordings WHERE remote_id = ?`, remoteID); err != nil {
		return err
	}
	if path.Valid && path.String != "" {
		p.removeFiles = append(p.removeFiles, path.String, path.String+".part")
	}
	return nil
}

// InspectionSchedule is a scheduled snapshot check; StoreID 0 means every
// store of the region.
type InspectionSchedule struct {
	RemoteID   string
	Name       string
	StoreID    int64
	CameraRole string
	Weekdays   Weekdays
	Times      string // 'HH:MM,HH:MM,…' local
	Active     bool
}

// UpsertInspectionSchedule stores an inspection schedule.
func (p *FeedPage) UpsertInspectionSchedule(s InspectionSchedule) error {
	if skip, err := p.orphan("inspection schedule "+s.Name, s.StoreID, 0); skip || err != nil {
		return err
	}
	if _, err := p.exec(`INSERT INTO inspection_schedules(remote_id, name, store_id, camera_role, weekdays, times, active)
		VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?)
		ON CONFLICT(remote_id) DO UPDATE SET name = excluded.name, store_id = excluded.store_id, camera_role = excluded.camera_role,
			weekdays = excluded.weekdays, times = excluded.times, active = excluded.active`,
		s.RemoteID, s.Name, s.StoreID, s.CameraRole, int(s.Weekdays), s.Times, s.Active); err != nil {
		return fmt.Errorf("inspection schedule %s: %w", s.Name, err)
	}
	p.rows++
	return nil
}

// DeleteInspectionSchedule removes an inspection schedule; its snapshots stay.
func (p *FeedPage) DeleteInspectionSchedule(remoteID string) error {
	_, err := p.exec(`DELETE FROM inspection_schedules WHERE remote_id = ?`, remoteID)
	return err
}

// Snapshot is a still HQ holds (inspection or device).
type Snapshot struct {
	RemoteID         string
	CameraID         int64
	ScheduleRemoteID string // '' for none
	T                int64
	Source           string // inspection, device
	URL              string
	SHA256           string
}

// UpsertSnapshot stores a snapshot of HQ's index.
func (p *FeedPage) UpsertSnapshot(s Snapshot) error {
	if skip, err := p.orphan("snapshot "+s.RemoteID, 0, s.CameraID); skip || err != nil {
		return err
	}
	if _, err := p.exec(`INSERT INTO snapshots(remote_id, camera_id, schedule_id, t, source, url, sha256)
		VALUES (?, ?, (SELECT id FROM inspection_schedules WHERE remote_id = ?), ?, ?, ?, NULLIF(?, ''))
		ON CONFLICT(remote_id) DO UPDATE SET camera_id = excluded.camera_id, schedule_id = excluded.schedule_id, t = excluded.t,
			source = excluded.source, url = excluded.url, sha256 = excluded.sha256`,
		s.RemoteID, s.CameraID, s.ScheduleRemoteID, s.T, s.Source, s.URL, s.SHA256); err != nil {
		return fmt.Errorf("snapshot %s: %w", s.RemoteID, err)
	}
	p.rows++
	return nil
}

// DeleteSnapshot removes a snapshot of HQ's index (and its verdict).
func (p *FeedPage) DeleteSnapshot(remoteID string) error {
	_, err := p.exec(`DELETE FROM snapshots WHERE remote_id = ?`, remoteID)
	return err
}

// TaskStatusChange is one step of a corrective task's status history.
type TaskStatusChange struct {
	RemoteID string // HQ's id of the change, '' for one made here
	TaskID   string
	Status   string
	At       time.Time
	By       string
	Note     string
	Source   string // "local" or "hq"
}

// ApplyTaskStatusChange records a status change reported by HQ and moves the
// task to it unless the task already changed later. A change for a task this
// machine does not hold (issued from another laptop) is skipped; ok reports
// whether it was stored.
func (p *FeedPage) ApplyTaskStatusChange(c TaskStatusChange) (ok bool, err error) {
	if !validStatus(c.Status) {
		return false, fmt.Errorf("task status change %s: %q is not a task status", c.RemoteID, c.Status)
	}
	res, err := p.exec(`INSERT INTO task_status_history(task_id, remote_id, status, at, by, note, source)
		SELECT ?, ?, ?, ?, ?, ?, 'hq' WHERE EXISTS (SELECT 1 FROM corrective_tasks WHERE id = ?)
		ON CONFLICT(remote_id) DO UPDATE SET status = excluded.status, at = excluded.at, by = excluded.by, note = excluded.note`,
		c.TaskID, c.RemoteID, c.Status, c.At.Unix(), c.By, c.Note, c.TaskID)
	if err != nil {
		return false, fmt.Errorf("task status change %s: %w", c.RemoteID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	at := c.At.Unix()
	if _, err := p.exec(`UPDATE corrective_tasks SET status = ?, updated_at = ?, done_at = CASE WHEN ? = 'done' THEN ? ELSE done_at END
		WHERE id = ? AND updated_at <= ?`, c.Status, at, c.Status, at, c.TaskID, at); err != nil {
		return false, err
	}
	p.rows++
	return true, nil
}

// DeleteTaskStatusChange removes a status change HQ withdrew.
func (p *FeedPage) DeleteTaskStatusChange(remoteID string) error {
	_, err := p.exec(`DELETE FROM task_status_history WHERE remote_id = ?`, remoteID)
	return err
}

// ParseKeyInt reads a decimal feed key; tombstones of id-keyed collections
// carry them.
func ParseKeyInt(key string) (int64, error) {
	v, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("key %q is not a number", key)
	}
	return v, nil
}

// --- the footage cache ---

// CachedRecording is a clip of the index with its local download state.
type CachedRecording struct {
	ID           int64
	RemoteID     string
	CameraID     int64
	Starts       int64
	Size         int64
	SHA256       string
	URL          string
	ETag         string
	LocalPath    string
	State        string // remote, downloading, ready, failed, evicted
	BytesDone    int64
	OpenCount    int
	LastViewedAt int64
	Error        string
}

const cachedCols = `id, remote_id, camera_id, starts, size_bytes, sha256, url, COALESCE(etag, ''), COALESCE(local_path, ''), state,
	bytes_done, open_count, COALESCE(last_viewed_at, 0), COALESCE(error, '')`

func scanCached(sc interface{ Scan(...any) error }) (CachedRecording, error) {
	var r CachedRecording
	err := sc.Scan(&r.ID, &r.RemoteID, &r.CameraID, &r.Starts, &r.Size, &r.SHA256, &r.URL, &r.ETag, &r.LocalPath, &r.State,
		&r.BytesDone, &r.OpenCount, &r.LastViewedAt, &r.Error)
	return r, err
}

func queryCached(ctx context.Context, x execer, q string, args ...any) ([]CachedRecording, error) {
	rows, err := x.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []CachedRecording
	for rows.Next() {
		r, err := scanCached(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordingByRemoteID returns a clip of the index by HQ's id, or ErrNotFound.
func (db *DB) RecordingByRemoteID(ctx context.Context, remoteID string) (CachedRecording, error) {
	r, err := scanCached(db.r.QueryRowContext(ctx, `SELECT `+cachedCols+` FROM recordings WHERE remote_id = ?`, remoteID))
	if err != nil {
		return r, fmt.Errorf("recording %s: %w", remoteID, MapError(err))
	}
	return r, nil
}

// RecordingsToPrefetch lists, among the newest n clips of the index, those
// not yet downloaded, newest first.
func (db *DB) RecordingsToPrefetch(ctx context.Context, n int) ([]CachedRecording, error) {
	return queryCached(ctx, db.r, `SELECT `+cachedCols+` FROM (SELECT * FROM recordings ORDER BY starts DESC, id DESC LIMIT ?)
		WHERE state IN ('remote', 'downloading') ORDER BY starts DESC, id DESC`, n)
}

// SetRecordingState records a clip's download state. localPath is kept when
// "" unless the state is not ready; errText "" clears the error.
func (db *DB) SetRecordingState(ctx context.Context, id int64, state, etag, localPath string, bytesDone int64, errText string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET state = ?, etag = NULLIF(?, ''), local_path = NULLIF(?, ''), bytes_done = ?,
		error = NULLIF(?, '') WHERE id = ?`, state, etag, localPath, bytesDone, errText, id)
	return MapError(err)
}

// CacheBytes is the disk the footage cache uses: finished clips plus the
// parts of interrupted downloads.
func (db *DB) CacheBytes(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state = 'ready' THEN size_bytes ELSE bytes_done END), 0)
		FROM recordings WHERE state IN ('ready', 'downloading')`).Scan(&n)
	return n, MapError(err)
}

// EvictableRecordings lists downloaded clips that may leave the cache,
// least recently viewed first: never one that is open in a player, nor one
// a corrective task points to as evidence.
func (db *DB) EvictableRecordings(ctx context.Context) ([]CachedRecording, error) {
	return queryCached(ctx, db.r, `SELECT `+cachedCols+` FROM recordings r
		WHERE state = 'ready' AND open_count = 0
		  AND NOT EXISTS (SELECT 1 FROM corrective_tasks t WHERE t.recording_id = r.id)
		ORDER BY COALESCE(last_viewed_at, 0), starts, id`)
}

// MarkRecordingEvicted records that a clip's file left the cache; call it
// before removing the file so the index never points to a missing file.
// It refuses (ErrConstraint) a clip that became open or attached meanwhile.
func (db *DB) MarkRecordingEvicted(ctx context.Context, id int64) error {
	res, err := db.w.ExecContext(ctx, `UPDATE recordings SET state = 'evicted', local_path = NULL, bytes_done = 0
		WHERE id = ? AND state = 'ready' AND open_count = 0
		  AND NOT EXISTS (SELECT 1 FROM corrective_tasks t WHERE t.recording_id = recordings.id)`, id)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: recording %d is open or attached to a task", ErrConstraint, id)
	}
	return nil
}

// OpenRecording marks a clip as being played (never evicted while open)
// and as viewed now; pair it with CloseRecording.
func (db *DB) OpenRecording(ctx context.Context, id int64, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET open_count = open_count + 1, last_viewed_at = ? WHERE id = ?`, now.Unix(), id)
	return MapError(err)
}

// CloseRecording ends one OpenRecording.
func (db *DB) CloseRecording(ctx context.Context, id int64) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET open_count = max(open_count - 1, 0) WHERE id = ?`, id)
	return MapError(err)
}

// RecordingPlace is a clip with its camera and where it is on disk.
type RecordingPlace struct {
	CameraCode string
	Starts     time.Time
	LocalPath  string // "" until downloaded
	State      string // the download state: ready once on this machine
}

// RecordingPlaceByID returns one clip's camera, start, file and state.
func (db *DB) RecordingPlaceByID(ctx context.Context, id int64) (RecordingPlace, error) {
	var p RecordingPlace
	var starts int64
	err := db.r.QueryRowContext(ctx, `SELECT c.code, r.starts, COALESCE(r.local_path, ''), r.state
		FROM recordings r JOIN cameras c ON c.id = r.camera_id WHERE r.id = ?`, id).Scan(&p.CameraCode, &starts, &p.LocalPath, &p.State)
	if err != nil {
		return p, fmt.Errorf("recording %d: %w", id, MapError(err))
	}
	p.Starts = time.Unix(starts, 0).UTC()
	return p, nil
}

// ResetOpenRecordings clears every open mark; the app calls it on start, as
// no player survives the previous process.
func (db *DB) ResetOpenRecordings(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET open_count = 0 WHERE open_count <> 0`)
	return MapError(err)
}

// SweepTable names a synced table whose rows a complete fresh read can sweep.
type SweepTable int

// Tables a fresh read of a whole collection in one page may sweep.
const (
	SweepStores SweepTable = iota
	SweepCameras
	SweepStaff
	SweepInspectionSchedules
	SweepRecordings
)

var sweeps = map[SweepTable]struct{ table, key string }{
	SweepStores:              {"stores", "id"},
	SweepCameras:             {"cameras", "id"},
	SweepStaff:               {"staff", "id"},
	SweepInspectionSchedules: {"inspection_schedules", "remote_id"},
	SweepRecordings:          {"recordings", "remote_id"},
}

// Sweep removes the rows of table whose feed key is not in keep (JSON
// array of the keys, numbers or strings as the table keys them). A fresh
// read after HQ expired the cursors carries no tombstones, so this is how
// an item HQ dropped meanwhile leaves the laptop. An empty keep removes
// nothing: an empty answer is more likely a fault at HQ than a closed chain.
// It returns the number of rows removed.
func (p *FeedPage) Sweep(table SweepTable, keep []byte) (int, error) {
	sw, ok := sweeps[table]
	if !ok {
		return 0, fmt.Errorf("sweep: unknown table %d", table)
	}
	var n int
	if err := p.tx.QueryRowContext(p.ctx, `SELECT json_array_length(?)`, keep).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	if table == SweepRecordings {
		rows, err := p.tx.QueryContext(p.ctx, `SELECT local_path FROM recordings WHERE local_path IS NOT NULL
			AND remote_id NOT IN (SELECT value FROM json_each(?))`, keep)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var path string
			if rows.Scan(&path) == nil {
				p.removeFiles = append(p.removeFiles, path, path+".part")
			}
		}
		rows.Close()
	}
	res, err := p.tx.ExecContext(p.ctx, `DELETE FROM `+sw.table+` WHERE `+sw.key+` NOT IN (SELECT value FROM json_each(?))`, keep)
	if err != nil {
		return 0, err
	}
	gone, _ := res.RowsAffected()
	return int(gone), nil
}
